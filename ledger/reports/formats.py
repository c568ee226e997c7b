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
import html
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ledger.basics.errors import InputError
from ledger.community.privacy import pii_number

FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    highlight: list[bool] = field(default_factory=list)  # rows to make stand out (legal risk)


def safe_text(value: str) -> str:
    """Neutralise a text cell for spreadsheets: '=cmd|...' -> "'=cmd|...". Idempotent on safe text."""
    s = str(value)
    if not s:
        return s
    if s[0] in "\t\r" or s[0] in FORMULA_START or s.lstrip("\t\r ")[:1] in FORMULA_START:
        return "'" + s
    return s


def check_no_pii(tables: list[Table]) -> None:
    for t in tables:
        for r in t.rows:
            for c in r:
                if isinstance(c, str) and pii_number(c):
                    raise InputError(f"export refused: a cell of '{t.title}' looks like a phone or ID number")


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else ""
    if isinstance(v, (int, Decimal)):
        return v
    return safe_text(v)


def to_csv(tables: list[Table]) -> str:
    """CSV text (one block per table, a blank line between); write it with a UTF-8 BOM for Excel."""
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


def write_csv(tables: list[Table], path: str | Path) -> None:
    Path(path).write_bytes(b"\xef\xbb\xbf" + to_csv(tables).encode("utf-8"))


def write_xlsx(tables: list[Table], path: str | Path) -> None:
    """One sheet per table; numbers are numeric cells ('#,##0.00' for amounts), text is text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

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
    wb.save(str(path))


CSS = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:12mm;color:#222}
table{border-collapse:collapse;margin:0 0 1.2em 0}td,th{border:1px solid #999;padding:3px 8px}
th{background:#eee}.n{text-align:right;font-variant-numeric:tabular-nums}
.risk td{color:#c00;font-weight:bold}.risk-cell{color:#c00;font-weight:bold}
.note{color:#555;font-size:90%}"""


def html_cell(v) -> str:
    if v is None:
        return "<td></td>"
    if isinstance(v, bool):
        return f"<td>{'⚠ 是' if v else ''}</td>"
    if isinstance(v, Decimal):
        from ledger.basics.money import fmt

        return f"<td class=n>{fmt(v) if v.as_tuple().exponent == -2 else v}</td>"
    if isinstance(v, int):
        return f"<td class=n>{v}</td>"
    return f"<td>{html.escape(str(v))}</td>"


def html_table(t: Table, heading: str = "h2") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in t.headers)
    body = []
    for i, r in enumerate(t.rows):
        cls = " class=risk" if i < len(t.highlight) and t.highlight[i] else ""
        body.append(f"<tr{cls}>" + "".join(html_cell(c) for c in r) + "</tr>")
    return f"<{heading}>{html.escape(t.title)}</{heading}>\n<table><tr>{head}</tr>\n" + "\n".join(body) + "</table>\n"


def to_html(title: str, tables: list[Table], notes: list[str] = ()) -> str:
    check_no_pii(tables)
    parts = [f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
             f"<style>{CSS}</style></head><body>\n<h1>{html.escape(title)}</h1>\n"]
    parts += [f"<p class=note>{html.escape(n)}</p>\n" for n in notes]
    parts += [html_table(t) for t in tables]
    parts.append("</body></html>\n")
    return "".join(parts)


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
