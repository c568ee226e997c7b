"""wuye's Fava extension: the auditors' views of the books, read-only.

Enabled by `custom "fava-extension" "fava_ext"` in main.beancount. Every page calls the same
functions as `wuye report ...` (ledger/reports/assemble.py) on a `Books` opened on the ledger's folder,
so the figures are the CLI's figures for the same books and date. Pages (sidebar links):

- 欠费账龄 WuyeArrears: arrears per unit / building / item in aging buckets, an aging chart; the >3
  years bucket (limitation risk) is red.
- 收缴率 WuyeRates: the four rates with numerators and denominators, charts of 应收 vs 实收 and of the
  rates per month, optional grouping (?by=building|item|collector).
- 收支公示 WuyeDisclosure: the public disclosure (公示), as `wuye report disclosure` prints it.
- 收费标准 WuyeStandards, 操作日志 WuyeOperations: fee-standard changes and the operations log from git.
- 报表 WuyeReports: any report of assemble.REPORTS by name (?report=NAME), generically rendered, so a
  report added there appears here with no glue.

One as-of rule for every page: ?as_of=YYYY-MM-DD, else the last day of Fava's time filter (not after
today), else today (WUYE_TODAY honoured); the page shows it. Period: Fava's time filter when set, else
?period=, else the as-of month (rates) / year (disclosure). Fava's account filter and filter (tags,
links, `unit:"..."`) select units: the figures are those of the units whose receivable or credit
postings the filtered journal holds (the 公示 stays the whole community's, and says so).
Every figure links to the postings it sums (fava_ext/links.py). Endpoints (GET): <page>/data (the
report's JSON exactly as `wuye report NAME --format json`), <page>/export?format=csv|xlsx (the bytes of
`wuye report NAME --format csv|xlsx`, ledger/reports/assemble.export_bytes).
"""
from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path

from fava.context import g
from fava.ext import FavaExtensionBase, extension_endpoint
from flask import Response, abort, request

from ledger.books import history
from ledger.reports import assemble as reports
from ledger.reports.aging import BUCKET_LABELS, BUCKETS, LEGAL_RISK, bucket_of
from ledger.books.folder import Books
from ledger.basics.errors import InputError, WuyeError
from ledger.basics.labels import KINDS, label
from ledger.basics.money import fmt
from ledger.basics.periods import parse_date
from ledger.reports.rates import FIGURE_LABELS, ReportPeriod, excluded_items, parse_period, period_from_dates
from ledger.basics import accounts as acc

from . import charts, links

_BOOKS: dict[str, tuple[tuple, Books]] = {}
_LOCK = threading.Lock()


