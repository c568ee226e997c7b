"""Registers an auditor signs off: entries recorded late (backdated), every receipt number with its
status (gaps proven absent), the day's collections (收费日报), deposits (押金) and the unidentified queue.

Each returns the one `Report` shape (ledger/reports/assemble.py), so the CLI, the TUI and Fava show the
same figures; the figures come from ledger/books/facts.py.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from ledger.basics import accounts as acc, labels
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
        raise InputError("--days: must be 0 or more")
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
        late = (at.astimezone(BOOKS_TZ).date() - r.date).days
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
    notes = [f"记录时间晚于业务日期 {days} 天以上的记录。共 {len(found)} 条记录，列出 {len(rows)} 条；{by_git} 条记于开始记录时间之前，按 git 提交时间计；"
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
