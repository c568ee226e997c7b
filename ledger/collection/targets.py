"""Collectors' targets (分配包干, 责任到人) against what they collected, and who is left to visit.

Figures per collector (the units of the buildings config.collectors gives them), for a target period
P (YYYY-MM, YYYY-Qn or YYYY), as of a cut-off date (default: the end of P, or today if earlier):
- charged   = 当期应收: the period's charges (no late fees, no pass-through items) less what was
              waived or compensated on them by the cut-off (shown beside);
- collected = 当期实收: what settled those charges by payment (current, arrears, prepay, credit kinds),
              dated by the cut-off (voids net out);
- 当期收缴率 = collected / charged; compared with config.targets (amount and rate) for P.

The figures are those of ledger/rates.py (the one definition of 当期收缴率): `collection_rates(...,
by="collector")` with its defaults (developer receivables of units not handed over included), so
`wuye targets` and `wuye report rates --by collector` print the same numbers.

Units left to visit (先易后难): the collector's units with anything open on the cut-off, easiest first:
no open dispute before disputed; a promise kept in the last 180 days first; no open broken promise
before broken ones; then the smallest arrears.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from ledger.reports import rates
from ledger.collection.common import UNASSIGNED, arrears_by_unit, units_by_collector
from ledger.collection.contacts import broken_promises_by_unit, last_kept_promise, load_contacts
from ledger.collection.disputes import disputed_units
from ledger.basics.money import ZERO, plain
from ledger.collection.stages import current_stages

RECENT_PROMISE_DAYS = 180


def period_months(p: str) -> list[str]:
    return rates.parse_period(p).months()


def unit_period_open(books, period: rates.ReportPeriod, as_of: dt.date) -> dict[str, Decimal]:
    """What is still open on the period's charges (rates' definition), per unit."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (unit, _item), vals in rates.unit_item_figures(books.cache, period, as_of,
                                                       excluded=rates.excluded_items(books.config)).items():
        out[unit] += vals[5]
    return dict(out)


def default_cutoff(books, period: str) -> dt.date:
    return min(rates.parse_period(period).end, books.today())


def targets_report(books, period: str, as_of: dt.date | None = None) -> dict:
    """Per collector: target vs actual (amount collected for the period's charges, 当期收缴率) and the
    units left to visit, easiest first. Callable from `wuye report targets`."""
    rp = rates.parse_period(period)
    label = rp.label
    as_of = as_of or default_cutoff(books, label)
    table = rates.collection_rates(books, rp, as_of, by="collector")
    period_open = unit_period_open(books, rp, as_of)
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
        fig = table.groups.get(name, rates.Figures())
        cur = fig.rates()["current"]
        charged, collected, rate = cur.denominator, cur.numerator, cur.ratio
        waived, comp = fig.waived, fig.compensated
        t = targets.get((name, label))
        visit = []
        for u in units:
            if u not in owing:
                continue
            p_open = period_open.get(u, ZERO)
            recent_kept = kept.get(u)
            recent = bool(recent_kept and (as_of - recent_kept).days <= RECENT_PROMISE_DAYS)
            visit.append({"unit": u, "arrears": owing[u].total, "period_open": p_open,
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
    return {"period": label, "months": rp.months(), "as_of": as_of, "collectors": out}
