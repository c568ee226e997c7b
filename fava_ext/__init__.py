"""wuye's Fava extension: the auditors' views of the books, read-only.

Enabled by `custom "fava-extension" "fava_ext"` in main.beancount. Every page calls the same
functions as `wuye report ...` (ledger/reports.py, ledger/rates.py, ledger/aging.py, ledger/history.py)
on a `Books` opened on the ledger's folder, so the figures are the CLI's figures for the same books
and date. Pages (sidebar links):

- 欠费账龄 WuyeArrears: arrears per unit / building / item with aging buckets; each unit links to its
  receivable account journal; the >3 years bucket (limitation risk) is red.
- 收缴率 WuyeRates: the four rates with numerators and denominators, a month-by-month SVG chart and
  table, optional grouping (?by=building|item|collector).
- 收支公示 WuyeDisclosure: the public disclosure (公示), as `wuye report disclosure` prints it.
- 收费标准 WuyeStandards: every fee-standard change from git.
- 操作日志 WuyeOperations: the operations log (who, what, when, commit).

Period: Fava's time filter (?time=2026-Q1, 2026, 2026-03, ...) when set, else ?period=, else the
as-of month (rates) / the as-of year (disclosure). As-of: ?as_of=YYYY-MM-DD, else (arrears) the end of
the time filter, else today (WUYE_TODAY honoured). JSON endpoints: <page>/data (GET) return the report
data exactly as `wuye report NAME --format json` prints it.
"""
from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path

from fava.context import g
from fava.ext import FavaExtensionBase, extension_endpoint
from flask import Response, request

from ledger.books import history
from ledger.reports import assemble as reports
from ledger.reports.aging import BUCKET_LABELS, BUCKETS, LEGAL_RISK
from ledger.books.folder import Books
from ledger.basics.errors import WuyeError
from ledger.basics.labels import label
from ledger.basics.money import fmt
from ledger.basics.periods import parse_date
from ledger.reports.rates import ReportPeriod, parse_period, period_from_dates

_BOOKS: dict[str, tuple[tuple, Books]] = {}
_LOCK = threading.Lock()


def books_for(ledger) -> Books:
    """A Books on the ledger's folder, reopened when Fava reloaded the ledger or config/units/HEAD changed."""
    root = Path(ledger.beancount_file_path).resolve().parent
    stamp = [getattr(ledger, "mtime", 0)]
    for name in ("config.yaml", "units.csv", ".git/HEAD"):
        p = root / name
        stamp.append(p.stat().st_mtime_ns if p.exists() else 0)
    key = str(root)
    with _LOCK:
        hit = _BOOKS.get(key)
        if hit and hit[0] == tuple(stamp):
            return hit[1]
        if hit:
            books = hit[1]
            books.reload()
        else:
            books = Books(root)
        _BOOKS[key] = (tuple(stamp), books)
        return books


class _Page:
    """Shared helpers (not a FavaExtensionBase, so Fava does not register it as an extension)."""

    ledger: object

    @property
    def books(self) -> Books:
        return books_for(self.ledger)

    # --- request parameters ---------------------------------------------------------------------
    def as_of(self, use_filter_end: bool = False) -> dt.date:
        raw = request.args.get("as_of")
        if raw:
            return parse_date(raw, "as_of")
        if use_filter_end and request.args.get("time"):
            rng = getattr(g.filtered, "date_range", None)
            if rng is not None:
                return min(rng.end_inclusive, self.books.today())
        return self.books.today()

    def period(self, default: str) -> ReportPeriod:
        time = request.args.get("time", "").strip()
        if time:
            try:
                return parse_period(time)
            except WuyeError:
                rng = getattr(g.filtered, "date_range", None)
                if rng is not None:
                    return period_from_dates(rng.begin, rng.end_inclusive)
        if request.args.get("period"):
            return parse_period(request.args["period"])
        return parse_period(default)

    def by(self) -> str | None:
        v = request.args.get("by") or None
        return v if v in ("building", "item", "collector") else None

    def developer(self) -> bool:
        return request.args.get("owners_only") not in ("1", "true", "yes")

    # --- formatting for templates ---------------------------------------------------------------
    @staticmethod
    def money(v) -> str:
        return fmt(Decimal(v)) if v is not None else ""

    @staticmethod
    def pct(r) -> str:
        if isinstance(r, str) and (r.endswith("%") or r == "—"):
            return r  # already a percent (the 公示's rate column)
        return "—" if r is None else f"{Decimal(r) * 100:.2f}%"

    @staticmethod
    def label(group: str, key: str | None) -> str:
        """A domain word from the one label table (the pages are Chinese, as the printed documents)."""
        return label(group, key)

    @staticmethod
    def receivable_account(unit: str, debtor: str = "unit") -> str:
        return "Assets:Receivable:Developer" if debtor == "developer" else f"Assets:Receivable:Unit:{unit}"

    def error_page(self, exc: Exception) -> dict:
        return {"error": str(exc)}

    def json(self, rep) -> Response:
        return Response(reports.render(rep, "json"), mimetype="application/json")

    buckets = BUCKETS
    bucket_labels = BUCKET_LABELS
    legal_risk = LEGAL_RISK


