"""kill -9 of `wuye pay` at every named step and at random times: the next plain command keeps a committed
write or rolls back an uncommitted one, says so, succeeds, and leaves a clean tree; receipts stay gap-free."""
from __future__ import annotations

import random
import signal
import subprocess
import time

import pytest
from conftest import JUNE, REPO, git, receipts, wuye, wuye_cmd

# step -> what the next command does with the write the kill interrupted: a write that was not committed
# is rolled back (the command died without printing its receipt, so the clerk enters it again)
STEPS = {"intent": "rolled back", "written": "rolled back", "validated": "rolled back",
         "staged": "rolled back", "committed": "was committed as"}


def assert_clean(root) -> None:
    assert git(root, "status", "--porcelain", "--untracked-files=all", "--ignored=no") == ""
    assert not (root / ".wuye" / "intent.json").exists()
    assert [p for p in root.rglob(".*.tmp") if ".git" not in p.parts and ".wuye" not in p.parts] == []
    assert [p for p in root.rglob(".*.old") if ".git" not in p.parts] == []
    assert not (root / ".git" / "index.lock").exists()


@pytest.mark.parametrize("step", STEPS)
def test_kill_at_a_step_then_a_plain_read_recovers(books, units, step):
    head = git(books, "rev-parse", "HEAD")
    res = wuye(books, "pay", units[0], "88.00", "--channel", "wechat", "--ref", "K1", env={"WUYE_FAULT": f"kill@{step}"})
    assert res.returncode == -signal.SIGKILL and "receipt" not in res.stdout  # died before saying anything
    nxt = wuye(books, "check")  # a read, not a write
    assert nxt.returncode == 0, nxt.stderr
    assert "an unfinished write" in nxt.stderr and STEPS[step] in nxt.stderr, nxt.stderr
    assert_clean(books)
    booked = receipts(books)
    assert booked == (["SJ2026-000001"] if step == "committed" else [])
    if booked:
        assert git(books, "rev-parse", "HEAD^") == head
        assert (books / JUNE).read_text(encoding="utf-8").count('ref: "K1"') == 1
    else:
        assert git(books, "rev-parse", "HEAD") == head and 'ref: "K1"' not in (books / JUNE).read_text(encoding="utf-8")
    again = wuye(books, "pay", units[1], "1.00", "--channel", "cash")
    assert again.returncode == 0, again.stderr
    assert receipts(books) == booked + [f"SJ2026-{len(booked) + 1:06d}"]
    assert_clean(books)


def test_a_stale_git_lock_of_the_dead_writer_is_removed(books, units):
    res = wuye(books, "pay", units[0], "5.00", "--channel", "cash", env={"WUYE_FAULT": "kill@staged"})
    assert res.returncode == -signal.SIGKILL
    (books / ".git" / "index.lock").write_text("")  # as a git killed with its parent leaves it
    nxt = wuye(books, "statement", units[0], env={"WUYE_GIT_LOCK_WAIT": "0.2"})
    assert nxt.returncode == 0, nxt.stderr
    assert "removed stale git index.lock" in nxt.stderr and "rolled back" in nxt.stderr
    assert_clean(books)
    assert receipts(books) == []


def test_a_refused_write_is_never_finished_by_recovery(books, units):
    """A commit the pre-commit hook refuses is rolled back at once; the next command finds nothing to
    finish (the refused text is not committed later behind the hook's back)."""
    hook = books / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    res = wuye(books, "pay", units[0], "5.00", "--channel", "cash")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    hook.unlink()
    assert_clean(books)
    nxt = wuye(books, "check")
    assert nxt.returncode == 0 and "unfinished write" not in nxt.stderr
    assert receipts(books) == []


def test_kill_at_random_times(books, units):
    """Random-time kills over the whole life of the command (start-up, planning, writing, git)."""
    rnd = random.Random(11)
    refs_committed = []
    for trial in range(6):
        ref = f"R{trial:02d}"
        p = subprocess.Popen(wuye_cmd(books, "pay", units[trial], "12.00", "--channel", "wechat", "--ref", ref),
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(rnd.uniform(0.3, 5.0))
        p.send_signal(signal.SIGKILL)
        out, _ = p.communicate()
        nxt = wuye(books, "check")
        assert nxt.returncode == 0, nxt.stderr
        assert_clean(books)
        text = (books / JUNE).read_text(encoding="utf-8")
        assert text.count(f'ref: "{ref}"') <= 1
        if f'ref: "{ref}"' in text:
            refs_committed.append(ref)
        if p.returncode == 0:  # it finished before the kill: it said so, and it is committed
            assert "receipt SJ2026-" in out and f'ref: "{ref}"' in text
    assert receipts(books) == [f"SJ2026-{n:06d}" for n in range(1, len(refs_committed) + 1)]
