"""Import screen and queue: importers/booking.py and importers/queue.py.

Called from worker threads only (see tui/core/__init__.py)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ledger.books.folder import Books
from ledger.basics.errors import InputError
from ledger.books.plan import PlanChanged
from .forms import Effect, effect_of
from .units import WriteDone  # noqa: F401


# --- import (importers/booking.py, importers/queue.py) -----------------------------------------------

def split_paths(text: str) -> list[str]:
    return [p.strip().strip('"') for p in (text or "").replace("\n", ";").split(";") if p.strip()]


def _check_import_paths(paths: list[str]) -> list[str]:
    if not paths:
        raise InputError("import_pick_file")
    out = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.is_file():
            raise InputError("no_such_file", path=p)
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


def split_suggestions(suggestions: list[str]) -> tuple[list[str], list[str]]:
    """(suggestions from the payer's text/alias/name, amount-only ones). Pure: no books, any thread."""
    from importers.queue import split_suggestions as split

    return split(suggestions)


@dataclass
class AssignForm:
    queue_id: str
    unit: str
    designated: str = ""
    learn_alias: bool = False


@dataclass
class AssignEffect:
    """An assignment as the person previews it: the unit's change, both dates, the alias question."""
    queue_id: str
    direction: str          # in: a payment with a receipt; out: money paid out of the unit's credit
    amount: Decimal
    received: str           # the day the money came in
    date: str               # the day it is assigned: the entry's and the receipt's date
    receipt: str | None
    effect: Effect
    would_learn: list[str]
    learned: list[str]
    summary: str


def _assign_args(books: Books, form: AssignForm) -> tuple:
    unit = (form.unit or "").strip().upper()
    if not unit:
        raise InputError("assign_unit_needed")
    return (form.queue_id, unit, form.designated.strip() or None)


def _assign_effect(books: Books, ap) -> AssignEffect:
    entry = ap.entries[0]
    if ap.payment is not None:
        eff = effect_of(books, ap.unit, entry, ap.payment.amount, ap.receipt, ap.payment.discount)
    else:
        eff = effect_of(books, ap.unit, entry, ap.item.amount)
    return AssignEffect(ap.item.id, ap.item.direction, ap.item.amount, ap.received, ap.date.isoformat(), ap.receipt,
                        eff, list(ap.would_learn), list(ap.learned), ap.summary)


def assign_preview(books: Books, form: AssignForm) -> AssignEffect:
    """importers.queue.plan_assign on the books as they are; writes nothing."""
    from importers.queue import plan_assign

    return _assign_effect(books, plan_assign(books, *_assign_args(books, form), learn_alias=form.learn_alias))


def assign_write(books: Books, form: AssignForm) -> AssignDone:
    """The previewed assignment, committed with the plan as `expect` (a changed re-plan is refused)."""
    from importers.queue import assign, plan_assign

    args = _assign_args(books, form)
    shown = plan_assign(books, *args, learn_alias=form.learn_alias)
    try:
        ap, r = assign(books, *args, learn_alias=form.learn_alias, expect=shown)
    except PlanChanged as exc:
        exc.effect = _assign_effect(books, exc.plan.effect)
        raise
    return AssignDone(ap.item.id, ap.unit, ap.receipt, ap.item.amount, ap.summary, ap.learned,
                      WriteDone(r.commit, r.message, r.files), ap.received, ap.date.isoformat())


@dataclass
class AssignDone:
    queue_id: str
    unit: str
    receipt: str | None
    amount: Decimal
    summary: str
    learned: list[str]
    write: WriteDone
    received: str = ""
    date: str = ""


# --- learned payer aliases (importers/aliases.py, importers/queue.py) -------------------------------

@dataclass
class AliasRow:
    key: str
    kind: str
    display: str
    unit: str
    learned: str
    source: str


def alias_rows(books: Books) -> list[AliasRow]:
    from importers.aliases import live_aliases

    return [AliasRow(a.key, a.kind, a.display, a.unit, a.date, a.source) for a in live_aliases(books)]


@dataclass
class ForgetForm:
    key: str
    reason: str = ""


def alias_forget_preview(books: Books, form: ForgetForm) -> list[str]:
    """The aliases the form would forget (their labels); writes nothing."""
    from importers.queue import forget_operation

    return [a.label for a in forget_operation(form.key, None, form.reason)(books).effect]


def alias_forget_write(books: Books, form: ForgetForm) -> WriteDone:
    from importers.queue import find_aliases, forget_aliases

    shown = find_aliases(books, form.key)
    try:
        _gone, r = forget_aliases(books, form.key, None, form.reason, expect=shown)
    except PlanChanged as exc:
        exc.effect = [a.label for a in exc.plan.effect]
        raise
    return WriteDone(r.commit, r.message, r.files)
