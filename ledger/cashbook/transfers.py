"""Money between the office's own accounts: cash handed over to the bank (缴存), and a payment channel's
clearing settled into the bank (清算到账, T+1).

Both are plain transfers (no income, no receivable): op `bank-deposit` Assets:Cash -> Assets:Bank:*,
op `settle` Assets:Clearing:<channel> -> Assets:Bank:*. A settlement names the trading day it pays out
(meta `day`, link `<channel>-settle-YYYYMMDD`, the link the importers give a channel's day settlement),
so the reconciliation matches it to that day's takings. Neither may take its source below zero at any
date: money cannot leave an account before it arrived.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ledger.basics import accounts as acc, labels
from ledger.basics.errors import InputError
from ledger.basics.money import fmt, parse_amount
from ledger.books import entries as beans, facts
from ledger.books.create import missing_opens
from ledger.books.plan import Plan, appending
from ledger.books.writer import NOT_SHOWN
from ledger.community.privacy import clean_ref, operator
from ledger.payments.pay import check_date

BANK_PREFIX = "Assets:Bank:"
# The payment channels whose money waits on a clearing account until the provider pays it out.
CLEARING_CHANNELS = ("wechat", "alipay", "pos")


@dataclass(frozen=True)
class Transfer:
    entry: object
    source: str
    target: str
    amount: Decimal
    day: dt.date | None = None  # the trading day a settlement pays out


def bank_account(books, name: str | None) -> str:
    """`--to`: a bank account of the books (Assets:Bank:CMB or CMB); default the `bank` channel's account."""
    if not name:
        return books.config.channel_accounts["bank"]
    value = str(name).strip()
    account = value if value.startswith(BANK_PREFIX) else BANK_PREFIX + value.upper()
    beans.check_account(account, "--to")
    if account.count(":") != 2:
        raise InputError("bank_account_bad", text=value)
    return account


def _room(books, account: str, amount: Decimal, date: dt.date) -> None:
    """Refuse a transfer that would take `account` below zero on `date` or any later date."""
    low = facts.lowest_balance_from(books.cache, account, date)
    if amount > low:
        raise InputError("transfer_exceeds_balance", account=account, date=date, amount=fmt(amount),
                         available=fmt(max(low, Decimal("0"))))


def deposit_entry(books, amount, source: str = "cash", to: str | None = None, date: dt.date | None = None,
                  slip: str | None = None, by: str | None = None) -> Transfer:
    """缴存: cash on hand handed over to the bank, with the deposit slip's number when there is one."""
    if source != "cash":
        raise InputError("deposit_source", source=source)
    value = parse_amount(str(amount), "amount")
    target = bank_account(books, to)
    date = date or books.today()
    check_date(books, date)
    slip = clean_ref(books, slip, "--slip")
    who = operator(books.config, by)
    _room(books, acc.CASH, value, date)
    e = beans.txn(date, f"现金缴存 {fmt(value)} -> {target}" + (f" 缴款单 {slip}" if slip else ""), [
        beans.posting(target, value), beans.posting(acc.CASH, -value)],
        {"op": "bank-deposit", "slip": slip, "by": who},
        tags=("bank-deposit",), links=(beans.link("deposit", slip),) if slip else ())
    return Transfer(e, acc.CASH, target, value)


def settle_entry(books, channel: str, amount, date: dt.date | None = None, day: dt.date | None = None,
                 to: str | None = None, ref: str | None = None, by: str | None = None) -> Transfer:
    """清算到账: the provider pays a trading day's takings (net of refunds and fees) into the bank; `date`
    is the day the bank received it, `day` the trading day it pays out (default the day before: T+1)."""
    if channel not in CLEARING_CHANNELS:
        raise InputError("settle_channel", channel=channel, choices=", ".join(CLEARING_CHANNELS))
    value = parse_amount(str(amount), "amount")
    source = books.config.channel_accounts[channel]
    target = bank_account(books, to)
    date = date or books.today()
    check_date(books, date)
    day = day or date - dt.timedelta(days=1)
    if day > date:
        raise InputError("settle_day_after", day=day, date=date)
    ref = clean_ref(books, ref)
    who = operator(books.config, by)
    _room(books, source, value, date)
    e = beans.txn(date, f"清算到账 {labels.label('channel', channel)} {day:%Y-%m-%d} {fmt(value)} -> {target}", [
        beans.posting(target, value), beans.posting(source, -value)],
        {"op": "settle", "channel": channel, "day": day.isoformat(), "ref": ref, "by": who},
        tags=("settle",), links=(settle_link(channel, day),))
    return Transfer(e, source, target, value, day)


def settle_link(channel: str, day: dt.date) -> str:
    """The link every settlement of a channel's trading day carries (the importers write the same)."""
    return beans.link(channel, f"settle-{day:%Y%m%d}")


def transfers_plan(books, transfers: list[Transfer], message: str) -> Plan:
    """One plan appending the transfers (and opening a bank account the books do not have yet)."""
    plan = appending([t.entry for t in transfers], message, transfers)
    opens = missing_opens(books, {t.target for t in transfers})
    return Plan(plan.message, {**plan.appends, **opens}, {}, plan.effect)


def _message(t: Transfer) -> str:
    e = t.entry
    if e.meta["op"] == "bank-deposit":
        slip = f", slip {e.meta['slip']}" if e.meta.get("slip") else ""
        return f"bank-deposit {fmt(t.amount)} CNY cash -> {t.target} on {e.date}{slip} (by {e.meta['by']})\n"
    return (f"settle {e.meta['channel']} {fmt(t.amount)} CNY for {t.day}: {t.source} -> {t.target} on {e.date} "
            f"(by {e.meta['by']})\n")


def _commit(books, make, args, kwargs, expect):
    def operation(b) -> Plan:
        t = make(b, *args, **kwargs)
        return transfers_plan(b, [t], _message(t))
    result = books.commit(operation, expect=expect)
    return result.plan.effect[0], result


def bank_deposit(books, *args, expect=NOT_SHOWN, **kwargs):
    """Record a cash hand-over to the bank (one commit) -> (Transfer, WriteResult)."""
    return _commit(books, deposit_entry, args, kwargs, expect)


def settle(books, *args, expect=NOT_SHOWN, **kwargs):
    """Record a clearing settlement into the bank (one commit) -> (Transfer, WriteResult)."""
    return _commit(books, settle_entry, args, kwargs, expect)
