"""`wuye check`: beancount's full load plus the invariants that need the whole history."""
from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from beancount.parser import parser

from ledger.books import facts, layout, loading, git as vcs, verified
from ledger.books.cache import FactCache
from ledger.basics.errors import InputError, LedgerProblem, WuyeError

_RECEIPT = re.compile(r"^(?P<prefix>[A-Z]+(?:-[A-Z0-9]{1,4})?)(?P<year>\d{4})-(?P<seq>\d{6})$")  # SJ2026-, SJ-A2026-


def full_load(root: Path):
    return loading.load([(str(root / layout.MAIN), True)])


# Books larger than this have their cache compared by a second process that parses the files into row
# digests while this one loads the books (two cores: the check takes about as long as the load alone).
DIGEST_BYTES = 8_000_000


def check_books(books, digests: bool | None = None) -> list[LedgerProblem]:
    with loading.collector_paused():  # the loaded entries live through the comparisons below
        return _check_books(books, digests)


def _check_books(books, digests: bool | None) -> list[LedgerProblem]:
    root = books.root
    problems: list[LedgerProblem] = []
    files = layout.ledger_files(root)
    if digests is None:
        digests = sum((root / f).stat().st_size for f in files if (root / f).exists()) > DIGEST_BYTES
    digests = digests and str(books.cache.path) != ":memory:"  # a worker can read only a cache on disk
    from ledger.books.parse_worker import Digests

    theirs = Digests(root, files, books.cache.path) if digests else None
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
    compared = theirs.result() if theirs is not None else None
    if compared is not None and compared[0] == compared[1]:  # every file's rows are those of its bytes
        problems += [snapshot_problem(*d) for d in compared[2]]
    else:
        problems += cache_problems(books, entries)
    problems += shrink_problems(root, books.cache)
    problems += verified.problems(root, verified.verified_files(root))
    return problems


def check_changed(books) -> tuple[list[LedgerProblem], list[str]]:
    """`wuye check --changed`: the checks of `check_books` for what changed since the verified state.

    A file whose bytes are those a wuye write recorded and checked (verified.verified_files) is taken
    as checked. The others get beancount's check with the options and accounts (the whole ledger when
    one of them is a close or precedes the latest close: closing balances depend on every earlier
    entry), their cache rows are compared with a fresh parse, their verified records with their
    entries; numbering, voids and truncation vs HEAD are checked over the whole books from the cache.
    Returns (problems, the files checked)."""
    from ledger.books import closing, writer

    root = books.root
    changed = verified.unverified_files(root)
    problems: list[LedgerProblem] = []
    if changed:
        latest = closing.state(books.cache).latest
        whole = any(layout.is_close_file(rel) or (latest and (layout.month_of_file(rel) or "0000-00") <= latest)
                    for rel in changed if rel.startswith(layout.TXNS + "/"))
        if whole:
            return check_books(books), changed
        found, _ = writer.validate(root, changed)
        problems += found
    problems += receipt_problems(books.cache)
    problems += cache_problems(books, files=changed)
    problems += shrink_problems(root, books.cache)
    problems += verified.problems(root, set(layout.ledger_files(root)) - set(changed))
    return problems, changed


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


def cache_problems(books, entries: list | None = None, files: list[str] | None = None) -> list[LedgerProblem]:
    """The cache must equal what the ledger says (it is only ever derived).

    The reference is built from the entries of the full load when given (no second parse of every
    file), else by parsing the files again (only `files` when given: their rows are compared, and
    the cache must know exactly the books' files); the two are compared in SQL, both ways, with row
    counts.
    """
    if files is not None:
        known = set(books.cache.known())
        listed = set(layout.ledger_files(books.root))
        if known != listed:
            return [LedgerProblem(".wuye/cache.sqlite", 0, f"the cache knows other files than the books "
                                  f"({len(known - listed)} extra, {len(listed - known)} missing); run `wuye sync`")]
        if not files:
            return []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fresh.sqlite"
        fresh = FactCache(books.root, path)
        try:
            if files is not None:
                fresh.sync(files)
            elif entries is None:
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
        out = snapshot_problems(books.cache)
        for table, n1, n2, extra, missing in books.cache.differences(path, files):
            out.append(LedgerProblem(".wuye/cache.sqlite", 0,
                                     f"cached {table} differ from the ledger ({n1} vs {n2} rows, "
                                     f"{extra} extra, {missing} missing); run `wuye sync`"))
        return out


def snapshot_problem(key: str, extra: int, missing: int) -> LedgerProblem:
    return LedgerProblem(".wuye/cache.sqlite", 0, f"the item snapshot {key} differs from the postings it sums "
                         f"({extra} extra, {missing} missing rows); run `wuye sync`")


def snapshot_problems(cache: FactCache) -> list[LedgerProblem]:
    return [snapshot_problem(*d) for d in cache.snapshot_differences()]


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


# --- `wuye check --review A..B`: what an approver must see ---------------------------------------------

_CODE_LINE = re.compile(r'^\s*(plugin|include|option)\b|^\s*\d{4}-\d{2}-\d{2}\s+custom\s+"fava-')


