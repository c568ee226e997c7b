"""The one safe write path: lock, check nothing moved underneath, write atomically, validate, commit.

On any failure the files are put back byte-for-byte and nothing is committed.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from beancount import loader

from ledger.books import layout, files as store, git as vcs, verified
from ledger.basics.errors import BooksStateError, ExternallyChangedError, LedgerProblem, LockHeldError, ValidationError, WuyeError

if TYPE_CHECKING:
    from ledger.books.folder import Books

_CONFLICT = re.compile(r"^(<<<<<<< |>>>>>>> |=======$)", re.M)


@dataclass(frozen=True)
class Change:
    path: str  # relative to the books folder
    text: str  # the whole new content
    append: str = ""  # the part added, when the change is an append (for the entry-count check)


@dataclass(frozen=True)
class WriteResult:
    commit: str
    message: str
    files: tuple[str, ...]


@contextmanager
def books_lock(root: Path, timeout: float | None = None):
    """An exclusive lock on the books; a second writer waits, then fails naming the holder."""
    if timeout is None:
        timeout = float(os.environ.get("WUYE_LOCK_TIMEOUT", "10"))
    state = Path(root) / layout.STATE
    state.mkdir(exist_ok=True)
    fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    try:
                        who = json.loads((state / "lock.info").read_text(encoding="utf-8"))
                        holder = f"{who.get('user')} (pid {who.get('pid')} on {who.get('host')}, since {who.get('since')})"
                    except (OSError, ValueError):
                        holder = "another process"
                    raise LockHeldError(f"the books are being written by {holder}; try again when it finishes") from None
                time.sleep(0.05)
        info = {"user": os.environ.get("WUYE_USER") or os.environ.get("USER", "?"), "pid": os.getpid(),
                "host": socket.gethostname(), "since": dt.datetime.now().isoformat(timespec="seconds")}
        (state / "lock.info").write_text(json.dumps(info), encoding="utf-8")
        yield
    finally:
        os.close(fd)  # closing releases the flock


def check_books_state(root: Path, expected_head: str | None) -> None:
    op = vcs.operation_in_progress(root)
    if op:
        raise BooksStateError(f"{root}: {op} is in progress; finish or abort it before writing")
    dirty = vcs.status_lines(root)
    if dirty:
        shown = ", ".join(ln[3:] for ln in dirty[:5])
        raise BooksStateError(f"{root}: uncommitted changes ({shown}); commit or discard them first")
    head = vcs.head(root)
    if head != expected_head:
        raise ExternallyChangedError(
            f"{root}: the books changed since they were read (HEAD {str(expected_head)[:8]} -> {str(head)[:8]}); reload and retry")


def validate(root: Path, changed: list[str]) -> tuple[list[LedgerProblem], dict[str, int]]:
    """Run beancount's loader on the options, plugins and accounts plus the changed month files.

    Our transactions never depend on entries in other month files (no balance assertions there), so
    this is the same check a full load makes for what was written; `wuye check` does the full load.
    """
    main = (root / layout.MAIN).read_text(encoding="utf-8")
    head = [ln for ln in main.splitlines() if not ln.startswith("include ")]
    files = [layout.ACCOUNTS] + [c for c in changed if c.startswith(layout.TXNS + "/")]
    text = "\n".join(head + [f'include "{(root / f).resolve()}"' for f in dict.fromkeys(files)]) + "\n"
    entries, errors, _ = loader._load([(text, False)], None, None, None)
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


def _remove_empty_dirs(root: Path, folder: Path) -> None:
    """Remove folders a rolled-back write created (txns/2026/), up to the books folder."""
    root = root.resolve()
    folder = folder.resolve()
    while folder != root and root in folder.parents and folder.name != layout.TXNS:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def write(books: "Books", changes: list[Change], message: str) -> WriteResult:
    root = books.root
    if not changes:
        raise WuyeError("nothing to write")
    with books_lock(root):
        check_books_state(root, books.head)
        old: dict[str, bytes | None] = {}
        for ch in changes:
            path = root / ch.path
            current = store.sha256_file(path)
            if current != books.shas.get(ch.path):
                raise ExternallyChangedError(f"{ch.path} changed on disk since it was read; reload and retry")
            if _CONFLICT.search(ch.text):
                raise ValidationError([LedgerProblem(ch.path, 0, "conflict markers in the new text")])
            old[ch.path] = path.read_bytes() if current else None
        written: list[str] = []
        try:
            for ch in changes:
                # recorded before the write: write_atomic may fail after its rename (fsync of the folder),
                # leaving the new bytes in place, and those must be put back too
                written.append(ch.path)
                store.write_atomic(root / ch.path, ch.text.encode("utf-8"))
            problems, counts = validate(root, [c.path for c in changes])
            for ch in changes:
                if ch.path in counts:
                    before = books.cache.entry_count(ch.path)
                    if counts[ch.path] < before:
                        problems.append(LedgerProblem(ch.path, 0, f"entry count dropped from {before} to {counts[ch.path]}"))
            if problems:
                raise ValidationError(problems)
            # the verified state (ledger/books/verified.py) goes into the same commit and is rolled back with it
            vpath, vtext = verified.update(root, {c.path: c.text for c in changes})
            if vpath not in old:
                old[vpath] = (root / vpath).read_bytes() if (root / vpath).exists() else None
                written.append(vpath)
                store.write_atomic(root / vpath, vtext.encode("utf-8"))
            sha = vcs.commit(root, [c.path for c in changes] + ([vpath] if vpath in written else []), message,
                             books.author)
        except BaseException as exc:
            unrestored = []
            for rel in written:  # each file on its own: one failed restore must not stop the others
                try:
                    if old[rel] is None:
                        store.remove(root / rel)
                        _remove_empty_dirs(root, (root / rel).parent)
                    elif store.sha256_file(root / rel) != store.sha256_bytes(old[rel]):
                        store.write_atomic(root / rel, old[rel])
                except OSError as undo:
                    unrestored.append(f"{rel} ({undo.strerror or undo})")
            vcs.unstage(root, list(dict.fromkeys([c.path for c in changes] + written)))
            if isinstance(exc, OSError) or unrestored:
                # an I/O error (disk full, EIO) names the file and says what state the books are in
                where = written[-1] if written else changes[0].path
                what = f"{where}: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)
                state = (f"could not restore {', '.join(unrestored)}; `git checkout -- .` puts back the last commit"
                         if unrestored else "the books are unchanged and nothing was committed")
                raise WuyeError(f"writing failed: {what}; {state}") from exc
            raise
        books.after_write(changes, sha)
        return WriteResult(sha, message, tuple(c.path for c in changes))
