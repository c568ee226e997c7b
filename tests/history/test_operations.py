"""The operations log reads each commit's value dates from its diff once and keeps them in the fact cache
by commit id: with the cache, after more commits and after a commit of the cache's own, the log is
the one read from git alone."""
from __future__ import annotations

import subprocess

from ledger.books import history
from ledger.books.folder import Books

from .test_verified import CONFIG, UNITS  # noqa: F401  (same small books)


def test_value_dates_kept_in_the_cache_are_those_of_the_diffs(tmp_path, make_books, run_cli, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-02-10")
    root = make_books(tmp_path, CONFIG, UNITS)
    assert run_cli("bill", "--from", "2026-01", "--to", "2026-02", books=root).rc == 0
    assert run_cli("pay", "1-0101", "50", "--channel", "cash", "--date", "2026-02-03", books=root).rc == 0
    books = Books(root)
    try:
        plain = history.operations(root, 5)
        assert history.operations(root, 5, cache=books.cache) == plain  # read from git, then kept
        assert books.cache.derived(f"value-dates {plain[0].sha}", plain[0].sha) == ["2026-02-03"]
        assert history.operations(root, 5, cache=books.cache) == plain  # read from the cache
    finally:
        books.close()
    # two more commits: the new ones are read from their diffs, the older ones from the cache
    assert run_cli("pay", "1-0102", "20", "--channel", "cash", "--date", "2026-01-28", books=root).rc == 0
    assert run_cli("contact", "1-0101", "--channel", "phone", "--outcome", "答应月底交", "--date", "2026-02-09",
                   books=root).rc == 0
    books = Books(root)
    try:
        plain = history.operations(root, 7)
        cached = history.operations(root, 7, cache=books.cache)
        assert cached == plain
        assert [op.value_span for op in cached[:2]] == ["2026-02-09", "2026-01-28"]
        assert [op.value_span for op in cached if op.subject.startswith("bill ")] == ["2026-01-01..2026-02-01"]
        # a commit that records no entry (a hand commit of a note) has no value dates, cached as such
        (root / "NOTE.md").write_text("交接\n", encoding="utf-8")
        subprocess.run(["git", "-C", str(root), "add", "NOTE.md"], check=True)
        subprocess.run(["git", "-C", str(root), "commit", "-qm", "note"], check=True)
        assert history.operations(root, 8, cache=books.cache) == history.operations(root, 8)
        assert history.operations(root, 8, cache=books.cache)[0].value_dates == ()
    finally:
        books.close()
