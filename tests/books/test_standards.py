"""`wuye standard`: a fee-standard change is a new dated line in config.yaml, one reviewable commit."""
from __future__ import annotations

import subprocess

CONFIG = """\
# 测试苑: comments survive a change of standard
community: {name: 测试苑, currency: CNY, books_start: 2026-01-01}
units_file: units.csv
fees:
  PF:
    name: 物业服务费
    basis: area              # 元/㎡/月
    rates:
      - {from: 2026-01-01, residential: "2.20", commercial: "5.00"}
  PK: {name: 车位管理费, basis: parking, rates: [{from: 2026-01-01, all: "80.00"}]}
"""
UNITS = "unit,building,area_m2,type,handover_date,parking_spaces,owner_id\n1-0101,1,100.00,residential,2025-12-01,1,O-1\n"


def git(books, *args):
    return subprocess.run(["git", "-C", str(books), *args], capture_output=True, text=True, check=True).stdout


def test_new_standard_is_one_added_line_and_bills_from_its_date(tmp_path, make_books, run_cli, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-02-10")
    books = make_books(tmp_path, CONFIG, UNITS)
    assert run_cli("bill", "--from", "2026-01", "--to", "2026-02", books=books).rc == 0
    res = run_cli("standard", "PF", "--from", "2026-04-01", "--residential", "2.40", books=books)
    assert res.rc == 0, res.err
    assert "fee standard PF 物业服务费: residential 2.20 -> 2.40 from 2026-04-01" in res.out
    diff = git(books, "show", "--format=", "HEAD", "--", "config.yaml")
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert changed == ['+      - {from: 2026-04-01, residential: "2.40", commercial: "5.00"}']
    assert "# 测试苑: comments survive" in (books / "config.yaml").read_text(encoding="utf-8")
    log = run_cli("log", "-n", "1", books=books).out
    assert "fee standard PF residential: 2.20 -> 2.40 from 2026-04-01" in log
    assert "commercial" not in log.split("\n", 1)[1]          # the commercial price did not change

    monkeypatch.setenv("WUYE_TODAY", "2026-04-05")
    assert run_cli("bill", "--from", "2026-03", "--to", "2026-04", books=books).rc == 0
    text = (books / "txns/2026/2026-04.beancount").read_text(encoding="utf-8")
    assert "Assets:Receivable:Unit:1-0101   240.00 CNY" in text and 'rate-from: "2026-04-01"' in text
    assert "220.00 CNY" in (books / "txns/2026/2026-03.beancount").read_text(encoding="utf-8")

    # one-line flow lists are extended in place too
    assert run_cli("standard", "PK", "--from", "2026-07-01", "--all", "90", books=books).rc == 0
    assert 'rates: [{from: 2026-01-01, all: "80.00"}, {from: 2026-07-01, all: "90.00"}]' in \
        (books / "config.yaml").read_text(encoding="utf-8")
    assert run_cli("check", books=books).rc == 0


def test_standard_refusals_write_nothing(tmp_path, make_books, run_cli, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-02-10")
    books = make_books(tmp_path, CONFIG, UNITS)
    run_cli("bill", "2026-02", books=books)
    head = git(books, "rev-parse", "HEAD")
    cases = [(("PF", "--from", "2026-02-01", "--residential", "2.40"), "already billed up to 2026-02"),
             (("PF", "--from", "2025-12-01", "--residential", "2.40"), "must start after the last one"),
             (("PF", "--from", "2026-05-15", "--residential", "2.40"), "first day of a month"),
             (("XX", "--from", "2026-05-01", "--all", "1"), "unknown fee item 'XX'"),
             (("PF", "--from", "2026-05-01", "--residential", "-1"), "must not be negative"),
             (("PF", "--from", "2026-05-01"), "give at least one price")]
    for args, message in cases:
        res = run_cli("standard", *args, books=books)
        assert res.rc == 2 and message in res.err, (args, res.err)
    assert git(books, "rev-parse", "HEAD") == head and git(books, "status", "--porcelain") == ""
