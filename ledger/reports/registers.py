"""Registers an auditor signs off: entries recorded late (backdated), every receipt number with its
status (gaps proven absent), the day's collections (收费日报), deposits (押金) and the unidentified queue.

Each returns the one `Report` shape (ledger/reports/assemble.py), so the CLI, the TUI and Fava show the
same figures; the figures come from ledger/books/facts/.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

from ledger.basics import accounts as acc, labels, periods
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO
from ledger.books import entries as beans, facts, git as vcs, layout, verified
from ledger.books.folder import BOOKS_TZ
from ledger.reports import formats as export

BACKDATED_DAYS = 3  # a clerk enters a day's receipts within a few days; later than this is worth a look


def _report(*args, **kw):
    from ledger.reports.assemble import Report  # assemble imports this module: the shape is defined there

    return Report(*args, **kw)


def _what(what: str) -> str:
    return labels.label("op", what) if what in labels.OPS else what


# --- backdated entries -------------------------------------------------------------------------

def backdated_report(books, days: int | None = None) -> "Report":
    """Entries recorded more than `days` days after their value date, from their `recorded` stamp.
    Entries written before the stamp existed are dated by the commit that added them (git), when the
    line is still the one that commit wrote; the others are left out and counted."""
    days = BACKDATED_DAYS if days is None else int(days)
    if days < 0:
        raise InputError("days_negative")
    found = facts.recorded_entries(books.cache)
    added = None
    rows, undated, by_git = [], 0, 0
    for r in found:
        at = beans.recorded_at({"recorded": r.recorded}) if r.recorded else None
        source = "recorded"
        if at is None:
            if added is None:
                added = _git_added(books)
            at = added.get((r.file, r.lineno))
            source = "git"
            if at is None:
                undated += 1
                continue
            by_git += 1
        # a bill is dated the 1st of its month and the run is made some days into it: it is on time
        # within its month and counts as late only after the month's last day
        due = periods.end(periods.period_of(r.date)) if r.what == "bill" else r.date
        late = (at.astimezone(BOOKS_TZ).date() - due).days
        if late > days:
            rows.append({"date": r.date, "recorded": at.isoformat(timespec="seconds"), "days_late": late,
                         "what": r.what, "unit": r.unit or "", "number": r.number or "", "by": r.by or "",
                         "where": f"{r.file}:{r.lineno}", "source": source, "_at": (r.file, r.lineno)})
    rows.sort(key=lambda x: (-x["days_late"], x["date"], x.pop("_at")))
    data = {"report": "backdated", "days": days, "entries": len(found), "listed": len(rows),
            "dated_from_git": by_git, "undated": undated, "rows": rows}
    table = export.Table("补录记录",
                         ["业务日期", "记录时间", "晚记天数", "类型", "房号", "单号", "记录人", "位置", "依据"])
    for x in rows:
        table.rows.append([x["date"].isoformat(), x["recorded"], x["days_late"], _what(x["what"]), x["unit"],
                           x["number"], x["by"], x["where"], "记录时间" if x["source"] == "recorded" else "git 提交"])
    notes = [f"记录时间晚于业务日期 {days} 天以上的记录（账单按其所属月份的最后一天计）。共 {len(found)} 条记录，列出 {len(rows)} 条；{by_git} 条记于开始记录时间之前，按 git 提交时间计；"
             f"{undated} 条无法确定记录时间，未列出。"]
    return _report("backdated", f"{books.config.name} 补录记录", data, [table], notes)


def _git_added(books) -> dict[tuple[str, int], dt.datetime]:
    """(file, line) -> when the commit that wrote that line was made, for lines that are still as written."""
    out = {}
    texts: dict[str, list[str]] = {}
    for (rel, n), (when, text) in vcs.added_lines(books.root, (layout.TXNS,)).items():
        if rel not in texts:
            path = books.root / rel
            texts[rel] = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        lines = texts[rel]
        if 0 < n <= len(lines) and lines[n - 1] == text:
            out[(rel, n)] = dt.datetime.fromisoformat(when)
    return out


# --- receipts ----------------------------------------------------------------------------------

# SJ2026-000001, or an office's series SJ-A2026-000001 (ledger/books/numbering.py Series.of_office)
_NUMBER = re.compile(r"^(?P<series>[A-Za-z]+(?:-[A-Z][A-Z0-9]{0,3})?)(?P<year>\d{4})-(?P<seq>\d+)$")


def _period(books, period: str | None):
    from ledger.reports.rates import parse_period

    return parse_period(period) if period else None


def receipts_report(books, period: str | None = None) -> "Report":
    """Every receipt number in order with its status (paid, void, refunded, partly refunded), and the
    proof that no number is missing: per series and year, 1 .. the highest ever issued (verified.json
    included) against the numbers in the books. Voids and refunds are listed on their own lines."""
    rp = _period(books, period)
    paid = facts.payments_received(books.cache)
    back = [t for t in facts.takings(books.cache, dt.date.min, dt.date.max) if t.op in ("void", "refund")]
    voided = {t.receipt for t in back if t.op == "void"}
    refunded: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for t in back:
        if t.op == "refund" and t.receipt:
            refunded[t.receipt] -= t.amount
    rows = []
    present: dict[tuple[str, str], set[int]] = defaultdict(set)
    for r in paid:
        m = _NUMBER.match(r.receipt or "")
        if m:
            present[(m["series"], m["year"])].add(int(m["seq"]))
        if rp and not rp.start <= r.date <= rp.end:
            continue
        back_amt = refunded.get(r.receipt, ZERO)
        status = ("voided" if r.receipt in voided else "refunded" if back_amt >= r.amount and back_amt > 0
                  else "partly_refunded" if back_amt > 0 else "paid")
        rows.append({"receipt": r.receipt, "date": r.date, "unit": r.unit, "channel": r.channel or "",
                     "collector": r.collector or "", "amount": r.amount, "refunded": back_amt, "status": status})
    rows.sort(key=lambda x: _sort_key(x["receipt"]))
    series = []
    years = {str(y) for y in range(rp.start.year, rp.end.year + 1)} if rp else None
    for (s, y), seqs in sorted(present.items()):
        if years is not None and y not in years:
            continue
        top = max(max(seqs), verified.highest_issued(books.root, s, y))
        missing = sorted(set(range(1, top + 1)) - seqs)
        width = len(next(r.receipt for r in paid if (r.receipt or "").startswith(f"{s}{y}-")).rsplit("-", 1)[1])
        series.append({"series": f"{s}{y}", "first": f"{s}{y}-{1:0{width}d}", "last": f"{s}{y}-{top:0{width}d}",
                       "count": len(seqs), "missing": [f"{s}{y}-{n:0{width}d}" for n in missing]})
    lines = [{"date": t.date, "op": t.op, "receipt": t.receipt, "unit": t.unit or "", "channel": t.channel,
              "amount": t.amount} for t in back if not rp or rp.start <= t.date <= rp.end]
    data = {"report": "receipts", "period": rp.label if rp else None, "receipts": rows, "series": series,
            "reversals": lines, "count": len(rows), "gaps": sum(len(x["missing"]) for x in series)}
    table = export.Table("收据登记簿", ["收据号", "日期", "房号", "渠道", "收费员", "金额", "已退", "状态"])
    for x in rows:
        table.rows.append([x["receipt"], x["date"].isoformat(), x["unit"], labels.label("channel", x["channel"]),
                           x["collector"], x["amount"], x["refunded"], labels.label("status", x["status"])])
        table.highlight.append(x["status"] != "paid")
    gaps = export.Table("收据号连续性", ["序列", "起", "止", "张数", "缺号"])
    for x in series:
        gaps.rows.append([x["series"], x["first"], x["last"], x["count"], "、".join(x["missing"]) or "无缺号"])
        gaps.highlight.append(bool(x["missing"]))
    rev = export.Table("作废与退款", ["日期", "类型", "原收据", "房号", "渠道", "金额"])
    for x in lines:
        rev.rows.append([x["date"].isoformat(), _what(x["op"]), x["receipt"], x["unit"],
                         labels.label("channel", x["channel"]), x["amount"]])
    verdict = ("无缺号" if not data["gaps"] else f"缺号 {data['gaps']} 个") + f"（共 {len(rows)} 张收据）"
    notes = [f"{'期间 ' + rp.label + '，' if rp else ''}{verdict}；缺号按每个序列自 1 号至曾开出的最大号核对"
             "（含 verified.json 记录的已开号）。作废的收据保留原号。"]
    return _report("receipts", f"{books.config.name} 收据登记簿", data, [table, gaps, rev], notes)


def _sort_key(receipt: str):
    m = _NUMBER.match(receipt or "")
    return (m["series"], m["year"], int(m["seq"])) if m else (receipt or "", "", 0)


# --- the day's collections (收费日报) -----------------------------------------------------------

def daily_report(books, day: dt.date | None = None) -> "Report":
    """Collections of one day by channel and collector: receipts dated that day, and voids and refunds
    of that day on their own lines (never netted into another day); the cash box: cash in and out that
    day and Assets:Cash at the day's end."""
    day = day or books.today()
    lines = facts.takings(books.cache, day, day)
    by_channel: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    by_collector: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    counts: dict[str, int] = defaultdict(int)
    for t in lines:
        for group, key in ((by_channel, t.channel), (by_collector, t.collector or "")):
            group[key][t.op] += t.amount
            group[key]["net"] += t.amount
        counts[t.op] += 1
    cash = by_channel.get("cash", {})
    box = facts.account_balances(books.cache, day, (acc.CASH,)).get(acc.CASH, ZERO)
    data = {"report": "daily", "date": day,
            "lines": [{"op": t.op, "receipt": t.receipt, "unit": t.unit or "", "channel": t.channel,
                       "collector": t.collector or "", "amount": t.amount} for t in lines],
            "by_channel": {k: dict(v) for k, v in sorted(by_channel.items())},
            "by_collector": {k: dict(v) for k, v in sorted(by_collector.items())},
            "receipts": counts["pay"], "voids": counts["void"], "refunds": counts["refund"],
            "total": sum((t.amount for t in lines if t.op == "pay"), ZERO),
            "net": sum((t.amount for t in lines), ZERO),
            "cash_in": cash.get("pay", ZERO), "cash_out": -(cash.get("void", ZERO) + cash.get("refund", ZERO)),
            "cash_net": cash.get("net", ZERO), "cash_balance": box}
    head = ["收款", "作废", "退款", "净额"]
    t1 = export.Table("按渠道", ["渠道"] + head)
    for k, v in sorted(by_channel.items()):
        t1.rows.append([labels.label("channel", k)] + [v.get(x, ZERO) for x in ("pay", "void", "refund", "net")])
    t2 = export.Table("按收费员", ["收费员"] + head)
    for k, v in sorted(by_collector.items()):
        t2.rows.append([k] + [v.get(x, ZERO) for x in ("pay", "void", "refund", "net")])
    t3 = export.Table("明细", ["类型", "收据号", "房号", "渠道", "收费员", "金额"])
    for t in lines:
        t3.rows.append([_what(t.op), t.receipt, t.unit or "", labels.label("channel", t.channel), t.collector or "",
                        t.amount])
        t3.highlight.append(t.op != "pay")
    t4 = export.Table("现金盘点", ["当日现金收款", "当日现金退付", "当日现金净额", "日终现金账户余额"])
    t4.rows.append([data["cash_in"], data["cash_out"], data["cash_net"], box])
    notes = [f"{day.isoformat()}：收据 {counts['pay']} 张，合计 {data['total']:,.2f} 元；作废 {counts['void']} 笔、"
             f"退款 {counts['refund']} 笔按其自身日期单列；净额 {data['net']:,.2f} 元。"]
    return _report("daily", f"{books.config.name} 收费日报 {day.isoformat()}", data, [t1, t2, t3, t4], notes)


