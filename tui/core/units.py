"""Units, unit detail, dashboard, billing and history: read adapters for the main screens.

Called from worker threads only (see tui/core/__init__.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ledger.billing import run as billrun
from ledger.collection import contacts
from ledger.books import facts, history, git as vcs
from ledger.basics import periods
from ledger.reports import rates as rates_mod
from ledger.books.folder import Books
from ledger.basics.labels import label
from ledger.basics.money import ZERO
from ledger.reports.openitems import item_lines, last_billed_period, unit_totals
from ledger.community.units import mask_name, mask_phone, unit_sort_key

from .common import Summary, summary  # noqa: F401
if TYPE_CHECKING:
    from .collect import UnitFlags


# --- units ------------------------------------------------------------------------------

@dataclass
class UnitRow:
    unit: str
    building: str
    area: Decimal
    type: str
    outstanding: Decimal
    credit: Decimal
    oldest: str | None
    age_months: int  # months from the oldest open period to this month (0 when none)
    collector: str
    last_contact: str | None
    sort_key: tuple
    dispute: str | None = None  # filled by apply_flags (unit_flags)
    broken: bool = False
    stage: str = ""
    stage_rank: int = 0


def apply_flags(rows: list[UnitRow], flags: dict[str, "UnitFlags"]) -> None:
    for r in rows:
        f = flags.get(r.unit)
        r.dispute, r.broken, r.stage, r.stage_rank = (f.dispute, f.broken, f.stage, f.stage_rank) if f else \
            (None, False, "", 0)


def unit_totals_sql(books: Books, as_of: dt.date | None = None) -> dict[str, dict]:
    """Outstanding, oldest open period and credit per unit (ledger.openitems.unit_totals)."""
    return unit_totals(books.cache, as_of)


def _months_between(first: str, last: str) -> int:
    return (int(last[:4]) * 12 + int(last[5:7])) - (int(first[:4]) * 12 + int(first[5:7]))


def unit_rows(books: Books) -> list[UnitRow]:
    """Every unit with its balances, from one pass over the open items (fast on 5,000 units)."""
    totals = unit_totals_sql(books, as_of=books.today())  # bills of later months are not arrears yet
    this = periods.period_of(books.today())
    contacts = last_contacts(books)
    out = []
    for u in books.units.values():
        tot = totals.get(u.unit, {})
        oldest = tot.get("oldest")
        out.append(UnitRow(u.unit, u.building, u.area, u.type, tot.get("outstanding", ZERO), tot.get("credit", ZERO),
                           oldest, _months_between(oldest, this) if oldest else 0,
                           books.config.collector_of(u.building) or "", contacts.get(u.unit),
                           unit_sort_key(u.unit)))
    out.sort(key=lambda r: r.sort_key)
    return out


def last_contacts(books: Books) -> dict[str, str]:
    """{unit: date of the last contact} from the contact log."""
    return {u: str(d) for u, d in contacts.last_contacts(books).items()}


def collectors(books: Books) -> list[str]:
    return [c.name for c in books.config.collectors]


def buildings(books: Books) -> list[str]:
    return sorted({u.building for u in books.units.values()}, key=lambda b: (not b.isdigit(), b.zfill(4)))


# --- unit detail ---------------------------------------------------------------------------

@dataclass
class Line:
    period: str
    item: str
    item_name: str
    billed: Decimal
    paid: Decimal
    waived: Decimal
    compensated: Decimal
    written_off: Decimal
    open: Decimal
    status: str


@dataclass
class UnitDetail:
    unit: str
    building: str
    area: Decimal
    type: str
    handover: str
    parking: int
    collector: str
    owner_name: str
    owner_phone: str
    revealed: bool
    outstanding: Decimal
    credit: Decimal
    lines: list[Line]
    receipts: list[dict] = field(default_factory=list)


def unit_detail(books: Books, uid: str, reveal: bool = False) -> UnitDetail:
    u = books.unit(uid)
    owner = books.owners().get(u.owner_id) if u.owner_id else None
    name, phone = (owner.name, owner.phone) if owner else ("", "")
    if not reveal:
        name, phone = mask_name(name), mask_phone(phone)
    lines = []
    for ln in item_lines(books.cache, u.unit):
        fee = books.config.fees.get(ln.item)
        lines.append(Line(ln.period, ln.item, fee.name if fee else label("item", ln.item),
                          ln.billed, ln.paid, ln.waived, ln.compensated, ln.written_off, ln.open, ln.status))
    bal = facts.unit_balances(books.cache, books.today(), u.unit).get(u.unit) or facts.UnitBalance(u.unit)
    credit, outstanding = bal.credit, bal.outstanding  # 欠费: due and unpaid (the unit list's figure)
    return UnitDetail(u.unit, u.building, u.area, u.type, u.handover.isoformat() if u.handover else "", u.parking,
                      books.config.collector_of(u.building) or "", name, phone, reveal, outstanding, credit,
                      lines, receipts(books, u.unit))


def receipts(books: Books, uid: str) -> list[dict]:
    """The unit's payment transactions (receipt, date, channel, amount, voided) from the fact cache."""
    txns = facts.unit_txns(books.cache, uid, ops=("pay", "void", "refund"))
    sums = facts.txn_amounts(books.cache, [t.id for t in txns])
    out, voided = [], set()
    for t in txns:
        m = t.meta
        if t.op == "void" and m.get("voids"):
            voided.add(m["voids"])
        amount = sums.get(t.id, {}).get("money", ZERO)  # as the payer paid: fee legs are not money in
        out.append({"date": t.date, "op": t.op, "receipt": t.receipt or m.get("voids") or m.get("refunds") or "",
                    "channel": t.channel or "", "ref": t.ref or "", "amount": amount})
    for r in out:
        r["voided"] = r["op"] == "pay" and r["receipt"] in voided
    return out


