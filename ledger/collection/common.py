"""Shared plumbing of the collection work (contacts, stages, disputes, notices, limitation, targets).

- `clean_text`: every free text that reaches a collection directive goes through it: no phone numbers,
  no 18-character ID numbers, no owner names (from the private owners file), and no characters that
  would break a beancount string.
- `customs`: reading our `custom` directives back from the fact cache.
- `overdue_items`: open charges with their due date (the last day of the period month).
- collectors and the units they own, from config.collectors.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.books import facts
from ledger.books.plan import appending
from ledger.basics import periods
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO
from ledger.reports.openitems import open_items

UNASSIGNED = "未分配"


@dataclass
class CustomRow:
    date: dt.date
    type: str
    unit: str | None
    vals: list
    meta: dict
    file: str
    lineno: int


def customs(books, type_: str, unit: str | None = None, as_of: dt.date | None = None) -> list[CustomRow]:
    """Our custom directives of one type, oldest first (date, then file position)."""
    return [CustomRow(c.date, c.type, c.unit, c.vals, c.meta, c.file, c.lineno)
            for c in facts.customs(books.cache, type_, unit, as_of)]


def meta_date(value) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def meta_amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def commit_entries(books, make, message_of):
    """The entries `make(books)` returns, made under the books lock on the state written to, each
    appended to the month file of its date, in one commit with `message_of(entries)`.
    -> (entries, WriteResult)."""
    def operation(b):
        entries = make(b)
        return appending(entries, message_of(entries), entries)
    result = books.commit(operation)
    return result.plan.effect, result


def check_date(books, date: dt.date, what: str = "--date") -> None:
    if date < books.config.books_start:
        raise InputError("date_before_start", what=what, date=date, start=books.config.books_start)
    if date > books.today() + dt.timedelta(days=31):
        raise InputError("date_too_far_ahead", what=what, date=date, today=books.today())


# --- collectors ----------------------------------------------------------------------------

def collector_of_unit(books, unit: str) -> str:
    u = books.units.get(unit)
    return (books.config.collector_of(u.building) if u else None) or UNASSIGNED


def units_by_collector(books) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {c.name: [] for c in books.config.collectors}
    for uid in sorted(books.units):
        out.setdefault(collector_of_unit(books, uid), []).append(uid)
    return out


# --- open charges ----------------------------------------------------------------------------

@dataclass
class Charge:
    unit: str
    item: str
    period: str
    open: Decimal

    @property
    def due(self) -> dt.date:
        return facts.due_date(self.period)

    def overdue_days(self, as_of: dt.date) -> int:
        return (as_of - self.due).days


def open_charges(books, as_of: dt.date, unit: str | None = None) -> list[Charge]:
    """Open charges (owner receivables, open > 0) as of a date, oldest first."""
    rows = open_items(books.cache, unit=unit, as_of=as_of)
    out = [Charge(u, i, p, a) for (u, i, p), a in rows.items() if a > 0]
    return sorted(out, key=lambda c: (c.unit, c.period, c.item))


def overdue_charges(books, as_of: dt.date, unit: str | None = None) -> list[Charge]:
    """Open charges whose due date has passed on as_of (due < as_of)."""
    return [c for c in open_charges(books, as_of, unit) if c.due < as_of]


@dataclass
class UnitArrears:
    unit: str
    total: Decimal = ZERO
    oldest: str | None = None
    max_overdue_days: int = 0
    charges: list[Charge] = field(default_factory=list)


def arrears_by_unit(books, as_of: dt.date, overdue_only: bool = True) -> dict[str, UnitArrears]:
    charges = overdue_charges(books, as_of) if overdue_only else open_charges(books, as_of)
    out: dict[str, UnitArrears] = {}
    for c in charges:
        ua = out.setdefault(c.unit, UnitArrears(c.unit))
        ua.total += c.open
        ua.charges.append(c)
        if ua.oldest is None or c.period < ua.oldest:
            ua.oldest = c.period
        ua.max_overdue_days = max(ua.max_overdue_days, c.overdue_days(as_of))
    return out


def batch_units(books, owing: dict, disputed: dict, building: str | None = None,
                overdue_days: int | None = None) -> tuple[list[str], dict[str, dict]]:
    """The units a batch (notices, messages) reaches: owing, in the building, overdue long enough;
    units with an open dispute are held out and returned apart (unit -> dispute info)."""
    if building is not None and building not in {u.building for u in books.units.values()}:
        raise InputError("unknown_building", building=building)
    chosen, held = [], {}
    for uid in sorted(owing):
        if building is not None and books.units[uid].building != building:
            continue
        if overdue_days is not None and owing[uid].max_overdue_days < overdue_days:
            continue
        if uid in disputed:
            held[uid] = disputed[uid]
            continue
        chosen.append(uid)
    return chosen, held


def compress_periods(plist: list[str]) -> str:
    """['2024-01','2024-02','2024-03','2024-06'] -> '2024-01至2024-03、2024-06'."""
    ps = sorted(set(plist))
    runs: list[list[str]] = []
    for p in ps:
        if runs and periods.add(runs[-1][-1], 1) == p:
            runs[-1].append(p)
        else:
            runs.append([p])
    return "、".join(r[0] if len(r) == 1 else f"{r[0]}至{r[-1]}" for r in runs)
