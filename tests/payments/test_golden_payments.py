"""Golden scenarios for payments, receipts, credits and corrections.

Each folder golden/<name>/ holds config.yaml, units.csv, `steps` (one `wuye` command a line; `today D`
pins today; `#` comments) and expected.beancount: every txns/ file afterwards, in path order, each after
a `;;; ==> <path>` line. Regenerate with WUYE_GOLDEN_UPDATE=1 — and read each changed file by hand.

Besides the byte-for-byte comparison, each scenario has explicit assertions on its key figures
(statement JSON, arrears JSON, commit messages, receipts) in CHECKS below.
"""
from __future__ import annotations

from decimal import Decimal

import os
import re
import subprocess
from decimal import Decimal as D

import pytest

from .conftest import GOLDEN, Wuye, git, ledger_snapshot, make_books, run_steps

SCENARIOS = sorted(p.name for p in GOLDEN.iterdir() if (p / "steps").exists())


def build(name: str, tmp_path, monkeypatch) -> Wuye:
    sc = GOLDEN / name
    root = make_books(tmp_path, (sc / "config.yaml").read_text(encoding="utf-8"),
                      (sc / "units.csv").read_text(encoding="utf-8"))
    w = Wuye(root, monkeypatch)
    run_steps(w, (sc / "steps").read_text(encoding="utf-8"), f"{name}/steps")
    return w


def parts(w: Wuye, receipt: str) -> list[tuple[str, str, str, str]]:
    """(item, period, kind, amount) of each receivable posting of a payment, from the ledger text."""
    from ledger.books.folder import Books

    b = Books(w.root)
    try:
        (tid,) = b.cache.q("SELECT id FROM txns WHERE receipt=? AND op='pay'", (receipt,))[0]
        rows = b.cache.q("SELECT item, period, kind, -cents FROM postings WHERE txn=? AND acct IN ('ar','dev') "
                         "ORDER BY rowid", (tid,))
    finally:
        b.close()
    return [(i, p, k, f"{D(c) / 100:.2f}") for i, p, k, c in rows]


def norm(text: str) -> str:
    """Ledger text with runs of spaces collapsed, to match postings regardless of column alignment."""
    return re.sub(r"[ ]+", " ", text)


def status(w, unit, as_of=None):
    return {k: v["status"] for k, v in w.lines(unit, as_of).items()}


def open_(w, unit, as_of=None):
    return {k: v["open"] for k, v in w.lines(unit, as_of).items()}


def arrears_row(w, unit, as_of=None):
    rows = {r["unit"]: r for r in w.arrears(as_of)["units"]}
    return rows.get(unit)


# --- per-scenario assertions ---------------------------------------------------------------------

def check_allocation_order(w: Wuye):
    # 1st payment 600.00: PF 01, GC 01, PF 02, GC 02 (arrears), then 52.00 of PF 03 (current); LATE untouched
    assert parts(w, "SJ2024-000001") == [
        ("PF", "2024-01", "arrears", "264.00"), ("GC", "2024-01", "arrears", "10.00"),
        ("PF", "2024-02", "arrears", "264.00"), ("GC", "2024-02", "arrears", "10.00"),
        ("PF", "2024-03", "current", "52.00")]
    # 2nd payment 780.00 on 2024-04-10 --for GC:2024-03: the designated item first, then the oldest
    # principal (PF 03 arrears, April current), late fees last. May is billed (dated 05-01) after the
    # payment date, so a payment dated 04-10 cannot settle it: 274.63 goes to credit, and a separate
    # credit application dated 05-01 settles May, leaving 0.63 on credit.
    assert parts(w, "SJ2024-000002") == [
        ("GC", "2024-03", "arrears", "10.00"), ("PF", "2024-03", "arrears", "212.00"),
        ("PF", "2024-04", "current", "264.00"), ("GC", "2024-04", "current", "10.00"),
        ("LATE", "2024-01", "arrears", "6.60"), ("LATE", "2024-02", "arrears", "2.77")]
    assert w.arrears("2024-04-30")["credit_total"] == "274.63"
    st = w.statement("1-0401", "2024-05-31")
    assert {ln["status"] for ln in st["lines"]} == {"paid"}
    assert st["credit"] == "0.63" and st["outstanding"] == "0.00" and st["balance_due"] == "-0.63"
    assert st["totals"]["billed"] == st["totals"]["paid"] == "1379.37"  # 5 x 274 + 9.37 late fees
    row = arrears_row(w, "1-0401", "2024-05-31")
    assert row == {"unit": "1-0401", "outstanding": "0.00", "not_due": "0.00", "oldest_period": None,
                   "credit": "0.63"}
    # before the second payment, as of 2024-03-31: PF 03 partly paid, GC 03 and the late fees open
    s = status(w, "1-0401", "2024-03-31")
    assert s[("PF", "2024-03")] == "partly_paid" and s[("GC", "2024-03")] == "open"
    assert s[("LATE", "2024-01")] == "open"
    assert arrears_row(w, "1-0401", "2024-03-31")["outstanding"] == "231.37"  # 212 + 10 + 6.60 + 2.77


