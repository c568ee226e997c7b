"""Billing runs and meter readings, written through the safe write path."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ledger.books import entries as beans, facts
from ledger.books.plan import Plan, appending
from ledger.books.writer import NOT_SHOWN
from ledger.basics import periods
from ledger.billing.charges import BillPlan, load_readings, plan_bill
from ledger.basics.errors import InputError
from ledger.basics.money import parse_amount
from ledger.reports.openitems import billed_keys, credit_balances


def billable_periods(books, period_list: list[str], allow_future: bool = False) -> list[str]:
    """The periods in their one ASCII spelling, each within books start .. a year ahead of today."""
    plist = [periods.parse_period(p) for p in period_list]
    for p in sorted(plist, reverse=True):  # a refused range names its far end (--to 9999-12)
        periods.check_billing_period(p, books.config.books_start, books.today(), allow_future)
    return plist


def preview_bill(books, period_list: list[str], allow_future: bool = False) -> BillPlan:
    period_list = billable_periods(books, period_list, allow_future)
    billed = {p: billed_keys(books.cache, p) for p in period_list}
    credits = credit_balances(books.cache)
    credit_dates = facts.credit_last_dates(books.cache)
    return plan_bill(books.config, books.units, period_list, billed, credits, load_readings(books.cache),
                     credit_dates, facts.discount_available(books.cache))


def bill_operation(period_list: list[str], allow_future: bool = False):
    def operation(books) -> Plan:
        plan = preview_bill(books, period_list, allow_future)
        return Plan(plan.message() if plan.entries else "",
                    {f: beans.render(es) for f, es in plan.by_file.items() if es}, {}, plan)
    return operation


def run_bill(books, period_list: list[str], expect=NOT_SHOWN, allow_future: bool = False) -> tuple[BillPlan, object | None]:
    """Bill the periods; returns the plan as committed and the write result (None when nothing was left
    to bill). `expect` is the BillPlan a person was shown; `allow_future` lifts the year-ahead bound."""
    op = bill_operation(period_list, allow_future)
    result = books.commit(op, expect)
    return (result.plan.effect if result else op(books).effect), result


def record_reading(books, unit: str, item: str, value: str, date: dt.date):
    return books.commit(lambda b: reading_plan(b, unit, item, value, date))


def reading_plan(books, unit: str, item: str, value: str, date: dt.date) -> Plan:
    u = books.unit(unit)
    fee = books.config.fees.get(item)
    if fee is None or fee.basis != "metered":
        raise InputError("not_metered", item=item)
    v = parse_amount(value, "reading", allow_zero=True)
    if date < books.config.books_start:
        raise InputError("reading_before_start", date=date, start=books.config.books_start)
    prior = load_readings(books.cache).get((u.unit, item), [])
    if any(d == date for d, _ in prior):
        raise InputError("reading_exists", unit=u.unit, item=item, date=date)
    later = [r for r in prior if r[0] > date]
    earlier = [r for r in prior if r[0] < date]
    if earlier and max(earlier)[1] > v:
        raise InputError("reading_below", value=v, other=max(earlier)[1], date=max(earlier)[0])
    if later and min(later)[1] < v:
        raise InputError("reading_above", value=v, other=min(later)[1], date=min(later)[0])
    entry = beans.custom(date, "wuye-reading", [u.unit, item, Decimal(v)], {"by": books.collector()})
    return appending([entry], f"reading {u.unit} {item} {v} on {date}\n", entry)


def period_args(period: str | None, first: str | None, last: str | None) -> list[str]:
    if period:
        return [periods.parse_period(period)]
    if first and last:
        return periods.span(first, last)
    raise InputError("bill_period_needed")
