"""Period close events, when entries were recorded, and the registers."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from ledger.books.cache import FactCache
from ledger.books.facts._common import _asof, _d
from ledger.books.facts.customs import CustomFact


# --- period close (ledger/books/closing.py) -----------------------------------------------------

def close_events(cache: FactCache) -> list[CustomFact]:
    """Every `wuye-close` and `wuye-reopen` directive in the order they were written (date, file, line)."""
    return [CustomFact(dt.date.fromisoformat(d), t, u, json.loads(v), json.loads(m), f, ln)
            for d, t, u, v, m, f, ln in cache.q(
                "SELECT date, type, unit, vals, meta, file, lineno FROM customs WHERE type IN ('wuye-close', "
                "'wuye-reopen') ORDER BY date, file, lineno")]


# --- when entries were recorded (the backdated-entries report) ---------------------------------

@dataclass(frozen=True)
class RecordedFact:
    """One transaction or custom directive with its value date and its `recorded` stamp (None when it
    was written before wuye stamped entries)."""
    date: dt.date
    recorded: str | None
    what: str  # the op of a transaction, the type of a custom directive
    unit: str | None
    number: str | None  # receipt, or the receipt a void/refund reverses
    by: str | None
    file: str
    lineno: int


def recorded_entries(cache: FactCache) -> list[RecordedFact]:
    out = [RecordedFact(dt.date.fromisoformat(d), rec, op or "", u, num, by, f, ln) for d, rec, op, u, num, by, f, ln
           in cache.q("SELECT date, json_extract(meta,'$.recorded'), op, unit, COALESCE(receipt, "
                      "json_extract(meta,'$.voids'), json_extract(meta,'$.refunds')), "
                      "COALESCE(json_extract(meta,'$.by'), json_extract(meta,'$.collector')), file, lineno "
                      "FROM txns")]
    out += [RecordedFact(dt.date.fromisoformat(d), rec, t, u, None, by, f, ln) for d, rec, t, u, by, f, ln
            in cache.q("SELECT date, json_extract(meta,'$.recorded'), type, unit, json_extract(meta,'$.by'), "
                       "file, lineno FROM customs")]
    return sorted(out, key=lambda r: (r.date, r.file, r.lineno))


# --- registers (ledger/reports/registers.py) ----------------------------------------------------

@dataclass(frozen=True)
class AccountLine:
    """One posting on one account, with its entry's date, op, unit and document number."""
    date: dt.date
    op: str
    unit: str | None
    number: str | None  # the entry's receipt or doc
    amount: Decimal
    file: str
    lineno: int


def account_lines(cache: FactCache, account: str, as_of: dt.date | None = None) -> list[AccountLine]:
    dc, da = _asof(as_of, "p.date")
    return [AccountLine(dt.date.fromisoformat(d), op or "", u, num, _d(c), f, ln) for d, op, u, num, c, f, ln in cache.q(
        "SELECT p.date, t.op, p.unit, COALESCE(t.receipt, json_extract(t.meta,'$.doc')), p.cents, t.file, t.lineno "
        "FROM postings p JOIN txns t ON t.id = p.txn WHERE p.account = ?" + dc + " ORDER BY p.date, t.id",
        (account,) + da)]


@dataclass(frozen=True)
class QueueLine:
    qid: str
    date: dt.date
    channel: str
    amount: Decimal  # + money received into suspense, - money paid out of it
    closed_by: str | None  # op of the entry that took it out of the queue, None while open


def queue_register(cache: FactCache, as_of: dt.date | None = None) -> list[QueueLine]:
    """Every queue item (op `queue`) with its suspense amount and, if closed, by what (dated by as_of)."""
    dc, da = _asof(as_of, "t.date")
    closed = {q: op for op, q, d in cache.q("SELECT op, json_extract(meta,'$.queue'), date FROM txns WHERE op != 'queue' "
                                             "AND json_extract(meta,'$.queue') IS NOT NULL")
              if as_of is None or d <= as_of.isoformat()}
    rows = cache.q("SELECT json_extract(t.meta,'$.queue'), t.date, t.channel, -SUM(p.cents) FROM txns t JOIN postings p "
                   "ON p.txn = t.id WHERE t.op='queue' AND p.cls='suspense'" + dc + " GROUP BY t.id ORDER BY t.date, t.id",
                   da)
    return [QueueLine(q or "", dt.date.fromisoformat(d), ch or "", _d(c), closed.get(q)) for q, d, ch, c in rows]
