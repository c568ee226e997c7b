"""Payments, voids and refunds: money between a household and the office."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data
from beancount.parser import parser

from ledger.basics import accounts as acc
from ledger.books import entries as beans, facts, numbering
from ledger.books.plan import Plan, appending
from ledger.books.writer import NOT_SHOWN
from ledger.basics import periods
from ledger.payments.allocation import OpenItem, Part, allocate
from ledger.billing.charges import credit_application, monthly_charge
from ledger.community.config import CHANNELS, LATE_FEE_ITEM
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO, fmt, parse_amount, q
from ledger.basics.parse import bounded_text
from ledger.reports.openitems import credit_balances
from ledger.community.privacy import clean_ref, clean_text, pii_number
from ledger.basics.labels import PAYER_ROLES, label
from ledger.community.units import mask_name

MAX_PAYER = 40


def check_no_pii(text: str, what: str) -> None:
    found = pii_number(text or "")
    if found:
        raise InputError("personal_number_short", what=what, found=found)


def payer_text(payer: str | None) -> str:
    """'tenant:吴小明' -> 'tenant 吴**'; names are masked before they reach the ledger."""
    if not payer:
        return "owner"
    payer = bounded_text(payer, "--payer", MAX_PAYER)
    check_no_pii(payer, "--payer")
    role, _, name = payer.partition(":")
    if role not in PAYER_ROLES:
        role, name = "other", payer
    return f"{role} {mask_name(name.strip())}".strip()


def check_date(books, date: dt.date, what: str = "date") -> None:
    if date < books.config.books_start:
        raise InputError("date_before_start", what=what, date=date, start=books.config.books_start)
    if date > books.today() + dt.timedelta(days=31):
        raise InputError("date_too_far_ahead", what=what, date=date, today=books.today())


def parse_designated(text: str | None, books) -> list[tuple[str, str]]:
    """'PF:2026-10,PK:2026-10' -> [('PF','2026-10'), ('PK','2026-10')]."""
    out = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        item, _, period = part.partition(":")
        item = item.strip().upper()
        if item not in books.config.fees and item != LATE_FEE_ITEM:
            raise InputError("fee_item_unknown_in", what="--for", item=item)
        out.append((item, periods.parse_period(period)))
    return out


def find_ref(books, channel: str, ref: str) -> str | None:
    """The receipt of a live (not voided or refunded) payment with this channel reference."""
    receipts = facts.payments_by_ref(books.cache, channel, ref)
    if not receipts:  # the usual case: a batch of payments asks once per payment
        return None
    dead = reversed_receipts(books)
    for receipt in receipts:
        if receipt not in dead:
            return receipt
    return None


def reversed_receipts(books) -> dict[str, str]:
    return facts.reversals(books.cache)


@dataclass
class PaymentPlan:
    unit: str
    amount: Decimal
    channel: str
    date: dt.date
    ref: str | None
    payer: str
    collector: str
    receipt: str
    parts: list[Part] = field(default_factory=list)
    to_credit: Decimal = ZERO
    discount: Decimal = ZERO
    open_before: Decimal = ZERO
    entry: data.Transaction | None = None
    # Credit from this payment applied to charges billed after the payment date, each dated its bill.
    applications: list[data.Transaction] = field(default_factory=list)

    @property
    def entries(self) -> list[data.Transaction]:
        return [self.entry] + self.applications

    def summary(self) -> str:
        """Allocation grouped by kind and item: 'arrears PF 2024-01..2026-10 (34): 7,326.00'."""
        groups: dict[tuple[str, str], list[Part]] = {}
        for p in self.parts:
            groups.setdefault((p.kind, p.item), []).append(p)
        lines = []
        for (kind, item), ps in groups.items():
            span = ps[0].period if len(ps) == 1 else f"{min(p.period for p in ps)}..{max(p.period for p in ps)} ({len(ps)})"
            lines.append(f"{kind} {item} {span}: {fmt(sum((p.amount for p in ps), ZERO))}")
        if self.to_credit:
            lines.append(f"to credit: {fmt(self.to_credit)}")
        if self.discount:
            lines.append(f"prepayment discount: {fmt(self.discount)}")
        return "\n".join(lines)


def _prepay_discount(books, unit, on: dt.date, remainder: Decimal, has_open: bool) -> Decimal:
    """预交优惠: explicit discount when the payment covers the policy's months ahead with no arrears."""
    cfg = books.config
    for pol in cfg.prepay_discounts:
        if pol.start <= on and (pol.end is None or on <= pol.end) and not has_open:
            monthly = sum((monthly_charge(cfg.fees[code], unit, on) or ZERO for code in pol.items), ZERO)
            full = monthly * pol.months
            discount = q(full * pol.rate)
            if monthly and remainder >= full - discount:
                return discount
    return ZERO


