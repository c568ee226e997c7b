"""`wuye import` on the four sample exports: golden ledger text per file, and the expected reading of
every numbered row of /work/shared/samples/README.md (each file imported alone into fresh books)."""
from __future__ import annotations

import os
import re
from decimal import Decimal

import pytest

from .conftest import GOLDEN, SAMPLE_NAMES

D = Decimal


def outcomes(doc: dict) -> dict[str, dict]:
    """txn id -> outcome (payments, queued, skipped, other, duplicates)."""
    out = {}
    for key in ("payments", "queued", "skipped", "other", "duplicates"):
        for o in doc[key]:
            out.setdefault(o["txn_id"], o)
    return out


def row(outs: dict, suffix: str) -> dict:
    hits = [o for t, o in outs.items() if t.endswith(suffix)]
    assert len(hits) == 1, f"{suffix}: {len(hits)} rows match"
    return hits[0]


def appended(books, before: dict[str, str]) -> str:
    """The ledger text the import added, file by file."""
    from ledger.books import layout

    out = []
    for rel in layout.ledger_files(books.root):
        new = (books.root / rel).read_text(encoding="utf-8")
        old = before.get(rel, "")
        assert new.startswith(old), f"{rel}: the import rewrote existing text"
        if new != old:
            out.append(f";;; ==> {rel}\n" + new[len(old):].lstrip("\n"))
    return "".join(out)


def snapshot(books) -> dict[str, str]:
    from ledger.books import layout

    return {rel: (books.root / rel).read_text(encoding="utf-8") for rel in layout.ledger_files(books.root)}


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.beancount"
    if os.environ.get("WUYE_GOLDEN_UPDATE") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"missing {path}; run with WUYE_GOLDEN_UPDATE=1 after checking the output by hand"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_golden_ledger_text(books, name):
    before = snapshot(books)
    head = books.head()
    books.ok("import", books.sample(name))
    assert books.commits() == 2 + 1  # init, bill, import: one commit
    assert books.head() != head
    check_golden(name, appended(books, before))
    books.ok("check")


def pay(o, unit, amount):
    assert o["result"] == "payment", o
    assert o["unit"] == unit and D(o["amount"]) == D(amount), o
    assert o["receipt"].startswith("SJ2024-")


def queued(o, *suggest):
    assert o["result"] == "queued", o
    assert o["queue"].startswith("Q2024-")
    for s in suggest:
        assert any(x.startswith(s) for x in o["suggestions"]), (s, o["suggestions"])
    return o


def skipped(o, words, flagged=False):
    assert o["result"] == "skipped", o
    assert words in o["reason"], o
    assert o["flagged"] == flagged, o


def other(o, op, unit=None):
    assert o["result"] == "other", o
    assert o["op"] == op, o
    assert o["unit"] == unit, o


