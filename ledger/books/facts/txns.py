"""Transactions, receipts, reversals and the money received."""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.books.cache import FactCache
from ledger.books.facts._common import _asof, _d, _marks


# --- transactions, receipts, reversals ----------------------------------------------------------

@dataclass(frozen=True)
class Txn:
    id: int
    file: str
    lineno: int
    date: str
    op: str
    unit: str | None
    receipt: str | None
    channel: str | None
    ref: str | None
    links: str
    meta: dict = field(default_factory=dict)


_TXN_COLS = "id, file, lineno, date, op, unit, receipt, channel, ref, links, meta"


def _txns(rows) -> list[Txn]:
    return [Txn(i, f, ln, d, op, u, r, ch, ref, lk or "", json.loads(m or "{}"))
            for i, f, ln, d, op, u, r, ch, ref, lk, m in rows]


@dataclass(frozen=True)
class PostingFact:
    acct: str
    account: str
    item: str | None
    period: str | None
    amount: Decimal
    kind: str | None
    cls: str


def postings_of(cache: FactCache, txn_id: int) -> list[PostingFact]:
    return [PostingFact(a, acc_, i, p, _d(c), k, cl) for a, acc_, i, p, c, k, cl in cache.q(
        "SELECT acct, account, item, period, cents, kind, cls FROM postings WHERE txn=?", (txn_id,))]


def payments_by_receipt(cache: FactCache, receipt: str) -> list[Txn]:
    return _txns(cache.q(f"SELECT {_TXN_COLS} FROM txns WHERE op='pay' AND receipt=?", (receipt,)))


def payments_by_ref(cache: FactCache, channel: str, ref: str) -> list[str]:
    return [r for (r,) in cache.q("SELECT receipt FROM txns WHERE op='pay' AND channel=? AND ref=?", (channel, ref))]


def unit_txns(cache: FactCache, unit: str, as_of: dt.date | None = None, ops: tuple[str, ...] | None = None,
              exclude_ops: tuple[str, ...] = ()) -> list[Txn]:
    """The unit's transactions (date order), optionally only some ops."""
    sql, args = f"SELECT {_TXN_COLS} FROM txns WHERE unit=?", (unit,)
    if ops:
        sql, args = sql + f" AND op IN ({_marks(ops)})", args + ops
    if exclude_ops:
        sql, args = sql + f" AND op NOT IN ({_marks(exclude_ops)})", args + exclude_ops
    dc, da = _asof(as_of)
    return _txns(cache.q(sql + dc + " ORDER BY date, id", args + da))


