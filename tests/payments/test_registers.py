"""Registers (wuye report receipts | daily | deposits | unidentified) against figures counted by hand
on a small scenario built with the CLI (BASE_CONFIG; collector 林小红 from WUYE_USER):

2024-01-15  SJ2024-000001 1-0302 100.00 cash; SJ2024-000002 1-0401 300.00 bank; SJ2024-000003 1-0302
            50.00 cash, voided the same day
2024-01-16  refund 1-0401 10.00 cash from its credit (300.00 - 274.00 = 26.00); SJ2024-000004 1-0302
            6.59 wechat
2024-01-17  SJ2024-000004 refunded (--receipt)
"""
from __future__ import annotations

import json
import re
from decimal import Decimal as D

from .conftest import Wuye, git, make_books


def rep(w, name, *args):
    return json.loads(w.ok("report", name, "--format", "json", *args).out)


def scenario(tmp_path, monkeypatch) -> Wuye:
    w = Wuye(make_books(tmp_path), monkeypatch)
    w.today("2024-01-15")
    w.ok("bill", "2024-01")
    w.ok("pay", "1-0302", "100.00", "--channel", "cash")
    w.ok("pay", "1-0401", "300.00", "--channel", "bank", "--ref", "B1")
    w.ok("pay", "1-0302", "50.00", "--channel", "cash")
    w.ok("void", "SJ2024-000003", "--reason", "重复收款")
    w.today("2024-01-16")
    w.ok("refund", "1-0401", "10.00", "--channel", "cash", "--reason", "退多缴")
    w.ok("pay", "1-0302", "6.59", "--channel", "wechat", "--ref", "W1")
    w.today("2024-01-17")
    w.ok("refund", "1-0302", "--channel", "wechat", "--reason", "重复支付", "--receipt", "SJ2024-000004")
    return w


def test_receipts_daily_and_queue_registers(tmp_path, monkeypatch):
    w = scenario(tmp_path, monkeypatch)
    d = rep(w, "receipts")
    assert [(r["receipt"], r["amount"], r["status"]) for r in d["receipts"]] == [
        ("SJ2024-000001", "100.00", "paid"), ("SJ2024-000002", "300.00", "paid"),
        ("SJ2024-000003", "50.00", "voided"), ("SJ2024-000004", "6.59", "refunded")]
    assert d["gaps"] == 0 and d["series"] == [{"series": "SJ2024", "first": "SJ2024-000001", "last": "SJ2024-000004",
                                               "count": 4, "missing": []}]
    assert [(x["date"], x["op"], x["receipt"], x["amount"]) for x in d["reversals"]] == [
        ("2024-01-15", "void", "SJ2024-000003", "-50.00"), ("2024-01-16", "refund", "", "-10.00"),
        ("2024-01-17", "refund", "SJ2024-000004", "-6.59")]
    text = w.ok("report", "receipts").out
    assert "无缺号（共 4 张收据）" in text
    # the day's collections: voids and refunds on their own lines and dates
    d = rep(w, "daily", "--date", "2024-01-15")
    assert (d["receipts"], d["voids"], d["refunds"]) == (3, 1, 0)
    assert (d["total"], d["net"]) == ("450.00", "400.00")
    assert d["by_channel"]["cash"] == {"pay": "150.00", "void": "-50.00", "net": "100.00"}
    assert d["by_channel"]["bank"] == {"pay": "300.00", "net": "300.00"}
    assert d["by_collector"] == {"林小红": {"pay": "450.00", "void": "-50.00", "net": "400.00"}}
    assert (d["cash_in"], d["cash_out"], d["cash_net"], d["cash_balance"]) == ("150.00", "50.00", "100.00", "100.00")
    d = rep(w, "daily", "--date", "2024-01-16")
    assert (d["receipts"], d["refunds"], d["total"], d["net"]) == (1, 1, "6.59", "-3.41")
    assert (d["cash_out"], d["cash_balance"]) == ("10.00", "90.00")
    d = rep(w, "daily", "--date", "2024-01-17")
    assert (d["receipts"], d["refunds"], d["net"], d["by_channel"]["wechat"]["refund"]) == (0, 1, "-6.59", "-6.59")
    # nothing deposited or unidentified in this scenario: empty registers, zero balances
    assert rep(w, "deposits")["held"] == "0.00"
    u = rep(w, "unidentified")
    assert (u["open"], u["open_total"], u["ledger"]) == (0, "0.00", "0.00")
    # every register exports (the one writer)
    for name in ("receipts", "daily", "deposits", "unidentified"):
        out = tmp_path / f"{name}.xlsx"
        w.ok("report", name, "--output", str(out))
        assert out.read_bytes()[:2] == b"PK"


def test_a_missing_receipt_is_listed(tmp_path, monkeypatch):
    w = scenario(tmp_path, monkeypatch)
    month = w.root / "txns/2024/2024-01.beancount"
    text = month.read_text(encoding="utf-8")
    # take SJ2024-000002 out by hand (a plain git commit, outside wuye)
    entries = text.split("\n\n")
    kept = [e for e in entries if "SJ2024-000002" not in e or "op: \"pay\"" not in e]
    assert len(kept) == len(entries) - 1
    month.write_text("\n\n".join(kept), encoding="utf-8")
    git(w.root, "commit", "-qam", "hand edit")
    d = rep(w, "receipts")
    assert d["gaps"] == 1 and d["series"][0]["missing"] == ["SJ2024-000002"]
    assert "缺号 1 个" in w.ok("report", "receipts").out
    # the highest number ever issued (verified.json) counts too: the last one deleted is still a gap
    kept = [e for e in kept if "SJ2024-000004" not in e or not re.search(r'op: "(pay|refund)"', e)]
    month.write_text("\n\n".join(kept), encoding="utf-8")
    git(w.root, "commit", "-qam", "hand edit 2")
    assert rep(w, "receipts")["series"][0]["missing"] == ["SJ2024-000002", "SJ2024-000004"]
