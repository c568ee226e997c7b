"""Payment and correction forms: previews (the effect on the unit) and writes.

Called from worker threads only (see tui/core/__init__.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.basics import periods
from ledger.books import closing
from ledger.books.folder import Books
from ledger.books.plan import PlanChanged
from ledger.basics.errors import InputError
from ledger.basics.labels import ITEMS, label
from ledger.basics.money import ZERO, fmt, parse_amount
from ledger.community.units import unit_sort_key
from .units import WriteDone  # noqa: F401


# --- amounts typed by the user -------------------------------------------------------------------

def parse_money(text: str, what: str = "amount") -> Decimal:
    return parse_amount(text, what)


# --- payments and corrections (ledger/payments.py, adjustments.py, latefees.py, receipts.py) --------

CHANNELS = ("cash", "bank", "wechat", "alipay", "pos", "autodebit")
KIND_ORDER = {"current": 0, "arrears": 1, "prepay": 2}


def unit_ids(books: Books) -> list[str]:
    return sorted(books.units, key=unit_sort_key)


def fee_items(books: Books) -> list[tuple[str, str]]:
    out = [(code, f.name) for code, f in sorted(books.config.fees.items(), key=lambda kv: kv[1].priority)]
    return out + [("LATE", label("item", "LATE"))]


def today(books: Books) -> dt.date:
    return books.today()


@dataclass
class Effect:
    """What an operation does to one unit, shown before it is written."""
    unit: str
    amount: Decimal
    rows: list[tuple[str, str, str, str, Decimal]]  # item, item name, period, kind, amount settled (+) or added (-)
    to_credit: Decimal
    discount: Decimal
    outstanding_before: Decimal
    outstanding_after: Decimal
    credit_before: Decimal
    credit_after: Decimal
    receipt: str | None = None
    note: str = ""
    lines: list = field(default_factory=list)  # (label key, params): further lines the preview shows
    limit: Decimal | None = None  # a payment above this needs a second confirmation (ledger/billing/plausible.py)

    @property
    def implausible(self) -> bool:
        return self.limit is not None and self.amount > self.limit


def _item_name(books: Books, item: str) -> str:
    if item in ITEMS:
        return label("item", item)
    fee = books.config.fees.get(item)
    return fee.name if fee else item


def _balances(books: Books, unit: str) -> tuple[Decimal, Decimal]:
    from ledger.books import facts

    b = facts.unit_balances(books.cache, books.today(), unit).get(unit) or facts.UnitBalance(unit)
    return b.outstanding, b.credit  # 欠费 (due and unpaid) and 预存, as the unit list shows them


def effect_of(books: Books, unit: str, entry, amount: Decimal | None = None, receipt: str | None = None,
              discount: Decimal = ZERO) -> Effect:
    """The receivable and credit postings of an unwritten entry, as the change it makes to the unit."""
    from ledger.basics import accounts as acc
    from ledger.books import facts

    owed, credit = _balances(books, unit)
    today = books.today()
    rows, ar_change, credit_change = [], ZERO, ZERO
    for p in entry.postings:
        meta = p.meta or {}
        n = p.units.number
        if p.account == acc.receivable(unit) or (p.account == acc.DEVELOPER and meta.get("unit") == unit):
            # only charges due by today are 欠费; settling a not-due charge leaves 欠费 as it was
            if p.account == acc.receivable(unit) and meta.get("period") and facts.due_date(meta["period"]) <= today:
                ar_change += n
            item = meta.get("item", "")
            rows.append((item, _item_name(books, item), str(meta.get("period", "")), str(meta.get("kind") or ""), -n))
        elif p.account == acc.credit(unit):
            credit_change -= n
    rows.sort(key=lambda r: (r[2], r[0]))
    return Effect(unit, amount if amount is not None else sum((r[4] for r in rows), ZERO), rows,
                  credit_change - discount if credit_change > 0 else ZERO, discount,
                  owed, owed + ar_change, credit, credit + credit_change, receipt)


@dataclass
class PaymentForm:
    unit: str
    amount: str
    channel: str
    date: str
    ref: str = ""
    payer: str = ""
    designated: str = ""
    prepay: bool = False


def _payment_args(form: PaymentForm) -> tuple[tuple, dict]:
    date = periods.parse_date(form.date, "date")
    return ((form.unit.strip().upper(), form.amount, form.channel, date),
            {"ref": form.ref.strip() or None, "payer": form.payer.strip() or None,
             "designated": form.designated.strip() or None, "prepay": form.prepay})


def payment_preview(books: Books, form: PaymentForm) -> Effect:
    from ledger.payments import pay as payments

    args, kw = _payment_args(form)
    plan = payments.plan_payment(books, *args, **kw)
    from dataclasses import replace

    from ledger.billing.plausible import plausible_limit

    closing.refuse_closed_entries(books, plan.entries)  # said in the preview, not first at Ctrl+S
    effect = effect_of(books, plan.unit, plan.entry, plan.amount, plan.receipt, plan.discount)
    return replace(effect, limit=plausible_limit(books, plan.unit, args[3]))


@dataclass
class PaymentDone:
    effect: Effect
    write: WriteDone
    receipt: str
    receipt_text: str


def payment_record(books: Books, form: PaymentForm) -> PaymentDone:
    from ledger.payments import pay as payments, receipts

    args, kw = _payment_args(form)
    before = _balances(books, args[0])
    # the plan as previewed (the form checked its effect just before); the writer re-plans under the lock
    # and refuses with PlanChanged if the books moved in between, carrying the new effect to show
    shown = payments.plan_payment(books, *args, **kw)
    try:
        plan, result = payments.record_payment(books, *args, expect=shown, **kw)
    except PlanChanged as exc:
        new = exc.plan.effect
        from dataclasses import replace

        from ledger.billing.plausible import plausible_limit

        exc.effect = replace(effect_of(books, new.unit, new.entry, new.amount, new.receipt, new.discount),
                             limit=plausible_limit(books, new.unit, args[3]))  # as the form draws it
        raise
    eff = Effect(plan.unit, plan.amount,
                 [(p.item, _item_name(books, p.item), p.period, p.kind, p.amount) for p in plan.parts],
                 plan.to_credit, plan.discount, before[0], _balances(books, plan.unit)[0], before[1],
                 _balances(books, plan.unit)[1], plan.receipt)
    text = receipts.render_text(books, receipts.load_receipt(books, plan.receipt))
    return PaymentDone(eff, WriteDone(result.commit, result.message, result.files), plan.receipt, text)


def receipt_text(books: Books, number: str) -> str:
    from ledger.payments import receipts

    return receipts.render_text(books, receipts.load_receipt(books, number))


def receipt_html_file(books: Books, number: str) -> str:
    """The printable HTML receipt, saved under the git-ignored .wuye/receipts/ for the browser to print."""
    from ledger.payments import receipts
    from ledger.books import files as store

    html = receipts.render_html(books, receipts.load_receipt(books, number))
    path = books.root / ".wuye" / "receipts" / f"{number}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    store.write_atomic(path, html.encode("utf-8"))
    return str(path)


# corrections: each kind's fields, which are required, and the core functions behind it
ADJUST_FIELDS = {
    "waive": ("unit", "amount", "item", "period", "reason", "approved_by", "date"),
    "compensate": ("unit", "amount", "dispute", "mode", "channel", "reason", "approved_by", "date"),
    "refund": ("unit", "amount", "receipt", "channel", "reason", "date", "forget_alias"),
    "void": ("receipt", "reason", "date", "forget_alias"),
    "writeoff": ("unit", "periods", "reason", "approved_by", "date"),
    "latefees": ("date",),
}
ADJUST_REQUIRED = {
    "waive": ("unit", "amount", "item", "period", "reason", "approved_by"),
    "compensate": ("unit", "amount", "dispute", "reason", "approved_by"),
    "refund": ("unit", "channel", "reason"),
    "void": ("receipt", "reason"),
    "writeoff": ("unit", "periods", "reason", "approved_by"),
    "latefees": ("date",),
}


@dataclass
class LateFeeEffect:
    as_of: dt.date
    units: int
    total: Decimal
    lines: list[tuple[str, str, str, int, Decimal]]


def _date(values: dict, books: Books) -> dt.date:
    text = (values.get("date") or "").strip()
    return periods.parse_date(text, "date") if text else books.today()


def _periods_list(text: str) -> list[str]:
    return [p.strip() for p in (text or "").replace("，", ",").replace(" ", ",").split(",") if p.strip()]


def _missing(kind: str, values: dict) -> None:
    for name in ADJUST_REQUIRED[kind]:
        if not str(values.get(name) or "").strip():
            if kind == "refund" and name == "unit" and values.get("receipt"):
                continue
            raise InputError("required", what=name.replace('_', '-'))
    if kind == "refund" and not (values.get("amount") or values.get("receipt")):
        raise InputError("refund_what")


def _unit_of_receipt(books: Books, receipt: str) -> str:
    from ledger.books import facts

    unit = facts.unit_of_receipt(books.cache, receipt.strip())
    if not unit:
        raise InputError("receipt_not_found", receipt=receipt)
    return unit


def adjust_preview(books: Books, kind: str, values: dict):
    """Validate through the core's own entry builders and show the effect; nothing is written."""
    from ledger.payments import corrections as adjustments, pay as payments
    from ledger.billing import latefees

    _missing(kind, values)
    date = _date(values, books)
    v = {k: (str(x).strip() if isinstance(x, str) else x) for k, x in values.items()}
    if kind == "latefees":
        plan = latefees.plan_late_fees(books, date)
        closing.refuse_closed_entries(books, plan.entries)
        return LateFeeEffect(date, len(plan.entries), plan.total, plan.lines)
    if kind == "waive":
        e = adjustments.waive_entry(books, v["unit"], v["amount"], v["item"], v["period"], v["reason"],
                                    v["approved_by"], date)
        closing.refuse_closed_entries(books, [e])
        return effect_of(books, e.meta["unit"], e)
    if kind == "compensate":
        e = adjustments.compensation_entry(books, v["unit"], v["amount"], v["reason"], v["dispute"],
                                           v["approved_by"], v.get("mode") or "offset", v.get("channel") or "cash", date)
        closing.refuse_closed_entries(books, [e])
        return effect_of(books, e.meta["unit"], e, Decimal(e.postings[0].units.number))
    if kind == "writeoff":
        e = adjustments.writeoff_entry(books, v["unit"], _periods_list(v["periods"]), v["reason"], v["approved_by"], date)
        closing.refuse_closed_entries(books, [e])
        return effect_of(books, e.meta["unit"], e)
    if kind == "void":
        e = payments.reversal(books, v["receipt"], date, "void", v["reason"])
        closing.refuse_closed_entries(books, [e])
        return _undo_lines(books, effect_of(books, e.meta["unit"], e, receipt=v["receipt"]), e, v)
    if kind == "refund":
        if v.get("receipt") and v.get("amount"):  # part of a payment: a partial reversal, its own TK number
            unit = v.get("unit") or _unit_of_receipt(books, v["receipt"])
            plan = payments.plan_partial_refund(books, unit, v["amount"], v["receipt"], v.get("channel") or "cash",
                                                v["reason"], date)
            closing.refuse_closed_entries(books, [plan.entry])
            eff = effect_of(books, plan.unit, plan.entry, plan.amount, receipt=v["receipt"])
            eff.lines.append(("refund_no", {"number": plan.number}))
            return eff
        if v.get("receipt"):
            e = payments.reversal(books, v["receipt"], date, "refund", v["reason"], v.get("channel") or "cash")
            closing.refuse_closed_entries(books, [e])
            if v.get("unit") and books.unit(v["unit"]).unit != e.meta["unit"]:
                raise InputError("receipt_other_unit", receipt=v["receipt"], owner=e.meta["unit"], unit=v["unit"])
            return _undo_lines(books, effect_of(books, e.meta["unit"], e, receipt=v["receipt"]), e, v)
        u = books.unit(v["unit"])
        value = parse_amount(v["amount"], "amount")
        payments.check_date(books, date)
        closing.refuse_closed_dates(books, [date])
        owed, credit = _balances(books, u.unit)
        if value > credit:
            raise InputError("refund_exceeds_credit", unit=u.unit, credit=fmt(credit), amount=fmt(value))
        return Effect(u.unit, value, [], ZERO, ZERO, owed, owed, credit, credit - value,
                      note="refund from credit")
    raise InputError("unknown_operation", kind=kind)


