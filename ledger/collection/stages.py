"""Escalation stage (催缴阶段) of each unit in arrears, with its dated history.

Ledger form: `2026-11-20 custom "wuye-stage" "1-0101" "lawyer"` with meta `by`, `note`.

Stages, in escalation order (民法典 944 and the usual practice, domain.md A7):
  1 reminded       已提醒 (SMS/WeChat/phone/visit)
  2 notice         书面催缴通知书
  3 committee      业委会/居委会督促
  4 lawyer         律师函
  5 litigation     诉讼 / arbitration 仲裁 / payment-order 支付令
  6 agency         委托催收机构

Deriving the current stage of a unit on a date X:
- Only events of the current arrears episode count: events dated on or after the first day of the
  unit's oldest open period (earlier events belong to debts that were settled since).
- Events are read oldest first. An explicit `wuye stage` sets the stage (it may also lower it, e.g.
  after a settlement talk). A contact *implies* a stage (phone/sms/wechat/visit -> reminded,
  letter -> notice, committee -> committee, lawyer -> lawyer) and can only raise the stage, never
  lower it.
- A unit with nothing open has no stage.
Stages litigation/arbitration/payment-order interrupt the limitation period (民法典 195: 提起诉讼或者
申请仲裁; a 支付令 application counts as well) - see ledger/limitation.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ledger.books import entries as beans
from ledger.basics import periods
from ledger.community.privacy import clean_text
from ledger.collection.common import arrears_by_unit, check_date, customs, commit_entries
from ledger.collection.contacts import load_contacts
from ledger.basics.errors import InputError
from ledger.basics.labels import STAGES as STAGE_LABELS

STAGE = "wuye-stage"
STAGE_RANKS = {"reminded": 1, "notice": 2, "committee": 3, "lawyer": 4, "litigation": 5, "arbitration": 5,
               "payment-order": 5, "agency": 6}
STAGES: dict[str, tuple[int, str]] = {k: (rank, STAGE_LABELS[k].zh) for k, rank in STAGE_RANKS.items()}
LEGAL_STAGES = ("litigation", "arbitration", "payment-order")
CHANNEL_STAGE = {"phone": "reminded", "sms": "reminded", "wechat": "reminded", "visit": "reminded",
                 "letter": "notice", "committee": "committee", "lawyer": "lawyer"}


@dataclass
class StageEvent:
    date: dt.date
    stage: str
    source: str  # "stage" (explicit) or "contact" (implied)
    note: str = ""
    by: str = ""

    @property
    def rank(self) -> int:
        return STAGES[self.stage][0]

    @property
    def label(self) -> str:
        return STAGES[self.stage][1]

    def as_dict(self) -> dict:
        return {"date": self.date, "stage": self.stage, "label": self.label, "source": self.source,
                "note": self.note, "by": self.by}


def stage_entry(books, unit: str, stage: str, date: dt.date | None = None, note: str | None = None,
                by: str | None = None):
    u = books.unit(unit)
    if stage not in STAGES:
        raise InputError("stage_unknown", stage=stage, choices=", ".join(STAGES))
    date = date or books.today()
    check_date(books, date)
    if u.unit not in arrears_by_unit(books, date, overdue_only=False):
        raise InputError("stage_not_owing", unit=u.unit, date=date)
    note = clean_text(books, note, "--note", required=False)
    by = books.collector(by)
    return beans.custom(date, STAGE, [u.unit, stage], {"note": note or None, "by": by})


def stage_message(es) -> str:
    vals = beans.custom_values(es[0])
    return (f"stage {vals[0]} -> {vals[1]} on {es[0].date}"
            + (f": {es[0].meta['note']}" if es[0].meta.get("note") else "") + "\n")


def set_stage(books, unit: str, stage: str, date: dt.date | None = None, note: str | None = None,
              by: str | None = None):
    entries, result = commit_entries(books, lambda b: [stage_entry(b, unit, stage, date, note, by)], stage_message)
    return entries[0], result


def events(books, unit: str | None = None, as_of: dt.date | None = None) -> dict[str, list[StageEvent]]:
    """Explicit and implied stage events per unit, oldest first (explicit before implied on a day)."""
    out: dict[str, list[StageEvent]] = {}
    for r in customs(books, STAGE, unit, as_of):
        if len(r.vals) >= 2 and r.vals[1] in STAGES:
            out.setdefault(r.vals[0], []).append(StageEvent(r.date, r.vals[1], "stage", r.meta.get("note", ""),
                                                            r.meta.get("by", "")))
    for c in load_contacts(books, unit, as_of):
        st = CHANNEL_STAGE.get(c.channel)
        if st:
            out.setdefault(c.unit, []).append(StageEvent(c.date, st, "contact", c.outcome, c.by))
    for evs in out.values():
        evs.sort(key=lambda e: (e.date, 0 if e.source == "stage" else 1))
    return out


def derive(evs: list[StageEvent], since: dt.date | None = None) -> StageEvent | None:
    cur: StageEvent | None = None
    for e in evs:
        if since and e.date < since:
            continue
        if e.source == "stage" or cur is None or e.rank > cur.rank:
            cur = e
    return cur


def current_stages(books, as_of: dt.date) -> dict[str, dict]:
    """{unit: {stage, label, since, rank, history}} for every unit with something open on as_of."""
    owing = arrears_by_unit(books, as_of, overdue_only=False)
    evs = events(books, as_of=as_of)
    out = {}
    for unit, ua in owing.items():
        since = periods.start(ua.oldest) if ua.oldest else None
        history = [e for e in evs.get(unit, []) if not since or e.date >= since]
        cur = derive(history)
        out[unit] = {"stage": cur.stage if cur else None, "label": cur.label if cur else "未催缴",
                     "since": cur.date if cur else None, "rank": cur.rank if cur else 0,
                     "history": [e.as_dict() for e in history]}
    return out


def unit_stage(books, unit: str, as_of: dt.date) -> dict:
    u = books.unit(unit)
    cur = current_stages(books, as_of).get(u.unit)
    all_events = events(books, u.unit, as_of).get(u.unit, [])
    return {"unit": u.unit, "as_of": as_of, "current": cur and {k: v for k, v in cur.items() if k != "history"},
            "history": [e.as_dict() for e in all_events]}


def legal_action_dates(books, as_of: dt.date) -> dict[str, list[dt.date]]:
    """Dates of litigation/arbitration/payment-order stages per unit (they interrupt limitation)."""
    out: dict[str, list[dt.date]] = {}
    for r in customs(books, STAGE, as_of=as_of):
        if len(r.vals) >= 2 and r.vals[1] in LEGAL_STAGES:
            out.setdefault(r.vals[0], []).append(r.date)
    return out