def check_partial_three_periods(w: Wuye):
    assert status(w, "1-0302", "2024-03-05") == {("PF", "2024-01"): "partly_paid", ("PF", "2024-02"): "open",
                                                 ("PF", "2024-03"): "open"}
    assert open_(w, "1-0302", "2024-03-05")[("PF", "2024-01")] == "96.59"
    assert status(w, "1-0302", "2024-03-15") == {("PF", "2024-01"): "paid", ("PF", "2024-02"): "partly_paid",
                                                 ("PF", "2024-03"): "open"}
    assert open_(w, "1-0302", "2024-03-15")[("PF", "2024-02")] == "93.18"
    assert parts(w, "SJ2024-000002") == [("PF", "2024-01", "arrears", "96.59"), ("PF", "2024-02", "arrears", "103.41")]
    assert parts(w, "SJ2024-000003") == [("PF", "2024-02", "arrears", "93.18"), ("PF", "2024-03", "current", "196.59")]
    st = w.statement("1-0302")
    assert {ln["status"] for ln in st["lines"]} == {"paid"}
    assert st["credit"] == "10.23"  # 600.00 - 3 x 196.59
    assert [e["amount"] for e in st["events"]] == ["100.00", "200.00", "300.00"]


def check_overpay_credit(w: Wuye):
    assert parts(w, "SJ2024-000001") == [("PF", "2024-01", "current", "196.59"), ("GC", "2024-01", "current", "10.00")]
    assert w.statement("1-0302", "2024-01-31")["credit"] == "293.41"
    log = git(w.root, "log", "--format=%B%x00").split("\x00")
    feb = next(m for m in log if m.strip().startswith("bill 2024-02"))
    mar = next(m for m in log if m.strip().startswith("bill 2024-03"))
    assert "credit applied: 206.59 CNY on 1 units" in feb
    assert "credit applied: 86.82 CNY on 1 units" in mar
    ln = w.lines("1-0302")
    assert ln[("PF", "2024-02")]["status"] == ln[("GC", "2024-02")]["status"] == "paid"
    assert ln[("PF", "2024-03")]["status"] == "partly_paid" and ln[("PF", "2024-03")]["open"] == "109.77"
    assert ln[("GC", "2024-03")]["status"] == "open"  # credit goes to PF (priority 1) first
    st = w.statement("1-0302")
    assert st["credit"] == "0.00" and st["outstanding"] == "119.77"
    # credit is a liability, never income: the 293.41 sat on Liabilities:Credit until billed
    assert "Liabilities:Credit:Unit:1-0302 -293.41 CNY" in norm((w.root / "txns/2024/2024-01.beancount").read_text())


def check_rounding_cent(w: Wuye):
    st = w.statement("1-0302", "2024-03-31")
    assert st["totals"]["billed"] == "589.77" and st["credit"] == "0.01"
    assert {ln["status"] for ln in st["lines"]} == {"paid"}
    ln = w.lines("1-0302")[("PF", "2024-04")]
    assert ln["paid"] == "0.01" and ln["open"] == "196.58" and ln["status"] == "partly_paid"
    assert w.statement("1-0302")["credit"] == "0.00"
    assert "credit applied: 0.01 CNY" in w.last_message()


