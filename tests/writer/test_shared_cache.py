"""The fact cache is shared by every process on the books. A process that read a month file before
another's write, or during a write that was then rolled back, must not leave the cache saying something
the file does not: a writer numbers receipts from it (CI once saw 'receipt SJ2026-000036 used twice'
from eight concurrent writers)."""
from __future__ import annotations

from conftest import JUNE, git, receipts, wuye

from ledger.books.cache import FactCache
from ledger.books.files import sha256_bytes
from ledger.books.folder import Books

PAYMENT = """
2026-06-15 * "stray" "a write that was rolled back"
  op: "pay"
  unit: "{unit}"
  receipt: "SJ2026-000001"
  channel: "cash"
  Assets:Cash  10.00 CNY
  Liabilities:Prepaid:{unit}  -10.00 CNY
"""


def cache_receipts(root) -> list[str]:
    cache = FactCache(root)
    try:
        return sorted(r for (r,) in cache.q("SELECT receipt FROM txns WHERE op='pay'"))
    finally:
        cache.close()


def test_a_read_from_before_a_write_is_not_put_back_over_it(books, units):
    path = books / JUNE
    old = path.read_bytes()
    assert wuye(books, "pay", units[0], "10.00", "--channel", "cash").returncode == 0
    late = FactCache(books)  # another process, which read the month file before that payment
    try:
        assert late.ingest(JUNE, old.decode("utf-8"), sha256_bytes(old)) is None
        assert late.known()[JUNE] == sha256_bytes(path.read_bytes())
    finally:
        late.close()
    assert cache_receipts(books) == ["SJ2026-000001"]
    assert wuye(books, "pay", units[1], "10.00", "--channel", "cash").returncode == 0
    assert receipts(books) == ["SJ2026-000001", "SJ2026-000002"]


def test_a_writer_does_not_number_from_a_rolled_back_write_another_process_read(books, units):
    writer = Books(books)  # opened (and its cache synced) before the other write began
    path = books / JUNE
    committed = path.read_bytes()
    path.write_text(committed.decode("utf-8") + PAYMENT.format(unit=units[0]), encoding="utf-8")
    reader = FactCache(books)  # a process that opened the books while that write was on disk
    try:
        reader.sync([JUNE])
    finally:
        reader.close()
    assert cache_receipts(books) == ["SJ2026-000001"]
    path.write_bytes(committed)  # the write is rolled back; HEAD never moved
    assert git(books, "status", "--porcelain") == ""
    from ledger.payments.pay import record_payment
    import datetime as dt

    result = record_payment(writer, units[1], "10.00", "cash", dt.date(2026, 6, 15))
    writer.close()
    assert result is not None
    assert receipts(books) == ["SJ2026-000001"]  # not 000002: no gap for a payment that never was
    assert cache_receipts(books) == ["SJ2026-000001"]
    res = wuye(books, "check")
    assert res.returncode == 0, res.stderr


def test_appended_rows_go_only_onto_the_rows_they_extend(books, units):
    assert wuye(books, "pay", units[0], "10.00", "--channel", "cash").returncode == 0
    cache = FactCache(books)
    try:
        before = cache.q("SELECT COUNT(*) FROM txns WHERE file=?", (JUNE,))[0][0]
        sha = cache.known()[JUNE]
        # rows for the bytes before that payment would add the payment a second time
        assert cache.append(JUNE, [], "0" * 64, base="f" * 64) is False
        assert cache.known()[JUNE] == sha
        assert cache.q("SELECT COUNT(*) FROM txns WHERE file=?", (JUNE,))[0][0] == before
    finally:
        cache.close()