class PaymentState:
    """What a batch of payments needs to know and update in memory: open items, credit, receipts, refs.

    One payment is a batch of one; an import or the demo plans many and writes them in one commit.
    """

    def __init__(self, books):
        self.books = books
        self.opens: dict[tuple[str, str], dict[tuple[str, str], Decimal]] = {}
        self.billed_on: dict[tuple[str, str], dict[tuple[str, str], dt.date]] = {}
        self.billed: dict[str, set] = {}
        self.numbers = numbering.Numbers(books.cache)
        self.refs: set[tuple[str, str]] = set()

    def open_for(self, unit: str, debtor: str) -> dict[tuple[str, str], Decimal]:
        key = (unit, debtor)
        if key not in self.opens:
            self.load(unit, debtor, facts.open_charges_of(self.books.cache, unit, debtor))
        return self.opens[key]

    def load(self, unit: str, debtor: str, charges: list[facts.OpenCharge]) -> None:
        """Take a unit's open charges with their bill dates (both, always: a payment settles only what
        was billed by its date)."""
        self.opens[(unit, debtor)] = {(c.item, c.period): c.amount for c in charges}
        self.billed_on[(unit, debtor)] = {(c.item, c.period): c.billed_on for c in charges}

    def bill_date(self, unit: str, debtor: str, key: tuple[str, str]) -> dt.date:
        return self.billed_on.get((unit, debtor), {}).get(key, dt.date.min)

    def billed_for(self, unit: str) -> set:
        if unit not in self.billed:
            self.billed[unit] = facts.billed_item_periods(self.books.cache, unit)
        return self.billed[unit]

    def next_receipt(self, year: int) -> str:
        return self.numbers.next(numbering.receipts(self.books.config.receipt_prefix), year)

    def check_ref(self, channel: str, ref: str) -> None:
        used = find_ref(self.books, channel, ref)
        if used:
            raise InputError("ref_recorded", channel=channel, ref=ref, receipt=used)
        if (channel, ref) in self.refs:
            raise InputError("ref_twice_in_batch", channel=channel, ref=ref)
        self.refs.add((channel, ref))


