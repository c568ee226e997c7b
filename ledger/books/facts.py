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


def snapshot_date(cache: FactCache, as_of: dt.date) -> dt.date | None:
    """The month end whose item snapshot a figure of all units at as_of starts from: two months before the
    books' last month (so writes of the current and the last month leave it standing, and one snapshot
    serves every recent date); None for an earlier as_of (summed from every posting)."""
    latest = cache.latest_first_date()
    if latest is None:
        return None
    through = periods.end(periods.add(periods.period_of(latest), -2))
    return through if through < as_of else None


_FOLD = ("SELECT unit, acct, SUM(CASE WHEN substr(period,1,7) <= ? THEN s ELSE 0 END), "
         "SUM(CASE WHEN substr(period,1,7) > ? THEN s ELSE 0 END), "
         "MIN(CASE WHEN s > 0 AND substr(period,1,7) <= ? THEN period END) FROM ({items}) GROUP BY unit, acct")


def unit_balances(cache: FactCache, as_of: dt.date, unit: str | None = None,
                  snapshot: bool = True) -> dict[str, UnitBalance]:
    """Per unit at as_of: outstanding, not_due, credit, oldest due period, developer's part.

    Folded in SQL: on books where nothing is paid there are hundreds of thousands of open items. For all
    units the item sums start from the cache's snapshot through a month end (cache.snapshot) plus the
    postings after it; `snapshot=False` sums every posting (what `wuye check` compares the snapshot with)."""
    due = last_due_period(as_of)
    through = snapshot_date(cache, as_of) if snapshot and not unit else None
    out: dict[str, UnitBalance] = {}
    if through is None:
        cond, args = "", (as_of.isoformat(),)
        if unit:
            cond, args = " AND unit=?", args + (unit,)
        # one unit: '+' keeps sqlite on the unit index (by acct and date it would read every unit's rows)
        plus = "+" if unit else ""
        items = (f"SELECT unit, acct, item, period, SUM(cents) AS s FROM postings WHERE {plus}acct IN ('ar','dev') "
                 f"AND {plus}date <= ?" + cond + " GROUP BY unit, acct, item, period HAVING SUM(cents) != 0")
        rows = cache.q(_FOLD.format(items=items), (due, due, due) + args)
        credits = credit_balances(cache, unit=unit, as_of=as_of)
    else:
        items = ("SELECT unit, acct, item, period, SUM(c) AS s FROM (SELECT unit, acct, item, period, cents AS c "
                 "FROM snap WHERE key=:key AND acct IN ('ar','dev') UNION ALL SELECT unit, acct, item, period, cents "
                 "FROM postings WHERE acct IN ('ar','dev') AND date > :after AND date <= :asof) "
                 "GROUP BY unit, acct, item, period HAVING SUM(c) != 0")
        sql = _FOLD.replace("?", ":due").format(items=items)
        sql = ("SELECT 'u', * FROM (" + sql + ") UNION ALL SELECT 'c', unit, NULL, -SUM(c), NULL, NULL FROM ("
               "SELECT unit, cents AS c FROM snap WHERE key=:key AND acct='credit' UNION ALL SELECT unit, cents "
               "FROM postings WHERE acct='credit' AND date > :after AND date <= :asof) GROUP BY unit "
               "HAVING SUM(c) != 0")
        both = cache.with_snapshot(through, sql.replace(":key", "?1").replace(":due", "?2").replace(
            ":after", "?3").replace(":asof", "?4"), (due, through.isoformat(), as_of.isoformat()))
        rows = [r[1:] for r in both if r[0] == "u"]
        credits = {r[1]: _d(r[3]) for r in both if r[0] == "c"}
    for u, acct, od, nd, oldest in rows:
        b = out.setdefault(u, UnitBalance(u))
        if acct == "dev":
            b.developer += _d(od) + _d(nd)
        else:
            b.outstanding, b.not_due, b.oldest_period = _d(od), _d(nd), oldest
    for u, amt in credits.items():
        out.setdefault(u, UnitBalance(u)).credit = amt
    return out


@dataclass(frozen=True)
class LedgerBalances:
    """The ledger's own account balances at a date, summed per account, not per item."""
    receivable: Decimal  # Assets:Receivable:Unit:*
    developer: Decimal   # Assets:Receivable:Developer
    credit: Decimal      # Liabilities:Credit:Unit:* (shown positive)


