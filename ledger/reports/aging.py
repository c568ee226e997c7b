"""Arrears with aging buckets (账龄), per unit, building and item.

An open charge is a (unit, item, period) whose receivable postings dated <= the as-of date D sum to
more than zero (the open-item model). Its due date is the last day of the period's month; its age is
counted from the due date:

    0-30       age <= 30 days
    (charges not due yet, 未到期, are in no bucket: they are not arrears; `not_due` holds them)
    31-90      31..90 days
    91-180     91..180 days
    181-365    181 days .. due date + 1 calendar year
    1-2y       .. due date + 2 years
    2-3y       .. due date + 3 years
    >3y        after due date + 3 years: the 3-year limitation period (诉讼时效, 民法典 第188条), counted
               per period's charge, has run unless it was interrupted (a proved 催告, a part payment or an
               acknowledgement, 第195条). Legal risk: every report makes this bucket stand out.

Developer receivables (units not yet handed over) are included with debtor 'developer' unless
`developer=False`; late fees (item LATE) are included and shown as their own item.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ledger.basics.money import from_cents, to_cents
from ledger.books import facts

BUCKETS = ("0-30", "31-90", "91-180", "181-365", "1-2y", "2-3y", ">3y")
BUCKET_LABELS = {"0-30": "0-30天", "31-90": "31-90天", "91-180": "91-180天", "181-365": "181-365天",
                 "1-2y": "1-2年", "2-3y": "2-3年", ">3y": "3年以上"}
LEGAL_RISK = ">3y"


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 Feb -> 28 Feb
        return day.replace(year=day.year + years, day=28)


due_date = facts.due_date


def bucket_of(period: str, as_of: dt.date) -> str:
    due = due_date(period)
    days = (as_of - due).days
    if days <= 30:
        return "0-30"
    if days <= 90:
        return "31-90"
    if days <= 180:
        return "91-180"
    if as_of <= add_years(due, 1):
        return "181-365"
    if as_of <= add_years(due, 2):
        return "1-2y"
    if as_of <= add_years(due, 3):
        return "2-3y"
    return ">3y"


def _zero() -> dict[str, int]:
    return {b: 0 for b in BUCKETS}


@dataclass
class AgingRow:
    key: str
    debtor: str = "unit"
    building: str = ""
    buckets: dict[str, int] = field(default_factory=_zero)  # cents
    oldest_period: str | None = None
    units: set = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.buckets.values())

    @property
    def legal_risk(self) -> bool:
        return self.buckets[LEGAL_RISK] > 0


@dataclass
class Aging:
    as_of: dt.date
    units: list[AgingRow]
    buildings: list[AgingRow]
    items: list[AgingRow]
    total: AgingRow
    credit: dict[str, int]  # unit -> credit cents (prepaid), shown beside
    not_due: int = 0  # cents billed and not due yet (未到期), in no bucket
    ledger: object = None  # facts.LedgerBalances at as_of, for the reconciliation line


def aging(books, as_of: dt.date | None = None, developer: bool = True,
          units: frozenset[str] | None = None) -> Aging:
    """Open charges as of D bucketed by age, per unit (and debtor), building, item, and in total;
    `units` restricts it to those units (a Fava account/filter scope)."""
    as_of = as_of or books.today()
    debtor_sel = "all" if developer else "unit"
    opens = facts.open_items(books.cache, as_of=as_of, debtor=debtor_sel, with_account=True)
    rows = [(u, a, i, p, to_cents(amt)) for (u, a, i, p), amt in sorted(opens.items())
            if amt > 0 and p and (units is None or u in units)]
    per_unit: dict[tuple[str, str], AgingRow] = {}
    per_building: dict[str, AgingRow] = {}
    per_item: dict[str, AgingRow] = {}
    total = AgingRow("合计")
    not_due = 0
    for unit, acct, item, period, cents in rows:
        if due_date(period) > as_of:
            # billed, not due yet (未到期): not arrears; counted beside for the reconciliation
            not_due += cents
            continue
        b = bucket_of(period, as_of)
        debtor = "developer" if acct == "dev" else "unit"
        u = books.units.get(unit)
        building = u.building if u else (unit or "?").split("-")[0]
        targets = (per_unit.setdefault((unit, debtor), AgingRow(unit, debtor, building)),
                   per_building.setdefault(building, AgingRow(building, building=building)),
                   per_item.setdefault(item, AgingRow(item)), total)
        for t in targets:
            t.buckets[b] += cents
            t.units.add(unit)
            if t.oldest_period is None or period < t.oldest_period:
                t.oldest_period = period
    credit = {u: to_cents(c) for u, c in facts.credit_balances(books.cache, as_of=as_of).items()
              if units is None or u in units}

    def bkey(r: AgingRow):
        k = r.key
        return (0, int(k), "") if k.isdigit() else (1, 0, k)
    return Aging(as_of, [per_unit[k] for k in sorted(per_unit)], sorted(per_building.values(), key=bkey),
                 [per_item[k] for k in sorted(per_item)], total, credit, not_due,
                 facts.ledger_balances(books.cache, as_of))


def amounts(row: AgingRow) -> dict:
    """Decimal amounts of a row, for reports."""
    return {b: from_cents(row.buckets[b]) for b in BUCKETS}
