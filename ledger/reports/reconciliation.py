"""资金对账: per money account the ledger balance, what is in transit, and every unmatched item with its age.

What is matched to what (each rule once, here):
- Assets:Cash: money in (a cash receipt) is matched by money out in date order (first in, first out); a
  void or refund of a cash receipt is matched to that receipt first. What is left is cash not banked,
  one item per receipt (or part of one).
- Assets:Clearing:<channel>: each trading day's takings (payments, refunds, fees: everything that is not a
  settlement) are matched by the settlements that name that day (link `<channel>-settle-YYYYMMDD`); a
  settlement that names no day pays the oldest days first. Each day with something left is an item.
- Assets:Transit: postings are grouped by their settlement link (else their reference, else their
  transaction); a group that does not net to zero is an item (one side of a settlement not seen yet).
- Assets:Suspense: each queue item (待认领) not yet assigned is an item.
- Assets:Bank:*: the last imported statement balance (`wuye-statement-balance`) on or before the as-of
  date against the ledger's balance on that day; a difference is an item.
Books that tie: no items, nothing in transit, every statement balance equal to the ledger.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from ledger.basics import labels
from ledger.basics.money import ZERO
from ledger.books import facts

STATEMENT_BALANCE = "wuye-statement-balance"  # [account, balance]: a bank statement's closing balance that day
_SETTLE_LINK = re.compile(r"-settle-(\d{8})$")
SETTLEMENT_OPS = ("settle", "transfer")


class Move(NamedTuple):
    """A movement not in the books yet (an import's planned entries) for clearing_days."""
    date: dt.date
    amount: Decimal
    op: str
    links: tuple[str, ...]


@dataclass
class Item:
    account: str
    date: dt.date
    amount: Decimal
    what: str
    ref: str = ""

    def age(self, as_of: dt.date) -> int:
        return (as_of - self.date).days


@dataclass
class AccountLine:
    account: str
    kind: str
    balance: Decimal
    in_transit: Decimal = ZERO
    statement_date: dt.date | None = None
    statement_balance: Decimal | None = None
    difference: Decimal | None = None
    items: list[Item] = field(default_factory=list)


def kind_of(account: str) -> str:
    for prefix, kind in (("Assets:Cash", "cash"), ("Assets:Bank:", "bank"), ("Assets:Clearing:", "clearing"),
                         ("Assets:Transit", "transit"), ("Assets:Suspense:", "suspense")):
        if account.startswith(prefix):
            return kind
    return "other"


def _settled_day(m: facts.Movement) -> dt.date | None:
    for link in m.links:
        found = _SETTLE_LINK.search(link)
        if found:
            return dt.datetime.strptime(found.group(1), "%Y%m%d").date()
    return None


def _what(m: facts.Movement) -> str:
    return m.narration


def _cash_items(moves: list[facts.Movement]) -> list[Item]:
    ins: list[list] = []  # [date, left, what, receipt]
    outs: list[facts.Movement] = []
    for m in moves:
        if m.amount > 0:
            ins.append([m.date, m.amount, _what(m), m.receipt])
        elif m.amount < 0:
            outs.append(m)
    by_receipt = {i[3]: i for i in ins if i[3]}
    rest = []
    for m in outs:  # a void or refund of a receipt takes that receipt's money back first
        need = -m.amount
        for link in m.links:
            hit = by_receipt.get(link)
            if hit is not None and need > 0:
                take = min(need, hit[1])
                hit[1] -= take
                need -= take
        if need > 0:
            rest.append((m.date, need))
    for _day, need in rest:
        for i in ins:
            if need <= 0:
                break
            take = min(need, i[1])
            i[1] -= take
            need -= take
        if need > 0:  # more left the cash box than came in: shown, never hidden
            ins.append([_day, -need, "现金支出多于收入", ""])
    return [Item("", d, left, what, rec) for d, left, what, rec in ins if left != 0]


def clearing_days(moves, days: dict | None = None) -> dict[dt.date, Decimal]:
    """{trading day: takings of that day not yet settled} of one clearing account, from its movements
    (facts.Movement, or anything with date, amount, op, links); `days` adds to an earlier result."""
    days = defaultdict(lambda: ZERO, days or {})
    loose = []
    for m in moves:
        day = _settled_day(m) if m.op in SETTLEMENT_OPS else None
        if m.op in SETTLEMENT_OPS and day is not None:
            days[day] += m.amount
        elif m.op in SETTLEMENT_OPS and m.amount < 0:
            loose.append(-m.amount)
        else:
            days[m.date] += m.amount
    for need in loose:  # a settlement naming no day pays the oldest open days
        for d in sorted(days):
            if need <= 0:
                break
            if days[d] > 0:
                take = min(need, days[d])
                days[d] -= take
                need -= take
        if need > 0:
            days[max(days) if days else dt.date.min] -= need
    return dict(days)


def _clearing_items(moves: list[facts.Movement]) -> list[Item]:
    return [Item("", d, v, f"{d:%Y-%m-%d} 当日收款净额未清算" if v > 0 else f"{d:%Y-%m-%d} 清算多于当日收款")
            for d, v in sorted(clearing_days(moves).items()) if v != 0]


def open_clearing_days(cache, account: str, as_of: dt.date | None = None) -> dict[dt.date, Decimal]:
    """The trading days of a clearing account with takings not yet settled (the importers match a bank's
    settlement row against these)."""
    return {d: v for d, v in clearing_days(facts.money_movements(cache, as_of, (account,))).items() if v}


def _grouped_items(moves: list[facts.Movement], key) -> list[Item]:
    groups: dict[str, list[facts.Movement]] = defaultdict(list)
    for m in moves:
        groups[key(m)].append(m)
    out = []
    for k, ms in groups.items():
        total = sum((m.amount for m in ms), ZERO)
        if total != 0:
            first = min(ms, key=lambda m: m.date)
            out.append(Item("", first.date, total, first.narration, k))
    return sorted(out, key=lambda i: (i.date, i.ref))


def _transit_key(m: facts.Movement) -> str:
    settle = next((lk for lk in m.links if _SETTLE_LINK.search(lk)), None)
    return settle or m.ref or f"txn-{m.txn}"


def _suspense_items(moves: list[facts.Movement]) -> list[Item]:
    items = _grouped_items(moves, lambda m: m.queue or f"txn-{m.txn}")
    for i in items:  # the money received and not yet identified, as a positive amount
        i.amount = -i.amount
    return items


def statement_balances(cache, as_of: dt.date) -> dict[str, tuple[dt.date, Decimal]]:
    """account -> (date, closing balance) of the last imported statement on or before as_of."""
    out: dict[str, tuple[dt.date, Decimal]] = {}
    for c in facts.customs(cache, STATEMENT_BALANCE, as_of=as_of):
        if len(c.vals) >= 2:
            account, amount = str(c.vals[0]), Decimal(str(c.vals[1]))
            if account not in out or out[account][0] <= c.date:
                out[account] = (c.date, amount)
    return out


def reconcile(books, as_of: dt.date) -> list[AccountLine]:
    cache = books.cache
    balances = facts.account_balances(cache, as_of)
    moves: dict[str, list[facts.Movement]] = defaultdict(list)
    for m in facts.money_movements(cache, as_of):
        moves[m.account].append(m)
    statements = statement_balances(cache, as_of)
    lines = []
    for account in sorted(set(balances) | set(moves)):
        kind = kind_of(account)
        line = AccountLine(account, kind, balances.get(account, ZERO))
        ms = moves.get(account, [])
        if kind == "cash":
            line.items = _cash_items(ms)
            line.in_transit = line.balance
        elif kind == "clearing":
            line.items = _clearing_items(ms)
            line.in_transit = line.balance
        elif kind == "transit":
            line.items = _grouped_items(ms, _transit_key)
            line.in_transit = line.balance
        elif kind == "suspense":
            line.items = _suspense_items(ms)
        elif kind == "bank" and account in statements:
            day, amount = statements[account]
            on_day = facts.account_balances(cache, day, (account,)).get(account, ZERO)
            line.statement_date, line.statement_balance = day, amount
            line.difference = on_day - amount
            if line.difference:
                line.items = [Item(account, day, line.difference, "账面余额与银行对账单不符", "")]
        for i in line.items:
            i.account = account
        if line.balance or line.items or line.statement_balance is not None:
            lines.append(line)
    return lines


def report_data(books, as_of: dt.date) -> dict:
    lines = reconcile(books, as_of)
    items = [i for ln in lines for i in ln.items]
    accounts = [{"account": ln.account, "kind": ln.kind, "label": labels.label("money_account", ln.kind),
                 "balance": ln.balance, "in_transit": ln.in_transit,
                 "statement": ({"date": ln.statement_date, "balance": ln.statement_balance,
                                "difference": ln.difference} if ln.statement_balance is not None else None),
                 "unmatched": len(ln.items), "unmatched_amount": sum((i.amount for i in ln.items), ZERO)}
                for ln in lines]
    return {
        "report": "reconciliation", "as_of": as_of,
        "accounts": accounts,
        "totals": {"balance": sum((ln.balance for ln in lines), ZERO),
                   "in_transit": sum((ln.in_transit for ln in lines), ZERO),
                   "cash_not_banked": sum((ln.in_transit for ln in lines if ln.kind == "cash"), ZERO),
                   "clearing_not_settled": sum((ln.in_transit for ln in lines if ln.kind == "clearing"), ZERO),
                   "unmatched_items": len(items)},
        "tied": not items,
        "items": [{"account": i.account, "kind": kind_of(i.account), "date": i.date, "age_days": i.age(as_of),
                   "amount": i.amount, "what": i.what, "ref": i.ref} for i in items],
    }
