"""A WeChat Pay bill for the demo community, in the real export layout (UTF-8 with BOM, ¥ amounts,
a tab after the ids, newest row first), so the demo has an import to show and a queue to work."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ledger.reports.openitems import open_items

HEADER = "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注"


def _owed(books, unit: str) -> Decimal:
    return sum((a for a in open_items(books.cache, unit=unit).values() if a > 0), Decimal("0.00"))


def demo_rows(books, today: dt.date) -> list[tuple]:
    """(time, type, nickname, goods, in/out, amount, status) rows a collector's WeChat would show."""
    owing = [u for u in sorted(books.units) if _owed(books, u) > 0 and u[0] in "3456"]
    rows = []
    texts = ["收款方备注:二维码收款付款方留言:{u}物业费",           # plain
             "转账备注:{fw}",                                        # full-width digits
             "收款方备注:二维码收款付款方留言:{cn}"]                 # Chinese numerals
    cn = str.maketrans("0123456789", "零一二三四五六七八九")
    for n, unit in enumerate(owing[:3]):
        b, room = unit.split("-", 1)
        text = texts[n].format(u=unit, fw=unit.translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
                               cn=f"{b.translate(cn)}栋{room.translate(cn)}")
        rows.append((n + 1, "二维码收款" if n != 1 else "转账", f"业主{n + 1}", text, "收入", _owed(books, unit),
                     "已收钱"))
    rows.append((4, "转账", "A.王", "转账备注:物业费", "收入", Decimal("264.00"), "已收钱"))        # no unit: queue
    rows.append((5, "二维码收款", "山间明月", "收款方备注:二维码收款付款方留言:0301物业费", "收入",
                 Decimal("211.49"), "已收钱"))                                                     # ambiguous room
    rows.append((6, "微信红包", "老周", "/", "收入", Decimal("8.88"), "已存入零钱"))                 # not a fee
    return rows


def write_demo_export(books, folder: Path, today: dt.date) -> Path:
    start = today - dt.timedelta(days=6)
    lines = ["微信支付账单明细" + "," * 10, "微信昵称：[翠湖苑收费-小林]" + "," * 10,
             f"起始时间：[{start} 00:00:00] 终止时间：[{today} 23:59:59]" + "," * 10, "导出类型：[全部]" + "," * 10,
             f"导出时间：[{today} 18:00:00]" + "," * 10, "," * 10]
    rows = demo_rows(books, today)
    lines += [f"共{len(rows)}笔记录" + "," * 10, "," * 10,
              "----------------------微信支付账单明细列表--------------------" + "," * 10, HEADER]
    for n, kind, nick, goods, io, amount, status in sorted(rows, key=lambda r: -r[0]):
        when = dt.datetime.combine(start + dt.timedelta(days=n - 1), dt.time(9 + n, 15))
        tid = f"1000049901{when:%y%m%d}{n:018d}"
        lines.append(f'{when:%Y-%m-%d %H:%M:%S},{kind},{nick},"{goods}",{io},¥{amount:.2f},零钱,{status},'
                     f'{tid}\t,/\t,"/"')
    path = Path(folder) / f"微信支付账单({start:%Y%m%d}-{today:%Y%m%d}).csv"
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path