def check_prepay_rate_change(w: Wuye):
    st = w.statement("1-0302", "2026-12-31")
    lines = {ln["period"]: ln for ln in st["lines"]}
    for m in range(1, 7):
        assert lines[f"2026-{m:02d}"]["billed"] == "196.59" and lines[f"2026-{m:02d}"]["status"] == "paid"
    for m in range(7, 12):
        assert lines[f"2026-{m:02d}"]["billed"] == "214.46" and lines[f"2026-{m:02d}"]["status"] == "paid"
    # the credit (12 x 196.59 = 2359.08) ran out in December: 6 months x (214.46 - 196.59) = 107.22 open
    dec = lines["2026-12"]
    assert (dec["billed"], dec["paid"], dec["open"], dec["status"]) == ("214.46", "107.24", "107.22", "partly_paid")
    assert st["credit"] == "0.00" and st["outstanding"] == "107.22"
    assert arrears_row(w, "1-0302", "2026-12-31")["outstanding"] == "107.22"
    # each month's charge is at the rate then in force, and the bill says credit was applied
    text = (w.root / "txns/2026/2026-07.beancount").read_text()
    assert "rate: 2.40" in text and 'kind: "credit"' in text


def check_prepay_discount(w: Wuye):
    rec = w.ok("receipt", "SJ2025-000002").out
    assert "预交优惠" in rec and "-117.95" in rec and "贰仟贰佰肆拾壹元壹角叁分" in rec
    text = (w.root / "txns/2025/2025-12.beancount").read_text()
    assert "Expenses:PrepayDiscount 117.95 CNY" in norm(text)
    st = w.statement("1-0302", "2025-12-31")
    assert st["credit"] == "2359.08"
    # 1-0303 had December open: the payment first clears it, 2044.54 is left: below the 12 months, no discount
    assert w.statement("1-0303", "2025-12-31")["credit"] == "2044.54"
    assert text.count("Expenses:PrepayDiscount") == 1
    rec3 = w.ok("receipt", "SJ2025-000003").out
    assert "预交优惠" not in rec3
    assert w.statement("1-0302")["credit"] == "2162.49"  # January billed from credit


def check_refunds(w: Wuye):
    st = w.statement("1-0302")
    assert st["credit"] == "43.41"  # 300 - 206.59 - 50 refunded; the duplicate 206.59 refunded in full
    ev = [(e["op"], e["amount"], e["receipt"], e["voided"], e["refers_to"]) for e in st["events"]]
    assert ev == [("pay", "300.00", "SJ2024-000001", False, None), ("refund", "-50.00", None, False, None),
                  ("pay", "206.59", "SJ2024-000002", True, None), ("refund", "-206.59", None, False, "SJ2024-000002")]
    text = (w.root / "txns/2024/2024-01.beancount").read_text()
    assert "refunds: \"SJ2024-000002\"" in text and "^SJ2024-000002" in text
    # a refunded receipt cannot be voided or refunded again
    w.refused("void", "SJ2024-000002", "--reason", "x")


def check_void_numbering(w: Wuye):
    rec = w.ok("receipt", "SJ2024-000002").out
    assert "作废" in rec and "金额录错" in rec
    assert "作废" not in w.ok("receipt", "SJ2024-000003").out
    text = (w.root / "txns/2024/2024-12.beancount").read_text()
    for n in (1, 2, 3):
        assert text.count(f'receipt: "SJ2024-00000{n}"') == 1
    assert 'voids: "SJ2024-000002"' in text
    assert "SJ2025-000001" in (w.root / "txns/2025/2025-01.beancount").read_text()  # restarts per year
    st = w.statement("1-0302")
    assert [e["voided"] for e in st["events"] if e["op"] == "pay"] == [False, True, False, False]
    assert {ln["status"] for ln in st["lines"]} == {"paid"}  # 196.59 + 100 (void) + 100 + 96.59
    assert w.json("pay", "1-0302", "10.00", "--channel", "cash", "--date", "2025-01-10")["receipt"] == "SJ2025-000002"


def check_waivers(w: Wuye):
    ln = w.lines("1-0401", "2024-03-31")
    assert ln[("LATE", "2024-01")]["status"] == "waived" and ln[("LATE", "2024-01")]["waived"] == "6.60"
    assert ln[("PF", "2024-01")]["waived"] == "64.00"
    assert ln[("PF", "2024-01")]["paid"] == "200.00" and ln[("PF", "2024-01")]["status"] == "paid"
    st = w.statement("1-0401", "2024-03-31")
    assert st["totals"]["waived"] == "70.60"
    assert st["outstanding"] == "560.77"  # 822 + 9.37 late fees - 70.60 waived - 200.00 paid
    assert "Expenses:Waivers" in (w.root / "txns/2024/2024-03.beancount").read_text()


