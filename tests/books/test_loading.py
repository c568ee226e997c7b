"""ledger/books/loading.py: beancount's loader less the pad plugin where there is no pad gives what
beancount's own loader gives, entries, errors and options; books with a pad get the pad plugin."""
from __future__ import annotations

import gc
import subprocess

from beancount import loader
from beancount.core import data

from ledger.books import loading

CONFIG = """\
community: {name: 测试苑, currency: CNY, books_start: 2026-01-01}
units_file: units.csv
fees:
  PF: {name: 物业服务费, basis: area, rates: [{from: 2026-01-01, residential: "2.00"}]}
"""
UNITS = ("unit,building,area_m2,type,handover_date,parking_spaces,owner_id\n"
         "1-0101,1,100.00,residential,2025-12-01,0,O-1\n1-0102,1,80.00,residential,2025-12-01,0,O-2\n")


def hand_edited(tmp_path, make_books, run_cli, monkeypatch, text: str):
    """Books billed for 2026-01 whose month file then gets `text` appended by hand."""
    monkeypatch.setenv("WUYE_TODAY", "2026-03-10")
    books = make_books(tmp_path, CONFIG, UNITS)
    assert run_cli("bill", "2026-01", books=books).rc == 0
    month = books / "txns/2026/2026-01.beancount"
    month.write_text(month.read_text(encoding="utf-8") + text, encoding="utf-8")
    return books


def both(main):
    ours = loading.load([(str(main), True)])
    theirs = loader._load([(str(main), True)], None, None, None)
    return ours, theirs


def assert_same(ours, theirs):
    assert ours[0] == theirs[0]
    assert [(e.message, (e.source or {}).get("lineno")) for e in ours[1]] == \
           [(e.message, (e.source or {}).get("lineno")) for e in theirs[1]]
    opts, theirs_opts = ours[2], theirs[2]
    assert set(opts) == set(theirs_opts)
    for key in opts:
        if key == "dcontext":  # no __eq__: compared by what it prints
            assert str(opts[key]) == str(theirs_opts[key])
        else:
            assert opts[key] == theirs_opts[key], key


def test_books_with_payments_load_as_beancount_loads_them(tmp_path, make_books, run_cli, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-03-10")
    books = make_books(tmp_path, CONFIG, UNITS)
    assert run_cli("bill", "--from", "2026-01", "--to", "2026-03", books=books).rc == 0
    assert run_cli("pay", "1-0101", "450", "--channel", "cash", books=books).rc == 0
    assert run_cli("pay", "1-0102", "10", "--channel", "wechat", "--ref", "W1", books=books).rc == 0
    ours, theirs = both(books / "main.beancount")
    assert not any(isinstance(e, data.Pad) for e in ours[0])
    assert len(ours[0]) > 10 and ours[1] == []
    assert_same(ours, theirs)
    # the options as the books wrote them: the plugin list and mode are back as they were
    assert ours[2]["plugin_processing_mode"] == "default"
    assert ours[2]["plugin"] == theirs[2]["plugin"] and ours[2]["plugin"]


def test_a_pad_is_filled_and_an_unused_pad_reported(tmp_path, make_books, run_cli, monkeypatch):
    books = hand_edited(tmp_path, make_books, run_cli, monkeypatch, (
        "\n2026-01-20 pad Assets:Cash Equity:Opening-Balances\n"
        "2026-01-21 balance Assets:Cash 500.00 CNY\n"
        "\n2026-01-22 pad Assets:Bank:CMB Equity:Opening-Balances\n"))
    subprocess.run(["git", "-C", str(books), "commit", "-qam", "hand edit: pads"], check=True)
    ours, theirs = both(books / "main.beancount")
    assert_same(ours, theirs)
    padding = [e for e in ours[0] if isinstance(e, data.Transaction) and e.flag == "P"]
    assert len(padding) == 1 and padding[0].postings[0].units.number == 500
    assert any("Unused Pad entry" in e.message for e in ours[1])
    res = run_cli("check", books=books)
    assert res.rc == 1 and "Unused Pad entry" in res.err


def test_an_error_in_the_books_is_reported_as_beancount_reports_it(tmp_path, make_books, run_cli, monkeypatch):
    books = hand_edited(tmp_path, make_books, run_cli, monkeypatch, (
        '\n2026-01-25 * "hand edit, unbalanced"\n  Assets:Cash  10.00 CNY\n  Income:LateFees  -9.00 CNY\n'
        '\n2026-01-26 * "hand edit, an account never opened"\n  Assets:Nowhere  1.00 CNY\n'
        '  Assets:Cash  -1.00 CNY\n'))
    ours, theirs = both(books / "main.beancount")
    assert len(ours[1]) >= 2
    assert_same(ours, theirs)


def test_the_cycle_collector_is_back_as_it_was_after_a_load(tmp_path, make_books, run_cli, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-03-10")
    books = make_books(tmp_path, CONFIG, UNITS)
    assert run_cli("bill", "2026-01", books=books).rc == 0
    assert gc.isenabled()
    loading.load([(str(books / "main.beancount"), True)])
    assert gc.isenabled()
    assert run_cli("check", books=books).rc == 0
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that paused it itself keeps it paused
        loading.load([(str(books / "main.beancount"), True)])
        assert not gc.isenabled()
    finally:
        gc.enable()
