"""Billing: the charge of every unit and item for a month, as one transaction per unit.

Rules (issue: books, fee standards and billing): the rate in effect at the start of the month for the
unit's type; each month's charge rounded half-up to the cent; days after handover billed to the owner and
days before it to the developer; registered vacancy discounts applied by days; metered items bill the
usage between readings; a unit/item/period is billed once.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.basics import accounts as acc
from ledger.books import entries as beans, facts, layout
from ledger.basics import periods
from ledger.community.config import Config, FeeItem
from ledger.basics.money import ZERO, fmt, q
from ledger.community.units import Unit


@dataclass
class BillPlan:
    periods: list[str]
    entries: list = field(default_factory=list)
    by_file: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    totals: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    developer_total: Decimal = ZERO
    credit_applied: Decimal = ZERO
    credit_units: set = field(default_factory=set)
    units_billed: set = field(default_factory=set)
    already: list[str] = field(default_factory=list)  # "3-1502 PF 2026-11"
    refused: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)

    def message(self) -> str:
        span = self.periods[0] if len(self.periods) == 1 else f"{self.periods[0]}..{self.periods[-1]}"
        head = f"bill {span}: {len(self.units_billed)} units, {fmt(self.total)} CNY"
        body = [f"{code}: {fmt(v)}" for code, v in sorted(self.totals.items())]
        if self.developer_total:
            body.append(f"billed to the developer: {fmt(self.developer_total)}")
        if self.credit_applied:
            body.append(f"credit applied: {fmt(self.credit_applied)} CNY on {len(self.credit_units)} units")
        if self.already:
            body.append(f"already billed, skipped: {len(self.already)}")
        if self.refused:
            body += ["refused: " + r for r in self.refused[:50]]
        return head + "\n\n" + "\n".join(body) + "\n"


@dataclass(frozen=True)
class Share:
    owner: Decimal
    developer: Decimal
    note: str  # why the owner part is not the full month


def split_month(monthly: Decimal, unit: Unit, period: str, cfg: Config, item: str) -> Share:
    """Split a month's charge between owner and developer by days, then apply vacancy discounts."""
    first, last = periods.start(period), periods.end(period)
    dim = periods.days_in(period)
    if unit.handover is None or unit.handover > last:
        return Share(ZERO, monthly, "未交付")
    owner_from = max(first, unit.handover)
    owner_days = (last - owner_from).days + 1
    notes = []
    if owner_days < dim:
        owner = q(monthly * owner_days / dim)
        notes.append(f"交付 {unit.handover.isoformat()} {owner_days}/{dim}天")
    else:
        owner = monthly
    developer = monthly - owner
    for v in cfg.vacancies:
        if v.unit != unit.unit or item not in v.items:
            continue
        lo, hi = max(owner_from, v.start), min(last, v.end)
        if lo > hi:
            continue
        days = (hi - lo).days + 1
        cut = q(monthly * days * (1 - v.rate) / dim)
        owner -= cut
        notes.append(f"空置 {days}天×{v.rate}")
    return Share(owner, developer, "; ".join(notes))


def quantity(item: FeeItem, unit: Unit, usage: Decimal | None) -> Decimal | None:
    if item.basis == "area":
        return unit.area
    if item.basis == "unit":
        return Decimal(1)
    if item.basis == "parking":
        return Decimal(unit.parking) if unit.parking else None
    return usage


def monthly_charge(item: FeeItem, unit: Unit, day: dt.date) -> Decimal | None:
    """A full month's charge of a non-metered item for a unit at the rate in force on `day`
    (rounded as billing rounds it), or None when the item does not apply or has no rate."""
    qty = quantity(item, unit, None)
    found = item.rate_on(day, unit.type)
    if not qty or not found:
        return None
    return q(qty * found[0])


def meter_usage(readings: list[tuple[dt.date, Decimal]], period: str) -> tuple[Decimal | None, str]:
    """Usage in a month: the last reading inside it minus the last reading before the month (so that
    consecutive months chain and no usage falls between two bills); for a meter whose first reading is
    inside the month, minus that first reading."""
    first, last = periods.start(period), periods.end(period)
    inside = [r for r in readings if first <= r[0] <= last]
    if not inside:
        return None, "no reading"
    cur = max(inside)
    before = [r for r in readings if r[0] < first]
    earlier_inside = [r for r in inside if r[0] < cur[0]]
    if before:
        prev = max(before)
    elif earlier_inside:
        prev = min(earlier_inside)
    else:
        return None, "no earlier reading"
    if cur[1] < prev[1]:
        return None, f"reading {cur[1]} on {cur[0]} is below {prev[1]} on {prev[0]}"
    return cur[1] - prev[1], f"{prev[1]}→{cur[1]}"


def credit_application(unit: str, charges: list[tuple[str, str, Decimal]], available: Decimal,
                       discounts: dict[str, Decimal]) -> tuple[list, Decimal]:
    """Receivable postings applying up to `available` credit to (item, period, amount) charges, in
    order; the unit's unapplied prepayment discount first, as a reduction (kind `discount`), then the
    rest as credit (kind `credit`). Returns the postings and the total taken off the credit account."""
    postings, total = [], ZERO
    for code, period, amount in charges:
        left = amount
        for kind in ("discount", "credit"):
            pool = min(discounts.get(unit, ZERO), available) if kind == "discount" else available
            use = min(pool, left)
            if use <= 0:
                continue
            postings.append(beans.posting(acc.receivable(unit), -use, {"item": code, "period": period, "kind": kind}))
            if kind == "discount":
                discounts[unit] -= use
            available -= use
            left -= use
            total += use
        if available <= 0:
            break
    return postings, total


