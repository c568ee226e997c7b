"""One test per config/units error: the message names the file and the key (or row and column), the
exit code is non-zero, and `wuye init` leaves no folder behind."""
from __future__ import annotations

from pathlib import Path

import pytest
from ledger_testkit import HDR

from ledger.community.config import load_config
from ledger.basics.errors import ConfigError, UnitsError

GOOD_CONFIG = """\
community: {name: 测试苑, currency: CNY, books_start: 2026-01-01}
units_file: units.csv
fees:
  PF:
    name: 物业服务费
    basis: area
    rates:
      - {from: 2024-01-01, residential: "2.20", commercial: "5.00"}
      - {from: 2026-07-01, residential: "2.40", commercial: "5.00"}
  PK: {name: 车位管理费, basis: parking, rates: [{from: 2024-01-01, all: "80.00"}]}
vacancies:
  - {unit: 1-0101, from: 2026-03-01, to: 2026-04-30, rate: "0.70"}
"""
GOOD_UNITS = HDR + "1-0101,1,89.36,residential,2023-12-01,1,O-1\n1-0102,1,100.00,commercial,,0,O-2\n"


def init_fails(tmp_path: Path, run_cli, config_text: str = GOOD_CONFIG, units_text: str = GOOD_UNITS):
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "config.yaml").write_text(config_text, encoding="utf-8")
    (src / "units.csv").write_text(units_text, encoding="utf-8")
    target = tmp_path / "books"
    res = run_cli("init", target, "--config", src / "config.yaml", "--units", src / "units.csv")
    assert res.rc == 2, (res.rc, res.out, res.err)
    assert res.out == ""
    assert not target.exists(), "a failed init left a folder behind"
    assert "Traceback" not in res.err
    return res.err, src