# --- deposits (押金) ----------------------------------------------------------------------------

def deposits_report(books, as_of: dt.date | None = None) -> "Report":
    """Renovation deposits held and returned, per unit and line by line (a liability: what is held is
    the owners' money)."""
    as_of = as_of or books.today()
    lines = facts.account_lines(books.cache, acc.DEPOSITS, as_of)
    per: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"received": ZERO, "returned": ZERO})
    for x in lines:
        per[x.unit or ""]["received" if x.amount < 0 else "returned"] += abs(x.amount)
    units = [{"unit": u, **v, "held": v["received"] - v["returned"]} for u, v in sorted(per.items())]
    held = sum((u["held"] for u in units), ZERO)
    data = {"report": "deposits", "as_of": as_of, "units": units, "held": held,
            "received": sum((u["received"] for u in units), ZERO), "returned": sum((u["returned"] for u in units), ZERO),
            "lines": [{"date": x.date, "unit": x.unit or "", "op": x.op, "number": x.number or "",
                       "amount": -x.amount, "where": f"{x.file}:{x.lineno}"} for x in lines]}
    t1 = export.Table("押金登记簿", ["房号", "收取", "退还", "余额"])
    for u in units:
        t1.rows.append([u["unit"], u["received"], u["returned"], u["held"]])
    t2 = export.Table("明细", ["日期", "房号", "类型", "单号", "金额", "位置"])
    for x in data["lines"]:
        t2.rows.append([x["date"].isoformat(), x["unit"], _what(x["op"]), x["number"], x["amount"], x["where"]])
    notes = [f"截至 {as_of.isoformat()}：押金余额 {held:,.2f} 元（{acc.DEPOSITS}，负债，应退还业主）。"]
    return _report("deposits", f"{books.config.name} 押金登记簿", data, [t1, t2], notes)


