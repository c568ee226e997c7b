"""Import screen and queue: importers/booking.py and importers/queue.py.

Called from worker threads only (see tui/core/__init__.py)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ledger.books.folder import Books
from ledger.basics.errors import InputError
from .units import WriteDone  # noqa: F401


# --- import (importers/booking.py, importers/queue.py) -----------------------------------------------

def split_paths(text: str) -> list[str]:
    return [p.strip().strip('"') for p in (text or "").replace("\n", ";").split(";") if p.strip()]


def _check_import_paths(paths: list[str]) -> list[str]:
    if not paths:
        raise InputError("pick at least one export file")
    out = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.is_file():
            raise InputError(f"{p}: no such file")
        out.append(str(path))
    return out


def _parse_error(exc):
    from importers.records import ParseError

    if isinstance(exc, ParseError):
        return InputError(f"import refused, nothing imported: {exc}")
    return exc


def import_preview(books: Books, paths: list[str]):
    """importers.booking.preview_import: the plan (payments, duplicates, queued, skipped); writes nothing."""
    from importers.booking import preview_import

    paths = _check_import_paths(paths)
    try:
        return preview_import(books, paths)
    except Exception as exc:  # ParseError is not a WuyeError: shown as an input error
        raise _parse_error(exc) from exc


def import_run(books: Books, paths: list[str]):
    """importers.booking.run_import: everything in one commit -> (plan, WriteDone | None)."""
    from importers.booking import run_import

    paths = _check_import_paths(paths)
    try:
        plan, result = run_import(books, paths)
    except Exception as exc:
        raise _parse_error(exc) from exc
    return plan, (WriteDone(result.commit, result.message, result.files) if result else None)


def queue_items(books: Books) -> list:
    from importers.queue import list_queue

    return list_queue(books)


def suggestion_unit(books: Books, text: str) -> str | None:
    """The unit a queue suggestion names (its first word), when it is a registered unit."""
    first = (text or "").split(" ", 1)[0].strip()
    return first if first in books.units else None


@dataclass
class AssignDone:
    queue_id: str
    unit: str
    receipt: str | None
    amount: Decimal
    summary: str
    learned: list[str]
    write: WriteDone


def queue_assign(books: Books, queue_id: str, unit: str, designated: str = "") -> AssignDone:
    from importers.queue import assign

    unit = (unit or "").strip().upper()
    if not unit:
        raise InputError("type a unit or pick a suggestion")
    ap, r = assign(books, queue_id, unit, designated.strip() or None)
    return AssignDone(ap.item.id, ap.unit, ap.receipt, ap.item.amount, ap.summary, ap.learned,
                      WriteDone(r.commit, r.message, r.files))
