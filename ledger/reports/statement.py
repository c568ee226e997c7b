"""The owner statement (对账单): every period and item, how it was settled, and the credit balance."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ledger.basics.money import ZERO, fmt, plain
from ledger.books import facts
from ledger.reports.openitems import credit_balances, item_lines
from ledger.payments.pay import reversed_receipts
from ledger.basics.labels import ITEMS, label
from ledger.documents.render import render
from ledger.community.units import load_owners, mask_name



def statement(books, unit: str, as_of: dt.date | None = None) -> dict:
    u = books.unit(unit)
    as_of = as_of or books.today()
    names = {c: f.name for c, f in books.config.fees.items()} | {"LATE": ITEMS["LATE"].zh}
    lines = item_lines(books.cache, u.unit, as_of, debtor="all")
    owner_lines = [ln for ln in lines if ln.debtor == "unit"]
    dead = reversed_receipts(books)
    events = []
    txns = facts.unit_txns(books.cache, u.unit, as_of, exclude_ops=("bill",))
    sums = facts.txn_amounts(books.cache, [t.id for t in txns])
    for t in txns:
        date, op, receipt, channel, ref, m = t.date, t.op, t.receipt, t.channel, t.ref, t.meta
        s = sums.get(t.id, {})
        amount = ZERO
        if op in ("pay", "void", "refund"):
            amount = s.get("money", ZERO) + s.get("suspense", ZERO)  # as the payer paid: fee legs left out
        elif op in ("waive", "compensate", "writeoff"):
            amount = s.get("expense", ZERO)
        elif op == "late":
            amount = -s.get("income", ZERO)
        events.append({"date": date, "op": op, "label": label("op", op), "receipt": receipt,
                       "channel": channel, "ref": ref, "amount": amount,
                       "voided": bool(receipt and dead.get(receipt) and op == "pay"),
                       "reason": m.get("reason"), "dispute": m.get("dispute"), "payer": m.get("payer"),
                       "refers_to": m.get("voids") or m.get("refunds")})
    credit = credit_balances(books.cache, unit=u.unit, as_of=as_of).get(u.unit, ZERO)
    owner = load_owners(books.root).get(u.owner_id)
    totals = {k: sum((getattr(ln, k) for ln in owner_lines), ZERO)
              for k in ("billed", "paid", "waived", "compensated", "written_off", "open")}
    developer_open = sum((ln.open for ln in lines if ln.debtor == "developer"), ZERO)
    return {
        "unit": u.unit, "building": u.building, "area_m2": u.area, "as_of": as_of.isoformat(),
        "owner": mask_name(owner.name) if owner else "",
        "lines": [{"period": ln.period, "item": ln.item, "name": names.get(ln.item, ln.item),
                   "billed": ln.billed, "paid": ln.paid, "waived": ln.waived, "compensated": ln.compensated,
                   "written_off": ln.written_off, "open": ln.open, "status": ln.status, "debtor": ln.debtor}
                  for ln in lines],
        "events": events, "credit": credit, "totals": totals,
        "outstanding": totals["open"], "balance_due": totals["open"] - credit,
        "developer_outstanding": developer_open,
    }


def to_json(st: dict) -> dict:
    def conv(v):
        if isinstance(v, Decimal):
            return plain(v)
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(x) for x in v]
        return v
    return conv(st)


def render_text(books, st: dict) -> str:
    out = [f"{books.config.name} 对账单  房号 {st['unit']}  业主 {st['owner'] or '-'}  截至 {st['as_of']}",
           f"{'期间':<8} {'项目':<8} {'应收':>10} {'已缴':>10} {'减免':>8} {'补偿':>8} {'核销':>8} {'未缴':>10}  状态"]
    for ln in st["lines"]:
        who = "（开发商）" if ln.get("debtor") == "developer" else ""
        out.append(f"{ln['period']:<10} {ln['name'] + who:<6} {fmt(ln['billed']):>10} {fmt(ln['paid']):>10} "
                   f"{fmt(ln['waived']):>8} {fmt(ln['compensated']):>8} {fmt(ln['written_off']):>8} "
                   f"{fmt(ln['open']):>10}  {label('status', ln['status'])}")
    t = st["totals"]
    out.append(f"{'合计':<16} {fmt(t['billed']):>10} {fmt(t['paid']):>10} {fmt(t['waived']):>8} "
               f"{fmt(t['compensated']):>8} {fmt(t['written_off']):>8} {fmt(t['open']):>10}")
    out.append("")
    out.append("收支记录：")
    for ev in st["events"]:
        extra = " ".join(x for x in (ev["receipt"] or "", label("channel", ev["channel"], default=""),
                                     f"纠纷 {ev['dispute']}" if ev["dispute"] else "",
                                     f"({ev['reason']})" if ev["reason"] else "",
                                     "【作废】" if ev["voided"] else "") if x)
        out.append(f"  {ev['date']} {ev['label']:<4} {fmt(ev['amount']):>12}  {extra}")
    out.append(f"预存款余额：{fmt(st['credit'])}    欠费合计：{fmt(st['outstanding'])}"
               + (f"    开发商欠费：{fmt(st['developer_outstanding'])}" if st["developer_outstanding"] else ""))
    return "\n".join(out) + "\n"


def render_html(books, st: dict) -> str:
    return render("statement.html", st=st, t=st["totals"], community=books.config.name)
