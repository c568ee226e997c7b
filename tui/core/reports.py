"""Reports screen: report views and exports through ledger/reports.py and export.py.

Called from worker threads only (see tui/core/__init__.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ledger.basics import periods
from ledger.books.folder import Books
from ledger.basics.errors import InputError



# --- reports (ledger/reports.py, targets.py, limitation.py, export.py) ------------------------------

REPORT_KINDS = ("rates", "arrears", "disclosure", "targets", "limitation")


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


def _report_obj(books: Books, spec: ReportSpec):
    """(ledger.reports.Report, risk columns) for a spec. targets/limitation are dicts in the core: they are
    turned into a Report here (adapter; a `targets`/`limitation` Report belongs in ledger/reports.py)."""
    from ledger.reports import assemble as reports

    as_of = _spec_date(books, spec)
    period = (spec.period or "").strip() or default_report_period(books)
    by = spec.by or None
    if spec.kind == "rates":
        return reports.rates_report(books, period, as_of, by), ()
    if spec.kind == "arrears":
        from ledger.reports import aging

        rep = reports.arrears_report(books, as_of, by)
        return rep, (aging.BUCKET_LABELS[aging.LEGAL_RISK], "超3年时效风险")
    if spec.kind == "disclosure":
        return reports.disclosure_report(books, period, as_of), ("其中超过3年",)
    if spec.kind == "targets":
        return targets_as_report(books, period, as_of), ()
    if spec.kind == "limitation":
        return limitation_as_report(books, as_of or books.today()), ()
    raise InputError(f"unknown report '{spec.kind}'")


def targets_as_report(books: Books, period: str, as_of: dt.date | None):
    from ledger.reports import formats as export, assemble as reports
    from ledger.collection import targets

    d = targets.targets_report(books, period, as_of)
    head = export.Table("收费员目标完成情况", ["收费员", "户数", "当期应收", "当期实收", "当期收缴率", "目标收缴率",
                                      "收缴率达标", "目标金额", "差额", "金额达标", "待走访户数"])
    visit = export.Table("待走访（先易后难）", ["收费员", "房号", "欠费", "本期未缴", "最早欠费期", "纠纷", "近期守约",
                                        "失约", "催缴阶段", "最近联系"])
    for c in d["collectors"]:
        ratio = Decimal("0.0001")  # ratios carry 4 places (shown as %), amounts 2
        rate = Decimal(c["rate"]).quantize(ratio) if c["rate"] is not None else None
        target = Decimal(c["target_rate"]).quantize(ratio) if c["target_rate"] is not None else None
        met = {True: "是", False: "否", None: ""}
        head.rows.append([c["collector"], c["units"], Decimal(c["charged"]), Decimal(c["collected"]), rate, target,
                          met[c["rate_met"]], Decimal(c["target_amount"]) if c["target_amount"] else None,
                          Decimal(c["amount_gap"]) if c["amount_gap"] else None, met[c["amount_met"]],
                          len(c["to_visit"])])
        head.highlight.append(c["rate_met"] is False or c["amount_met"] is False)
        for v in c["to_visit"]:
            visit.rows.append([c["collector"], v["unit"], Decimal(v["arrears"]), Decimal(v["period_open"]),
                               v["oldest"], v["dispute"] or "", str(v["kept_promise"] or ""), v["broken_promise"],
                               _stage_label(v["stage"]), str(v["last_contact"] or "")])
            visit.highlight.append(bool(v["dispute"]))
    notes = [f"期间 {d['period']}，截至 {d['as_of'].isoformat()}；当期收缴率 = 当期实收 ÷ 当期应收（与收缴率报表同一口径）；"
             "待走访按先易后难排序：无纠纷、近期守约、未失约、欠费少者在前。"]
    return reports.Report("targets", f"{books.config.name} 收费员目标 {d['period']}", reports.jsonable(d),
                          [head, visit], notes)


def limitation_as_report(books: Books, as_of: dt.date):
    from ledger.reports import formats as export, assemble as reports
    from ledger.collection import limitation

    d = limitation.limitation_report(books, as_of)
    summary = export.Table("按收费员", ["收费员", "临近时效笔数", "临近时效金额", "已过时效笔数", "已过时效金额", "失约未跟进"])
    rows = export.Table("明细（临近 ≤90 天 / 已过时效）", ["收费员", "房号", "项目", "期间", "未缴", "应缴日", "时效届满日",
                                                 "剩余天数", "最近中断", "纠纷", "催缴阶段"])
    for g in d["collectors"]:
        summary.rows.append([g["collector"], len(g["at_risk"]), Decimal(g["at_risk_total"]), len(g["past"]),
                             Decimal(g["past_total"]), len(g["broken_promises"])])
        summary.highlight.append(bool(g["past"]))
        for r in g["at_risk"] + g["past"]:
            rows.rows.append([g["collector"], r["unit"], r["item"], r["period"], Decimal(r["open"]),
                              r["due"].isoformat(), r["limitation_date"].isoformat(), r["days_left"],
                              str(r["last_interruption"] or ""), r["dispute"] or "", _stage_label(r["stage"])])
            rows.highlight.append(r["days_left"] < 0)
    notes = [f"截至 {as_of.isoformat()}：三年诉讼时效（民法典第188条），每期费用分别计算；有送达证明的书面催缴、"
             f"债务人确认或起诉等中断时效（第195条）。临近合计 {d['at_risk_total']} 元，已过时效合计 {d['past_total']} 元。"]
    return reports.Report("limitation", f"{books.config.name} 诉讼时效风险", reports.jsonable(d), [summary, rows], notes)


def _stage_label(stage: str | None) -> str:
    from ledger.collection.stages import STAGES

    return STAGES[stage][1] if stage in STAGES else ""


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
            raise InputError(f"{path} is inside the books folder and not git-ignored; choose a path outside "
                             f"the books (or under .wuye/)")
    if not target.parent.is_dir():
        raise InputError(f"folder {target.parent} does not exist")


def export_report(books: Books, spec: ReportSpec, fmt: str, path: str) -> str:
    """Rebuild the report of `spec` and write it as xlsx/csv/html with ledger/export (injection-safe)."""
    from ledger.reports import formats as export, assemble as reports
    from ledger.books import files as store

    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    text = (path or "").strip()
    if not text:
        raise InputError("give a file path")
    p = Path(text).expanduser()
    if not p.is_absolute():
        p = Path.cwd() / p
    if p.suffix.lower() != f".{fmt}":
        p = p.with_name(p.name + f".{fmt}")
    _check_export_path(books, p)
    rep, _ = _report_obj(books, spec)
    if fmt == "xlsx":
        tmp = p.with_name(p.name + ".tmp")
        export.write_xlsx(rep.tables, tmp)
        tmp.replace(p)
    elif fmt == "csv":
        store.write_atomic(p, b"\xef\xbb\xbf" + reports.render(rep, "csv").encode("utf-8"))
    else:
        store.write_atomic(p, reports.render(rep, "html").encode("utf-8"))
    return str(p)