def books_for(ledger) -> Books:
    """A Books on the ledger's folder, reopened when Fava reloaded the ledger or config/units/HEAD changed."""
    root = Path(ledger.beancount_file_path).resolve().parent
    # a year's view (.wuye/fava/YYYY.beancount, ledger/books/yearview.py) reads the figures of its books
    while not (root / "main.beancount").exists() and root.parent != root:
        root = root.parent
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
    report_name: str | None = None  # the assemble report behind the page (export, data)

    @property
    def books(self) -> Books:
        return books_for(self.ledger)

    # --- request parameters: the one as-of rule, the period, Fava's filters -----------------------
    def as_of(self) -> dt.date:
        raw = request.args.get("as_of")
        if raw:
            return parse_date(raw, "as_of")
        rng = getattr(g.filtered, "date_range", None) if request.args.get("time") else None
        if rng is not None:
            return min(rng.end_inclusive, self.books.today())
        return self.books.today()

    def as_of_source(self) -> str:
        if request.args.get("as_of"):
            return "页面指定"
        if request.args.get("time") and getattr(g.filtered, "date_range", None) is not None:
            return "Fava 时间筛选的最后一天" + ("（不晚于今天）" if g.filtered.date_range.end_inclusive
                                                 > self.books.today() else "")
        return "今天"

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

    def filtered(self) -> bool:
        return bool(request.args.get("account", "").strip() or request.args.get("filter", "").strip())

    def scope(self) -> frozenset[str] | None:
        """The units Fava's account filter and filter select (None: no such filter, every unit).

        Read from Fava's own filters on all entries (not the time filter: a unit's arrears are older
        than the period): a unit is in when a kept entry has a posting of one of its accounts (the
        developer's postings by their `unit`) that the account filter, if any, matches."""
        account = request.args.get("account", "").strip()
        flt = request.args.get("filter", "").strip()
        if not account and not flt:
            return None
        from fava.core import FilteredLedger
        from fava.core.filters import Match

        entries = FilteredLedger(self.ledger, account=account or None, filter=flt or None).entries
        match = Match(account) if account else None
        units: set[str] = set()
        for e in entries:
            for p in getattr(e, "postings", ()):
                if match is not None and not (match(p.account) or p.account.startswith(account + ":")):
                    continue
                if p.account.startswith((acc.RECEIVABLE, acc.CREDIT)):
                    units.add(p.account.rsplit(":", 1)[1])
                elif p.account == acc.DEVELOPER:
                    u = (p.meta or {}).get("unit") or (e.meta or {}).get("unit")
                    if u:
                        units.add(str(u))
        return frozenset(units)

    # --- links to the postings behind a figure (fava_ext/links.py) --------------------------------
    def _url(self, endpoint: str, **values) -> str:
        from fava.application import url_for

        values.setdefault("account", "")
        values.setdefault("filter", "")
        return url_for(endpoint, **values)

    def journal(self, account: str, as_of: dt.date, flt: str = "") -> str:
        return self._url("account", name=account, time=links.time_range(self.books.config.books_start, as_of),
                         filter=flt)

    def query(self, where: list[str] | None) -> str | None:
        if where is None:
            return None
        return self._url("report", report_name="query", query_string=links.select(where), time="")

    def unit_link(self, r: dict, as_of: dt.date, developer: bool = True) -> str:
        """A unit row's 欠费: its receivable journal (month-end cut-off) or the query of its due postings."""
        if links.month_end(as_of):
            if r["debtor"] == "developer":
                return self.journal(acc.DEVELOPER, as_of, links.unit_filter(r["unit"]))
            return self.journal(self.receivable_account(r["unit"]), as_of)
        return self.query(links.open_where(as_of, unit=r["unit"], debtor=r["debtor"]))

    def account_link(self, r: dict) -> str:
        """A unit's whole history: its receivable journal (the developer's: filtered to the unit)."""
        flt = links.unit_filter(r["unit"]) if r["debtor"] == "developer" else ""
        return self._url("account", name=self.receivable_account(r["unit"], r["debtor"]), filter=flt)

    def credit_link(self, unit: str, as_of: dt.date) -> str:
        return self.journal(acc.CREDIT + unit, as_of)

    def open_link(self, as_of: dt.date, bucket: str | None = None, developer: bool = True, units=None,
                  unit: str | None = None, debtor: str | None = None, item: str | None = None) -> str | None:
        """The query of the open postings of a row (all units, a building's units, a unit) in a bucket."""
        first = last = None
        if bucket is not None:
            span = links.bucket_periods(bucket_of, as_of, self.books.config.books_start).get(bucket)
            if span is None:
                return None
            first, last = span
        w = links.open_where(as_of, first, last, developer=developer, units=units, unit=unit, debtor=debtor)
        if item is not None:
            w.append(f"any_meta('item') = '{item}'")
        return self.query(w)

    def rate_link(self, figure: str, d: dict, units=None) -> str | None:
        p = parse_period(d["period"]) if "period" in d else None
        return self.query(links.rate_where(figure, d["first"], d["last"], p.start, p.end,
                                           parse_date(str(d["as_of"])), excluded_items(self.books.config),
                                           d["developer"], units))

    _MONTH_FIGURES = {"当期应收": "receivable", "当期实收": "collected", "期初欠费": "opening_arrears",
                      "清欠额": "recovered"}

    def month_link(self, head: str, month: str, d: dict, units=None) -> str | None:
        """A month row's figure: the same selection with that month as the period."""
        p = parse_period(month)
        return self.query(links.rate_where(self._MONTH_FIGURES[head], p.first, p.last, p.start, p.end,
                                           parse_date(str(d["as_of"])), excluded_items(self.books.config),
                                           d["developer"], units))

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
        return acc.DEVELOPER if debtor == "developer" else acc.RECEIVABLE + unit

    def error_page(self, exc: Exception) -> dict:
        return {"error": str(exc)}

    def json(self, rep) -> Response:
        return Response(reports.render(rep, "json"), mimetype="application/json")

    def export_url(self, fmt_: str) -> str:
        """This page's export with the page's own parameters (as_of, period, by, filters)."""
        from urllib.parse import urlencode

        args = [(k, v) for k, v in request.args.items(multi=True) if k != "format"] + [("format", fmt_)]
        return f"{request.script_root}{request.path.rstrip('/')}/export?{urlencode(args)}"

    def report(self):
        raise NotImplementedError

    @extension_endpoint("export")
    def export(self):
        """The page's report as CSV/XLSX: assemble.export_bytes, the bytes `wuye report ... --format F` writes."""
        fmt_ = request.args.get("format", "csv")
        if fmt_ not in ("csv", "xlsx"):
            abort(400, description="format must be csv or xlsx")
        try:
            rep = self.report()
        except WuyeError as exc:
            abort(400, description=str(exc))
        mime = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt_]
        name = f"{rep.name}-{rep.data.get('period') or rep.data.get('as_of') or 'report'}.{fmt_}"
        return Response(reports.export_bytes(rep, fmt_), mimetype=mime,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @extension_endpoint("data")
    def data(self):
        return self.json(self.report())

    buckets = BUCKETS
    bucket_labels = BUCKET_LABELS
    legal_risk = LEGAL_RISK
    figure_labels = FIGURE_LABELS


class WuyeArrears(_Page, FavaExtensionBase):
    report_title = "欠费账龄"

    def report(self):
        return reports.arrears_report(self.books, self.as_of(), self.by(), self.developer(), scope=self.scope())

    def page(self) -> dict:
        try:
            rep = self.report()
        except WuyeError as exc:
            return self.error_page(exc)
        d = rep.data
        chart = charts.aging_chart([(BUCKET_LABELS[b], Decimal(d["total"]["buckets"][b]), b == LEGAL_RISK)
                                    for b in BUCKETS])
        units = frozenset(d["scope"]) if "scope" in d else None
        building_units: dict[str, set] = {}
        for u in d["units"]:
            building_units.setdefault(u["building"], set()).add(u["unit"])
        return {"rep": rep, "d": d, "as_of": d["as_of"], "chart": chart, "units": units,
                "building_units": building_units, "source": self.as_of_source()}


class WuyeRates(_Page, FavaExtensionBase):
    report_title = "收缴率"

    def report(self):
        as_of = self.as_of()
        return reports.rates_report(self.books, self.period(as_of.strftime("%Y-%m")), as_of, self.by(),
                                    self.developer(), scope=self.scope())

    def page(self) -> dict:
        try:
            rep = self.report()
        except WuyeError as exc:
            return self.error_page(exc)
        d = rep.data
        units = frozenset(d["scope"]) if "scope" in d else None
        return {"rep": rep, "d": d, "units": units, "source": self.as_of_source(),
                "chart": charts.rates_chart(d["months"]), "money_chart": charts.billed_collected_chart(d["months"])}


class WuyeDisclosure(_Page, FavaExtensionBase):
    report_title = "收支公示"

    def report(self):
        as_of = self.as_of()
        return reports.disclosure_report(self.books, self.period(str(as_of.year)), as_of, self.developer())

    def page(self) -> dict:
        try:
            rep = self.report()
        except WuyeError as exc:
            return self.error_page(exc)
        return {"rep": rep, "d": rep.data, "source": self.as_of_source(), "filtered": self.filtered()}

    # the 公示's item table headers (the kind words come from the label table, as the report spells them)
    _ITEM_COLUMNS = {"计费": "billed", KINDS["waived"].zh: "waived", KINDS["compensated"].zh: "compensated",
                     "应收": "receivable", "实收": "collected", KINDS["written_off"].zh: "written_off", "未收": "open"}
    _RATE_ROWS = {"当期收缴率": ("collected", "receivable"), "清欠率": ("recovered", "opening_arrears"),
                  "综合收缴率": ("overall_num", "overall_den")}

    def cell_link(self, d: dict, headers: list, row: list, col: int) -> str | None:
        """The postings behind a 公示 cell: item figures, the rates' numerators and denominators, the
        arrears of a building (matched by column names, so a table the report adds is left unlinked)."""
        h = headers[col]
        p = parse_period(d["period"])
        as_of = parse_date(str(d["as_of"]))
        excluded = excluded_items(self.books.config)
        dev = self.developer()
        if headers[:2] == ["项目", "名称"] and h in self._ITEM_COLUMNS:
            return self.query(links.rate_where(self._ITEM_COLUMNS[h], p.first, p.last, p.start, p.end, as_of,
                                               excluded, dev, item=row[0]))
        if headers == ["指标", "分子", "分母", "比率"] and row[0] in self._RATE_ROWS and h in ("分子", "分母"):
            figure = self._RATE_ROWS[row[0]][0 if h == "分子" else 1]
            return self.query(links.rate_where(figure, p.first, p.last, p.start, p.end, as_of, excluded, dev))
        if headers[:1] == ["楼栋"] and h == "欠费金额":
            units = {u for u, x in self.books.units.items() if x.building == str(row[0])}
            # the 公示's buildings are the owners' arrears; the developer's stand apart (developer_arrears)
            return self.open_link(as_of, developer=False, units=units) if units else None
        return None

    @extension_endpoint("html")
    def printable(self):
        return Response(self.report().html, mimetype="text/html")


class WuyeStandards(_Page, FavaExtensionBase):
    report_title = "收费标准"

    def report(self):
        return reports.standards_report(self.books)

    def page(self) -> dict:
        rep = self.report()
        as_of = self.as_of()
        return {"rep": rep, "d": rep.data, "in_force": reports.standards_in_force(self.books, as_of),
                "as_of": as_of, "source": self.as_of_source()}


class WuyeOperations(_Page, FavaExtensionBase):
    report_title = "操作日志"

    def limit(self) -> int:
        try:
            return max(1, min(int(request.args.get("limit", 100)), 2000))
        except ValueError:
            return 100

    def report(self):
        """The operations log as a Report (git is its only source; no wuye report prints it)."""
        from ledger.reports.formats import Table

        ops = history.operations(self.books.root, self.limit(), cache=self.books.cache)
        # the short commit id, as the page shows it: a 40-hex id can hold 11 digits that look like a phone
        t = Table("操作日志", ["时间", "操作人", "操作", "说明", "文件", "提交"])
        for o in ops:
            t.rows.append([o.date, o.author, o.subject, (o.body or "").replace("\n", " · "), ", ".join(o.files), o.sha[:10]])
        return reports.Report("operations", "操作日志", {"report": "operations", "operations": [o.as_dict() for o in ops]},
                              [t])

    def page(self) -> dict:
        limit = self.limit()
        return {"ops": history.operations(self.books.root, limit, cache=self.books.cache), "limit": limit}

    @extension_endpoint("data")
    def data(self):
        import json

        ops = history.operations(self.books.root, 100, cache=self.books.cache)
        return Response(json.dumps([o.as_dict() for o in ops], ensure_ascii=False, indent=2),
                        mimetype="application/json")


class WuyeReports(_Page, FavaExtensionBase):
    """Any report of assemble.REPORTS by name, rendered from its tables: registers added to assemble
    (receipts, daily, deposits, reconciliation, ...) appear here with no page of their own."""

    report_title = "报表"

    def names(self) -> tuple[str, ...]:
        return tuple(reports.REPORTS)

    def chosen(self) -> str:
        name = request.args.get("report") or "arrears"
        return name if name in self.names() else "arrears"

    def report(self):
        name = self.chosen()
        as_of = self.as_of()
        period = request.args.get("period") or None
        if request.args.get("time"):
            period = self.period(as_of.strftime("%Y-%m")).label
        unit = (request.args.get("unit") or "").strip().upper() or None

        def build(p):
            return reports.build(self.books, name, p, as_of, self.by(), unit, self.developer())
        if period is not None:
            return build(period)
        try:
            return build(None)  # the report's own default period, if it has one
        except InputError:
            return build(as_of.strftime("%Y-%m"))  # a report that needs a period: the as-of month

    def page(self) -> dict:
        try:
            rep = self.report()
        except WuyeError as exc:
            return {"error": str(exc), "names": self.names(), "chosen": self.chosen()}
        return {"rep": rep, "d": rep.data, "names": self.names(), "chosen": self.chosen(),
                "as_of": self.as_of(), "source": self.as_of_source()}


def chart(months: list[dict], width: int = 720, height: int = 220) -> str:
    """The monthly rates chart (kept under its old name): fava_ext/charts.py."""
    return charts.rates_chart(months, width, height)
