"""The CLI (`wuye report NAME -o F`) and the TUI's export (tui/core/reports.py) of the same report write the
same file, byte for byte, for csv, html and xlsx (xlsx: the zip's and the workbook's timestamps are fixed)."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

import reports_scenario as scenario
from ledger.books.folder import Books
from ledger.reports import assemble
from tui.core import reports as tui_reports

AS_OF = "2026-03-31"
PERIOD = "2026-Q1"
# (report, --by): every report the TUI's reports screen offers, with and without a grouping
CASES = [("rates", ""), ("rates", "building"), ("arrears", ""), ("arrears", "collector"), ("disclosure", ""),
         ("targets", ""), ("limitation", "")]


def cli_export(books, tmp_path, name, by, fmt) -> bytes:
    out = tmp_path / f"cli-{name}-{by}.{fmt}"
    args = ["report", name, "--period", PERIOD, "--as-of", AS_OF, "--format", fmt, "--output", str(out)]
    scenario.wuye(books, *args, *(["--by", by] if by else []))
    return out.read_bytes()


def tui_export(books, tmp_path, name, by, fmt) -> bytes:
    b = Books(books)
    try:
        spec = tui_reports.ReportSpec(name, PERIOD, by, AS_OF)
        path = tui_reports.export_report(b, spec, fmt, str(tmp_path / f"tui-{name}-{by}.{fmt}"))
    finally:
        b.close()
    with open(path, "rb") as fh:
        return fh.read()


@pytest.mark.parametrize("name,by", CASES)
@pytest.mark.parametrize("fmt", ["csv", "html", "xlsx"])
def test_cli_and_tui_exports_are_the_same_file(scenario_books, tmp_path, name, by, fmt):
    cli = cli_export(scenario_books, tmp_path, name, by, fmt)
    tui = tui_export(scenario_books, tmp_path, name, by, fmt)
    assert cli == tui
    # and the file holds the report's tables (not an empty or error page)
    b = Books(scenario_books)
    try:
        rep = assemble.build(b, name, PERIOD, scenario_date(), by or None)
    finally:
        b.close()
    assert rep.tables and all(t.headers for t in rep.tables)
    if fmt == "xlsx":
        wb = load_workbook(io.BytesIO(cli))
        first = rep.tables[0]
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        assert list(rows[0]) == first.headers
        assert len(rows) == 1 + len(first.rows)
    else:
        text = cli.decode("utf-8-sig")
        assert rep.tables[0].headers[0] in text


def scenario_date():
    import datetime as dt

    return dt.date.fromisoformat(AS_OF)


def test_targets_and_limitation_are_reports_with_decimal_data(scenario_books):
    b = Books(scenario_books)
    try:
        t = assemble.build(b, "targets", PERIOD, scenario_date())
        lim = assemble.build(b, "limitation", None, scenario_date())
    finally:
        b.close()
    assert isinstance(t, assemble.Report) and isinstance(lim, assemble.Report)
    assert t.data["collectors"], "the scenario has collectors 甲 and 乙"
    for c in t.data["collectors"]:
        assert isinstance(c["charged"], Decimal) and isinstance(c["collected"], Decimal)
    assert isinstance(lim.data["at_risk_total"], Decimal) and isinstance(lim.data["past_total"], Decimal)
    # the table rows carry the same Decimals as the data
    assert [r[2] for r in t.tables[0].rows] == [c["charged"] for c in t.data["collectors"]]
