"""`wuye sync`: share the books with the other offices through one git remote.

Under the books lock: fetch; replay this clone's commits that the remote does not have on top of the
remote's (each office appends only to its own files, ledger/books/offices.py, so the replay has no
textual conflict); check what came in with the full check (integrity.check_books plus what only a merge
can break: a charge settled twice, a unit billed twice); push; fetch and replay again when the remote
moved meanwhile. A clone with no office chosen (the auditor's) only pulls.

What cannot merge stops the sync: the books go back to the state before it (local commits kept), the
conflict is named with both sides and kept in `.wuye/sync.json` for `wuye sync --resolve`. A sync that
dies (kill -9 during fetch, replay or push) leaves a record (ledger/books/recovery.py) from which the
next wuye command puts the books back to a committed, checked state.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ledger.basics.errors import BooksStateError, InputError, WuyeError
from ledger.books import facts, files as store, git as vcs, layout, offices, recovery
from ledger.books.writer import books_lock, check_books_state, commit_held, fault

REMOTE = "origin"
STATUS = "sync.json"  # in .wuye/: the last sync and its conflicts (per clone, never in git)
RETRIES = 5


@dataclass
class Conflict:
    kind: str  # settled-twice | file | invalid
    text: str  # what a person reads: names both sides
    unit: str = ""
    item: str = ""
    period: str = ""
    here: list[str] = field(default_factory=list)  # this office's receipts / commits
    there: list[str] = field(default_factory=list)  # the other side's
    path: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class SyncResult:
    pulled: int
    pushed: int
    replayed: int
    head: str | None
    pull_only: bool
    resolved: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = [f"{self.pulled} commit(s) in", f"{self.pushed} out" if not self.pull_only else "pull only"]
        if self.replayed:
            parts.append(f"{self.replayed} replayed")
        return "synced: " + ", ".join(parts) + (f"; head {self.head[:10]}" if self.head else "")


class SyncConflict(WuyeError):
    title = "同步冲突"

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__("sync_conflict", details="\n".join(f"- {c.text}" for c in conflicts))


# --- remote and status ----------------------------------------------------------------------------

def add_remote(root: Path, url: str) -> None:
    if not url.strip():
        raise InputError("sync_no_remote")
    vcs.set_remote(root, REMOTE, url.strip())


def _status_path(root: Path) -> Path:
    return Path(root) / layout.STATE / STATUS


def read_status(root: Path) -> dict:
    try:
        return json.loads(_status_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_status(root: Path, **changes) -> None:
    st = read_status(root)
    st.update(changes)
    store.write_atomic(_status_path(root), json.dumps(st, ensure_ascii=False, indent=1).encode("utf-8"))


def status(books) -> dict:
    """ahead / behind (against the remote as last fetched), last sync, conflicts; no network."""
    root = books.root
    br = vcs.branch(root)
    remote = vcs.rev(root, f"{REMOTE}/{br}")
    head = vcs.head(root)
    if head and remote:
        ahead, behind = vcs.count(root, f"{remote}..{head}"), vcs.count(root, f"{head}..{remote}")
    else:
        ahead, behind = (vcs.count(root, head) if head else 0), 0
    st = read_status(root)
    office = offices.current(books)
    return {"remote": vcs.remote_url(root, REMOTE), "office": office,
            "pull_only": bool(books.config.offices) and office is None,
            "ahead": ahead, "behind": behind, "last_sync": st.get("last_sync"),
            "last_error": st.get("last_error"), "conflicts": st.get("conflicts", [])}


# --- the sync --------------------------------------------------------------------------------------

def sync(books, retries: int = RETRIES) -> SyncResult:
    root = books.root
    if not vcs.remote_url(root, REMOTE):
        raise InputError("sync_no_remote")
    br = vcs.branch(root)
    vcs.ensure_identity(root)  # a fresh clone may have no committer for the replay
    pull_only = bool(books.config.offices) and offices.current(books) is None
    pulled = replayed = 0
    for _attempt in range(retries):
        with books_lock(root):
            _recover_held(root)
            check_books_state(books)
            orig = vcs.head(root)
            recovery.record_sync(root, "fetch", orig)
            fault("sync-fetch")
            vcs.fetch(root, REMOTE, br)
            remote = vcs.rev(root, f"{REMOTE}/{br}")
            ahead = vcs.rev_list(root, f"{remote}..HEAD" if remote else "HEAD") if orig else []
            behind = vcs.rev_list(root, f"HEAD..{remote}") if remote else []
            if behind:
                recovery.record_sync(root, "replay", orig)
                if ahead:
                    clash = vcs.rebase(root, remote)
                    if clash:
                        _stop(books, orig, file_conflicts(root, clash, orig, remote, ahead))
                    replayed += len(ahead)
                else:
                    vcs.merge_ff(root, remote)
                fault("sync-replay")
                books.refresh()
                found = merge_conflicts(books, remote)
                if found:
                    _stop(books, orig, found)
                pulled += len(behind)
            if ahead and pull_only:
                recovery.clear_sync(root)
                raise BooksStateError("sync_pull_only", ahead=len(ahead))
            if ahead:
                recovery.record_sync(root, "push", orig)
                fault("sync-push")
                why = vcs.push(root, REMOTE, br)
                if why:
                    recovery.clear_sync(root)
                    if _moved(why):
                        continue  # the remote moved since our fetch: fetch and replay again
                    raise WuyeError("sync_failed", what=why)
            recovery.clear_sync(root)
            now = dt.datetime.now().isoformat(timespec="seconds")
            _write_status(root, last_sync=now, last_error=None, conflicts=[], remote_head=vcs.head(root))
            return SyncResult(pulled, 0 if pull_only else len(ahead), replayed, vcs.head(root), pull_only)
    raise WuyeError("sync_remote_moving", retries=retries)


def _moved(why: str) -> bool:
    return any(w in why for w in ("rejected", "non-fast-forward", "fetch first", "stale info", "cannot lock ref"))


def _recover_held(root: Path) -> None:
    if recovery.pending(root):
        said = recovery.recover(root)
        if said:
            print(f"wuye: {said}", file=sys.stderr)


def _stop(books, orig: str | None, conflicts: list[Conflict]):
    """Put the books back as they were before the sync (local commits kept), record, raise."""
    root = books.root
    if vcs.operation_in_progress(root):
        vcs.rebase_abort(root)
    if orig:
        vcs.reset_hard(root, orig)
    recovery.clear_sync(root)
    books.refresh()
    _write_status(root, conflicts=[c.as_dict() for c in conflicts],
                  last_error=dt.datetime.now().isoformat(timespec="seconds"))
    raise SyncConflict(conflicts)


# --- what cannot merge -------------------------------------------------------------------------------

def _side(root: Path, commits: list[str], path: str) -> list[str]:
    out = []
    for c in vcs.log(root, 200, (path,), rev=commits[-1]) if commits else []:
        if c.sha in commits:
            out.append(f"{c.sha[:10]} {c.author}: {c.subject}")
    return out


def file_conflicts(root: Path, paths: list[str], orig: str, remote: str, ahead: list[str]) -> list[Conflict]:
    theirs = vcs.rev_list(root, f"{orig}..{remote}")
    out = []
    for path in paths:
        here, there = _side(root, ahead, path), _side(root, theirs, path)
        out.append(Conflict("file", f"{path} was changed on both sides: here {'; '.join(here) or '?'} / "
                                    f"there {'; '.join(there) or '?'}", path=path, here=here, there=there))
    return out


def _bills(subject: str, period: str) -> bool:
    """A billing run's commit (`bill 2026-12: ...`, `bill 2026-01..2026-06: ...`) that covers `period`."""
    if not subject.startswith("bill "):
        return False
    span = subject[5:].split(":", 1)[0].strip()
    first, _, last = span.partition("..")
    return first <= period <= (last or first)


