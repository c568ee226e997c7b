"""Every entry a commit writes carries `recorded` (the books' clock, WUYE_NOW / WUYE_TODAY 09:00 in
tests) and `by` (the operator); the operations log shows each commit's value dates."""
from __future__ import annotations

from .conftest import Wuye, make_books


def test_every_entry_says_when_and_by_whom_it_was_recorded(tmp_path, monkeypatch):
    w = Wuye(make_books(tmp_path), monkeypatch)
    w.today("2024-01-15")
    monkeypatch.setenv("WUYE_NOW", "2024-01-15T10:22:03+08:00")
    w.ok("bill", "2024-01")
    monkeypatch.delenv("WUYE_NOW")
    w.today("2024-02-03")
    w.ok("pay", "1-0302", "100.00", "--channel", "cash", "--date", "2024-01-20")
    jan = (w.root / "txns/2024/2024-01.beancount").read_text(encoding="utf-8")
    assert jan.count('recorded: "2024-01-15T10:22:03+08:00"') == 3  # three bills
    pay = jan[jan.index("op: \"pay\""):]
    assert 'recorded: "2024-02-03T09:00:00+08:00"' in pay and 'by: "林小红"' in pay
    # the operations log shows the value date beside the commit
    log = w.ok("log").out.splitlines()
    assert log[0].endswith("[value 2024-01-20]")
    assert log[1].endswith("[value 2024-01-01]")
