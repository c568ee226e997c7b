"""Every query on the fact cache: one named function per figure, and the only SQL outside cache.py.

The cache (ledger/books/cache.py) stores each posting with its class (`cls`), decided once at
ingest; the functions here only select and sum. They return Decimal, dataclasses or plain tuples,
never cents. A figure that two screens show comes from one function here.

The due-date rule is `due_date`: a charge of period P is due on the last day of P's month.
At a date D a billed, unpaid charge is 欠费 (outstanding) when due_date(P) <= D, else 未到期 (not_due).
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.basics import periods
from ledger.basics.money import ZERO, from_cents
from ledger.books.cache import FactCache

RECEIVABLE_ACCTS = {"unit": ("ar",), "developer": ("dev",), "all": ("ar", "dev")}
PAID_KINDS = ("current", "arrears", "prepay", "credit")


def _marks(values) -> str:
    return ",".join("?" * len(values))


def _asof(as_of: dt.date | None, col: str = "date") -> tuple[str, tuple]:
    return (f" AND {col} <= ?", (as_of.isoformat(),)) if as_of else ("", ())


def _d(cents) -> Decimal:
    return from_cents(cents or 0)


# --- due dates ----------------------------------------------------------------------------------

def due_date(period: str) -> dt.date:
    """The one due-date rule: a charge of period P is due on the last day of P's month."""
    return periods.end(period[:7])


def last_due_period(as_of: dt.date) -> str:
    """The latest period whose charges are due on or before as_of (from due_date, not a second rule)."""
    p = periods.period_of(as_of)
    return p if due_date(p) <= as_of else periods.add(p, -1)


# --- open items, balances -----------------------------------------------------------------------

def open_items(cache: FactCache, unit: str | None = None, as_of: dt.date | None = None,
               debtor: str = "unit", with_account: bool = False) -> dict[tuple, Decimal]:
    """{(unit, item, period): open amount} for items with a non-zero balance; with_account keys
    (unit, 'ar'|'dev', item, period)."""
    accts = RECEIVABLE_ACCTS[debtor]
    if with_account:
        dc, da = _asof(as_of)
        return {(u, a, i, p): _d(c) for u, a, i, p, c in cache.q(
            f"SELECT unit, acct, item, period, SUM(cents) FROM postings WHERE acct IN ({_marks(accts)}){dc} "
            "GROUP BY unit, acct, item, period HAVING SUM(cents) != 0", accts + da)}
    sql = f"SELECT unit, item, period, SUM(cents) FROM postings WHERE acct IN ({_marks(accts)})"
    args: tuple = accts
    if unit:
        sql += " AND unit=?"
        args += (unit,)
    dc, da = _asof(as_of)
    sql += dc + " GROUP BY unit, item, period HAVING SUM(cents) != 0"
    return {(u, i, p): _d(c) for u, i, p, c in cache.q(sql, args + da)}


def reducible_items(cache: FactCache, unit: str, on: dt.date) -> dict[tuple[str, str], Decimal]:
    """{(item, period): the most a reduction dated `on` (waiver, compensation, write-off) can take off the
    unit's receivable so that it is below zero at no date}: the lowest balance of each charge from `on`
    onwards. A charge billed after `on` is not there on `on` (0), and later payments and voids count."""
    rows = cache.q("SELECT item, period, date, SUM(cents) FROM postings WHERE acct='ar' AND unit=? "
                   "GROUP BY item, period, date ORDER BY item, period, date", (unit,))
    at: dict[tuple[str, str], int] = defaultdict(int)
    low: dict[tuple[str, str], int] = {}
    day = on.isoformat()
    for item, period, date, cents in rows:
        key = (item, period)
        at[key] += cents
        if date <= day:
            low[key] = at[key]
        else:
            low[key] = min(low.get(key, 0), at[key])
    return {k: _d(c) for k, c in low.items() if c > 0}


@dataclass(frozen=True)
class OpenCharge:
    item: str
    period: str
    amount: Decimal
    billed_on: dt.date  # the date of the charge's first posting (its bill)


def open_charges_of(cache: FactCache, unit: str, debtor: str = "unit") -> list[OpenCharge]:
    """The unit's open items (> 0) with the date each was billed, for allocating a payment."""
    accts = RECEIVABLE_ACCTS[debtor]
    rows = cache.q(f"SELECT item, period, SUM(cents), MIN(CASE WHEN cls='charge' THEN date END) FROM postings "
                   f"WHERE acct IN ({_marks(accts)}) AND unit=? GROUP BY item, period HAVING SUM(cents) > 0",
                   accts + (unit,))
    return [OpenCharge(i, p, _d(c), dt.date.fromisoformat(d) if d else dt.date.min) for i, p, c, d in rows]


