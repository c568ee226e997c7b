"""The snapshot of item sums (cache.snapshot, read by facts.unit_balances and ledger_balances for every
unit) gives at every date the figures summed from every posting, whatever the books went through:
writes in any month, a git reset that changes an earlier month under it, a corrupted snapshot row."""
from __future__ import annotations

import datetime as dt
import itertools
import shutil
import sqlite3
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ledger.books import facts
from ledger.books.folder import Books
from tests.payments.conftest import git, run_cli
from tests.scale.test_fast_paths import base_books  # noqa: F401  (the module's books fixture)

UNITS = ("1-0302", "1-0401")
_counter = itertools.count()
DATES = [dt.date(2024, m, d) for m in range(1, 8) for d in (1, 15, 28)] + [dt.date(2030, 1, 1), dt.date.max]


def summed(rows) -> dict:
    """The rows a rate folds, as {(key, period, month, class): amount} without zeros (their order and a
    split of one group into two rows do not change a figure)."""
    out: dict = {}
    for key, period, dm, cls, amount in rows:
        out[(key, period, dm, cls)] = out.get((key, period, dm, cls), Decimal(0)) + amount
    return {k: v for k, v in out.items() if v}


def assert_snapshot_figures(root) -> None:
    from ledger.reports import rates

    books = Books(root)
    try:
        for day in DATES:
            assert facts.unit_balances(books.cache, day) == facts.unit_balances(books.cache, day, snapshot=False), day
            assert facts.ledger_balances(books.cache, day) == facts.ledger_balances(books.cache, day, snapshot=False), day
            for by, developer, excluded in ((None, True, rates.excluded_items(books.config)), ("item", True, ("LATE",)),
                                            (None, False, ())):
                fast = facts.receivable_class_rows(books.cache, day, developer, excluded, by=by)
                full = facts.receivable_class_rows(books.cache, day, developer, excluded, by=by, snapshot=False)
                assert summed(fast) == summed(full), (day, by, developer)
        for month in ("2024-03", "2024-06"):  # the report's figures themselves: one rate, and month by month
            day = dt.date(2024, 6, 30)
            assert (rates.collection_rates(books, month, as_of=day).total
                    == rates.collection_rates(books, month, as_of=day,
                                              _rows=facts.receivable_class_rows(
                                                  books.cache, day, True, rates.excluded_items(books.config),
                                                  snapshot=False)).total), month
        assert books.cache.snapshot_differences() == []
    finally:
        books.close()


ops = st.one_of(
    st.tuples(st.just("bill")),
    st.tuples(st.just("pay"), st.sampled_from(UNITS), st.integers(1, 80_000).map(lambda c: f"{Decimal(c) / 100:.2f}"),
              st.integers(1, 6)),
    st.tuples(st.just("void"), st.integers(1, 4)),
    st.tuples(st.just("reset"), st.integers(1, 3)),
)


@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(script=st.lists(ops, min_size=4, max_size=10))
def test_snapshot_figures_equal_the_sums_of_every_posting(base_books, tmp_path, monkeypatch, script):  # noqa: F811
    root = tmp_path / f"ex{next(_counter)}"
    shutil.copytree(base_books, root)
    billed = 0
    monkeypatch.setenv("WUYE_TODAY", "2024-06-30")
    for op in [("bill",), ("bill",), ("bill",), *script]:
        if op[0] == "bill":
            if billed >= 6:
                continue
            billed += 1
            r = run_cli(root, "bill", f"2024-{billed:02d}")
        elif op[0] == "pay":
            month = min(op[3], max(billed, 1))
            r = run_cli(root, "pay", op[1], op[2], "--channel", "cash", "--date", f"2024-{month:02d}-20")
        elif op[0] == "void":
            r = run_cli(root, "void", f"SJ2024-{op[1]:06d}", "--reason", "作废测试", "--date", "2024-06-30")
        else:  # what a pull that rewrote history would leave: earlier months' bytes change under the snapshot
            n = int(git(root, "rev-list", "--count", "HEAD").strip())
            if n > op[1] + 1:
                git(root, "reset", "-q", "--hard", f"HEAD~{op[1]}")
            continue
        assert r.rc in (0, 2), r.err
        assert_snapshot_figures(root)


def test_a_corrupted_snapshot_row_is_reported_by_check(base_books, tmp_path, monkeypatch):  # noqa: F811
    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    monkeypatch.setenv("WUYE_TODAY", "2024-04-20")
    for p in ("2024-01", "2024-02", "2024-03", "2024-04"):
        assert run_cli(root, "bill", p).rc == 0
    assert run_cli(root, "arrears", "--json").rc == 0  # makes the snapshot
    assert run_cli(root, "check").rc == 0
    db = sqlite3.connect(root / ".wuye" / "cache.sqlite")
    (n,) = db.execute("SELECT COUNT(*) FROM snap WHERE acct='ar'").fetchone()
    assert n > 0
    db.execute("UPDATE snap SET cents = cents + 100 WHERE rowid = (SELECT MIN(rowid) FROM snap WHERE acct='ar')")
    db.commit()
    db.close()
    r = run_cli(root, "check", "--json")
    assert r.rc == 1 and any("item snapshot" in p["message"] for p in r.json()["problems"])


def test_a_corrupted_rate_snapshot_row_is_reported_by_check_and_changes_the_rates(base_books, tmp_path,  # noqa: F811
                                                                                  monkeypatch):
    """The rates read the class snapshot (so a wrong row there would be a wrong rate): check compares it."""
    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    monkeypatch.setenv("WUYE_TODAY", "2024-04-20")
    for p in ("2024-01", "2024-02", "2024-03", "2024-04"):
        assert run_cli(root, "bill", p).rc == 0
    before = run_cli(root, "report", "rates", "--period", "2024-02..2024-04", "--format", "json")
    assert before.rc == 0 and run_cli(root, "check").rc == 0
    db = sqlite3.connect(root / ".wuye" / "cache.sqlite")
    (n,) = db.execute("SELECT COUNT(*) FROM csnap WHERE cls='charge'").fetchone()
    assert n > 0  # the rates above made it
    db.execute("UPDATE csnap SET cents = cents + 100 WHERE rowid = (SELECT MIN(rowid) FROM csnap WHERE cls='charge')")
    db.commit()
    db.close()
    assert run_cli(root, "report", "rates", "--period", "2024-02..2024-04", "--format", "json").json() != before.json()
    r = run_cli(root, "check", "--json")
    assert r.rc == 1 and any("item snapshot" in p["message"] for p in r.json()["problems"])
