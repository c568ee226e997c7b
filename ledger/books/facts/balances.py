"""Due dates, open items and balances: what each unit owes and holds in credit, and the snapshot they start from."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from ledger.basics import periods
from ledger.basics.money import ZERO
from ledger.books.cache import FactCache
from ledger.books.facts._common import RECEIVABLE_ACCTS, _asof, _asof_of_unit, _d, _marks


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
    dc, da = _asof_of_unit(as_of) if unit else _asof(as_of)
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
    dc, da = _asof(as_of)
    if unit:
        sql = sql.replace("WHERE acct", "WHERE +acct") + " AND unit=?"  # '+': on the unit index, as below
        args += (unit,)
        dc, da = _asof_of_unit(as_of)
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
    if unit:
        return _unit_balances(cache, as_of, unit, False)
    kept = cache.memo(("unit_balances", as_of, snapshot), lambda: _unit_balances(cache, as_of, None, snapshot))
    return {u: replace(b) for u, b in kept.items()}  # the kept ones stay as they were read


def _unit_balances(cache: FactCache, as_of: dt.date, unit: str | None, snapshot: bool) -> dict[str, UnitBalance]:
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
    dc, da = _asof_of_unit(as_of)
    rows = cache.q(f"SELECT item, period, acct, cls, kind, SUM(cents) FROM postings WHERE acct IN ({_marks(accts)}) "
                   f"AND unit=?{dc} GROUP BY item, period, acct, cls, kind", accts + (unit,) + da)
    return [ClassSum(i, p, a, c, k, _d(s)) for i, p, a, c, k, s in rows]


