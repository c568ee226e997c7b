"""Writers for report tables: CSV, XLSX and HTML, safe to open in Excel/WPS.

A table is (title, headers, rows); cells are str, int, Decimal or None.
- Text cells that start with = + - @ (also after leading TAB or CR characters), or with TAB/CR
  themselves, get a leading apostrophe so a spreadsheet never evaluates them as a formula
  (CSV/formula injection). Numbers (int, Decimal) stay numbers: unquoted in CSV, numeric cells in XLSX.
- Nothing here looks up owners: reports never carry names or phone numbers, and `check_no_pii`
  refuses to write any text cell that looks like a mobile phone or an ID card number.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ledger.basics.errors import InputError
from ledger.basics.parse import neutral_text
from ledger.community.privacy import pii_number
from ledger.documents.render import render



@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    highlight: list[bool] = field(default_factory=list)  # rows to make stand out (legal risk)


# Neutralise a text cell for spreadsheets: '=cmd|...' -> "'=cmd|..." (the rule texts get at input too).
safe_text = neutral_text


def check_no_pii(tables: list[Table]) -> None:
    for t in tables:
        for r in t.rows:
            for c in r:
                if isinstance(c, str) and pii_number(c):
                    raise InputError("export_cell_pii", table=t.title)


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else ""
    if isinstance(v, (int, Decimal)):
        return v
    return safe_text(v)


def to_csv(tables: list[Table]) -> str:
    """CSV text (one block per table, a blank line between); assemble.export_bytes adds the UTF-8 BOM."""
    check_no_pii(tables)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for n, t in enumerate(tables):
        if n:
            w.writerow([])
        if len(tables) > 1:
            w.writerow([safe_text(t.title)])
        w.writerow([safe_text(h) for h in t.headers])
        for r in t.rows:
            w.writerow([_cell(c) for c in r])
    return buf.getvalue()


# An xlsx is a zip, and both the zip entries and the workbook's properties carry the moment of saving;
# fixed here so that the same report gives the same bytes (CLI and TUI exports compare equal).
FIXED_STAMP = (1980, 1, 1, 0, 0, 0)


class _StampedZip(zipfile.ZipFile):
    def writestr(self, name, data, *args, **kw):
        if isinstance(name, str):
            name = zipfile.ZipInfo(name, date_time=FIXED_STAMP)
            name.compress_type = zipfile.ZIP_DEFLATED
        return super().writestr(name, data, *args, **kw)

    def write(self, filename, arcname=None, *args, **kw):
        # openpyxl writes each sheet from a temporary file, whose mtime would become the entry's
        with open(filename, "rb") as fh:
            return self.writestr(arcname or Path(filename).name, fh.read())


def xlsx_bytes(tables: list[Table]) -> bytes:
    """One sheet per table; numbers are numeric cells ('#,##0.00' for amounts), text is text."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    check_no_pii(tables)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for t in tables:
        name = re.sub(r"[\[\]:*?/\\]", "_", t.title)[:31] or "sheet"
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        ws = wb.create_sheet(name)
        ws.append([safe_text(h) for h in t.headers])
        for c in ws[1]:
            c.font = Font(bold=True)
        for i, r in enumerate(t.rows):
            ws.append([None if x is None else _cell(x) for x in r])
            row = ws.max_row
            for j, v in enumerate(r, start=1):
                cell = ws.cell(row=row, column=j)
                if isinstance(v, Decimal):
                    cell.number_format = "#,##0.00" if v == v.quantize(Decimal("0.01")) and v.as_tuple().exponent == -2 \
                        else "0.0000"
                elif isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula
            if i < len(t.highlight) and t.highlight[i]:
                for c in ws[row]:
                    c.font = Font(bold=True, color="C00000")
    wb.properties.created = wb.properties.modified = dt.datetime(*FIXED_STAMP)
    buf = io.BytesIO()
    ExcelWriter(wb, _StampedZip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return buf.getvalue()


def to_html(title: str, tables: list[Table], notes: list[str] = ()) -> str:
    check_no_pii(tables)
    return render("report.html", title=title, tables=tables, notes=list(notes))


def to_text(title: str, tables: list[Table], notes: list[str] = (), ansi: bool = False) -> str:
    """Plain aligned text; highlighted rows are marked '!!' and, with ansi=True (a terminal), bold red."""
    from ledger.basics.money import fmt

    def s(v) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "是" if v else ""
        if isinstance(v, Decimal):
            return fmt(v) if v.as_tuple().exponent == -2 else str(v)
        return str(v)

    def width(x: str) -> int:
        import unicodedata

        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in x)

    out = [title, *notes, ""]
    for t in tables:
        cells = [[s(h) for h in t.headers]] + [[s(c) for c in r] for r in t.rows]
        ws = [max(width(row[j]) for row in cells if j < len(row)) for j in range(len(t.headers))]
        out.append(f"== {t.title} ==")
        for i, row in enumerate(cells):
            line = []
            for j, c in enumerate(row):
                pad = " " * (ws[j] - width(c))
                numeric = i > 0 and isinstance(t.rows[i - 1][j], (int, Decimal)) and not isinstance(t.rows[i - 1][j], bool)
                line.append(pad + c if numeric else c + pad)
            hot = i > 0 and i - 1 < len(t.highlight) and t.highlight[i - 1]
            text = ("!! " if hot else "   ") + "  ".join(line).rstrip()
            out.append(f"\x1b[1;31m{text}\x1b[0m" if hot and ansi else text)
        out.append("")
    return "\n".join(out)
