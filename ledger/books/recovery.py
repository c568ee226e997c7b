"""The intent journal of the one writer, and recovery from a write that did not finish.

Before it touches a file the writer records, fsynced, in `.wuye/intent.json`: the files, the git blob
each had (None: a new file) and the blob it will have, and the commit message. It removes the record
once the commit exists. A record found by a later command (any command: `Books()` looks) belongs to a
writer that died or failed to clean up; under the books lock it is

- already committed (HEAD has the new blobs): the record is dropped;
- complete (stage "writing", every file holds its new bytes, beancount accepts them): committed now;
- anything else: rolled back to the last commit: files restored from git, new files removed, the index
  reset for those files, temp files and git lock files of the dead writer removed.

A file holding bytes that are neither the old nor the new ones was edited by someone else: it is left
as it is and named.
"""
from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from ledger.books import files as store, git as vcs, layout

INTENT = "intent.json"
ABORTED = "intent.aborted"
SYNC_INTENT = "sync.intent.json"  # a sync under way (ledger/books/sync.py): its stage and the HEAD before it


@dataclass
class Intent:
    pid: int
    host: str
    head: str | None
    message: str
    author: str | None
    files: dict[str, tuple[str | None, str]]  # path -> (old blob or None, new blob)
    stage: str = "writing"  # "writing" | "abort" (the writer itself decided to roll back)

    @property
    def summary(self) -> str:
        return self.message.splitlines()[0] if self.message else "(no message)"


@dataclass
class Undo:
    restored: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # edited by someone else: kept as found
    failed: list[str] = field(default_factory=list)  # "path (error)"

    @property
    def complete(self) -> bool:
        return not self.failed


def intent_path(root: Path) -> Path:
    return Path(root) / layout.STATE / INTENT


def record(root: Path, intent: Intent) -> None:
    data = json.dumps({"pid": intent.pid, "host": intent.host, "head": intent.head, "message": intent.message,
                       "author": intent.author, "stage": intent.stage,
                       "files": {k: list(v) for k, v in intent.files.items()}}, ensure_ascii=False)
    store.write_atomic(intent_path(root), data.encode("utf-8"))


