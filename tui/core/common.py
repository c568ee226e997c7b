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




# --- who is working (the operator picker at start) ------------------------------------------------

OPERATOR_FILE = "operator"  # under the git-ignored .wuye/: remembered per clone (per machine)


@dataclass
class OperatorChoice:
    ids: list[str]          # staff, then the collectors, as config.yaml lists them
    remembered: str | None  # who worked here last (still an operator), else None
    given: str | None       # $WUYE_USER, when the environment already names the operator


def operator_choice(books: Books) -> OperatorChoice:
    import os

    from ledger.books import layout

    ids = books.operator_ids()
    path = books.root / layout.STATE / OPERATOR_FILE
    try:
        last = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    except OSError:
        last = ""
    env = (os.environ.get("WUYE_USER") or "").strip()
    given = books.collector(env, "WUYE_USER") if env else None  # a bad $WUYE_USER is refused here
    return OperatorChoice(ids, last if last in ids else None, given)


def set_operator(books: Books, who: str, remember: bool = True) -> str:
    """The session's operator: receipt 收款人, default 经办人 and commit author; remembered for the next start."""
    from ledger.books import files, layout

    books.operator = books.person(who, "operator")
    if remember:
        state = books.root / layout.STATE
        try:
            state.mkdir(exist_ok=True)
            files.write_atomic(state / OPERATOR_FILE, (books.operator + "\n").encode("utf-8"))
        except OSError:
            pass  # read-only books: the choice holds for this session only
    return books.operator


def desk_channel(books: Books) -> str:
    return books.config.desk_channel


def find_units(books: Books, text: str, limit: int = 8) -> list[str]:
    """Units a typed text may name, for the command palette: the unit it names (4-103, 4栋103, S01),
    then ids starting with it, then the "did you mean" candidates."""
    from ledger.basics.errors import InputError as _InputError
    from ledger.basics.parse import normalise_unit_id

    try:
        key = normalise_unit_id(text)
    except _InputError:
        return []
    if not key:
        return []
    names = books.unit_names()
    out = []
    named = names.resolve(key)
    if named:
        out.append(named)
    out += [u for u in names.ids if u.startswith(key) and u not in out]
    out += [u for u in names.near(key) if u not in out]
    return out[:limit]
