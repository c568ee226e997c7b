"""What was billed, and the receivable rows every collection rate folds; the office's activity in a date range."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ledger.books.cache import FactCache
from ledger.books.facts._common import _d, _marks
from ledger.books.facts.balances import snapshot_date


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