def plan_payment(books, unit: str, amount: str | Decimal, channel: str, date: dt.date, ref: str | None = None,
                 payer: str | None = None, designated: str | list | None = None, prepay: bool = False,
                 collector: str | None = None, state: PaymentState | None = None,
                 extra_meta: dict | None = None, money_account: str | None = None,
                 extra_postings: list | None = None, coupon: Decimal = ZERO,
                 links: tuple[str, ...] = (), only_designated: bool = False) -> PaymentPlan:
    """Plan one payment (and its receipt) without writing.

    `money_account` replaces the channel's account (e.g. the suspense account when a queued item is
    assigned); `extra_postings` must balance among themselves (channel fees); `coupon` is a
    merchant-funded discount settled as a waiver after the money (never counted as collected).
    `only_designated` settles only the designated open items and puts the rest on credit (a payer who
    named periods not billed yet, or an item with nothing open, e.g. water with no reading billed).
    """
    state = state or PaymentState(books)
    u = books.unit(unit)
    value = parse_amount(str(amount), "amount")
    if channel not in CHANNELS:
        raise InputError("unknown_channel", channel=channel, choices=", ".join(CHANNELS))
    check_date(books, date)
    ref = clean_ref(books, ref)
    if ref:
        state.check_ref(channel, ref)
    who = payer_text(payer)
    # A unit not handed over by the payment date is the developer's to pay (第十六条), whoever brings the money.
    unsold = u.handover is None or u.handover > date
    debtor = "developer" if who.startswith("developer") or unsold else "unit"
    wanted = designated if isinstance(designated, list) else parse_designated(designated, books)
    all_opens = state.open_for(u.unit, debtor)
    # A payment settles only charges billed on or before its date; money for a charge billed later is
    # the unit's credit until that bill's date (then applied by a credit-application entry below).
    opens = {k: a for k, a in all_opens.items() if state.bill_date(u.unit, debtor, k) <= date}
    later = {k: a for k, a in all_opens.items() if k not in opens}
    items = [OpenItem(i, p, a) for (i, p), a in sorted(opens.items())]
    for key in wanted:
        if key in all_opens:
            continue
        if key in state.billed_for(u.unit):
            raise InputError("already_settled", unit=u.unit, item=key[0], period=key[1])
        if not prepay:
            raise InputError("not_billed", unit=u.unit, item=key[0], period=key[1])
    pay_period = periods.period_of(date)
    priority = {code: f.priority for code, f in books.config.fees.items()}
    if only_designated:
        keys = [k for k in wanted if k in opens]
        parts, rest = allocate(value, [oi for oi in items if (oi.item, oi.period) in set(keys)], pay_period,
                               priority, keys)
    else:
        parts, rest = allocate(value, items, pay_period, priority, [k for k in wanted if k in opens])
    open_total = sum(opens.values(), ZERO)
    has_open = open_total > sum((p.amount for p in parts), ZERO)
    discount = _prepay_discount(books, u, date, rest, has_open) if prepay and rest else ZERO
    for p in parts:
        opens[(p.item, p.period)] -= p.amount
    waived: list[Part] = []
    if coupon:
        left = [OpenItem(i, p, a) for (i, p), a in sorted(opens.items())]
        waived, extra = allocate(coupon, left, pay_period, priority, [k for k in wanted if k in opens],
                                 kind="waived")
        if extra:
            raise InputError("coupon_exceeds", coupon=fmt(coupon), unit=u.unit)
        for p in waived:
            opens[(p.item, p.period)] -= p.amount
    for k, a in opens.items():
        all_opens[k] = a
    for k in [k for k, a in all_opens.items() if a <= 0]:
        del all_opens[k]
    plan = PaymentPlan(u.unit, value, channel, date, ref, who, books.collector(collector),
                       state.next_receipt(date.year), parts, rest, discount, open_total)
    extra = list(extra_postings or [])
    if waived:
        extra.append(beans.posting(acc.WAIVERS, coupon))
        extra += [beans.posting(acc.receivable(u.unit), -p.amount,
                                {"item": p.item, "period": p.period, "kind": "waived"}) for p in waived]
    plan.entry = payment_entry(books, plan, debtor, extra_meta, money_account, extra, links)
    if (rest or discount) and later and debtor == "unit":
        plan.applications = _apply_later(state, u.unit, plan, rest + discount, later, priority,
                                         [k for k in wanted if k in later], discount)
    return plan


def _apply_later(state, unit: str, plan: PaymentPlan, credit: Decimal, later: dict, priority: dict,
                 designated: list, discount: Decimal = ZERO) -> list[data.Transaction]:
    """Credit-application entries (the shape billing writes when it applies credit), one per bill date
    of the charges billed after the payment date, each dated that bill's date."""
    out = []
    by_day: dict[dt.date, list[OpenItem]] = {}
    for (i, p), a in sorted(later.items()):
        by_day.setdefault(state.bill_date(unit, "unit", (i, p)), []).append(OpenItem(i, p, a))
    opens = state.opens[(unit, "unit")]
    for day in sorted(by_day):
        if credit <= 0:
            break
        wanted = [k for k in designated if any((oi.item, oi.period) == k for oi in by_day[day])]
        parts, credit = allocate(credit, by_day[day], periods.period_of(day), priority, wanted, kind="credit")
        if not parts:
            continue
        total = sum((p.amount for p in parts), ZERO)
        pool = {unit: discount}
        postings, _ = credit_application(unit, [(p.item, p.period, p.amount) for p in parts], total, pool)
        discount = pool[unit]
        postings.append(beans.posting(acc.credit(unit), total))
        first = min(p.period for p in parts)
        out.append(beans.txn(day, f"预存抵扣 {first} {unit}", postings,
                             {"op": "bill", "unit": unit, "period": first, "receipt-credit": plan.receipt},
                             tags=("bill", "credit")))
        for p in parts:
            opens[(p.item, p.period)] -= p.amount
            if opens[(p.item, p.period)] <= 0:
                del opens[(p.item, p.period)]
    return out


