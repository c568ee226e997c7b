"""The field case (../shared/docs/field-notes-zh.txt, 第二例): an owner paid nothing for three years over a
leak; the family settled for 1,000 CNY compensation, paid the 10,000+ CNY owed, and on the same day the
office handed over the 1,000 CNY. Payment and compensation the same day; the statement shows both; every
billed period ends up paid; the compensation is an expense linked to the dispute, never counted as paid.
"""
from __future__ import annotations

import re
from decimal import Decimal as D

from .conftest import BASE_CONFIG, git

UNITS = """\
unit,building,area_m2,type,handover_date,parking_spaces,owner_id,name,phone
3-1502,3,120.00,residential,2023-12-01,0,O-3152,雷大伟,13700001111
3-1501,3,89.36,residential,2023-12-01,0,O-3151,,
"""
DAY = "2027-01-10"
OWED = D("10008.00")  # PF 120 m2 x 2.20 x 30 + 120 x 2.40 x 6 = 9648.00, GC 36 x 10.00 = 360.00


def three_years(books_factory):
    w = books_factory(BASE_CONFIG, UNITS, today="2024-01-05")
    w.ok("bill", "--from", "2024-01", "--to", "2026-12", "--allow-future")  # three years billed ahead
    w.today(DAY)
    # the family complained of the leak before the settlement: the compensation names that dispute
    w.ok("dispute", "open", "3-1502", "--category", "leak", "--note", "设备平台雨水管渗漏致卧室墙面起皮", "--date", "2026-03-02")
    st = w.statement("3-1502")
    assert len(st["lines"]) == 72 and {ln["status"] for ln in st["lines"]} == {"open"}
    assert D(st["outstanding"]) == OWED
    row = next(r for r in w.arrears()["units"] if r["unit"] == "3-1502")
    assert row == {"unit": "3-1502", "outstanding": "10008.00", "not_due": "0.00", "oldest_period": "2024-01",
                   "credit": "0.00"}
    return w


def test_leak_case_payment_and_cash_compensation_same_day(books_factory):
    w = three_years(books_factory)
    paid = w.ok("pay", "3-1502", "10,008.00", "--channel", "bank", "--ref", "CMB2027011000042",
                "--payer", "relative:雷母", "--date", DAY, "--json").json()
    assert paid["receipt"] == "SJ2027-000001" and paid["credit"] == "0.00"
    assert {p["kind"] for p in paid["parts"]} == {"arrears"} and len(paid["parts"]) == 72
    w.ok("compensate", "3-1502", "1000", "--reason", "设备平台雨水管渗漏致卧室墙面起皮，协商补偿",
         "--dispute", "TS2026-0001", "--approved-by", "客服中心主任", "--mode", "cash", "--date", DAY)

    st = w.statement("3-1502")
    assert {ln["status"] for ln in st["lines"]} == {"paid"}
    assert st["totals"]["billed"] == st["totals"]["paid"] == "10008.00"
    assert st["totals"]["compensated"] == "0.00"  # paid out in cash: nothing of the fees was offset
    assert st["outstanding"] == "0.00" and st["credit"] == "0.00"
    events = [(e["date"], e["op"], e["amount"], e["receipt"], e["dispute"]) for e in st["events"]]
    assert events == [(DAY, "pay", "10008.00", "SJ2027-000001", None),
                      (DAY, "compensate", "1000.00", None, "TS2026-0001")]
    text = w.ok("statement", "3-1502").out
    assert "收款" in text and "10,008.00" in text and "SJ2027-000001" in text
    assert "补偿" in text and "1,000.00" in text and "纠纷 TS2026-0001" in text
    status_col = [ln.split()[-1] for ln in text.splitlines() if re.match(r"^20\d\d-\d\d ", ln)]
    assert status_col == ["已缴"] * 72
    assert "欠费合计：0.00" in text

    ledger = (w.root / "txns/2027/2027-01.beancount").read_text(encoding="utf-8")
    comp = next(b for b in ledger.split("\n\n") if '"compensate"' in b)
    assert "^dispute-TS2026-0001" in comp
    assert re.search(r"Expenses:Compensation\s+1000\.00 CNY", comp)
    assert re.search(r"Assets:Cash\s+-1000\.00 CNY", comp)
    assert "Income" not in comp and "Receivable" not in comp  # not a fee, not collected, not an offset
    pay = next(b for b in ledger.split("\n\n") if '"pay"' in b)
    assert "^bank-CMB2027011000042" in pay and 'payer: "relative 雷*"' in pay
    assert "雷大伟" not in ledger and "雷母" not in ledger
    # both are one commit each, on the same day
    log = git(w.root, "log", "-2", "--format=%s")
    assert log.splitlines()[0].startswith("compensate 3-1502 1,000.00 CNY (cash) dispute TS2026-0001")
    assert log.splitlines()[1].startswith("pay 3-1502 10,008.00 CNY bank SJ2027-000001")
    # collected = money in through payments only; the compensation is money out, an expense
    from ledger.books.folder import Books

    b = Books(w.root)
    try:
        (collected,) = b.cache.q("SELECT SUM(cents) FROM postings WHERE op='pay' AND acct='money'")[0]
        (expense,) = b.cache.q("SELECT SUM(cents) FROM postings WHERE op='compensate' AND acct='expense'")[0]
    finally:
        b.close()
    assert D(collected) / 100 == OWED and D(expense) / 100 == D("1000")
    row = next((r for r in w.arrears()["units"] if r["unit"] == "3-1502"), None)
    assert row is None  # nothing owed, no credit: not listed
    w.check()


def test_leak_case_compensation_as_offset(books_factory):
    """The other way the office could book it: 1,000 offsets the oldest charges, the family pays 9,008."""
    w = three_years(books_factory)
    w.ok("compensate", "3-1502", "1000.00", "--reason", "渗漏协商补偿", "--dispute", "TS2026-0001",
         "--approved-by", "客服中心主任", "--mode", "offset", "--date", DAY)
    w.ok("pay", "3-1502", "9008.00", "--channel", "bank", "--ref", "CMB2027011000043", "--date", DAY)
    st = w.statement("3-1502")
    assert st["outstanding"] == "0.00"
    assert st["totals"]["compensated"] == "1000.00" and st["totals"]["paid"] == "9008.00"
    statuses = [ln["status"] for ln in st["lines"]]
    assert statuses.count("compensated") == 6  # 2024-01..03 PF and GC: 822.00
    pf04 = next(ln for ln in st["lines"] if (ln["item"], ln["period"]) == ("PF", "2024-04"))
    assert (pf04["compensated"], pf04["paid"], pf04["status"]) == ("178.00", "86.00", "paid")
    assert set(statuses) == {"compensated", "paid"}
    w.check()
