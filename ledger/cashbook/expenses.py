"""收支: money the office spends, by category, with its approver; 公共收益 received; and under 酬金制 the
company's 酬金 out of the owners' fund.

- `expense` (op `expense`): Dr the category's account (包干制 Expenses:Operating:<Key>; 酬金制
  Liabilities:OwnersFund:Spending:<Key>, spending against the owners' fund), or Liabilities:MaintenanceFund
  (`--fund maintenance`, 专项维修资金) or Liabilities:CommonIncome (`--fund common`, 公共收益); Cr the
  channel's money account. Meta `category`, `fund`, `reason`, `approved-by` (an operator of config.yaml).
- `common-income` (op `common-income`): 公共收益 (ads, parking, leases) is the owners' money: Dr money,
  Cr Liabilities:CommonIncome:<Source>; never the office's income.
- `remuneration` (op `remuneration`, 酬金制 only): rate x the fund's spending (or fee income) of a month,
  Dr Liabilities:OwnersFund:Remuneration, Cr Income:Remuneration; once per month.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ledger.basics import accounts as acc, labels, periods
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO, fmt, parse_amount, q
from ledger.books import entries as beans, facts
from ledger.books.create import missing_opens
from ledger.books.plan import Plan, appending
from ledger.books.writer import NOT_SHOWN
from ledger.cashbook.transfers import _room
from ledger.community.config import CHANNELS
from ledger.community.privacy import SYSTEM_OPERATOR, clean_ref, clean_text, operator
from ledger.payments.pay import check_date

FUNDS = tuple(labels.FUNDS)
SOURCES = tuple(labels.COMMON_SOURCES)


@dataclass(frozen=True)
class Spent:
    entry: object
    account: str      # what the money went to
    money: str        # where it came from
    amount: Decimal


def category_of(config, text: str) -> str:
    """`--category`: a category's key (Cleaning) or its name (保洁) from config.yaml expenses.categories."""
    value = str(text or "").strip()
    for c in config.expense_categories.values():
        if value in (c.key, c.name) or value.lower() == c.key.lower():
            return c.key
    raise InputError("unknown_expense_category", category=value,
                     choices=", ".join(f"{c.key} ({c.name})" for c in config.expense_categories.values()) or "-")


def read_category(config, text: str) -> str | None:
    """The category an outgoing row's text names by one of its keywords (the first category that does)."""
    for c in config.expense_categories.values():
        if any(w and w in text for w in (c.keywords or (c.name,))):
            return c.key
    return None


def spending_account(config, category: str, fund: str = "operating") -> str:
    if fund == "maintenance":
        return acc.MAINTENANCE_FUND
    if fund == "common":
        return acc.COMMON_INCOME + ":Spending"
    return acc.expense(category, config.regime)


def expense_entry(books, amount, category: str, channel: str, reason: str, approved_by: str,
                  date: dt.date | None = None, fund: str = "operating", ref: str | None = None,
                  by: str | None = None) -> Spent:
    cfg = books.config
    value = parse_amount(str(amount), "amount")
    cat = category_of(cfg, category)
    if channel not in CHANNELS:
        raise InputError("unknown_channel", channel=channel, choices=", ".join(CHANNELS))
    if fund not in FUNDS:
        raise InputError("unknown_fund", fund=fund, choices=", ".join(FUNDS))
    reason = clean_text(books, reason, "--reason")
    if not str(approved_by or "").strip() or str(approved_by).strip() == SYSTEM_OPERATOR:
        raise InputError("approver_needed")
    approver = operator(cfg, approved_by, "--approved-by")
    who = operator(cfg, by)
    date = date or books.today()
    check_date(books, date)
    ref = clean_ref(books, ref)
    money = cfg.channel_accounts[channel]
    target = spending_account(cfg, cat, fund)
    if fund == "maintenance":
        _room_liability(books, acc.MAINTENANCE_FUND, value, date)
    elif fund == "common":
        _room_liability(books, acc.COMMON_INCOME + ":", value, date)
    _room(books, money, value, date)
    name = cfg.expense_categories[cat].name
    e = beans.txn(date, f"支出 {name} {fmt(value)} {reason}", [
        beans.posting(target, value, {"category": cat}), beans.posting(money, -value)],
        {"op": "expense", "category": cat, "fund": fund, "channel": channel, "ref": ref, "reason": reason,
         "approved-by": approver, "by": who}, tags=("expense",))
    return Spent(e, target, money, value)


