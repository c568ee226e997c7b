"""The one safe write path: `commit(books, operation)`.

Under the books lock: finish or undo a dead writer's write, refuse unsafe git states, re-read what moved
(HEAD, the changed files), plan by calling the operation on that state, build each file's new text from
the bytes just read, record the intent, write atomically, validate with beancount, stage, check that the
staged blobs are exactly the bytes written, commit. Success means the commit exists; the fact cache is
updated after it and a failure there only marks the cache stale. On any failure before the commit the
files and the index are put back and nothing is committed.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import re
import signal
import socket
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger.books import appended, closing, files as store, git as vcs, layout, loading, offices, recovery, verified
from ledger.books.entries import recording
from ledger.books.plan import Operation, Plan, PlanChanged, appended_text
from ledger.basics.errors import BooksStateError, ExternallyChangedError, LedgerProblem, LockHeldError, ValidationError, WuyeError

if TYPE_CHECKING:
    from ledger.books.folder import Books

_CONFLICT = re.compile(r"^(<<<<<<< |>>>>>>> |=======$)", re.M)
NOT_SHOWN = object()  # `expect` default: the caller previewed nothing


@dataclass(frozen=True)
class WriteResult:
    commit: str
    message: str
    files: tuple[str, ...]
    plan: Plan | None = None


# --- fault injection: WUYE_FAULT="kill@staged", "fail@cache", "pause@written" (comma-separated) -----

STEPS = ("intent", "written", "validated", "staged", "committed", "cache")


def fault(step: str) -> None:
    """Stop at a named step (tests of crash recovery and I/O faults); nothing unless WUYE_FAULT names it."""
    spec = os.environ.get("WUYE_FAULT")
    if not spec:
        return
    for item in spec.split(","):
        action, _, at = item.strip().partition("@")
        if at != step:
            continue
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if action == "fail":
            raise OSError(errno.ENOSPC, f"No space left on device (injected at {step})")
        if action == "pause":  # a window for a test to act in (a hand edit between write and stage)
            time.sleep(float(os.environ.get("WUYE_FAULT_PAUSE", "2")))


# --- the lock ---------------------------------------------------------------------------------

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_state(root: Path) -> tuple:
    """(held, generation) from .wuye/lock.info: readers compare it before and after a read."""
    try:
        info = json.loads((Path(root) / layout.STATE / "lock.info").read_text(encoding="utf-8"))
        return bool(info.get("held")), int(info.get("n", 0))
    except FileNotFoundError:
        return False, 0
    except (OSError, ValueError):
        return True, -1  # unreadable or half written: treat as busy


def lock_holder(root: Path) -> str:
    """Who holds the books lock, from lock.info; "an unknown process" when it names no live writer
    (lock.info stays after a writer ends, and a holder that just took the lock may not have written it)."""
    try:
        who = json.loads((Path(root) / layout.STATE / "lock.info").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "an unknown process"
    pid = int(who.get("pid") or 0)
    if not who.get("held") or (who.get("host") == socket.gethostname() and (pid == os.getpid() or not _alive(pid))):
        return "an unknown process"
    return f"{who.get('user')} (pid {pid} on {who.get('host')}, since {who.get('since')})"


def _write_info(state: Path, held: bool, n: int) -> None:
    info = {"held": held, "n": n, "user": os.environ.get("WUYE_USER") or os.environ.get("USER", "?"),
            "pid": os.getpid(), "host": socket.gethostname(),
            "since": dt.datetime.now().isoformat(timespec="seconds")}
    tmp = state / f".lock.info.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, state / "lock.info")  # no fsync: advisory, and a reader treats garbage as busy


@contextmanager
def books_lock(root: Path, timeout: float | None = None, shared: bool = False):
    """The books lock: exclusive for a writer, shared for a reader that must not see a write half done.

    A waiter waits (WUYE_LOCK_TIMEOUT seconds, default 120), says on stderr whom it waits for once the
    wait passes WUYE_LOCK_NOTICE seconds (default 3), and fails naming the holder. Yields False when the
    lock cannot be had at all because the books are read-only (then nobody can write them either).
    """
    if timeout is None:
        timeout = float(os.environ.get("WUYE_LOCK_TIMEOUT", "120"))
    notice = float(os.environ.get("WUYE_LOCK_NOTICE", "3"))
    state = Path(root) / layout.STATE
    try:
        state.mkdir(exist_ok=True)
        fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if not shared:
            raise BooksStateError(f"{root}: the write lock cannot be taken ({exc.strerror or exc}); "
                                  "the books are read-only here and nothing was written") from exc
        try:
            fd = os.open(state / "lock", os.O_RDONLY)
        except OSError:
            yield False
            return
    try:
        start = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= timeout:
                    raise LockHeldError("lock_held", holder=lock_holder(root)) from None
                if not told and waited >= notice:
                    print(f"wuye: waiting for the books: {lock_holder(root)} is writing", file=sys.stderr)
                    told = True
                time.sleep(0.02)
        if shared:
            yield True
            return
        n = lock_state(root)[1] + 1
        _write_info(state, True, n)
        try:
            yield True
        finally:
            try:
                _write_info(state, False, n)
            except OSError:
                pass
    finally:
        os.close(fd)  # closing releases the flock


# --- checks -----------------------------------------------------------------------------------

def ledger_paths(books: "Books") -> tuple[str, ...]:
    """What the ledger and its config are read from: the only paths whose state a write depends on."""
    return (layout.MAIN, layout.ACCOUNTS, layout.CONFIG, books.config.units_file, layout.TXNS,
            *layout.account_files(books.root)[1:])


def check_books_state(books: "Books") -> None:
    root = books.root
    op = vcs.operation_in_progress(root)
    if op:
        raise BooksStateError(f"{root}: {op} is in progress; finish or abort it before writing")
    dirty = vcs.status_lines(root, ledger_paths(books))
    staged = vcs.staged_names(root)
    if dirty or staged:
        shown = ", ".join(dict.fromkeys([ln[3:] for ln in dirty] + staged))
        parts = shown.split(", ")
        if len(parts) > 5:
            shown = ", ".join(parts[:5]) + ", ..."
        raise BooksStateError(f"{root}: uncommitted changes ({shown}); commit or discard them first")


def validate(root: Path, changed: list[str]) -> tuple[list[LedgerProblem], dict[str, int]]:
    """Run beancount's loader on the options, plugins and accounts plus the changed month files.

    Our transactions never depend on entries in other month files (no balance assertions there), so
    this is the same check a full load makes for what was written; `wuye check` does the full load.
    The closing balances of a month (txns/closes/, written by `wuye close`) depend on every earlier
    entry: a write that changes them is checked against the whole ledger.
    """
    main = (root / layout.MAIN).read_text(encoding="utf-8")
    head = [ln for ln in main.splitlines() if not ln.startswith("include ")]
    files = layout.account_files(root) + [c for c in changed if c.startswith(layout.TXNS + "/")]
    if any(layout.is_close_file(c) for c in changed):
        files = list(dict.fromkeys(layout.ledger_files(root) + files))
    text = "\n".join(head + [f'include "{(root / f).resolve()}"' for f in dict.fromkeys(files)]) + "\n"
    entries, errors, _ = loading.load([(text, False)])
    counts: dict[str, int] = {}
    for e in entries:
        fname = e.meta.get("filename") if e.meta else None
        if fname:
            counts[fname] = counts.get(fname, 0) + 1
    by_rel = {f: counts.get(str((root / f).resolve()), 0) for f in files}
    out = []
    for e in errors:
        src = e.source or {}
        fname = str(src.get("filename", "?"))
        try:
            fname = str(Path(fname).resolve().relative_to(root.resolve()))
        except ValueError:
            pass
        out.append(LedgerProblem(fname, int(src.get("lineno") or 0), e.message))
    return out, by_rel


def _inside(root: Path, rel: str) -> Path:
    path = (root / rel).resolve()
    if root.resolve() not in path.parents:
        raise ValidationError([LedgerProblem(rel, 0, "the path is outside the books folder")])
    return root / rel


def _config_problems(books: "Books", paths: tuple[str, ...]) -> list[LedgerProblem]:
    """config.yaml and the units file are loaded as a reader will load them, before the commit."""
    from ledger.community.config import load_config
    from ledger.community.units import load_units

    if layout.CONFIG not in paths and books.config.units_file not in paths:
        return []
    try:
        cfg = load_config(books.root / layout.CONFIG)
        load_units(books.root / cfg.units_file)
    except WuyeError as exc:
        return [LedgerProblem(layout.CONFIG if layout.CONFIG in paths else books.config.units_file, 0, str(exc))]
    return []


# --- the write --------------------------------------------------------------------------------

def commit(books: "Books", operation: Operation, expect: Any = NOT_SHOWN) -> WriteResult | None:
    """Plan `operation` on the books as they are under the lock and commit it; None if it plans nothing.

    `expect` is the effect a person was shown; a re-plan with another effect raises PlanChanged.
    """
    with books_lock(books.root):
        said = recovery.recover(books.root) if recovery.pending(books.root) else None
        if said:
            print(f"wuye: {said}", file=sys.stderr)
        return commit_held(books, operation, expect)


def commit_held(books: "Books", operation: Operation, expect: Any = NOT_SHOWN) -> WriteResult | None:
    """`commit` for a caller that holds the books lock already (the sync commits a resolution)."""
    check_books_state(books)
    books.refresh()
    # multi-office books: only a clone that chose its office writes, into that office's files
    office = (offices.current(books) if getattr(operation, "migrates_layout", False)
              else offices.require(books))
    # every entry this commit writes says when and by whom it was recorded (ledger/books/entries.py)
    with recording(books.now(), books.collector(None, "WUYE_USER")):
        plan = operation(books)
    if expect is not NOT_SHOWN and plan.effect != expect:
        raise PlanChanged(plan, expect)
    if plan.empty:
        return None
    if not getattr(operation, "migrates_layout", False):  # moving files to the office layout writes no entry
        closing.refuse_closed(books, plan)  # every command: nothing is written into a closed month
    return _apply(books, offices.place(plan, office), office)


def _apply(books: "Books", plan: Plan, office: str | None = None) -> WriteResult:
    root = books.root
    paths = list(plan.files)
    head = books.head
    committed = vcs.tree_blobs(root, head, paths)
    old_bytes: dict[str, bytes | None] = {}
    new_bytes: dict[str, bytes] = {}
    old_texts: dict[str, str] = {}
    for rel in paths:
        path = _inside(root, rel)
        try:
            cur = path.read_bytes()
        except FileNotFoundError:
            cur = None
        if (None if cur is None else vcs.blob_sha(cur)) != committed.get(rel):
            raise ExternallyChangedError(f"{rel} differs from the last commit; commit or discard that change first")
        old_text = old_texts[rel] = cur.decode("utf-8") if cur is not None else ""
        new = appended_text(old_text, plan.appends[rel]) if rel in plan.appends else plan.replaces[rel]
        if _CONFLICT.search(new):
            raise ValidationError([LedgerProblem(rel, 0, "conflict markers in the new text")])
        old_bytes[rel], new_bytes[rel] = cur, new.encode("utf-8")
    # a write that only appends is parsed once, here, for the check, the verified state and the cache
    chunks = appended.chunks_of(root, plan, old_texts)
    # the verified state (ledger/books/verified.py) goes into the same commit and is rolled back with it
    states = verified.update_all(root, {rel: new_bytes[rel].decode("utf-8") for rel in paths}, office,
                                 chunks, committed)
    committed.update(vcs.tree_blobs(root, head, [v for v, _ in states if v not in new_bytes]))  # one git call
    for vpath, vtext in states:
        if vpath not in new_bytes:
            try:
                vcur = (root / vpath).read_bytes()
            except FileNotFoundError:
                vcur = None
            if (None if vcur is None else vcs.blob_sha(vcur)) != committed.get(vpath):
                raise ExternallyChangedError(f"{vpath} differs from the last commit; commit or discard that change first")
            paths.append(vpath)
            old_bytes[vpath] = vcur
        new_bytes[vpath] = vtext.encode("utf-8")
    intent = recovery.Intent(os.getpid(), socket.gethostname(), head, plan.message, books.author,
                             {rel: (committed.get(rel), vcs.blob_sha(new_bytes[rel])) for rel in paths})
    try:
        (root / layout.STATE / recovery.ABORTED).unlink(missing_ok=True)  # a marker outliving its record
        recovery.record(root, intent)
    except OSError as exc:
        recovery.intent_path(root).unlink(missing_ok=True)
        raise WuyeError(f"writing failed: {layout.STATE}/{recovery.INTENT}: {exc.strerror or exc}; "
                        "the books are unchanged and nothing was committed") from exc
    written: list[str] = []
    try:
        fault("intent")
        for rel in paths:
            written.append(rel)  # before the write: it may fail after its rename, with the new bytes in place
            try:
                store.replace_checked(root / rel, new_bytes[rel], old_bytes[rel])
            except store.ChangedUnderneath:
                written.pop()
                raise ExternallyChangedError(f"{rel} was changed by someone else while wuye wrote; "
                                             "their text is kept and nothing was committed") from None
        fault("written")
        if chunks is not None:  # appended entries only: they cannot drop an entry
            problems, counts = appended.validate(root, books.cache, chunks), {}
        else:
            problems, counts = validate(root, paths)
        for rel in paths:
            if rel in counts and not (layout.is_close_file(rel) and rel in plan.replaces):
                # a reopen turns a close's assertions into comments: the only write that drops entries
                before = books.cache.entry_count(rel)
                if counts[rel] < before:
                    problems.append(LedgerProblem(rel, 0, f"entry count dropped from {before} to {counts[rel]}"))
        problems += _config_problems(books, plan.files)
        if problems:
            raise ValidationError(problems)
        fault("validated")
        vcs.add(root, paths)
        staged = vcs.staged_blobs(root, paths)
        moved = [rel for rel in paths if staged.get(rel) != intent.files[rel][1]]
        others = sorted(set(vcs.staged_names(root)) - set(paths))
        if moved or others:
            raise ExternallyChangedError(
                f"{', '.join(moved or others)} changed while wuye wrote (what git staged is not what wuye wrote); "
                "nothing was committed")
        fault("staged")
        sha = vcs.commit_index(root, plan.message, books.author)
    except BaseException as exc:
        if vcs.head(root) != head and vcs.tree_blobs(root, vcs.head(root), paths) == {
                rel: new for rel, (_, new) in intent.files.items()}:
            sha = vcs.head(root) or ""  # the commit was made (a hook failed after it): done means committed
        else:
            _undo(root, intent, old_bytes, new_bytes, written, exc)
            raise
    fault("committed")
    if plan.tag:
        try:
            vcs.tag(root, plan.tag, sha)
        except WuyeError as exc:  # the commit is made and says what it is; the tag can be added by hand
            print(f"wuye: committed {sha[:10]}, but the tag {plan.tag} could not be made: {exc}", file=sys.stderr)
    try:
        recovery.clear(root)
    except OSError as exc:  # the next command sees the record, finds the commit and drops it
        print(f"wuye: committed, but {exc.strerror or exc} removing the write record", file=sys.stderr)
    books.after_write(plan, new_bytes, sha, chunks)
    return WriteResult(sha, plan.message, tuple(paths), plan)


def _undo(root: Path, intent: recovery.Intent, old_bytes, new_bytes, written: list[str], exc: BaseException) -> None:
    """Roll a failed write back; raise a WuyeError that says in what state the books are."""
    aborted = recovery.Intent(intent.pid, intent.host, intent.head, intent.message, intent.author, intent.files,
                              "abort")
    try:
        recovery.record(root, aborted)  # the next command must roll back, never finish, a refused write
    except OSError:
        recovery.mark_aborted(root)
    undo = recovery.roll_back(root, aborted, old_bytes, new_bytes)
    if undo.complete:
        try:
            recovery.clear(root)
        except OSError:
            pass
    if isinstance(exc, OSError) or not undo.complete:
        # an I/O error (disk full, EIO) names the file and says what state the books are in
        where = written[-1] if written else list(intent.files)[0]
        what = f"{where}: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)
        state = (f"could not restore {', '.join(undo.failed)}; the next wuye command puts back the last commit"
                 if not undo.complete else "the books are unchanged and nothing was committed")
        raise WuyeError(f"writing failed: {what}; {state}") from exc