def check_compensation(w: Wuye):
    ln = w.lines("1-0401")
    assert ln[("PF", "2024-01")]["status"] == "compensated" and ln[("GC", "2024-01")]["status"] == "compensated"
    assert ln[("PF", "2024-02")]["compensated"] == "26.00" and ln[("PF", "2024-02")]["status"] == "partly_paid"
    st = w.statement("1-0401")
    assert st["totals"]["paid"] == "0.00" and st["totals"]["compensated"] == "300.00"
    evs = [(e["op"], e["amount"], e["dispute"]) for e in st["events"]]
    assert evs == [("compensate", "300.00", "TS2024-0001"), ("compensate", "200.00", "TS2024-0002")]
    text = (w.root / "txns/2024/2024-03.beancount").read_text()
    assert "^dispute-TS2024-0001" in text and "^dispute-TS2024-0002" in text
    # the first dispute was opened by the compensation itself, in its commit
    assert 'custom "wuye-dispute-open" "1-0401" "TS2024-0001" "leak"' in text
    first = git(w.root, "show", "--format=%s", "HEAD~2").splitlines()
    assert first[0].startswith("dispute TS2024-0001 opened (leak) and compensate 1-0401 300.00")
    added = [ln for ln in first if ln.startswith("+")]
    assert sum('"wuye-dispute-open"' in ln for ln in added) == 1 and sum('op: "compensate"' in ln for ln in added) == 1
    assert text.count("Expenses:Compensation") == 2 and "Assets:Cash -200.00 CNY" in norm(text)


def check_writeoff(w: Wuye):
    ln = w.lines("1-0401")
    for p in ("2024-01", "2024-02"):
        assert ln[("PF", p)]["status"] == ln[("GC", p)]["status"] == "written_off"
    assert ln[("PF", "2024-03")]["status"] == "open"
    st = w.statement("1-0401")
    assert st["totals"]["written_off"] == "548.00" and st["outstanding"] == "274.00"
    assert "Expenses:BadDebt 548.00 CNY" in norm((w.root / "txns/2024/2024-03.beancount").read_text())


def check_late_fees(w: Wuye):
    log = git(w.root, "log", "--format=%s")
    assert log.count("late fees to 2024-03-31") == 1  # the second run wrote nothing
    assert "late fees to 2024-02-10" not in log  # inside the grace days: nothing accrued
    ln = w.lines("1-0302", "2024-03-31")
    # Jan: 196.59 x 0.0005 x 50 days (02-11..03-31) = 4.91; Feb (29 days, 2024): 03-11..03-31 = 21 days = 2.06
    assert ln[("LATE", "2024-01")]["billed"] == "4.91" and ln[("LATE", "2024-02")]["billed"] == "2.06"
    assert ("LATE", "2024-03") not in ln
    final = w.lines("1-0302")
    # capped at the principal of each period: Jan and Mar reach 196.59; Feb was paid on 03-31, so nothing more
    assert final[("LATE", "2024-01")]["billed"] == "196.59"
    assert final[("LATE", "2024-02")]["billed"] == "2.06"
    assert final[("LATE", "2024-03")]["billed"] == "196.59"


def check_developer_payer(w: Wuye):
    text = (w.root / "txns/2024/2024-02.beancount").read_text()
    assert norm(text).count("Assets:Receivable:Developer -220.00 CNY") == 2 and 'payer: "developer"' in text
    assert "Assets:Receivable:Unit:2-0101" not in ledger_snapshot(w.root)
    from ledger.books.folder import Books
    from ledger.reports.openitems import open_items

    b = Books(w.root)
    try:
        assert open_items(b.cache, unit="2-0101", debtor="developer") == {}
    finally:
        b.close()
    rec = w.ok("receipt", "SJ2024-000001").out
    assert "2-0101" in rec and "交款人：开发商" in rec and "DEV-2024-02" in rec


def check_payer_masked(w: Wuye):
    snap = ledger_snapshot(w.root)
    assert 'payer: "tenant 吴**"' in snap and 'payer: "relative 欧阳**"' in snap and 'payer: "other 王*"' in snap
    everything = snap + git(w.root, "log", "-p", "--format=%B")
    for full in ("吴小明", "欧阳娜娜", "王五", "张三丰", "13912345678"):
        assert full not in everything
    assert "交款人：租户 吴**" in w.ok("receipt", "SJ2024-000001").out
    assert "交款人：亲属 欧阳**" in w.ok("receipt", "SJ2024-000002").out