def merge_conflicts(books, remote: str) -> list[Conflict]:
    """The full check of the merged books, and what a merge alone can break (money settled twice)."""
    from ledger.books import integrity

    office = offices.current(books)
    out = []
    for key, settlements in facts.settled_twice(books.cache).items():
        unit, item, period = key
        mine = [f"{r} ({f})" for r, f in settlements if layout.file_office(f) == office and office]
        theirs = [f"{r} ({f})" for r, f in settlements if not (layout.file_office(f) == office and office)]
        out.append(Conflict("settled-twice", f"{unit} {item} {period} was settled by both offices: here "
                                             f"{', '.join(mine) or '-'} / there {', '.join(theirs) or '-'}",
                            unit, item, period, [s.split(" ")[0] for s in mine], [s.split(" ")[0] for s in theirs]))
    twice: dict[str, list[str]] = {}
    for unit, item, period in facts.billed_twice(books.cache):
        twice.setdefault(period, []).append(f"{unit} {item}")
    for period, keys in sorted(twice.items()):  # one conflict per period: a billing run bills many units
        shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
        here = [f"{c.sha[:10]} {c.subject}" for c in vcs.log(books.root, 200, rev=f"{remote}..HEAD")
                if _bills(c.subject, period)] if remote else []
        out.append(Conflict("billed-twice", f"{period} was billed by both offices ({len(keys)} charges: {shown}): "
                                            f"here {'; '.join(here) or '-'}", period=period, here=here))
    if not out:
        for p in integrity.check_books(books):
            out.append(Conflict("invalid", f"after the merge: {p}", path=p.filename))
    return out


