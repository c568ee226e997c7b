"""Settlements and corrections that are not payments: waivers, compensation, write-offs."""
from __future__ import annotations

import datetime as dt

from ledger.basics import accounts as acc
from ledger.books import entries as beans
from ledger.books.plan import appending
from ledger.basics import periods
from ledger.payments.allocation import OpenItem, allocate
from ledger.community.config import CHANNELS, LATE_FEE_ITEM
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO, fmt, parse_amount
from ledger.books import facts
from ledger.payments.pay import check_date
from ledger.community.privacy import clean_text


def _need(text: str | None, flag: str, books=None) -> str:
    """A required free text (reason, approver, dispute id), checked for personal data; reasons are
    also checked against owners' names (`books` given)."""
    return clean_text(books, text, flag)


def _commit(books, make_entry, message_of, *args, **kwargs):
    """One entry made by `make_entry(books, ...)` under the lock, committed with `message_of(entry)`."""
    def operation(b):
        e = make_entry(b, *args, **kwargs)
        return appending([e], message_of(e), e)
    result = books.commit(operation)
    return result.plan.effect, result


def waive_entry(books, unit: str, amount, item: str, period: str, reason: str, approved_by: str,
                date: dt.date | None = None):
    u = books.unit(unit)
    value = parse_amount(str(amount), "amount")
    item = item.upper()
    if item not in books.config.fees and item != LATE_FEE_ITEM:
        raise InputError("fee_item_unknown", item=item)
    period = periods.parse_period(period)
    reason, approved_by = _need(reason, "--reason", books), _need(approved_by, "--approved-by", books)
    date = date or books.today()
    check_date(books, date)
    # what is open on the waiver's date and stays open after it (a receivable never below zero at any date)
    open_amt = facts.reducible_items(books.cache, u.unit, date).get((item, period), ZERO)
    if value > open_amt:
        raise InputError("waive_exceeds_open", unit=u.unit, item=item, period=period, open=fmt(open_amt), amount=fmt(value))
    return beans.txn(date, f"减免 {u.unit} {item} {period}", [
        beans.posting(acc.WAIVERS, value),
        beans.posting(acc.receivable(u.unit), -value, {"item": item, "period": period, "kind": "waived"})],
        {"op": "waive", "unit": u.unit, "reason": reason, "approved-by": approved_by}, tags=("waive",))


def _waive_message(e) -> str:
    return (f"waive {e.meta['unit']} {fmt(e.postings[0].units.number)} CNY {e.postings[1].meta['item']} "
            f"{e.postings[1].meta['period']}: {e.meta['reason']} (approved by {e.meta['approved-by']})\n")


def waive(books, *args, **kwargs):
    return _commit(books, waive_entry, _waive_message, *args, **kwargs)


def compensation_entry(books, unit: str, amount, reason: str, dispute: str, approved_by: str,
                       mode: str = "offset", channel: str = "cash", date: dt.date | None = None):
    """补偿: an expense of the office linked to the dispute; never counted as fees collected.

    The dispute must be open on `date` and be the same unit's (a compensation settles a complaint)."""
    u = books.unit(unit)
    parse_amount(str(amount), "amount")  # a mistyped amount is named before the dispute
    dispute = _need(dispute, "--dispute")
    date = date or books.today()
    check_date(books, date)
    _check_dispute(books, u.unit, dispute, date)
    return _compensation(books, u, amount, reason, dispute, approved_by, mode, channel, date)


def _check_dispute(books, unit: str, dispute: str, date: dt.date) -> None:
    from ledger.collection.disputes import load_disputes  # collection builds on payments, not the reverse

    d = load_disputes(books).get(dispute)
    if d is None:
        raise InputError("dispute_not_found", dispute=dispute, unit=unit)
    if d.unit != unit:
        raise InputError("dispute_other_unit", dispute=dispute, owner=d.unit, unit=unit)
    if d.closed is not None:
        raise InputError("dispute_closed", dispute=dispute, closed=d.closed)
    if d.opened > date:
        raise InputError("dispute_not_yet_open", dispute=dispute, opened=d.opened, date=date)