def plan_bill(cfg: Config, units: dict[str, Unit], period_list: list[str], billed: dict[str, set],
              credits: dict[str, Decimal], readings: dict[tuple[str, str], list],
              credit_dates: dict[str, dt.date] | None = None,
              discounts: dict[str, Decimal] | None = None) -> BillPlan:
    """Pure: the entries a billing run would write. `billed[period]` holds (unit, item) already billed.

    `discounts[unit]`: the part of the unit's credit that is a prepayment discount (预交优惠) not yet
    granted on a charge; applying it reduces the charge (kind `discount`), it is never collected."""
    plan = BillPlan(list(period_list))
    credits = dict(credits)
    discounts = dict(discounts or {})
    items = [i for i in cfg.items_by_priority() if i.billed]
    for period in period_list:
        day = periods.start(period)
        if day < cfg.books_start:
            plan.refused.append(f"{period}: before the books start {cfg.books_start}")
            continue
        usable = []
        for item in items:
            if not any(r.start <= day for r in item.rates):
                plan.refused.append(f"{item.code} {item.name}: no rate in effect on {day.isoformat()}")
            else:
                usable.append(item)
        done = billed.get(period, set())
        for unit in sorted(units.values(), key=lambda u: u.unit):
            postings, income = [], defaultdict(lambda: ZERO)
            owner_charges = []
            for item in usable:
                if (unit.unit, item.code) in done:
                    plan.already.append(f"{unit.unit} {item.code} {period}")
                    continue
                usage, how = None, ""
                if item.basis == "metered":
                    rd = readings.get((unit.unit, item.code))
                    if not rd:
                        continue  # no meter for this unit
                    usage, how = meter_usage(rd, period)
                    if usage is None:
                        if how != "no earlier reading":  # a meter's first reading is its baseline
                            plan.refused.append(f"{unit.unit} {item.code} {period}: {how}")
                        continue
                qty = quantity(item, unit, usage)
                if qty is None or qty == 0:
                    continue
                found = item.rate_on(day, unit.type)
                if found is None:
                    plan.refused.append(f"{unit.unit} {item.code}: no {unit.type} rate on {day.isoformat()}")
                    continue
                price, since = found
                monthly = q(qty * price)
                share = split_month(monthly, unit, period, cfg, item.code)
                meta = {"item": item.code, "period": period, "qty": qty, "rate": price,
                        "rate-from": since.isoformat()}
                if how:
                    meta["meter"] = how
                if share.owner:
                    m = dict(meta)
                    if share.note:
                        m["note"] = share.note
                    postings.append(beans.posting(acc.receivable(unit.unit), share.owner, m))
                    owner_charges.append((item.code, share.owner))
                if share.developer:
                    postings.append(beans.posting(acc.DEVELOPER, share.developer,
                                                  {"unit": unit.unit, **meta, "note": share.note or "未交付"}))
                    plan.developer_total += share.developer
                charged = share.owner + share.developer  # below the month's charge when a vacancy applies
                income[item.code] += charged
                plan.totals[item.code] += charged
            if not postings:
                continue
            for code, amount in income.items():
                it = cfg.fees[code]
                postings.append(beans.posting(acc.income(code, cfg.regime, it.pass_through), -amount))
            narration = f"账单 {period} {unit.unit}"
            entry = beans.txn(day, narration, postings, {"op": "bill", "unit": unit.unit, "period": period},
                              tags=("bill",))
            plan.entries.append(entry)
            plan.by_file[layout.month_file(day)].append(entry)
            plan.units_billed.add(unit.unit)
            available = credits.get(unit.unit, ZERO)
            applied, applied_total = credit_application(unit.unit, [(c, period, a) for c, a in owner_charges],
                                                        available, discounts)
            if applied_total:
                # Dated no earlier than the credit it uses, so the credit account is never negative
                # at any date, even when a bill is run after a later-dated prepayment.
                when = max(day, (credit_dates or {}).get(unit.unit, day))
                applied.append(beans.posting(acc.credit(unit.unit), applied_total))
                use_entry = beans.txn(when, f"预存抵扣 {period} {unit.unit}", applied,
                                      {"op": "bill", "unit": unit.unit, "period": period}, tags=("bill", "credit"))
                plan.entries.append(use_entry)
                plan.by_file[layout.month_file(when)].append(use_entry)
                credits[unit.unit] = available
                plan.credit_applied += applied_total
                plan.credit_units.add(unit.unit)
    return plan


def load_readings(cache) -> dict[tuple[str, str], list[tuple[dt.date, Decimal]]]:
    out: dict[tuple[str, str], list] = defaultdict(list)
    for c in facts.customs(cache, "wuye-reading"):
        unit, item, value = c.vals[:3]
        out[(unit, item)].append((c.date, Decimal(str(value))))
    return out