def txn_amounts(cache: FactCache, txn_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """{txn: {class: sum}} for a set of transactions."""
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for start in range(0, len(txn_ids), 500):
        chunk = txn_ids[start:start + 500]
        for t, cl, c in cache.q(f"SELECT txn, cls, SUM(cents) FROM postings WHERE txn IN ({_marks(chunk)}) "
                                "GROUP BY txn, cls", tuple(chunk)):
            out[t][cl] = _d(c)
    return out


def reversals(cache: FactCache, as_of: dt.date | None = None) -> dict[str, str]:
    """{receipt: 'void' | 'refund'} of payments reversed (by as_of)."""
    dc, da = _asof(as_of)
    out = {}
    for op, v, r in cache.q("SELECT op, json_extract(meta,'$.voids'), json_extract(meta,'$.refunds') FROM txns "
                            "WHERE op IN ('void','refund')" + dc, da):
        if v or r:
            out[v or r] = op
    return out


def partial_refunds_of(cache: FactCache, receipt: str) -> list[Txn]:
    """The partial refunds (op refund, meta refunds-part) of one payment, oldest first."""
    return _txns(cache.q(f"SELECT {_TXN_COLS} FROM txns WHERE op='refund' AND "
                         "json_extract(meta,'$.\"refunds-part\"')=? ORDER BY date, id", (receipt,)))


def credit_applications_of(cache: FactCache, receipt: str) -> list[Txn]:
    """The credit-application entries (op bill, meta receipt-credit) that applied a payment's money to
    charges billed after it."""
    return _txns(cache.q(f"SELECT {_TXN_COLS} FROM txns WHERE op='bill' AND "
                         "json_extract(meta,'$.\"receipt-credit\"')=? ORDER BY date, id", (receipt,)))


def refund_by_number(cache: FactCache, number: str) -> list[Txn]:
    return _txns(cache.q(f"SELECT {_TXN_COLS} FROM txns WHERE op='refund' AND "
                         "json_extract(meta,'$.\"refund-no\"')=?", (number,)))


def void_of(cache: FactCache, receipt: str) -> tuple[str, str] | None:
    """(reason, date) of the void of a receipt, if any."""
    rows = cache.q("SELECT json_extract(meta,'$.reason'), date FROM txns WHERE op='void' "
                   "AND json_extract(meta,'$.voids')=?", (receipt,))
    return (rows[0][0] or "", rows[0][1]) if rows else None


def receipt_numbers(cache: FactCache) -> list[tuple[str, str, int]]:
    """(receipt, file, lineno) of every payment."""
    return cache.q("SELECT receipt, file, lineno FROM txns WHERE op='pay' AND receipt IS NOT NULL")


def payment_receipts_among(cache: FactCache, receipts: list[str]) -> set[str]:
    """Those of `receipts` a payment in the books already has."""
    return {r for (r,) in cache.q(f"SELECT receipt FROM txns WHERE op='pay' AND receipt IN ({_marks(receipts)})",
                                  tuple(receipts))}


def voided_receipts(cache: FactCache) -> list[tuple[str, str, int]]:
    """(receipt voided, file, lineno) of every void."""
    return cache.q("SELECT json_extract(meta,'$.voids'), file, lineno FROM txns WHERE op='void'")


def unit_of_receipt(cache: FactCache, receipt: str) -> str | None:
    rows = cache.q("SELECT unit FROM txns WHERE op='pay' AND receipt=?", (receipt,))
    return rows[0][0] if rows else None


def last_receipt_by(cache: FactCache, day: dt.date) -> str | None:
    return cache.q("SELECT MAX(receipt) FROM txns WHERE op='pay' AND date<=?", (day.isoformat(),))[0][0]


def payers_of(cache: FactCache, unit: str) -> list[str]:
    """Payer texts of the unit's payments, newest first."""
    return [p for (p,) in cache.q("SELECT json_extract(meta,'$.payer') FROM txns WHERE unit=? AND op='pay' "
                                  "ORDER BY date DESC, id DESC", (unit,)) if p]


# --- money received -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    """One receipt's money as the payer paid it (channel-fee legs are the office's cost, left out)."""
    date: dt.date
    unit: str
    amount: Decimal
    receipt: str
    channel: str | None
    collector: str | None


def payments_received(cache: FactCache, unit: str | None = None, as_of: dt.date | None = None,
                      first: dt.date | None = None) -> list[Received]:
    """Every payment's money (money or suspense legs, fees left out), oldest first."""
    sql = ("SELECT t.date, t.unit, t.receipt, t.channel, json_extract(t.meta,'$.collector'), SUM(p.cents) "
           "FROM txns t JOIN postings p ON p.txn=t.id WHERE t.op='pay' AND p.cls IN ('money','suspense')")
    args: tuple = ()
    if unit:
        sql, args = sql + " AND t.unit=?", args + (unit,)
    if first:
        sql, args = sql + " AND t.date>=?", args + (first.isoformat(),)
    dc, da = _asof(as_of, "t.date")
    rows = cache.q(sql + dc + " GROUP BY t.id ORDER BY t.date, t.id", args + da)
    return [Received(dt.date.fromisoformat(d), u, _d(c), r, ch, col) for d, u, r, ch, col, c in rows]


def live_payments(cache: FactCache, unit: str | None = None, as_of: dt.date | None = None) -> list[Received]:
    """Payments not voided or refunded (by as_of)."""
    dead = reversals(cache, as_of)
    return [r for r in payments_received(cache, unit, as_of) if r.receipt not in dead]


@dataclass(frozen=True)
class Takings:
    """Money in or out on one line of a day's collections: a receipt, a void or a refund."""
    date: dt.date
    op: str                # pay | void | refund
    channel: str
    amount: Decimal        # + received, - paid back
    receipt: str           # the receipt, or the one voided/refunded
    unit: str | None = None
    collector: str | None = None  # who collected the money (a void: the collector of the receipt it voids)


_O_COLLECTOR = "json_extract(o.meta,'$.collector')"


def takings(cache: FactCache, first: dt.date, last: dt.date) -> list[Takings]:
    """Receipts, voids and refunds dated in [first, last], each on its own line and date, as the payer
    paid (fee legs out). A void counts on its own date under the channel of the receipt it voids."""
    orig = ("(SELECT {col} FROM txns o WHERE o.op='pay' AND o.receipt = COALESCE(json_extract(t.meta,'$.voids'), "
            "json_extract(t.meta,'$.refunds')))")
    rows = cache.q(
        f"SELECT t.date, t.op, COALESCE(t.channel, {orig.format(col='o.channel')}), "
        "COALESCE(t.receipt, json_extract(t.meta,'$.voids'), json_extract(t.meta,'$.refunds'), ''), SUM(p.cents), "
        f"t.unit, COALESCE(json_extract(t.meta,'$.collector'), {orig.format(col=_O_COLLECTOR)}) "
        "FROM postings p JOIN txns t ON t.id = p.txn WHERE p.cls IN ('money','suspense') "
        "AND t.op IN ('pay','void','refund') AND t.date BETWEEN ? AND ? GROUP BY t.id ORDER BY t.date, t.id",
        (first.isoformat(), last.isoformat()))
    return [Takings(dt.date.fromisoformat(d), op, ch or "?", _d(c), r, u, col) for d, op, ch, r, c, u, col in rows]


def settlement_payments(cache: FactCache, as_of: dt.date) -> list[tuple[str, str, str, dt.date, str]]:
    """(unit, item, period, date, receipt) of payments that settled a receivable (not from credit)."""
    rows = cache.q(
        "SELECT p.unit, p.item, p.period, p.date, t.receipt FROM postings p JOIN txns t ON t.id=p.txn "
        "WHERE p.acct='ar' AND t.op='pay' AND p.cls='paid' AND p.kind != 'credit' AND p.cents<0 AND p.date<=?",
        (as_of.isoformat(),))
    return [(u, i, p, dt.date.fromisoformat(d), r or "") for u, i, p, d, r in rows]