def ledger_balances(cache: FactCache, as_of: dt.date, snapshot: bool = True) -> LedgerBalances:
    through = snapshot_date(cache, as_of) if snapshot else None
    if through is None:
        sums = dict(cache.q("SELECT acct, SUM(cents) FROM postings WHERE acct IN ('ar','dev','credit') AND date <= ? "
                            "GROUP BY acct", (as_of.isoformat(),)))
    else:
        sums = dict(cache.with_snapshot(through, (
            "SELECT acct, SUM(c) FROM (SELECT acct, cents AS c FROM snap WHERE key=?1 AND acct IN ('ar','dev','credit') "
            "UNION ALL SELECT acct, cents FROM postings WHERE acct IN ('ar','dev','credit') AND date > ?2 "
            "AND date <= ?3) GROUP BY acct"), (through.isoformat(), as_of.isoformat())))
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
                          last: str | None = None, snapshot: bool = True) -> list[tuple]:
    """Receivable postings dated <= as_of summed by (key, period, month of the date, cls, amount).

    The input of every collection-rate figure (ledger/reports/rates.fold folds it). The key is None,
    (None, item) with by='item', or (unit, item) with by='unit'; first/last restrict the periods.
    Whole months are all a rate period needs. A charge posting that is not positive is 'other'.
    The community and per-item rows start from the cache's class snapshot (cache.CLASS_ROWS) through the
    month end of the item snapshot, plus the postings after it; `snapshot=False` sums every posting.
    by='household': the key is (unit, None) and the month of the date None, summed over both: only for a
    fold of months that hold each row's period (rates.count_households of one month), where fold never
    reads the month of the date (half the rows of by='unit').
    """
    accts = ("ar", "dev") if developer else ("ar",)
    through = snapshot_date(cache, as_of) if snapshot and by not in ("unit", "household") and not first else None
    if through is not None:
        return _class_rows_from_snapshot(cache, through, as_of, accts, excluded, by)
    key = {"unit": "unit, item", "household": "unit, NULL", "item": "NULL, item", None: "NULL, NULL"}[by]
    month = "NULL" if by == "household" else "substr(date, 1, 7)"
    where, args = "", (as_of.isoformat(),) + accts + tuple(excluded)
    if first:
        where, args = " AND period BETWEEN ? AND ?", args + (first, last)
    rows = cache.q(f"""
    SELECT {key}, period, {month},
      CASE WHEN cls = 'charge' AND cents <= 0 THEN 'other' ELSE cls END, SUM(cents)
    FROM postings
    WHERE date <= ? AND acct IN ({_marks(accts)}) AND item IS NOT NULL AND period IS NOT NULL
      AND item NOT IN ({_marks(excluded)}){where}
    GROUP BY 1, 2, 3, 4, 5""", args)
    if by is None:
        return [(None, p, dm, c, _d(s)) for _u, _i, p, dm, c, s in rows]
    return [((u, i), p, dm, c, _d(s)) for u, i, p, dm, c, s in rows]


def _class_rows_from_snapshot(cache: FactCache, through: dt.date, as_of: dt.date, accts: tuple[str, ...],
                              excluded: tuple[str, ...], by: str | None) -> list[tuple]:
    """receivable_class_rows (by None or 'item') as the class snapshot through `through` plus the postings
    dated after it, read in the snapshot's own transaction (cache.with_snapshot)."""
    n = 3  # ?1 the snapshot key, ?2 through, ?3 as_of

    def marks(values) -> str:
        nonlocal n
        out = ",".join(f"?{n + 1 + i}" for i in range(len(values)))
        n += len(values)
        return out

    acct_in, item_out = marks(accts), marks(excluded)
    key = "item" if by == "item" else "NULL"
    sql = (f"SELECT {key}, period, dm, cls, SUM(c) FROM ("
           f"SELECT item, period, dm, cls, cents AS c FROM csnap WHERE key=?1 AND acct IN ({acct_in}) "
           f"AND item NOT IN ({item_out}) UNION ALL "
           "SELECT item, period, substr(date, 1, 7) AS dm, CASE WHEN cls = 'charge' AND cents <= 0 THEN 'other' "
           "ELSE cls END AS cls, cents FROM postings WHERE date > ?2 AND date <= ?3 "
           f"AND acct IN ({acct_in}) AND item IS NOT NULL AND period IS NOT NULL AND item NOT IN ({item_out})"
           ") GROUP BY 1, 2, 3, 4")
    rows = cache.with_snapshot(through, sql, (through.isoformat(), as_of.isoformat()) + accts + tuple(excluded))
    if by is None:
        return [(None, p, dm, c, _d(s)) for _i, p, dm, c, s in rows]
    return [((None, i), p, dm, c, _d(s)) for i, p, dm, c, s in rows]


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


