"""Late fees (违约金) under a dated contract policy: off unless config.policies.late_fee is in force.

Accrual: for each open principal item of an eligible fee, from the day after its due date (the last
day of its month) plus the grace days, at the daily rate on the amount still open at assessment time,
capped per unit and period at the principal billed (or a fixed amount). An assessment posts only the
days since the unit's previous assessment, so running it twice for the same date adds nothing. Run it
monthly, after imports and reconciliation, so the open amounts it uses are current.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.basics import accounts as acc
from ledger.books import entries as beans, facts, layout
from ledger.books.plan import Plan
from ledger.basics import periods
from ledger.community.config import LATE_FEE_ITEM
from ledger.basics.errors import InputError
from ledger.basics.labels import label
from ledger.basics.money import ZERO, fmt, q
from ledger.reports.openitems import open_items
from ledger.payments.pay import check_date


@dataclass
class LateFeePlan:
    as_of: dt.date
    entries: list = field(default_factory=list)
    total: Decimal = ZERO
    lines: list[tuple[str, str, str, int, Decimal]] = field(default_factory=list)  # unit, item, period, days, fee


def last_assessed(books) -> dict[str, dt.date]:
    return facts.late_fee_assessed_to(books.cache)


def plan_late_fees(books, as_of: dt.date, unit: str | None = None) -> LateFeePlan:
    check_date(books, as_of, "--as-of")
    policy = books.config.late_fee_policy(as_of)
    if policy is None:
        raise InputError("no_late_fee_policy", date=as_of)
    plan = LateFeePlan(as_of)
    opens = open_items(books.cache, unit=unit, as_of=as_of)
    billed = defaultdict(lambda: ZERO)
    late_so_far = defaultdict(lambda: ZERO)
    for u, item, period, amount in facts.charges_by_unit_item_period(books.cache, as_of):
        if item == LATE_FEE_ITEM:
            late_so_far[(u, period)] += amount
        elif item in policy.items:
            billed[(u, period)] += amount
    done = last_assessed(books)
    by_unit: dict[str, list] = defaultdict(list)
    for (u, item, period), amount in sorted(opens.items()):
        if item not in policy.items or amount <= 0:
            continue
        start = periods.end(period) + dt.timedelta(days=policy.grace_days + 1)
        start = max(start, policy.start)
        if u in done:
            start = max(start, done[u] + dt.timedelta(days=1))
        days = (as_of - start).days + 1
        if days <= 0:
            continue
        fee = q(amount * policy.daily_rate * days)
        cap = billed[(u, period)] if policy.cap == "principal" else Decimal(policy.cap)
        fee = min(fee, max(cap - late_so_far[(u, period)], ZERO))
        if fee <= 0:
            continue
        late_so_far[(u, period)] += fee
        by_unit[u].append((item, period, start, days, fee))
    for u, rows in sorted(by_unit.items()):
        postings = []
        for item, period, start, days, fee in rows:
            postings.append(beans.posting(acc.receivable(u), fee, {
                "item": LATE_FEE_ITEM, "period": period, "on": item, "from": start.isoformat(),
                "to": as_of.isoformat(), "days": Decimal(days)}))
            plan.lines.append((u, item, period, days, fee))
        total = sum((r[4] for r in rows), ZERO)
        postings.append(beans.posting(acc.LATE_FEES, -total))
        plan.entries.append(beans.txn(as_of, f"{label('item', LATE_FEE_ITEM)} {u} 截至 {as_of}", postings,
                                      {"op": "late", "unit": u, "accrued-to": as_of.isoformat(),
                                       "rate": policy.daily_rate}, tags=("late",)))
        plan.total += total
    return plan


def late_fee_operation(as_of: dt.date):
    def operation(books) -> Plan:
        plan = plan_late_fees(books, as_of)
        msg = f"late fees to {as_of}: {len(plan.entries)} units, {fmt(plan.total)} CNY\n"
        text = beans.render(plan.entries) if plan.entries else ""
        return Plan(msg, {layout.month_file(as_of): text} if text else {}, {}, plan)
    return operation


def assess(books, as_of: dt.date):
    """-> (LateFeePlan as committed, WriteResult | None when nothing was due)."""
    op = late_fee_operation(as_of)
    result = books.commit(op)
    return (result.plan.effect if result else op(books).effect), result
