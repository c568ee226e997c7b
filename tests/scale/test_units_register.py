"""The unit register is checked once per version of units.csv and read back from the cache after that:
what is read back is what the check gives, and an edit of the file is checked again."""
from __future__ import annotations

import shutil

import pytest

from ledger.basics.errors import UnitsError
from ledger.books.folder import Books
from ledger.community.units import load_units
from tests.scale.test_fast_paths import base_books  # noqa: F401


def test_the_register_read_back_is_the_checked_one_and_an_edit_is_checked_again(base_books, tmp_path):  # noqa: F811
    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    Books(root).close()  # checks units.csv and keeps the checked rows
    books = Books(root)
    try:
        assert books.cache.derived("units", books.shas["units.csv"]) is not None
        assert books.units == load_units(root / "units.csv")
        assert list(books.units) == list(load_units(root / "units.csv"))
    finally:
        books.close()
    text = (root / "units.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[2], "-5", 1)  # an area below zero: refused by the check
    (root / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UnitsError):
        Books(root)
