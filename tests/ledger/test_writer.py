"""The one safe write path: faults at write, fsync, rename, validation and commit leave the books
byte-for-byte as before with nothing committed; refusals for unsafe states name the reason; a write
planned on books that moved is planned again under the lock instead of being refused."""
from __future__ import annotations

import datetime as dt
import errno
import os
import re
import subprocess
import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_testkit import HDR, PF_ONLY, git, snapshot

from ledger.basics import accounts as acc
from ledger.books import entries as beans, integrity, files as store
from ledger.billing import run as billrun
from ledger.books.folder import Books
from ledger.basics.errors import WuyeError, BooksStateError, ExternallyChangedError, LockHeldError, ValidationError, VcsError
from ledger.books.plan import Plan

REPO = Path(__file__).resolve().parents[2]
JUNE = "txns/2026/2026-06.beancount"
AUG = "txns/2026/2026-08.beancount"
UNITS = HDR + "1-0101,1,89.36,residential,2023-12-01,0,O-1\n1-0102,1,100.00,residential,,0,\n"


@pytest.fixture
def books(tmp_path, make_books, run_cli):
    root = make_books(tmp_path, PF_ONLY, UNITS)
    assert run_cli("bill", "2026-06", books=root).rc == 0
    return root


def state(root: Path) -> tuple:
    return snapshot(root), git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain")


def assert_unchanged(root: Path, before: tuple) -> None:
    files, head, status = before
    assert status == ""
    now = snapshot(root)
    assert sorted(now) == sorted(files), "files appeared or vanished"
    for rel in files:
        assert now[rel] == files[rel], f"{rel} changed"
    assert git(root, "rev-parse", "HEAD") == head, "something was committed"
    assert git(root, "status", "--porcelain") == ""
    assert [p for p in root.rglob("*.tmp") if ".git" not in p.parts] == []
    assert not (root / "txns/2026/2026-07.beancount").exists() and not (root / "txns" / "2027").exists()


def a_txn(day: dt.date, unit: str, amount: str, balanced: bool = True):
    value = Decimal(amount)
    postings = [beans.posting(acc.receivable(unit), value, {"item": "PF", "period": f"{day:%Y-%m}"}),
                beans.posting("Income:Fees:PF", -value if balanced else -value + Decimal("0.01"))]
    return beans.txn(day, f"test {unit}", postings, {"op": "bill", "unit": unit, "period": f"{day:%Y-%m}"})


# --- the operations a fault hits -------------------------------------------------------------

def op_bill_new_month(b: Books):
    """`wuye bill 2026-07`: one new month file (and a new folder when the year is new)."""
    return billrun.run_bill(b, ["2026-07"])


def op_two_files(b: Books):
    """An append to the existing June file and a new August file, in one write."""
    return b.commit(lambda _b: Plan("two files\n", {
        JUNE: beans.render([a_txn(dt.date(2026, 6, 1), "1-0101", "1.00")]),
        AUG: beans.render([a_txn(dt.date(2026, 8, 1), "1-0101", "2.00")])}))


def append_plan(rel: str, entry, message: str = "x\n"):
    return lambda _b: Plan(message, {rel: beans.render([entry])})


def op_new_year(b: Books):
    return billrun.run_bill(b, ["2027-01"])


OPS = {"bill-new-month": op_bill_new_month, "two-files": op_two_files, "new-year-folder": op_new_year}


class FaultyOS(types.SimpleNamespace):
    """Stands in for `os` inside ledger.store: the n-th call of one function raises, the rest pass."""

    def __init__(self, name: str, nth: int, err: int):
        super().__init__()
        self._name, self._nth, self._err, self.calls = name, nth, err, 0

    def __getattr__(self, attr):
        real = getattr(os, attr)
        if attr != self._name:
            return real

        def faulty(*args, **kw):
            self.calls += 1
            if self.calls == self._nth:
                raise OSError(self._err, f"{os.strerror(self._err)} (injected)")
            return real(*args, **kw)
        return faulty