def credit_balances(cache: FactCache, unit: str | None = None, as_of: dt.date | None = None) -> dict[str, Decimal]:
    """Prepaid/overpaid credit per unit (a liability: shown positive)."""
    sql = "SELECT unit, -SUM(cents) FROM postings WHERE acct='credit'"
    args: tuple = ()
    if unit:
        sql += " AND unit=?"
        args += (unit,)
    dc, da = _asof(as_of)
    sql += dc + " GROUP BY unit HAVING SUM(cents) != 0"
    return {u: _d(c) for u, c in cache.q(sql, args + da)}


def credit_last_dates(cache: FactCache) -> dict[str, dt.date]:
    """The date of each unit's latest credit posting (billing never applies credit before it exists)."""
    return {u: dt.date.fromisoformat(d) for u, d in
            cache.q("SELECT unit, MAX(date) FROM postings WHERE acct='credit' GROUP BY unit")}


def discount_available(cache: FactCache, unit: str | None = None) -> dict[str, Decimal]:
    """{unit: prepayment discount (预交优惠) held on the credit account and not yet granted on a charge}.

    A payment books the discount onto the unit's credit (kind `discount`) because the months it is for
    are not billed yet; when a charge is billed and the credit applied, that part reduces the charge
    (receivable posting of class `discount`). It is never money: not refundable, never 实收."""
    sql = ("SELECT unit, SUM(CASE WHEN acct='credit' THEN -cents ELSE cents END) FROM postings "
           "WHERE ((acct='credit' AND kind='discount') OR (acct='ar' AND cls='discount'))")
    args: tuple = ()
    if unit:
        sql, args = sql + " AND unit=?", (unit,)
    return {u: _d(c) for u, c in cache.q(sql + " GROUP BY unit HAVING SUM(cents) != 0", args) if _d(c) > 0}


def discount_on_credit(cache: FactCache, unit: str) -> Decimal:
    """The part of the unit's credit that is an ungranted prepayment discount (not refundable)."""
    return discount_available(cache, unit).get(unit, ZERO)


@dataclass
class UnitBalance:
    """What one unit owes and holds at a date: 欠费, 未到期, 预存."""
    unit: str
    outstanding: Decimal = ZERO      # billed, due on or before D, unpaid (欠费)
    not_due: Decimal = ZERO          # billed, due after D, unpaid (未到期)
    credit: Decimal = ZERO           # the credit account's balance (预存, a liability)
    oldest_period: str | None = None  # the oldest period with something due and open
    developer: Decimal = ZERO        # open on the developer's receivable for this unit

    @property
    def receivable(self) -> Decimal:
        return self.outstanding + self.not_due


def unit_balances(cache: FactCache, as_of: dt.date, unit: str | None = None) -> dict[str, UnitBalance]:
    """Per unit at as_of: outstanding, not_due, credit, oldest due period, developer's part.

    Folded in SQL: on books where nothing is paid there are hundreds of thousands of open items."""
    due = last_due_period(as_of)
    cond, args = "", (as_of.isoformat(),)
    if unit:
        cond, args = " AND unit=?", args + (unit,)
    out: dict[str, UnitBalance] = {}
    for u, acct, od, nd, oldest in cache.q(
            "SELECT unit, acct, SUM(CASE WHEN substr(period,1,7) <= ? THEN s ELSE 0 END), "
            "SUM(CASE WHEN substr(period,1,7) > ? THEN s ELSE 0 END), "
            "MIN(CASE WHEN s > 0 AND substr(period,1,7) <= ? THEN period END) FROM (SELECT unit, acct, item, period, "
            "SUM(cents) AS s FROM postings WHERE acct IN ('ar','dev') AND date <= ?" + cond +
            " GROUP BY unit, acct, item, period HAVING SUM(cents) != 0) GROUP BY unit, acct",
            (due, due, due) + args):
        b = out.setdefault(u, UnitBalance(u))
        if acct == "dev":
            b.developer += _d(od) + _d(nd)
        else:
            b.outstanding, b.not_due, b.oldest_period = _d(od), _d(nd), oldest
    for u, amt in credit_balances(cache, unit=unit, as_of=as_of).items():
        out.setdefault(u, UnitBalance(u)).credit = amt
    return out


