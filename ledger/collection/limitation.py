"""Limitation risk (诉讼时效, 民法典 188/195/192): which open charges are about to become, or already
are, time-barred.

The rule, per open charge (unit, item, period) - each period's charge runs separately (分期计算):
- Due date D = the last day of the period month. Time runs from D+1 (民法典 188, 201).
- Limitation date L = the last day still within the 3 years = the day corresponding to D three years
  later (民法典 202; D is a month end, so L is the last day of the same month three years on;
  a 29 February becomes 28 February).
- Interruption (民法典 195) on date E, with D < E <= as-of, restarts the 3 years: L = E + 3 years
  (corresponding day). Interrupting events:
    * a contact marked `interrupts: TRUE` (proven written demand or proven acknowledgement, see
      ledger/contacts.py), for every charge of the unit due before E;
    * a stage litigation / arbitration / payment-order dated E, for every charge of the unit due before E;
    * a payment that settles part of *this* charge (a partial payment acknowledges that charge).
      A payment allocated to other charges does not count for this one (the conservative reading;
      courts differ), so an acknowledgement of the whole debt should be logged as a contact with
      --acknowledged --proof.
  An event after L does not restart the clock, except the debtor's own acknowledgement or payment of
  the charge (民法典 192: after expiry the debtor who agrees to pay cannot raise the defence).
- Report on as-of: *at risk* when 0 <= L - as-of <= 90 days (L itself is the last good day);
  *past* when as-of > L.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ledger.books import facts
from ledger.collection.common import UNASSIGNED, collector_of_unit, open_charges
from ledger.collection.contacts import broken_promises_by_unit, load_contacts
from ledger.collection.disputes import disputed_units
from ledger.basics.money import ZERO, plain
from ledger.collection.stages import current_stages, legal_action_dates

YEARS = 3
WARN_DAYS = 90


def add_years(d: dt.date, years: int) -> dt.date:
    """The corresponding day `years` later; 29 February becomes the month's last day (民法典 202)."""
    y = d.year + years
    last = calendar.monthrange(y, d.month)[1]
    return dt.date(y, d.month, min(d.day, last))


@dataclass
class Event:
    date: dt.date
    kind: str  # contact | acknowledged | legal | payment
    detail: str = ""

    @property
    def by_debtor(self) -> bool:
        return self.kind in ("acknowledged", "payment")


def limitation_date(due: dt.date, events: list[Event]) -> tuple[dt.date, Event | None]:
    """(last day within time, the event that set it) for a charge due on `due`."""
    end, last = add_years(due, YEARS), None
    for ev in sorted(events, key=lambda e: e.date):
        if ev.date <= due:
            continue
        if ev.date <= end or ev.by_debtor:
            new = add_years(ev.date, YEARS)
            if new > end or ev.date > end:
                end, last = new, ev
    return end, last


def unit_events(books, as_of: dt.date) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = defaultdict(list)
    for c in load_contacts(books, as_of=as_of):
        if c.interrupts:
            out[c.unit].append(Event(c.date, "acknowledged" if c.acknowledged else "contact",
                                     f"{c.channel} {c.doc or ''} {c.proof}".strip()))
    for unit, dates in legal_action_dates(books, as_of).items():
        out[unit] += [Event(d, "legal", "stage") for d in dates]
    return out


def payment_events(books, as_of: dt.date) -> dict[tuple[str, str, str], list[Event]]:
    """Partial payments per (unit, item, period), from receivable postings of live payments."""
    dead = facts.reversals(books.cache, as_of)
    out: dict[tuple[str, str, str], list[Event]] = defaultdict(list)
    for unit, item, period, d, receipt in facts.settlement_payments(books.cache, as_of):
        if receipt not in dead:
            out[(unit, item, period)].append(Event(d, "payment", receipt))
    return out


def charge_rows(books, as_of: dt.date) -> list[dict]:
    """Every open charge with its limitation date and days left on as_of."""
    uev = unit_events(books, as_of)
    pev = payment_events(books, as_of)
    rows = []
    for c in open_charges(books, as_of):
        if c.due >= as_of:
            continue
        evs = [e for e in uev.get(c.unit, []) if e.date > c.due] + pev.get((c.unit, c.item, c.period), [])
        end, last = limitation_date(c.due, evs)
        rows.append({"unit": c.unit, "building": books.units[c.unit].building if c.unit in books.units else "",
                     "item": c.item, "period": c.period, "open": c.open, "due": c.due, "limitation_date": end,
                     "days_left": (end - as_of).days,
                     "last_interruption": last.date if last else None,
                     "interruption": f"{last.kind} {last.detail}".strip() if last else None})
    return rows


def limitation_report(books, as_of: dt.date, warn_days: int = WARN_DAYS) -> dict:
    """By collector: charges at risk (limitation date within warn_days) and, apart, those already past.

    Callable from `wuye report limitation`; amounts are plain strings, dates ISO (JSON-ready).
    """
    disputed = disputed_units(books, as_of)
    stages = current_stages(books, as_of)
    broken = broken_promises_by_unit(books, as_of)
    names = [c.name for c in books.config.collectors]
    groups: dict[str, dict] = {}

    def group(name: str) -> dict:
        if name not in groups:
            groups[name] = {"collector": name, "at_risk": [], "past": [], "at_risk_total": ZERO,
                            "past_total": ZERO, "broken_promises": []}
        return groups[name]

    for n in names:
        group(n)
    for r in charge_rows(books, as_of):
        if r["days_left"] > warn_days:
            continue
        g = group(collector_of_unit(books, r["unit"]))
        r["dispute"] = disputed[r["unit"]]["id"] if r["unit"] in disputed else None
        r["stage"] = stages.get(r["unit"], {}).get("stage")
        key = "past" if r["days_left"] < 0 else "at_risk"
        g[key].append(r)
        g[key + "_total"] += r["open"]
    for unit, ps in sorted(broken.items()):
        for p in ps:
            if p.open:
                group(collector_of_unit(books, unit))["broken_promises"].append(p.as_dict())
    out = []
    for name in names + sorted(set(groups) - set(names)):
        g = groups[name]
        g["at_risk"].sort(key=lambda r: (r["limitation_date"], r["unit"], r["item"]))
        g["past"].sort(key=lambda r: (r["limitation_date"], r["unit"], r["item"]))
        for r in g["at_risk"] + g["past"]:
            r["open"] = plain(r["open"])
        g["at_risk_total"], g["past_total"] = plain(g["at_risk_total"]), plain(g["past_total"])
        if name == UNASSIGNED and not (g["at_risk"] or g["past"] or g["broken_promises"]):
            continue
        out.append(g)
    return {"as_of": as_of, "warn_days": warn_days, "years": YEARS, "collectors": out,
            "at_risk_total": plain(sum((Decimal(g["at_risk_total"]) for g in out), ZERO)),
            "past_total": plain(sum((Decimal(g["past_total"]) for g in out), ZERO))}