# The intent record is written first, then each file. os.write: 1 call per small file. os.fsync: file,
# then folder, per file. os.replace: 1 per file.
FAULTS = [
    ("write", 1, errno.ENOSPC), ("write", 2, errno.ENOSPC), ("write", 3, errno.ENOSPC),
    ("fsync", 1, errno.EIO), ("fsync", 2, errno.EIO), ("fsync", 3, errno.EIO), ("fsync", 4, errno.EIO),
    ("fsync", 5, errno.EIO), ("fsync", 6, errno.EIO),
    ("replace", 1, errno.EIO), ("replace", 2, errno.EXDEV), ("replace", 3, errno.EXDEV),
]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("fault,nth,err", FAULTS, ids=[f"{f}#{n}" for f, n, _ in FAULTS])
def test_io_fault_leaves_books_as_before(books, monkeypatch, op, fault, nth, err):
    b = Books(books)
    before = state(books)
    faulty = FaultyOS(fault, nth, err)
    monkeypatch.setattr(store, "os", faulty)
    try:
        OPS[op](b)
    except WuyeError as exc:
        assert isinstance(exc.__cause__, OSError) and exc.__cause__.errno == err
        assert "(injected)" in str(exc) and "the books are unchanged and nothing was committed" in str(exc)
        # the intent record is written first and the verified state (verified.json) last: a fault may name either
        assert re.search(r"writing failed: (txns/\d{4}/\d{4}-\d\d\.beancount|\.wuye/intent\.json|verified\.json): ", str(exc)), str(exc)
    else:
        if faulty.calls >= nth:
            # it fired after the commit, removing the intent record: done means committed, and the
            # record left behind is dropped by the next command
            assert git(books, "rev-parse", "HEAD") != before[1] and git(books, "status", "--porcelain") == ""
            Books(books).close()
            assert not (books / ".wuye" / "intent.json").exists()
            return
        # the op made fewer calls than nth: the fault never fired, which is only allowed for one-file ops
        assert op != "two-files", f"{fault}#{nth} did not fire"
        return
    finally:
        monkeypatch.setattr(store, "os", os)
    assert_unchanged(books, before)
    # the lock is released and the same Books object can write afterwards
    OPS[op](b)
    assert git(books, "status", "--porcelain") == ""
    assert not (books / ".wuye" / "intent.json").exists()
    b.close()


def test_disk_full_through_the_cli_names_the_file(books, run_cli, monkeypatch):
    before = state(books)
    monkeypatch.setattr(store, "os", FaultyOS("write", 2, errno.ENOSPC))  # the 1st write is the intent record
    res = run_cli("bill", "2026-07", books=books)
    monkeypatch.setattr(store, "os", os)
    assert res.rc == 2 and "Traceback" not in res.err
    assert "wuye: writing failed: txns/2026/2026-07.beancount: No space left on device (injected)" in res.err
    assert_unchanged(books, before)


def test_failed_restore_is_reported(books, monkeypatch, capfd):
    """Rename works once (the new bytes land) and then fails for good: the restore cannot happen, and the
    error says so and how to recover, instead of claiming the books are unchanged; the advice works."""
    b = Books(books)

    class BrokenAfterFirst(FaultyOS):
        def __getattr__(self, attr):
            if attr == "fsync":
                def fsync(fd):
                    self.calls += 1
                    if self.calls >= 4:  # intent file+folder, then the folder fsync after the first rename, ...
                        raise OSError(errno.EIO, "I/O error (injected)")
                    return os.fsync(fd)
                return fsync
            return getattr(os, attr)

    head = git(books, "rev-parse", "HEAD")
    monkeypatch.setattr(store, "os", BrokenAfterFirst("fsync", 0, errno.EIO))
    with pytest.raises(WuyeError, match=rf"could not restore {JUNE} \(I/O error \(injected\)\); "
                                        "the next wuye command puts back the last commit"):
        b.commit(append_plan(JUNE, a_txn(dt.date(2026, 6, 2), "1-0101", "1.00")))
    monkeypatch.setattr(store, "os", os)
    assert git(books, "rev-parse", "HEAD") == head  # nothing committed
    assert git(books, "status", "--porcelain") != ""
    capfd.readouterr()
    Books(books).close()  # the advice: any next command (here a plain open, as `wuye check` does)
    assert "rolled back to the last commit" in capfd.readouterr().err
    assert git(books, "status", "--porcelain") == "" and git(books, "rev-parse", "HEAD") == head


