"""Benchmark of the terminal UI (issue 6): on the bench books (5,000 units x 60 months by default),
in one run:
- `tui start -> units usable`: from WuyeApp construction (headless `app.run_test`) until the units
  screen's DataTable holds every unit (books opened, dashboard shown, F3 pressed at once); the times to
  books open / dashboard figures / units flags (disputes, promises, stages) are noted beside.
- `tui payment form -> commit`: fill the payment form with Pilot (unit, amount), Enter (allocation
  preview), Ctrl+S, until the commit exists; the books are reset to the commit before afterwards.
- `bean-check (same books)`: beancount's own check of the same books, without its pickle cache.

Plugs into bench/bench.py's registry (measurement "tui"); run it through this file, which registers the
measurement and hands over to bench.py's command line:

    .venv/bin/python bench/tui.py --units 500 --months 12 --only tui
    .venv/bin/python bench/tui.py --dir /tmp/bench/b5000-copy --reuse --only tui
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# this file is bench/tui.py: the product's `tui` package must win over it on sys.path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
sys.path.append(str(HERE))

import bench  # noqa: E402  (bench/bench.py: the registry)

SIZE = (160, 45)


async def _until(pilot, cond, timeout: float, what: str) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        await pilot.pause(0.01)
        try:
            if cond():
                return
        except Exception:
            pass
    raise RuntimeError(f"tui bench: timed out waiting for {what}")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()


async def _drive(books_dir: Path, n_units: int, unit: str, timeout: float = 900.0) -> dict:
    from textual.widgets import DataTable, Input

    from tui.app import WuyeApp
    from tui.screens.payment import PaymentScreen
    from tui.screens.units import UnitsScreen

    out: dict = {}
    t0 = time.perf_counter()
    app = WuyeApp(books_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.books is not None, timeout, "books open")
        out["open"] = time.perf_counter() - t0
        await pilot.press("f3")
        await _until(pilot, lambda: isinstance(app.screen, UnitsScreen)
                     and app.screen.query_one(DataTable).row_count == n_units, timeout, "units table")
        out["units"] = time.perf_counter() - t0
        screen = app.screen
        await _until(pilot, lambda: screen.flags is not None, timeout, "unit flags")
        out["flags"] = time.perf_counter() - t0
        await pilot.press("f2")
        await _until(pilot, lambda: getattr(app.screen, "data", None) is not None, timeout, "dashboard")
        out["dashboard"] = time.perf_counter() - t0
        await _until(pilot, lambda: not [w for w in app.workers if w.is_running], timeout, "idle")
        # one payment from the form
        before = _git(books_dir, "rev-parse", "HEAD")
        t1 = time.perf_counter()
        await pilot.press("f4")
        await _until(pilot, lambda: isinstance(app.screen, PaymentScreen)
                     and app.screen.query_one("#pay-date", Input).value, timeout, "payment form")
        form = app.screen
        await pilot.press(*unit)
        form.query_one("#pay-amount", Input).value = "100.00"
        form.query_one("#pay-amount", Input).focus()
        await pilot.press("enter")
        await _until(pilot, lambda: form.previewed is not None, timeout, "allocation preview")
        out["preview"] = time.perf_counter() - t1
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: form.done is not None
                     and _git(books_dir, "rev-parse", "HEAD") != before, timeout, "payment commit")
        out["pay"] = time.perf_counter() - t1
        out["receipt"] = form.done.receipt
        out["before"] = before
    return out


def m_tui(b) -> None:
    from ledger.books.folder import Books

    books = Books(b.books)  # syncs the fact cache once, so the UI measures the UI, not a first sync
    try:
        n_units = len(books.units)
        from ledger.reports.openitems import unit_totals

        owing = sorted(u for u, v in unit_totals(books.cache).items() if v["outstanding"] > 0) or sorted(books.units)
        unit = owing[0]
    finally:
        books.close()
    os.environ.setdefault("WUYE_LOCK_TIMEOUT", "5")
    res = asyncio.run(_drive(b.books, n_units, unit))
    try:
        b.rows.append(bench.Row("tui start -> units usable", res["units"],
                                f"{n_units:,} rows; books open {res['open']:.2f} s, unit flags at {res['flags']:.2f} s, "
                                f"dashboard figures at {res['dashboard']:.2f} s"))
        b.rows.append(bench.Row("tui payment form -> commit", res["pay"],
                                f"{unit} 100.00 wechat, receipt {res['receipt']}; "
                                f"allocation preview after {res['preview']:.2f} s"))
    finally:
        _git(b.books, "reset", "-q", "--hard", res["before"])
        # the next read syncs the cache with the reset files (`wuye sync` without a remote rebuilds it all)
        b.run(str(bench.BIN / "wuye"), "--books", str(b.books), "arrears", "--json")
    if os.environ.get("WUYE_BENCH_NO_BEANCHECK"):  # bench/scale.py measured it already on these books
        return
    exe = str(bench.BIN / "bean-check")
    for p in b.books.glob(".*.picklecache"):
        p.unlink()
    b.measure("bean-check (same books)", lambda: b.run(exe, "main.beancount",
                                                       env={"BEANCOUNT_DISABLE_LOAD_CACHE": "1"}) and "no pickle cache")


bench.measurement("tui", "TUI: start until the units screen is usable; one payment from the form to its "
                         "commit; bean-check on the same books")(m_tui)


if __name__ == "__main__":
    sys.exit(bench.main(sys.argv[1:]))