# --- wuye sync --resolve ------------------------------------------------------------------------------

CHOICES = ("credit", "void", "theirs")


def resolve(books, choose, reason: str = "两个收费点重复收取同一期费用") -> SyncResult:
    """Replay this clone's commits on the remote again and settle each recorded conflict as `choose`
    says: `choose(conflict) -> 'credit' | 'void' | 'theirs' | None` (None: stop, nothing changed).

    - credit (a charge settled by both offices): this office's payment stays, its money moves to the
      unit's credit (预存), receipt and amount unchanged;
    - void: this office's receipt is voided (作废), e.g. the money is handed back;
    - theirs (a file both changed, config.yaml; a period both offices billed): this office's commits of
      that file / its billing runs of that period are left out of the replay (kept under
      refs/wuye/unsynced/; enter the change again, or `wuye bill` again for what is left unbilled).
    """
    root = books.root
    conflicts = [Conflict(**c) for c in read_status(root).get("conflicts", [])]
    if not conflicts:
        raise InputError("sync_no_conflict")
    decisions = {}
    for i, c in enumerate(conflicts):
        d = choose(c)
        if d is None:
            raise InputError("resolve_stopped", conflict=c.text)
        if d not in CHOICES:
            raise InputError("resolve_bad_choice", choice=d, choices=", ".join(CHOICES))
        decisions[i] = d
    br = vcs.branch(root)
    done: list[str] = []
    with books_lock(root):
        _recover_held(root)
        check_books_state(books)
        orig = vcs.head(root)
        recovery.record_sync(root, "replay", orig)
        vcs.fetch(root, REMOTE, br)
        remote = vcs.rev(root, f"{REMOTE}/{br}")
        ahead = vcs.rev_list(root, f"{remote}..HEAD") if remote else []
        vcs.update_ref(root, f"refs/wuye/unsynced/{dt.datetime.now():%Y%m%d%H%M%S}", orig)
        drop = set()
        for i, c in enumerate(conflicts):
            if c.kind == "file" and decisions[i] == "theirs":
                drop |= set(vcs.rev_list(root, f"{remote}..{orig}", (c.path,)))
            if c.kind == "billed-twice" and decisions[i] == "theirs":
                drop |= {x.sha for x in vcs.log(root, 1000, rev=f"{remote}..{orig}") if _bills(x.subject, c.period)}
        try:
            if remote:
                vcs.reset_hard(root, remote)
                for sha in ahead:
                    if sha in drop:
                        done.append(f"left out {sha[:10]} (kept under refs/wuye/unsynced/)")
                        continue
                    if not vcs.cherry_pick(root, sha):
                        raise WuyeError("sync_commit_not_applied", commit=sha[:10])
            books.refresh()
            for i, c in enumerate(conflicts):
                if c.kind != "settled-twice" or not c.here:
                    continue
                from ledger.payments.settled_twice import to_credit_operation, void_operation

                for receipt in c.here:
                    op = (to_credit_operation(receipt, [(c.item, c.period)], reason) if decisions[i] == "credit"
                          else void_operation(receipt, reason))
                    result = commit_held(books, op)
                    if result:
                        done.append(f"{decisions[i]} {receipt}: {result.message.splitlines()[0]}")
            books.refresh()
            left = merge_conflicts(books, remote or "")
            if left:
                raise SyncConflict(left)
        except WuyeError:
            if vcs.operation_in_progress(root):
                vcs.rebase_abort(root)
            if orig:
                vcs.reset_hard(root, orig)
            recovery.clear_sync(root)
            books.refresh()
            raise
        recovery.clear_sync(root)
        _write_status(root, conflicts=[])
    result = sync(books)
    result.resolved = done
    return result