def test_validation_failure_unbalanced(books):
    b = Books(books)
    before = state(books)
    with pytest.raises(ValidationError) as exc:
        b.commit(append_plan(JUNE, a_txn(dt.date(2026, 6, 2), "1-0101", "5.00", balanced=False)))
    assert f"{JUNE}:" in str(exc.value) and "does not balance" in str(exc.value)
    assert_unchanged(books, before)


def test_validation_failure_in_a_new_file_removes_it(books):
    b = Books(books)
    before = state(books)
    with pytest.raises(ValidationError) as exc:
        b.commit(append_plan(AUG, a_txn(dt.date(2026, 8, 2), "9-9999", "5.00")))
    assert "Assets:Receivable:Unit:9-9999" in str(exc.value)
    assert_unchanged(books, before)


def test_validation_refuses_an_entry_count_drop(books):
    b = Books(books)
    before = state(books)
    text = (books / JUNE).read_text(encoding="utf-8")
    first_entry = text.split("\n\n")[0] + "\n"
    with pytest.raises(ValidationError) as exc:
        b.commit(lambda _b: Plan("drop\n", {}, {JUNE: first_entry}))
    assert "entry count dropped from 2 to 1" in str(exc.value)
    assert_unchanged(books, before)


def install_hook(root: Path, body: str = "echo 'pre-commit: refused' >&2\nexit 1\n") -> None:
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\n" + body)
    hook.chmod(0o755)


@pytest.mark.parametrize("op", OPS)
def test_commit_failure_leaves_books_as_before(books, op):
    b = Books(books)
    before = state(books)
    install_hook(books)
    with pytest.raises(VcsError) as exc:
        OPS[op](b)
    assert "pre-commit: refused" in str(exc.value)
    assert_unchanged(books, before)
    (books / ".git" / "hooks" / "pre-commit").unlink()
    OPS[op](b)
    assert git(books, "status", "--porcelain") == ""


def test_commit_failure_through_the_cli(books, run_cli):
    before = state(books)
    install_hook(books)
    res = run_cli("bill", "2026-07", books=books)
    assert res.rc == 2 and "pre-commit: refused" in res.err
    assert_unchanged(books, before)


def test_kill_during_commit_hook_is_rolled_back_by_the_next_command(books, capfd):
    """A writer killed after the file is replaced but before the commit leaves its intent record; the next
    command (any) rolls the uncommitted text back (the command never said done), and then writes on a
    clean tree."""
    # the hook's parent is git, git's parent the wuye process: kill that one, then fail the commit
    install_hook(books, "kill -9 $(awk '{print $4}' /proc/$PPID/stat)\nexit 1\n")
    res = subprocess.run([sys.executable, "-m", "cli.main", "--books", str(books), "bill", "2026-07"],
                         cwd=REPO, capture_output=True, text=True)
    assert res.returncode == -9
    (books / ".git" / "hooks" / "pre-commit").unlink()
    july = books / "txns/2026/2026-07.beancount"
    assert july.exists()  # the text the dead command wrote is on disk, uncommitted
    head = git(books, "rev-parse", "HEAD")
    capfd.readouterr()
    b = Books(books)
    said = capfd.readouterr().err
    assert "an unfinished write" in said and "rolled back" in said and "bill 2026-07" in said, said
    assert not july.exists() and git(books, "status", "--porcelain") == ""
    assert git(books, "rev-parse", "HEAD") == head
    _plan, result = billrun.run_bill(b, ["2026-07"])
    assert result and git(books, "status", "--porcelain") == ""
    assert git(books, "log", "-1", "--format=%s", "--", "txns/2026/2026-07.beancount").startswith("bill")


