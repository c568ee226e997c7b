"""The last verified state of the books: what every wuye commit left in each month file.

`verified.json` (tracked in git, at the books root) holds per ledger file its entry count, a digest of
each entry (12 hex digits, one string per file: the state of big books stays a few bytes an entry), the document numbers it holds (receipts SJ, notices CJ, disputes TS, as ranges) and its
sums (money in, money out, receivable postings); plus the highest number ever issued per series and
year. The writer adds it to every commit (`update`), so a later truncation, deletion or edit made
with plain git is a difference between the books and this file (`problems`), and a number once
issued is never issued again (`highest_issued`).

In books shared by several offices each office keeps its own state, `verified.<office>.json`, of the
files that carry its code (layout.file_office): an office's write touches only its own state, so two
offices never change the same lines of it; `verified.json` keeps the shared files.

Entries are compared by digest of their parsed content (not their bytes), so re-indenting a file is
no change, while a payment raised by 1,000.00 on both legs is.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data
from beancount.parser import parser

from ledger.basics import accounts as acc
from ledger.basics.errors import LedgerProblem, ValidationError
from ledger.books import git as vcs, layout
from ledger.books.files import sha256_bytes

PATH = "verified.json"
VERSION = 1
ZERO = Decimal("0.00")
_NUMBER = re.compile(r"^(?P<series>[A-Z]{1,4}(?:-[A-Z0-9]{1,4})?)(?P<year>\d{4})-(?P<seq>\d{1,9})$")
_MONEY = ("Assets:Cash", "Assets:Bank", "Assets:Clearing")


# --- the state of one file --------------------------------------------------------------------------

DIGESTS = "verified.d"  # the entry digests of each ledger file, one file each: a write rewrites only its month's


def digests_path(rel: str) -> str:
    return f"{DIGESTS}/{rel}.digests"


def digests_text(digests: list[str]) -> str:
    return "".join(d + "\n" for d in digests)


def _digests_sha(digests: list[str]) -> str:
    return hashlib.sha256(digests_text(digests).encode("ascii")).hexdigest()[:16]


@dataclass
class FileState:
    entries: int
    digests: list[str] | None  # None: in verified.d/<file>.digests, not read (load(..., digests=True) reads them)
    numbers: dict[str, list[list[int]]]  # "SJ2026" -> [[first, last], ...]
    money_in: Decimal = ZERO
    money_out: Decimal = ZERO
    receivable: Decimal = ZERO
    # verified entries and numbers that later vanished from this file; kept until they are back, so a
    # wuye write into a truncated file cannot make the loss look verified
    lost: list[str] = field(default_factory=list)
    lost_numbers: dict[str, list[list[int]]] = field(default_factory=dict)
    # the git blob id of the file this record was made from: a later write that only appends to the
    # same bytes extends the record without parsing the file again (absent in records made before)
    blob: str | None = None
    # the sha256 (16 hex) of the digests file as the record was made: a digests file that is not the
    # record's own is found by `wuye check`
    digests_sha: str | None = field(default=None, compare=False)
    inline: bool = field(default=False, compare=False)  # read from a verified.json that held digests inline

    def as_json(self) -> dict:
        sha = _digests_sha(self.digests) if self.digests is not None else self.digests_sha
        out = {"entries": self.entries, "money_in": f"{self.money_in:.2f}", "money_out": f"{self.money_out:.2f}",
               "receivable": f"{self.receivable:.2f}", "numbers": self.numbers, "digests_sha": sha}
        if self.blob:
            out["blob"] = self.blob
        if self.lost:
            out["lost"] = " ".join(self.lost)
        if self.lost_numbers:
            out["lost_numbers"] = self.lost_numbers
        return out

    @classmethod
    def from_json(cls, d: dict) -> "FileState":
        inline = "digests" in d  # verified.json before verified.d/: the digests in the record itself
        return cls(int(d.get("entries", 0)), str(d.get("digests", "")).split() if inline else None,
                   dict(d.get("numbers", {})), Decimal(d.get("money_in", "0")), Decimal(d.get("money_out", "0")),
                   Decimal(d.get("receivable", "0")), str(d.get("lost", "")).split(), dict(d.get("lost_numbers", {})),
                   d.get("blob") or None, d.get("digests_sha"), inline)

    def extended(self, entries: list, blob: str) -> "FileState":
        """This record with `entries` appended to its file, whose bytes are now the blob `blob`."""
        add = _summary(entries)
        nums = _expand(self.numbers)
        for key, seqs in _expand(add.numbers).items():
            nums.setdefault(key, set()).update(seqs)
        return FileState(self.entries + add.entries, self.digests + add.digests,
                         {k: _ranges(v) for k, v in sorted(nums.items())}, self.money_in + add.money_in,
                         self.money_out + add.money_out, self.receivable + add.receivable, [], {}, blob)


@dataclass
class State:
    files: dict[str, FileState]
    highest: dict[str, dict[str, int]]  # series -> year -> highest number ever issued

    def fill(self, root: Path, rel: str) -> FileState:
        """The record of `rel` with its digests read from verified.d (from the last commit if the file
        is gone; an empty list if it is nowhere: `wuye check` reports that)."""
        st = self.files[rel]
        if st.digests is None:
            path = Path(root) / digests_path(rel)
            text = path.read_text(encoding="ascii") if path.exists() else vcs.show(root, "HEAD", digests_path(rel))
            st.digests = (text or "").split()
        return st

    def fill_all(self, root: Path) -> None:
        for rel in self.files:
            self.fill(root, rel)

    def text(self) -> str:
        body = {"version": VERSION,
                "highest": {s: dict(sorted(y.items())) for s, y in sorted(self.highest.items())},
                "files": {rel: st.as_json() for rel, st in sorted(self.files.items())}}
        return json.dumps(body, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def parse(cls, text: str) -> "State":
        raw = json.loads(text)
        return cls({rel: FileState.from_json(d) for rel, d in (raw.get("files") or {}).items()},
                   {s: {y: int(n) for y, n in ys.items()} for s, ys in (raw.get("highest") or {}).items()})


def _clean_meta(meta: dict | None) -> dict:
    return {k: meta[k] for k in sorted(meta or {}) if k not in ("filename", "lineno") and not k.startswith("__")}


def entry_digest(entry) -> str:
    """A digest of what an entry says (not where it is): meta without file and line, sets sorted."""
    if isinstance(entry, data.Transaction):
        entry = entry._replace(meta=_clean_meta(entry.meta), tags=sorted(entry.tags or ()),
                               links=sorted(entry.links or ()),
                               postings=[p._replace(meta=_clean_meta(p.meta)) for p in entry.postings])
    else:
        entry = entry._replace(meta=_clean_meta(entry.meta))
    return hashlib.sha256(repr(entry).encode("utf-8")).hexdigest()[:12]


def entry_numbers(entry) -> list[str]:
    """The document numbers an entry issues: a payment's receipt, a notice's doc id, a dispute id."""
    out = []
    if isinstance(entry, data.Transaction):
        if entry.meta.get("op") == "pay" and entry.meta.get("receipt"):
            out.append(str(entry.meta["receipt"]))
        if entry.meta.get("op") == "refund" and entry.meta.get("refund-no"):
            out.append(str(entry.meta["refund-no"]))
    elif isinstance(entry, data.Custom):
        if entry.meta.get("doc"):
            out.append(str(entry.meta["doc"]))
        if entry.type == "wuye-dispute-open" and len(entry.values) > 1:
            out.append(str(entry.values[1].value))
    return [n for n in out if _NUMBER.match(n)]


def _ranges(nums: set[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for n in sorted(nums):
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


def _expand(ranges: dict[str, list[list[int]]]) -> dict[str, set[int]]:
    return {key: {n for a, b in rs for n in range(a, b + 1)} for key, rs in ranges.items()}


def _split(number: str) -> tuple[str, str, int]:
    m = _NUMBER.match(number)
    return m["series"], m["year"], int(m["seq"])


def file_state(text: str, rel: str = "") -> tuple[FileState, list]:
    entries, _errors, _ = parser.parse_string(text, report_filename=rel)
    st = _summary(entries)
    st.blob = vcs.blob_sha(text.encode("utf-8"))
    return st, entries


def _summary(entries: list) -> FileState:
    """The record of a list of parsed entries (no blob)."""
    nums: dict[str, set[int]] = {}
    money_in = money_out = receivable = ZERO
    for e in entries:
        for n in entry_numbers(e):
            series, year, seq = _split(n)
            nums.setdefault(series + year, set()).add(seq)
        if isinstance(e, data.Transaction):
            for p in e.postings:
                if p.units is None or not isinstance(p.units.number, Decimal):
                    continue
                v = p.units.number
                if p.account.startswith(_MONEY):
                    if v > 0:
                        money_in += v
                    else:
                        money_out -= v
                if p.account.startswith((acc.RECEIVABLE, acc.DEVELOPER)):
                    receivable += v
    return FileState(len(entries), [entry_digest(e) for e in entries],
                     {k: _ranges(v) for k, v in sorted(nums.items())}, money_in, money_out, receivable)


# --- reading and updating the state ---------------------------------------------------------------

def path_for(office: str | None) -> str:
    return PATH if office is None else f"verified.{office}.json"


def state_paths(root: Path, committed: bool = True) -> list[str]:
    """verified.json and every office's verified.<office>.json, on disk or (deleted) in the last commit."""
    root = Path(root)
    names = {p.name for p in root.glob("verified.*.json")}
    if committed and (root / ".git").exists():
        names |= {n for n in vcs.git(root, "ls-tree", "--name-only", "HEAD", check=False).split("\n")
                  if n.startswith("verified.") and n.endswith(".json")}
    rest = sorted(n for n in names if n != PATH)
    return [PATH] + rest


