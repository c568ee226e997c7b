"""Receipts: gap-free numbers per year, and the printable receipt (terminal text and HTML)."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.basics.errors import InputError
from ledger.books import facts, numbering
from ledger.basics.money import ZERO, chinese_capital, fmt

CHANNEL_LABELS = {"cash": "现金", "bank": "银行转账", "wechat": "微信支付", "alipay": "支付宝", "pos": "POS刷卡",
                  "autodebit": "银行代扣", "import": "导入"}
KIND_LABELS = {"current": "当期", "arrears": "欠费追回", "prepay": "预交", "credit": "预存"}


PAYER_LABELS = {"owner": "业主", "tenant": "租户", "relative": "亲属", "developer": "开发商", "other": "其他"}


def payer_label(payer: str | None) -> str:
    """The ledger's payer text ('tenant 吴**', 'owner') as printed: '租户 吴**', '业主'."""
    role, _, name = (payer or "owner").partition(" ")
    return f"{PAYER_LABELS.get(role, role)} {name}".strip()


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


def load_receipt(books, number: str) -> Receipt:
    rows = facts.payments_by_receipt(books.cache, number)
    if not rows:
        raise InputError(f"receipt {number} not found")
    t = rows[0]
    tid, date, unit, channel, ref, meta = t.id, t.date, t.unit, t.channel, t.ref, t.meta
    rec = Receipt(number, date, unit, ZERO, channel or "", ref or "", meta.get("payer", ""), meta.get("collector", ""))
    names = {c: f.name for c, f in books.config.fees.items()}
    names["LATE"] = "违约金"
    for p in facts.postings_of(books.cache, tid):
        acct, item, period, amt, kind = p.acct, p.item, p.period, p.amount, p.kind
        if p.cls in ("money", "suspense"):
            # the money received: a channel account, or the suspense account for an assigned queue item;
            # channel-fee legs (kind fee) are the office's cost, not part of what the payer paid
            rec.amount += amt
        elif p.cls == "discount":
            rec.discount -= amt
        elif acct in ("ar", "dev"):
            rec.lines.append((item, names.get(item, item), f"{period} {KIND_LABELS.get(kind, '')}".strip(), -amt))
        elif acct == "credit" and kind == "discount":
            rec.discount -= amt
        elif acct == "credit":
            rec.credit -= amt
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
    out += [f"日期：{rec.date}    房号：{rec.unit}", f"交款人：{payer_label(rec.payer)}", "-" * w]
    for _item, name, period, amt in rec.lines:
        out.append(f"{name:<8}{period:<16}{fmt(amt):>14}")
    if rec.credit:
        out.append(f"{'预存/多缴':<8}{'转入预存款':<14}{fmt(rec.credit):>14}")
    if rec.discount:
        out.append(f"{'预交优惠':<8}{'（不计实收）':<13}{fmt(-rec.discount):>14}")
    out += ["-" * w, f"合计（小写）：¥{fmt(rec.amount)}", f"合计（大写）：{chinese_capital(rec.amount)}",
            f"收款方式：{CHANNEL_LABELS.get(rec.channel, rec.channel)}" + (f"  流水号：{rec.ref}" if rec.ref else ""),
            f"收款人：{rec.collector}    收款单位：{c.office.get('name', c.name)}"]
    return "\n".join(out) + "\n"


def render_html(books, rec: Receipt) -> str:
    c = books.config
    e = html.escape
    rows = "".join(f"<tr><td>{e(name)}</td><td>{e(period)}</td><td class=num>{fmt(amt)}</td></tr>"
                   for _i, name, period, amt in rec.lines)
    if rec.credit:
        rows += f"<tr><td>预存/多缴</td><td>转入预存款</td><td class=num>{fmt(rec.credit)}</td></tr>"
    if rec.discount:
        rows += f"<tr><td>预交优惠</td><td>不计实收</td><td class=num>-{fmt(rec.discount)}</td></tr>"
    void = (f'<p class="void">作废 {e(rec.void_date or "")}：{e(rec.voided)}</p>' if rec.voided else "")
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>收据 {e(rec.number)}</title>
<style>body{{font-family:serif;width:180mm;margin:10mm auto}} h1{{text-align:center;font-size:20pt}}
table{{width:100%;border-collapse:collapse}} td,th{{border:1px solid #000;padding:4px}} .num{{text-align:right}}
.void{{color:#c00;font-size:18pt;font-weight:bold;text-align:center;border:3px solid #c00}}
@media print{{button{{display:none}}}}</style></head><body>
<h1>{e(c.name)} 收款收据</h1>{void}
<p>No. <b>{e(rec.number)}</b> &nbsp; 日期：{e(rec.date)} &nbsp; 房号：{e(rec.unit)} &nbsp; 交款人：{e(payer_label(rec.payer))}</p>
<table><tr><th>项目</th><th>所属期间</th><th>金额（元）</th></tr>{rows}
<tr><td colspan=2>合计（小写）</td><td class=num>¥{fmt(rec.amount)}</td></tr>
<tr><td colspan=3>合计（大写）：{e(chinese_capital(rec.amount))}</td></tr></table>
<p>收款方式：{e(CHANNEL_LABELS.get(rec.channel, rec.channel))} {('流水号：' + e(rec.ref)) if rec.ref else ''}</p>
<p>收款人：{e(rec.collector)} &nbsp; 收款单位（盖章）：{e(c.office.get('name', c.name))}</p>
</body></html>
"""