def read(root: Path) -> Intent | None:
    try:
        d = json.loads(intent_path(root).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    stage = "abort" if (Path(root) / layout.STATE / ABORTED).exists() else d.get("stage", "writing")
    return Intent(int(d["pid"]), d["host"], d["head"], d["message"], d.get("author"),
                  {k: (v[0], v[1]) for k, v in d["files"].items()}, stage)


def mark_aborted(root: Path) -> None:
    """When the record itself cannot be rewritten (the disk fails), an empty marker says "roll back"."""
    try:
        (Path(root) / layout.STATE / ABORTED).touch()
    except OSError:
        pass


def clear(root: Path) -> None:
    store.remove(intent_path(root))
    (Path(root) / layout.STATE / ABORTED).unlink(missing_ok=True)


def pending(root: Path) -> bool:
    """Cheap: is there anything a dead writer may have left (the record, or a half-made record)?"""
    state = Path(root) / layout.STATE
    return intent_path(root).exists() or any(state.glob(f".{INTENT}.*.tmp")) or (state / SYNC_INTENT).exists()


def _current_blob(root: Path, rel: str) -> str | None:
    try:
        return vcs.blob_sha((Path(root) / rel).read_bytes())
    except FileNotFoundError:
        return None


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


def _temp_files(root: Path, intent: Intent) -> list[Path]:
    out = []
    for rel in intent.files:
        path = Path(root) / rel
        for suffix in ("tmp", "old"):
            cand = path.with_name(f".{path.name}.{intent.pid}.{suffix}")
            if cand.exists():
                out.append(cand)
    return out


def roll_back(root: Path, intent: Intent, old_bytes: dict[str, bytes | None] | None = None,
              new_bytes: dict[str, bytes] | None = None) -> Undo:
    """Put every file of the write back to its old blob, where it still holds the new one."""
    root = Path(root)
    undo = Undo()
    for rel, (old, new) in intent.files.items():
        path = root / rel
        try:
            cur = _current_blob(root, rel)
            if cur == old:
                if old is None:
                    _remove_empty_dirs(root, path.parent)  # the write may have made the folder and failed
                continue
            if cur == new:
                if old is None:
                    store.remove(path)
                    _remove_empty_dirs(root, path.parent)
                    undo.removed.append(rel)
                else:
                    data = old_bytes[rel] if old_bytes and old_bytes.get(rel) is not None else vcs.blob_bytes(root, old)
                    store.write_atomic(path, data)
                    undo.restored.append(rel)
                continue
            # someone else wrote the file after us: when they only added to our text, keep their part
            mine = (new_bytes or {}).get(rel)
            theirs = path.read_bytes() if cur is not None else None
            if mine and theirs is not None and theirs.startswith(mine) and old is not None:
                data = old_bytes[rel] if old_bytes and old_bytes.get(rel) is not None else vcs.blob_bytes(root, old)
                store.write_atomic(path, data + theirs[len(mine):])
                undo.restored.append(f"{rel} (keeping the text added after ours)")
                continue
            undo.left.append(rel)
        except OSError as exc:
            undo.failed.append(f"{rel} ({exc.strerror or exc})")
    vcs.unstage(root, list(intent.files))
    for tmp in _temp_files(root, intent):
        try:
            tmp.unlink()
        except OSError:
            pass
    return undo


def _git_locks(root: Path) -> list[Path]:
    gitdir = vcs.git_dir(root)
    cands = [gitdir / "index.lock", gitdir / "HEAD.lock"]
    cands += list((gitdir / "refs" / "heads").glob("**/*.lock"))
    cands += list((gitdir / "refs" / "remotes").glob("**/*.lock")) + [gitdir / "packed-refs.lock"]  # a killed fetch
    return [p for p in cands if p.exists()]


def _stale_locks_note(root: Path) -> str:
    """Clear the git locks a dead writer left and say which (both recoveries report it the same way)."""
    wait_seconds = float(os.environ.get("WUYE_GIT_LOCK_WAIT", "3"))  # a duration, not money
    locks = _clear_git_locks(root, wait_seconds)
    return f"; removed stale git {', '.join(locks)}" if locks else ""


def _clear_git_locks(root: Path, wait: float) -> list[str]:
    """Lock files git left when its caller died. A git the dead writer started may still be finishing
    (a killed parent does not stop its child), so wait a little before calling them stale."""
    deadline = time.monotonic() + wait
    locks = _git_locks(root)
    while locks and time.monotonic() < deadline:
        time.sleep(0.1)
        locks = _git_locks(root)
    removed = []
    for p in locks:
        p.unlink(missing_ok=True)
        removed.append(p.name)
    return removed


def recover(root: Path) -> str | None:
    """Undo what a dead writer left uncommitted (or drop the record of a write it did commit); the caller
    holds the books lock. Returns what was done."""
    root = Path(root)
    state = root / layout.STATE
    synced = recover_sync(root)
    for tmp in state.glob(f".{INTENT}.*.tmp"):  # a record half made: nothing else was touched yet
        tmp.unlink(missing_ok=True)
    intent = read(root)
    if intent is None:
        return synced
    who = f"pid {intent.pid}" + ("" if intent.host == socket.gethostname() else f" on {intent.host}")
    what = f"an unfinished write ({who}: {intent.summary})"
    note = _stale_locks_note(root)
    head = vcs.head(root)
    news = {rel: new for rel, (_, new) in intent.files.items()}
    if head != intent.head and vcs.tree_blobs(root, head, list(news)) == news:
        vcs.unstage(root, list(news))
        clear(root)
        return f"{what} was committed as {head[:10]}{note}"
    # A write that was not committed is rolled back, even when its text was complete: the command that
    # died never said "done" nor printed its receipt, so the person will enter it again.
    if head != intent.head:
        # HEAD moved without our text (a commit made by hand): the old state to go back to is HEAD's
        base = vcs.tree_blobs(root, head, list(news))
        intent = Intent(intent.pid, intent.host, head, intent.message, intent.author,
                        {rel: (base.get(rel), new) for rel, new in news.items()}, "abort")
    undo = roll_back(root, intent)
    if undo.complete:
        clear(root)
    done = []
    if undo.restored:
        done.append(f"restored {', '.join(undo.restored)}")
    if undo.removed:
        done.append(f"removed {', '.join(undo.removed)}")
    if undo.left:
        done.append(f"left {', '.join(undo.left)} as found (edited by someone else; review and commit or discard it)")
    if undo.failed:
        done.append(f"could not restore {', '.join(undo.failed)} (the next wuye command tries again)")
    tail = "; ".join(done) or "no file had been changed"
    return f"{what}: rolled back to the last commit {str(head)[:10]}: {tail}{note}"


# --- a sync that did not finish (ledger/books/sync.py) -------------------------------------------------

def record_sync(root: Path, stage: str, head: str | None) -> None:
    """stage: fetch (only remote-tracking refs may move), replay (HEAD is being moved onto the remote's
    commits, not yet checked), push (HEAD is checked; the remote may or may not have it)."""
    data = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "stage": stage, "head": head})
    store.write_atomic(Path(root) / layout.STATE / SYNC_INTENT, data.encode("utf-8"))


def clear_sync(root: Path) -> None:
    store.remove(Path(root) / layout.STATE / SYNC_INTENT)


def recover_sync(root: Path) -> str | None:
    """Put the books back to a committed, checked state after a sync died; the caller holds the lock.
    A replay not checked yet goes back to the HEAD before the sync (local commits kept, nothing lost);
    after a fetch or a checked replay nothing is undone: the next `wuye sync` goes on from there."""
    path = Path(root) / layout.STATE / SYNC_INTENT
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        d = {"stage": "replay", "head": None}
    note = _stale_locks_note(root)
    what = vcs.operation_in_progress(root)
    if what:
        vcs.git(root, "rebase", "--abort", check=False)
        vcs.git(root, "cherry-pick", "--abort", check=False)
    stage, head = d.get("stage"), d.get("head")
    done = "nothing to undo"
    if stage == "replay" and head and vcs.head(root) != head:
        vcs.reset_hard(root, head)
        done = f"put the books back to {head[:10]} (the replay was not checked; local commits are kept)"
    elif what:
        done = f"aborted {what}"
    clear_sync(root)
    return f"a sync that did not finish (stage {stage}, pid {d.get('pid')}): {done}; run `wuye sync` again{note}"