def load(root: Path, rel: str = PATH, digests: bool = False) -> State | None:
    """The verified state on disk, else the last committed one (a deleted verified.json is itself found);
    with `digests`, every record's entry digests are read too."""
    path = Path(root) / rel
    text = path.read_text(encoding="utf-8") if path.exists() else last_committed_text(root, rel)
    if not text:
        return None
    try:
        state = State.parse(text)
    except (ValueError, TypeError, AttributeError):
        return None
    if digests:
        state.fill_all(Path(root))
    return state


def last_committed_text(root: Path, rel: str = PATH) -> str | None:
    if not (Path(root) / ".git").exists():
        return None
    sha = vcs.git(root, "log", "-1", "--format=%H", "--", rel, check=False).strip()
    if not sha:
        return None
    # the commit that deleted it has no copy; its parent has the last one
    return vcs.show(root, sha, rel) or vcs.show(root, f"{sha}^", rel)


def update_all(root: str | Path, changed_files_text: dict[str, str], office: str | None = None,
               appended: dict | None = None, blobs: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """`update` for each state a write touches: the one of each changed ledger file's office (the writer's
    own office when it changes no ledger file). Single-office books: verified.json only."""
    owners = {layout.file_office(rel) for rel in changed_files_text if layout.is_ledger_file(rel)} or {office}
    return [pair for owner in sorted(owners, key=lambda o: o or "")
            for pair in update(root, {rel: t for rel, t in changed_files_text.items()
                                      if layout.is_ledger_file(rel) and layout.file_office(rel) == owner}, owner,
                               appended, blobs)]


def update(root: str | Path, changed_files_text: dict[str, str], office: str | None = None,
           appended: dict | None = None, blobs: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The verified state after a wuye commit that writes `changed_files_text` ({rel path: new text}).

    Returns [(relative path, text)] for the writer to write and commit with its own changes: the state
    file, then the digests file (verified.d/) of each file whose record changed. Files not
    changed keep their record; with no state yet, every ledger file on disk is recorded (the writer
    runs on a clean tree, so disk is the last commit).
    """
    root = Path(root)
    rel_state = path_for(office)
    state = load(root, rel_state)
    rewrite: set[str] = set()
    if state is None:
        state = State({}, {})
        for rel in layout.ledger_files(root):
            if rel not in changed_files_text and layout.file_office(rel) == office:
                state.files[rel], _ = file_state((root / rel).read_text(encoding="utf-8"), rel)
                rewrite.add(rel)
    rewrite |= {rel for rel, st in state.files.items() if st.inline}  # moved out of an older verified.json
    has_head = vcs.head(root) is not None
    for rel, text in changed_files_text.items():
        if not layout.is_ledger_file(rel):
            continue
        old = state.fill(root, rel) if rel in state.files else None
        rewrite.add(rel)
        chunk = (appended or {}).get(rel)
        if (chunk is not None and old is not None and old.blob and old.blob == (blobs or {}).get(rel)
                and not old.lost and not old.lost_numbers):
            _refuse_reissue(rel, chunk.entries, old, state)
            state.files[rel] = old.extended(chunk.entries, vcs.blob_sha(text.encode("utf-8")))
            continue
        if (chunk is not None and old is None and blobs is not None and rel not in blobs
                and chunk.base == sha256_bytes(b"")):
            # a new file (a bill run's new month) is all appended text: its record is that of the chunk
            _refuse_reissue(rel, chunk.entries, FileState(0, [], {}), state)
            state.files[rel] = _summary(chunk.entries)
            state.files[rel].blob = vcs.blob_sha(text.encode("utf-8"))
            continue
        new, entries = file_state(text, rel)
        committed = vcs.show(root, "HEAD", rel) if has_head else None
        before, _ = file_state(committed or "", rel)
        _refuse_reissue(rel, entries, before, state)
        if old is not None:
            # what this write removes is wuye's own change; only what was gone before it (compared
            # with the last commit) was lost outside wuye and stays on record
            gone = Counter(old.digests + old.lost) - Counter(before.digests)
            new.lost = sorted((gone - Counter(new.digests)).elements())
            kept = _expand(old.lost_numbers)
            for key, seqs in _expand(old.numbers).items():
                kept.setdefault(key, set()).update(seqs)
            had, now = _expand(before.numbers), _expand(new.numbers)
            new.lost_numbers = {k: _ranges(v - had.get(k, set()) - now.get(k, set())) for k, v in sorted(kept.items())
                                if v - had.get(k, set()) - now.get(k, set())}
        state.files[rel] = new
    for st in state.files.values():
        for key, ranges in st.numbers.items():
            series, year = key[:-4], key[-4:]
            top = max(b for _a, b in ranges)
            state.highest.setdefault(series, {})
            state.highest[series][year] = max(state.highest[series].get(year, 0), top)
    return [(rel_state, state.text())] + [(digests_path(rel), digests_text(state.files[rel].digests))
                                          for rel in sorted(rewrite) if rel in state.files]


def _refuse_reissue(rel: str, entries: list, before: FileState, state: State) -> None:
    """A receipt number this write adds must be above every number ever issued in its series and year."""
    had = _expand(before.numbers)
    for e in entries:
        if not (isinstance(e, data.Transaction) and e.meta.get("op") == "pay"):
            continue
        for number in entry_numbers(e):
            series, year, seq = _split(number)
            top = state.highest.get(series, {}).get(year, 0)
            if seq <= top and seq not in had.get(series + year, set()):
                raise ValidationError([LedgerProblem(rel, 0, (
                    f"receipt {number} was issued before (highest issued {series}{year}-{top:06d}); a number is "
                    f"never issued twice. Entries were lost outside wuye: run `wuye check`"))])


def highest_issued(root: str | Path, series: str, year: int | str) -> int:
    """The highest number ever issued in a series and year (0 if none); an allocator never goes below."""
    best = 0
    for rel in state_paths(Path(root), committed=False):  # a cheap look: no git run per allocation
        state = load(Path(root), rel)
        if state is not None:
            best = max(best, state.highest.get(series, {}).get(f"{int(year):04d}", 0))
    return best


# --- comparing the books with the state -------------------------------------------------------------

@dataclass(frozen=True)
class FileFinding:
    path: str
    what: str  # deleted | lost | changed | lost-earlier
    verified_entries: int
    entries: int
    lines: tuple[int, ...]  # current lines of entries that are not the verified ones
    detail: str


def records(root: str | Path) -> dict[str, FileState]:
    """Every ledger file's record, from verified.json and the offices' states."""
    out: dict[str, FileState] = {}
    for rel_state in state_paths(Path(root), committed=False):
        state = load(Path(root), rel_state)
        if state is not None:
            out.update(state.files)
    return out


def verified_files(root: str | Path) -> set[str]:
    """Ledger files whose bytes are those their record was made from: git has them unchanged in the
    worktree, and their blob in the index is the record's blob. Their record stands for them."""
    root = Path(root)
    files = layout.ledger_files(root)
    recs = records(root)
    if not files or not (root / ".git").exists():
        return set()
    dirty = {ln[3:] for ln in vcs.status_lines(root, tuple(files))}
    blobs = vcs.staged_blobs(root, files)
    return {rel for rel in files if rel not in dirty and recs.get(rel) is not None and recs[rel].blob
            and recs[rel].blob == blobs.get(rel)}


def unverified_files(root: str | Path) -> list[str]:
    """Ledger files changed since the verified state recorded them (or never recorded)."""
    trusted = verified_files(root)
    return [rel for rel in layout.ledger_files(Path(root)) if rel not in trusted]


def problems(root: str | Path, trusted: set[str] | None = None) -> list[LedgerProblem]:
    """Every month file that lost or changed verified entries, and every issued number now missing.
    Files in `trusted` (verified_files: their bytes are the recorded ones) are not parsed again."""
    root = Path(root)
    out: list[LedgerProblem] = []
    recs = records(root) if trusted else {}
    for rel in state_paths(root):
        out += _state_problems(root, rel, trusted or set(), recs)
    return out


def _state_problems(root: Path, rel_state: str, trusted: set[str], recs: dict[str, FileState]) -> list[LedgerProblem]:
    state = load(root, rel_state)
    out: list[LedgerProblem] = []
    if state is None:
        return out
    for rel, st in sorted(state.files.items()):
        sha = st.digests_sha
        state.fill(root, rel)
        if sha and _digests_sha(st.digests) != sha:
            out.append(LedgerProblem(digests_path(rel), 0, f"the verified digests of {rel} are not the ones "
                                     f"{rel_state} recorded (edited or lost outside wuye)"))
    if not (root / rel_state).exists():
        out.append(LedgerProblem(rel_state, 0, "the verified state was deleted outside wuye; compared with its last "
                                               "committed copy"))
    present: dict[str, set[int]] = {}
    current: dict[str, FileState] = {}
    for rel in layout.ledger_files(root):
        if rel in trusted and rel in recs:
            st = state.files.get(rel) or recs[rel]  # this state's own records have their digests read
        else:
            st, _ = file_state((root / rel).read_text(encoding="utf-8"), rel)
        current[rel] = st
        for key, seqs in _expand(st.numbers).items():
            present.setdefault(key, set()).update(seqs)
    for f in file_findings(state, current, root):
        out.append(LedgerProblem(f.path, f.lines[0] if f.lines else 0, f.detail))
    expected: dict[str, set[int]] = {}
    for st in state.files.values():
        for src in (st.numbers, st.lost_numbers):
            for key, seqs in _expand(src).items():
                expected.setdefault(key, set()).update(seqs)
    for series, years in state.highest.items():
        for year, top in years.items():
            expected.setdefault(series + year, set()).update(range(1, top + 1))
    for key in sorted(expected):
        gone = sorted(expected[key] - present.get(key, set()))
        if gone:
            width = 4 if key.startswith("TS") else 6
            shown = ", ".join(f"{key[:-4]}{key[-4:]}-{n:0{width}d}" for n in gone[:10])
            more = f" and {len(gone) - 10} more" if len(gone) > 10 else ""
            out.append(LedgerProblem(rel_state, 0, f"issued numbers missing from the books: {shown}{more}"))
    return out


def file_findings(state: State, current: dict[str, FileState], root: Path) -> list[FileFinding]:
    out = []
    for rel, old in sorted(state.files.items()):
        now = current.get(rel)
        if now is None:
            out.append(FileFinding(rel, "deleted", old.entries, 0, (), f"deleted outside wuye: the verified file held "
                                   f"{old.entries} entries{_sums(old)}"))
            continue
        have = Counter(now.digests)
        missing = Counter(old.digests) - have
        if missing:
            extra = set(now.digests) - set(old.digests)
            lines = tuple(_lines_of(root / rel, extra))
            what = "changed" if now.entries >= old.entries else "lost"
            verb = ("changed outside wuye" if what == "changed" else
                    f"lost entries outside wuye ({old.entries} verified, {now.entries} now)")
            sums = _sum_diff(old, now)
            out.append(FileFinding(rel, what, old.entries, now.entries, lines,
                                   f"{verb}: {sum(missing.values())} verified entr"
                                   f"{'y' if sum(missing.values()) == 1 else 'ies'} missing or altered{sums}"))
        still_lost = Counter(old.lost) - have
        if still_lost:
            out.append(FileFinding(rel, "lost-earlier", old.entries, now.entries, (),
                                   f"{sum(still_lost.values())} entries verified earlier are still missing "
                                   f"(lost outside wuye before a later write)"))
    return out


def _lines_of(path: Path, digests: set[str]) -> list[int]:
    if not digests:
        return []
    entries, _, _ = parser.parse_string(path.read_text(encoding="utf-8"), report_filename=str(path))
    return [e.meta.get("lineno", 0) for e in entries if entry_digest(e) in digests]


def _sums(st: FileState) -> str:
    return f" (money in {st.money_in:,.2f}, out {st.money_out:,.2f}, receivable {st.receivable:,.2f})"


def _sum_diff(old: FileState, now: FileState) -> str:
    parts = [f"{name} {a:,.2f} -> {b:,.2f}" for name, a, b in
             (("money in", old.money_in, now.money_in), ("money out", old.money_out, now.money_out),
              ("receivable", old.receivable, now.receivable)) if a != b]
    return f"; {', '.join(parts)}" if parts else ""
