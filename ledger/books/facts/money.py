"""Money accounts: balances and movements, and 收支: spending, 公共收益, the owners' fund."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ledger.basics.money import ZERO
from ledger.books.cache import FactCache
from ledger.books.facts._common import _asof, _d


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
