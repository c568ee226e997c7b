"""The three refund shapes of the importers, each a linked partial reversal of a payment (its own TK
number, links to the receipt), with a golden of the refund entry: a merchant REFUND row naming its order,
a transfer back to a payer whose unit has no credit (the unit's latest payment covering it), and a refund
after an overpayment that billing already used. Real beancount, real git, the CLI."""
from __future__ import annotations

import os
import re
from decimal import Decimal

from .conftest import GOLDEN, git

D = Decimal


def _refund_entries(books, month: str = "2024-03") -> str:
    """The partial-reversal entries the import wrote (each whole, in file order)."""
    text = books.month_text(month)
    blocks = re.split(r"\n(?=\d{4}-\d{2}-\d{2} )", text)
    return "\n".join(b.rstrip("\n") + "\n" for b in blocks if "refunds-part:" in b)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / f"refund_{name}.beancount"
    if os.environ.get("WUYE_GOLDEN_UPDATE") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}; run with WUYE_GOLDEN_UPDATE=1 after checking the output by hand"
    assert text == path.read_text(encoding="utf-8")


def _open(books, unit: str) -> dict[tuple[str, str], Decimal]:
    return {(ln["item"], ln["period"]): D(ln["open"]) for ln in books.ok("statement", unit, "--json").json()["lines"]}


def test_merchant_refund_of_an_order_reverses_that_orders_payment(books):
    doc = books.import_json(books.sample("wechat_merchant"))
    o = next(o for o in doc["other"] if o["txn_id"] == "50303108562024030500000000001")   # CW…003 REFUND -80.00
    pay = next(p for p in doc["payments"] if p["txn_id"] == "4200002001202403050000000003")
    assert o["op"] == "refund" and o["unit"] == "3-1502"
    assert o["reason"].startswith(f"refund of {pay['receipt']} (order 4200002001202403050000000003)")
    text = _refund_entries(books)
    assert f'refunds-part: "{pay["receipt"]}"' in text and 'refund-no: "TK2024-000001"' in text
    assert f"^{pay['receipt']} ^TK2024-000001" in text
    slip = books.ok("receipt", "TK2024-000001").out
    assert "¥80.00" in slip and pay["receipt"] in slip
    _golden("merchant_order", text)
    books.ok("check")


def test_transfer_back_to_a_unit_without_credit_reverses_its_latest_covering_payment(books):
    doc = books.import_json(books.sample("wechat_personal"))
    o = next(o for o in doc["other"] if o["txn_id"] == "100005010124031100000000000111")  # 退3-1502多交车位费 80
    pk = next(p for p in doc["payments"] if p["txn_id"].endswith("102"))                 # 3-1502 车位费 240.00
    assert o["unit"] == "3-1502" and f"refund of {pk['receipt']}" in o["reason"]
    assert _open(books, "3-1502")[("PK", "2024-03")] == D("80.00")   # the unit is no longer shown as paid
    text = _refund_entries(books)
    assert 'kind: "current"' in text and "Assets:Clearing:WeChat         -80.00 CNY" in text
    _golden("transfer_no_credit", text)
    books.ok("check")


def test_refund_after_an_overpayment_billing_already_used(books):
    # 3-0801 (264.00 a month) pays 314.00 on 01-05: PF 2024-01 and 50.00 credit, which the February bill used
    books.ok("pay", "3-0801", "314.00", "--channel", "cash", "--date", "2024-01-05")
    assert D(books.ok("statement", "3-0801", "--json").json()["credit"]) == 0
    assert _open(books, "3-0801")[("PF", "2024-02")] == D("214.00")
    # the Alipay export holds 支出 退还3-0801多缴物业费 50.00 (…005): money back although the credit is gone
    doc = books.import_json(books.sample("alipay_personal"))
    o = next(o for o in doc["other"] + doc["queued"] if o["txn_id"].endswith("0005"))
    assert o["result"] == "other" and o["op"] == "refund" and o["unit"] == "3-0801", o
    assert o["reason"].startswith("refund of SJ2024-000001") and "reopens PF 2024-02 50.00" in o["reason"]
    # the 50.00 the refund took back is owed again: a later payment (264.00 on 03-20) left 264.00 open, not 214.00
    opened = _open(books, "3-0801")
    assert sum(opened.values()) == D("264.00") and opened[("PF", "2024-01")] == D("0.00")
    text = _refund_entries(books)
    assert 'kind: "credit"' in text and 'refunds-part: "SJ2024-000001"' in text
    _golden("overpayment_used", text)
    assert "refund TK2024-000001" not in git(books.root, "log", "-1", "--format=%s")  # one import commit
    books.ok("check")
