"""Shared low-level reading: bytes → cells, header location, amounts and dates.

Every provider goes through these functions so the strictness rules (encoding,
amount syntax, date syntax) live in one place.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .records import ParseError

MAX_BYTES = 50 * 1024 * 1024          # reliability.md: limit import size
HEADER_SCAN_ROWS = 80                  # preambles are < 30 lines today; leave room
_ZERO_WIDTH = re.compile('[\u200b-\u200f\u2060\ufeff\u00ad]')
# C0 controls except TAB/LF/CR; TAB is meaningful inside cells (id padding).
_C0 = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
_AMOUNT = re.compile(r'^-?\d{1,12}(\.\d{1,2})?$')
_GROUPED = re.compile(r'^-?\d{1,3}(,\d{3})+(\.\d+)?$')


@dataclass
class Table:
    path: str
    rows: list[tuple[int, list[str]]]  # (1-based physical row, raw cells)
    is_xlsx: bool
    encoding: str


def strip_invisible(text: str) -> str:
    return _C0.sub('', _ZERO_WIDTH.sub('', text))


def clean(cell) -> str:
    """Normalise one cell: invisible chars, spaces/tabs, the merchant backtick, '/' = empty."""
    s = strip_invisible(str(cell if cell is not None else '')).strip()
    if s.startswith('`'):
        s = s[1:].strip()
    return '' if s == '/' else s


def header_key(cell) -> str:
    """Header comparison key: NFKC (full-width brackets → ASCII), no spaces/backticks."""
    s = unicodedata.normalize('NFKC', strip_invisible(str(cell or '')))
    return re.sub(r'[\s`]', '', s)


def _decode(path: str, data: bytes) -> tuple[str, str]:
    # NUL never occurs in UTF-8/GB18030 text: many of them mean binary or UTF-16 (not a
    # known export); a stray one is stripped below like other control characters.
    if data.count(b'\x00') > max(3, len(data) // 1000):
        raise ParseError(path, 'binary file (NUL bytes); expected a CSV text export or XLSX')
    for enc in ('utf-8-sig', 'gb18030'):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        # gb18030 accepts many byte soups; too many control chars means it was not text.
        bad = len(_C0.findall(text[:20000]))
        if bad > max(3, len(text[:20000]) // 200):
            raise ParseError(path, f'not a text export: {bad} control characters after decoding as {enc}')
        return _C0.sub('', text), enc
    raise ParseError(path, 'cannot decode as UTF-8 or GB18030 (GBK); re-export the statement, '
                           'do not re-save it in Excel')


def _xlsx_cell(value) -> str:
    # Convert here so that money never passes through float arithmetic later.
    if value is None:
        return ''
    if isinstance(value, datetime.datetime):
        return value.strftime('%Y-%m-%d %H:%M:%S')
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value)         # shortest round-trip text: 216.7, 5005.0, 45383.5
    return str(value)


def _read_xlsx(path: str, data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken zips
        raise ParseError(path, f'unreadable XLSX workbook: {type(exc).__name__}: {exc}') from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for n, values in enumerate(ws.iter_rows(values_only=True), 1):
            rows.append((n, [_xlsx_cell(v) for v in values]))
        return rows
    finally:
        wb.close()


def _read_csv(text: str) -> list[tuple[int, list[str]]]:
    rows = []
    reader = csv.reader(io.StringIO(text, newline=''))
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ParseError('', f'CSV syntax error: {exc}', row=start) from None
    return rows


def read_table(path) -> Table:
    path = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ParseError(path, f'file too large ({size} bytes > {MAX_BYTES})')
        data = p.read_bytes()
    except OSError as exc:
        raise ParseError(path, f'cannot read file: {exc.strerror or exc}') from None
    if not data.strip():
        raise ParseError(path, 'empty file')
    if data[:4] == b'PK\x03\x04':         # zip magic, regardless of extension
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ParseError(path, 'corrupt zip/XLSX container')
        return Table(path, _read_xlsx(path, data), True, 'xlsx')
    text, enc = _decode(path, data)
    try:
        rows = _read_csv(text)
    except ParseError as exc:
        raise ParseError(path, exc.reason, row=exc.row) from None
    return Table(path, rows, False, enc)


Columns = dict[str, tuple[str, ...]]   # logical name → accepted header spellings


def find_header(table: Table, required: Columns, optional: Columns | None = None
                ) -> tuple[int, dict[str, int]]:
    """Return (index into table.rows of the header, logical name → column index).

    The header is the first row containing every required column. If none does,
    the error lists the columns missing from the closest row.
    """
    optional = optional or {}
    best: tuple[int, list[str]] | None = None
    for idx, (_, cells) in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        keys = [header_key(c) for c in cells]
        positions: dict[str, int] = {}
        for name, spellings in {**required, **optional}.items():
            wanted = {header_key(s) for s in spellings}
            for i, k in enumerate(keys):
                if k in wanted:
                    positions[name] = i
                    break
        missing = [n for n in required if n not in positions]
        if not missing:
            return idx, positions
        if best is None or len(missing) < len(best[1]):
            best = (idx, missing)
    if best is not None and len(best[1]) < len(required):
        row_no = table.rows[best[0]][0]
        raise ParseError(table.path, 'missing column(s): '
                         + ', '.join(required[n][0] for n in best[1]), row=row_no)
    raise ParseError(table.path, 'no header row found; expected columns: '
                     + ', '.join(v[0] for v in required.values()))


def record(cells: list[str], cols: dict[str, int]) -> dict[str, str]:
    """Map a data row to logical names; absent trailing cells read as ''."""
    return {name: clean(cells[i]) if i < len(cells) else '' for name, i in cols.items()}


def parse_amount(text, *, file='', row=None, column=None) -> Decimal:
    """The one money parser: NFKC, strip ¥ ￥ , and spaces, then a strict regex.

    Rejects NaN, Inf, exponents, '1,2,3', >2 decimals. Returns a 2-place Decimal.
    """
    raw = '' if text is None else str(text)
    s = unicodedata.normalize('NFKC', strip_invisible(raw)).strip().lstrip('`')
    s = s.replace('¥', '').replace('￥', '').replace(' ', '').replace('\t', '')
    if ',' in s:
        if not _GROUPED.match(s):
            raise ParseError(file, f'bad thousands separators in amount {raw!r}', row, column)
        s = s.replace(',', '')
    if s.startswith('+'):
        s = s[1:]
    if not _AMOUNT.match(s):
        what = 'empty amount' if not s else f'not a valid amount {raw!r}'
        raise ParseError(file, what, row, column)
    try:
        value = Decimal(s).quantize(Decimal('0.01'))
    except InvalidOperation:  # unreachable after the regex, kept for safety
        raise ParseError(file, f'not a valid amount {raw!r}', row, column) from None
    return value if value != 0 else Decimal('0.00')  # no '-0.00'


def parse_fee(text, *, file='', row=None, column=None) -> Decimal:
    """Merchant fees print 5 decimals ('3.90000'); only zero padding beyond 2 is allowed."""
    s = unicodedata.normalize('NFKC', str(text or '')).strip()
    m = re.match(r'^(-?\d+\.\d{2})0+$', s)
    return parse_amount(m.group(1) if m else s, file=file, row=row, column=column)


_DT = [
    (re.compile(r'^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$'), 'ymd'),
    (re.compile(r'^(\d{4})/(\d{1,2})/(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$'), 'ymd'),
    (re.compile(r'^(\d{4})(\d{2})(\d{2})(?: ?(\d{1,2}):?(\d{2}):?(\d{2})?)?$'), 'ymd'),
    (re.compile(r'^(\d{4})年(\d{1,2})月(\d{1,2})日(?: ?(\d{1,2}):(\d{2})(?::(\d{2}))?)?$'), 'ymd'),
]
_SERIAL = re.compile(r'^(\d{5})(\.\d+)?$')


def parse_datetime(text, *, file='', row=None, column=None, allow_serial=False
                   ) -> tuple[datetime.date, str | None]:
    """ISO, yyyymmdd, yyyy/m/d h:mm and (XLSX only) Excel serial → (date, 'HH:MM:SS'|None)."""
    s = unicodedata.normalize('NFKC', strip_invisible(str(text or ''))).strip().lstrip('`').strip()
    if allow_serial and (m := _SERIAL.match(s)):
        days = Decimal(s)
        base = datetime.datetime(1899, 12, 30) + datetime.timedelta(days=int(days))
        secs = int(((days - int(days)) * 86400).to_integral_value())
        dt = base + datetime.timedelta(seconds=secs)
        return _checked(dt.date(), file, row, column, s), (dt.strftime('%H:%M:%S') if secs else None)
    for rx, _ in _DT:
        m = rx.match(s)
        if not m:
            continue
        y, mo, d, hh, mm, ss = m.groups()
        try:
            day = datetime.date(int(y), int(mo), int(d))
            t = None
            if hh is not None:
                t = datetime.time(int(hh), int(mm), int(ss or 0)).strftime('%H:%M:%S')
        except ValueError as exc:
            raise ParseError(file, f'invalid date {s!r}: {exc}', row, column) from None
        return _checked(day, file, row, column, s), t
    raise ParseError(file, f'unrecognised date {s!r}' if s else 'empty date', row, column)


def _checked(day, file, row, column, s):
    # 9999-12-31 parses but is never a real statement date (reliability.md).
    if not 2000 <= day.year <= 2099:
        raise ParseError(file, f'date out of range {s!r}', row, column)
    return day


def parse_time(text) -> str | None:
    s = unicodedata.normalize('NFKC', str(text or '')).strip()
    m = re.match(r'^(\d{1,2}):?(\d{2}):?(\d{2})?$', s)
    if not m:
        return None
    hh, mm, ss = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if hh > 23 or mm > 59 or ss > 59:
        return None
    return f'{hh:02d}:{mm:02d}:{ss:02d}'


_ID_OK = re.compile(r'^[0-9A-Za-z_\-./]+$')


def clean_id(text, *, file='', row=None, column=None, required=True) -> str:
    """Transaction ids: strip tabs/backticks; reject Excel-mangled scientific notation."""
    s = unicodedata.normalize('NFKC', clean(text)).replace(' ', '')
    if not s:
        if required:
            raise ParseError(file, 'empty transaction id', row, column)
        return ''
    if re.match(r'^\d+(\.\d+)?[eE][+-]?\d+$', s):
        raise ParseError(file, f'transaction id in scientific notation {s!r} (file re-saved in Excel?)',
                         row, column)
    if not _ID_OK.match(s):
        raise ParseError(file, f'unexpected characters in transaction id {s!r}', row, column)
    return s
