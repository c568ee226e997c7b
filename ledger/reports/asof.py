"""The one as-of rule of every report: a cut-off date is never in the future (a report of what has not
happened yet would be read as fact) unless the caller says so, and a disclosure without a period covers
the last complete month or year.

On 2026-12-01 the last complete month is 2026-11 and the last complete year 2025; on 2026-12-31 they are
still 2026-11 and 2025 (the day is not over).
"""
from __future__ import annotations

import datetime as dt

from ledger.basics import periods
from ledger.basics.errors import InputError


def check_as_of(as_of: dt.date | None, today: dt.date, allow_future: bool = False, what: str = "--as-of") -> None:
    """Refuse a cut-off after today (unless allow_future)."""
    if as_of is not None and as_of > today and not allow_future:
        raise InputError("as_of_future", what=what, date=as_of, today=today)


def last_complete_month(today: dt.date) -> str:
    return periods.add(periods.period_of(today), -1)


def last_complete_year(today: dt.date) -> str:
    return str(today.year - 1)


def default_period(text: str | None, today: dt.date) -> str:
    """A disclosure's period: as given; `month`/`year` or nothing = the last complete month/year."""
    value = (text or "month").strip()
    if value == "month":
        return last_complete_month(today)
    if value == "year":
        return last_complete_year(today)
    return value