def test_rows_wechat_personal(books):
    doc = books.import_json(books.sample("wechat_personal"))
    outs = outcomes(doc)
    assert doc["counts"]["dropped_in_files"] == 1            # 101 again: exact duplicate row
    pay(row(outs, "101"), "3-1502", "650.10")
    assert "arrears PF 2024-01..2024-02 (2): 433.40; current PF 2024-03: 216.70" in row(outs, "101")["detail"]
    pay(row(outs, "102"), "3-1502", "240.00")
    assert "PK" in row(outs, "102")["detail"]
    pay(row(outs, "103"), "5-2203", "945.57")                 # full-width digits
    q = queued(row(outs, "104"), "3-1502 (remark")             # B3 1502: zone prefix, needs review
    assert "zone" in q["reason"]
    q = queued(row(outs, "105"), "3-0801 (PF monthly 264.00): amount equals")   # amount only: a suggestion
    assert all("NOT a match" in s for s in q["suggestions"] if "monthly" in s)
    skipped(row(outs, "106"), "personal spend", flagged=True)
    pay(row(outs, "107"), "1-0302", "829.78")                  # PF 589.77 paid, the rest on credit
    # PF Q1 589.77 (393.18 + 196.59); 1-0302 has no parking space in the register, so 240.01 is credit
    assert "393.18; current PF 2024-03: 196.59; to credit: 240.01" in row(outs, "107")["detail"]
    pay(row(outs, "108"), "2-1101", "2027.52")
    other(row(outs, "109"), "deposit", "6-0604")
    pay(row(outs, "110"), "4-1702", "86.40")
    assert "WTR" in row(outs, "110")["detail"]                 # no water charge open: on credit, noted
    # refund 80 with no credit at 03-11 (file alone): the reversal of 3-1502's latest payment covering it,
    # 102's parking fee (README: refund of 3-1502 PK -80.00)
    o = row(outs, "111")
    other(o, "refund", "3-1502")
    assert o["reason"].startswith("refund of " + row(outs, "102")["receipt"]) and "reopens PK 2024-03 80.00" in o["reason"]
    skipped(row(outs, "112"), "no money moved")
    skipped(row(outs, "113"), "gift", flagged=True)
    pay(row(outs, "115"), "3-1502", "216.70")
    pay(row(outs, "118"), "3-0801", "264.00")
    pay(row(outs, "120"), "3-0801", "100.00")
    queued(row(outs, "122"), "6-0604 (PF monthly 242.99)")
    o = row(outs, "125")
    other(o, "transfer")
    assert "fee 5.00" in o["reason"]
    skipped(row(outs, "126"), "zero amount")
    pay(row(outs, "128"), "5-1502", "216.70")
    text = books.month_text()
    assert re.search(r"Assets:Clearing:WeChat +-5005\.00 CNY\n +Assets:Transit +5000\.00 CNY\n"
                     r" +Expenses:ChannelFees +5\.00 CNY", text)


def test_rows_wechat_merchant(books):
    doc = books.import_json(books.sample("wechat_merchant"))
    outs = outcomes(doc)
    assert doc["counts"]["dropped_in_files"] == 1              # WY…001 2nd copy
    o = row(outs, "4200002001202403050000000001")
    pay(o, "3-1502", "650.10")
    assert "to credit: 650.10" in o["detail"]                  # 2024-04..06 not billed yet: 预收 on credit
    pay(row(outs, "4200002001202403050000000002"), "5-2203", "945.57")
    pay(row(outs, "4200002001202403050000000003"), "3-1502", "240.00")
    other(row(outs, "50303108562024030500000000001"), "refund", "3-1502")      # partial refund -80.00
    skipped(row(outs, "4200002001202403050000000005"), "reversed: no net money")                # test order
    skipped(row(outs, "50303108562024030500000000002"), "reversed: no net money")
    pay(row(outs, "4200002001202403050000000007"), "2-1101", "2027.52")
    o = row(outs, "4200002001202403050000000008")
    pay(o, "4-1702", "199.00")
    o = row(outs, "4200002001202403050000000009")
    pay(o, "3-0801", "264.00")
    assert "alias openid" in o["detail"]                       # learned from WY…010 in the same bill
    pay(row(outs, "4200002001202403050000000010"), "3-0801", "100.00")
    other(row(outs, "4200002001202403050000000012"), "deposit", "6-0604")
    pay(row(outs, "4200002001202403050000000013"), "4-1702", "86.40")
    other(row(outs, "4200002001202403050000000014"), "other-income")             # 临时停车, unbound openid
    pay(row(outs, "4200002001202403050000000015"), "3-1502", "433.40")
    pay(row(outs, "4200002001202403050000000016"), "1-0302", "589.77")
    skipped(row(outs, "4200002001202403050000000017"), "reversed: no net money")
    skipped(row(outs, "50303108562024030500000000003"), "reversed: no net money")
    o = row(outs, "4200002001202403050000000019")
    pay(o, "5-2203", "9.46")
    assert "no open LATE charge: kept on credit" in o["detail"]
    pay(row(outs, "4200002001202403050000000020"), "6-0604", "242.99")
    pay(row(outs, "4200002001202403050000000021"), "5-1502", "216.70")
    assert not doc["queued"]
    # the coupon settles the rest of 4-1702's March as a waiver, fees are expenses
    st = books.ok("statement", "4-1702", "--json").json()
    march = [ln for ln in st["lines"] if ln["period"] == "2024-03"][0]
    assert D(march["paid"]) == D("199.00") and D(march["waived"]) == D("10.00") and D(march["open"]) == 0