@dataclass(frozen=True)
class LedgerBalances:
    """The ledger's own account balances at a date, summed per account, not per item."""
    receivable: Decimal  # Assets:Receivable:Unit:*
    developer: Decimal   # Assets:Receivable:Developer
    credit: Decimal      # Liabilities:Credit:Unit:* (shown positive)


def ledger_balances(cache: FactCache, as_of: dt.date) -> LedgerBalances:
    sums = dict(cache.q("SELECT acct, SUM(cents) FROM postings WHERE acct IN ('ar','dev','credit') AND date <= ? "
                        "GROUP BY acct", (as_of.isoformat(),)))
    return LedgerBalances(_d(sums.get("ar")), _d(sums.get("dev")), -_d(sums.get("credit")))


def oldest_open_period(cache: FactCache, unit: str, as_of: dt.date) -> str | None:
    row = cache.q("SELECT MIN(period) FROM (SELECT period, SUM(cents) AS s FROM postings WHERE acct='ar' "
                  "AND unit=? AND date<=? GROUP BY item, period HAVING s > 0)", (unit, as_of.isoformat()))
    return row[0][0] if row else None


def units_open_before(cache: FactCache, period: str) -> list[tuple[str, Decimal]]:
    """(unit, open) of units with something open on periods before `period`."""
    return [(u, _d(c)) for u, c in cache.q(
        "SELECT unit, SUM(cents) FROM postings WHERE acct='ar' AND period<? GROUP BY unit HAVING SUM(cents) > 0",
        (period,))]


def open_charges_of_units(cache: FactCache, units: list[str], debtor: str = "unit") -> dict[str, list[OpenCharge]]:
    """open_charges_of for a batch of units (an import preloads every unit it names in a few queries)."""
    accts = RECEIVABLE_ACCTS[debtor]
    found: dict[str, list[OpenCharge]] = {u: [] for u in units}
    for start in range(0, len(units), 500):
        chunk = units[start:start + 500]
        for u, i, p, c, d in cache.q(
                f"SELECT unit, item, period, SUM(cents), MIN(CASE WHEN cls='charge' THEN date END) FROM postings "
                f"WHERE acct IN ({_marks(accts)}) AND unit IN ({_marks(chunk)}) "
                "GROUP BY unit, item, period HAVING SUM(cents) > 0", accts + tuple(chunk)):
            found[u].append(OpenCharge(i, p, _d(c), dt.date.fromisoformat(d) if d else dt.date.min))
    return found


@dataclass(frozen=True)
class ClassSum:
    item: str
    period: str
    acct: str
    cls: str
    kind: str | None
    amount: Decimal


def item_class_sums(cache: FactCache, unit: str, as_of: dt.date | None = None,
                    debtor: str = "unit") -> list[ClassSum]:
    """The unit's receivable postings summed by (item, period, account, class, kind)."""
    accts = RECEIVABLE_ACCTS[debtor]
    dc, da = _asof(as_of)
    rows = cache.q(f"SELECT item, period, acct, cls, kind, SUM(cents) FROM postings WHERE acct IN ({_marks(accts)}) "
                   f"AND unit=?{dc} GROUP BY item, period, acct, cls, kind", accts + (unit,) + da)
    return [ClassSum(i, p, a, c, k, _d(s)) for i, p, a, c, k, s in rows]


# --- what was billed ----------------------------------------------------------------------------

def billed_keys(cache: FactCache, period: str) -> set[tuple[str, str]]:
    """(unit, item) pairs already billed for a period (owner or developer)."""
    return set(cache.q("SELECT DISTINCT unit, item FROM postings WHERE op='bill' AND period=? AND acct IN ('ar','dev') "
                       "AND cls='charge'", (period,)))


def billed_item_periods(cache: FactCache, unit: str) -> set[tuple[str, str]]:
    """(item, period) ever charged to the unit (owner or developer)."""
    return set(cache.q("SELECT DISTINCT item, period FROM postings WHERE unit=? AND acct IN ('ar','dev') "
                       "AND cls='charge'", (unit,)))


def last_billed_period(cache: FactCache, item: str | None = None) -> str | None:
    sql, args = "SELECT MAX(period) FROM postings WHERE op='bill' AND cls='charge'", ()
    if item:
        sql, args = sql + " AND item=?", (item,)
    row = cache.q(sql, args)
    return row[0][0] if row else None


