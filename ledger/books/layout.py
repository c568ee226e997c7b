"""Where things live in a books folder."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

MAIN = "main.beancount"
ACCOUNTS = "accounts.beancount"
CONFIG = "config.yaml"
TXNS = "txns"
STATE = ".wuye"  # cache and lock; git-ignored
ARCHIVE = "archive"
GITIGNORE = """\
# wuye: private and derived files never enter git
owners.private.csv
*.tmp
.wuye/
.*.picklecache
__pycache__/
"""


def month_file(day: dt.date) -> str:
    return f"{TXNS}/{day.year:04d}/{day.year:04d}-{day.month:02d}.beancount"


CLOSES = f"{TXNS}/closes"  # the closing balances of each closed month (wuye close), one file a month


def close_file(period: str) -> str:
    return f"{CLOSES}/{period}.beancount"


def is_close_file(rel: str) -> bool:
    return rel.startswith(CLOSES + "/")


def month_of_file(rel: str) -> str | None:
    """'YYYY-MM' of a month file (txns/YYYY/YYYY-MM.beancount), else None."""
    parts = rel.split("/")
    if len(parts) == 3 and parts[0] == TXNS and parts[2].endswith(".beancount"):
        name = parts[2][: -len(".beancount")]
        if len(name) == 7 and name[4] == "-" and name[:4] == parts[1] and name.replace("-", "").isdigit():
            return name
    return None


def main_text(title: str, start: dt.date) -> str:
    """main.beancount; the title is the only configured value in it, rendered by the entries module
    (a line break in it would otherwise start a new directive, e.g. a `plugin` that runs code)."""
    from ledger.books.entries import string_literal

    return f"""\
; wuye books. Entries live in accounts.beancount and txns/YYYY/YYYY-MM.beancount (one file a month).
option "title" {string_literal(title, "community.name", 120)}
option "operating_currency" "CNY"
option "booking_method" "STRICT"
plugin "ledger.books.plugin"

{start.isoformat()} custom "fava-option" "language" "zh_CN"
{start.isoformat()} custom "fava-option" "invert-income-liabilities-equity" "true"
{start.isoformat()} custom "fava-extension" "fava_ext"

include "{ACCOUNTS}"
include "{TXNS}/*/*.beancount"
"""


def ledger_files(books: Path) -> list[str]:
    """Every file the main ledger includes, relative to the books folder, in a stable order."""
    books = Path(books)
    files = account_files(books)
    files += sorted(str(p.relative_to(books)) for p in (books / TXNS).glob("*/*.beancount"))
    return files


# --- books shared by several offices (ledger/books/offices.py) -----------------------------------
# Each office appends only to files carrying its code, so two offices never touch the same lines:
# txns/2026/2026-12.A.beancount, accounts.A.beancount (new units' accounts), verified.A.json.
# Single-office books have none of these and keep the plain names.

OFFICE_ACCOUNTS_INCLUDE = 'include "accounts.*.beancount"'


def office_file(rel: str, office: str) -> str:
    """The file an office writes instead of the shared one: `txns/2026/2026-12.beancount` ->
    `txns/2026/2026-12.A.beancount`, `accounts.beancount` -> `accounts.A.beancount`; others unchanged."""
    if rel == ACCOUNTS or (rel.startswith(TXNS + "/") and rel.endswith(".beancount") and file_office(rel) is None):
        return f"{rel[:-len('.beancount')]}.{office}.beancount"
    return rel


def file_office(rel: str) -> str | None:
    """The office whose file this is (`2026-12.A.beancount` -> A), None for a shared file."""
    parts = Path(rel).name.split(".")
    return parts[-2] if len(parts) == 3 and parts[-1] in ("beancount", "json") else None


def is_ledger_file(rel: str) -> bool:
    """A file the ledger includes (not main.beancount, which only holds options and includes)."""
    return rel.endswith(".beancount") and (rel.startswith(TXNS + "/") or (
        "/" not in rel and (rel == ACCOUNTS or rel.startswith("accounts."))))


def account_files(books: Path) -> list[str]:
    """accounts.beancount and the offices' accounts.<office>.beancount, in a stable order."""
    books = Path(books)
    files = [ACCOUNTS] if (books / ACCOUNTS).exists() else []
    return files + sorted(p.name for p in books.glob("accounts.*.beancount"))
