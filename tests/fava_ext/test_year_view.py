"""Fava on one year (ledger/books/yearview.py): the year's files opened by the balances carried forward
give, at every date of the year, the balances of the full books, and the extension pages the same figures."""
from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data

from fava_helpers import served_client
from ledger.books import yearview
from ledger.books.folder import Books

YEAR = 2026


@pytest.fixture
def books(fava_books, tmp_path):
    root = tmp_path / "books"
    shutil.copytree(fava_books, root, ignore=shutil.ignore_patterns(".wuye", ".*.picklecache"))
    return root


def balances(entries, day: dt.date):
    """{(account, item, period): sum} of balance-sheet postings dated on or before `day` (item and period
    only on receivables, where they are the line)."""
    out: dict[tuple, Decimal] = defaultdict(Decimal)
    for e in entries:
        if not isinstance(e, data.Transaction) or e.date > day:
            continue
        for p in e.postings:
            if not p.account.startswith(("Assets:", "Liabilities:")):
                continue
            m = p.meta or {}
            key = (p.account, m.get("item"), m.get("period")) if p.account.startswith("Assets:Receivable") else (
                p.account, None, None)
            out[key] += p.units.number
    return {k: v for k, v in out.items() if v}


def test_the_year_opens_with_the_full_books_balances_and_keeps_them(books):
    b = Books(books)
    path = yearview.write(b, YEAR)
    b.close()
    full, full_errors, _ = loader.load_file(str(books / "main.beancount"))
    year, year_errors, _ = loader.load_file(str(path))
    assert full_errors == [] and year_errors == [], year_errors
    assert sum(1 for e in year if isinstance(e, data.Transaction)) < sum(1 for e in full if isinstance(e, data.Transaction))
    for month in range(1, 13):
        day = dt.date(YEAR, month, 28)
        assert balances(year, day) == balances(full, day), day
    # earlier years' income and expenses are carried as one equity figure, the full books' sum of them
    earlier = sum((p.units.number for e in full if isinstance(e, data.Transaction) and e.date.year < YEAR
                   for p in e.postings if p.account.startswith(("Income:", "Expenses:", "Equity:Earnings"))), Decimal(0))
    carried = sum((p.units.number for e in year if isinstance(e, data.Transaction) and e.date == dt.date(YEAR, 1, 1)
                   and e.meta.get("op") == "carry-forward" for p in e.postings
                   if p.account == yearview.PREVIOUS_EARNINGS), Decimal(0))
    assert earlier != 0 and carried == earlier


@pytest.mark.parametrize("page", ["WuyeRates/data?time=2026-Q1", "WuyeArrears/data", "WuyeArrears/data?time=2026-01",
                                  "WuyeDisclosure/data?time=2026-Q1"])
def test_extension_pages_give_the_same_figures_on_the_year(books, page):
    b = Books(books)
    path = yearview.write(b, YEAR)
    b.close()
    full, slug = served_client(books / "main.beancount")
    year, yslug = served_client(path)
    got = year.get(f"/{yslug}/extension/{page}")
    assert got.status_code == 200
    assert got.data == full.get(f"/{slug}/extension/{page}").data
    assert year.get(f"/{yslug}/api/errors").get_json()["data"] == []


def test_the_view_is_written_again_only_when_earlier_books_change(books, run_cli):
    b = Books(books)
    path = yearview.write(b, YEAR)
    text = path.read_text(encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    assert yearview.write(b, YEAR).stat().st_mtime_ns == stamp  # nothing changed: kept
    b.close()
    # a payment dated in an earlier year changes what the year opens with
    r = run_cli("pay", "1-102", "10.00", "--channel", "cash", "--date", "2025-12-20", books=books)
    assert r.rc == 0, r.err
    b = Books(books)
    yearview.write(b, YEAR)
    b.close()
    assert path.read_text(encoding="utf-8") != text
    full, _, _ = loader.load_file(str(books / "main.beancount"))
    year, errors, _ = loader.load_file(str(path))
    assert errors == [] and balances(year, dt.date(YEAR, 3, 31)) == balances(full, dt.date(YEAR, 3, 31))


def test_cli_writes_the_year_and_prints_its_path(books, run_cli):
    r = run_cli("fava", "--year", str(YEAR), "--write-only", books=books)
    assert r.rc == 0, r.err
    assert r.out.strip() == str(books.resolve() / ".wuye" / "fava" / f"{YEAR}.beancount")
    assert run_cli("fava", "--write-only", books=books).rc == 2
