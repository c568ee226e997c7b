"""Waiting writers record on the new state: 8 processes x 25 `wuye pay` into the same books, none
refused, receipts gap-free, every payment exactly once. And the lock names its holder correctly."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from conftest import REPO, git, receipts, wuye, wuye_cmd

WORKERS, EACH = 8, 25

LOOP = """
import os, subprocess, sys
root, worker, each, units = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
for i in range(each):
    unit = units[(worker * each + i) % len(units)]
    ref = f"W{worker:02d}N{i:03d}"
    res = subprocess.run([sys.executable, "-m", "cli.main", "--books", root, "pay", unit, "10.00",
                          "--channel", "wechat", "--ref", ref], capture_output=True, text=True)
    print(f"{ref} {res.returncode} {res.stdout.splitlines()[0] if res.stdout else ''} | {res.stderr.strip().replace(chr(10), ' / ')}",
          flush=True)
"""


def test_eight_writers_none_refused_receipts_gap_free(books, units):
    env = {**os.environ, "WUYE_LOCK_TIMEOUT": "900"}
    procs = [subprocess.Popen([sys.executable, "-c", LOOP, str(books), str(w), str(EACH), ",".join(units)],
                              cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for w in range(WORKERS)]
    lines = []
    for p in procs:
        out, err = p.communicate(timeout=1800)
        assert p.returncode == 0, err
        lines += out.splitlines()
    assert len(lines) == WORKERS * EACH
    refused = [ln for ln in lines if ln.split()[1] != "0"]
    assert refused == [], refused[:5]
    # each command printed its receipt, and that receipt is in a commit
    printed = {ln.split()[0]: re.search(r"receipt (SJ2026-\d{6})", ln).group(1) for ln in lines}
    booked = receipts(books)
    assert sorted(booked) == sorted(printed.values())
    assert booked == [f"SJ2026-{n:06d}" for n in range(1, WORKERS * EACH + 1)]  # gap-free, in commit order
    june = (books / "txns/2026/2026-06.beancount").read_text(encoding="utf-8")
    for ref, receipt in printed.items():
        assert june.count(f"ref: \"{ref}\"") == 1, ref  # every payment exactly once
        assert june.count(f"receipt: \"{receipt}\"") == 1, receipt
    assert git(books, "status", "--porcelain") == ""
    res = wuye(books, "check")
    assert res.returncode == 0, res.stderr


HOLDER = """
import fcntl, os, sys, time
from pathlib import Path
fd = os.open(Path(sys.argv[1]) / ".wuye" / "lock", os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)   # a holder that never says who it is
print("locked", flush=True)
time.sleep(60)
"""


def test_a_finished_writer_is_never_named_and_a_long_wait_says_so(books, units):
    """lock.info stays behind after a write; a holder that wrote none must not be reported as the last
    writer. A wait longer than WUYE_LOCK_NOTICE says on stderr whom it waits for."""
    assert wuye(books, "pay", units[0], "1.00", "--channel", "cash", env={"WUYE_USER": "会计"}).returncode == 0
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(books)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        res = wuye(books, "pay", units[1], "1.00", "--channel", "cash",
                   env={"WUYE_LOCK_TIMEOUT": "2", "WUYE_LOCK_NOTICE": "0.5"})
        assert res.returncode == 2
        assert "waiting for the books: an unknown process is writing" in res.stderr
        assert "the books are being written by an unknown process" in res.stderr
        assert "会计" not in res.stderr  # the finished writer (an operator of the demo config)
    finally:
        holder.kill()
        holder.wait()


def test_a_waiting_writer_names_the_live_holder_and_then_records(books, units):
    hold = ("import sys\nfrom pathlib import Path\nfrom ledger.books.writer import books_lock\n"
            "with books_lock(Path(sys.argv[1])):\n    print('locked', flush=True)\n    sys.stdin.readline()\n")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(books)], cwd=REPO, stdout=subprocess.PIPE,
                              stdin=subprocess.PIPE, text=True, env={**os.environ, "WUYE_USER": "李会计"})
    try:
        assert holder.stdout.readline().strip() == "locked"
        pay = subprocess.Popen(wuye_cmd(books, "pay", units[1], "1.00", "--channel", "cash"), cwd=REPO, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "WUYE_LOCK_NOTICE": "0.5"})
        said = pay.stderr.readline()  # the writer says whom it waits for, and keeps waiting
        assert f"waiting for the books: 李会计 (pid {holder.pid} on " in said, said
        holder.stdin.write("done\n")
        holder.stdin.flush()
        out, err = pay.communicate(timeout=300)
        assert pay.returncode == 0, err
        assert "receipt SJ2026-000001" in out
    finally:
        holder.kill()
        holder.wait()
    assert receipts(books) == ["SJ2026-000001"]
