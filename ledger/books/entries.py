"""The one module that builds beancount entries and turns them into ledger text."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import unicodedata

from beancount.core import account as bc_account, amount, data
from beancount.parser import printer
from beancount.parser.grammar import ValueType

from ledger.basics.errors import InputError
from ledger.basics.money import q

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
        raise InputError(f"{what}: {len(value)} characters; at most {limit}")
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


def posting(account: str, value: Decimal | None, meta: dict | None = None) -> data.Posting:
    units = amount.Amount(q(value), CURRENCY) if value is not None else None
    return data.Posting(account, units, None, None, None, dict(meta) if meta else None)


def txn(date: dt.date, narration: str, postings: list[data.Posting], meta: dict | None = None,
        tags: tuple[str, ...] = (), links: tuple[str, ...] = (), payee: str | None = None,
        flag: str = "*") -> data.Transaction:
    m = data.new_metadata("<wuye>", 0, {k: v for k, v in (meta or {}).items() if v not in (None, "")})
    return data.Transaction(m, date, flag, payee, narration, frozenset(tags), frozenset(links), postings)


def open_(date: dt.date, account: str, meta: dict | None = None) -> data.Open:
    m = data.new_metadata("<wuye>", 0, {k: v for k, v in (meta or {}).items() if v not in (None, "")})
    return data.Open(m, date, account, [CURRENCY], None)


def balance(date: dt.date, account: str, value: Decimal, meta: dict | None = None) -> data.Balance:
    """A balance assertion: `account` holds `value` at the start of `date` (beancount's rule)."""
    m = data.new_metadata("<wuye>", 0, {k: v for k, v in (meta or {}).items() if v not in (None, "")})
    return data.Balance(m, date, account, amount.Amount(q(value), CURRENCY), None, None)


def custom(date: dt.date, type_: str, values: list, meta: dict | None = None) -> data.Custom:
    vals = []
    for v in values:
        if isinstance(v, Decimal):
            vals.append(ValueType(v, Decimal))
        elif isinstance(v, dt.date):
            vals.append(ValueType(v, dt.date))
        else:
            vals.append(ValueType(str(v), str))
    m = data.new_metadata("<wuye>", 0, {k: v for k, v in (meta or {}).items() if v not in (None, "")})
    return data.Custom(m, date, type_, vals)


def render(entries: list) -> str:
    """Entries as ledger text, one blank line between them, ending with a newline."""
    return "".join(printer.format_entry(e) + "\n" for e in entries)


def custom_values(entry: data.Custom) -> list:
    return [v.value for v in entry.values]
