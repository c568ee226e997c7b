"""资金对账: cash handed over to the bank, WeChat clearing settled T+1, a bank statement whose closing balance
becomes a balance assertion, and the reconciliation report: one scenario that ties to zero, one that shows
each kind of unmatched item with its age. Real books, real git, real files, the CLI in-process."""
from __future__ import annotations

import json
import subprocess
from decimal import Decimal as D

import pytest

UNITS = """unit,building,area_m2,type,handover_date,parking_spaces,owner_id
1-0101,1,100.00,residential,2023-12-15,0,O-1
1-0102,1,50.00,residential,2023-12-15,0,O-2
1-0103,1,80.00,residential,2023-12-15,0,O-3
"""
HEAD = "交易日,交易时间,借方金额,贷方金额,余额,摘要,流水号,用途,收(付)方名称\n"


def statement(tmp_path, rows: list[str], name="cmb.csv"):
    path = tmp_path / name
    path.write_text("账号:,755900000000001\n" + HEAD + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def git_log(root) -> list[str]:
    return subprocess.run(["git", "-C", str(root), "log", "--format=%s"], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def ledger_text(root) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((root / "txns").rglob("*.beancount")))


@pytest.fixture
def books(make_books, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-03-20")
    monkeypatch.setenv("WUYE_USER", "会计")  # the one who records (a receipt names who took the money)
    root = make_books(tmp_path, units_text=UNITS)

    def wuye(*args, ok=True):
        r = run_cli(*args, books=root)
        assert (r.rc == 0) == ok, r.err
        return r
    wuye("bill", "2026-03")
    # 1-0101 owes 220.00 + 10.00, 1-0102 110.00 + 10.00, 1-0103 176.00 + 10.00
    wuye("pay", "1-0101", "230.00", "--channel", "cash", "--date", "2026-03-02")
    wuye("pay", "1-0102", "120.00", "--channel", "wechat", "--ref", "W0001", "--date", "2026-03-05")
    wuye("pay", "1-0103", "186.00", "--channel", "wechat", "--ref", "W0002", "--date", "2026-03-05")
    return root, wuye


def report(wuye, *extra) -> dict:
    return json.loads(wuye("report", "reconciliation", "--format", "json", *extra).out)


def test_cash_banked_clearing_settled_statement_ties_to_zero(books, tmp_path):
    root, wuye = books
    before = report(wuye)
    assert before["totals"]["cash_not_banked"] == "230.00"
    assert before["totals"]["clearing_not_settled"] == "306.00"
    assert [(i["kind"], i["date"], i["age_days"], i["amount"]) for i in before["items"]] == [
        ("cash", "2026-03-02", 18, "230.00"), ("clearing", "2026-03-05", 15, "306.00")]

    r = wuye("bank-deposit", "230.00", "--from", "cash", "--to", "CMB", "--date", "2026-03-03", "--slip", "JK0303")
    assert "Assets:Cash -> Assets:Bank:CMB" in r.out
    assert git_log(root)[0] == "bank-deposit 230.00 CNY cash -> Assets:Bank:CMB on 2026-03-03, slip JK0303 (by 会计)"
    # the statement: opening 10,000.00, the cash hand-over, WeChat's payout of 03-05 (120.00 + 186.00) on 03-06
    path = statement(tmp_path, [
        "20260303,10:00:00,,230.00,\"10,230.00\",现金存入,K001,现金缴存,",
        "20260306,09:00:00,,306.00,\"10,536.00\",汇入,K002,微信支付结算20260305,财付通支付科技有限公司",
    ])
    r = wuye("import", str(path), "--json")
    out = json.loads(r.out)
    kinds = {o["txn_id"]: (o["result"], o.get("op")) for k in ("payments", "queued", "skipped", "other")
             for o in out[k]}
    assert kinds["K001"][0] == "skipped"          # the hand-over is booked once: by bank-deposit
    assert kinds["K002"] == ("other", "settle")   # Clearing:WeChat -> Bank, not Transit
    text = ledger_text(root)
    assert "2026-03-07 balance Assets:Bank:CMB" in text and "10536.00 CNY" in text
    assert '2026-03-06 custom "wuye-statement-balance" "Assets:Bank:CMB" 10536.00' in text
    assert "^wechat-settle-20260305" in text and "Assets:Transit" not in text
    assert 'op: "opening"' in text  # the first statement opens the account at 10,000.00

    after = report(wuye)
    assert after["tied"] is True and after["items"] == []
    assert after["totals"]["in_transit"] == "0.00"
    bank = next(a for a in after["accounts"] if a["account"] == "Assets:Bank:CMB")
    assert bank["balance"] == "10536.00"
    assert bank["statement"] == {"date": "2026-03-06", "balance": "10536.00", "difference": "0.00"}
    # importing the same statement again adds nothing; the hand-over stays matched once
    n = len(git_log(root))
    wuye("import", str(path))
    assert len(git_log(root)) == n


def test_each_unmatched_item_with_its_age(books, tmp_path):
    root, wuye = books
    wuye("pay", "1-0101", "50.00", "--channel", "bank", "--ref", "B0001", "--date", "2026-03-04", "--prepay")
    wuye("bank-deposit", "200.00", "--to", "CMB", "--date", "2026-03-03")   # 30.00 stays in the cash box
    path = statement(tmp_path, [
        "20260303,10:00:00,,200.00,\"10,200.00\",现金存入,K001,现金缴存,",
        "20260306,09:00:00,,300.00,\"10,500.00\",汇入,K002,微信支付结算20260305,财付通支付科技有限公司",
        "20260308,09:00:00,,500.00,\"11,000.00\",汇入,K003,提现,支付宝（中国）网络技术有限公司",
        "20260309,09:00:00,,99.00,\"11,099.00\",汇入,K004,物业费,某某",
    ])
    r = wuye("import", str(path), "--json")
    warnings = [w for f in json.loads(r.out)["files"] for w in f["warnings"]]
    assert any("no balance assertion written" in w and "difference 50.00" in w for w in warnings), warnings
    text = ledger_text(root)
    assert "balance Assets:Bank:CMB" not in text  # the books hold 50.00 the bank does not show
    wuye("pay", "1-0102", "10.00", "--channel", "wechat", "--ref", "W0003", "--date", "2026-03-12", "--prepay")

    data = report(wuye)
    assert data["tied"] is False
    got = sorted((i["kind"], i["date"], i["age_days"], i["amount"]) for i in data["items"])
    assert got == sorted([
        ("cash", "2026-03-02", 18, "30.00"),          # cash received, not banked
        ("clearing", "2026-03-05", 15, "306.00"),     # WeChat's 03-05: the 300.00 payout matched no day
        ("clearing", "2026-03-12", 8, "10.00"),       # not paid out yet
        ("transit", "2026-03-06", 14, "-300.00"),     # payouts the clearing side does not show
        ("transit", "2026-03-08", 12, "-500.00"),
        ("suspense", "2026-03-09", 11, "99.00"),      # unidentified receipt (queue)
        ("bank", "2026-03-09", 11, "50.00"),          # books 11,149.00, statement 11,099.00
    ])
    totals = data["totals"]
    assert totals["cash_not_banked"] == "30.00" and totals["clearing_not_settled"] == "316.00"
    assert totals["unmatched_items"] == 7
    # an earlier as-of sees only what existed then
    early = report(wuye, "--as-of", "2026-03-04")
    assert sorted((i["kind"], i["amount"]) for i in early["items"]) == [("cash", "30.00")]
    # the same report as text, CSV and HTML carries every item
    txt = wuye("report", "reconciliation").out
    assert "未达账项" in txt and "Q2026-0001" in txt and "306.00" in txt
    csv = wuye("report", "reconciliation", "--format", "csv").out
    assert csv.count("\n") >= 2 + 5 + 7


def test_refusals(books):
    root, wuye = books
    n = len(git_log(root))
    r = wuye("bank-deposit", "230.01", "--to", "CMB", "--date", "2026-03-03", ok=False)
    assert "230.00" in r.err and "230.01" in r.err
    r = wuye("bank-deposit", "100", "--date", "2026-03-01", ok=False)  # before the cash arrived
    assert "Assets:Cash" in r.err
    r = wuye("settle", "wechat", "306.01", "--date", "2026-03-06", ok=False)
    assert "Assets:Clearing:WeChat" in r.err
    r = wuye("bank-deposit", "10", "--to", "Assets:Bank:cmb x", ok=False)
    r = wuye("bank-deposit", "10", "--slip", "13812345678", ok=False)
    assert "personal data" in r.err
    assert len(git_log(root)) == n
    r = wuye("settle", "wechat", "306.00", "--date", "2026-03-06", "--dry-run")
    assert "^wechat-settle-20260305" in r.out and "nothing written" in r.out
    r = wuye("bank-deposit", "230.00", "--to", "CMB", "--date", "2026-03-03", "--dry-run")
    assert "Assets:Cash" in r.out and "-230.00 CNY" in r.out
    assert len(git_log(root)) == n and "bank-deposit" not in ledger_text(root)
    r = wuye("settle", "wechat", "306.00", "--date", "2026-03-06", "--ref", "WXS0305")
    assert git_log(root)[0] == ("settle wechat 306.00 CNY for 2026-03-05: Assets:Clearing:WeChat -> Assets:Bank:CMB "
                                "on 2026-03-06 (by 会计)")
    data = report(wuye)
    assert [i["kind"] for i in data["items"]] == ["cash"]
    assert D(data["totals"]["clearing_not_settled"]) == 0
