"""Report assembly: arrears (aging), collection rates, the owner statement, the public disclosure (公示),
the fee-standard history, the limitation risk and the collectors' targets. Each `*_report` returns a
`Report`: a JSON-ready `data` dict (Decimals kept; `jsonable` turns them into strings) and the `tables`
the text/CSV/XLSX/HTML writers print.

The CLI (`wuye report ...`), the TUI's reports screen and the Fava extension all call these functions
and only format the Report; `export_bytes` is the one writer of a report file, so the CLI's and the
TUI's export of the same report are the same bytes. Nothing here prints owner names or phone numbers.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ledger.reports import aging as ag
from ledger.reports import formats as export, statement
from ledger.books import facts, history, git as vcs
from ledger.community.config import LATE_FEE_ITEM
from ledger.basics.errors import InputError
from ledger.basics import labels
from ledger.basics.money import ZERO, from_cents
from ledger.reports.rates import BY_CHOICES, FIGURE_LABELS, Figures, ReportPeriod, classified_totals, collection_rates, excluded_items, household_rows, monthly_rates, parse_period

REPORTS = ("arrears", "rates", "statement", "disclosure", "standards", "limitation", "targets", "reconciliation",
           "backdated", "receipts", "daily", "deposits", "unidentified")
EXPORT_FORMATS = ("xlsx", "csv", "html", "pdf")


@dataclass
class Report:
    name: str
    title: str
    data: dict
    tables: list[export.Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    html: str | None = None   # a report with its own printable page (statement, disclosure)
    text: str | None = None
    blocks: list[str] = field(default_factory=list)  # printed after the notes (the disclosure's sign-off)


def jsonable(v):
    """Decimals as exact strings ('1234.50', ratio '0.8123', counts '12'), dates ISO, recursively."""
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, set):
        return sorted(jsonable(x) for x in v)
    return v


def item_names(books) -> dict[str, str]:
    return {c: f.name for c, f in books.config.fees.items()} | {LATE_FEE_ITEM: labels.label("item", LATE_FEE_ITEM)}


def _collector(books, building: str) -> str:
    from ledger.reports.rates import UNASSIGNED

    return books.config.collector_of(building) or UNASSIGNED


# --- arrears ------------------------------------------------------------------------------------

def reconciliation(a: ag.Aging, developer: bool = True) -> dict:
    """The aging figures against the ledger's own balances (the identity the figures must keep): the
    owners' receivable accounts, and the developer's when developer receivables are in the report."""
    outstanding = sum((r.total for r in a.units), 0)
    receivable = a.ledger.receivable + (a.ledger.developer if developer else ZERO)
    return {"receivable": receivable, "outstanding": from_cents(outstanding),
            "not_due": from_cents(a.not_due), "credit": a.ledger.credit,
            "credit_total": from_cents(sum(a.credit.values(), 0))}


def reconciliation_line(r: dict) -> str:
    return (f"对账：应收账款余额 {r['receivable']:,.2f} = 欠费 {r['outstanding']:,.2f} + 未到期 {r['not_due']:,.2f}；"
            f"预存款余额 {r['credit']:,.2f} = 各户预存合计 {r['credit_total']:,.2f}")


def arrears_report(books, as_of: dt.date | None = None, by: str | None = None, developer: bool = True,
                   scope: frozenset[str] | None = None) -> Report:
    """Open charges as of D per unit (with debtor), building, item and collector, in aging buckets;
    `scope` restricts it to those units (Fava's account/filter scope)."""
    as_of = as_of or books.today()
    a = ag.aging(books, as_of, developer, scope)
    names = item_names(books)

    def summary(r: ag.AgingRow) -> dict:
        return {"outstanding": from_cents(r.total), "buckets": ag.amounts(r), "units": len(r.units),
                "oldest_period": r.oldest_period, "legal_risk": r.legal_risk,
                "legal_risk_amount": from_cents(r.buckets[ag.LEGAL_RISK])}

    units = []
    for r in a.units:
        d = {"unit": r.key, "debtor": r.debtor, "building": r.building, "collector": _collector(books, r.building),
             **summary(r),
             "credit": from_cents(a.credit.get(r.key, 0)) if r.debtor == "unit" else ZERO}
        d.pop("units")
        units.append(d)
    collectors: dict[str, ag.AgingRow] = {}
    for r in a.units:
        c = collectors.setdefault(_collector(books, r.building), ag.AgingRow(_collector(books, r.building)))
        for b in ag.BUCKETS:
            c.buckets[b] += r.buckets[b]
        c.units.add(r.key)
        if c.oldest_period is None or (r.oldest_period and r.oldest_period < c.oldest_period):
            c.oldest_period = r.oldest_period
    data = {
        "report": "arrears", "as_of": as_of, "developer": developer,
        "buckets": [{"key": b, "label": ag.BUCKET_LABELS[b]} for b in ag.BUCKETS],
        "legal_risk_bucket": ag.LEGAL_RISK,
        "total": summary(a.total),
        "units": units,
        "buildings": [{"building": r.key, **summary(r)} for r in a.buildings],
        "items": [{"item": r.key, "name": names.get(r.key, r.key), **summary(r)} for r in a.items],
        "collectors": [{"collector": k, **summary(v)} for k, v in sorted(collectors.items())],
        "reconciliation": reconciliation(a, developer),
    }
    if scope is not None:
        data["scope"] = sorted(scope)
        data.pop("reconciliation")  # the ledger's balances are the whole community's
    heads = [ag.BUCKET_LABELS[b] for b in ag.BUCKETS]
    ut = export.Table("欠费明细（按户）", ["房号", "欠款方", "楼栋", "欠费合计", *heads, "最早欠费期间", "预存款", "超3年时效风险"])
    for u in units:
        ut.rows.append([u["unit"], "开发商" if u["debtor"] == "developer" else "业主", u["building"], u["outstanding"],
                        *u["buckets"].values(), u["oldest_period"], u["credit"], u["legal_risk"]])
        ut.highlight.append(u["legal_risk"])

    def sum_table(title, key_head, rows, key):
        t = export.Table(title, [key_head, "欠费户数", "欠费合计", *heads, "超3年时效风险"])
        for r in rows:
            t.rows.append([r[key], r["units"], r["outstanding"], *r["buckets"].values(), r["legal_risk"]])
            t.highlight.append(r["legal_risk"])
        return t
    summaries = {"building": sum_table("按楼栋", "楼栋", data["buildings"], "building"),
                 "item": sum_table("按收费项目", "项目", [dict(r, item=f"{r['item']} {r['name']}") for r in data["items"]], "item"),
                 "collector": sum_table("按收费员", "收费员", data["collectors"], "collector")}
    tot = data["total"]
    tt = export.Table("合计", ["欠费户数", "欠费合计", *heads], [[tot["units"], tot["outstanding"], *tot["buckets"].values()]],
                      [tot["legal_risk"]])
    tables = [tt, ut] + ([summaries[by]] if by else [summaries["building"], summaries["item"]])
    notes = [f"截至 {as_of.isoformat()}；账龄自应缴日（所属月份最后一天）起算；"
             f"“3年以上”已过三年诉讼时效（民法典第188条，按期分别计算，催告等可中断），标 !! 者为法律风险。"]
    if developer:
        notes.append("含开发商代缴的未交付房屋（欠款方“开发商”）。")
    if scope is None:
        notes.append(reconciliation_line(data["reconciliation"]))
    else:
        notes.append(f"筛选范围：{len(scope)} 户（对账行是全小区的账户余额，筛选时不列）。")
    return Report("arrears", f"{books.config.name} 欠费账龄表", data, tables, notes)


# --- rates --------------------------------------------------------------------------------------

def rates_dict(f: Figures) -> dict:
    return {k: {"label": r.label, "numerator": r.numerator, "denominator": r.denominator, "ratio": r.ratio,
                "percent": r.percent()} for k, r in f.rates().items()}


def _rate_row(key: str, f: Figures) -> list:
    r = f.rates()
    a = f.amounts()
    return [key, a["receivable"], a["collected"], r["current"].ratio, f.households_billed, f.households_paid,
            r["households"].ratio, a["opening_arrears"], a["recovered"], r["arrears"].ratio, r["overall"].ratio,
            a["waived"] + a["arrears_waived"], a["compensated"] + a["arrears_compensated"],
            a["written_off"] + a["arrears_written_off"]]


RATE_ROW_HEADS = ["当期应收", "当期实收", "当期收缴率", "应收户数", "已缴清户数", "户数收缴率", "期初欠费", "清欠额",
                  "清欠率", "综合收缴率", "减免", "补偿抵扣", "核销"]


def rates_report(books, period: ReportPeriod | str | None = None, as_of: dt.date | None = None,
                 by: str | None = None, developer: bool = True, monthly: bool | None = None,
                 scope: frozenset[str] | None = None) -> Report:
    """The four rates with numerators and denominators for P as of D; per group and month by month;
    `scope` restricts every figure to those units (Fava's account/filter scope)."""
    as_of = as_of or books.today()
    if period is None:
        from ledger.reports.rates import default_period

        period = default_period(as_of)
    elif isinstance(period, str):
        period = parse_period(period)
    want_months = monthly if monthly is not None else len(period.months()) > 1
    shared = classified_totals(books, as_of, developer) if (by is None and want_months and scope is None) else None
    hh = household_rows(books, period, as_of, developer) if want_months and by != "item" else None
    table = collection_rates(books, period, as_of, by, developer, _rows=shared, units=scope, _hh_rows=hh)
    months = (monthly_rates(books, period, as_of, developer, _rows=shared, units=scope, _hh_rows=hh)
              if want_months else [])
    names = item_names(books)
    data = {
        "report": "rates", "period": period.label, "first": period.first, "last": period.last, "as_of": as_of,
        "developer": developer, "by": by, "excluded_items": list(excluded_items(books.config)),
        "total": {"rates": rates_dict(table.total), "figures": table.total.amounts()},
        "groups": [{"key": k, "name": names.get(k, k) if by == "item" else k, "rates": rates_dict(f),
                    "figures": f.amounts()} for k, f in table.groups.items()],
        "months": [{"period": m, "rates": rates_dict(f), "figures": f.amounts()} for m, f in months],
    }
    if scope is not None:
        data["scope"] = sorted(scope)
    rt = export.Table("收缴率", ["指标", "分子", "分母", "比率"])
    for r in table.total.rates().values():
        rt.rows.append([r.label, r.numerator, r.denominator, r.ratio])
    ft = export.Table("构成（不计入实收：减免、补偿、核销）", ["项目", "金额/户数"])
    for k, label in FIGURE_LABELS.items():
        ft.rows.append([label, table.total.amounts()[k]])
    tables = [rt, ft]
    if by:
        head = {"building": "楼栋", "item": "项目", "collector": "收费员"}[by]
        gt = export.Table(f"按{head}", [head, *RATE_ROW_HEADS])
        for g in data["groups"]:
            gt.rows.append(_rate_row(g["key"] if by != "item" else f"{g['key']} {g['name']}", table.groups[g["key"]]))
        tables.append(gt)
    if months:
        mt = export.Table("按月", ["月份", *RATE_ROW_HEADS])
        for m, f in months:
            mt.rows.append(_rate_row(m, f))
        tables.append(mt)
    notes = [f"期间 {period.label}（{period.first}..{period.last}），截至 {as_of.isoformat()}；"
             f"不含违约金及代收代付项目（{', '.join(excluded_items(books.config))}）；"
             + ("含开发商代缴的未交付房屋。" if developer else "不含开发商代缴的未交付房屋。"),
             "当期收缴率=当期实收÷当期应收；户数收缴率=已缴清户数÷应收户数；清欠率=清欠额÷期初欠费；"
             "综合收缴率=(当期实收+清欠额)÷(当期应收+期初欠费)。减免、补偿、核销另列，不计入实收。"]
    return Report("rates", f"{books.config.name} 收缴率 {period.label}", data, tables, notes)


# --- statement ----------------------------------------------------------------------------------

def statement_report(books, unit: str, as_of: dt.date | None = None) -> Report:
    """The printable owner statement (对账单): the page of ledger/statement.py; tables without the owner."""
    st = statement.statement(books, unit, as_of or books.today())
    lt = export.Table("明细", ["期间", "项目", "应收", "已缴", "减免", "补偿", "核销", "未缴", "状态"])
    for ln in st["lines"]:
        lt.rows.append([ln["period"], ln["name"], ln["billed"], ln["paid"], ln["waived"], ln["compensated"],
                        ln["written_off"], ln["open"], labels.label("status", ln["status"])])
    et = export.Table("收支记录", ["日期", "类型", "金额", "收据", "作废", "方式", "缴款人", "说明", "纠纷"])
    for ev in st["events"]:
        et.rows.append([ev["date"], ev["label"], ev["amount"], ev["receipt"], ev["voided"], ev["channel"],
                        ev["payer"], ev["reason"], ev["dispute"]])
    data = statement.to_json(st)
    data.pop("owner", None)
    data["report"] = "statement"
    return Report("statement", f"{books.config.name} 对账单 {st['unit']}", data, [lt, et],
                  [f"截至 {st['as_of']}；预存款 {st['credit']}；欠费合计 {st['outstanding']}"],
                  html=statement.render_html(books, st), text=statement.render_text(books, st))


# --- standards ----------------------------------------------------------------------------------

def standards_report(books) -> Report:
    changes = history.standards_history(books.root)
    rows = [{"item": c.item, "name": c.name, "unit_type": c.unit_type, "old": c.old, "new": c.new,
             "from": c.effective, "commit": c.commit, "author": c.author,
             "date": c.date} for c in changes]
    t = export.Table("收费标准变更记录", ["项目", "名称", "房屋类型", "原标准", "新标准", "生效日期", "提交", "提交人", "提交时间"])
    for r in rows:
        t.rows.append([r["item"], r["name"], r["unit_type"], r["old"], r["new"], r["from"], r["commit"][:10],
                       r["author"], r["date"]])
    return Report("standards", f"{books.config.name} 收费标准变更记录", {"report": "standards", "changes": rows}, [t],
                  ["每一次收费标准的修改都来自 git 历史（config.yaml），可逐条核对提交。"])


def standards_in_force(books, on: dt.date) -> list[dict]:
    """Each fee item with every dated rate line up to `on`, and which one is in force on that day."""
    out = []
    for code, f in books.config.fees.items():
        lines = []
        current = None
        for r in f.rates:
            if r.start <= on:
                current = r.start
        for r in f.rates:
            if r.start <= on:
                lines.append({"from": r.start, "prices": dict(r.prices), "in_force": r.start == current})
        out.append({"item": code, "name": f.name, "basis": f.basis, "pass_through": f.pass_through,
                    "unit_label": f.unit_label, "rates": lines})
    return out


# --- disclosure (公示) ----------------------------------------------------------------------------

def _activity(books, period: ReportPeriod, as_of: dt.date) -> dict:
    """What the office did during P (dated within P and <= D): waivers, compensation, write-offs, late fees."""
    a = facts.activity(books.cache, period.start, min(period.end, as_of), LATE_FEE_ITEM)
    return {"waivers": {"amount": a.waivers, "count": a.waiver_count},
            "compensation": {"amount": a.compensation, "count": a.compensation_count,
                             "paid_out_in_cash": a.compensation_cash},
            "write_offs": {"amount": a.write_offs, "count": a.write_off_count},
            "late_fees": {"assessed": a.late_assessed, "collected": a.late_collected, "waived": a.late_waived}}


def commit_info(books) -> dict:
    sha = books.head or ""
    date = vcs.git(books.root, "show", "-s", "--format=%cI", sha).strip() if sha else ""
    dirty = [ln for ln in vcs.status_lines(books.root)] if sha else []
    return {"commit": sha, "commit_date": date, "clean": not dirty}


def disclosure_report(books, period: ReportPeriod | str, as_of: dt.date | None = None,
                      developer: bool = True) -> Report:
    """公示: by item billed/collected, activity (waivers, compensation, write-offs, late fees), the rates,
    arrears by building as counts, the standards in force, and the commit it was computed from.

    Deterministic: the default cut-off is the period's last day (never "today"), and nothing of the
    moment of computing enters the output, so the same commit gives the same bytes.
    """
    if isinstance(period, str):
        period = parse_period(period)
    as_of = as_of or period.end
    names = item_names(books)
    by_item = collection_rates(books, period, as_of, "item", developer)
    # pass-through items by the same definitions (they are excluded from the rates, not from the disclosure)
    from ledger.reports.rates import _FIELDS, unit_item_figures

    pt = {c for c, f in books.config.fees.items() if f.pass_through}
    pt_fig: dict[str, Figures] = {}
    if pt:
        for (_u, item), vals in unit_item_figures(books.cache, period, as_of, developer, (LATE_FEE_ITEM,)).items():
            if item in pt:
                pt_fig.setdefault(item, Figures()).add(Figures(**dict(zip(_FIELDS, vals))))
    items = []
    for code in books.config.fees:
        f = by_item.groups.get(code) or pt_fig.get(code)
        if f is None:
            continue
        a = f.amounts()
        items.append({"item": code, "name": names[code], "pass_through": code in pt, "billed": a["billed"],
                      "waived": a["waived"], "compensated": a["compensated"], "receivable": a["receivable"],
                      "collected": a["collected"], "written_off": a["written_off"], "open": a["open"],
                      "recovered": a["recovered"]})
    a = ag.aging(books, as_of, developer)
    # owners' arrears by building; what the developer owes for units not handed over is shown apart
    by_building: dict[str, list] = {}
    for r in a.units:
        if r.debtor != "developer":
            by_building.setdefault(r.building, []).append(r)
    buildings = [{"building": b, "households": len(rs), "outstanding": from_cents(sum((r.total for r in rs), 0)),
                  "over_3y": from_cents(sum((r.buckets[ag.LEGAL_RISK] for r in rs), 0))}
                 for b, rs in sorted(by_building.items())]
    info = commit_info(books)
    from ledger.reports import disclosure_money as dm

    total = by_item.total.amounts()
    late = _activity(books, period, as_of)["late_fees"]["collected"]
    last = min(period.end, as_of)
    income = dm.income(books, period.start, last, total["collected"] + total["recovered"], late)
    spending = dm.spending(books, period.start, last)
    owners = [r for r in a.units if r.debtor != "developer"]
    dev = [r for r in a.units if r.debtor == "developer"]
    posted = dt.date.fromisoformat(info["commit_date"][:10]) if info["commit_date"] else as_of
    days = int(books.config.office.get("objection_days", "15") or 15)
    data = {
        "report": "disclosure", "community": books.config.name, "period": period.label, "first": period.first,
        "last": period.last, "as_of": as_of, "computed_from": info,
        "regenerate": f"wuye report disclosure --period {period.label} --as-of {as_of.isoformat()} "
                      f"--commit {info['commit']}",
        "items": items, "rates": rates_dict(by_item.total), "figures": by_item.total.amounts(),
        "activity": _activity(books, period, as_of),
        "arrears_by_building": buildings,
        "arrears_total": {"households": sum(b["households"] for b in buildings),
                          "outstanding": sum((b["outstanding"] for b in buildings), ZERO),
                          "over_3y": sum((b["over_3y"] for b in buildings), ZERO)},
        "standards": standards_in_force(books, as_of),
        "standards_in_words": [dm.standard_words(st["name"], st["basis"], t, v, st["unit_label"])
                               for st in standards_in_force(books, as_of) for r in st["rates"] if r["in_force"]
                               for t, v in r["prices"].items()],
        "regime": books.config.regime,
        "income": income, "spending": spending,
        "balance": dm.balance(books, income, spending, period.start, last, as_of),
        "held_for_others": dm.held_for_others(books, as_of),
        "discounts": {"prepay_discount": total["discount"], "waived": total["waived"] + total["arrears_waived"],
                      "compensated": total["compensated"] + total["arrears_compensated"],
                      "written_off": total["written_off"] + total["arrears_written_off"]},
        "owners_arrears": {"households": len(owners), "outstanding": from_cents(sum((r.total for r in owners), 0))},
        "developer_arrears": {"units": len(dev), "outstanding": from_cents(sum((r.total for r in dev), 0))},
        "posting": {"posted": posted, "objection_until": posted + dt.timedelta(days=days - 1), "objection_days": days,
                    "office": {k: books.config.office.get(k, "") for k in ("name", "address", "phone", "hours")}},
    }
    tables = _disclosure_tables(data)
    notes = _disclosure_notes(data)
    rep = Report("disclosure", f"{books.config.name} 物业费收支公示 {period.label}", data, tables, notes)
    from ledger.documents.render import render as render_doc

    rep.html = render_doc("disclosure.html", title=rep.title, d=data, tables=tables, notes=notes)
    p = data["posting"]
    o = p["office"]
    rep.blocks = ["收费标准：" + "；".join(data["standards_in_words"]),
                  f"公示期间：{p['posted']} 至 {p['objection_until']}（{p['objection_days']} 日）。业主对本公示内容有异议的，"
                  f"请于 {p['objection_until']} 前以书面形式向{o['name'] or '物业服务中心'}提出。",
                  f"地址：{o['address']}　电话：{o['phone']}　办公时间：{o['hours']}",
                  "物业服务企业（盖章）：　　　　　　负责人（签字）：　　　　　　日期：　　年　　月　　日",
                  "业主委员会（盖章）：　　　　　　　负责人（签字）：　　　　　　日期：　　年　　月　　日"]
    return rep


def _disclosure_tables(d: dict) -> list[export.Table]:
    it = export.Table("一、各收费项目（本期费用，截至公示日）",
                      ["项目", "名称", "代收代付", "计费", "减免", "补偿抵扣", "应收", "实收", "核销", "未收"])
    for r in d["items"]:
        it.rows.append([r["item"], r["name"], r["pass_through"], r["billed"], r["waived"], r["compensated"],
                        r["receivable"], r["collected"], r["written_off"], r["open"]])
    rt = export.Table("二、收缴率（不含违约金、代收代付）", ["指标", "分子", "分母", "比率"])
    for r in d["rates"].values():
        rt.rows.append([r["label"], r["numerator"], r["denominator"], r["percent"]])
    act = d["activity"]
    at = export.Table("三、本期减免、补偿、核销、违约金（按发生日期）", ["项目", "笔数", "金额"])
    at.rows += [["减免", act["waivers"]["count"], act["waivers"]["amount"]],
                ["补偿（抵扣及现金支付）", act["compensation"]["count"], act["compensation"]["amount"]],
                ["其中现金支付的补偿", None, act["compensation"]["paid_out_in_cash"]],
                ["坏账核销", act["write_offs"]["count"], act["write_offs"]["amount"]],
                ["违约金计提", None, act["late_fees"]["assessed"]],
                ["违约金实收", None, act["late_fees"]["collected"]],
                ["违约金减免", None, act["late_fees"]["waived"]]]
    bt = export.Table("四、业主欠费（按楼栋，户数不列房号；开发建设单位另列）", ["楼栋", "欠费户数", "欠费金额", "其中超过3年"])
    for r in d["arrears_by_building"]:
        bt.rows.append([r["building"], r["households"], r["outstanding"], r["over_3y"]])
        bt.highlight.append(r["over_3y"] > 0)
    t = d["arrears_total"]
    bt.rows.append(["合计", t["households"], t["outstanding"], t["over_3y"]])
    bt.highlight.append(t["over_3y"] > 0)
    dv = d["developer_arrears"]
    bt.rows.append(["开发建设单位（未交付房屋，另列）", dv["units"], dv["outstanding"], None])
    bt.highlight.append(False)
    st = export.Table("五、收费标准（执行中的以 * 标注）", ["项目", "名称", "生效日期", "标准", "执行中"])
    from ledger.reports import disclosure_money as dm

    for s in d["standards"]:
        for r in s["rates"]:
            words = "；".join(dm.standard_words(s["name"], s["basis"], k, v, s["unit_label"])
                             for k, v in r["prices"].items())
            st.rows.append([s["item"], s["name"] + ("（代收代付）" if s["pass_through"] else ""),
                            r["from"].isoformat(), words, "*" if r["in_force"] else ""])
    inc, sp, bal = d["income"], d["spending"], d["balance"]
    ct = export.Table("六、收支情况（本期收到与支出的钱）", ["项目", "金额"])
    ct.rows += [["物业费收入（当期实收 + 清欠）", inc["fees_collected"]], ["违约金收入", inc["late_fees_collected"]],
                ["利息收入", inc["interest"]]]
    ct.rows += [[f"公共收益：{r['name']}", r["amount"]] for r in inc["common_income"]]
    ct.rows += [[f"支出：{r['name']}（{r['count']} 笔）", r["amount"]] for r in sp["operating"]]
    ct.rows += [["支出合计（物业服务）", sp["operating_total"]], ["专项维修资金支出", sp["maintenance_fund"]],
                ["公共收益支出", sp["common_income"]]]
    if "remuneration" in bal:
        ct.rows += [["物业服务企业酬金", bal["remuneration"]], ["业主共有资金结余（截至公示日）", bal["owners_fund_balance"]]]
    ct.rows.append(["本期收支结余", bal["surplus"]])
    ht = export.Table("七、代管资金（截至公示日，属于业主或他人的钱）", ["项目", "金额"])
    ht.rows += [[dm.HELD_LABELS[k], v] for k, v in d["held_for_others"].items() if k != "total"]
    ht.rows.append(["合计", d["held_for_others"]["total"]])
    dt_ = export.Table("八、优惠、减免、补偿、核销（本期费用及往期欠费）", ["项目", "金额"])
    ds = d["discounts"]
    dt_.rows += [["预交优惠", ds["prepay_discount"]], ["减免", ds["waived"]], ["补偿抵扣", ds["compensated"]],
                 ["坏账核销", ds["written_off"]]]
    return [it, rt, at, bt, st, ct, ht, dt_]


def _disclosure_notes(d: dict) -> list[str]:
    info = d["computed_from"]
    out = [f"期间 {d['period']}（{d['first']}..{d['last']}），截至 {d['as_of'].isoformat()}。",
           f"本公示由账本 git 提交 {info['commit']}（{info['commit_date']}）计算得出；"
           f"任何持有账本的人可用以下命令重新生成完全相同的内容：{d['regenerate']}"]
    if not info["clean"]:
        out.append("注意：计算时工作区有未提交的修改，本公示不能由上述提交完全重现。")
    return out


# --- limitation, targets (ledger/collection computes; the tables are built here) ------------------

# Amounts and ratios the collection modules hand over as plain strings; the Report holds them as Decimal.
_DECIMAL_KEYS = frozenset({"charged", "collected", "waived", "compensated", "rate", "target_rate", "target_amount",
                           "amount_gap", "arrears", "period_open", "open", "at_risk_total", "past_total"})


def _decimals(v):
    if isinstance(v, dict):
        return {k: Decimal(x) if k in _DECIMAL_KEYS and isinstance(x, str) and x != "" else _decimals(x)
                for k, x in v.items()}
    if isinstance(v, list):
        return [_decimals(x) for x in v]
    return v


def stage_label(stage: str | None) -> str:
    return labels.label("stage", stage, default="") if stage else ""


def _amount(v) -> Decimal | None:
    return v if isinstance(v, Decimal) else None  # no target set: an empty cell


def _yes_no(v: bool | None) -> str:
    return {True: "是", False: "否", None: ""}[v]


def targets_report(books, period: ReportPeriod | str | None = None, as_of: dt.date | None = None) -> Report:
    """Each collector's current-period rate and amount against the target, and the units to visit."""
    from ledger.collection import targets

    if period is None:
        raise InputError("targets_period_needed")
    d = _decimals(targets.targets_report(books, period.label if isinstance(period, ReportPeriod) else period, as_of))
    head = export.Table("收费员目标完成情况", ["收费员", "户数", "当期应收", "当期实收", "当期收缴率", "目标收缴率",
                                      "收缴率达标", "目标金额", "差额", "金额达标", "待走访户数"])
    visit = export.Table("待走访（先易后难）", ["收费员", "房号", "欠费", "本期未缴", "最早欠费期", "纠纷", "近期守约",
                                        "失约", "催缴阶段", "最近联系"])
    ratio = Decimal("0.0001")  # ratios carry 4 places (shown as %), amounts 2
    for c in d["collectors"]:
        head.rows.append([c["collector"], c["units"], c["charged"], c["collected"],
                          c["rate"].quantize(ratio) if c["rate"] is not None else None,
                          c["target_rate"].quantize(ratio) if c["target_rate"] is not None else None,
                          _yes_no(c["rate_met"]), _amount(c["target_amount"]), _amount(c["amount_gap"]),
                          _yes_no(c["amount_met"]), len(c["to_visit"])])
        head.highlight.append(c["rate_met"] is False or c["amount_met"] is False)
        for v in c["to_visit"]:
            visit.rows.append([c["collector"], v["unit"], v["arrears"], v["period_open"], v["oldest"],
                               v["dispute"] or "", str(v["kept_promise"] or ""), v["broken_promise"],
                               stage_label(v["stage"]), str(v["last_contact"] or "")])
            visit.highlight.append(bool(v["dispute"]))
    d["report"] = "targets"
    notes = [f"期间 {d['period']}，截至 {d['as_of'].isoformat()}；当期收缴率 = 当期实收 ÷ 当期应收（与收缴率报表同一口径）；"
             "待走访按先易后难排序：无纠纷、近期守约、未失约、欠费少者在前。"]
    return Report("targets", f"{books.config.name} 收费员目标 {d['period']}", d, [head, visit], notes)


def limitation_report(books, as_of: dt.date | None = None) -> Report:
    """Open charges near (<= 90 days) or past the three-year limitation, per collector."""
    from ledger.collection import limitation

    as_of = as_of or books.today()
    d = _decimals(limitation.limitation_report(books, as_of))
    summary = export.Table("按收费员", ["收费员", "临近时效笔数", "临近时效金额", "已过时效笔数", "已过时效金额", "失约未跟进"])
    rows = export.Table("明细（临近 ≤90 天 / 已过时效）", ["收费员", "房号", "项目", "期间", "未缴", "应缴日", "时效届满日",
                                                 "剩余天数", "最近中断", "纠纷", "催缴阶段"])
    for g in d["collectors"]:
        summary.rows.append([g["collector"], len(g["at_risk"]), g["at_risk_total"], len(g["past"]), g["past_total"],
                             len(g["broken_promises"])])
        summary.highlight.append(bool(g["past"]))
        for r in g["at_risk"] + g["past"]:
            rows.rows.append([g["collector"], r["unit"], r["item"], r["period"], r["open"], r["due"].isoformat(),
                              r["limitation_date"].isoformat(), r["days_left"], str(r["last_interruption"] or ""),
                              r["dispute"] or "", stage_label(r["stage"])])
            rows.highlight.append(r["days_left"] < 0)
    d["report"] = "limitation"
    notes = [f"截至 {as_of.isoformat()}：三年诉讼时效（民法典第188条），每期费用分别计算；有送达证明的书面催缴、"
             f"债务人确认或起诉等中断时效（第195条）。临近合计 {d['at_risk_total']} 元，已过时效合计 {d['past_total']} 元。"]
    return Report("limitation", f"{books.config.name} 诉讼时效风险", d, [summary, rows], notes)


def reconciliation_report(books, as_of: dt.date | None = None) -> Report:
    """资金对账 (ledger/reports/reconciliation.py): money accounts, what is in transit, unmatched items."""
    from ledger.reports import reconciliation as rec

    as_of = as_of or books.today()
    d = rec.report_data(books, as_of)
    at = export.Table("资金账户", ["账户", "类别", "账面余额", "在途", "对账单日期", "对账单余额", "差额", "未达笔数",
                                  "未达金额"])
    for a in d["accounts"]:
        st = a["statement"] or {}
        at.rows.append([a["account"], a["label"], a["balance"], a["in_transit"], st.get("date", "") and
                        st["date"].isoformat(), st.get("balance"), st.get("difference"), a["unmatched"],
                        a["unmatched_amount"]])
    t = d["totals"]
    at.rows.append(["合计", "", t["balance"], t["in_transit"], "", None, None, t["unmatched_items"], None])
    it = export.Table("未达账项（账龄按天）", ["账户", "日期", "账龄（天）", "金额", "事项", "凭证/参考"])
    for i in d["items"]:
        it.rows.append([i["account"], i["date"].isoformat(), i["age_days"], i["amount"], i["what"], i["ref"]])
    notes = [f"截至 {as_of}：库存现金未缴存 {t['cash_not_banked']:,.2f}，待清算未到账 {t['clearing_not_settled']:,.2f}，"
             f"未达账项 {t['unmatched_items']} 笔" + ("；全部相符" if d["tied"] else "")]
    banks = [a["account"] for a in d["accounts"] if a["kind"] == "bank" and a["statement"] is None]
    if banks:
        notes.append("未导入银行对账单，未核对余额：" + "、".join(banks))
    return Report("reconciliation", f"{books.config.name} 资金对账", d, [at, it], notes)


@contextlib.contextmanager
def books_at(root: Path, commit: str):
    """Books as they were at `commit`, checked out into a temporary git worktree (removed afterwards)."""
    from ledger.books.folder import Books

    root = Path(root)
    sha = vcs.git(root, "rev-parse", "--verify", "-q", f"{commit}^{{commit}}", check=False).strip()
    if not sha:
        raise InputError("commit_unknown", commit=commit, root=root)
    tmp = Path(tempfile.mkdtemp(prefix="wuye-at-"))
    wt = tmp / "books"
    vcs.git(root, "worktree", "add", "--detach", "-q", str(wt), sha)
    books = None
    try:
        books = Books(wt)
        yield books
    finally:
        if books is not None:
            books.close()
        vcs.git(root, "worktree", "remove", "--force", str(wt), check=False)
        vcs.git(root, "worktree", "prune", check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def build(books, name: str, period: str | None = None, as_of: dt.date | None = None, by: str | None = None,
          unit: str | None = None, developer: bool = True, days: int | None = None,
          allow_future: bool = False) -> Report:
    """Dispatch by report name (the CLI's `wuye report NAME`); every report follows the one as-of rule
    (ledger/reports/asof.py): no cut-off after today unless allow_future."""
    from ledger.reports import asof, registers

    if name == "backdated":
        return registers.backdated_report(books, days)
    if name == "receipts":
        return registers.receipts_report(books, period)
    if name == "daily":
        return registers.daily_report(books, as_of)
    if name == "deposits":
        return registers.deposits_report(books, as_of)
    if name == "unidentified":
        return registers.unidentified_report(books, as_of)
    if by is not None and by not in BY_CHOICES:
        raise InputError("by_choice", choices=", ".join(BY_CHOICES), by=by)
    asof.check_as_of(as_of, books.today(), allow_future)
    if name == "arrears":
        return arrears_report(books, as_of, by, developer)
    if name == "rates":
        return rates_report(books, period, as_of, by, developer)
    if name == "statement":
        if not unit:
            raise InputError("statement_unit_needed")
        return statement_report(books, unit, as_of)
    if name == "disclosure":
        rp = parse_period(asof.default_period(period, books.today()))
        asof.check_as_of(as_of or rp.end, books.today(), allow_future, "--as-of (default: the period's last day)")
        return disclosure_report(books, rp, as_of, developer)
    if name == "standards":
        return standards_report(books)
    if name == "limitation":
        return limitation_report(books, as_of)
    if name == "targets":
        return targets_report(books, period, as_of)
    if name == "reconciliation":
        return reconciliation_report(books, as_of)
    raise InputError("report_unknown", report=name, choices=", ".join(REPORTS))


def render(rep: Report, fmt: str, ansi: bool = False) -> str | bytes:
    """Text of a report in text|json|csv|html (a file, xlsx included: export_bytes)."""
    import json

    if fmt == "json":
        return json.dumps(jsonable(rep.data), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return export.to_csv(rep.tables)
    if fmt == "html":
        return rep.html or export.to_html(rep.title, rep.tables, rep.notes)
    if fmt == "text":
        return rep.text or export.to_text(rep.title, rep.tables, rep.notes, ansi=ansi)
    raise InputError("format_unknown", fmt=fmt, choices="text, json, csv, html")



def export_bytes(rep: Report, fmt: str) -> bytes:
    """The file of a report in xlsx|csv|html: the one writer both the CLI and the TUI export through."""
    if fmt == "xlsx":
        return export.xlsx_bytes(rep.tables)
    if fmt == "csv":
        return b"\xef\xbb\xbf" + export.to_csv(rep.tables).encode("utf-8")  # BOM: Excel/WPS read UTF-8
    if fmt == "html":
        return render(rep, "html").encode("utf-8")
    if fmt == "pdf":
        from ledger.reports.pdf import pdf_bytes

        return pdf_bytes(rep.title, rep.tables, rep.notes, rep.blocks)
    raise InputError("export_format", choices=", ".join(EXPORT_FORMATS))


def write_export(rep: Report, fmt: str, path: str | Path) -> None:
    from ledger.books import files

    files.write_atomic(Path(path), export_bytes(rep, fmt))