def payment_entry(books, plan: PaymentPlan, debtor: str = "unit", extra_meta: dict | None = None,
                  money_account: str | None = None, extra_postings: list | None = None,
                  extra_links: tuple[str, ...] = ()) -> data.Transaction:
    money = money_account or books.config.channel_accounts[plan.channel]
    postings = [beans.posting(money, plan.amount)]
    for p in plan.parts:
        meta = {"item": p.item, "period": p.period, "kind": p.kind}
        if debtor == "developer":
            postings.append(beans.posting(acc.DEVELOPER, -p.amount, {"unit": plan.unit, **meta}))
        else:
            postings.append(beans.posting(acc.receivable(plan.unit), -p.amount, meta))
    if plan.to_credit:
        postings.append(beans.posting(acc.credit(plan.unit), -plan.to_credit, {"kind": "prepay"}))
    if plan.discount:
        postings.append(beans.posting(acc.PREPAY_DISCOUNT, plan.discount))
        postings.append(beans.posting(acc.credit(plan.unit), -plan.discount, {"kind": "discount"}))
    postings += list(extra_postings or [])
    links = [plan.receipt] + ([beans.link(plan.channel, plan.ref)] if plan.ref else []) + list(extra_links)
    meta = {"op": "pay", "unit": plan.unit, "receipt": plan.receipt, "channel": plan.channel, "ref": plan.ref,
            "payer": plan.payer, "collector": plan.collector,
            "discount": plan.discount if plan.discount else None, **(extra_meta or {})}
    narration = f"收款 {plan.receipt} {plan.unit} {label('channel', plan.channel)}"
    return beans.txn(plan.date, narration, postings, meta, tags=("pay",), links=tuple(links))


def payment_operation(*args, **kwargs):
    """The payment as an operation: planned (allocation, receipt number) on the books it is written to."""
    kwargs.pop("state", None)  # a state read before the lock would be stale under it

    def operation(books) -> Plan:
        plan = plan_payment(books, *args, **kwargs)
        msg = f"pay {plan.unit} {fmt(plan.amount)} CNY {plan.channel} {plan.receipt}\n\n{plan.summary()}\n"
        return appending(plan.entries, msg, plan)
    return operation


def record_payment(books, *args, expect=NOT_SHOWN, **kwargs):
    """-> (PaymentPlan as committed, WriteResult); `expect` is a PaymentPlan shown to the person."""
    result = books.commit(payment_operation(*args, **kwargs), expect)
    return result.plan.effect, result


# --- reversing a payment ------------------------------------------------------------------------

def load_entry(books, file: str, lineno: int) -> data.Transaction:
    entries, _, _ = parser.parse_string(books.text(file), report_filename=file)
    for e in entries:
        if e.meta.get("lineno") == lineno:
            return e
    raise InputError(f"{file}:{lineno}: entry not found")


def _payment(books, receipt: str):
    rows = [(t.file, t.lineno, t.unit, t.date) for t in facts.payments_by_receipt(books.cache, receipt)]
    if not rows:
        raise InputError("receipt_not_found", receipt=receipt)
    gone = reversed_receipts(books).get(receipt)
    if gone == "void":
        raise InputError("receipt_void", receipt=receipt)
    if gone == "refund":
        raise InputError("receipt_refunded", receipt=receipt)
    file, lineno, unit, _ = rows[0]
    return load_entry(books, file, lineno), unit


def check_no_partial_refunds(books, receipt: str) -> None:
    """A payment partly refunded is not reversed whole (that would reopen the refunded part twice)."""
    done = [t.meta.get("refund-no") for t in facts.partial_refunds_of(books.cache, receipt)]
    if done:
        raise InputError("receipt_partly_refunded", receipt=receipt, refunds=", ".join(map(str, done)))