# --- the unidentified queue (待认领) ------------------------------------------------------------

def unidentified_report(books, as_of: dt.date | None = None) -> "Report":
    """Money in Assets:Suspense:Unidentified: every queue item, open or how it was closed, with its age."""
    as_of = as_of or books.today()
    items = facts.queue_register(books.cache, as_of)
    rows = [{"id": q.qid, "date": q.date, "channel": q.channel, "amount": q.amount,
             "status": {"pay": "assigned", "refund": "refunded"}.get(q.closed_by or "", q.closed_by or "open"),
             "age_days": (as_of - q.date).days} for q in items]
    open_total = sum((r["amount"] for r in rows if r["status"] == "open"), ZERO)
    ledger = facts.account_balances(books.cache, as_of, (acc.SUSPENSE,)).get(acc.SUSPENSE, ZERO)
    data = {"report": "unidentified", "as_of": as_of, "items": rows, "open": sum(r["status"] == "open" for r in rows),
            "open_total": open_total, "ledger": -ledger}
    t = export.Table("待认领款项", ["编号", "日期", "渠道", "金额", "状态", "天数"])
    for r in rows:
        t.rows.append([r["id"], r["date"].isoformat(), labels.label("channel", r["channel"]), r["amount"],
                       labels.label("queue_status", r["status"]), r["age_days"]])
        t.highlight.append(r["status"] == "open")
    notes = [f"截至 {as_of.isoformat()}：待认领 {data['open']} 笔，合计 {open_total:,.2f} 元；"
             f"{acc.SUSPENSE} 账户余额 {-ledger:,.2f} 元。"]
    return _report("unidentified", f"{books.config.name} 待认领款项", data, [t], notes)
