"""A write that only appends entries, parsed once and checked on its own.

Most writes (a payment, a bill run, a contact) add text at the end of month files. Their text is parsed
here once, with the line numbers it will have in the new file, and that one parse serves all three
consumers: the beancount check (`validate`: the options and plugins of main.beancount, the Open and
Close directives of the accounts the new entries use, read from the fact cache, and the new entries,
through beancount's own booking, plugins and validations), the verified state (the new entries'
digests extend the file's record) and the fact cache (their rows are added). The cost follows the
size of the change, not the size of the month file.

What an added entry can break elsewhere is what beancount checks across entries: an account not open
at the entry's date (the directives come along), a duplicate open, a receipt number used twice (asked
of the cache over the whole books, wider than the plugin's per-load check). A write that adds a balance
assertion or a pad, writes a month's closing balances or replaces a file is not appended-only: it goes
through the whole-file check of ledger/books/writer.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from beancount import loader
from beancount.core import data
from beancount.ops import validation
from beancount.parser import booking, parser

from ledger.basics.errors import LedgerProblem
from ledger.books import facts, layout
from ledger.books.files import sha256_bytes
from ledger.books.plan import Plan, appended_text

if TYPE_CHECKING:
    from ledger.books.cache import FactCache


@dataclass(frozen=True)
class Chunk:
    rel: str
    first_line: int  # the line of the new file the appended text starts on
    entries: list  # as the parser gives them (not booked), with the line numbers of the new file
    errors: list  # parse errors of the appended text
    base: str  # sha256 of the file the text is appended to: cache rows of other bytes are not extended


def chunks_of(root: Path, plan: Plan, old_text: dict[str, str]) -> dict[str, Chunk] | None:
    """The appended text of each file of an appended-only plan, parsed; None for any other plan."""
    if plan.replaces:
        return None
    out: dict[str, Chunk] = {}
    for rel, added in plan.appends.items():
        if not layout.is_ledger_file(rel) or layout.is_close_file(rel):
            return None
        old = old_text.get(rel) or ""
        new = appended_text(old, added)
        first = new.count("\n", 0, len(new) - len(added)) + 1
        # blank lines in front give the parser the new file's line numbers (blank lines cost it nothing)
        entries, errors, _ = parser.parse_string("\n" * (first - 1) + added,
                                                  report_filename=str((Path(root) / rel).resolve()))
        if any(isinstance(e, (data.Balance, data.Pad)) for e in entries):
            return None  # an assertion depends on every earlier entry: the whole ledger checks it
        out[rel] = Chunk(rel, first, entries, errors, sha256_bytes(old.encode("utf-8")))
    return out


def _accounts(entries: list) -> set[str]:
    out: set[str] = set()
    for e in entries:
        if isinstance(e, data.Transaction):
            out.update(p.account for p in e.postings)
        elif hasattr(e, "account"):
            out.add(e.account)
    return out


def validate(root: Path, cache: "FactCache", chunks: dict[str, Chunk]) -> list[LedgerProblem]:
    """beancount's booking, plugins and validations on the appended entries, with the options and
    plugins of main.beancount and the directives of the accounts they use; problems name file:line."""
    root = Path(root)
    main = (root / layout.MAIN).read_text(encoding="utf-8")
    head = "\n".join(ln for ln in main.splitlines() if not ln.startswith("include ")) + "\n"
    head_entries, errors, options = parser.parse_string(head, report_filename=str((root / layout.MAIN).resolve()))
    added = [e for c in chunks.values() for e in c.entries]
    for c in chunks.values():
        errors += c.errors
    entries = head_entries + cache.account_directives(_accounts(added)) + added
    entries.sort(key=data.entry_sortkey)
    entries, booking_errors = booking.book(entries, options)
    errors += booking_errors
    entries, errors = loader.run_transformations(entries, errors, options, None)
    errors += validation.validate(entries, options, None, None)
    problems = [_problem(root, e.source, e.message) for e in errors]
    return problems + _receipts_used(root, cache, added)


def _receipts_used(root: Path, cache: "FactCache", added: list) -> list[LedgerProblem]:
    """A receipt number the new entries issue that a payment in the books, or another new entry, has."""
    mine: dict[str, list] = {}
    for e in added:
        if isinstance(e, data.Transaction) and e.meta.get("op") == "pay" and e.meta.get("receipt"):
            mine.setdefault(str(e.meta["receipt"]), []).append(e)
    if not mine:
        return []
    used = facts.payment_receipts_among(cache, sorted(mine))
    return [_problem(root, es[-1].meta, f"receipt {r} used twice")
            for r, es in sorted(mine.items()) if r in used or len(es) > 1]


def _problem(root: Path, source, message: str) -> LedgerProblem:
    src = source or {}
    fname = str(src.get("filename", "?"))
    try:
        fname = str(Path(fname).resolve().relative_to(root.resolve()))
    except ValueError:
        pass
    return LedgerProblem(fname, int(src.get("lineno") or 0), message)
