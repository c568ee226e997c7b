"""Receipts: gap-free numbers per year, and the printable receipt (terminal text and HTML)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ledger.basics.errors import InputError
from ledger.books import facts, numbering
from ledger.basics.labels import ITEMS, label, payer_text
from ledger.basics.money import ZERO, chinese_capital, fmt
from ledger.documents.render import render


def next_receipt(cache, prefix: str, year: int) -> str:
    return numbering.next_number(cache, numbering.receipts(prefix), year)


@dataclass
class Receipt:
    number: str
    date: str
    unit: str
    amount: Decimal
    channel: str
    ref: str
    payer: str
    collector: str
    lines: list[tuple[str, str, str, Decimal]] = field(default_factory=list)  # item, name, period/kind, amount
    credit: Decimal = ZERO
    discount: Decimal = ZERO
    voided: str | None = None  # reason, when 作废
    void_date: str | None = None
    received: str | None = None  # the day the money came in, when it was booked later (an assigned queue item)


def load_receipt(books, number: str) -> Receipt:
    rows = facts.payments_by_receipt(books.cache, number)
    if not rows:
        raise InputError("receipt_not_found", receipt=number)
    t = rows[0]
    tid, date, unit, channel, ref, meta = t.id, t.date, t.unit, t.channel, t.ref, t.meta
    rec = Receipt(number, date, unit, ZERO, channel or "", ref or "", meta.get("payer", ""), meta.get("collector", ""))
    names = {c: f.name for c, f in books.config.fees.items()}
    names["LATE"] = ITEMS["LATE"].zh
    for p in facts.postings_of(books.cache, tid):
        acct, item, period, amt, kind = p.acct, p.item, p.period, p.amount, p.kind
        if p.cls in ("money", "suspense"):
            # the money received: a channel account, or the suspense account for an assigned queue item;
            # channel-fee legs (kind fee) are the office's cost, not part of what the payer paid
            rec.amount += amt
        elif p.cls == "discount":
            rec.discount -= amt
        elif acct in ("ar", "dev"):
            rec.lines.append((item, names.get(item, item), f"{period} {label('kind', kind, default='')}".strip(), -amt))
        elif acct == "credit" and kind == "discount":
            rec.discount -= amt
        elif acct == "credit":
            rec.credit -= amt
    if meta.get("received") and meta["received"] != date:
        rec.received = meta["received"]
    voided = facts.void_of(books.cache, number)
    if voided:
        rec.voided, rec.void_date = voided
    prio = {c: f.priority for c, f in books.config.fees.items()}
    rec.lines.sort(key=lambda ln: (ln[2][:7], ln[0] == "LATE", prio.get(ln[0], 99)))
    return rec


def render_text(books, rec: Receipt) -> str:
    c = books.config
    w = 46
    out = [f"{c.name} 收款收据".center(w - 6), f"No. {rec.number}".rjust(w)]
    if rec.voided:
        out.append(f"*** 作废 {rec.void_date}：{rec.voided} ***".center(w - 6))
    out += [f"日期：{rec.date}    房号：{rec.unit}"]
    if rec.received:
        out.append(f"到账日期：{rec.received}（待认领，{rec.date} 认领入账）")
    out += [f"交款人：{payer_text(rec.payer)}", "-" * w]
    for _item, name, period, amt in rec.lines:
        out.append(f"{name:<8}{period:<16}{fmt(amt):>14}")
    if rec.credit:
        out.append(f"{'预存/多缴':<8}{'转入预存款':<14}{fmt(rec.credit):>14}")
    if rec.discount:
        out.append(f"{label('kind', 'discount'):<8}{'（不计实收）':<13}{fmt(-rec.discount):>14}")
    out += ["-" * w, f"合计（小写）：¥{fmt(rec.amount)}", f"合计（大写）：{chinese_capital(rec.amount)}",
            f"收款方式：{label('channel', rec.channel)}" + (f"  流水号：{rec.ref}" if rec.ref else ""),
            f"收款人：{rec.collector}    收款单位：{c.office.get('name', c.name)}"]
    return "\n".join(out) + "\n"


def render_html(books, rec: Receipt) -> str:
    c = books.config
    return render("receipt.html", rec=rec, community=c.name, office=c.office.get("name", c.name))


# --- refund slips (退款单): a partial refund of a payment, numbered TK<year>-NNNNNN -------------------

@dataclass
class RefundSlip:
    number: str
    date: str
    unit: str
    receipt: str
    amount: Decimal
    channel: str
    reason: str
    collector: str
    lines: list[tuple[str, str, str, Decimal]] = field(default_factory=list)  # item, name, period/kind, amount
    credit: Decimal = ZERO


def load_refund(books, number: str) -> RefundSlip:
    rows = facts.refund_by_number(books.cache, number)
    if not rows:
        raise InputError("refund_not_found", refund=number)
    t = rows[0]
    m = t.meta
    slip = RefundSlip(number, t.date, t.unit or "", str(m.get("refunds-part", "")), ZERO, t.channel or "",
                      m.get("reason", ""), m.get("collector", ""))
    names = {c: f.name for c, f in books.config.fees.items()}
    names["LATE"] = ITEMS["LATE"].zh
    for p in facts.postings_of(books.cache, t.id):
        if p.acct in ("ar", "dev"):
            slip.lines.append((p.item, names.get(p.item, p.item),
                               f"{p.period} {label('kind', p.kind, default='')}".strip(), p.amount))
        elif p.acct == "credit":
            slip.credit += p.amount
    # what went back is what the payment gives up (the money leg may be a channel or, for a queued
    # refund assigned later, the suspense account); channel-fee legs are not part of it
    slip.amount = sum((ln[3] for ln in slip.lines), ZERO) + slip.credit
    return slip


def render_refund_text(books, slip: RefundSlip) -> str:
    c = books.config
    w = 46
    out = [f"{c.name} 退款单".center(w - 4), f"No. {slip.number}".rjust(w),
           f"日期：{slip.date}    房号：{slip.unit}", f"原收据：{slip.receipt}（部分退款）", "-" * w]
    for _item, name, period, amt in slip.lines:
        out.append(f"{name:<8}{period:<16}{fmt(amt):>14}")
    if slip.credit:
        out.append(f"{'预存/多缴':<8}{'退回预存款':<14}{fmt(slip.credit):>14}")
    out += ["-" * w, f"退款合计（小写）：¥{fmt(slip.amount)}", f"退款合计（大写）：{chinese_capital(slip.amount)}",
            f"退款方式：{label('channel', slip.channel)}    原因：{slip.reason}",
            f"经办人：{slip.collector}    退款单位：{c.office.get('name', c.name)}    领款人签字："]
    return "\n".join(out) + "\n"


def render_refund_html(books, slip: RefundSlip) -> str:
    c = books.config
    return render("refund.html", slip=slip, community=c.name, office=c.office.get("name", c.name))