def _room_liability(books, prefix: str, amount: Decimal, date: dt.date) -> None:
    """A fund (liability accounts under `prefix`: negative while it holds money) cannot pay out more than
    it holds on that date."""
    held = -sum(facts.balances_under(books.cache, prefix, date).values(), ZERO)
    account = prefix.rstrip(":")
    if amount > held:
        raise InputError("transfer_exceeds_balance", account=account, date=date, amount=fmt(amount),
                         available=fmt(max(held, ZERO)))


def common_income_entry(books, amount, source: str, channel: str, reason: str, date: dt.date | None = None,
                        ref: str | None = None, by: str | None = None) -> Spent:
    if source not in SOURCES:
        raise InputError("unknown_common_source", source=source, choices=", ".join(SOURCES))
    if channel not in CHANNELS:
        raise InputError("unknown_channel", channel=channel, choices=", ".join(CHANNELS))
    value = parse_amount(str(amount), "amount")
    reason = clean_text(books, reason, "--reason")
    who = operator(books.config, by)
    date = date or books.today()
    check_date(books, date)
    ref = clean_ref(books, ref)
    money = books.config.channel_accounts[channel]
    target = acc.common_income(source)
    e = beans.txn(date, f"公共收益 {labels.label('common_source', source)} {fmt(value)} {reason}", [
        beans.posting(money, value), beans.posting(target, -value)],
        {"op": "common-income", "source": source, "channel": channel, "ref": ref, "reason": reason, "by": who},
        tags=("common-income",))
    return Spent(e, target, money, value)


def remuneration_entry(books, period: str, by: str | None = None) -> Spent:
    """酬金 of one month: rate x the owners' fund spending (or fee income) booked in that month."""
    cfg = books.config
    rem = cfg.remuneration
    if cfg.regime != "酬金制" or rem is None:
        raise InputError("no_remuneration")
    period = periods.parse_period(period)
    if periods.end(period) > books.today():
        raise InputError("remuneration_month_open", period=period, today=books.today())
    if facts.remuneration_periods(books.cache) & {period}:
        raise InputError("remuneration_done", period=period)
    base = facts.fund_flows(books.cache, periods.start(period), periods.end(period))[rem.basis]
    value = q(base * rem.rate)
    if value <= 0:
        raise InputError("remuneration_nothing", period=period, basis=rem.basis)
    who = operator(cfg, by)
    e = beans.txn(periods.end(period), f"酬金 {period} {rem.basis} {fmt(base)} x {rem.rate}", [
        beans.posting(acc.REMUNERATION_FUND, value), beans.posting(acc.REMUNERATION, -value)],
        {"op": "remuneration", "period": period, "basis": rem.basis, "base": q(base), "rate": str(rem.rate),
         "by": who}, tags=("remuneration",))
    return Spent(e, acc.REMUNERATION, acc.REMUNERATION_FUND, value)


def plan_of(books, spent: list[Spent], message: str) -> Plan:
    """One plan appending these entries (and opening the accounts the books do not have yet)."""
    plan = appending([s.entry for s in spent], message, spent)
    opens = missing_opens(books, {p.account for s in spent for p in s.entry.postings})
    return Plan(plan.message, {**plan.appends, **opens}, {}, plan.effect)


def _message(s: Spent) -> str:
    m = s.entry.meta
    if m["op"] == "expense":
        return (f"expense {fmt(s.amount)} CNY {m['category']} from {m['fund']} via {m['channel']} on {s.entry.date}: "
                f"{m['reason']} (approved by {m['approved-by']})\n")
    if m["op"] == "common-income":
        return f"common-income {fmt(s.amount)} CNY {m['source']} via {m['channel']} on {s.entry.date}: {m['reason']}\n"
    return f"remuneration {m['period']}: {fmt(s.amount)} CNY = {m['basis']} {fmt(m['base'])} x {m['rate']}\n"


def _commit(books, make, args, kwargs, expect):
    def operation(b) -> Plan:
        s = make(b, *args, **kwargs)
        return plan_of(b, [s], _message(s))
    result = books.commit(operation, expect=expect)
    return result.plan.effect[0], result


def expense(books, *args, expect=NOT_SHOWN, **kwargs):
    return _commit(books, expense_entry, args, kwargs, expect)


def common_income(books, *args, expect=NOT_SHOWN, **kwargs):
    return _commit(books, common_income_entry, args, kwargs, expect)


def remuneration(books, *args, expect=NOT_SHOWN, **kwargs):
    return _commit(books, remuneration_entry, args, kwargs, expect)
