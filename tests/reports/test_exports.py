"""Exports: CSV/formula injection, XLSX numbers, and no owner names or phone numbers anywhere."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

import reports_scenario as scenario
from ledger.basics.errors import InputError
from ledger.reports.formats import Table, safe_text, to_csv


@pytest.mark.parametrize("raw,safe", [
    ("=cmd|'/c calc'!A1", "'=cmd|'/c calc'!A1"),
    ("@SUM(1+1)", "'@SUM(1+1)"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("\t=1+1", "'\t=1+1"),
    ("\r@x", "'\r@x"),
    ("\tplain", "'\tplain"),
    ("物业服务费", "物业服务费"),
    ("2026-03", "2026-03"),
    ("", ""),
])
def test_safe_text(raw, safe):
    assert safe_text(raw) == safe


def test_numbers_stay_numbers_in_csv():
    text = to_csv([Table("t", ["a", "b", "c"], [[Decimal("-12.50"), 3, "-12.50"]])])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["-12.50", "3", "'-12.50"]


def test_formula_remarks_are_neutralised_in_statement_csv(scenario_books, tmp_path):
    """The waiver reason `=cmd|'/c calc'!A1` and the void reason `@SUM(1+1)` come out with a leading '."""
    out = tmp_path / "st.csv"
    scenario.wuye(scenario_books, "report", "statement", "1-102", "--as-of", "2026-03-31", "--output", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel/WPS read UTF-8
    cells = [c for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) for c in row]
    assert "'" + scenario.FORMULA_REASON in cells
    assert "'" + scenario.FORMULA_VOID in cells
    assert not any(c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _number(c)) for c in cells if c)


def _number(c: str) -> bool:
    try:
        Decimal(c)
        return True
    except Exception:
        return False


def test_xlsx_opens_with_numbers_as_numbers(scenario_books, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "st.xlsx"
    scenario.wuye(scenario_books, "report", "statement", "1-102", "--as-of", "2026-03-31", "--format", "xlsx",
                  "--output", str(out))
    wb = load_workbook(out)
    ws = wb["收支记录"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("日期", "类型", "金额")
    amounts = [r[2] for r in rows[1:]]
    assert all(isinstance(a, (int, float)) for a in amounts)
    assert -120 in amounts and 360 in amounts
    texts = [c for r in rows for c in r if isinstance(c, str)]
    assert "'" + scenario.FORMULA_REASON in texts and "'" + scenario.FORMULA_VOID in texts
    for r in ws.iter_rows():
        for c in r:
            assert c.data_type != "f"
    out2 = tmp_path / "rates.xlsx"
    scenario.wuye(scenario_books, "report", "rates", "--period", "2026-Q1", "--as-of", "2026-03-31", "--by", "building",
                  "--output", str(out2))
    ws = load_workbook(out2)["收缴率"]
    vals = list(ws.iter_rows(values_only=True))
    assert vals[1][0] == "当期收缴率" and vals[1][1] == 910 and vals[1][2] == 1750 and vals[1][3] == 0.52


def test_no_owner_names_or_phones_in_any_export(scenario_books, tmp_path):
    owners = [ln.split(",") for ln in scenario.OWNERS.strip().splitlines()[1:]]
    secrets = [o[1] for o in owners] + [o[2] for o in owners]
    outs = []
    base = ["--as-of", "2026-03-31"]
    for args in (["arrears"], ["rates", "--period", "2026-Q1", "--by", "building"], ["statement", "1-102"],
                 ["statement", "1-101"], ["disclosure", "--period", "2026-Q1"], ["standards"]):
        for fmt in ("text", "json", "csv", "html"):
            outs.append(scenario.wuye(scenario_books, "report", *args, *base, "--format", fmt))
        x = tmp_path / f"{args[0]}.xlsx"
        scenario.wuye(scenario_books, "report", *args, *base, "--output", str(x))
        from openpyxl import load_workbook
        outs.append(" ".join(str(c) for ws in load_workbook(x) for r in ws.iter_rows(values_only=True) for c in r))
    blob = "\n".join(outs)
    for s in secrets:
        assert s not in blob, s


def test_export_refuses_phone_numbers():
    with pytest.raises(InputError):
        to_csv([Table("t", ["x"], [["call 13912345678"]])])
