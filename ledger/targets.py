"""Collectors' targets (分配包干, 责任到人) against what they collected, and who is left to visit.

Figures per collector (the units of the buildings config.collectors gives them), for a target period
P (YYYY-MM, YYYY-Qn or YYYY), as of a cut-off date (default: the end of P, or today if earlier):
- charged   = the period's charges: owner receivable postings of op `bill` (kind none) with period in P,
              excluding pass-through items and late fees (LATE), less what was waived or compensated
              on those charges by the cut-off (they are no longer owed; shown beside);
- collected = what settled those charges by payment: receivable postings with kind current, arrears,
              prepay or credit on those (item, period)s, dated by the cut-off (voids net out);
- 当期收缴率 = collected / charged.
Developer receivables are left out (the office collects them centrally, not the collectors).

NOTE for the reports engineer: this is a stand-in for ledger/rates.py (当期收缴率 by collector); when
rates.py lands, `period_collection` should call it and this module keeps only the target comparison.

Units left to visit (先易后难): the collector's units with anything open on the cut-off, easiest first:
no open dispute before disputed; a promise kept in the last 180 days first; no open broken promise
before broken ones; then the smallest arrears.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

from . import periods
from .collection import UNASSIGNED, arrears_by_unit, collector_of_unit, units_by_collector
from .config import LATE_FEE_ITEM
from .contacts import broken_promises_by_unit, last_kept_promise, load_contacts
from .disputes import disputed_units
from .errors import InputError
from .money import ZERO, from_cents, plain
from .openitems import PAID_KINDS
from .stages import current_stages

_Q = re.compile(r"^(\d{4})-Q([1-4])$")
_Y = re.compile(r"^(\d{4})$")
RECENT_PROMISE_DAYS = 180


def period_months(p: str) -> list[str]:
    p = str(p).strip().upper()
    m = _Q.match(p)
    if m:
        first = f"{m.group(1)}-{(int(m.group(2)) - 1) * 3 + 1:02d}"
        return [periods.add(first, i) for i in range(3)]
    m = _Y.match(p)
    if m:
        return [f"{m.group(1)}-{i:02d}" for i in range(1, 13)]
    try:
        return [periods.parse_period(p)]
    except InputError:
        raise InputError(f"period '{p}' is not YYYY-MM, YYYY-Qn or YYYY") from None


def period_collection(books, months: list[str], as_of: dt.date) -> dict[str, dict[str, Decimal]]:
    """{unit: {charged, collected, waived, compensated}} for the period's charges (rule in module doc)."""
    skip = {c for c, f in books.config.fees.items() if f.pass_through} | {LATE_FEE_ITEM}
    marks = ",".join("?" for _ in months)
    rows = books.cache.q(
        f"SELECT unit, item, op, kind, SUM(cents) FROM postings WHERE acct='ar' AND period IN ({marks}) "
        "AND date<=? GROUP BY unit, item, op, kind", tuple(months) + (as_of.isoformat(),))
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"charged": ZERO, "collected": ZERO,
                                                              "waived": ZERO, "compensated": ZERO})
    for unit, item, op, kind, cents in rows:
        if item in skip:
            continue
        amt = from_cents(cents)
        row = out[unit]
        if kind is None and op == "bill":
            row["charged"] += amt
        elif kind in PAID_KINDS:
            row["collected"] -= amt
        elif kind == "waived":
            row["waived"] -= amt
        elif kind == "compensated":
            row["compensated"] -= amt
    for row in out.values():
        row["charged"] -= row["waived"] + row["compensated"]
    return dict(out)


def _rate(num: Decimal, den: Decimal) -> Decimal | None:
    return (num / den).quantize(Decimal("0.0001")) if den else None


def default_cutoff(books, period: str) -> dt.date:
    months = period_months(period)
    return min(periods.end(months[-1]), books.today())


def targets_report(books, period: str, as_of: dt.date | None = None) -> dict:
    """Per collector: target vs actual (amount collected for the period's charges, 当期收缴率) and the
    units left to visit, easiest first. Callable from `wuye report targets`."""
    months = period_months(period)
    label = str(period).strip().upper()
    as_of = as_of or default_cutoff(books, label)
    coll = period_collection(books, months, as_of)
    targets = {(t.collector, t.period.upper()): t for t in books.config.targets}
    owing = arrears_by_unit(books, as_of, overdue_only=False)
    disputed = disputed_units(books, as_of)
    stages = current_stages(books, as_of)
    kept = last_kept_promise(books, as_of)
    broken = {u for u, ps in broken_promises_by_unit(books, as_of).items() if any(p.open for p in ps)}
    last_contact: dict[str, dt.date] = {}
    for c in load_contacts(books, as_of=as_of):
        last_contact[c.unit] = c.date
    out = []
    for name, units in units_by_collector(books).items():
        charged = sum((coll[u]["charged"] for u in units if u in coll), ZERO)
        collected = sum((coll[u]["collected"] for u in units if u in coll), ZERO)
        waived = sum((coll[u]["waived"] for u in units if u in coll), ZERO)
        comp = sum((coll[u]["compensated"] for u in units if u in coll), ZERO)
        t = targets.get((name, label))
        rate = _rate(collected, charged)
        visit = []
        for u in units:
            if u not in owing:
                continue
            period_open = (coll[u]["charged"] - coll[u]["collected"]) if u in coll else ZERO
            recent_kept = kept.get(u)
            recent = bool(recent_kept and (as_of - recent_kept).days <= RECENT_PROMISE_DAYS)
            visit.append({"unit": u, "arrears": owing[u].total, "period_open": period_open,
                          "oldest": owing[u].oldest, "dispute": disputed[u]["id"] if u in disputed else None,
                          "kept_promise": recent_kept if recent else None, "broken_promise": u in broken,
                          "stage": stages.get(u, {}).get("stage"), "last_contact": last_contact.get(u)})
        visit.sort(key=lambda v: (v["dispute"] is not None, v["kept_promise"] is None, v["broken_promise"],
                                  v["arrears"], v["unit"]))
        for v in visit:
            v["arrears"], v["period_open"] = plain(v["arrears"]), plain(v["period_open"])
        if name == UNASSIGNED and not units:
            continue
        out.append({
            "collector": name, "units": len(units), "charged": plain(charged), "collected": plain(collected),
            "waived": plain(waived), "compensated": plain(comp), "rate": str(rate) if rate is not None else None,
            "target_amount": plain(t.amount) if t and t.amount is not None else None,
            "target_rate": str(t.rate) if t and t.rate is not None else None,
            "amount_gap": plain(t.amount - collected) if t and t.amount is not None else None,
            "amount_met": (collected >= t.amount) if t and t.amount is not None else None,
            "rate_met": (rate is not None and rate >= t.rate) if t and t.rate is not None else None,
            "to_visit": visit})
    return {"period": label, "months": months, "as_of": as_of, "collectors": out}