# --- numbers already used (ledger/books/numbering.py allocates the next) ------------------------

def used_numbers(cache: FactCache, source: str, prefix: str) -> list[str]:
    """Numbers beginning with `prefix` in one place of the books: source 'receipt' (payments' receipt),
    'queue' (queue ids), 'doc' (meta doc of transactions), or a custom directive type + ':' + the
    index of the value holding the number (e.g. 'wuye-dispute-open:1'). For receipts, only those the
    highest can be among: the one with the largest all-digit tail after the prefix, and every one whose
    tail is not all ASCII digits (the caller's own rule reads those); a year holds tens of thousands."""
    like = prefix.replace("%", "") + "%"
    if source == "receipt":
        # GLOB is case-sensitive, so it can read the prefix's range of the receipt index (LIKE cannot); '+op'
        # keeps sqlite from reading every payment by the op index instead
        glob = "".join(f"[{ch}]" if ch in "*?[" else ch for ch in prefix) + "*"
        args = (glob, len(prefix) + 1)
        rows = cache.q("SELECT receipt FROM txns WHERE receipt GLOB ?1 AND +op='pay' "
                       "AND (substr(receipt, ?2) GLOB '*[^0-9]*' OR substr(receipt, ?2) = '')", args)
        # the largest number by its digits without leading zeros: longest first, then by text (exact for any length)
        rows += cache.q("SELECT receipt FROM (SELECT receipt, ltrim(substr(receipt, ?2), '0') AS n FROM txns "
                        "WHERE receipt GLOB ?1 AND +op='pay' AND substr(receipt, ?2) NOT GLOB '*[^0-9]*' "
                        "AND substr(receipt, ?2) != '') ORDER BY length(n) DESC, n DESC LIMIT 1", args)
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
# --- what only a merge of two offices' books can break (ledger/books/sync.py) -----------------------

def settled_twice(cache: FactCache) -> dict[tuple[str, str, str], list[tuple[str, str]]]:
    """{(unit, item, period): [(receipt, file), ...]} for every charge whose receivable went below zero,
    with the live payments that settled it (two offices took the same month's money)."""
    keys = [(u, i, p) for u, i, p, _c in cache.q(
        "SELECT unit, item, period, SUM(cents) FROM postings WHERE acct IN ('ar','dev') "
        "GROUP BY unit, item, period HAVING SUM(cents) < 0 ORDER BY unit, item, period")]
    dead = {r for (r,) in cache.q("SELECT json_extract(meta,'$.voids') FROM txns WHERE op='void' UNION "
                                  "SELECT json_extract(meta,'$.refunds') FROM txns WHERE op='refund'") if r}
    out = {}
    for u, i, p in keys:
        rows = cache.q("SELECT DISTINCT t.receipt, t.file FROM postings s JOIN txns t ON t.id = s.txn "
                       "WHERE s.acct IN ('ar','dev') AND s.unit=? AND s.item=? AND s.period=? AND s.cls='paid' "
                       "AND t.op='pay' ORDER BY t.date, t.id", (u, i, p))
        out[(u, i, p)] = [(r, f) for r, f in rows if r and r not in dead]
    return out


def billed_twice(cache: FactCache) -> list[tuple[str, str, str]]:
    """(unit, item, period) charged by more than one billing entry (two offices billed the same unit)."""
    return [tuple(r) for r in cache.q(
        "SELECT unit, item, period FROM postings WHERE op='bill' AND cls='charge' AND acct IN ('ar','dev') "
        "GROUP BY unit, item, period, acct HAVING COUNT(DISTINCT txn) > 1 ORDER BY unit, item, period")]
# --- money accounts: balances and movements (ledger/reports/reconciliation.py, ledger/cashbook/) -----

