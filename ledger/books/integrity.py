"""`wuye check`: beancount's full load plus the invariants that need the whole history."""
from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from pathlib import Path

from beancount import loader
from beancount.parser import parser

from ledger.books import facts, layout, git as vcs
from ledger.books.cache import FactCache
from ledger.basics.errors import LedgerProblem

_RECEIPT = re.compile(r"^(?P<prefix>[A-Z]+)(?P<year>\d{4})-(?P<seq>\d{6})$")


def full_load(root: Path):
    return loader._load([(str(root / layout.MAIN), True)], None, None, None)


def check_books(books) -> list[LedgerProblem]:
    root = books.root
    problems: list[LedgerProblem] = []
    entries, errors, _ = full_load(root)
    for e in errors:
        src = e.source or {}
        fname = str(src.get("filename", "?"))
        try:
            fname = str(Path(fname).relative_to(root))
        except ValueError:
            pass
        problems.append(LedgerProblem(fname, int(src.get("lineno") or 0), e.message))
    problems += receipt_problems(books.cache)
    problems += cache_problems(books, entries)
    problems += shrink_problems(root, books.cache)
    return problems


def receipt_problems(cache: FactCache) -> list[LedgerProblem]:
    """Receipt numbers are gap-free per year; a void names a receipt that exists, and only once."""
    out = []
    by_year: dict[tuple[str, str], list[int]] = defaultdict(list)
    where = {}
    for receipt, file, lineno in facts.receipt_numbers(cache):
        m = _RECEIPT.match(receipt)
        if not m:
            out.append(LedgerProblem(file, lineno, f"receipt number '{receipt}' is malformed"))
            continue
        by_year[(m["prefix"], m["year"])].append(int(m["seq"]))
        where[receipt] = (file, lineno)
    for (prefix, year), seqs in by_year.items():
        seqs.sort()
        missing = sorted(set(range(1, seqs[-1] + 1)) - set(seqs))
        if missing:
            out.append(LedgerProblem("txns", 0, f"receipts {prefix}{year}: numbers missing: "
                                     + ", ".join(f"{prefix}{year}-{s:06d}" for s in missing[:10])))
    seen = defaultdict(int)
    for voids, file, lineno in facts.voided_receipts(cache):
        seen[voids] += 1
        if voids not in where:
            out.append(LedgerProblem(file, lineno, f"void of unknown receipt {voids}"))
        elif seen[voids] > 1:
            out.append(LedgerProblem(file, lineno, f"receipt {voids} voided twice"))
    return out


def cache_problems(books, entries: list | None = None) -> list[LedgerProblem]:
    """The cache must equal what the ledger says (it is only ever derived).

    The reference is built from the entries of the full load when given (no second parse of every
    file), else by parsing the files again; the two are compared in SQL, both ways, with row counts.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fresh.sqlite"
        fresh = FactCache(books.root, path)
        try:
            if entries is None:
                fresh.sync(layout.ledger_files(books.root))
            else:
                by_file: dict[str, list] = defaultdict(list)
                root = str(books.root.resolve())
                for e in entries:
                    fname = (e.meta or {}).get("filename", "")
                    if fname.startswith(root + "/"):
                        by_file[fname[len(root) + 1:]].append(e)
                fresh.insert_parsed({rel: by_file.get(rel, []) for rel in layout.ledger_files(books.root)})
        finally:
            fresh.close()
        out = []
        for table, n1, n2, extra, missing in books.cache.differences(path):
            out.append(LedgerProblem(".wuye/cache.sqlite", 0,
                                     f"cached {table} differ from the ledger ({n1} vs {n2} rows, "
                                     f"{extra} extra, {missing} missing); run `wuye sync`"))
        return out


def shrink_problems(root: Path, cache: FactCache) -> list[LedgerProblem]:
    """A file truncated at an entry boundary still passes bean-check; compare with HEAD."""
    out = []
    changed = [ln[3:] for ln in vcs.status_lines(root) if ln[3:].endswith(".beancount")]
    for rel in changed:
        old = vcs.show(root, "HEAD", rel)
        if old is None or not (root / rel).exists():
            continue
        before = len(parser.parse_string(old)[0])
        after = cache.entry_count(rel)
        if after < before:
            out.append(LedgerProblem(rel, 0, f"entry count dropped from {before} to {after} vs HEAD"))
    return out