def _undo_lines(books: Books, eff: Effect, entry, v: dict) -> Effect:
    """A void or refund of an assigned queue item: say it opens again, and what becomes of its alias."""
    from importers.queue import taught_by

    qid = entry.meta.get("reopens")
    if qid:
        eff.lines.append(("q_reopens", {"id": qid}))
        for a in taught_by(books, qid):
            eff.lines.append(("q_alias_forget" if v.get("forget_alias") else "q_alias_kept", {"alias": a.label}))
    return eff


def adjust_write(books: Books, kind: str, values: dict) -> WriteDone:
    from ledger.payments import corrections as adjustments, pay as payments
    from ledger.billing import latefees

    _missing(kind, values)
    date = _date(values, books)
    v = {k: (str(x).strip() if isinstance(x, str) else x) for k, x in values.items()}
    if kind == "latefees":
        _plan, result = latefees.assess(books, date)
        if result is None:
            raise InputError("no_late_fees", date=date)
    elif kind == "waive":
        _e, result = adjustments.waive(books, v["unit"], v["amount"], v["item"], v["period"], v["reason"],
                                       v["approved_by"], date)
    elif kind == "compensate":
        _e, result = adjustments.compensate(books, v["unit"], v["amount"], v["reason"], v["dispute"], v["approved_by"],
                                            v.get("mode") or "offset", v.get("channel") or "cash", date)
    elif kind == "writeoff":
        _e, result = adjustments.writeoff(books, v["unit"], _periods_list(v["periods"]), v["reason"],
                                          v["approved_by"], date)
    elif kind == "void" or (kind == "refund" and v.get("receipt") and not v.get("amount")):
        # through the queue's undo: an assigned queue item opens again, its alias forgotten if ticked
        from importers.queue import undo_payment

        unit = v.get("unit") or _unit_of_receipt(books, v["receipt"])
        _e, result = undo_payment(books, v["receipt"], kind, v["reason"], v.get("channel") or "cash", date,
                                  forget_alias=bool(v.get("forget_alias")), unit=unit)
    elif kind == "refund" and v.get("receipt"):
        unit = v.get("unit") or _unit_of_receipt(books, v["receipt"])
        _e, result = payments.partial_refund(books, unit, v["amount"], v["receipt"], v.get("channel") or "cash",
                                             v["reason"], date)
    elif kind == "refund":
        unit = v.get("unit") or _unit_of_receipt(books, v["receipt"])
        _e, result = payments.refund(books, unit, v.get("amount") or None, v.get("channel") or "cash", v["reason"],
                                     date, v.get("receipt") or None)
    else:
        raise InputError("unknown_operation", kind=kind)
    return WriteDone(result.commit, result.message, result.files)