def reversal(books, receipt: str, date: dt.date, op: str, reason: str, channel: str | None = None):
    """A linked entry negating every posting of the payment (money leg via `channel` for refunds)."""
    reason = clean_text(books, reason, "--reason")
    orig, unit = _payment(books, receipt)
    check_no_partial_refunds(books, receipt)
    check_date(books, date)
    if date < orig.date:
        raise InputError("date_before_payment", date=date, receipt=receipt, paid=orig.date)
    credit_part = sum((p.units.number for p in orig.postings if p.account == acc.credit(unit)), ZERO)
    credit_now = credit_balances(books.cache, unit=unit).get(unit, ZERO)
    if -credit_part > credit_now:
        raise InputError("credit_used_by_bills", receipt=receipt, amount=fmt(-credit_part), unit=unit, left=fmt(credit_now))
    money = books.config.channel_accounts[channel] if channel else None
    postings = []
    for p in orig.postings:
        meta = {k: v for k, v in (p.meta or {}).items() if k not in ("filename", "lineno")}
        account = money if (money and p.account.startswith(("Assets:Cash", "Assets:Bank", "Assets:Clearing"))) else p.account
        postings.append(beans.posting(account, -p.units.number, meta))
    key = "voids" if op == "void" else "refunds"
    meta = {"op": op, "unit": unit, key: receipt, "reason": reason.strip(), "collector": books.collector(),
            "channel": channel}
    links: tuple[str, ...] = (receipt,)
    queue = orig.meta.get("queue")
    if queue:
        # an assigned queue item: its money goes back to the suspense account (that leg is reversed as it
        # was), so the item is open again under the same id; its history stays in the ledger
        meta["reopens"] = queue
        links += (beans.link("queue", queue),)
    label = "作废" if op == "void" else "退款"
    return beans.txn(date, f"{label} {receipt} {unit}", postings, meta, tags=(op,), links=links)


def reopened_note(entry) -> str:
    """The commit-message line of a reversal that puts a queue item back (empty otherwise)."""
    q = entry.meta.get("reopens")
    return f"queue item {q} is open again (待认领)\n" if q else ""


def void(books, receipt: str, reason: str, date: dt.date | None = None):
    def operation(b) -> Plan:
        entry = reversal(b, receipt, date or b.today(), "void", reason)
        return appending([entry], f"void {receipt} ({entry.meta['unit']}): {reason.strip()}\n"
                         + reopened_note(entry), entry)
    result = books.commit(operation)
    return result.plan.effect, result


def refund(books, unit: str, amount: str | None, channel: str, reason: str, date: dt.date | None = None,
           receipt: str | None = None):
    """Pay back out of the unit's credit, or reverse one payment (`receipt`)."""
    result = books.commit(lambda b: refund_plan(b, unit, amount, channel, reason, date, receipt))
    return result.plan.effect, result


def refund_plan(books, unit: str, amount: str | None, channel: str, reason: str, date: dt.date | None = None,
                receipt: str | None = None) -> Plan:
    date = date or books.today()
    if channel not in CHANNELS:
        raise InputError("unknown_channel", channel=channel, choices=", ".join(CHANNELS))
    u = books.unit(unit)
    if receipt:
        entry = reversal(books, receipt, date, "refund", reason, channel)
        if entry.meta["unit"] != u.unit:
            raise InputError("receipt_other_unit", receipt=receipt, owner=entry.meta["unit"], unit=u.unit)
        msg = f"refund {receipt} ({u.unit}) {channel}: {reason.strip()}\n" + reopened_note(entry)
    else:
        reason = clean_text(books, reason, "--reason")
        value = parse_amount(str(amount), "amount")
        check_date(books, date)
        have = credit_balances(books.cache, unit=u.unit).get(u.unit, ZERO)
        if value > have:
            raise InputError("refund_exceeds_credit", unit=u.unit, credit=fmt(have), amount=fmt(value))
        # A prepayment discount (预交优惠) sits on the credit but was never paid in: it is not paid out.
        granted = facts.discount_on_credit(books.cache, u.unit)
        if granted > 0 and value > have - granted:
            raise InputError("refund_discount", unit=u.unit, credit=fmt(have), discount=fmt(granted),
                             most=fmt(max(have - granted, ZERO)))
        entry = beans.txn(date, f"退款 {u.unit} 预存款", [
            beans.posting(acc.credit(u.unit), value, {"kind": "refund"}),
            beans.posting(books.config.channel_accounts[channel], -value)],
            {"op": "refund", "unit": u.unit, "channel": channel, "reason": reason.strip(),
             "collector": books.collector()}, tags=("refund",))
        msg = f"refund {u.unit} {fmt(value)} CNY {channel} from credit: {reason.strip()}\n"
    return appending([entry], msg, entry)


# --- partial refunds: a linked partial reversal of one payment -------------------------------------

@dataclass
class RefundPart:
    item: str
    period: str
    kind: str
    amount: Decimal
    account: str


