"""Benchmark: books of N units billed for M months, built through the product's own commands.

    .venv/bin/python bench/bench.py                       # 5,000 units x 60 months
    .venv/bin/python bench/bench.py --units 200 --months 6 --only check,arrears
    .venv/bin/python bench/bench.py --dir bench/out/b5000 --reuse   # measure existing books again

The books are created with `wuye init` and billed with `wuye bill` (cli.main.main in this process, the
code path the command line uses); the measured commands then run as cold subprocesses, startup included,
the way an office user runs them. Results print as one table.

Adding a measurement: write a function taking the `Bench` context and register it:

    @measurement("pay", "one payment through `wuye pay`")
    def m_pay(b: Bench) -> None:
        b.measure("pay", lambda: b.wuye("pay", "1-1-0101", "100.00", "--channel", "cash"))

`measure(name, fn)` times fn once and records the figure; `--only pay,check` runs just those.
Measurements registered with default=False (e.g. check-parts) run only when named in --only.
Measurements run in registration order; the `bill` measurement bills the last month, so it runs
before anything that expects the whole history billed.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cli.main import main as wuye_main  # noqa: E402  (the product's own entry point)
from ledger.books import layout
from ledger.basics import periods  # noqa: E402

BIN = Path(sys.executable).parent

CONFIG = """\
community: {{name: 基准小区, currency: CNY, books_start: {start}}}
units_file: units.csv
fees:
  PF:
    name: 物业服务费
    basis: area
    rates:
      - {{from: 2000-01-01, residential: "2.20", commercial: "5.00"}}
      - {{from: 2026-07-01, residential: "2.40", commercial: "5.00"}}
  PK: {{name: 车位管理费, basis: parking, rates: [{{from: 2000-01-01, all: "80.00"}}]}}
  GC: {{name: 垃圾清运费, basis: unit, rates: [{{from: 2000-01-01, residential: "10.00", commercial: "30.00"}}]}}
staff: [林小红, 前台]  # operators who may record ($WUYE_USER, --by)
"""


def units_csv(n: int, start: dt.date, seed: int = 7) -> str:
    """N units in buildings of 2 entrances x 30 floors x 4 rooms; a few shops, some parking,
    some handovers inside the billed span and some never handed over (developer-held)."""
    rnd = random.Random(seed)
    lines = ["unit,building,area_m2,type,handover_date,parking_spaces,owner_id"]
    per_building = 2 * 30 * 4
    for i in range(n):
        b, rest = divmod(i, per_building)
        e, rest = divmod(rest, 120)
        floor, room = divmod(rest, 4)
        uid = f"{b + 1}-{e + 1}-{floor + 1:02d}{room + 1:02d}"
        commercial = floor == 0 and rnd.random() < 0.5
        area = f"{rnd.uniform(60, 180):.2f}" if not commercial else f"{rnd.uniform(40, 300):.2f}"
        r = rnd.random()
        if r < 0.03:
            handover = ""  # developer-held
        elif r < 0.10:
            handover = (start + dt.timedelta(days=rnd.randint(0, 1500))).isoformat()
        else:
            handover = (start - dt.timedelta(days=rnd.randint(1, 400))).isoformat()
        parking = 1 if rnd.random() < 0.3 else 0
        kind = "commercial" if commercial else "residential"
        lines.append(f"{uid},{b + 1},{area},{kind},{handover},{parking},O-{i + 1:05d}")
    return "\n".join(lines) + "\n"


@dataclass
class Row:
    name: str
    seconds: float | None
    note: str = ""


@dataclass
class Bench:
    books: Path
    units: int
    months: int
    first: str
    last: str
    rows: list[Row] = field(default_factory=list)

    def measure(self, name: str, fn: Callable[[], object], note: str = "") -> float:
        """Time fn once, record it under `name`; fn may return a note (str) to print beside it."""
        t0 = time.perf_counter()
        out = fn()
        secs = time.perf_counter() - t0
        self.rows.append(Row(name, secs, out if isinstance(out, str) and out else note))
        return secs

    def info(self, name: str, note: str) -> None:
        self.rows.append(Row(name, None, note))

    def run(self, *cmd: str, env: dict | None = None, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
        res = subprocess.run(list(cmd), cwd=self.books, capture_output=True, text=True,
                             env={**os.environ, **(env or {})})
        if res.returncode not in ok:
            raise RuntimeError(f"{' '.join(cmd)} -> rc {res.returncode}\n{res.stderr[-2000:]}")
        return res

    def wuye(self, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "wuye"), "--books", str(self.books), *args, ok=ok)


def cli(*args: str) -> int:
    """Run a wuye command in this process (same code as the console script), output discarded."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = wuye_main(list(args))
    if rc != 0:
        raise RuntimeError(f"wuye {' '.join(args)} -> rc {rc}\n{err.getvalue()[-2000:]}")
    return rc


