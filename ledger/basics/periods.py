"""Billing periods are calendar months written 'YYYY-MM'."""
from __future__ import annotations

import calendar
import datetime as dt

from ledger.basics.errors import InputError
# The parsers normalise to ASCII first (full-width digits), so one period has one spelling.
from ledger.basics.parse import check_billing_period, parse_date, parse_period  # noqa: F401


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def start(period: str) -> dt.date:
    y, m = int(period[:4]), int(period[5:7])
    return dt.date(y, m, 1)


def end(period: str) -> dt.date:
    y, m = int(period[:4]), int(period[5:7])
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def days_in(period: str) -> int:
    return end(period).day


def add(period: str, months: int) -> str:
    y, m = int(period[:4]), int(period[5:7])
    idx = y * 12 + (m - 1) + months
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def span(first: str, last: str) -> list[str]:
    first, last = parse_period(first), parse_period(last)
    if last < first:
        raise InputError("period_backwards", text=f"{first}..{last}")
    # counted in months, not compared as text: "10000-01" sorts before "9999-12" and never ended the loop
    months = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])
    return [add(first, n) for n in range(months + 1)]

