"""Scale benchmark (issue 15): every figure as absolute time and as a ratio to bean-check on the same books,
printed as it is measured.

    .venv/bin/python bench/scale.py                         # 5,000 units x 120 months with payments
    .venv/bin/python bench/scale.py --units 500 --months 12 # a quick look
    .venv/bin/python bench/scale.py --growth                # also 1,000 / 2,000 units and 12 / 60 months

Books are built through the product's own code: `wuye init`, then month by month the billing run
(`wuye bill`) and the households' payments by habit (ledger/demo.py pay_month: monthly, quarterly,
yearly in advance with the prepayment discount, late, never; every channel, overpayments left as
credit), late fees each quarter end. They are kept in bench/out/scale-<units>x<months>/built and reused
by later runs with the same size (delete the folder to rebuild); each run measures a copy
(bench/out/.../run), so a run's writes never reach the next one.

bean-check is measured first (no pickle cache), so every later line carries its ratio. Peak memory
(maximum resident set) is read from /usr/bin/time where it is installed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(HERE))

import bench as base  # noqa: E402  (bench/bench.py: units, config, the in-process CLI)
from ledger.basics import periods  # noqa: E402
from ledger.books import layout  # noqa: E402

BIN = Path(sys.executable).parent
TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
POLICIES = """policies:
  late_fee:
    - {from: 2000-01-01, daily_rate: "0.0003", grace_days: 30, cap: principal, items: [PF]}
  prepay_discount:
    - {from: 2000-01-01, months: 12, rate: "0.05", items: [PF]}
