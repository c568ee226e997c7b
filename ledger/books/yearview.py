"""One year of the books as a ledger of its own, for Fava: the year's month files, opened by the balances
carried forward from the years before.

`.wuye/fava/YYYY.beancount` (derived, git-ignored) holds main.beancount's options and plugins, the
accounts, one 年初结转 (carried forward) transaction per account dated YYYY-01-01 — per unit, item and
period for the receivables, so every open charge of earlier years stays a line with its item and
period — and includes the year's month files and the closes of its months. Income and expenses of
earlier years are carried as Equity:Earnings:Previous (what Fava itself names them under a time
filter). Balances at every date of the year are those of the full books; the full history stays
`wuye fava` without --year.

The file is written again only when the books before the year changed (its `basis` line: a digest of
every earlier file's sha256) or the year's files changed in number; the year's own entries are read
by Fava from the month files themselves, so a payment recorded while Fava runs shows on its reload.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.basics import accounts as acc
from ledger.books import entries as beans, facts, layout
from ledger.books.files import write_atomic

if TYPE_CHECKING:
    from ledger.books.folder import Books

FOLDER = f"{layout.STATE}/fava"
PREVIOUS_EARNINGS = "Equity:Earnings:Previous"
_BALANCE_SHEET = ("Assets:", "Liabilities:", "Equity:")


def year_files(root: Path, year: int) -> list[str]:
    """The ledger files of the year: its month files (every office's) and the closes of its months."""
    out = []
    for rel in layout.ledger_files(root):
        month = layout.month_of_file(rel.replace(f".{layout.file_office(rel)}.", ".")) if layout.file_office(rel) \
            else layout.month_of_file(rel)
        if month and month.startswith(f"{year:04d}-"):
            out.append(rel)
    closes = sorted((Path(root) / layout.CLOSES).glob(f"{year:04d}-*.beancount"))
    return out + [str(p.relative_to(root)) for p in closes]


def earlier_files(root: Path, year: int) -> list[str]:
    """The ledger files holding entries dated before the year (month files of earlier years, earlier closes)."""
    inside = set(year_files(root, year)) | set(layout.account_files(root))
    out = []
    for rel in layout.ledger_files(root):
        if rel in inside:
            continue
        name = Path(rel).name.split(".")[0]
        if name[:4].isdigit() and int(name[:4]) >= year:
            continue  # a later year
        out.append(rel)
    return out


def basis(books: "Books", year: int) -> str:
    """A digest of what the carried-forward balances are computed from."""
    h = hashlib.sha256()
    for rel in sorted(earlier_files(books.root, year)) + layout.account_files(books.root):
        h.update(f"{rel}\0{books.shas.get(rel, '')}\n".encode("utf-8"))
    h.update(" ".join(year_files(books.root, year)).encode("utf-8"))
    return h.hexdigest()[:16]


def opening_entries(books: "Books", year: int) -> list:
    """The 年初结转 transactions: every balance after the last day before the year, carried to its first day."""
    day = dt.date(year, 1, 1)
    before = day - dt.timedelta(days=1)
    meta = {"op": "carry-forward"}
    out = []
    receivable: dict[str, list] = {}
    for account, unit, item, period, amount in facts.receivable_lines(books.cache, before):
        pm = {"item": item, "period": period}
        if account == acc.DEVELOPER and unit:
            pm["unit"] = unit
        receivable.setdefault(account, []).append(beans.posting(account, amount, pm))
    for account, postings in sorted(receivable.items()):
        total = sum((p.units.number for p in postings), Decimal("0"))
        out.append(beans.txn(day, f"年初结转 {account}", postings + [beans.posting(PREVIOUS_EARNINGS, -total)], meta))
    earnings = Decimal("0")
    for account, amount in facts.all_balances(books.cache, before).items():
        if account.startswith((acc.RECEIVABLE, acc.DEVELOPER)) or not amount:
            continue
        if not account.startswith(_BALANCE_SHEET):
            earnings += amount
            continue
        if account == PREVIOUS_EARNINGS:
            earnings += amount
            continue
        out.append(beans.txn(day, f"年初结转 {account}", [beans.posting(account, amount),
                                                          beans.posting(PREVIOUS_EARNINGS, -amount)], meta))
    return out


def view_text(books: "Books", year: int) -> str:
    root = books.root.resolve()
    main = (root / layout.MAIN).read_text(encoding="utf-8")
    head = []
    for line in main.splitlines():
        if line.startswith("include "):
            continue
        m = re.match(r'^option "title" "(.*)"$', line)
        head.append(f'option "title" "{m[1]} {year}年"' if m else line)
    opens = [] if PREVIOUS_EARNINGS in facts.open_accounts(books.cache) else [
        beans.open_(books.config.books_start, PREVIOUS_EARNINGS)]
    body = beans.render(opens + opening_entries(books, year))
    includes = [f'include "{root / rel}"' for rel in layout.account_files(root) + year_files(root, year)]
    return "\n".join([f"; wuye: the books of {year} for Fava, opened by the balances carried forward to {year}-01-01",
                      f"; basis: {basis(books, year)}", *head, "", *includes, "", body])


def write(books: "Books", year: int) -> Path:
    """Write (or keep, when its basis is unchanged) the year's view; returns its path."""
    path = books.root / FOLDER / f"{year:04d}.beancount"
    stamp = f"; basis: {basis(books, year)}"
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > 1 and lines[1] == stamp:
            return path
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, view_text(books, year).encode("utf-8"))
    return path