# --- registry -------------------------------------------------------------------------------

REGISTRY: dict[str, tuple[str, Callable[[Bench], None]]] = {}
EXTRA: set[str] = set()  # registered, but only run when named in --only


def measurement(name: str, help_: str, default: bool = True):
    def deco(fn: Callable[[Bench], None]):
        REGISTRY[name] = (help_, fn)
        if not default:
            EXTRA.add(name)
        return fn
    return deco


@measurement("bill", "one billing run: the last month for all units (`wuye bill YYYY-MM`, cold process)")
def m_bill(b: Bench) -> None:
    billed = b.books / layout.month_file(periods.start(b.last))
    if billed.exists():
        b.info("bill", f"{b.last} already billed (reused books); not measured")
        return
    b.measure("bill", lambda: b.wuye("bill", b.last).stdout.strip().splitlines()[0][:70])


@measurement("check", "`wuye check` (full beancount load + invariants + cache vs rebuild)")
def m_check(b: Bench) -> None:
    b.measure("check", lambda: b.wuye("check").stdout.strip()[:20])


@measurement("arrears", "one `wuye arrears --json` query (cold process)")
def m_arrears(b: Bench) -> None:
    as_of = periods.end(b.last).isoformat()

    def go() -> str:
        import json

        data = json.loads(b.wuye("arrears", "--as-of", as_of, "--json").stdout)
        return f"{len(data['units'])} units, total {data['total']}"
    b.measure("arrears", go)


@measurement("pay", "one `wuye pay` (plan, write, validate, commit; cold process) and one in-process")
def m_pay(b: Bench) -> None:
    day = min(periods.end(b.last), dt.date.today()).isoformat()
    env_today = {"WUYE_TODAY": day}
    res = b.run(str(BIN / "wuye"), "--books", str(b.books), "arrears", "--as-of", day, "--json", env=env_today)
    import json

    units = [u["unit"] for u in json.loads(res.stdout)["units"] if u["outstanding"] != "0.00"][:2]
    if len(units) < 2:
        b.info("pay", "no unit with arrears to pay; not measured")
        return
    b.measure("pay (cold process)", lambda: b.run(str(BIN / "wuye"), "--books", str(b.books), "pay", units[0],
                                                  "300.00", "--channel", "wechat", "--ref", f"BENCH{time.time_ns()}",
                                                  "--date", day, env=env_today).stdout.splitlines()[-1][:60])
    from ledger.payments import pay as payments
    from ledger.books.folder import Books

    os.environ["WUYE_TODAY"] = day
    books = Books(b.books)
    b.measure("pay (in process, books open)", lambda: payments.record_payment(
        books, units[1], "300.00", "cash", dt.date.fromisoformat(day))[1].message.splitlines()[0][:60])
    books.close()


@measurement("bean-check", "beancount's own `bean-check main.beancount`, without and with its pickle cache")
def m_bean_check(b: Bench) -> None:
    exe = str(BIN / "bean-check")
    for p in b.books.glob(".*.picklecache"):
        p.unlink()
    b.measure("bean-check (no cache)", lambda: b.run(exe, "main.beancount", env={"BEANCOUNT_DISABLE_LOAD_CACHE": "1"})
              and "BEANCOUNT_DISABLE_LOAD_CACHE=1")
    b.measure("bean-check (1st, writes cache)", lambda: b.run(exe, "main.beancount") and "pickled if > 1 s")
    b.measure("bean-check (cached)", lambda: b.run(exe, "main.beancount") and "pickle cache hit")
    for p in b.books.glob(".*.picklecache"):
        p.unlink()


@measurement("cache-cold", "rebuild the sqlite fact cache from nothing (`wuye sync` after deleting it)")
def m_cache_cold(b: Bench) -> None:
    db = b.books / layout.STATE / "cache.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    b.measure("cache build (cold)", lambda: b.wuye("sync") and "")


@measurement("check-parts", "where `wuye check` spends its time (in this process)", default=False)
def m_check_parts(b: Bench) -> None:
    from ledger.books import integrity
    from ledger.books.folder import Books

    books = Books(b.books)
    try:
        b.measure("check: beancount full load", lambda: f"{len(integrity.full_load(books.root)[1])} errors")
        b.measure("check: cache vs rebuild", lambda: f"{len(integrity.cache_problems(books))} problems")
        b.measure("check: receipts + shrink", lambda: str(len(integrity.receipt_problems(books.cache))
                                                            + len(integrity.shrink_problems(books.root, books.cache))))
    finally:
        books.close()