class WuyeArrears(_Page, FavaExtensionBase):
    report_title = "欠费账龄"

    def report(self):
        return reports.arrears_report(self.books, self.as_of(use_filter_end=True), self.by(), self.developer())

    def page(self) -> dict:
        try:
            rep = self.report()
        except WuyeError as exc:
            return self.error_page(exc)
        return {"rep": rep, "d": rep.data}

    @extension_endpoint("data")
    def data(self):
        return self.json(self.report())


class WuyeRates(_Page, FavaExtensionBase):
    report_title = "收缴率"

    def report(self):
        as_of = self.as_of()
        return reports.rates_report(self.books, self.period(as_of.strftime("%Y-%m")), as_of, self.by(),
                                    self.developer())

    def page(self) -> dict:
        try:
            rep = self.report()
        except WuyeError as exc:
            return self.error_page(exc)
        return {"rep": rep, "d": rep.data, "chart": chart(rep.data["months"])}

    @extension_endpoint("data")
    def data(self):
        return self.json(self.report())


class WuyeDisclosure(_Page, FavaExtensionBase):
    report_title = "收支公示"

    def report(self):
        period = self.period(str(self.books.today().year))
        as_of = parse_date(request.args["as_of"], "as_of") if request.args.get("as_of") else None
        return reports.disclosure_report(self.books, period, as_of, self.developer())

    def page(self) -> dict:
        try:
            rep = self.report()
        except WuyeError as exc:
            return self.error_page(exc)
        return {"rep": rep, "d": rep.data}

    @extension_endpoint("data")
    def data(self):
        return self.json(self.report())

    @extension_endpoint("html")
    def printable(self):
        return Response(self.report().html, mimetype="text/html")


class WuyeStandards(_Page, FavaExtensionBase):
    report_title = "收费标准"

    def page(self) -> dict:
        rep = reports.standards_report(self.books)
        return {"rep": rep, "d": rep.data, "in_force": reports.standards_in_force(self.books, self.as_of())}

    @extension_endpoint("data")
    def data(self):
        return self.json(reports.standards_report(self.books))


class WuyeOperations(_Page, FavaExtensionBase):
    report_title = "操作日志"

    def page(self) -> dict:
        try:
            limit = max(1, min(int(request.args.get("limit", 100)), 2000))
        except ValueError:
            limit = 100
        return {"ops": history.operations(self.books.root, limit), "limit": limit}

    @extension_endpoint("data")
    def data(self):
        import json

        ops = history.operations(self.books.root, 100)
        return Response(json.dumps([o.as_dict() for o in ops], ensure_ascii=False, indent=2),
                        mimetype="application/json")


def chart(months: list[dict], width: int = 720, height: int = 220) -> str:
    """Inline SVG: monthly 当期收缴率 (bars) and 综合收缴率 (line), 0-100 %. No scripts, no CDN."""
    if not months:
        return ""
    left, bottom, top = 40, 28, 12
    n = len(months)
    step = (width - left - 10) / n
    plot_h = height - bottom - top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="wuye-chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="按月收缴率">']
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{pct}%</text>')
    points = []
    for i, m in enumerate(months):
        x = left + i * step
        r = m["rates"]["current"]["ratio"]
        o = m["rates"]["overall"]["ratio"]
        if r is not None:
            h = plot_h * float(min(Decimal(r), Decimal(1)))
            parts.append(f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
                         f'height="{h:.1f}" fill="#4a7fb5"><title>{m["period"]} 当期收缴率 '
                         f'{Decimal(r) * 100:.2f}%</title></rect>')
        if o is not None:
            points.append(f"{x + step / 2:.1f},{top + plot_h * (1 - float(min(Decimal(o), Decimal(1)))):.1f}")
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 10}" font-size="10" text-anchor="middle">'
                     f'{m["period"][5:]}</text>')
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#d9822b" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)
