"""Names every fact query shares: the receivable account classes, the paid kinds, SQL and money helpers."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ledger.basics.money import from_cents


RECEIVABLE_ACCTS = {"unit": ("ar",), "developer": ("dev",), "all": ("ar", "dev")}
PAID_KINDS = ("current", "arrears", "prepay", "credit")


def _marks(values) -> str:
    return ",".join("?" * len(values))


def _asof(as_of: dt.date | None, col: str = "date") -> tuple[str, tuple]:
    return (f" AND {col} <= ?", (as_of.isoformat(),)) if as_of else ("", ())


def _asof_of_unit(as_of: dt.date | None) -> tuple[str, tuple]:
    """The as-of condition of a query of one unit's postings: '+date' keeps sqlite on the unit index; by
    (acct, date) it reads every unit's rows (one unit's item sums on 5,000 x 120: 1.36 s, by unit 0.009 s)."""
    return _asof(as_of, "+date")


def _d(cents) -> Decimal:
    return from_cents(cents or 0)