@dataclass
class PartialRefund:
    """What a refund of part of a payment reopens: the payment's credit first (money it put on credit
    and still there), then the items it settled, newest first (the reverse of the allocation order),
    unless the refund names them."""
    number: str
    receipt: str
    unit: str
    amount: Decimal
    channel: str
    date: dt.date
    reason: str
    parts: list[RefundPart] = field(default_factory=list)
    from_credit: Decimal = ZERO
    entry: data.Transaction | None = None


def refundable_of(orig: data.Transaction, unit: str, earlier: list[tuple[str, str | None, str | None, Decimal]] = (),
                  applications: list = ()):
    """({(item, period): RefundPart still refundable}, credit still refundable) of a payment entry, after
    the earlier partial refunds of it (their (acct, item, period, amount) postings). `applications`: the
    (item, period, amount) its credit settled later (credit-application entries): refundable as items,
    and no longer as credit."""
    left: dict[tuple[str, str], RefundPart] = {}
    credit = ZERO
    for item, period, amount in applications:
        key = (item, str(period))
        if key in left:
            left[key].amount += amount
        else:
            left[key] = RefundPart(item, str(period), "credit", amount, acc.receivable(unit))
        credit -= amount
    for p in orig.postings:
        meta = p.meta or {}
        if p.account in (acc.receivable(unit), acc.DEVELOPER) and meta.get("item"):
            if meta.get("kind") in ("waived",):
                continue  # a merchant coupon settled as a waiver: no money to give back
            key = (meta["item"], str(meta["period"]))
            if key in left:
                left[key].amount += -p.units.number
            else:
                left[key] = RefundPart(key[0], key[1], str(meta.get("kind") or ""), -p.units.number, p.account)
        elif p.account == acc.credit(unit) and (meta.get("kind") or "prepay") == "prepay":
            credit += -p.units.number
    for acct, item, period, amount in earlier:
        if acct in ("ar", "dev") and (item, period) in left:
            left[(item, period)].amount -= amount
        elif acct == "credit":
            credit -= amount
    return {k: v for k, v in left.items() if v.amount > 0}, max(credit, ZERO)


def refundable(books, receipt: str, pending: list = ()):
    """(payment entry, unit, {(item, period): RefundPart still refundable}, credit still refundable);
    `pending`: postings of partial refunds planned in this batch, not written yet."""
    orig, unit = _payment(books, receipt)
    earlier = [(p.acct, p.item, p.period, p.amount) for t in facts.partial_refunds_of(books.cache, receipt)
               for p in facts.postings_of(books.cache, t.id)] + list(pending)
    applied = [(p.item, p.period, -p.amount) for t in facts.credit_applications_of(books.cache, receipt)
               for p in facts.postings_of(books.cache, t.id) if p.acct == "ar" and p.kind == "credit"]
    left, credit = refundable_of(orig, unit, earlier, applied)
    return orig, unit, left, credit


def latest_covering_payment(books, unit: str, amount: Decimal, day: dt.date, pending: dict | None = None,
                            credit_cap: Decimal | None = None):
    """(receipt, refundable items, refundable credit) of the unit's latest live payment on or before `day`
    whose refundable money covers `amount`, or None. `pending`: receipt -> partial-refund postings not
    written yet; `credit_cap`: the unit's credit now (default: from the books)."""
    dead = reversed_receipts(books)
    cap = credit_balances(books.cache, unit=unit).get(unit, ZERO) if credit_cap is None else credit_cap
    for t in reversed(facts.unit_txns(books.cache, unit, as_of=day, ops=("pay",))):
        if not t.receipt or t.receipt in dead:
            continue
        _e, _u, left, credit = refundable(books, t.receipt, (pending or {}).get(t.receipt, ()))
        credit = min(credit, cap)
        if sum((p.amount for p in left.values()), ZERO) + credit >= amount:
            return t.receipt, left, credit
    return None