# --- dashboard -------------------------------------------------------------------------------

@dataclass
class Dashboard:
    summary: Summary
    period: str
    billed_items: list[tuple[str, str, Decimal]]  # (code, name, amount) this month
    billed_total: Decimal
    months: list[tuple[str, Decimal]]  # last 12 months billed
    collected_today: list[tuple[str, Decimal]] | None  # by channel; None until payments exist
    collected_month: list[tuple[str, Decimal]] | None
    rates: dict[str, Decimal | None] | None  # None until ledger/rates.py exists
    rate_months: list[tuple[str, Decimal | None]] | None
    largest: list[tuple[str, Decimal, str | None]]
    oldest: list[tuple[str, Decimal, str | None]]
    arrears_units: int
    arrears_total: Decimal
    credit_total: Decimal
    import_queue: int | None
    ops: list[history.Operation]


def _billed_by_month(books: Books, first: str, last: str) -> dict[str, Decimal]:
    return facts.billed_by_period(books.cache, first, last)


def _receivable_items(books: Books, period: str) -> list[tuple[str, str, Decimal]]:
    """本月应收 by item: the rates' 当期应收 (charges less waived, compensated, prepayment discount), so
    the dashboard total is the rates' figure (late fees and pass-through items are in neither)."""
    table = rates_mod.collection_rates(books, period, as_of=books.today(), by="item")
    out = []
    for item, f in table.groups.items():
        fee = books.config.fees.get(item)
        if f.receivable:
            out.append((item, fee.name if fee else item, f.receivable))
    return out


def collections(books: Books, first: dt.date, last: dt.date) -> list[tuple[str, Decimal]] | None:
    """Receipts dated between two dates per channel, as the payer paid them (channel-fee legs left out;
    an assigned queue item counts when it is assigned); voids and refunds dated in the range on their
    own lines ('void', 'refund'), never netted into a channel's takings."""
    sums: dict[str, Decimal] = {}
    for t in facts.takings(books.cache, first, last):
        key = t.channel if t.op == "pay" else t.op
        sums[key] = sums.get(key, ZERO) + t.amount
    pays = sorted(k for k in sums if k not in ("void", "refund"))
    return [(k, sums[k]) for k in pays + [k for k in ("void", "refund") if k in sums]]


