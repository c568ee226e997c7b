"""Free texts (reasons, outcomes) reach the ledger safely: quotes cannot break it, personal data is refused."""
from __future__ import annotations

CONFIG = """\
community: {name: 测试苑, currency: CNY, books_start: 2026-01-01}
units_file: units.csv
fees:
  PF: {name: 物业服务费, basis: area, rates: [{from: 2026-01-01, residential: "2.00"}]}
"""
UNITS = ("unit,building,area_m2,type,handover_date,parking_spaces,owner_id,name,phone\n"
         "1-0101,1,100.00,residential,2025-12-01,0,O-1,欧阳小明,13800001111\n")


def test_quotes_and_newlines_in_a_reason_do_not_break_the_ledger(tmp_path, make_books, run_cli, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-01-20")
    books = make_books(tmp_path, CONFIG, UNITS)
    run_cli("bill", "2026-01", books=books)
    res = run_cli("waive", "1-0101", "10", "--item", "PF", "--period", "2026-01",
                  "--reason", 'owner said "fix the lift"\nthen paid', "--approved-by", "经理", books=books)
    assert res.rc == 0, res.err
    text = (books / "txns/2026/2026-01.beancount").read_text(encoding="utf-8")
    assert 'reason: "owner said “fix the lift” then paid"' in text
    assert run_cli("check", books=books).rc == 0


def test_an_owners_name_in_a_reason_is_refused(tmp_path, make_books, run_cli, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-01-20")
    books = make_books(tmp_path, CONFIG, UNITS)
    run_cli("bill", "2026-01", books=books)
    res = run_cli("waive", "1-0101", "10", "--item", "PF", "--period", "2026-01",
                  "--reason", "欧阳小明说电梯坏了", "--approved-by", "经理", books=books)
    assert res.rc == 2 and "owner's name" in res.err
