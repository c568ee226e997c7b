"""Shared CLI plumbing: opening the books, printing JSON, writing documents."""
from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path

from ledger.books.folder import Books
from ledger.basics.errors import WuyeError


def books_dir(args) -> Path:
    d = getattr(args, "books", None) or os.environ.get("WUYE_BOOKS")
    if not d:
        raise WuyeError("no_books_folder")
    return Path(d)


def open_books(args) -> Books:
    books = Books(books_dir(args))
    by = getattr(args, "by", None)
    if by and str(by).strip():
        books.operator = books.collector(by)  # who works is also the commit author
    return books


def _default(o):
    if isinstance(o, Decimal):
        return f"{o:.2f}"
    if hasattr(o, "isoformat"):
        return o.isoformat()
    raise TypeError(type(o))


def print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=_default))


def emit(text: str, output: str | None) -> None:
    """Documents go to stdout unless --output names a file."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def say_commit(result) -> None:
    if result is None:
        return
    print(f"committed {result.commit[:10]}: {result.message.splitlines()[0]}")
