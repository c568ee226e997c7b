"""Shared by the TUI's adapters: money formatting, optional core modules, opening the books.

Called from worker threads only (see tui/core/__init__.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ledger.books.folder import Books
# the error classes screens catch, re-exported so screens import nothing from ledger/
from ledger.basics.errors import BooksStateError, ExternallyChangedError, InputError, LockHeldError, ValidationError, VcsError, WuyeError
from ledger.basics.money import fmt


def money(value: Decimal | None, blank_zero: bool = False) -> str:
    """¥1,234.50 (the one way the UI shows an amount)."""
    if value is None:
        return ""
    if blank_zero and value == 0:
        return ""
    return fmt(value, "¥")


# --- opening ------------------------------------------------------------------------------

def open_books(root: str | Path) -> Books:
    return Books(root)


def reload(books: Books) -> None:
    books.reload()


@dataclass
class Summary:
    name: str
    root: str
    head: str
    today: dt.date
    units: int


def summary(books: Books) -> Summary:
    return Summary(books.config.name, str(books.root), (books.head or "")[:8], books.today(), len(books.units))