@measurement("size", "ledger size: transactions, postings, MB of ledger files")
def m_size(b: Bench) -> None:
    files = [b.books / f for f in layout.ledger_files(b.books)]
    mb = sum(f.stat().st_size for f in files) / 1e6
    db = sqlite3.connect(str(b.books / layout.STATE / "cache.sqlite"))
    try:
        (txns,), = db.execute("SELECT COUNT(*) FROM txns")
        (posts,), = db.execute("SELECT COUNT(*) FROM postings")
    finally:
        db.close()
    b.info("ledger size", f"{txns:,} transactions, {posts:,} postings, {mb:.1f} MB in {len(files)} files")


# --- building -------------------------------------------------------------------------------

def build(b: Bench, reuse: bool) -> None:
    """`wuye init` with generated units, then `wuye bill` year by year up to the month before the last."""
    if reuse and (b.books / ".git").exists():
        b.info("build", "reused existing books")
        return
    if b.books.exists():
        shutil.rmtree(b.books)
    b.books.parent.mkdir(parents=True, exist_ok=True)
    start = periods.start(b.first)
    with tempfile.TemporaryDirectory() as tmp:
        cfg, units = Path(tmp) / "config.yaml", Path(tmp) / "units.csv"
        cfg.write_text(CONFIG.format(start=start.isoformat()), encoding="utf-8")
        units.write_text(units_csv(b.units, start), encoding="utf-8")
        b.measure("init", lambda: (cli("init", str(b.books), "--config", str(cfg), "--units", str(units)),
                                   f"`wuye init`, {b.units:,} units")[1])
    todo = periods.span(b.first, periods.add(b.last, -1)) if b.months > 1 else []
    t0 = time.perf_counter()
    for year in sorted({p[:4] for p in todo}):
        chunk = [p for p in todo if p[:4] == year]
        t1 = time.perf_counter()
        cli("--books", str(b.books), "bill", "--from", chunk[0], "--to", chunk[-1])
        print(f"  billed {chunk[0]}..{chunk[-1]} in {time.perf_counter() - t1:.1f} s", file=sys.stderr, flush=True)
    if todo:
        b.rows.append(Row("history", time.perf_counter() - t0,
                          f"`wuye bill --from --to` per year, {todo[0]}..{todo[-1]} ({len(todo)} months)"))


def table(b: Bench) -> str:
    w = max(len(r.name) for r in b.rows)
    out = [f"wuye bench: {b.units:,} units x {b.months} months ({b.first}..{b.last}), books {b.books}",
           f"{'measurement':<{w}}  {'seconds':>9}  note", "-" * (w + 40)]
    for r in b.rows:
        secs = f"{r.seconds:9.2f}" if r.seconds is not None else f"{'':>9}"
        out.append(f"{r.name:<{w}}  {secs}  {r.note}")
    return "\n".join(out)


def _register_modules() -> None:
    """Measurements kept beside their feature (bench/reports.py, imports.py, tui.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import importlib

    for name in ("reports", "imports", "tui"):
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        if hasattr(mod, "register"):
            mod.register(measurement)


def main(argv: list[str] | None = None) -> int:
    _register_modules()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="measurements: " + ", ".join(REGISTRY))
    ap.add_argument("--units", type=int, default=5000)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--last", default="2026-12", help="last billed month (default 2026-12)")
    ap.add_argument("--dir", help="books folder (default bench/out/books-<units>x<months>)")
    ap.add_argument("--reuse", action="store_true", help="reuse an existing books folder instead of rebuilding")
    ap.add_argument("--only", help="comma-separated measurement names: " + ",".join(REGISTRY))
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else [n for n in REGISTRY if n not in EXTRA]
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        ap.error(f"unknown measurement(s): {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    os.environ.setdefault("GIT_AUTHOR_NAME", "bench")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "bench@localhost")
    os.environ.setdefault("GIT_COMMITTER_NAME", "bench")
    os.environ.setdefault("GIT_COMMITTER_EMAIL", "bench@localhost")
    last = periods.parse_period(args.last)
    first = periods.add(last, -(args.months - 1))
    books = Path(args.dir or ROOT / "bench" / "out" / f"books-{args.units}x{args.months}").resolve()
    b = Bench(books, args.units, args.months, first, last)
    build(b, args.reuse)
    for n in names:
        print(f"  measuring {n} ...", file=sys.stderr, flush=True)
        REGISTRY[n][1](b)
    print(table(b))
    return 0


if __name__ == "__main__":
    sys.exit(main())