def billed_by_period(cache: FactCache, first: str, last: str) -> dict[str, Decimal]:
    """Gross charges of bills per period (owner and developer)."""
    return {p: _d(c) for p, c in cache.q(
        "SELECT period, SUM(cents) FROM postings WHERE op='bill' AND cls='charge' AND acct IN ('ar','dev') "
        "AND period BETWEEN ? AND ? GROUP BY period", (first, last))}


def billed_by_item(cache: FactCache, period: str) -> list[tuple[str, Decimal]]:
    return [(i, _d(c)) for i, c in cache.q(
        "SELECT item, SUM(cents) FROM postings WHERE op='bill' AND cls='charge' AND acct IN ('ar','dev') "
        "AND period=? GROUP BY item ORDER BY item", (period,))]


def charges_by_unit_item_period(cache: FactCache, as_of: dt.date) -> list[tuple[str, str, str, Decimal]]:
    """Gross charges (unit, item, period, amount) dated <= as_of on the owners' receivables."""
    return [(u, i, p, _d(c)) for u, i, p, c in cache.q(
        "SELECT unit, item, period, SUM(cents) FROM postings WHERE acct='ar' AND cls='charge' AND date<=? "
        "GROUP BY unit, item, period", (as_of.isoformat(),))]


def late_fee_assessed_to(cache: FactCache) -> dict[str, dt.date]:
    """The last day each unit's late fees were accrued to."""
    out: dict[str, dt.date] = {}
    for unit, to in cache.q("SELECT unit, json_extract(meta, '$.\"accrued-to\"') FROM txns WHERE op='late'"):
        if to:
            d = dt.date.fromisoformat(to)
            if unit not in out or d > out[unit]:
                out[unit] = d
    return out


def receivable_class_rows(cache: FactCache, as_of: dt.date, developer: bool, excluded: tuple[str, ...],
                          by: str | None = None, first: str | None = None,
                          last: str | None = None) -> list[tuple]:
    """Receivable postings dated <= as_of summed by (key, period, month of the date, cls, amount).

    The input of every collection-rate figure (ledger/reports/rates.fold folds it). The key is None,
    (None, item) with by='item', or (unit, item) with by='unit'; first/last restrict the periods.
    Whole months are all a rate period needs. A charge posting that is not positive is 'other'.
    """
    accts = ("ar", "dev") if developer else ("ar",)
    key = {"unit": "unit, item", "item": "NULL, item", None: "NULL, NULL"}[by]
    where, args = "", (as_of.isoformat(),) + accts + tuple(excluded)
    if first:
        where, args = " AND period BETWEEN ? AND ?", args + (first, last)
    rows = cache.q(f"""
    SELECT {key}, period, substr(date, 1, 7),
      CASE WHEN cls = 'charge' AND cents <= 0 THEN 'other' ELSE cls END, SUM(cents)
    FROM postings
    WHERE date <= ? AND acct IN ({_marks(accts)}) AND item IS NOT NULL AND period IS NOT NULL
      AND item NOT IN ({_marks(excluded)}){where}
    GROUP BY 1, 2, 3, 4, 5""", args)
    if by is None:
        return [(None, p, dm, c, _d(s)) for _u, _i, p, dm, c, s in rows]
    return [((u, i), p, dm, c, _d(s)) for u, i, p, dm, c, s in rows]


@dataclass(frozen=True)
class Activity:
    """What the office did in a date range: waivers, compensation, write-offs, late fees."""
    waivers: Decimal
    waiver_count: int
    compensation: Decimal
    compensation_count: int
    compensation_cash: Decimal
    write_offs: Decimal
    write_off_count: int
    late_assessed: Decimal
    late_collected: Decimal
    late_waived: Decimal
    discounts: Decimal
    discount_count: int


def activity(cache: FactCache, first: dt.date, last: dt.date, late_item: str) -> Activity:
    lo, hi = first.isoformat(), last.isoformat()

    def one(where, args=(), neg=False):
        (c, n), = cache.q(f"SELECT COALESCE(SUM(cents),0), COUNT(DISTINCT txn) FROM postings WHERE {where} "
                          "AND date BETWEEN ? AND ?", args + (lo, hi))
        return (-_d(c) if neg else _d(c)), n
    w, wn = one("op='waive' AND acct='expense'")
    c, cn = one("op='compensate' AND acct='expense'")
    cc, _ = one("op='compensate' AND acct='money'", neg=True)
    o, on = one("op='writeoff' AND acct='expense'")
    la, _ = one("item=? AND acct IN ('ar','dev') AND cls='charge'", (late_item,))
    lp, _ = one("item=? AND acct IN ('ar','dev') AND cls='paid'", (late_item,), neg=True)
    lw, _ = one("item=? AND acct IN ('ar','dev') AND cls='waived'", (late_item,), neg=True)
    dc, dn = one("acct IN ('ar','dev') AND cls='discount'", neg=True)
    return Activity(w, wn, c, cn, cc, o, on, la, lp, lw, dc, dn)


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