@dataclass(frozen=True)
class ReviewItem:
    commit: str
    author: str
    subject: str
    kind: str  # entry-edited | entry-deleted | fee-standard | config | units | code-line
    path: str
    lineno: int  # in the new text (0 when the line or entry is gone)
    text: str  # the old entry, the added line, the diff
    new_text: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def review(root: Path, rev_range: str) -> list[ReviewItem]:
    """Per commit in REV..REV (oldest first): edits and deletions of existing entries (appends are not
    listed), fee-standard and other config changes, units changes, and every added plugin, include,
    option or custom "fava-..." line."""
    from ledger.books.history import standard_changes
    from ledger.community.config import load_config

    root = Path(root)
    if ".." not in rev_range:
        raise InputError("review_range_needed", range=rev_range)
    shas = vcs.git(root, "rev-list", "--reverse", rev_range, check=False).split()
    if not shas and vcs.git(root, "rev-parse", "-q", "--verify", rev_range.split("..")[0] or "HEAD",
                             check=False).strip() == "":
        raise InputError("review_revision_unknown", range=rev_range)
    try:
        units_file = load_config(root / layout.CONFIG).units_file
    except WuyeError:
        units_file = "units.csv"
    out: list[ReviewItem] = []
    for sha in shas:
        c = vcs.log(root, 1, rev=sha)[0]
        parent = vcs.git(root, "rev-parse", "-q", "--verify", f"{sha}^", check=False).strip() or None
        names = vcs.git(root, "diff-tree", "--no-commit-id", "-r", "--name-status", "--root", sha).splitlines()
        for row in names:
            status, _, rel = row.partition("\t")
            rel = rel.split("\t")[-1]
            old = vcs.show(root, parent, rel) if parent else None
            new = vcs.show(root, sha, rel)
            item = lambda kind, path, lineno, text, new_text="": out.append(  # noqa: E731
                ReviewItem(c.sha, c.author, c.subject, kind, path, lineno, text, new_text))
            for lineno, line in _added_lines(old or "", new or ""):
                if _CODE_LINE.match(line):
                    item("code-line", rel, lineno, line)
            if rel.endswith(".beancount") and old:
                for kind, lineno, was, now in _entry_changes(old, new or "", rel):
                    item(kind, rel, lineno, was, now)
            elif rel == layout.CONFIG:
                changes = standard_changes(root, c)
                for ch in changes:
                    item("fee-standard", rel, 0, str(ch))
                diff = _diff(old or "", new or "", rel)
                if diff:
                    item("config", rel, 0, diff)
            elif rel == units_file:
                diff = _diff(old or "", new or "", rel)
                if diff:
                    item("units", rel, 0, diff)
    return out


def _added_lines(old: str, new: str) -> list[tuple[int, str]]:
    import difflib

    out = []
    a, b = old.splitlines(), new.splitlines()
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("insert", "replace"):
            out += [(j + 1, b[j]) for j in range(j1, j2)]
    return out


def _diff(old: str, new: str, rel: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{rel}", f"b/{rel}", n=0))


def _entry_text(text_lines: list[str], entries: list, i: int) -> str:
    start = entries[i].meta.get("lineno", 1) - 1
    end = entries[i + 1].meta.get("lineno", len(text_lines) + 1) - 1 if i + 1 < len(entries) else len(text_lines)
    return "\n".join(text_lines[start:end]).rstrip() + "\n"


def _entry_changes(old: str, new: str, rel: str) -> list[tuple[str, int, str, str]]:
    """Entries of the old text that are not in the new one: edited when a new entry stands in the same
    place (same date and type between the same neighbours), else deleted. Appended entries are not listed."""
    import difflib

    old_e = parser.parse_string(old, report_filename=rel)[0]
    new_e = parser.parse_string(new, report_filename=rel)[0]
    a = [verified.entry_digest(e) for e in old_e]
    b = [verified.entry_digest(e) for e in new_e]
    ol, nl = old.splitlines(), new.splitlines()
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag not in ("replace", "delete"):
            continue
        # a replace at the very end whose new side is longer is an edit of the overlap plus appends
        for k in range(i1, i2):
            j = j1 + (k - i1)
            if tag == "replace" and j < j2 and type(new_e[j]) is type(old_e[k]):
                out.append(("entry-edited", new_e[j].meta.get("lineno", 0), _entry_text(ol, old_e, k),
                            _entry_text(nl, new_e, j)))
            else:
                out.append(("entry-deleted", 0, _entry_text(ol, old_e, k), ""))
    return out


def review_text(items: list[ReviewItem]) -> str:
    if not items:
        return "nothing to review: only appended entries\n"
    lines, last = [], None
    for it in items:
        if it.commit != last:
            lines.append(f"commit {it.commit[:10]}  {it.author}  {it.subject}")
            last = it.commit
        where = f"{it.path}:{it.lineno}" if it.lineno else it.path
        lines.append(f"  {it.kind:<14} {where}")
        if it.new_text:  # an edit: the entry's first line, then only the lines that differ
            import difflib

            a, b = it.text.splitlines(), it.new_text.splitlines()
            body = [a[0]] + [ln for ln in difflib.unified_diff(a, b, n=0, lineterm="")
                             if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
        else:
            body = it.text.rstrip("\n").splitlines()
        lines += [f"      {ln}" for ln in body]
    return "\n".join(lines) + "\n"
