"""The one module that builds beancount entries and turns them into ledger text."""
from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

import unicodedata

from beancount.core import account as bc_account, amount, data
from beancount.parser import printer
from beancount.parser.grammar import ValueType

from ledger.basics.errors import InputError
from ledger.basics.money import q
from ledger.basics.parse import neutral_text

CURRENCY = "CNY"
_LINK_BAD = re.compile(r"[^A-Za-z0-9\-_/.]")
ROOT_ACCOUNTS = ("Assets", "Liabilities", "Equity", "Income", "Expenses")
_PREFIX_RE = re.compile(r"^[A-Za-z]{1,6}$")


# --- values from config and units that reach ledger text: checked here, where the text is rendered ---

def check_text(text: str, what: str, limit: int = 80) -> str:
    """A name that goes into a ledger string (community name, fee item name): one line, no control
    characters, no quote or backslash (which would end or bend the string), at most `limit` characters."""
    value = unicodedata.normalize("NFC", str(text)).strip()
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise InputError(f"{what}: contains a control character or line break (U+{ord(bad):04X}); "
                         "ledger names are one line")
    if '"' in value or "\\" in value:
        raise InputError(f"{what}: must not contain a double quote or a backslash")
    if not value:
        raise InputError(f"{what}: must not be empty")
    if len(value) > limit:
        raise InputError("text_too_long", what=what, n=len(value), limit=limit)
    return value


def string_literal(text: str, what: str, limit: int = 80) -> str:
    """A beancount string literal of a checked text (check_text leaves nothing that needs escaping)."""
    return '"' + check_text(text, what, limit) + '"'


def check_account(name: str, what: str) -> str:
    """An account name in beancount's grammar (Assets:Bank:CMB), under one of the five roots."""
    value = str(name).strip()
    if not bc_account.is_valid(value) or value.split(":")[0] not in ROOT_ACCOUNTS:
        raise InputError(f"{what}: '{value}' is not a beancount account like Assets:Bank:CMB "
                         f"(a root {'/'.join(ROOT_ACCOUNTS)}, then capitalised ASCII parts joined by ':')")
    return value


def check_receipt_prefix(prefix: str, what: str = "receipts.prefix") -> str:
    """Receipt numbers become links (^SJ2026-000001): the prefix is 1-6 ASCII letters."""
    value = str(prefix).strip()
    if not _PREFIX_RE.match(value):
        raise InputError(f"{what}: '{value}' must be 1 to 6 ASCII letters, e.g. SJ")
    return value


def link(*parts: str) -> str:
    """A beancount link from free text: channel refs and receipt numbers survive as ^links."""
    return _LINK_BAD.sub("_", "-".join(p for p in parts if p))


def _meta(meta: dict | None) -> dict:
    """Entry metadata without empty values; texts formula-neutral (the last guard: every text path
    already neutralises at input, parse.neutral_text)."""
    return {k: neutral_text(v) if isinstance(v, str) else v for k, v in (meta or {}).items() if v not in (None, "")}


def posting(account: str, value: Decimal | None, meta: dict | None = None) -> data.Posting:
    units = amount.Amount(q(value), CURRENCY) if value is not None else None
    return data.Posting(account, units, None, None, None, _meta(meta) if meta else None)


def txn(date: dt.date, narration: str, postings: list[data.Posting], meta: dict | None = None,
        tags: tuple[str, ...] = (), links: tuple[str, ...] = (), payee: str | None = None,
        flag: str = "*") -> data.Transaction:
    m = data.new_metadata("<wuye>", 0, _meta(meta))
    payee = neutral_text(payee) if payee else payee
    narration = neutral_text(narration) if narration else narration
    return data.Transaction(m, date, flag, payee, narration, frozenset(tags), frozenset(links), postings)


def open_(date: dt.date, account: str, meta: dict | None = None) -> data.Open:
    m = data.new_metadata("<wuye>", 0, _meta(meta))
    return data.Open(m, date, account, [CURRENCY], None)


def balance(date: dt.date, account: str, value: Decimal, meta: dict | None = None) -> data.Balance:
    """A balance assertion: `account` holds `value` at the start of `date` (before that day's entries)."""
    m = data.new_metadata("<wuye>", 0, {k: v for k, v in (meta or {}).items() if v not in (None, "")})
    return data.Balance(m, date, account, amount.Amount(q(value), CURRENCY), None, None)


def commented(text: str, note: str) -> str:
    """Ledger text kept as comments under a one-line note: what a reopened close's assertions become."""
    lines = [f"; {check_text(note, 'note', 300)}"] + [f"; {ln}" if ln else ";" for ln in text.splitlines()]
    return "\n".join(lines) + "\n"


def custom(date: dt.date, type_: str, values: list, meta: dict | None = None) -> data.Custom:
    vals = []
    for v in values:
        if isinstance(v, Decimal):
            vals.append(ValueType(v, Decimal))
        elif isinstance(v, dt.date):
            vals.append(ValueType(v, dt.date))
        else:
            vals.append(ValueType(neutral_text(str(v)), str))
    m = data.new_metadata("<wuye>", 0, _meta(meta))
    return data.Custom(m, date, type_, vals)


# When and by whom the entries rendered now are recorded: set by the writer around planning a commit
# (`recording`), so every entry a commit writes carries it and previews made outside a commit do not
# (a preview's effect must compare equal to the re-plan made seconds later under the lock).
_STAMP: ContextVar[tuple[str, str] | None] = ContextVar("wuye_recording", default=None)


@contextmanager
def recording(recorded: dt.datetime, by: str):
    """Entries rendered inside get meta `recorded` (ISO time with offset) and `by` (the operator)."""
    token = _STAMP.set((recorded.isoformat(timespec="seconds"), by))
    try:
        yield
    finally:
        _STAMP.reset(token)


def stamped(entry):
    """`entry` with the current recording stamp in its meta; an explicit `by` (a contact's) is kept."""
    stamp = _STAMP.get()
    # Opens are left alone: an account is the same account whoever opens it, and re-opening one that
    # went missing must give back the very entry `verified.json` remembers.
    if stamp is None or not isinstance(entry, (data.Transaction, data.Custom, data.Balance)) or entry.meta is None:
        return entry
    meta = dict(entry.meta)
    meta.setdefault("recorded", stamp[0])
    meta.setdefault("by", stamp[1])
    return entry._replace(meta=meta)


def recorded_at(meta: dict | None) -> dt.datetime | None:
    """The `recorded` time of an entry's meta, or None (entries written before it was tracked)."""
    value = (meta or {}).get("recorded")
    try:
        return dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def render(entries: list) -> str:
    """Entries as ledger text, one blank line between them, ending with a newline."""
    return "".join(printer.format_entry(stamped(e)) + "\n" for e in entries)


def custom_values(entry: data.Custom) -> list:
    return [v.value for v in entry.values]


def comment(text: str) -> str:
    """A `;` comment line (the header of a new file); one line, so it cannot start a directive."""
    return f"; {check_text(text, 'comment', 200)}\n"