def takings(cache: FactCache, first: dt.date, last: dt.date) -> list[Takings]:
    """Receipts, voids and refunds dated in [first, last], each on its own line and date, as the payer
    paid (fee legs out). A void counts on its own date under the channel of the receipt it voids."""
    rows = cache.q(
        "SELECT t.date, t.op, COALESCE(t.channel, (SELECT o.channel FROM txns o WHERE o.op='pay' "
        "AND o.receipt = COALESCE(json_extract(t.meta,'$.voids'), json_extract(t.meta,'$.refunds')))), "
        "COALESCE(t.receipt, json_extract(t.meta,'$.voids'), json_extract(t.meta,'$.refunds'), ''), SUM(p.cents) "
        "FROM postings p JOIN txns t ON t.id = p.txn WHERE p.cls IN ('money','suspense') "
        "AND t.op IN ('pay','void','refund') AND t.date BETWEEN ? AND ? GROUP BY t.id ORDER BY t.date, t.id",
        (first.isoformat(), last.isoformat()))
    return [Takings(dt.date.fromisoformat(d), op, ch or "?", _d(c), r) for d, op, ch, r, c in rows]


def settlement_payments(cache: FactCache, as_of: dt.date) -> list[tuple[str, str, str, dt.date, str]]:
    """(unit, item, period, date, receipt) of payments that settled a receivable (not from credit)."""
    rows = cache.q(
        "SELECT p.unit, p.item, p.period, p.date, t.receipt FROM postings p JOIN txns t ON t.id=p.txn "
        "WHERE p.acct='ar' AND t.op='pay' AND p.cls='paid' AND p.kind != 'credit' AND p.cents<0 AND p.date<=?",
        (as_of.isoformat(),))
    return [(u, i, p, dt.date.fromisoformat(d), r or "") for u, i, p, d, r in rows]


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
    sql = ("SELECT json_extract(meta,'$.queue'), json_extract(meta,'$.reopens'), op, date, receipt, "
           "json_extract(meta,'$.voids'), json_extract(meta,'$.refunds'), file, lineno FROM txns WHERE op != 'queue' "
           "AND (json_extract(meta,'$.queue') IS NOT NULL OR json_extract(meta,'$.reopens') IS NOT NULL)")
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


# --- numbers already used (ledger/books/numbering.py allocates the next) ------------------------

def used_numbers(cache: FactCache, source: str, prefix: str) -> list[str]:
    """Numbers beginning with `prefix` in one place of the books: source 'receipt' (payments' receipt),
    'queue' (queue ids), 'doc' (meta doc of transactions), or a custom directive type + ':' + the
    index of the value holding the number (e.g. 'wuye-dispute-open:1')."""
    like = prefix.replace("%", "") + "%"
    if source == "receipt":
        rows = cache.q("SELECT receipt FROM txns WHERE op='pay' AND receipt LIKE ?", (like,))
    elif source in ("queue", "doc", "refund"):
        key = {"queue": "queue", "doc": "doc", "refund": "refund-no"}[source]
        rows = cache.q(f"SELECT json_extract(meta,'$.\"{key}\"') FROM txns WHERE json_extract(meta,'$.\"{key}\"') "
                       "LIKE ?", (like,))
    elif source.startswith("meta:"):
        type_, key = source[5:].split(":", 1)
        rows = cache.q(f"SELECT json_extract(meta,'$.\"{key}\"') FROM customs WHERE type=? "
                       f"AND json_extract(meta,'$.\"{key}\"') LIKE ?", (type_, like))
    else:
        type_, index = source.rsplit(":", 1)
        rows = cache.q(f"SELECT json_extract(vals,'$[{int(index)}]') FROM customs WHERE type=? "
                       f"AND json_extract(vals,'$[{int(index)}]') LIKE ?", (type_, like))
    return [r for (r,) in rows if r]
