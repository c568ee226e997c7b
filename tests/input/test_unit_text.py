"""Unit text in one place (ledger/basics/unitref.py): forms, the CLI and the importers read a unit the same
way; a text that names no unit is refused with the units it may have meant."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from importers.unittext import match_unit
from ledger.basics.errors import InputError
from ledger.basics.parse import resolve_unit_id
from ledger.basics.unitref import UnitNames

DEMO = [r["unit"] for r in csv.DictReader((Path(__file__).resolve().parents[2] / "units.csv").open(encoding="utf-8"))]


@pytest.mark.parametrize("text, unit", [
    ("4-103", "4-0103"), ("4栋103", "4-0103"), ("4栋103室", "4-0103"), ("４－１０３", "4-0103"),
    ("1栋2单元0201", "1-2-0201"), ("1栋2单元201室", "1-2-0201"), ("一栋二单元二零一", "1-2-0201"),
    ("S01", "S-01"), ("s01", "S-01"), ("S 01", "S-01"), ("s-1", "S-01"), ("3-0101", "3-0101"),
])
def test_spellings_of_a_unit_name_it(text, unit):
    names = UnitNames(DEMO)
    assert names.resolve(text) == unit
    assert resolve_unit_id(text, names) == unit


@pytest.mark.parametrize("text, near", [
    ("1-201", ["1-1-0201", "1-2-0201"]), ("103", ["3-0103", "4-0103"]), ("4-13", ["4-0103"]),
])
def test_a_text_naming_no_unit_is_refused_with_candidates(text, near):
    with pytest.raises(InputError) as e:
        resolve_unit_id(text, UnitNames(DEMO))
    assert e.value.code == "unknown_unit_near"
    assert all(u in e.value.params["candidates"] for u in near)
    assert "did you mean" in e.value.text("en") and "是不是" in e.value.text("zh")


def test_nothing_near_is_the_plain_refusal():
    with pytest.raises(InputError) as e:
        resolve_unit_id("9-9999", UnitNames(DEMO))
    assert e.value.code == "unknown_unit"


def test_two_units_with_the_same_parts_are_not_guessed():
    assert UnitNames(["3-101", "3-0101"]).resolve("3-00101") is None


@pytest.mark.parametrize("remark, unit", [
    ("S01商铺物业费", "S-01"), ("s01 物业费", "S-01"), ("S 01商铺", "S-01"), ("4栋103物业费", "4-0103"),
    ("4-103 2026年11月", "4-0103"), ("1栋2单元201室物业费", "1-2-0201"),
])
def test_importers_read_remarks_with_the_same_names(remark, unit):
    m = match_unit(remark, DEMO)
    assert (m.unit, m.reason) == (unit, "exact")


def test_cli_pay_reads_the_spelling_and_books_the_register_id(make_books, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-03-20")
    root = make_books(tmp_path)
    assert run_cli("bill", "2026-03", books=root).rc == 0
    ok = run_cli("pay", "4栋103", "10", "--channel", "cash", "--by", "前台", books=root)
    assert ok.rc == 0, ok.err
    assert ok.out.startswith("receipt SJ2026-000001: 4-0103 ")
    text = (root / "txns/2026/2026-03.beancount").read_text(encoding="utf-8")
    assert 'unit: "4-0103"' in text and "4栋103" not in text
    bad = run_cli("pay", "1-201", "10", "--channel", "cash", "--by", "前台", books=root)
    assert bad.rc == 2 and "did you mean: 1-1-0201, 1-2-0201" in bad.err