def check_partial_refunds(w: Wuye):
    # 700.00 settled PF+GC 01..03 (3 x 206.59 = 619.77) and put 80.23 on credit
    assert open_(w, "1-0302", "2024-03-11") == {("PF", "2024-01"): "0.00", ("GC", "2024-01"): "0.00",
                                                ("PF", "2024-02"): "0.00", ("GC", "2024-02"): "0.00",
                                                ("PF", "2024-03"): "0.00", ("GC", "2024-03"): "0.00"}
    # TK2024-000001, 100.00: the credit it paid in (80.23), then newest first: GC 03 (10.00), PF 03 (9.77)
    after = open_(w, "1-0302", "2024-03-12")
    assert after[("GC", "2024-03")] == "10.00" and after[("PF", "2024-03")] == "9.77"
    assert after[("PF", "2024-01")] == "0.00"
    # TK2024-000002, 20.00 --items PF:2024-01: what the refund names reopens
    final = open_(w, "1-0302")
    assert final[("PF", "2024-01")] == "20.00" and final[("PF", "2024-03")] == "9.77"
    assert arrears_row(w, "1-0302")["credit"] == "0.00"
    text = ledger_snapshot(w.root)
    assert 'refund-no: "TK2024-000001"' in text and 'refund-no: "TK2024-000002"' in text
    assert text.count('refunds-part: "SJ2024-000001"') == 2 and "^SJ2024-000001 ^TK2024-000001" in text
    assert w.last_message().startswith("refund TK2024-000002 1-0302 20.00 CNY cash, part of SJ2024-000001")
    slip = w.ok("receipt", "TK2024-000001").out
    assert "退款单" in slip and "原收据：SJ2024-000001" in slip and "¥100.00" in slip and "壹佰元整" in slip
    assert "80.23" in slip and "9.77" in slip
    html = w.ok("receipt", "TK2024-000002", "--html").out
    assert "退款单" in html and "¥20.00" in html
    # the receipt stays alive (not 作废) and cannot be reversed whole any more, nor refunded beyond what is left
    w.refused("void", "SJ2024-000001", "--reason", "x")
    w.refused("refund", "1-0302", "700.00", "--receipt", "SJ2024-000001", "--channel", "cash", "--reason", "x")
    w.refused("refund", "1-0302", "5.00", "--receipt", "SJ2024-000001", "--items", "PF:2024-05", "--channel", "cash",
              "--reason", "x")
    w.refused("refund", "2-0101", "5.00", "--receipt", "SJ2024-000001", "--channel", "cash", "--reason", "x")
    w.check()


CHECKS = {name[len("check_"):]: fn for name, fn in list(globals().items()) if name.startswith("check_")}


@pytest.mark.parametrize("name", SCENARIOS)
def test_golden(name, tmp_path, monkeypatch):
    w = build(name, tmp_path, monkeypatch)
    actual = ledger_snapshot(w.root)
    expected = GOLDEN / name / "expected.beancount"
    if os.environ.get("WUYE_GOLDEN_UPDATE") == "1":
        expected.write_text(actual, encoding="utf-8")
    assert expected.exists(), f"missing {expected}; run with WUYE_GOLDEN_UPDATE=1 and review it by hand"
    assert actual == expected.read_text(encoding="utf-8")
    w.check()
    assert subprocess.run(["git", "-C", str(w.root), "status", "--porcelain"], capture_output=True,
                          text=True).stdout == ""
    CHECKS[name](w)


def test_every_scenario_has_assertions():
    assert set(SCENARIOS) == set(CHECKS)


def test_statement_of_unsold_unit_shows_developer_charges(tmp_path, monkeypatch):
    root = make_books(tmp_path, (GOLDEN / "developer_payer" / "config.yaml").read_text(encoding="utf-8"),
                      (GOLDEN / "developer_payer" / "units.csv").read_text(encoding="utf-8"))
    w = Wuye(root, monkeypatch)
    w.today("2024-02-10")
    w.ok("bill", "--from", "2024-01", "--to", "2024-02")
    st = w.statement("2-0101")
    assert len(st["lines"]) == 4
    assert {ln["debtor"] for ln in st["lines"]} == {"developer"}
    assert st["outstanding"] == "0.00"
    assert st["developer_outstanding"] == str(sum(Decimal(ln["open"]) for ln in st["lines"]))