def test_rows_alipay_personal(books):
    doc = books.import_json(books.sample("alipay_personal"))
    outs = outcomes(doc)
    assert doc["counts"]["dropped_in_files"] == 1
    pay(row(outs, "0000000001"), "3-1502", "650.10")
    pay(row(outs, "0000000003"), "5-2203", "945.57")           # unit only in 备注
    skipped(row(outs, "0000000004"), "交易关闭")
    q = queued(row(outs, "0000000005"))                        # refund with no credit on 03-04 (file alone)
    assert q["direction"] == "out"
    other(row(outs, "0000000006"), "interest")
    queued(row(outs, "0000000007"), "3-1502 (remark")          # B区: needs review
    q = queued(row(outs, "0000000008"), "3-1502 (payer's name is the registered owner's)")
    assert "ambiguous" in q["reason"]
    pay(row(outs, "0000000009"), "3-1502", "216.70")           # 3号楼15楼02
    pay(row(outs, "0000000010"), "2-1101", "1013.76")
    pay(row(outs, "0000000011"), "6-0604", "123.45")
    pay(row(outs, "0000000012"), "4-1702", "215.27")
    skipped(row(outs, "0000000013"), "reversed: no net money")
    skipped(row(outs, "0000000013_20240313"), "reversed: no net money")
    pay(row(outs, "0000000015"), "5-2203", "315.19")
    pay(row(outs, "0000000016"), "1-0302", "196.59")
    skipped(row(outs, "0000000017"), "zero amount")
    o = row(outs, "0000000018")
    pay(o, "3-1502", "2600.40")
    assert "2023" in o["detail"] and "credit" in o["detail"]   # 2023 is before the books: kept on credit
    pay(row(outs, "0000000019"), "3-0801", "264.00")
    other(row(outs, "0000000020"), "transfer")


def test_rows_bank_cmb(books):
    doc = books.import_json(books.sample("bank_cmb"))
    outs = outcomes(doc)
    assert doc["counts"]["dropped_in_files"] == 1              # K…001 again
    pay(row(outs, "K0000000000000001"), "3-1502", "650.10")
    other(row(outs, "K0000000000000003"), "fee")
    other(row(outs, "K0000000000000004"), "developer")
    other(row(outs, "K0000000000000005"), "transfer")
    pay(row(outs, "K0000000000000006"), "2-1101", "168.96")
    skipped(row(outs, "K0000000000000007"), "reversed: no net money")
    skipped(row(outs, "K0000000000000007-R"), "reversed: no net money")
    other(row(outs, "K0000000000000009"), "transfer")
    other(row(outs, "K0000000000000010"), "transfer")
    queued(row(outs, "K0000000000000011"), "1-1502 (remark", "3-1502 (remark", "5-1502 (remark")
    q = queued(row(outs, "K0000000000000012"))
    assert "unknown unit" in q["reason"]
    o = row(outs, "K0000000000000013")
    other(o, "expense")
    assert "Expenses:Operating:Staff" in o["reason"]  # 代发工资 names the Staff category of config.yaml
    o = row(outs, "K0000000000000014")
    other(o, "expense")
    assert "Liabilities:PassThrough:WTR" in o["reason"]
    skipped(row(outs, "K0000000000000015"), "reversed: no net money")
    skipped(row(outs, "K0000000000000016"), "reversed: no net money")
    pay(row(outs, "K0000000000000017"), "5-2203", "945.57")
    other(row(outs, "K0000000000000018"), "fund", "3-1502")
    other(row(outs, "K0000000000000019"), "interest")
    other(row(outs, "K0000000000000020"), "transfer")
    skipped(row(outs, "K0000000000000021"), "zero amount")
    pay(row(outs, "K0000000000000022"), "3-1502", "216.70")
    text = books.month_text()
    assert "Liabilities:MaintenanceFund" in text and "Liabilities:Credit:Developer" in text
    assert "! \"支出" in text                                   # expenses flagged for review
