"""Two offices sharing one set of books through a bare repository (on disk, or served by `git daemon`
on 127.0.0.1), each in its own clone. Payments and billing go through the core API in-process (the
write path is the same one the CLI uses); kills and recovery run `wuye` as a real process."""
from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-12-02"
A_BUILDINGS = {"1", "2", "3"}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()


def wuye(root: Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", "--books", str(root), *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    """`git daemon` serving a folder on 127.0.0.1, pushes allowed."""

    def __init__(self, base: Path):
        if not (Path(subprocess.run(["git", "--exec-path"], capture_output=True, text=True).stdout.strip())
                / "git-daemon").exists():
            pytest.skip("git-daemon is not installed")
        self.port = _free_port()
        self.proc = subprocess.Popen(["git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
                                      f"--base-path={base}", "--listen=127.0.0.1", f"--port={self.port}", str(base)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.skip("git daemon did not start")

    def url(self, name: str) -> str:
        return f"git://127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Offices:
    """The shared remote and the two offices' clones (A: buildings 1-3, B: the rest)."""

    def __init__(self, tmp: Path, url: str):
        from ledger.books import git as vcs

        self.tmp, self.url = tmp, url
        self.roots = {}
        for code in ("A", "B"):
            root = tmp / f"office-{code}"
            vcs.clone(url, root)
            res = wuye(root, "office", "set", code)
            assert res.returncode == 0, res.stderr
            self.roots[code] = root

    def books(self, code: str):
        from ledger.books.folder import Books

        return Books(self.roots[code])

    def clone(self, name: str) -> Path:
        from ledger.books import git as vcs

        root = self.tmp / name
        vcs.clone(self.url, root)
        return root


@pytest.fixture(params=["file", "daemon"])
def offices(request, tmp_path, make_books, monkeypatch):
    """Books billed for 2026-11 (the shared history), migrated to offices A and B, pushed to a bare
    repository, cloned by each office."""
    monkeypatch.setenv("WUYE_TODAY", TODAY)
    monkeypatch.setenv("WUYE_LOCK_TIMEOUT", "60")
    monkeypatch.setenv("WUYE_USER", "前台")  # the one who records (a receipt names who took the money)
    origin = make_books(tmp_path, name="first")
    for args in (("bill", "2026-11"), ("bill", "2026-12"), ("migrate-offices", "A", "B")):
        res = wuye(origin, *args)
        assert res.returncode == 0, res.stderr
    base = tmp_path / "server"
    base.mkdir()
    subprocess.run(["git", "clone", "-q", "--bare", str(origin), str(base / "books.git")], check=True)
    if request.param == "daemon":
        daemon = Daemon(base)
        request.addfinalizer(daemon.stop)
        url = daemon.url("books.git")
    else:
        url = str(base / "books.git")
    return Offices(tmp_path, url)


def units_of(books, buildings: set[str] | None = None, exclude: set[str] | None = None) -> list[str]:
    return [u for u, unit in sorted(books.units.items())
            if (buildings is None or unit.building in buildings) and not (exclude and unit.building in exclude)]


def pay(books, unit: str, amount: str, ref: str | None = None, designated: str | None = None):
    from ledger.payments.pay import record_payment

    plan, result = record_payment(books, unit, amount, "cash", dt.date.fromisoformat(TODAY), ref=ref,
                                  designated=designated)
    return plan


def bill_buildings(books, period: str, buildings: set[str]):
    """A billing run of some buildings only (each office bills its own)."""
    from ledger.billing.charges import load_readings, plan_bill
    from ledger.books import entries as beans, facts
    from ledger.books.plan import Plan
    from ledger.reports.openitems import billed_keys, credit_balances

    def operation(b):
        units = {k: u for k, u in b.units.items() if u.building in buildings}
        plan = plan_bill(b.config, units, [period], {period: billed_keys(b.cache, period)}, credit_balances(b.cache),
                         load_readings(b.cache), facts.credit_last_dates(b.cache), facts.discount_available(b.cache))
        return Plan(plan.message() if plan.entries else "",
                    {f: beans.render(es) for f, es in plan.by_file.items() if es}, {}, plan)
    return books.commit(operation)


def receipt_numbers(books) -> list[str]:
    from ledger.books import facts

    return [r for r, _f, _l in facts.receipt_numbers(books.cache)]


def figures(books) -> dict:
    from ledger.books import facts

    as_of = dt.date.fromisoformat("2027-01-31")
    units = {u: (b.outstanding, b.not_due, b.credit) for u, b in facts.unit_balances(books.cache, as_of).items()}
    return {"units": units, "ledger": facts.ledger_balances(books.cache, as_of)}
