"""Message texts for SMS and WeChat groups, from config.templates, exported as a private CSV.

This is the only place owner names and phone numbers (owners.private.csv) are filled in. The CSV is
written with mode 0600, outside the books' git tree (a path inside the books folder is refused unless
git ignores it), and every cell is neutralised against spreadsheet formula injection.

A template that uses {name}, {unit} or {amount}-per-unit placeholders gives one row per unit in arrears;
a template using {building} and {count} but not {unit}/{name} gives one row per building (group
messages carry no names). Placeholders:
  {name} owner's full name   {unit}   {building}   {as_of}   {amount} overdue total
  {periods} overdue periods (2024-01至2024-06)   {deadline}   {office_phone}
  {count} units in arrears in the building   {period} the period named by --period (default: the
  last period due on as_of)
Units with an open dispute are held out, as from batch notices.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import string
from pathlib import Path

from ledger.basics import periods
from ledger.books import git as vcs
from ledger.collection.common import arrears_by_unit, batch_units, compress_periods
from ledger.collection.disputes import disputed_units
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO, plain

UNIT_KEYS = {"name", "unit"}
KNOWN = {"name", "unit", "building", "as_of", "amount", "periods", "deadline", "office_phone", "count", "period"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(_FORMULA) else s


def placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def render_messages(books, template_name: str, as_of: dt.date, building: str | None = None,
                    overdue_days: int | None = None, deadline_days: int = 15,
                    period: str | None = None) -> tuple[list[dict], dict[str, dict]]:
    """(rows, held_out). Rows carry the filled text and, per unit, the owner's name and phone."""
    tpl = books.config.templates.get(template_name)
    if tpl is None:
        if not books.config.templates:
            raise InputError("template_none", template=template_name)
        raise InputError("template_unknown", template=template_name, have=", ".join(sorted(books.config.templates)))
    keys = placeholders(tpl)
    unknown = keys - KNOWN
    if unknown:
        raise InputError("template_placeholders", template=template_name, names=", ".join(sorted(unknown)))
    period = periods.parse_period(period) if period else periods.period_of(as_of.replace(day=1) - dt.timedelta(days=1))
    owing = arrears_by_unit(books, as_of)
    disputed = disputed_units(books, as_of)
    chosen, held = batch_units(books, owing, disputed, building, overdue_days)
    common = {"as_of": as_of.isoformat(), "deadline": (as_of + dt.timedelta(days=deadline_days)).isoformat(),
              "office_phone": books.config.office.get("phone", ""), "period": period}
    rows = []
    per_unit = bool(keys & UNIT_KEYS) or "building" not in keys
    if per_unit:
        owners = books.owners()
        for uid in chosen:
            u, ua = books.units[uid], owing[uid]
            o = owners.get(u.owner_id)
            name = (o.name if o and o.name else "业主")
            vals = dict(common, name=name, unit=uid, building=u.building, amount=plain(ua.total),
                        periods=compress_periods([c.period for c in ua.charges]), count=1)
            rows.append({"unit": uid, "building": u.building, "name": name, "phone": (o.phone if o else ""),
                         "amount": plain(ua.total), "text": tpl.format_map(vals)})
    else:
        by_b: dict[str, list[str]] = {}
        for uid in chosen:
            if any(c.period <= period for c in owing[uid].charges):
                by_b.setdefault(books.units[uid].building, []).append(uid)
        for b, uids in sorted(by_b.items()):
            amount = sum((owing[x].total for x in uids), ZERO)
            vals = dict(common, building=b, count=len(uids), amount=plain(amount),
                        periods=compress_periods([c.period for x in uids for c in owing[x].charges]))
            rows.append({"building": b, "count": len(uids), "amount": plain(amount), "text": tpl.format_map(vals)})
    return rows, held


def check_output_path(books, output: str | Path) -> Path:
    """Refuse a path inside the books folder unless git ignores it (names must never reach git)."""
    path = Path(output).expanduser().resolve()
    try:
        rel = path.relative_to(books.root)
    except ValueError:
        return path
    if not vcs.git(books.root, "check-ignore", "--", str(rel), check=False).strip():
        raise InputError(f"{output} is inside the books folder and not git-ignored; the file holds owners' names "
                         "and phones: write it outside the books (or to a git-ignored path)")
    return path


def write_csv(books, rows: list[dict], output: str | Path) -> Path:
    path = check_output_path(books, output)
    if not rows:
        raise InputError("nothing_to_export")
    fields = list(rows[0].keys())
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(fields)
    for r in rows:
        w.writerow([safe_cell(r.get(f)) for f in fields])
    data = ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel/WPS open UTF-8 correctly
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    return path
