"""Disputes and complaints (客诉) behind refusals to pay.

Ledger form, in the month file of each date:

    2026-03-02 custom "wuye-dispute-open" "1-0101" "TS2026-0001" "leak"
      claim: 3000.00
      note: "设备平台雨水管三通渗水，卧室内墙起皮"
      by: "林小红"
    2026-11-10 custom "wuye-dispute-close" "1-0101" "TS2026-0001" "与业主本人协商补偿1000元"
      compensation: 1000.00
      approved-by: "经理"
      mode: "cash"
      by: "林小红"

Ids are TS<year of opening>-NNNN, sequential per year. Closing with a compensation writes the close
directive and the compensation transaction (ledger/adjustments.compensation_entry, linked by the
dispute id with meta `dispute` and link ^dispute-<id>) in one commit. A unit with an open dispute is
held out of batch notices and flagged wherever its arrears show (`disputed_units`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ledger.books import entries as beans, numbering
from ledger.community.privacy import clean_text
from ledger.collection.common import arrears_by_unit, check_date, collector_of_unit, customs, meta_amount, commit_entries
from ledger.basics.errors import InputError
from ledger.basics.labels import zh
from ledger.basics.money import ZERO, fmt, parse_amount, plain

OPEN = "wuye-dispute-open"
CLOSE = "wuye-dispute-close"
CATEGORIES = zh("dispute_category")
MODES = ("offset", "cash")


@dataclass
class Dispute:
    id: str
    unit: str
    category: str
    claim: object
    note: str
    opened: dt.date
    by: str = ""
    closed: dt.date | None = None
    resolution: str = ""
    compensation: object = None
    approved_by: str = ""
    mode: str = ""

    def is_open(self, as_of: dt.date) -> bool:
        return self.opened <= as_of and (self.closed is None or self.closed > as_of)

    def days(self, as_of: dt.date) -> int:
        end = self.closed if self.closed and self.closed <= as_of else as_of
        return (end - self.opened).days

    def as_dict(self, as_of: dt.date) -> dict:
        return {"id": self.id, "unit": self.unit, "category": self.category,
                "category_label": CATEGORIES.get(self.category, self.category),
                "claim": plain(self.claim or ZERO), "note": self.note, "opened": self.opened, "by": self.by,
                "open": self.is_open(as_of),
                "closed": self.closed if self.closed and self.closed <= as_of else None,
                "resolution": self.resolution if self.closed and self.closed <= as_of else "",
                "compensation": plain(self.compensation) if self.compensation and self.closed and
                self.closed <= as_of else None,
                "mode": self.mode or None, "approved_by": self.approved_by or None, "days": self.days(as_of)}


def load_disputes(books, as_of: dt.date | None = None) -> dict[str, Dispute]:
    out: dict[str, Dispute] = {}
    for r in customs(books, OPEN, as_of=as_of):
        unit, did, cat = (r.vals + ["", "", ""])[:3]
        out[did] = Dispute(did, unit, cat, meta_amount(r.meta.get("claim")) or ZERO, r.meta.get("note", ""),
                           r.date, r.meta.get("by", ""))
    for r in customs(books, CLOSE, as_of=as_of):
        unit, did, resolution = (r.vals + ["", "", ""])[:3]
        d = out.get(did)
        if d is None:
            continue
        d.closed, d.resolution = r.date, resolution
        d.compensation = meta_amount(r.meta.get("compensation"))
        d.approved_by, d.mode = r.meta.get("approved-by", ""), r.meta.get("mode", "")
    return out


def next_dispute_id(books, year: int) -> str:
    return numbering.next_number(books.cache, numbering.DISPUTES, year)


def open_entry(books, unit: str, category: str, claim=None, note: str | None = None,
               date: dt.date | None = None, by: str | None = None):
    u = books.unit(unit)
    if category not in CATEGORIES:
        raise InputError("dispute_category_unknown", category=category, choices=", ".join(CATEGORIES))
    date = date or books.today()
    check_date(books, date)
    value = parse_amount(str(claim), "--claim", allow_zero=True) if claim not in (None, "") else ZERO
    note = clean_text(books, note, "--note")
    by = books.collector(by)
    did = next_dispute_id(books, date.year)
    return beans.custom(date, OPEN, [u.unit, did, category], {"claim": value, "note": note, "by": by})


def open_dispute(books, unit: str, category: str, claim=None, note: str | None = None,
                 date: dt.date | None = None, by: str | None = None):
    def message(es) -> str:
        uid, did, cat = beans.custom_values(es[0])
        return f"dispute {did} opened: {uid} {cat}, claim {fmt(es[0].meta['claim'])} CNY\n\n{es[0].meta['note']}\n"
    entries, result = commit_entries(books, lambda b: [open_entry(b, unit, category, claim, note, date, by)], message)
    return beans.custom_values(entries[0])[1], result


def close_entries(books, dispute_id: str, resolution: str, date: dt.date | None = None, compensation=None,
                  approved_by: str | None = None, mode: str | None = None, channel: str = "cash",
                  by: str | None = None) -> list:
    """The close directive, and the compensation transaction when a compensation is given."""
    disputes = load_disputes(books)
    d = disputes.get(dispute_id)
    if d is None:
        raise InputError("dispute_unknown", dispute=dispute_id)
    if d.closed:
        raise InputError("dispute_already_closed", dispute=dispute_id, closed=d.closed)
    date = date or books.today()
    check_date(books, date)
    if date < d.opened:
        raise InputError("date_before_dispute", date=date, opened=d.opened)
    resolution = clean_text(books, resolution, "--resolution")
    by = books.collector(by)
    meta = {"by": by}
    entries = []
    if compensation not in (None, ""):
        value = parse_amount(str(compensation), "--compensation")
        if not approved_by:
            raise InputError("compensation_needs_approver")
        mode = mode or "offset"
        if mode not in MODES:
            raise InputError("mode_bad", mode=mode)
        approved_by = clean_text(books, approved_by, "--approved-by")
        from ledger.payments.corrections import compensation_entry

        entries.append(compensation_entry(books, d.unit, value, resolution, dispute_id, approved_by, mode=mode,
                                          channel=channel, date=date))
        meta.update({"compensation": value, "approved-by": approved_by, "mode": mode})
    elif approved_by or mode:
        raise InputError("only_with", options="--approved-by/--mode", option="--compensation")
    close = beans.custom(date, CLOSE, [d.unit, dispute_id, resolution], meta)
    return [close] + entries


def close_message(entries) -> str:
    close = entries[0]
    unit, dispute_id, resolution = beans.custom_values(close)[:3]
    comp = close.meta.get("compensation")
    msg = f"dispute {dispute_id} closed: {unit}" + (f", compensation {fmt(comp)} CNY ({close.meta['mode']}, "
                                                    f"approved by {close.meta['approved-by']})" if comp else "")
    return msg + f"\n\n{resolution}\n"


def close_dispute(books, dispute_id: str, resolution: str, **kw):
    return commit_entries(books, lambda b: close_entries(b, dispute_id, resolution, **kw), close_message)


def disputed_units(books, as_of: dt.date) -> dict[str, dict]:
    """Units with a dispute open on as_of: {unit: {id, category, label, opened, days_open, claim, ids}}.

    The TUI, reports and notices call this to hold out or flag a unit's arrears.
    """
    out: dict[str, dict] = {}
    for d in sorted(load_disputes(books, as_of).values(), key=lambda d: (d.opened, d.id)):
        if not d.is_open(as_of):
            continue
        if d.unit in out:
            out[d.unit]["ids"].append(d.id)
            continue
        out[d.unit] = {"id": d.id, "category": d.category, "label": CATEGORIES.get(d.category, d.category),
                       "opened": d.opened, "days_open": (as_of - d.opened).days, "claim": d.claim,
                       "note": d.note, "ids": [d.id]}
    return out


def dispute_list(books, as_of: dt.date, open_only: bool = False) -> list[dict]:
    owing = arrears_by_unit(books, as_of, overdue_only=False)
    rows = []
    for d in sorted(load_disputes(books, as_of).values(), key=lambda d: d.id):
        if open_only and not d.is_open(as_of):
            continue
        row = d.as_dict(as_of)
        row["arrears"] = plain(owing[d.unit].total) if d.unit in owing else "0.00"
        row["collector"] = collector_of_unit(books, d.unit)
        rows.append(row)
    return rows


def dispute_report(books, as_of: dt.date) -> dict:
    """Arrears tied to open disputes and the days to resolve closed ones (for `wuye report disputes`)."""
    rows = dispute_list(books, as_of)
    open_rows = [r for r in rows if r["open"]]
    closed = [r for r in rows if not r["open"]]
    tied = sum((parse_amount(r["arrears"], allow_zero=True) for r in open_rows), ZERO)
    comp = sum((parse_amount(r["compensation"]) for r in closed if r["compensation"]), ZERO)
    days = [r["days"] for r in closed]
    by_cat: dict[str, int] = {}
    for r in rows:
        by_cat[r["category"]] = by_cat.get(r["category"], 0) + 1
    return {"as_of": as_of, "open": len(open_rows), "closed": len(closed), "arrears_tied": plain(tied),
            "compensation_total": plain(comp),
            "avg_days_to_resolve": round(sum(days) / len(days), 1) if days else None,
            "max_days_open": max((r["days"] for r in open_rows), default=None),
            "by_category": by_cat, "disputes": rows}