# --- refusals ------------------------------------------------------------------------------

def test_refuses_dirty_tree_untracked(books, run_cli):
    """An untracked month file would be read as booked: refused. A note beside the books is not read by
    the ledger: it neither blocks a write nor is swept into one."""
    (books / "notes.txt").write_text("mine\n")
    stray = books / "txns/2025/2025-01.beancount"
    stray.parent.mkdir(parents=True)
    stray.write_text("; by hand\n")
    before = snapshot(books)
    res = run_cli("bill", "2026-07", books=books)
    assert res.rc == 2 and "uncommitted changes (txns/2025/2025-01.beancount)" in res.err
    assert snapshot(books) == before
    stray.unlink()
    res = run_cli("bill", "2026-07", books=books)
    assert res.rc == 0, res.err
    assert "notes.txt" not in git(books, "show", "--name-only", "--format=", "HEAD")
    assert git(books, "status", "--porcelain").strip() == "?? notes.txt"


def test_refuses_dirty_tree_modified(books):
    b = Books(books)
    with open(books / "config.yaml", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    with pytest.raises(BooksStateError, match=r"uncommitted changes \(config.yaml\)"):
        op_bill_new_month(b)
    assert not (books / "txns/2026/2026-07.beancount").exists()


def test_refuses_merge_in_progress(books, run_cli):
    (books / "NOTES.md").write_text("base\n")
    git(books, "add", "NOTES.md")
    git(books, "commit", "-qm", "notes")
    git(books, "checkout", "-qb", "other")
    (books / "NOTES.md").write_text("theirs\n")
    git(books, "commit", "-qam", "theirs")
    git(books, "checkout", "-q", "main")
    (books / "NOTES.md").write_text("ours\n")
    git(books, "commit", "-qam", "ours")
    merge = subprocess.run(["git", "-C", str(books), "merge", "other"], capture_output=True, text=True)
    assert merge.returncode != 0 and (books / ".git" / "MERGE_HEAD").exists()
    res = run_cli("bill", "2026-07", books=books)
    assert res.rc == 2 and "a merge is in progress" in res.err
    assert not (books / "txns/2026/2026-07.beancount").exists()


def test_refuses_rebase_in_progress(books):
    (books / ".git" / "rebase-merge").mkdir()
    b = Books(books)
    with pytest.raises(BooksStateError, match="a rebase is in progress"):
        op_bill_new_month(b)


def test_refuses_index_lock(books):
    b = Books(books)
    (books / ".git" / "index.lock").write_text("")
    with pytest.raises(BooksStateError, match="index.lock exists"):
        op_bill_new_month(b)


def test_refuses_conflict_markers(books, run_cli):
    text = (books / JUNE).read_text(encoding="utf-8")
    (books / JUNE).write_text("<<<<<<< HEAD\n" + text + "=======\n>>>>>>> other\n", encoding="utf-8")
    git(books, "commit", "-qam", "committed a conflicted file")
    b = Books(books)
    before = state(books)
    with pytest.raises(ValidationError, match="conflict markers"):
        b.commit(append_plan(JUNE, a_txn(dt.date(2026, 6, 2), "1-0101", "1.00")))
    assert_unchanged(books, before)
    assert run_cli("check", books=books).rc == 1


def test_replans_on_a_file_committed_underneath(books):
    """Opened, then someone commits to the same month file: the write is planned again under the lock
    on the new text (both entries kept, one commit each), not refused."""
    b = Books(books)
    with open(books / JUNE, "a", encoding="utf-8") as fh:
        fh.write("\n" + beans.render([a_txn(dt.date(2026, 6, 3), "1-0101", "3.00")]))
    git(books, "commit", "-qam", "edited by hand")
    head = git(books, "rev-parse", "HEAD")
    result = b.commit(append_plan(JUNE, a_txn(dt.date(2026, 6, 2), "1-0101", "1.00")))
    assert git(books, "rev-parse", "HEAD^") == head and result.commit == git(books, "rev-parse", "HEAD").strip()
    text = (books / JUNE).read_text(encoding="utf-8")
    assert "3.00 CNY" in text and "1.00 CNY" in text and git(books, "status", "--porcelain") == ""
    assert b.cache.entry_count(JUNE) == 4


def test_refuses_file_changed_underneath_uncommitted(books):
    b = Books(books)
    with open(books / JUNE, "a", encoding="utf-8") as fh:
        fh.write("\n; a note\n")
    before = snapshot(books)
    with pytest.raises(BooksStateError, match=rf"uncommitted changes \({JUNE}\)"):
        b.commit(append_plan(JUNE, a_txn(dt.date(2026, 6, 2), "1-0101", "1.00")))
    assert snapshot(books) == before


def test_text_is_built_from_the_bytes_read_under_the_lock(books):
    """Read while the file was edited, then the edit was discarded: the write appends to the committed
    bytes, never to what was seen before (the note is not resurrected)."""
    with open(books / JUNE, "a", encoding="utf-8") as fh:
        fh.write("\n; a note\n")
    b = Books(books)
    git(books, "checkout", "--", JUNE)
    committed = (books / JUNE).read_text(encoding="utf-8")
    b.commit(append_plan(JUNE, a_txn(dt.date(2026, 6, 2), "1-0101", "1.00")))
    text = (books / JUNE).read_text(encoding="utf-8")
    assert text.startswith(committed) and "; a note" not in text
    assert git(books, "status", "--porcelain") == ""


HOLDER = """
import sys, time
from pathlib import Path
from ledger.books.writer import books_lock
with books_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_lock_held_by_another_process(books, run_cli, monkeypatch):
    env = {**os.environ, "WUYE_USER": "李会计"}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(books)], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = state(books)
        monkeypatch.setenv("WUYE_LOCK_TIMEOUT", "0.3")
        res = run_cli("bill", "2026-07", books=books)
        assert res.rc == 2
        assert f"the books are being written by 李会计 (pid {holder.pid} on " in res.err
        assert_unchanged(books, before)
    finally:
        holder.kill()
        holder.wait()
    res = run_cli("bill", "2026-07", books=books)  # the lock died with its holder
    assert res.rc == 0, res.err


def test_second_writer_waits_for_the_lock(books, run_cli, monkeypatch):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER.replace("time.sleep(60)", "time.sleep(0.5)"),
                               str(books)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("WUYE_LOCK_TIMEOUT", "10")
        res = run_cli("bill", "2026-07", books=books)
        assert res.rc == 0, res.err
    finally:
        holder.kill()
        holder.wait()


def test_lock_error_type(books, monkeypatch):
    from ledger.books.writer import books_lock

    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(books)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeldError):
            with books_lock(books, timeout=0.1):
                pass
    finally:
        holder.kill()
        holder.wait()


# --- truncation (W8) -----------------------------------------------------------------------

def truncate_at_entry_boundary(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.split("\n\n")[0] + "\n", encoding="utf-8")


def test_uncommitted_truncation_caught_by_check_though_beancount_passes(books, run_cli):
    truncate_at_entry_boundary(books / JUNE)
    entries, errors, _ = integrity.full_load(books)
    assert errors == []  # beancount is happy with the shorter file
    res = run_cli("check", books=books)
    assert res.rc == 1
    assert f"{JUNE}:0: entry count dropped from 2 to 1 vs HEAD" in res.err
    bean = subprocess.run([str(Path(sys.executable).parent / "bean-check"), "main.beancount"], cwd=books,
                          capture_output=True, text=True, env={**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"})
    assert bean.returncode == 0, bean.stderr


def test_check_passes_on_untouched_books(books, run_cli):
    res = run_cli("check", books=books)
    assert res.rc == 0 and res.out.startswith("ok: ")


def test_clean_temp_files_after_a_killed_writer(books):
    stale = books / "txns" / "2026" / ".2026-06.beancount.12345.tmp"
    stale.write_text("half")
    assert store.clean_temp_files(books) == [stale]
    assert not stale.exists()
    assert (books / JUNE).exists()