def choose_refund_parts(books, receipt: str, value: Decimal, left: dict, credit_left: Decimal,
                        named: list | None = None) -> tuple[list[RefundPart], Decimal]:
    """What a refund of `value` reopens: the items named, or the credit first, then newest first."""
    rest = value
    from_credit = ZERO
    if named:
        for key in named:
            if key not in left:
                raise InputError("refund_item_not_paid", receipt=receipt, item=key[0], period=key[1])
        order = [left[key] for key in named]
    else:
        from_credit = min(rest, credit_left)
        rest -= from_credit
        prio = {code: f.priority for code, f in books.config.fees.items()}
        # the reverse of the allocation order: newest period first, late fees before principal,
        # the last item in priority first
        order = sorted(left.values(), key=lambda r: (r.period, r.item != LATE_FEE_ITEM, prio.get(r.item, 99)),
                       reverse=True)
    chosen: list[RefundPart] = []
    for part in order:
        if rest <= 0:
            break
        take = min(rest, part.amount)
        chosen.append(RefundPart(part.item, part.period, part.kind, take, part.account))
        rest -= take
    if rest > 0:
        most = sum((r.amount for r in order), ZERO) + (credit_left if not named else ZERO)
        raise InputError("refund_exceeds_payment", receipt=receipt, amount=fmt(value), most=fmt(most))
    return chosen, from_credit


def refund_postings(unit: str, parts: list[RefundPart], from_credit: Decimal) -> list:
    """The receivable and credit legs of a partial reversal (the money leg is the caller's)."""
    out = []
    for r in parts:
        meta = {"item": r.item, "period": r.period, "kind": r.kind}
        if r.account == acc.DEVELOPER:
            meta = {"unit": unit, **meta}
        out.append(beans.posting(r.account, r.amount, meta))
    if from_credit:
        out.append(beans.posting(acc.credit(unit), from_credit, {"kind": "refund"}))
    return out


def plan_partial_refund(books, unit: str, amount: str | Decimal, receipt: str, channel: str, reason: str,
                        date: dt.date | None = None, items: str | list | None = None,
                        numbers: numbering.Numbers | None = None) -> PartialRefund:
    date = date or books.today()
    if channel not in CHANNELS:
        raise InputError("unknown_channel", channel=channel, choices=", ".join(CHANNELS))
    reason = clean_text(books, reason, "--reason")
    value = parse_amount(str(amount), "amount")
    check_date(books, date)
    orig, owner, left, credit_left = refundable(books, receipt)
    u = books.unit(unit)
    if owner != u.unit:
        raise InputError("receipt_other_unit", receipt=receipt, owner=owner, unit=u.unit)
    if date < orig.date:
        raise InputError("date_before_payment", date=date, receipt=receipt, paid=orig.date)
    # money it put on credit can go back only while it is still there (later bills may have used it)
    credit_now = credit_balances(books.cache, unit=u.unit).get(u.unit, ZERO)
    credit_left = min(credit_left, max(credit_now - facts.discount_on_credit(books.cache, u.unit), ZERO))
    named = items if isinstance(items, list) else parse_designated(items, books)
    chosen, from_credit = choose_refund_parts(books, receipt, value, left, credit_left, named)
    number = (numbers or numbering.Numbers(books.cache)).next(numbering.REFUNDS, date.year)
    plan = PartialRefund(number, receipt, u.unit, value, channel, date, reason.strip(), chosen, from_credit)
    postings = [beans.posting(books.config.channel_accounts[channel], -value)] + refund_postings(u.unit, chosen,
                                                                                                 from_credit)
    plan.entry = beans.txn(date, f"退款 {number} {u.unit}（{receipt} 部分退款）", postings,
                           {"op": "refund", "unit": u.unit, "refunds-part": receipt, "refund-no": number,
                            "channel": channel, "reason": reason.strip(), "collector": books.collector()},
                           tags=("refund",), links=(receipt, number))
    return plan


def partial_refund_summary(plan: PartialRefund) -> str:
    lines = [f"reopened {r.item} {r.period} ({r.kind}): {fmt(r.amount)}" for r in plan.parts]
    if plan.from_credit:
        lines.append(f"from the credit it paid in: {fmt(plan.from_credit)}")
    return "\n".join(lines)


def partial_refund_operation(*args, **kwargs):
    def operation(books) -> Plan:
        plan = plan_partial_refund(books, *args, **kwargs)
        msg = (f"refund {plan.number} {plan.unit} {fmt(plan.amount)} CNY {plan.channel}, part of {plan.receipt}: "
               f"{plan.reason}\n\n{partial_refund_summary(plan)}\n")
        return appending([plan.entry], msg, plan)
    return operation


def partial_refund(books, *args, expect=NOT_SHOWN, **kwargs):
    """-> (PartialRefund as committed, WriteResult)."""
    result = books.commit(partial_refund_operation(*args, **kwargs), expect)
    return result.plan.effect, result