def test_good_inputs_init(tmp_path, run_cli):
    """The baseline the error cases below each break in one place."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "config.yaml").write_text(GOOD_CONFIG, encoding="utf-8")
    (src / "units.csv").write_text(GOOD_UNITS, encoding="utf-8")
    res = run_cli("init", tmp_path / "books", "--config", src / "config.yaml", "--units", src / "units.csv")
    assert res.rc == 0, res.err
    assert (tmp_path / "books" / ".git").is_dir()


# --- config.yaml ---------------------------------------------------------------------------

@pytest.mark.parametrize("old,new,key,why", [
    ("books_start: 2026-01-01", "books_start: 2026-13-01", "community.books_start", "'2026-13-01' is not a date"),
    ("{from: 2026-07-01,", "{from: 2026-02-30,", "fees.PF.rates[1].from", "'2026-02-30' is not a date"),
    ("to: 2026-04-30", "to: 30.4.2026", "vacancies[0].to", "'30.4.2026' is not a date"),
], ids=["books_start", "rate_from", "vacancy_to"])
def test_bad_date(tmp_path, run_cli, old, new, key, why):
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG.replace(old, new))
    assert f"{src / 'config.yaml'}: {key}: {why}" in err


def test_unknown_top_level_key(tmp_path, run_cli):
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG + "colour: green\n")
    assert f"{src / 'config.yaml'}: colour: unknown key" in err


def test_unknown_nested_key(tmp_path, run_cli):
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG.replace("    basis: area\n", "    basis: area\n    colour: red\n"))
    assert f"{src / 'config.yaml'}: fees.PF.colour: unknown key" in err


def test_unknown_key_in_a_rate_line(tmp_path, run_cli):
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG.replace('all: "80.00"', 'al: "80.00"'))
    assert f"{src / 'config.yaml'}: fees.PK.rates[0].al: unknown key" in err


def test_float_price_unquoted(tmp_path, run_cli):
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG.replace('residential: "2.40"', "residential: 2.40"))
    assert f"{src / 'config.yaml'}: fees.PF.rates[1].residential: write the amount as a quoted string" in err


def test_negative_price(tmp_path, run_cli):
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG.replace('all: "80.00"', 'all: "-80.00"'))
    assert f"{src / 'config.yaml'}: fees.PK.rates[0].all: -80.00 must not be below 0" in err


@pytest.mark.parametrize("old,key", [
    ("    basis: area\n", "fees.PF.basis"),
    ("  name: 测试苑, ", "community.name"),
    ("fees:\n", None),
], ids=["basis", "community_name", "fees"])
def test_missing_required_key(tmp_path, run_cli, old, key):
    text = GOOD_CONFIG.replace(old, "" if key else "ignored:\n")
    if key == "community.name":
        text = GOOD_CONFIG.replace("name: 测试苑, ", "")
    err, src = init_fails(tmp_path, run_cli, text)
    if key is None:  # `fees:` renamed: an unknown key is reported first, then the missing one
        assert f"{src / 'config.yaml'}: ignored: unknown key" in err
        err, _ = init_fails(tmp_path, run_cli, GOOD_CONFIG.split("fees:")[0])
        key = "fees"
    assert f"{src / 'config.yaml'}: {key}: is required" in err


@pytest.mark.parametrize("second", ["2024-01-01", "2023-06-01"], ids=["equal", "earlier"])
def test_rates_not_increasing(tmp_path, run_cli, second):
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG.replace("{from: 2026-07-01,", f"{{from: {second},"))
    assert f"{src / 'config.yaml'}: fees.PF.rates: effective dates must be strictly increasing" in err


def test_unknown_basis(tmp_path, run_cli):
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG.replace("basis: area", "basis: volume"))
    assert f"{src / 'config.yaml'}: fees.PF.basis: 'volume' must be one of area, unit, parking, metered" in err


def test_bool_flag_must_be_a_bool(tmp_path, run_cli):
    """`pass_through: "no"` used to be bool("no") == True."""
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG.replace("basis: parking,", 'basis: parking, pass_through: "no",'))
    assert f"{src / 'config.yaml'}: fees.PK.pass_through: 'no' must be true or false" in err


def test_vacancy_unknown_item(tmp_path, run_cli):
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG.replace('rate: "0.70"}', 'rate: "0.70", items: [XX]}'))
    assert f"{src / 'config.yaml'}: vacancies[0].items: unknown fee item 'XX'" in err


def test_not_yaml(tmp_path, run_cli):
    err, src = init_fails(tmp_path, run_cli, GOOD_CONFIG + "fees: [unclosed\n")
    assert f"{src / 'config.yaml'}: -: not valid YAML" in err


def test_config_error_carries_path_and_key(tmp_path):
    p = tmp_path / "config.yaml"
    p.write_text(GOOD_CONFIG.replace("basis: area", "basis: area\n    colour: red"), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    assert exc.value.path == str(p) and exc.value.key == "fees.PF.colour"


# --- units.csv -----------------------------------------------------------------------------

def units_err(tmp_path, run_cli, rows: str) -> tuple[str, Path]:
    err, src = init_fails(tmp_path, run_cli, units_text=HDR + rows)
    return err, src / "units.csv"


def test_negative_area(tmp_path, run_cli):
    err, f = units_err(tmp_path, run_cli, "1-0101,1,89.36,residential,2023-12-01,0,O-1\n1-0102,1,-80.00,residential,,0,\n")
    assert f"{f}:3 [area_m2]: area -80.00 must be positive" in err


def test_duplicate_unit(tmp_path, run_cli):
    err, f = units_err(tmp_path, run_cli, "1-0101,1,89.36,residential,2023-12-01,0,O-1\n1-0101,1,80.00,residential,,0,\n")
    assert f"{f}:3 [unit]: duplicate unit '1-0101'" in err


def test_duplicate_unit_after_normalising(tmp_path, run_cli):
    """A full-width look-alike is the same unit, not a new one."""
    err, f = units_err(tmp_path, run_cli, "1-0101,1,89.36,residential,2023-12-01,0,O-1\n１-０１０１,1,80.00,residential,,0,\n")
    assert f"{f}:3 [unit]: duplicate unit '1-0101'" in err


def test_unknown_unit_type(tmp_path, run_cli):
    err, f = units_err(tmp_path, run_cli, "1-0101,1,89.36,office,2023-12-01,0,O-1\n")
    assert f"{f}:2 [type]: unknown type 'office' (residential|commercial)" in err


def test_bad_handover_date(tmp_path, run_cli):
    err, f = units_err(tmp_path, run_cli, "1-0101,1,89.36,residential,2023-02-30,0,O-1\n")
    assert f"{f}:2 [handover_date]: '2023-02-30' is not a date YYYY-MM-DD" in err


def test_bad_unit_id(tmp_path, run_cli):
    err, f = units_err(tmp_path, run_cli, "1-0101,1,89.36,residential,,0,O-1\n1/0102,1,89.36,residential,,0,O-2\n")
    assert f"{f}:3 [unit]: '1/0102' is not a unit id" in err


def test_area_not_a_number(tmp_path, run_cli):
    err, f = units_err(tmp_path, run_cli, "1-0101,1,abc,residential,,0,O-1\n")
    assert f"{f}:2 [area_m2]: 'abc' is not a number" in err


def test_missing_column(tmp_path, run_cli):
    err, src = init_fails(tmp_path, run_cli, units_text="unit,building,type\n1-0101,1,residential\n")
    assert f"{src / 'units.csv'}:1: missing columns: area_m2" in err


def test_units_error_carries_row_and_column(tmp_path):
    from ledger.community.units import load_units

    p = tmp_path / "units.csv"
    p.write_text(HDR + "1-0101,1,89.36,villa,,0,O-1\n", encoding="utf-8")
    with pytest.raises(UnitsError) as exc:
        load_units(p)
    assert (exc.value.path, exc.value.row, exc.value.column) == (str(p), 2, "type")


# --- init itself ---------------------------------------------------------------------------

def test_init_refuses_a_non_empty_folder(tmp_path, run_cli):
    (tmp_path / "books").mkdir()
    (tmp_path / "books" / "mine.txt").write_text("keep me")
    res = run_cli("init", tmp_path / "books")
    assert res.rc == 2 and "folder is not empty" in res.err
    assert (tmp_path / "books" / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in (tmp_path / "books").iterdir()) == ["mine.txt"]


def test_init_failing_late_removes_what_it_made(tmp_path, run_cli, monkeypatch):
    """A failure after the folder was created (here: git cannot commit) removes the folder again."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "config.yaml").write_text(GOOD_CONFIG, encoding="utf-8")
    (src / "units.csv").write_text(GOOD_UNITS, encoding="utf-8")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text("#!/bin/sh\necho refused by hook >&2\nexit 1\n")
    (hooks / "pre-commit").chmod(0o755)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.hooksPath")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", str(hooks))
    res = run_cli("init", tmp_path / "books", "--config", src / "config.yaml", "--units", src / "units.csv")
    assert res.rc == 2 and "refused by hook" in res.err
    assert not (tmp_path / "books").exists()


def test_init_failing_keeps_an_empty_folder_the_user_made(tmp_path, run_cli, monkeypatch):
    """`wuye init DIR` on an existing empty folder: a failure empties it but does not delete the user's folder."""
    target = tmp_path / "books"
    target.mkdir()
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text("#!/bin/sh\nexit 1\n")
    (hooks / "pre-commit").chmod(0o755)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.hooksPath")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", str(hooks))
    res = run_cli("init", target)
    assert res.rc == 2
    assert target.is_dir() and list(target.iterdir()) == []