"""
SPEC_VERSION = 1  # bump when the built books would differ (config, habits, build steps)


@dataclass
class Line:
    name: str
    seconds: float | None
    ratio: float | None
    peak_mb: float | None
    note: str


@dataclass
class Run:
    books: Path
    units: int
    months: int
    last: str
    base_seconds: float | None = None
    base_peak: float | None = None
    lines: list[Line] = field(default_factory=list)

    def env(self, **extra: str) -> dict:
        day = min(periods.end(self.last), dt.date.today()).isoformat()
        return {**os.environ, "WUYE_TODAY": day, "WUYE_USER": "前台", "PYTHONDONTWRITEBYTECODE": "",
                **extra}

    def timed(self, cmd: list[str], env: dict | None = None, ok=(0,), cwd: Path | None = None):
        """(seconds, peak MB or None, stdout) of one process."""
        full = ([TIME, "-f", "@@peak %M"] if TIME else []) + cmd
        t0 = time.perf_counter()
        res = subprocess.run(full, cwd=cwd or self.books, capture_output=True, text=True, env=env or self.env())
        secs = time.perf_counter() - t0
        if res.returncode not in ok:
            raise RuntimeError(f"{' '.join(cmd)} -> rc {res.returncode}\n{res.stderr[-1500:]}")
        peak = None
        m = re.search(r"@@peak (\d+)", res.stderr)
        if m:
            peak = int(m[1]) / 1024
        return secs, peak, res.stdout

    def wuye(self, *args: str, books: Path | None = None, **kw):
        return self.timed([str(BIN / "wuye"), "--books", str(books or self.books), *args], **kw)

    def record(self, name: str, seconds: float | None, peak: float | None = None, note: str = "") -> None:
        ratio = seconds / self.base_seconds if seconds is not None and self.base_seconds else None
        line = Line(name, seconds, ratio, peak, note)
        self.lines.append(line)
        print(format_line(line), flush=True)


def format_line(ln: Line) -> str:
    secs = f"{ln.seconds:9.2f} s" if ln.seconds is not None else " " * 11
    ratio = f"{ln.ratio:8.4f} x" if ln.ratio is not None else " " * 10
    peak = f"{ln.peak_mb:8.0f} MB" if ln.peak_mb is not None else " " * 11
    return f"  {ln.name:<52} {secs} {ratio} {peak}  {ln.note}"


# --- building ---------------------------------------------------------------------------------

def built_books(units: int, months: int, last: str, out: Path) -> Path:
    """The books of this size, built once and kept (bench/out/scale-UxM/built)."""
    folder = out / f"scale-{units}x{months}"
    books = folder / "built"
    spec = {"units": units, "months": months, "last": last, "version": SPEC_VERSION}
    marker = folder / "spec.json"
    if books.exists() and marker.exists() and json.loads(marker.read_text()) == spec:
        print(f"  reusing the built books {books}", file=sys.stderr, flush=True)
        return books
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    first = periods.add(last, -(months - 1))
    start = periods.start(first)
    os.environ.update({"WUYE_USER": "前台", "PYTHONDONTWRITEBYTECODE": "1"})
    os.environ.setdefault("GIT_AUTHOR_NAME", "bench")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "bench@localhost")
    os.environ.setdefault("GIT_COMMITTER_NAME", "bench")
    os.environ.setdefault("GIT_COMMITTER_EMAIL", "bench@localhost")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        cfg, units_file = Path(tmp) / "config.yaml", Path(tmp) / "units.csv"
        cfg.write_text(base.CONFIG.format(start=start.isoformat()).replace("staff:", POLICIES + "staff:"),
                       encoding="utf-8")
        units_file.write_text(base.units_csv(units, start), encoding="utf-8")
        base.cli("init", str(books), "--config", str(cfg), "--units", str(units_file))
    from ledger import demo
    from ledger.billing import latefees
    from ledger.billing.run import run_bill
    from ledger.books.folder import Books

    rnd = random.Random(2024)
    paid = 0
    books_ = None
    for period in periods.span(first, periods.add(last, -1)):
        os.environ["WUYE_TODAY"] = periods.end(period).isoformat()
        books_ = books_ or Books(books)
        run_bill(books_, [period])
        habits = demo.payment_habits(books_)
        paid += demo.pay_month(books_, rnd, period, habits, periods.end(period))
        if period[5:] in ("03", "06", "09", "12"):
            latefees.assess(books_, periods.end(period))
        if period.endswith("12"):
            print(f"  built {period[:4]}: {paid:,} payments so far, {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr, flush=True)
    if books_ is not None:
        books_.close()
    marker.write_text(json.dumps(spec), encoding="utf-8")
    print(f"  built {books} in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return books


def fresh_copy(built: Path) -> Path:
    run = built.parent / "run"
    if run.exists():
        shutil.rmtree(run)
    shutil.copytree(built, run, symlinks=True)
    return run


# --- measurements -----------------------------------------------------------------------------

def owing_units(r: Run, n: int) -> list[str]:
    _, _, out = r.wuye("arrears", "--json")
    return [u["unit"] for u in json.loads(out)["units"] if u["outstanding"] != "0.00"][:n]


def measure_all(r: Run, quick: bool = False) -> None:
    files = layout.ledger_files(r.books)
    mb = sum((r.books / f).stat().st_size for f in files) / 1e6
    print(f"\nwuye scale bench: {r.units:,} units x {r.months} months (to {r.last}), {mb:.1f} MB in {len(files)} "
          f"files, books {r.books}", flush=True)
    print(f"  {'measurement':<52} {'time':>11} {'ratio':>10} {'peak':>11}  note", flush=True)
    # beancount's own check first: every later line is a ratio to it
    for p in r.books.glob(".*.picklecache"):
        p.unlink()
    secs, peak, _ = r.timed([str(BIN / "bean-check"), "main.beancount"],
                            env=r.env(BEANCOUNT_DISABLE_LOAD_CACHE="1"))
    r.base_seconds, r.base_peak = secs, peak
    r.record("bean-check (no pickle cache)", secs, peak, "the unit of every ratio")
    # the built books carry their cache, but every stat changed in the copy: the files are hashed again
    secs, peak, _ = r.wuye("arrears", "--json")
    r.record("arrears of all units, first read of a copied folder", secs, peak, "every file's stat changed")
    units = owing_units(r, 6)
    day = r.env()["WUYE_TODAY"]

    # one payment, cold process: three in a row, the median
    pays = []
    for i, unit in enumerate(units[:3]):
        secs, peak, out = r.wuye("pay", unit, "100.00", "--channel", "wechat", "--ref", f"BENCH{time.time_ns()}",
                                 "--date", day)
        pays.append((secs, peak))
    r.record("pay, cold process (median of 3)", statistics.median(s for s, _ in pays),
             max(p or 0 for _, p in pays) or None, f"{units[0]}.., 100.00 wechat")

    unit = units[3] if len(units) > 3 else units[0]
    year = r.last[:4]
    queries = {
        "arrears of all units": ["arrears", "--json"],
        "one unit's statement": ["statement", unit, "--json"],
        "rates report (year)": ["report", "rates", "--period", year, "--format", "json"],
    }
    for what, args in queries.items():
        secs, peak, _ = r.wuye(*args)
        r.record(f"{what}, warm cache", secs, peak)

    # after a change of one month file by git (a pull brings one changed month: here a commit undone and
    # redone with git, so the cache finds that month's bytes changed)
    for what, args in queries.items():
        head = subprocess.run(["git", "-C", str(r.books), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        subprocess.run(["git", "-C", str(r.books), "reset", "-q", "--hard", "HEAD~1"], check=True)
        subprocess.run(["git", "-C", str(r.books), "merge", "-q", "--ff-only", head], check=True)
        secs, peak, _ = r.wuye(*args)
        r.record(f"{what}, after one month changed by git", secs, peak)

    # from a fresh clone: no cache at all
    with tempfile.TemporaryDirectory(dir=r.books.parent) as tmp:
        clone = Path(tmp) / "clone"
        t0 = time.perf_counter()
        subprocess.run(["git", "clone", "-q", str(r.books), str(clone)], check=True)
        cloned = time.perf_counter() - t0
        for what, args in queries.items():
            for suffix in ("", "-wal", "-shm"):
                Path(str(clone / layout.STATE / "cache.sqlite") + suffix).unlink(missing_ok=True)
            secs, peak, _ = r.wuye(*args, books=clone)
            r.record(f"{what}, fresh clone (no cache)", secs, peak, f"git clone itself {cloned:.1f} s")

    # bill one month for all units, cold process
    secs, peak, out = r.wuye("bill", r.last, ok=(0, 1))  # the built books stop the month before
    r.record(f"bill {r.last} for all units, cold process", secs, peak, out.strip().splitlines()[-1][:60] if out else "")
    # the new month moves the snapshot of item sums a month on: made from the last one plus one month
    secs, peak, _ = r.wuye("arrears", "--json")
    r.record("arrears of all units, first read after the bill", secs, peak, "the snapshot moves a month")

    # wuye check: what changed since the last verified commit, then everything
    r.wuye("pay", units[4] if len(units) > 4 else units[0], "50.00", "--channel", "cash", "--date", day)
    secs, peak, out = r.wuye("check", "--changed")
    r.record("check --changed (after one payment)", secs, peak, out.strip()[-60:])
    if not quick:
        secs, peak, out = r.wuye("check", ok=(0, 1))
        r.record("check (full)", secs, peak, out.strip()[:40])

    # Fava: the full history, and the current year opened by carried-forward balances
    probe = ("import sys, time; from fava.core import FavaLedger; t=time.perf_counter(); "
             "l=FavaLedger(sys.argv[1]); print(len(l.all_entries), len(l.errors))")
    _, _, out = r.wuye("fava", "--year", year, "--write-only")
    view = out.strip()
    secs, peak, out = r.timed([sys.executable, "-c", probe, str(r.books / layout.MAIN)])
    full = secs
    r.record("Fava load, full history", secs, peak, f"{out.split()[0]} entries, {out.split()[1]} errors")
    secs, peak, out = r.timed([sys.executable, "-c", probe, view])
    r.record(f"Fava load, {year} with balances carried forward", secs, peak,
             f"{out.split()[0]} entries, {out.split()[1]} errors; {secs / full:.3f} x the full load")

    # the TUI: start to a usable units list with its flags, to the dashboard; one payment form -> commit
    secs, peak, out = r.timed([sys.executable, str(HERE / "tui.py"), "--dir", str(r.books), "--reuse", "--only", "tui"],
                              env=r.env(WUYE_LOCK_TIMEOUT="30", WUYE_BENCH_NO_BEANCHECK="1"))
    rows = {m[1].strip(): (float(m[2]), m[3]) for m in re.finditer(r"^(tui [^\n]*?)\s+(\d+\.\d+)  (.*)$", out, re.M)}
    start = rows.get("tui start -> units usable")
    if start:
        flags = re.search(r"unit flags at (\d+\.\d+) s", start[1])
        dash = re.search(r"dashboard figures at (\d+\.\d+) s", start[1])
        r.record("TUI start -> units list usable", start[0], peak, start[1][:60])
        if flags:
            r.record("TUI start -> units flags", float(flags[1]))
        if dash:
            r.record("TUI start -> full dashboard", float(dash[1]))
    form = rows.get("tui payment form -> commit")
    if form:
        r.record("TUI payment form -> commit", form[0], None, form[1][:60])


def growth(out: Path, sizes: list[tuple[int, int]], last: str, quick: bool) -> list[Run]:
    runs = []
    for units, months in sizes:
        built = built_books(units, months, last, out)
        r = Run(fresh_copy(built), units, months, last)
        measure_all(r, quick)
        runs.append(r)
    return runs


def growth_table(runs: list[Run]) -> str:
    names = list(dict.fromkeys(ln.name for r in runs for ln in r.lines))
    head = [f"{r.units}x{r.months}" for r in runs]
    out = ["", "growth (seconds, and ratio to bean-check on the same books)",
           f"  {'measurement':<52} " + " ".join(f"{h:>20}" for h in head)]
    for n in names:
        cells = []
        for r in runs:
            ln = next((x for x in r.lines if x.name == n), None)
            cells.append(f"{ln.seconds:8.2f} s ({ln.ratio:.4f})" if ln and ln.seconds is not None and ln.ratio
                         else (f"{ln.seconds:8.2f} s" if ln and ln.seconds is not None else "-"))
        out.append(f"  {n:<52} " + " ".join(f"{c:>20}" for c in cells))
    return "\n".join(out)


_HEAD = re.compile(r"^wuye scale bench: ([\d,]+) units x (\d+) months")
_LINE = re.compile(r"^  (.{52}) +(\d+\.\d+) s +(\d+\.\d+) x")


def runs_from_logs(paths: list[str]) -> list[Run]:
    """The runs printed in earlier outputs of this script (one or more sizes each), to put side by side."""
    runs: list[Run] = []
    for path in paths:
        for text in Path(path).read_text(encoding="utf-8").splitlines():
            head = _HEAD.match(text)
            if head:
                runs.append(Run(Path(path), int(head[1].replace(",", "")), int(head[2]), ""))
                continue
            m = _LINE.match(text)
            if m and runs:
                runs[-1].lines.append(Line(m[1].strip(), float(m[2]), float(m[3]), None, ""))
    return sorted(runs, key=lambda r: (r.units, r.months))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=5000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--last", default="2026-12", help="the month after the last one built (billed by the bench)")
    ap.add_argument("--out", default=str(HERE / "out"), help="where built books are kept (default bench/out)")
    ap.add_argument("--growth", action="store_true",
                    help="also measure 1,000 and 2,000 units at --months, and 12 and 60 months at --units")
    ap.add_argument("--quick", action="store_true", help="leave out the full `wuye check`")
    ap.add_argument("--sizes", help="measure exactly these sizes, e.g. 1000x120,5000x12 (a growth table "
                                    "for part of --growth, when the largest size was measured in another run)")
    ap.add_argument("--table", nargs="+", metavar="LOG",
                    help="print the growth table of the runs in these saved outputs of this script, measure nothing")
    args = ap.parse_args(argv)
    if args.table:
        print(growth_table(runs_from_logs(args.table)).lstrip("\n"))
        return 0
    out = Path(args.out).resolve()
    sizes = [(args.units, args.months)]
    if args.sizes:
        try:
            sizes = [(int(u), int(m)) for u, m in (s.strip().split("x") for s in args.sizes.split(","))]
        except ValueError:
            ap.error(f"--sizes: expected UNITSxMONTHS[,UNITSxMONTHS...], got {args.sizes!r}")
    elif args.growth:
        sizes = sorted({(u, args.months) for u in (1000, 2000) if u < args.units}
                       | {(args.units, m) for m in (12, 60) if m < args.months}) + sizes
    runs = growth(out, sizes, args.last, args.quick)
    if len(runs) > 1:
        print(growth_table(runs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
