"""Period close (wuye close / reopen), the refusal of writes dated in a closed month, reports as of a
close.

The scenario's whole ledger is compared with close_golden/expected.beancount (regenerate with
WUYE_GOLDEN_UPDATE=1 and read the diff); the figures asserted are counted by hand from BASE_CONFIG:
1-0302 is 89.36 m2 x 2.20 = 196.59 PF + 10.00 GC a month, 1-0401 120 x 2.20 = 264.00 + 10.00, and
2-0101 (not handed over) 220.00 + 10.00 to the developer.
"""
from __future__ import annotations

import os
import re

from .conftest import HERE, Wuye, git, ledger_snapshot, make_books

GOLDEN = HERE / "close_golden" / "expected.beancount"


def balances(root, period: str) -> dict[str, str]:
    text = (root / "txns" / "closes" / f"{period}.beancount").read_text(encoding="utf-8")
    return {a: v for a, v in re.findall(r"^\d{4}-\d{2}-\d{2} balance (\S+)\s+(-?[\d.]+) CNY", text, re.M)}


def test_close_refuse_reopen_close_again(tmp_path, monkeypatch):
    w = Wuye(make_books(tmp_path), monkeypatch)
    w.today("2024-01-15")
    w.ok("bill", "2024-01")
    w.ok("pay", "1-0302", "100.00", "--channel", "cash", "--date", "2024-01-15")
    w.ok("pay", "1-0401", "300.00", "--channel", "bank", "--ref", "B1", "--date", "2024-01-15")
    # not over yet
    r = w.refused("close", "2024-01")
    assert "2024-01 is not over" in r.err
    w.today("2024-02-03")
    r = w.ok("close", "2024-01")
    assert "tag close/2024-01" in r.out
    assert git(w.root, "tag", "--list").split() == ["close/2024-01"]
    assert git(w.root, "rev-parse", "close/2024-01").strip() == git(w.root, "rev-parse", "HEAD").strip()
    b = balances(w.root, "2024-01")
    # by hand: 196.59 + 10.00 - 100.00; 274.00 - 274.00 with 26.00 left as credit; developer 230.00
    assert b["Assets:Receivable:Unit:1-0302"] == "106.59"
    assert b["Assets:Receivable:Unit:1-0401"] == "0.00"
    assert b["Liabilities:Credit:Unit:1-0401"] == "-26.00"
    assert b["Assets:Receivable:Developer"] == "230.00"
    assert b["Assets:Cash"] == "100.00" and b["Assets:Bank:CMB"] == "300.00"
    assert b["Assets:Suspense:Unidentified"] == "0.00"
    assert "2024-02-01 balance Assets:Cash" in (w.root / "txns/closes/2024-01.beancount").read_text(encoding="utf-8")
    # every command that would write into January is refused with the reason, the books unchanged
    for cmd in (["pay", "1-0302", "50.00", "--channel", "cash", "--date", "2024-01-20"],
                ["void", "SJ2024-000001", "--reason", "录错", "--date", "2024-01-31"],
                ["waive", "1-0302", "10.00", "--item", "GC", "--period", "2024-01", "--reason", "停水",
                 "--approved-by", "林小红", "--date", "2024-01-31"]):
        r = w.refused(*cmd)
        assert "2024-01 is closed (through 2024-01-31" in r.err, r.err
        assert "wuye reopen 2024-01" in r.err
    # after the close: February is open
    w.ok("pay", "1-0302", "6.59", "--channel", "cash", "--date", "2024-02-03")
    # out of order, already closed, before the books
    assert "next month to close is 2024-02" in w.refused("close", "2024-03").err
    assert "already closed" in w.refused("close", "2024-01").err
    assert "before the books' first month" in w.refused("close", "2023-12").err
    # February closed before it was billed: the billing run is refused like any write
    w.today("2024-03-02")
    w.ok("close", "2024-02")
    r = w.refused("bill", "2024-02")
    assert "2024-02 is closed" in r.err
    assert "only the last closed month 2024-02" in w.refused("reopen", "2024-01", "--reason", "x",
                                                            "--approved-by", "林小红").err
    assert "is not closed" in w.refused("reopen", "2024-03", "--reason", "x", "--approved-by", "林小红").err
    # reopen: a logged commit; the assertions become comments; the month can be written again
    w.ok("reopen", "2024-02", "--reason", "二月未开账", "--approved-by", "林小红")
    assert w.last_message().startswith("reopen 2024-02: 二月未开账 (approved by 林小红)")
    assert balances(w.root, "2024-02") == {}
    w.ok("bill", "2024-02")
    w.check()
    r = w.ok("close", "2024-02")
    assert "tag close/2024-02-2" in r.out
    assert balances(w.root, "2024-02")["Assets:Receivable:Unit:1-0302"] == "306.59"  # 100.00 + 206.59
    assert sorted(git(w.root, "tag", "--list").split()) == ["close/2024-01", "close/2024-02", "close/2024-02-2"]
    w.check()  # the full load checks every assertion
    actual = ledger_snapshot(w.root)
    if os.environ.get("WUYE_GOLDEN_UPDATE") == "1":
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8")


def test_reports_as_of_a_close(tmp_path, monkeypatch):
    w = Wuye(make_books(tmp_path), monkeypatch)
    w.today("2024-01-15")
    w.ok("bill", "2024-01")
    w.today("2024-02-02")
    w.ok("close", "2024-01")
    at_close = w.ok("report", "arrears", "--as-of-close", "2024-01", "--format", "json").out
    # a later payment dated in February changes nothing as of the close
    w.ok("pay", "1-0302", "206.59", "--channel", "cash", "--date", "2024-02-02")
    assert w.ok("report", "arrears", "--as-of-close", "2024-01", "--format", "json").out == at_close
    assert w.ok("report", "arrears", "--commit", "close/2024-01", "--as-of", "2024-01-31",
                "--format", "json").out == at_close
    assert '"as_of": "2024-01-31"' in at_close and "206.59" in at_close
    assert "no close tag for 2023-11" in w.run("report", "arrears", "--as-of-close", "2023-11").err
