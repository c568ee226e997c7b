"""The one module that builds beancount entries and turns them into ledger text."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from beancount.core import amount, data
from beancount.parser import printer
from beancount.parser.grammar import ValueType

from ledger.basics.money import q

CURRENCY = "CNY"
_LINK_BAD = re.compile(r"[^A-Za-z0-9\-_/.]")


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