MONEY_PREFIXES = ("Assets:Cash", "Assets:Bank:", "Assets:Clearing:", "Assets:Transit", "Assets:Suspense:")


@dataclass(frozen=True)
class Movement:
    """One posting on a money account, with what its transaction says about it."""
    txn: int
    date: dt.date
    account: str
    amount: Decimal
    op: str
    links: tuple[str, ...]
    receipt: str
    ref: str
    narration: str
    queue: str


def money_movements(cache: FactCache, as_of: dt.date | None = None,
                    prefixes: tuple[str, ...] = MONEY_PREFIXES) -> list[Movement]:
    """Every posting on the money accounts (cash, bank, clearing, transit, suspense) up to as_of, in
    date order (then the order written)."""
    where = " OR ".join("p.account LIKE ?" for _ in prefixes)
    dc, da = _asof(as_of, "p.date")
    rows = cache.q(
        "SELECT t.id, p.date, p.account, p.cents, t.op, t.links, t.receipt, t.ref, t.narration, "
        f"json_extract(t.meta,'$.queue') FROM postings p JOIN txns t ON t.id = p.txn WHERE ({where})" + dc
        + " ORDER BY p.date, t.id", tuple(p + "%" for p in prefixes) + da)
    return [Movement(tid, dt.date.fromisoformat(d), a, _d(c), op or "", tuple((lk or "").split()), r or "",
                     str(ref or ""), n or "", qid or "")
            for tid, d, a, c, op, lk, r, ref, n, qid in rows]


def account_balances(cache: FactCache, as_of: dt.date | None = None,
                     prefixes: tuple[str, ...] = MONEY_PREFIXES) -> dict[str, Decimal]:
    """{account: balance at the end of as_of} of the money accounts that have postings (or are open)."""
    where = " OR ".join("account LIKE ?" for _ in prefixes)
    dc, da = _asof(as_of)
    out = {a: ZERO for (a,) in cache.q(f"SELECT account FROM opens WHERE {where.replace('p.', '')}",
                                       tuple(p + "%" for p in prefixes))}
    for a, c in cache.q(f"SELECT account, SUM(cents) FROM postings WHERE ({where})" + dc + " GROUP BY account",
                        tuple(p + "%" for p in prefixes) + da):
        out[a] = _d(c)
    return dict(sorted(out.items()))


def receivable_lines(cache: FactCache, as_of: dt.date) -> list[tuple[str, str | None, str | None, str | None, Decimal]]:
    """(account, unit, item, period, balance) of every receivable (unit or developer) line that is not
    zero after every entry dated on or before as_of: what a year's books open with."""
    return [(a, u, i, p, _d(c)) for a, u, i, p, c in cache.q(
        "SELECT account, unit, item, period, SUM(cents) FROM postings WHERE acct IN ('ar', 'dev') AND date <= ? "
        "GROUP BY account, unit, item, period HAVING SUM(cents) != 0 ORDER BY account, unit, item, period",
        (as_of.isoformat(),))]


def all_balances(cache: FactCache, as_of: dt.date) -> dict[str, Decimal]:
    """{account: balance after every entry dated on or before as_of} of every account with postings."""
    return {a: _d(c) for a, c in cache.q("SELECT account, SUM(cents) FROM postings WHERE date <= ? "
                                         "GROUP BY account ORDER BY account", (as_of.isoformat(),))}


def lowest_balance_from(cache: FactCache, account: str, day: dt.date) -> Decimal:
    """The lowest end-of-day balance of `account` on `day` or any later date: what may still leave it on
    `day` without taking it below zero at some date."""
    bal = sum((m.amount for m in money_movements(cache, day, (account,)) if m.account == account), ZERO)
    low = bal
    for d, c in cache.q("SELECT date, SUM(cents) FROM postings WHERE account = ? AND date > ? GROUP BY date "
                        "ORDER BY date", (account, day.isoformat())):
        bal += _d(c)
        low = min(low, bal)
    return low


def daily_movements(cache: FactCache, account: str, as_of: dt.date | None = None) -> dict[dt.date, Decimal]:
    """{date: net movement of `account` that day} up to as_of."""
    dc, da = _asof(as_of)
    return {dt.date.fromisoformat(d): _d(c) for d, c in cache.q(
        "SELECT date, SUM(cents) FROM postings WHERE account = ?" + dc + " GROUP BY date ORDER BY date",
        (account,) + da)}