def _rates(books: Books, period: str):
    """(当期收缴率, 清欠率, 综合, 户数) of the period as of today, and 当期收缴率 month by month for 12 months,
    from ledger/rates.py."""
    today = books.today()
    first = periods.add(period, -11)
    monthly = rates_mod.monthly_rates(books, f"{first}..{period}", as_of=today)
    # a month of monthly_rates is collection_rates(books, month, as_of).total by its definition: one read
    now = {k: r.ratio for k, r in monthly[-1][1].rates().items()}
    months = [(m, f.rates()["current"].ratio) for m, f in monthly]
    return now, months


def dashboard(books: Books) -> Dashboard:
    today = books.today()
    this = periods.period_of(today)
    first = periods.add(this, -11)
    by_month = _billed_by_month(books, first, this)
    months = [(p, by_month.get(p, ZERO)) for p in periods.span(first, this)]
    items = _receivable_items(books, this)
    totals = unit_totals_sql(books, as_of=today)
    owing = [(u, v["outstanding"], v["oldest"]) for u, v in totals.items() if v["outstanding"] > 0]
    largest = sorted(owing, key=lambda r: (-r[1], unit_sort_key(r[0])))[:10]
    oldest = sorted(owing, key=lambda r: (r[2] or "9999", -r[1]))[:10]
    rates, rate_months = _rates(books, this)
    return Dashboard(
        summary(books), this, items, sum((a for _, _, a in items), ZERO), months,
        collections(books, today, today), collections(books, periods.start(this), today),
        rates, rate_months, largest, oldest, len(owing), sum((r[1] for r in owing), ZERO),
        sum((v["credit"] for v in totals.values()), ZERO), import_queue_count(books),
        history.operations(books.root, limit=8, cache=books.cache))


def import_queue_count(books: Books) -> int | None:
    """Open items of the import queue (importers.queue.list_queue); None if the importers are missing."""
    try:
        from importers.queue import list_queue
    except ImportError:
        return None
    return len(list_queue(books))


# --- billing ---------------------------------------------------------------------------------

@dataclass
class BillPreview:
    periods: list[str]
    units: int
    totals: list[tuple[str, str, Decimal]]
    total: Decimal
    developer_total: Decimal
    credit_applied: Decimal
    credit_units: int
    already: list[str]
    refused: list[str]
    entries: int
    message: str


def default_bill_period(books: Books) -> str:
    """The month after the last one billed (the books' first month when nothing is billed yet)."""
    last = last_billed_period(books.cache)
    if last is None:
        return periods.period_of(books.config.books_start)
    return periods.add(last, 1)


def parse_periods(first: str, last: str = "") -> list[str]:
    first, last = (first or "").strip(), (last or "").strip()
    if last:
        return billrun.period_args(None, first, last)
    return billrun.period_args(first or None, None, None)


def _preview(books: Books, plan) -> BillPreview:
    totals = []
    for code, amount in sorted(plan.totals.items()):
        fee = books.config.fees.get(code)
        totals.append((code, fee.name if fee else code, amount))
    return BillPreview(list(plan.periods), len(plan.units_billed), totals, plan.total, plan.developer_total,
                       plan.credit_applied,
                       plan.credit_units if isinstance(plan.credit_units, int) else len(plan.credit_units),
                       list(plan.already), list(plan.refused),
                       len(plan.entries), plan.message())


def bill_preview(books: Books, period_list: list[str]) -> BillPreview:
    return _preview(books, billrun.preview_bill(books, period_list))


@dataclass
class WriteDone:
    commit: str
    message: str
    files: tuple[str, ...]


def bill_run(books: Books, period_list: list[str]) -> tuple[BillPreview, WriteDone | None]:
    plan, result = billrun.run_bill(books, period_list)
    done = WriteDone(result.commit, result.message, result.files) if result else None
    return _preview(books, plan), done


# --- history -----------------------------------------------------------------------------------

def operations(books: Books, limit: int = 200) -> list[history.Operation]:
    return history.operations(books.root, limit=limit, cache=books.cache)


def config_diff(books: Books, sha: str) -> str:
    """The raw `git show` of config.yaml in one commit (empty when the commit did not touch it)."""
    return vcs.git(books.root, "show", "--format=", "--no-color", sha, "--", "config.yaml", check=False)


