"""Collection tests: a small community (tests/collect/data) billed 2023-01..2026-10, "today" 2026-11-15.

Monthly charges (hand-checked, see data/units.csv and data/config.yaml):
  1-0101  PF 315.19 + GC 10             = 325.19   (林小红, building 1)
  1-0102  PF 220.00 + GC 10             = 230.00   (林小红)
  1-0201  PF 198.00 + GC 10 + PK 80     = 288.00   (林小红)
  2-0101  PF 176.00 + GC 10             = 186.00   (王敏, building 2)
  2-0102  PF 264.00 + GC 10             = 274.00   (王敏)
  S-01    PF 300.00 + GC 30 (commercial)= 330.00   (王敏, building S)
Nobody has paid anything in the base books.

Regenerate golden files with:  WUYE_GOLDEN_UPDATE=1 pytest tests/collect
(open the changed HTML in a browser and check it by hand first).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from collect_helpers import DATA, IDENTITY, TODAY


@pytest.fixture(autouse=True)
def _collect_env(monkeypatch):
    for k, v in IDENTITY.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("WUYE_TODAY", TODAY)
    monkeypatch.setenv("WUYE_USER", "林小红")
    monkeypatch.delenv("WUYE_BOOKS", raising=False)
    monkeypatch.delenv("WUYE_AUTHOR", raising=False)


@pytest.fixture(scope="session")
def base_books(tmp_path_factory) -> Path:
    from ledger.basics import periods
    from ledger.billing.run import run_bill
    from ledger.books.folder import Books
    from ledger.books.create import init_books

    with pytest.MonkeyPatch.context() as mp:
        for k, v in IDENTITY.items():
            mp.setenv(k, v)
        mp.setenv("WUYE_TODAY", TODAY)
        root = init_books(tmp_path_factory.mktemp("collect") / "base", DATA / "config.yaml", DATA / "units.csv")
        books = Books(root)
        run_bill(books, periods.span("2023-01", "2026-10"))
        books.close()
    return root


@pytest.fixture
def books_dir(base_books, tmp_path) -> Path:
    dest = tmp_path / "books"
    shutil.copytree(base_books, dest, symlinks=True)
    return dest


@pytest.fixture
def books(books_dir):
    from ledger.books.folder import Books

    b = Books(books_dir)
    yield b
    b.close()