def _compensation(books, u, amount, reason, dispute, approved_by, mode, channel, date):
    value = parse_amount(str(amount), "amount")
    reason, approved_by = _need(reason, "--reason", books), _need(approved_by, "--approved-by", books)
    if mode not in ("offset", "cash"):
        raise InputError("mode_bad", mode=mode)
    check_date(books, date)
    postings = [beans.posting(acc.COMPENSATION, value)]
    if mode == "cash":
        if channel not in CHANNELS:
            raise InputError("unknown_channel", channel=channel, choices=", ".join(CHANNELS))
        postings.append(beans.posting(books.config.channel_accounts[channel], -value))
    else:
        items = [OpenItem(i, p, a) for (i, p), a in facts.reducible_items(books.cache, u.unit, date).items()]
        priority = {c: f.priority for c, f in books.config.fees.items()}
        parts, rest = allocate(value, items, periods.period_of(date), priority, kind="compensated")
        for p in parts:
            postings.append(beans.posting(acc.receivable(u.unit), -p.amount,
                                          {"item": p.item, "period": p.period, "kind": "compensated"}))
        if rest:
            postings.append(beans.posting(acc.credit(u.unit), -rest, {"kind": "compensated"}))
    meta = {"op": "compensate", "unit": u.unit, "dispute": dispute, "mode": mode, "reason": reason,
            "approved-by": approved_by, "channel": channel if mode == "cash" else None}
    return beans.txn(date, f"补偿 {u.unit} 纠纷 {dispute}", postings, meta, tags=("compensate",),
                     links=(beans.link("dispute", dispute),))


def compensation_with_opening(books, unit: str, amount, reason: str, approved_by: str, category: str,
                              claim=None, note: str | None = None, mode: str = "offset", channel: str = "cash",
                              date: dt.date | None = None, by: str | None = None) -> list:
    """[dispute-open, compensation]: a dispute opened and compensated the same day, for one commit.
    The note of the dispute is the reason unless one is given."""
    from ledger.collection.disputes import open_entry

    u = books.unit(unit)
    date = date or books.today()
    opening = open_entry(books, u.unit, category, claim, note if note not in (None, "") else reason, date, by)
    dispute = beans.custom_values(opening)[1]
    return [opening, _compensation(books, u, amount, reason, dispute, approved_by, mode, channel, date)]


def _compensate_message(e) -> str:
    return (f"compensate {e.meta['unit']} {fmt(e.postings[0].units.number)} CNY ({e.meta['mode']}) dispute "
            f"{e.meta['dispute']}: {e.meta['reason']} (approved by {e.meta['approved-by']})\n")


def compensate(books, *args, **kwargs):
    return _commit(books, compensation_entry, _compensate_message, *args, **kwargs)


def compensate_opening(books, *args, **kwargs):
    """A dispute opened and compensated in one commit -> (entries, WriteResult)."""
    def message(es) -> str:
        did, cat = beans.custom_values(es[0])[1:3]
        return f"dispute {did} opened ({cat}) and " + _compensate_message(es[1])
    def operation(b):
        es = compensation_with_opening(b, *args, **kwargs)
        return appending(es, message(es), es)
    result = books.commit(operation)
    return result.plan.effect, result


def writeoff_entry(books, unit: str, period_list: list[str], reason: str, approved_by: str,
                   date: dt.date | None = None):
    """坏账核销 of whole arrear periods (never the current or a future period)."""
    u = books.unit(unit)
    reason, approved_by = _need(reason, "--reason", books), _need(approved_by, "--approved-by", books)
    date = date or books.today()
    check_date(books, date)
    if not period_list:
        raise InputError("writeoff_periods_required")
    opens = {(u.unit, i, p): a for (i, p), a in facts.reducible_items(books.cache, u.unit, date).items()}
    postings, total = [], ZERO
    for period in dict.fromkeys(periods.parse_period(p) for p in period_list):  # a period named twice once
        if period >= periods.period_of(date):
            raise InputError("writeoff_not_arrears", period=period, date=date)
        found = [(i, a) for (_u, i, p), a in sorted(opens.items()) if p == period and a > 0]
        if not found:
            raise InputError("nothing_open", unit=u.unit, period=period)
        for item, amt in found:
            postings.append(beans.posting(acc.receivable(u.unit), -amt,
                                          {"item": item, "period": period, "kind": "written_off"}))
            total += amt
    postings.insert(0, beans.posting(acc.BAD_DEBT, total))
    return beans.txn(date, f"核销 {u.unit} {', '.join(period_list)}", postings,
                     {"op": "writeoff", "unit": u.unit, "reason": reason, "approved-by": approved_by},
                     tags=("writeoff",))


def _writeoff_message(e) -> str:
    return (f"write-off {e.meta['unit']} {fmt(e.postings[0].units.number)} CNY: {e.meta['reason']} "
            f"(approved by {e.meta['approved-by']})\n")


def writeoff(books, *args, **kwargs):
    return _commit(books, writeoff_entry, _writeoff_message, *args, **kwargs)
