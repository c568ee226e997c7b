"""A command reports success iff its commit exists; the fact cache is derived and never fails a
committed write; reading works on read-only books."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import pytest
from conftest import JUNE, REPO, git, receipts, wuye

from ledger.books.folder import Books
from ledger.payments import pay


def test_cache_failure_after_the_commit_still_prints_the_receipt(books, units):
    res = wuye(books, "pay", units[0], "30.00", "--channel", "cash", env={"WUYE_FAULT": "fail@cache"})
    assert res.returncode == 0, res.stderr
    assert "receipt SJ2026-000001" in res.stdout and "committed " in res.stdout
    assert "the fact cache could not be updated" in res.stderr and "Traceback" not in res.stderr
    assert receipts(books) == ["SJ2026-000001"]
    # the next read rebuilds what the cache missed: the receipt is found, the next number follows
    rec = wuye(books, "receipt", "SJ2026-000001")
    assert rec.returncode == 0 and "SJ2026-000001" in rec.stdout, rec.stderr
    nxt = wuye(books, "pay", units[0], "1.00", "--channel", "cash")
    assert "receipt SJ2026-000002" in nxt.stdout, nxt.stderr


def test_an_unwritable_cache_never_fails_a_write_and_is_rebuilt(books, units, capfd):
    b = Books(books)
    b.cache.db.execute("PRAGMA query_only=ON")  # sqlite refuses every write from now on, as on a full disk
    plan, result = pay.record_payment(b, units[0], "30.00", "cash", b.today())
    assert result.commit == git(books, "rev-parse", "HEAD") and plan.receipt == "SJ2026-000001"
    assert b.cache_stale and "the fact cache could not be updated" in capfd.readouterr().err
    plan2, _ = pay.record_payment(b, units[1], "5.00", "cash", b.today())  # re-read under the lock
    assert plan2.receipt == "SJ2026-000002"
    assert b.cache.q("SELECT COUNT(*) FROM txns WHERE op='pay'")[0][0] == 2
    assert receipts(books) == ["SJ2026-000001", "SJ2026-000002"]


def _read_only_runner():
    """How to run a process that cannot write a chmod a-w folder: directly as a non-root user, as root
    with every capability dropped (setpriv), else not at all."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    probe = subprocess.run([setpriv, "--bounding-set=-all", "--inh-caps=-all", "true"], capture_output=True)
    return [setpriv, "--bounding-set=-all", "--inh-caps=-all"] if probe.returncode == 0 else None


def test_statement_and_check_work_on_read_only_books(books, units, tmp_path):
    runner = _read_only_runner()
    if runner is None:
        pytest.skip("root without setpriv: a chmod a-w folder stays writable for this runner")
    assert wuye(books, "pay", units[0], "30.00", "--channel", "cash").returncode == 0
    ro = tmp_path / "ro"
    shutil.copytree(books, ro, symlinks=True)
    shutil.rmtree(ro / ".wuye")  # a fresh copy: no cache to reuse
    for p in [ro, *ro.rglob("*")]:
        if not p.is_symlink():
            p.chmod(stat.S_IMODE(p.stat().st_mode) & ~0o222)
    try:
        probe = subprocess.run([*runner, "touch", str(ro / "probe")], capture_output=True)
        if probe.returncode == 0:
            pytest.skip("this runner can still write a chmod a-w folder")
        env = {**os.environ, "GIT_CONFIG_PARAMETERS": f"'safe.directory={ro}'"}
        for args in (["statement", units[0]], ["check"], ["receipt", "SJ2026-000001"]):
            res = subprocess.run([*runner, sys.executable, "-m", "cli.main", "--books", str(ro), *args], cwd=REPO,
                                 capture_output=True, text=True, env=env)
            assert res.returncode == 0, (args, res.stderr)
            assert "Traceback" not in res.stderr
            assert res.stderr.count("the fact cache is kept in memory") == 1, res.stderr
        assert "SJ2026-000001" in res.stdout
        res = subprocess.run([*runner, sys.executable, "-m", "cli.main", "--books", str(ro), "pay", units[0], "1",
                              "--channel", "cash"], cwd=REPO, capture_output=True, text=True, env=env)
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    finally:
        for p in [ro, *ro.rglob("*")]:
            if not p.is_symlink():
                p.chmod(stat.S_IMODE(p.stat().st_mode) | 0o200)
