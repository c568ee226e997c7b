"""An imported payment settles only charges billed on or before its date (the rule of plan_payment);
money for a charge billed later is credit, applied by a credit-application entry dated that bill."""
from __future__ import annotations

from decimal import Decimal

from beancount import loader
from beancount.core import data as bdata

D = Decimal


def wechat_export(path, rows) -> None:
    """A WeChat personal export (the sample's layout) holding `rows`: (datetime, txn id, note, amount)."""
    total = sum((D(a) for *_, a in rows), D(0))
    head = ["微信支付账单明细", "微信昵称：[翠湖苑收费-小林]", "起始时间：[2024-03-01 00:00:00] 终止时间：[2024-03-31 23:59:59]",
            "导出类型：[全部]", "导出时间：[2024-04-01 10:00:00]", "", f"共{len(rows)}笔记录",
            f"收入：{len(rows)}笔 {total:.2f}元", "支出：0笔 0.00元", "中性交易：0笔 0.00元", "",
            "----------------------微信支付账单明细列表--------------------"]
    lines = [h + "," * 10 for h in head]
    lines.append("交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注")
    for when, tid, note, amount in rows:
        lines.append(f'{when},二维码收款,业主,"收款方备注:二维码收款付款方留言:{note}",收入,¥{amount},零钱,已收钱,'
                     f'{tid}\t,/\t,"/"')
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")


def pf_settlements(root, unit: str) -> dict[str, list]:
    """{period: [(date, op)]} of every entry that credits the unit's PF receivable, from a full beancount
    load of the books (not the fact cache)."""
    entries, errors, _ = loader.load_file(str(root / "main.beancount"))
    assert not errors, errors
    out: dict[str, list] = {}
    for e in entries:
        if not isinstance(e, bdata.Transaction) or e.meta.get("unit") != unit:
            continue
        for p in e.postings:
            meta = p.meta or {}
            if p.account.startswith("Assets:Receivable") and p.units.number < 0 and meta.get("item") == "PF":
                period = meta.get("period")
                out.setdefault(str(period), []).append((e.date.isoformat(), e.meta.get("op")))
    return out


def test_imported_payment_before_a_bill_becomes_credit_applied_on_the_bill_date(books):
    # April is billed on 2024-04-01 (today); the export's payment is dated 2024-03-20 and covers Jan..Apr.
    books.ok("bill", "--from", "2024-04", "--to", "2024-04")
    month = D("76.80") * D("2.20")  # 2-1101: 76.80 m2 at 2.20
    f = books.tmp / "in" / "prepaid.csv"
    f.parent.mkdir(exist_ok=True)
    wechat_export(f, [("2024-03-20 10:00:00", "100004990124032000000000000901", "2-1101物业费", f"{4 * month:.2f}")])
    books.import_json(f)
    st = books.ok("statement", "2-1101", "--json").json()
    assert D(st["outstanding"]) == 0 and D(st["credit"]) == 0
    settled = pf_settlements(books.root, "2-1101")
    for m in ("2024-01", "2024-02", "2024-03"):
        assert [d for d, _ in settled[m]] == ["2024-03-20"], settled
    # April was billed after the payment: the payment made credit, applied on April's bill date.
    assert settled["2024-04"] and all(d == "2024-04-01" for d, _ in settled["2024-04"]), settled
    assert all(op != "pay" for _, op in settled["2024-04"]), settled
    books.ok("check")
