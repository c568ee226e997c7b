"""A hand edit racing a write is kept untouched and uncommitted, or the write is refused: never lost,
never committed by wuye. And a previewed plan that changed under the lock is not written."""
from __future__ import annotations

import os
import random
import subprocess
import time

import pytest
from conftest import JUNE, REPO, git, receipts, wuye, wuye_cmd

from ledger.books.folder import Books
from ledger.books.plan import PlanChanged
from ledger.payments import pay


def _wait_for(path, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in path.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, f"{text} never appeared in {path}"
        time.sleep(0.02)


def test_edit_between_write_and_stage_is_kept_and_the_write_refused(books, units):
    month = books / JUNE
    committed = month.read_bytes()
    head = git(books, "rev-parse", "HEAD")
    p = subprocess.Popen(wuye_cmd(books, "pay", units[0], "20.00", "--channel", "cash"), cwd=REPO, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env={**os.environ, "WUYE_FAULT": "pause@written", "WUYE_FAULT_PAUSE": "3"})
    _wait_for(month, "SJ2026-000001")  # wuye's bytes are in place, not yet staged
    with open(month, "a", encoding="utf-8") as fh:  # an editor appending in place
        fh.write("; by hand\n")
    out, err = p.communicate(timeout=300)
    assert p.returncode == 2 and "changed while wuye wrote" in err and "receipt" not in out, err
    assert git(books, "rev-parse", "HEAD") == head  # nothing committed
    assert month.read_bytes() == committed + b"; by hand\n"  # their text kept, wuye's taken out
    assert "by hand" not in git(books, "log", "-p")
    assert git(books, "diff", "--cached", "--name-only") == ""


def test_timed_hand_edits_never_lost_never_committed(books, units):
    month = books / JUNE
    rnd = random.Random(5)
    for trial in range(5):
        line = f"; hand edit {trial}\n"
        p = subprocess.Popen(wuye_cmd(books, "pay", units[trial], "3.00", "--channel", "cash"), cwd=REPO,
                             text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rnd.uniform(0.5, 5.0))
        with open(month, "a", encoding="utf-8") as fh:
            fh.write(line)
        out, err = p.communicate(timeout=300)
        assert "Traceback" not in err
        assert line in month.read_text(encoding="utf-8"), f"trial {trial}: the hand edit was lost"
        assert "hand edit" not in git(books, "log", "-p"), f"trial {trial}: wuye committed the hand edit"
        if p.returncode == 0:
            assert "receipt SJ2026-" in out and out.split("receipt ")[1][:13] in git(books, "show", "HEAD")
        else:
            assert p.returncode == 2 and ("uncommitted changes" in err or "changed" in err), err
        subprocess.run(["git", "-C", str(books), "checkout", "--", JUNE], check=True)  # the clerk discards it
    assert receipts(books) == [f"SJ2026-{n:06d}" for n in range(1, len(receipts(books)) + 1)]


def test_a_changed_plan_is_not_written_and_carries_the_new_plan(books, units):
    b = Books(books)
    shown = pay.plan_payment(b, units[0], "50.00", "cash", b.today())  # previewed: SJ2026-000001
    assert wuye(books, "pay", units[1], "1.00", "--channel", "cash").returncode == 0  # another clerk, meanwhile
    head = git(books, "rev-parse", "HEAD")
    with pytest.raises(PlanChanged) as exc:
        pay.record_payment(b, units[0], "50.00", "cash", b.today(), expect=shown)
    assert exc.value.plan.effect.receipt == "SJ2026-000002" and shown.receipt == "SJ2026-000001"
    assert git(books, "rev-parse", "HEAD") == head and git(books, "status", "--porcelain") == ""
    # shown the new plan, the person confirms it: written exactly as shown
    plan, result = pay.record_payment(b, units[0], "50.00", "cash", b.today(), expect=exc.value.plan.effect)
    assert plan.receipt == "SJ2026-000002" and result.commit == git(books, "rev-parse", "HEAD")
    assert receipts(books) == ["SJ2026-000001", "SJ2026-000002"]
