"""Billing periods are calendar months written 'YYYY-MM'."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from ledger.basics.errors import InputError

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(text: str) -> str:
    m = _PERIOD_RE.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError("bad_period", text=text)
    return m.group(0)


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
        raise InputError(f"period range {first}..{last} runs backwards")
    out, p = [], first
    while p <= last:
        out.append(p)
        p = add(p, 1)
    return out


def parse_date(text: str, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise InputError("bad_date", what=what, text=text) from exc
