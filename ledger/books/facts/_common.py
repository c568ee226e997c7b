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


def _d(cents) -> Decimal:
    return from_cents(cents or 0)


