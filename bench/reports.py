"""Benchmark measurements of the collection reports and the Fava extension (issue 4).

Plugs into bench/bench.py's registry. Standalone (until bench.py imports this module):

    .venv/bin/python bench/reports.py --dir /tmp/bench5000 --reuse --only report-rates,fava-rates

Wiring into bench.py (two lines after the registry's own measurements):

    import reports as _reports          # bench/ is sys.path[0] when bench.py runs
    _reports.register(measurement)

Measurements (all on the same books, in one run):
- report-rates: `wuye report rates --period <last year> --format json` and `--period <last month>`, cold
  processes (startup included, as an office user runs them), plus the same call in-process
  (ledger.reports.rates_report) to separate process start-up from the query work.
- fava-rates: Fava (read-only, our extension) loaded in-process with create_app(load=True); then the
  extension's rates page for the last year (first request: opens Books and syncs the cache; second
  request: Books cached per ledger mtime), and Fava's own balance sheet (page HTML and its JSON API
  /api/balance_sheet, which is where Fava does the work) on the same app.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _last_year(b) -> str:
    return b.last[:4]


def m_report_rates(b) -> None:
    from ledger.basics import periods

    as_of = periods.end(b.last).isoformat()
    year = _last_year(b)

    def cli(period: str):
        def go() -> str:
            import json

            d = json.loads(b.wuye("report", "rates", "--period", period, "--as-of", as_of, "--format", "json").stdout)
            r = d["total"]["rates"]["current"]
            return f"当期 {r['numerator']}/{r['denominator']} = {r['ratio']}, {len(d['months'])} months"
        return go
    b.measure(f"report rates {year} (cold CLI)", cli(year))
    b.measure(f"report rates {b.last} (cold CLI)", cli(b.last))

    def inproc() -> str:
        from ledger.books.folder import Books
        from ledger.reports.assemble import rates_report

        t0 = time.perf_counter()
        books = Books(b.books)
        t1 = time.perf_counter()
        try:
            rates_report(books, year, periods.end(b.last))
            t2 = time.perf_counter()
            rates_report(books, b.last, periods.end(b.last))
            t3 = time.perf_counter()
        finally:
            books.close()
        return (f"Books() {t1 - t0:.2f} s, rates {year} {t2 - t1:.2f} s (year + 12 months, one shared summary pass), "
                f"rates {b.last} {t3 - t2:.2f} s")
    b.measure("report rates (in-process)", inproc)


def m_fava_rates(b) -> None:
    import os

    from ledger.basics import periods

    os.environ["WUYE_TODAY"] = periods.end(b.last).isoformat()  # the CLI and the page use the same "today"
    year = _last_year(b)
    holder: dict = {}

    def load() -> str:
        from fava.application import create_app

        app = create_app([str(b.books / "main.beancount")], load=True, read_only=True)
        holder["client"] = app.test_client()
        holder["slug"] = next(iter(app.config["LEDGERS"].ledgers_by_slug))
        return "create_app(load=True, read_only=True): beancount load of the books (+ plugin)"
    b.measure("fava load", load)
    c, slug = holder["client"], holder["slug"]

    def get(path: str):
        def go() -> str:
            r = c.get(f"/{slug}{path}")
            if r.status_code != 200:
                raise RuntimeError(f"{path} -> {r.status_code}")
            return f"GET {path} ({len(r.data) // 1024} KB)"
        return go
    b.measure("fava ext rates page (1st)", get(f"/extension/WuyeRates/?time={year}"))
    b.measure("fava ext rates page (2nd)", get(f"/extension/WuyeRates/?time={year}"))
    b.measure("fava ext rates data (json)", get(f"/extension/WuyeRates/data?time={year}"))
    b.measure("fava balance sheet page", get("/balance_sheet/"))
    b.measure("fava balance sheet api (1st)", get("/api/balance_sheet"))
    b.measure("fava balance sheet api (2nd)", get("/api/balance_sheet"))
    b.measure(f"fava balance sheet api time={year}", get(f"/api/balance_sheet?time={year}"))


def register(measurement) -> None:
    measurement("report-rates", "`wuye report rates` for the last year and month (cold CLI + in-process)")(m_report_rates)
    measurement("fava-rates", "Fava load, the extension's rates page (1st/2nd request) and Fava's balance sheet")(
        m_fava_rates)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    import bench as bench_mod  # bench/bench.py

    if "report-rates" not in bench_mod.REGISTRY:
        register(bench_mod.measurement)
    return bench_mod.main(argv)


if __name__ == "__main__":
    sys.exit(main())
