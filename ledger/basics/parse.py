"""Typed input means what it says: the one home of the text -> value parsers.

Every parser first turns the text into plain ASCII (full-width ２０２７－０２ becomes 2027-02) and refuses
any other Unicode digit (Arabic-Indic ٢, Devanagari २, circled ①, superscript ²): Decimal() and
int() accept several of them, so a text an office clerk could not read back would be booked. Values
are compared and written only in their ASCII form, so `２０２７-０２` and `2027-02` are one period.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from decimal import Decimal

from ledger.basics.errors import InputError

CENT = Decimal("0.01")
# The largest amount one operation (payment, waiver, refund, compensation) may move; larger is a typo.
MAX_AMOUNT = Decimal("10000000.00")
# Grouped (1,234,567.50) or plain (1234567.50); a comma anywhere else (100,00) is refused.
_AMOUNT_RE = re.compile(r"^(?P<sign>-?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$", re.ASCII)
_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
_UNIT_RE = re.compile(r"^[0-9A-Z]{1,4}(-[0-9A-Z]{1,4}){1,2}$")
_FULLWIDTH_DIGITS = set("０１２３４５６７８９")


def ascii_input(text, what: str) -> str:
    """The text with full-width forms made ASCII (NFKC), stripped; refuses any digit not 0-9 or ０-９."""
    raw = str(text if text is not None else "")
    for ch in raw:
        if unicodedata.category(ch).startswith("N") and not ("0" <= ch <= "9" or ch in _FULLWIDTH_DIGITS):
            raise InputError("odd_digit", what=what, text=text, digit=ch, name=unicodedata.name(ch, "unknown"))
    return unicodedata.normalize("NFKC", raw).strip()


def parse_amount(text, what: str = "amount", allow_zero: bool = False, allow_negative: bool = False,
                 maximum: Decimal | None = MAX_AMOUNT) -> Decimal:
    """A typed amount: digits 0-9 (or full-width), an optional ¥, a comma only between groups of three,
    at most two decimals, no exponent, NaN or infinity, and at most `maximum` in size."""
    raw = ascii_input(text, what)
    raw = raw[1:].strip() if raw[:1] == "¥" else raw
    m = _AMOUNT_RE.match(raw)
    if not m:
        if re.fullmatch(r"-?[\d,]+(\.\d+)?", raw):
            raise InputError("misplaced_comma", what=what, text=text)
        raise InputError("bad_amount", what=what, text=text)
    if m.group("frac") and len(m.group("frac")) > 2:
        raise InputError("bad_amount", what=what, text=text)
    value = Decimal(raw.replace(",", "")).quantize(CENT)
    if value < 0 and not allow_negative:
        raise InputError("negative_amount", what=what, value=value)
    if value == 0 and not allow_zero:
        raise InputError("zero_amount", what=what)
    if maximum is not None and abs(value) > maximum:
        raise InputError("above_limit", what=what, value=f"{value:,.2f}", maximum=f"{maximum:,.2f}")
    return value


def parse_period(text, what: str = "period") -> str:
    """'YYYY-MM' in ASCII."""
    raw = ascii_input(text, what)
    m = _PERIOD_RE.match(raw)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        if what == "period":
            raise InputError("bad_period", text=text)
        raise InputError("bad_month", what=what, text=text)
    return m.group(0)


def parse_date(text, what: str = "date") -> dt.date:
    """'YYYY-MM-DD' in ASCII (not the other forms fromisoformat accepts, such as 20260101)."""
    raw = ascii_input(text, what)
    m = _DATE_RE.match(raw)
    try:
        if not m or int(m.group(1)) < 1900:
            raise ValueError
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise InputError("bad_date", what=what, text=text) from None


def check_billing_period(period: str, books_start: dt.date, today: dt.date, allow_future: bool = False,
                         what: str = "period") -> str:
    """Billing runs only for months from the books start to a year ahead of today (unless allow_future)."""
    first = f"{books_start.year:04d}-{books_start.month:02d}"
    if period < first:
        raise InputError("period_before_start", what=what, period=period, start=books_start)
    ahead = today.replace(day=min(today.day, calendar.monthrange(today.year + 1, today.month)[1]),
                          year=today.year + 1)
    last = f"{ahead.year:04d}-{ahead.month:02d}"
    if period > last and not allow_future:
        raise InputError("period_too_far", what=what, period=period, today=today, last=last)
    return period


def normalise_unit_id(text, what: str = "unit") -> str:
    """The one form of a unit id: ASCII, upper case, stripped ('３－１５０２' and '3-1502' are one unit).
    Returns the normalised text; callers check it exists."""
    return ascii_input(text, what).upper()


def resolve_unit_id(text, names, what: str = "unit", file: str = "units.csv") -> str:
    """The register id a typed unit text names (`4-103`, `4栋103`, `S01` ... by ledger/basics/unitref.py);
    a text that names none is refused with the units it may have meant ("did you mean")."""
    key = normalise_unit_id(text, what)
    found = names.resolve(key)
    if found:
        return found
    near = names.near(key)
    if near:
        raise InputError("unknown_unit_near", unit=str(text).strip(), file=file, candidates=", ".join(near))
    raise InputError("unknown_unit", unit=str(text).strip(), file=file)


def is_unit_id(uid: str) -> bool:
    return bool(_UNIT_RE.match(uid))


def bounded_text(text, what: str, limit: int) -> str:
    """A free text no longer than `limit` characters (after NFC and stripping), formula-neutral."""
    value = unicodedata.normalize("NFC", str(text or "")).strip()
    if len(value) > limit:
        raise InputError("text_too_long", what=what, n=len(value), limit=limit)
    return neutral_text(value)


FORMULA_START = ("=", "+", "-", "@")


def neutral_text(value) -> str:
    """A free text made inert for spreadsheets: one that starts with = + - @ (also after leading TAB/CR
    characters), or with TAB/CR, gets a leading apostrophe ('=HYPERLINK(..)' -> "'=HYPERLINK(..)").

    The one rule for every text that reaches the ledger (privacy.clean_text, privacy.redact,
    bounded_text, and entries.py as the last guard) and for every exported cell (reports.formats):
    Fava's own query download prints ledger strings as they are, so they must be inert at input.
    Idempotent: a neutralised text starts with the apostrophe and is left alone."""
    s = str(value)
    if not s:
        return s
    if s[0] in "\t\r" or s[0] in FORMULA_START or s.lstrip("\t\r ")[:1] in FORMULA_START:
        return "'" + s
    return s