@dataclass(frozen=True)
class Deposit:
    """A cash hand-over recorded by `wuye bank-deposit` (op bank-deposit)."""
    file: str
    lineno: int
    date: dt.date
    account: str
    amount: Decimal

    @property
    def key(self) -> str:
        return f"{self.file}:{self.lineno}"


def bank_deposits(cache: FactCache, account: str, first: dt.date, last: dt.date) -> list[Deposit]:
    """Cash hand-overs into `account` dated in [first, last], oldest first."""
    rows = cache.q("SELECT t.file, t.lineno, t.date, p.account, p.cents FROM txns t JOIN postings p ON p.txn = t.id "
                   "WHERE t.op = 'bank-deposit' AND p.account = ? AND p.cents > 0 AND t.date BETWEEN ? AND ? "
                   "ORDER BY t.date, t.id", (account, first.isoformat(), last.isoformat()))
    return [Deposit(f, ln, dt.date.fromisoformat(d), a, _d(c)) for f, ln, d, a, c in rows]


# --- 收支: spending, 公共收益, the owners' fund (ledger/cashbook/expenses.py, the 公示) ---------------

def remuneration_periods(cache: FactCache) -> set[str]:
    """Months whose 酬金 is booked (op remuneration)."""
    return {p for (p,) in cache.q("SELECT json_extract(meta,'$.period') FROM txns WHERE op='remuneration'") if p}


def fund_flows(cache: FactCache, first: dt.date, last: dt.date) -> dict[str, Decimal]:
    """酬金制 bases in [first, last]: `spending` = spending against the owners' fund
    (Liabilities:OwnersFund:Spending:*), `income` = fees credited to it (Liabilities:OwnersFund:Fees:*,
    as billed, net of what was waived or compensated)."""
    args = (first.isoformat(), last.isoformat())
    (spent,) = cache.q("SELECT SUM(cents) FROM postings WHERE account LIKE 'Liabilities:OwnersFund:Spending:%' "
                       "AND date BETWEEN ? AND ?", args)[0]
    (fees,) = cache.q("SELECT SUM(cents) FROM postings WHERE account LIKE 'Liabilities:OwnersFund:Fees:%' "
                      "AND date BETWEEN ? AND ?", args)[0]
    return {"spending": _d(spent), "income": -_d(fees)}


@dataclass(frozen=True)
class SpendingLine:
    fund: str        # operating | maintenance | common
    category: str    # the config key
    amount: Decimal
    count: int


def spending(cache: FactCache, first: dt.date, last: dt.date) -> list[SpendingLine]:
    """Expenses (op expense) dated in [first, last] by fund and category."""
    rows = cache.q("SELECT COALESCE(json_extract(t.meta,'$.fund'),'operating'), COALESCE(json_extract(t.meta,"
                   "'$.category'),''), SUM(p.cents), COUNT(DISTINCT t.id) FROM postings p JOIN txns t ON t.id=p.txn "
                   "WHERE t.op='expense' AND p.cents > 0 AND p.date BETWEEN ? AND ? GROUP BY 1, 2 ORDER BY 1, 2",
                   (first.isoformat(), last.isoformat()))
    return [SpendingLine(f, c, _d(s), n) for f, c, s, n in rows]


def balances_under(cache: FactCache, prefix: str, as_of: dt.date | None = None) -> dict[str, Decimal]:
    """{account: balance} of the accounts under `prefix` up to as_of."""
    dc, da = _asof(as_of)
    return {a: _d(c) for a, c in cache.q("SELECT account, SUM(cents) FROM postings WHERE account LIKE ?" + dc +
                                          " GROUP BY account ORDER BY account", (prefix + "%",) + da)}


def flows_under(cache: FactCache, prefix: str, first: dt.date, last: dt.date) -> dict[str, Decimal]:
    """{account: sum of postings dated in [first, last]} under `prefix`."""
    return {a: _d(c) for a, c in cache.q("SELECT account, SUM(cents) FROM postings WHERE account LIKE ? AND date "
                                          "BETWEEN ? AND ? GROUP BY account ORDER BY account",
                                          (prefix + "%", first.isoformat(), last.isoformat()))}
