"""The 待认领 queue: money booked to Assets:Suspense:Unidentified until a person says whose it is.

A queue item is a transaction with meta `op: "queue"` and `queue: Q<year>-<seq>`. It is open until a
later transaction carries the same `queue` meta (an assignment `pay`, a `refund` for money out, or a
`reversal` when the bank cancelled the row).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data
from beancount.parser import parser

from ledger.basics import accounts as acc
from ledger.books import entries as beans, facts, numbering, layout
from ledger.books.plan import Plan, appending
from ledger.community.privacy import redact
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO, fmt, parse_amount
from ledger.reports.openitems import credit_balances
from ledger.books.writer import NOT_SHOWN
from ledger.community.privacy import clean_text
from ledger.payments.pay import (PaymentPlan, PaymentState, choose_refund_parts, latest_covering_payment, plan_payment,
                                 refund_plan, refund_postings, reopened_note, reversal)

from .aliases import AliasTable, LearnedAlias, alias_entry, forget_entry, live_aliases, parse_keys

QUEUE_RE = re.compile(r"^Q(\d{4})-(\d{4,})$")


def scrub(text: str, books=None) -> str:
    """Phone and ID-card numbers (and, with `books`, owners' names) out of free text before it reaches
    the ledger: the one recogniser of ledger.community.privacy."""
    return redact(text, books)


def queue_link(qid: str) -> str:
    return beans.link("queue", qid)


class QueueIds:
    """Sequential Q<year>-<seq> per year, continuing from the books."""

    def __init__(self, books):
        self.numbers = numbering.Numbers(books.cache)

    def next(self, year: int) -> str:
        return self.numbers.next(numbering.QUEUE, year)


def closed_ids(books) -> dict[str, str]:
    """queue id -> op of the transaction that closed it (pay | refund | reversal)."""
    return facts.queue_closings(books.cache)


@dataclass
class QueueItem:
    id: str
    date: str
    amount: Decimal
    direction: str          # in: money received; out: money paid out (a refund without credit)
    channel: str
    source: str
    ref: str
    reason: str
    suggestions: list[str] = field(default_factory=list)
    payer: str = ""
    remark: str = ""
    file: str = ""
    lineno: int = 0
    status: str = "open"    # open | assigned | refunded | reversed
    # what happened to it, oldest first: (date, event, detail) with event queued | assigned | voided |
    # refunded | reversed; an item whose assignment was voided is open again, its history kept
    history: list[tuple[str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"id": self.id, "date": self.date, "amount": self.amount, "direction": self.direction,
                "channel": self.channel, "source": self.source, "ref": self.ref, "reason": self.reason,
                "suggestions": self.suggestions, "payer": self.payer, "remark": self.remark,
                "status": self.status, "history": [{"date": d, "event": ev, "detail": x} for d, ev, x in self.history]}


def _event(ev: facts.QueueEvent) -> tuple[str, str]:
    if ev.reopens:
        return ("voided" if ev.op == "void" else "refunded"), (ev.receipt or "")
    return {"pay": "assigned", "refund": "refunded", "reversal": "reversed"}.get(ev.op, ev.op), (ev.receipt or "")


def _histories(books) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for ev in facts.queue_events(books.cache):
        name, detail = _event(ev)
        out.setdefault(ev.qid, []).append((ev.date, name, detail))
        if ev.reopens:
            out[ev.qid].append((ev.date, "open", ""))
    return out


def _entries_by_line(books, files: set[str]) -> dict[tuple[str, int], data.Transaction]:
    out = {}
    for rel in files:
        entries, _, _ = parser.parse_string(books.text(rel), report_filename=rel)
        for e in entries:
            if isinstance(e, data.Transaction):
                out[(rel, e.meta.get("lineno"))] = e
    return out


def _item(e: data.Transaction, rel: str) -> QueueItem:
    m = e.meta
    amount = sum((p.units.number for p in e.postings if p.account == acc.SUSPENSE), ZERO)
    return QueueItem(
        id=m["queue"], date=e.date.isoformat(), amount=abs(amount), direction="in" if amount < 0 else "out",
        channel=m.get("channel", ""), source=m.get("source", ""), ref=str(m.get("ref", "")),
        reason=m.get("reason", ""), suggestions=[s for s in str(m.get("suggestions", "")).split("; ") if s],
        payer=m.get("payer", ""), remark=m.get("remark", ""), file=rel, lineno=m.get("lineno", 0))


def list_queue(books, include_closed: bool = False) -> list[QueueItem]:
    """Open queue items (oldest first) with reason and suggestions."""
    closed = closed_ids(books)
    wanted = [(q.file, q.lineno, q.qid) for q in facts.queue_entries(books.cache)]
    if not include_closed:
        wanted = [w for w in wanted if w[2] not in closed]
    entries = _entries_by_line(books, {f for f, _, _ in wanted})
    histories = _histories(books)
    out = []
    for f, ln, qid in wanted:
        e = entries.get((f, ln))
        if e is None:
            continue
        it = _item(e, f)
        it.history = [(it.date, "queued", "")] + histories.get(qid, [])
        if qid in closed:
            it.status = {"pay": "assigned", "refund": "refunded", "reversal": "reversed"}.get(closed[qid], closed[qid])
        out.append(it)
    return out


def get_item(books, qid: str) -> QueueItem:
    qid = (qid or "").strip().upper()
    rows = [(q.file, q.lineno) for q in facts.queue_entries(books.cache, qid)]
    if not rows:
        raise InputError("queue_item_unknown", queue=qid)
    f, ln = rows[0]
    done = closed_ids(books).get(qid)
    if done:
        raise InputError("queue_item_closed", queue=qid, done=done)
    e = _entries_by_line(books, {f}).get((f, ln))
    if e is None:
        raise InputError("queue_entry_missing", queue=qid, file=f, line=ln)
    return _item(e, f)


AMOUNT_ONLY = "NOT a match"  # the words importers/bookside.py puts on a suggestion made from the amount alone


def split_suggestions(suggestions: list[str]) -> tuple[list[str], list[str]]:
    """-> (suggestions from the payer's text, alias or name, amount-only suggestions). An amount is no
    evidence of whose money it is, so a screen lists those apart and never picks one for the person."""
    matches, amount_only = [], []
    for s in suggestions:
        (amount_only if AMOUNT_ONLY in s or s.startswith("…") else matches).append(s)
    return matches, amount_only


@dataclass
class AssignPlan:
    """What assigning a queue item writes: shown to the person first, compared again under the lock."""
    item: QueueItem
    unit: str
    entries: list
    receipt: str | None = None
    summary: str = ""
    learned: list[str] = field(default_factory=list)      # aliases this write learns (only when asked)
    would_learn: list[str] = field(default_factory=list)  # aliases it would learn if asked to
    date: dt.date | None = None       # the day it is assigned: the money moves from suspense to the unit
    received: str = ""                # the day the money came in (the queue item's date)
    payment: PaymentPlan | None = None


def plan_assign(books, qid: str, unit: str, designated: str | None = None, prepay: bool = False,
                date: dt.date | None = None, state: PaymentState | None = None,
                learn_alias: bool = False) -> AssignPlan:
    """Turn a queue item into a payment of `unit` (money in) or a refund from its credit (money out).

    Dated the day it is assigned (default today), not the day the money came in: the money leaves the
    suspense account now, so a closed or published period keeps its figures, the entry goes into this
    month's file, the receipt is numbered in this year and settles what a payment made today settles.
    The arrival day stays on the entry as `received` and is printed on the receipt. Aliases are learned
    only with `learn_alias`; `would_learn` says which ones it would be.
    """
    item = get_item(books, qid)
    u = books.unit(unit)
    day = date or books.today()
    if day < dt.date.fromisoformat(item.date):
        raise InputError("assign_before_received", queue=item.id, date=day, received=item.date)
    e = _entries_by_line(books, {item.file})[(item.file, item.lineno)]
    m = e.meta
    link = queue_link(item.id)
    if item.direction == "in":
        coupon = parse_amount(str(m["coupon"]), "coupon") if m.get("coupon") else ZERO
        plan = plan_payment(books, u.unit, item.amount, item.channel or "bank", day, ref=None, designated=designated,
                            prepay=prepay, state=state, money_account=acc.SUSPENSE,
                            extra_meta={"queue": item.id, "received": item.date, "source": item.source,
                                        "queued-ref": item.ref},
                            coupon=coupon, links=(link,))
        entry = plan.entry
        if item.payer:  # the queued row's payer, already masked
            entry = entry._replace(meta={**entry.meta, "payer": item.payer})
        entries = [entry] + plan.applications
        ap = AssignPlan(item, u.unit, entries, plan.receipt, plan.summary(), date=day, received=item.date,
                        payment=plan)
    else:
        have = credit_balances(books.cache, unit=u.unit).get(u.unit, ZERO)
        if item.amount > have:
            # money paid back to a unit without that much credit: the refund of (part of) its latest payment
            # that covers it, a linked partial reversal with its own refund number
            found = latest_covering_payment(books, u.unit, item.amount, day)
            if found is None:
                raise InputError("queue_refund_uncovered", queue=item.id, amount=fmt(item.amount), unit=u.unit, credit=fmt(have))
            receipt, left, credit_left = found
            parts, from_credit = choose_refund_parts(books, receipt, item.amount, left, credit_left)
            number = numbering.Numbers(books.cache).next(numbering.REFUNDS, day.year)
            entry = beans.txn(day, f"退款 {number} {u.unit}（{receipt} 部分退款，{item.id}）",
                              [beans.posting(acc.SUSPENSE, -item.amount)] + refund_postings(u.unit, parts, from_credit),
                              {"op": "refund", "unit": u.unit, "refunds-part": receipt, "refund-no": number,
                               "channel": item.channel, "queue": item.id, "received": item.date,
                               "source": item.source, "queued-ref": item.ref,
                               "reason": f"refund paid out, queued as {item.id}", "collector": books.collector()},
                              tags=("refund",), links=(link, receipt, number))
            summary = "\n".join([f"refund {number} of {receipt}"]
                                 + [f"reopened {p.item} {p.period} ({p.kind}): {fmt(p.amount)}" for p in parts]
                                 + ([f"from the credit it paid in: {fmt(from_credit)}"] if from_credit else []))
            return _with_aliases(books, AssignPlan(item, u.unit, [entry], number, summary, date=day,
                                                   received=item.date), m, u.unit, day, learn_alias)
        entry = beans.txn(day, f"退款 {u.unit} 预存款 ({item.id})", [
            beans.posting(acc.credit(u.unit), item.amount, {"kind": "refund"}),
            beans.posting(acc.SUSPENSE, -item.amount)],
            {"op": "refund", "unit": u.unit, "channel": item.channel, "queue": item.id, "received": item.date,
             "source": item.source, "queued-ref": item.ref, "reason": f"refund paid out, queued as {item.id}",
             "collector": books.collector()}, tags=("refund",), links=(link,))
        ap = AssignPlan(item, u.unit, [entry], None, f"refund from credit: {fmt(item.amount)}", date=day,
                        received=item.date)
    return _with_aliases(books, ap, m, u.unit, day, learn_alias)


def _with_aliases(books, ap: AssignPlan, m, unit: str, day: dt.date, learn_alias: bool) -> AssignPlan:
    table = AliasTable.load(books)
    for k in parse_keys(m.get("alias-keys", "")):
        if not table.has(k, unit):
            ap.would_learn.append(f"{k.kind} {k.display} -> {unit}")
            if learn_alias:
                ap.entries.append(alias_entry(day, k, unit, f"assign {ap.item.id}"))
                ap.learned.append(f"{k.kind} -> {unit}")
    return ap


def assign_operation(qid: str, unit: str, designated: str | None = None, prepay: bool = False,
                     date: dt.date | None = None, learn_alias: bool = False):
    def operation(b) -> Plan:
        ap = plan_assign(b, qid, unit, designated, prepay, date, learn_alias=learn_alias)
        what = f"{ap.receipt} " if ap.receipt else ""
        msg = (f"assign {ap.item.id} -> {ap.unit} {what}{fmt(ap.item.amount)} CNY\n\n"
               f"received {ap.received}, assigned {ap.date}\n{ap.summary}\n"
               + "".join(f"alias learned: {x}\n" for x in ap.learned))
        return appending(ap.entries, msg, ap)
    return operation


def assign(books, qid: str, unit: str, designated: str | None = None, prepay: bool = False,
           date: dt.date | None = None, learn_alias: bool = False, expect=NOT_SHOWN):
    """-> (AssignPlan as committed, WriteResult); `expect` is the AssignPlan shown to the person."""
    result = books.commit(assign_operation(qid, unit, designated, prepay, date, learn_alias), expect)
    return result.plan.effect, result


# --- undo: a voided or refunded assignment puts the item back; learned aliases can be forgotten ----------

def taught_by(books, qid: str) -> list[LearnedAlias]:
    """The aliases in force that the assignment of `qid` taught."""
    return [a for a in live_aliases(books) if a.source == f"assign {qid}"]


def find_aliases(books, alias: str | None = None, unit: str | None = None) -> list[LearnedAlias]:
    """Aliases in force by key (or a unique prefix of at least 4 characters, as `wuye alias list` shows
    it) or by unit."""
    live = live_aliases(books)
    if unit:
        u = books.unit(unit).unit
        hits = [a for a in live if a.unit == u]
        if not hits:
            raise InputError("alias_none_for_unit", unit=u)
        return hits
    key = (alias or "").strip()
    hits = [a for a in live if a.key == key]
    if not hits and len(key) >= 4:
        hits = [a for a in live if a.key.startswith(key)]
        if len({a.key for a in hits}) > 1:
            raise InputError("alias_ambiguous", alias=key, n=len({a.key for a in hits}))
    if not hits:
        raise InputError("alias_not_found", alias=key)
    return hits


def forget_operation(alias: str | None = None, unit: str | None = None, reason: str = "",
                     date: dt.date | None = None):
    def operation(b) -> Plan:
        why = clean_text(b, reason, "--reason", required=False) or "forgotten by hand"
        hits = find_aliases(b, alias, unit)
        day = date or b.today()
        entries = [forget_entry(day, a.kind, a.key, a.unit, why) for a in hits]
        msg = (f"alias forget: {len(hits)} alias(es) ({why})\n\n"
               + "".join(f"alias forgotten: {a.label} (learned {a.date}, {a.source or 'import'})\n" for a in hits))
        return appending(entries, msg, hits)
    return operation


def forget_aliases(books, alias: str | None = None, unit: str | None = None, reason: str = "",
                   date: dt.date | None = None, expect=NOT_SHOWN):
    """-> (the aliases forgotten, WriteResult): one logged commit of wuye-alias-forget directives."""
    result = books.commit(forget_operation(alias, unit, reason, date), expect)
    return result.plan.effect, result


@dataclass
class UndoPlan:
    """A void or refund of a payment; when it was an assigned queue item, the item it reopens and the
    aliases that assignment taught (forgotten in the same commit only when asked)."""
    entry: object
    reopens: str | None
    taught: list[LearnedAlias]
    forget: bool


def undo_operation(receipt: str, op: str, reason: str, channel: str | None = None, date: dt.date | None = None,
                   forget_alias: bool = False, unit: str | None = None):
    def operation(b) -> Plan:
        day = date or b.today()
        if op == "void":
            entry = reversal(b, receipt, day, "void", reason)
            msg = f"void {receipt} ({entry.meta['unit']}): {reason.strip()}\n" + reopened_note(entry)
        else:
            base = refund_plan(b, unit or facts.unit_of_receipt(b.cache, receipt) or "", None, channel or "cash",
                               reason, day, receipt)
            entry, msg = base.effect, base.message
        qid = entry.meta.get("reopens")
        taught = taught_by(b, qid) if qid else []
        entries = [entry]
        if forget_alias and taught:
            entries += [forget_entry(day, a.kind, a.key, a.unit, f"undo of {receipt}") for a in taught]
            msg += "".join(f"alias forgotten: {a.label}\n" for a in taught)
        else:
            msg += "".join(f"alias kept: {a.label}\n" for a in taught)
        return appending(entries, msg, UndoPlan(entry, qid, taught, forget_alias and bool(taught)))
    return operation


def undo_payment(books, receipt: str, op: str, reason: str, channel: str | None = None,
                 date: dt.date | None = None, forget_alias: bool = False, unit: str | None = None, expect=NOT_SHOWN):
    """Void (`op` void) or refund (`op` refund) a payment; an assigned queue item opens again."""
    result = books.commit(undo_operation(receipt, op, reason, channel, date, forget_alias, unit), expect)
    return result.plan.effect, result
