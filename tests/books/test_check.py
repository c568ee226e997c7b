"""`wuye check`: beancount's full load plus invariants; the derived cache is compared with the ledger."""
from __future__ import annotations

import sqlite3

CONFIG = """\
community: {name: 测试苑, currency: CNY, books_start: 2026-01-01}
units_file: units.csv
fees:
  PF: {name: 物业服务费, basis: area, rates: [{from: 2026-01-01, residential: "2.00"}]}
"""
UNITS = "unit,building,area_m2,type,handover_date,parking_spaces,owner_id\n1-0101,1,100.00,residential,2025-12-01,0,O-1\n"


def test_check_finds_a_cache_that_drifted_from_the_ledger(tmp_path, make_books, run_cli, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-02-10")
    books = make_books(tmp_path, CONFIG, UNITS)
    assert run_cli("bill", "--from", "2026-01", "--to", "2026-02", books=books).rc == 0
    assert run_cli("pay", "1-0101", "150", "--channel", "cash", books=books).rc == 0
    assert run_cli("check", books=books).rc == 0
    db = sqlite3.connect(books / ".wuye" / "cache.sqlite")
    db.execute("UPDATE postings SET cents = cents + 1 WHERE acct='money'")   # the cache lies about the money
    db.commit()
    db.close()
    res = run_cli("check", books=books)
    assert res.rc == 1 and "cached postings differ from the ledger" in res.err and "wuye sync" in res.err
    assert run_cli("sync", books=books).rc == 0
    assert run_cli("check", books=books).rc == 0


def test_check_reports_a_void_of_an_unknown_receipt_and_gaps(tmp_path, make_books, run_cli, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-02-10")
    books = make_books(tmp_path, CONFIG, UNITS)
    run_cli("bill", "2026-01", books=books)
    for n in range(3):
        assert run_cli("pay", "1-0101", "10", "--channel", "cash", books=books).rc == 0
    month = books / "txns/2026/2026-02.beancount"
    text = month.read_text(encoding="utf-8")
    # hand-edit (committed, so the writer's guards are not involved): receipt 2 disappears
    start = text.index('"收款 SJ2026-000002')
    start = text.rindex("\n\n", 0, start) + 2
    end = text.index("\n\n", start) + 2
    month.write_text(text[:start] + text[end:], encoding="utf-8")
    import subprocess
    subprocess.run(["git", "-C", str(books), "commit", "-qam", "hand edit"], check=True)
    res = run_cli("check", books=books)
    assert res.rc == 1 and "numbers missing: SJ2026-000002" in res.err


def test_the_digest_comparison_finds_what_the_row_comparison_finds(tmp_path, make_books, run_cli, monkeypatch):
    """Large books compare the cache by row digests from a second process (integrity.DIGEST_BYTES); on
    these small books both ways are run and must agree: no problem on a true cache, the same problems on a
    cache that lies, on one that lost a file's rows and on one whose posting moved to another transaction."""
    from ledger.books import integrity
    from ledger.books.folder import Books

    monkeypatch.setenv("WUYE_TODAY", "2026-02-10")
    books = make_books(tmp_path, CONFIG, UNITS)
    assert run_cli("bill", "--from", "2026-01", "--to", "2026-02", books=books).rc == 0
    assert run_cli("pay", "1-0101", "150", "--channel", "cash", books=books).rc == 0
    assert run_cli("pay", "1-0101", "50", "--channel", "cash", books=books).rc == 0

    def both() -> tuple[list, list]:
        b = Books(books)
        try:
            return integrity.check_books(b, digests=True), integrity.check_books(b, digests=False)
        finally:
            b.close()

    fast, full = both()
    assert fast == full == []
    lies = [
        "UPDATE postings SET cents = cents + 1 WHERE acct='money'",
        # the two payments' money postings swap transactions: every row is still there, the pairing is not
        "UPDATE postings SET txn = (SELECT MAX(id) + MIN(id) FROM txns WHERE op='pay') - txn "
        "WHERE acct='money' AND txn IN (SELECT id FROM txns WHERE op='pay')",
        "DELETE FROM postings WHERE rowid = (SELECT MIN(rowid) FROM postings)",
    ]
    for lie in lies:
        db = sqlite3.connect(books / ".wuye" / "cache.sqlite")
        db.execute(lie)
        db.commit()
        db.close()
        b = Books(books)
        try:
            fast = integrity.check_books(b, digests=True)
        finally:
            b.close()
        assert fast, lie  # the lie is seen
        assert any("differ from the ledger" in p.message for p in fast), (lie, fast)
        b = Books(books)
        b.cache.clear()
        b.close()
        assert both() == ([], [])  # rebuilt from the files: true again
