"""Custom directives, accounts and the import queue's state."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from ledger.books.cache import FactCache
from ledger.books.facts._common import _asof


# --- custom directives, accounts, import state --------------------------------------------------

@dataclass(frozen=True)
class CustomFact:
    date: dt.date
    type: str
    unit: str | None
    vals: list
    meta: dict
    file: str
    lineno: int


def customs(cache: FactCache, type_: str, unit: str | None = None, as_of: dt.date | None = None) -> list[CustomFact]:
    """Custom directives of one type, oldest first (date, then file position)."""
    sql, args = "SELECT date, type, unit, vals, meta, file, lineno FROM customs WHERE type=?", (type_,)
    if unit:
        sql, args = sql + " AND unit=?", args + (unit,)
    dc, da = _asof(as_of)
    return [CustomFact(dt.date.fromisoformat(d), t, u, json.loads(v), json.loads(m), f, ln)
            for d, t, u, v, m, f, ln in cache.q(sql + dc + " ORDER BY date, file, lineno", args + da)]


def last_custom_dates(cache: FactCache, type_: str, as_of: dt.date | None = None) -> dict[str, dt.date]:
    """{unit: date of its latest custom directive of this type}."""
    dc, da = _asof(as_of)
    return {u: dt.date.fromisoformat(d) for u, d in
            cache.q("SELECT unit, MAX(date) FROM customs WHERE type=?" + dc + " GROUP BY unit", (type_,) + da) if u}


def any_custom_with_meta(cache: FactCache, type_: str, key: str, as_of: dt.date) -> bool:
    return bool(cache.q(f"SELECT 1 FROM customs WHERE type=? AND json_extract(meta, '$.\"{key}\"') IS NOT NULL "
                        "AND date<=? LIMIT 1", (type_, as_of.isoformat())))


def open_accounts(cache: FactCache) -> set[str]:
    return {a for (a,) in cache.q("SELECT account FROM opens")}


def known_refs(cache: FactCache) -> tuple[dict[tuple[str, str], tuple], set[str]]:
    """(channel, ref) -> (op, file, lineno, meta json) of recorded transactions, and every link."""
    refs, links = {}, set()
    for op, f, ln, ch, ref, lk, meta in cache.q(
            "SELECT op, file, lineno, channel, ref, links, meta FROM txns WHERE channel IS NOT NULL OR ref IS NOT NULL"):
        if ref:
            refs.setdefault((ch or "", str(ref)), (op, f, ln, meta))
        if lk:
            links.update(lk.split())
    return refs, links


@dataclass(frozen=True)
class QueueFact:
    qid: str
    file: str
    lineno: int
    date: str


def queue_entries(cache: FactCache, qid: str | None = None) -> list[QueueFact]:
    """Queue items (op `queue`), oldest first."""
    sql, args = "SELECT json_extract(meta,'$.queue'), file, lineno, date FROM txns WHERE op='queue'", ()
    if qid:
        sql, args = sql + " AND json_extract(meta,'$.queue')=?", (qid,)
    return [QueueFact(q or "", f, ln, d) for q, f, ln, d in cache.q(sql + " ORDER BY date, id", args)]


@dataclass(frozen=True)
class QueueEvent:
    qid: str
    op: str          # pay | refund | reversal (close the item); void | refund with reopens (open it again)
    date: str
    reopens: bool
    receipt: str | None
    file: str
    lineno: int


def queue_events(cache: FactCache, qid: str | None = None) -> list[QueueEvent]:
    """What happened to queue items after they were queued, in ledger order: an assignment (`queue` meta)
    closes an item, the void or refund of an assigned payment (`reopens` meta) opens it again."""
    cols = ("json_extract(meta,'$.queue'), json_extract(meta,'$.reopens'), op, date, receipt, "
            "json_extract(meta,'$.voids'), json_extract(meta,'$.refunds'), file, lineno")
    # two reads, each on its partial index (cache t_queue, t_reopens): an OR of the two scans every txn
    sql = (f"SELECT {cols} FROM txns WHERE json_extract(meta,'$.queue') IS NOT NULL AND op != 'queue' UNION ALL "
           f"SELECT {cols} FROM txns WHERE json_extract(meta,'$.reopens') IS NOT NULL "
           "AND json_extract(meta,'$.queue') IS NULL AND op != 'queue'")
    out = []
    for q, re_, op, d, receipt, voids, refunds, f, ln in cache.q(sql + " ORDER BY date, file, lineno"):
        key = re_ or q
        if qid and key != qid:
            continue
        out.append(QueueEvent(key, op, d, bool(re_), receipt or voids or refunds, f, ln))
    return out


def queue_closings(cache: FactCache) -> dict[str, str]:
    """queue id -> op of the transaction that closed it (pay | refund | reversal), for items closed now
    (an item whose assignment was voided or refunded is open again)."""
    last: dict[str, QueueEvent] = {}
    for ev in queue_events(cache):
        last[ev.qid] = ev
    return {q: ev.op for q, ev in last.items() if not ev.reopens}


