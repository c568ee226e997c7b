"""Reports screen: report views and exports of the Reports ledger/reports/assemble.py builds.

Called from worker threads only (see tui/core/__init__.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ledger.basics import periods
from ledger.reports import asof
from ledger.books.folder import Books
from ledger.basics.errors import InputError
from ledger.reports import aging
from ledger.reports.assemble import stage_label as _stage_label  # noqa: F401 (tui/core/collect.py)


# --- reports (ledger/reports/assemble.py builds every Report; this only picks and exports) ----------

REPORT_KINDS = ("rates", "arrears", "disclosure", "targets", "limitation", "receipts", "daily", "deposits",
                "unidentified", "backdated")


@dataclass
class ReportSpec:
    """What the reports screen asks for; the same spec rebuilds the report for an export."""
    kind: str
    period: str = ""
    by: str = ""
    as_of: str = ""


@dataclass
class ReportView:
    spec: ReportSpec
    title: str
    tables: list  # ledger.export.Table
    notes: list[str]
    text: str | None = None  # disclosure: the 公示 text as printed
    risk_columns: tuple[str, ...] = ()  # column headers to show in red (aging >3 years)
    as_of: str = ""
    period: str = ""


def _spec_date(books: Books, spec: ReportSpec) -> dt.date | None:
    return periods.parse_date(spec.as_of.strip(), "as-of") if spec.as_of and spec.as_of.strip() else None


def default_report_period(books: Books) -> str:
    return periods.period_of(books.today())


def default_report_periods(books: Books) -> dict[str, str]:
    """The period a report form starts from, per kind ("" = every other kind): the month of today, but
    the last complete month for the 公示 (the one as-of rule refuses a month that is not over)."""
    return {"": default_report_period(books), "disclosure": asof.default_period(None, books.today())}


def _report_obj(books: Books, spec: ReportSpec):
    """(ledger Report, risk columns) for a spec: the same `assemble.build` as `wuye report NAME`."""
    from ledger.reports import assemble as reports

    if spec.kind not in REPORT_KINDS:
        raise InputError("report_unknown", report=spec.kind, choices=", ".join(REPORT_KINDS))
    as_of = _spec_date(books, spec)
    period = (spec.period or "").strip() or default_report_period(books)
    rep = reports.build(books, spec.kind, period, as_of, spec.by or None)
    return rep, RISK_COLUMNS.get(spec.kind, ())


# column headers shown in red (aging > 3 years)
RISK_COLUMNS = {"arrears": (aging.BUCKET_LABELS[aging.LEGAL_RISK], "超3年时效风险"), "disclosure": ("其中超过3年",)}


def report_view(books: Books, spec: ReportSpec) -> ReportView:
    from ledger.reports import assemble as reports

    rep, risk = _report_obj(books, spec)
    text = reports.render(rep, "text") if spec.kind == "disclosure" else None
    data = rep.data
    as_of = data.get("as_of")
    return ReportView(spec, rep.title, rep.tables, rep.notes, text, risk,
                      as_of.isoformat() if hasattr(as_of, "isoformat") else str(as_of or ""),
                      str(data.get("period") or ""))


EXPORT_FORMATS = ("xlsx", "csv", "html")


def default_export_path(books: Books, spec: ReportSpec, fmt: str) -> str:
    """~/wuye-<report>-<period>.<fmt> (the cwd when it is not inside the books folder)."""
    name = f"wuye-{spec.kind}-{(spec.period or default_report_period(books)).replace('..', '_')}"
    if spec.by:
        name += f"-{spec.by}"
    cwd = Path.cwd().resolve()
    root = books.root.resolve()
    base = cwd if not (cwd == root or root in cwd.parents) else Path.home()
    return str(base / f"{name}.{fmt}")


def _check_export_path(books: Books, path: Path) -> None:
    root = books.root.resolve()
    target = path.resolve()
    if target == root or root in target.parents:
        import subprocess

        probe = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", str(target.relative_to(root))],
                               capture_output=True)
        if probe.returncode != 0:
            raise InputError("export_inside_books", path=path)
    if not target.parent.is_dir():
        raise InputError("folder_missing", folder=target.parent)


def export_report(books: Books, spec: ReportSpec, fmt: str, path: str) -> str:
    """Rebuild the report of `spec` and write it as xlsx/csv/html: the file `wuye report ... -o` writes."""
    from ledger.reports import assemble as reports

    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise InputError("export_format", choices=", ".join(EXPORT_FORMATS))
    text = (path or "").strip()
    if not text:
        raise InputError("export_path_needed")
    p = Path(text).expanduser()
    if not p.is_absolute():
        p = Path.cwd() / p
    if p.suffix.lower() != f".{fmt}":
        p = p.with_name(p.name + f".{fmt}")
    _check_export_path(books, p)
    rep, _ = _report_obj(books, spec)
    reports.write_export(rep, fmt, p)
    return str(p)
