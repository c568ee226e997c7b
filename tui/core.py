"""The TUI's one door into `ledger/`: thin adapters that turn core results into plain rows for screens.

Every function here is called from a worker thread (`@work(thread=True)`), never from the event loop, and
none of them touches a file except through the core's own write path. Screens import nothing from
`ledger/` themselves; what they need (money formatting, the error base class) is re-exported here.
"""
from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ledger import billrun, history, periods, vcs
from ledger.books import Books
from ledger.errors import (BooksStateError, ExternallyChangedError, InputError, LockHeldError,  # noqa: F401
                           ValidationError, VcsError, WuyeError)
from ledger.money import ZERO, fmt, parse_amount
from ledger.openitems import item_lines, last_billed_period
from ledger.units import mask_name, mask_phone, unit_sort_key

__all__ = ["WuyeError", "InputError", "LockHeldError", "BooksStateError", "ExternallyChangedError",
           "ValidationError", "VcsError", "money", "open_books"]


def money(value: Decimal | None, blank_zero: bool = False) -> str:
    """¥1,234.50 (the one way the UI shows an amount)."""
    if value is None:
        return ""
    if blank_zero and value == 0:
        return ""
    return fmt(value, "¥")


def optional(module: str):
    """A core module that may not exist yet (payments, rates ...), or None."""
    try:
        return importlib.import_module(f"ledger.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"ledger.{module}":
            return None
        raise


# --- opening ------------------------------------------------------------------------------

def open_books(root: str | Path) -> Books:
    return Books(root)


def reload(books: Books) -> None:
    books.reload()


@dataclass
class Summary:
    name: str
    root: str
    head: str
    today: dt.date
    units: int


def summary(books: Books) -> Summary:
    return Summary(books.config.name, str(books.root), (books.head or "")[:8], books.today(), len(books.units))


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
    """ledger.openitems.unit_totals (outstanding, oldest open period, credit per unit) folded in SQL: the same
    figures without building one Python object per open item (640,000 of them on 5,000 x 60 books where
    nothing was paid). Adapter: belongs in ledger/openitems.py."""
    date_sql, args = (" AND date <= ?", (as_of.isoformat(),)) if as_of else ("", ())
    out: dict[str, dict] = {}
    rows = books.cache.q(
        "SELECT unit, SUM(s), MIN(CASE WHEN s > 0 THEN period END) FROM (SELECT unit, item, period, SUM(cents) AS s "
        f"FROM postings WHERE acct='ar'{date_sql} GROUP BY unit, item, period HAVING SUM(cents) != 0) GROUP BY unit",
        args)
    for u, cents, oldest in rows:
        out[u] = {"outstanding": Decimal(cents) / 100 if cents else ZERO, "oldest": oldest, "credit": ZERO}
    for u, cents in books.cache.q("SELECT unit, -SUM(cents) FROM postings WHERE acct='credit'" + date_sql +
                                  " GROUP BY unit HAVING SUM(cents) != 0", args):
        out.setdefault(u, {"outstanding": ZERO, "oldest": None, "credit": ZERO})["credit"] = Decimal(cents) / 100
    for row in out.values():
        row["outstanding"] = row["outstanding"].quantize(Decimal("0.01"))
        row["credit"] = row["credit"].quantize(Decimal("0.01"))
    return out


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
    """{unit: date of the last contact} once the contact log exists (issue 7); empty until then."""
    mod = optional("contacts")
    fn = getattr(mod, "last_contacts", None) if mod else None
    if fn:
        try:
            return {u: str(d) for u, d in fn(books).items()}
        except TypeError:
            return {}
    return {}


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
        lines.append(Line(ln.period, ln.item, fee.name if fee else ("违约金" if ln.item == "LATE" else ln.item),
                          ln.billed, ln.paid, ln.waived, ln.compensated, ln.written_off, ln.open, ln.status))
    from ledger.openitems import credit_balances, open_items

    today = books.today()
    credit = credit_balances(books.cache, u.unit, as_of=today).get(u.unit, ZERO)
    outstanding = sum(open_items(books.cache, unit=u.unit, as_of=today).values(), ZERO)
    return UnitDetail(u.unit, u.building, u.area, u.type, u.handover.isoformat() if u.handover else "", u.parking,
                      books.config.collector_of(u.building) or "", name, phone, reveal, outstanding, credit,
                      lines, receipts(books, u.unit))


def receipts(books: Books, uid: str) -> list[dict]:
    """The unit's payment transactions (receipt, date, channel, amount, voided) from the fact cache."""
    rows = books.cache.q(
        "SELECT t.id, t.date, t.op, t.receipt, t.channel, t.ref, t.meta FROM txns t "
        "WHERE t.unit=? AND t.op IN ('pay','void','refund') ORDER BY t.date, t.id", (uid,))
    out, voided = [], set()
    import json

    for tid, date, op, receipt, channel, ref, meta in rows:
        m = json.loads(meta or "{}")
        if op == "void" and m.get("voids"):
            voided.add(m["voids"])
        cents = books.cache.q("SELECT COALESCE(SUM(cents),0) FROM postings WHERE txn=? AND acct='money'", (tid,))
        out.append({"date": date, "op": op, "receipt": receipt or m.get("voids") or m.get("refunds") or "",
                    "channel": channel or "", "ref": ref or "", "amount": Decimal(cents[0][0]) / 100})
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
    rows = books.cache.q("SELECT period, SUM(cents) FROM postings WHERE op='bill' AND kind IS NULL "
                         "AND acct IN ('ar','dev') AND period BETWEEN ? AND ? GROUP BY period", (first, last))
    return {p: Decimal(c) / 100 for p, c in rows}


def _billed_items(books: Books, period: str) -> list[tuple[str, str, Decimal]]:
    rows = books.cache.q("SELECT item, SUM(cents) FROM postings WHERE op='bill' AND kind IS NULL "
                         "AND acct IN ('ar','dev') AND period=? GROUP BY item ORDER BY item", (period,))
    out = []
    for item, cents in rows:
        fee = books.config.fees.get(item)
        out.append((item, fee.name if fee else item, (Decimal(cents) / 100).quantize(Decimal("0.01"))))
    return out


def collections(books: Books, first: dt.date, last: dt.date) -> list[tuple[str, Decimal]] | None:
    """Money received per channel between two dates (payments net of voids and refunds), or None
    while the payments core does not exist."""
    if optional("payments") is None:
        return None
    rows = books.cache.q(
        "SELECT COALESCE(t.channel, (SELECT o.channel FROM txns o WHERE o.op='pay' "
        "AND o.receipt = json_extract(t.meta, '$.voids'))) AS ch, SUM(p.cents) "
        "FROM postings p JOIN txns t ON t.id = p.txn "
        "WHERE p.acct='money' AND t.op IN ('pay','void','refund') AND t.date BETWEEN ? AND ? "
        "GROUP BY ch ORDER BY ch", (first.isoformat(), last.isoformat()))
    return [(ch or "?", (Decimal(c) / 100).quantize(Decimal("0.01"))) for ch, c in rows]


def _rates(books: Books, period: str):
    """(当期收缴率, 清欠率, 综合, 户数) of the period as of today, and 当期收缴率 month by month for 12 months,
    from ledger/rates.py (None while it does not exist)."""
    mod = optional("rates")
    if mod is None:
        return None, None
    today = books.today()
    rates = mod.collection_rates(books, period, as_of=today).total.rates()
    now = {k: r.ratio for k, r in rates.items()}
    first = periods.add(period, -11)
    months = [(m, f.rates()["current"].ratio) for m, f in mod.monthly_rates(books, f"{first}..{period}", as_of=today)]
    return now, months


def dashboard(books: Books) -> Dashboard:
    today = books.today()
    this = periods.period_of(today)
    first = periods.add(this, -11)
    by_month = _billed_by_month(books, first, this)
    months = [(p, by_month.get(p, ZERO)) for p in periods.span(first, this)]
    items = _billed_items(books, this)
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
        history.operations(books.root, limit=8))


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
    return history.operations(books.root, limit=limit)


def config_diff(books: Books, sha: str) -> str:
    """The raw `git show` of config.yaml in one commit (empty when the commit did not touch it)."""
    return vcs.git(books.root, "show", "--format=", "--no-color", sha, "--", "config.yaml", check=False)


# --- amounts typed by the user -------------------------------------------------------------------

def parse_money(text: str, what: str = "amount") -> Decimal:
    return parse_amount(text, what)


# --- payments and corrections (ledger/payments.py, adjustments.py, latefees.py, receipts.py) --------

CHANNELS = ("cash", "bank", "wechat", "alipay", "pos", "autodebit")
KIND_ORDER = {"current": 0, "arrears": 1, "prepay": 2}


def unit_ids(books: Books) -> list[str]:
    return sorted(books.units, key=unit_sort_key)


def fee_items(books: Books) -> list[tuple[str, str]]:
    out = [(code, f.name) for code, f in sorted(books.config.fees.items(), key=lambda kv: kv[1].priority)]
    return out + [("LATE", "违约金")]


def today(books: Books) -> dt.date:
    return books.today()


@dataclass
class Effect:
    """What an operation does to one unit, shown before it is written."""
    unit: str
    amount: Decimal
    rows: list[tuple[str, str, str, str, Decimal]]  # item, item name, period, kind, amount settled (+) or added (-)
    to_credit: Decimal
    discount: Decimal
    outstanding_before: Decimal
    outstanding_after: Decimal
    credit_before: Decimal
    credit_after: Decimal
    receipt: str | None = None
    note: str = ""


def _item_name(books: Books, item: str) -> str:
    if item == "LATE":
        return "违约金"
    fee = books.config.fees.get(item)
    return fee.name if fee else item


def _balances(books: Books, unit: str) -> tuple[Decimal, Decimal]:
    from ledger.openitems import credit_balances, open_items

    owed = sum((a for a in open_items(books.cache, unit=unit).values()), ZERO)
    return owed, credit_balances(books.cache, unit=unit).get(unit, ZERO)


def effect_of(books: Books, unit: str, entry, amount: Decimal | None = None, receipt: str | None = None,
              discount: Decimal = ZERO) -> Effect:
    """The receivable and credit postings of an unwritten entry, as the change it makes to the unit."""
    from ledger import accounts as acc

    owed, credit = _balances(books, unit)
    rows, ar_change, credit_change = [], ZERO, ZERO
    for p in entry.postings:
        meta = p.meta or {}
        n = p.units.number
        if p.account == acc.receivable(unit) or (p.account == acc.DEVELOPER and meta.get("unit") == unit):
            if p.account == acc.receivable(unit):
                ar_change += n
            item = meta.get("item", "")
            rows.append((item, _item_name(books, item), str(meta.get("period", "")), str(meta.get("kind") or ""), -n))
        elif p.account == acc.credit(unit):
            credit_change -= n
    rows.sort(key=lambda r: (r[2], r[0]))
    return Effect(unit, amount if amount is not None else sum((r[4] for r in rows), ZERO), rows,
                  credit_change - discount if credit_change > 0 else ZERO, discount,
                  owed, owed + ar_change, credit, credit + credit_change, receipt)


@dataclass
class PaymentForm:
    unit: str
    amount: str
    channel: str
    date: str
    ref: str = ""
    payer: str = ""
    designated: str = ""
    prepay: bool = False


def _payment_args(form: PaymentForm) -> tuple[tuple, dict]:
    date = periods.parse_date(form.date, "date")
    return ((form.unit.strip().upper(), form.amount, form.channel, date),
            {"ref": form.ref.strip() or None, "payer": form.payer.strip() or None,
             "designated": form.designated.strip() or None, "prepay": form.prepay})


def payment_preview(books: Books, form: PaymentForm) -> Effect:
    from ledger import payments

    args, kw = _payment_args(form)
    plan = payments.plan_payment(books, *args, **kw)
    return effect_of(books, plan.unit, plan.entry, plan.amount, plan.receipt, plan.discount)


@dataclass
class PaymentDone:
    effect: Effect
    write: WriteDone
    receipt: str
    receipt_text: str


def payment_record(books: Books, form: PaymentForm) -> PaymentDone:
    from ledger import payments, receipts

    args, kw = _payment_args(form)
    before = _balances(books, args[0])
    plan, result = payments.record_payment(books, *args, **kw)
    eff = Effect(plan.unit, plan.amount,
                 [(p.item, _item_name(books, p.item), p.period, p.kind, p.amount) for p in plan.parts],
                 plan.to_credit, plan.discount, before[0], _balances(books, plan.unit)[0], before[1],
                 _balances(books, plan.unit)[1], plan.receipt)
    text = receipts.render_text(books, receipts.load_receipt(books, plan.receipt))
    return PaymentDone(eff, WriteDone(result.commit, result.message, result.files), plan.receipt, text)


def receipt_text(books: Books, number: str) -> str:
    from ledger import receipts

    return receipts.render_text(books, receipts.load_receipt(books, number))


def receipt_html_file(books: Books, number: str) -> str:
    """The printable HTML receipt, saved under the git-ignored .wuye/receipts/ for the browser to print."""
    from ledger import receipts, store

    html = receipts.render_html(books, receipts.load_receipt(books, number))
    path = books.root / ".wuye" / "receipts" / f"{number}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    store.write_atomic(path, html.encode("utf-8"))
    return str(path)


# corrections: each kind's fields, which are required, and the core functions behind it
ADJUST_FIELDS = {
    "waive": ("unit", "amount", "item", "period", "reason", "approved_by", "date"),
    "compensate": ("unit", "amount", "dispute", "mode", "channel", "reason", "approved_by", "date"),
    "refund": ("unit", "amount", "receipt", "channel", "reason", "date"),
    "void": ("receipt", "reason", "date"),
    "writeoff": ("unit", "periods", "reason", "approved_by", "date"),
    "latefees": ("date",),
}
ADJUST_REQUIRED = {
    "waive": ("unit", "amount", "item", "period", "reason", "approved_by"),
    "compensate": ("unit", "amount", "dispute", "reason", "approved_by"),
    "refund": ("unit", "channel", "reason"),
    "void": ("receipt", "reason"),
    "writeoff": ("unit", "periods", "reason", "approved_by"),
    "latefees": ("date",),
}


@dataclass
class LateFeeEffect:
    as_of: dt.date
    units: int
    total: Decimal
    lines: list[tuple[str, str, str, int, Decimal]]


def _date(values: dict, books: Books) -> dt.date:
    text = (values.get("date") or "").strip()
    return periods.parse_date(text, "date") if text else books.today()


def _periods_list(text: str) -> list[str]:
    return [p.strip() for p in (text or "").replace("，", ",").replace(" ", ",").split(",") if p.strip()]


def _missing(kind: str, values: dict) -> None:
    for name in ADJUST_REQUIRED[kind]:
        if not str(values.get(name) or "").strip():
            if kind == "refund" and name == "unit" and values.get("receipt"):
                continue
            raise InputError(f"{name.replace('_', '-')} is required")
    if kind == "refund" and not (values.get("amount") or values.get("receipt")):
        raise InputError("give an amount (refund from credit) or a receipt (refund that payment)")


def _unit_of_receipt(books: Books, receipt: str) -> str:
    rows = books.cache.q("SELECT unit FROM txns WHERE op='pay' AND receipt=?", (receipt.strip(),))
    if not rows:
        raise InputError(f"receipt {receipt} not found")
    return rows[0][0]


def adjust_preview(books: Books, kind: str, values: dict):
    """Validate through the core's own entry builders and show the effect; nothing is written."""
    from ledger import adjustments, latefees, payments

    _missing(kind, values)
    date = _date(values, books)
    v = {k: (str(x).strip() if isinstance(x, str) else x) for k, x in values.items()}
    if kind == "latefees":
        plan = latefees.plan_late_fees(books, date)
        return LateFeeEffect(date, len(plan.entries), plan.total, plan.lines)
    if kind == "waive":
        e = adjustments.waive_entry(books, v["unit"], v["amount"], v["item"], v["period"], v["reason"],
                                    v["approved_by"], date)
        return effect_of(books, e.meta["unit"], e)
    if kind == "compensate":
        e = adjustments.compensation_entry(books, v["unit"], v["amount"], v["reason"], v["dispute"],
                                           v["approved_by"], v.get("mode") or "offset", v.get("channel") or "cash", date)
        return effect_of(books, e.meta["unit"], e, Decimal(e.postings[0].units.number))
    if kind == "writeoff":
        e = adjustments.writeoff_entry(books, v["unit"], _periods_list(v["periods"]), v["reason"], v["approved_by"], date)
        return effect_of(books, e.meta["unit"], e)
    if kind == "void":
        e = payments.reversal(books, v["receipt"], date, "void", v["reason"])
        return effect_of(books, e.meta["unit"], e, receipt=v["receipt"])
    if kind == "refund":
        if v.get("receipt"):
            e = payments.reversal(books, v["receipt"], date, "refund", v["reason"], v.get("channel") or "cash")
            if v.get("unit") and books.unit(v["unit"]).unit != e.meta["unit"]:
                raise InputError(f"receipt {v['receipt']} belongs to {e.meta['unit']}, not {v['unit']}")
            return effect_of(books, e.meta["unit"], e, receipt=v["receipt"])
        u = books.unit(v["unit"])
        value = parse_amount(v["amount"], "amount")
        payments.check_date(books, date)
        owed, credit = _balances(books, u.unit)
        if value > credit:
            raise InputError(f"{u.unit} has {fmt(credit)} credit; cannot refund {fmt(value)}")
        return Effect(u.unit, value, [], ZERO, ZERO, owed, owed, credit, credit - value,
                      note="refund from credit")
    raise InputError(f"unknown operation {kind}")


def adjust_write(books: Books, kind: str, values: dict) -> WriteDone:
    from ledger import adjustments, latefees, payments

    _missing(kind, values)
    date = _date(values, books)
    v = {k: (str(x).strip() if isinstance(x, str) else x) for k, x in values.items()}
    if kind == "latefees":
        _plan, result = latefees.assess(books, date)
        if result is None:
            raise InputError(f"no late fees accrued to {date}; nothing written")
    elif kind == "waive":
        _e, result = adjustments.waive(books, v["unit"], v["amount"], v["item"], v["period"], v["reason"],
                                       v["approved_by"], date)
    elif kind == "compensate":
        _e, result = adjustments.compensate(books, v["unit"], v["amount"], v["reason"], v["dispute"], v["approved_by"],
                                            v.get("mode") or "offset", v.get("channel") or "cash", date)
    elif kind == "writeoff":
        _e, result = adjustments.writeoff(books, v["unit"], _periods_list(v["periods"]), v["reason"],
                                          v["approved_by"], date)
    elif kind == "void":
        _e, result = payments.void(books, v["receipt"], v["reason"], date)
    elif kind == "refund":
        unit = v.get("unit") or _unit_of_receipt(books, v["receipt"])
        _e, result = payments.refund(books, unit, v.get("amount") or None, v.get("channel") or "cash", v["reason"],
                                     date, v.get("receipt") or None)
    else:
        raise InputError(f"unknown operation {kind}")
    return WriteDone(result.commit, result.message, result.files)


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
    from ledger import reports

    as_of = _spec_date(books, spec)
    period = (spec.period or "").strip() or default_report_period(books)
    by = spec.by or None
    if spec.kind == "rates":
        return reports.rates_report(books, period, as_of, by), ()
    if spec.kind == "arrears":
        from ledger import aging

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
    from ledger import export, reports, targets

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
    from ledger import export, limitation, reports

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
    from ledger.stages import STAGES

    return STAGES[stage][1] if stage in STAGES else ""


def report_view(books: Books, spec: ReportSpec) -> ReportView:
    from ledger import reports

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
    from ledger import export, reports, store

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


# --- collection: contacts, disputes, stages, notices, statements (issue 7) -------------------------

CONTACT_CHANNELS = ("phone", "sms", "wechat", "letter", "visit", "committee", "lawyer")
DISPUTE_CATEGORIES = ("cleaning", "leak", "noise", "parking", "security", "other")


@dataclass
class UnitFlags:
    dispute: str | None  # open dispute id
    broken: bool  # an open broken payment promise
    stage: str  # escalation stage label ('' when none)
    stage_rank: int


def unit_flags(books: Books) -> dict[str, UnitFlags]:
    """Per unit: open dispute (disputes.disputed_units), open broken promise (contacts.broken_promises_by_unit)
    and escalation stage (stages.events + stages.derive, the rule of stages.current_stages) - computed only for
    the units that have collection events, so 5,000 units without any stay fast (adapter: current_stages and
    the promises walk every open charge of the books)."""
    from ledger import contacts, disputes, stages

    today = books.today()
    disp = disputes.disputed_units(books, today)
    has_promise = books.cache.q("SELECT 1 FROM customs WHERE type=? AND meta LIKE '%promise-date%' AND date<=? "
                                "LIMIT 1", (contacts.CONTACT, today.isoformat()))
    broken = set()
    if has_promise:
        broken = {u for u, ps in contacts.broken_promises_by_unit(books, today).items() if any(p.open for p in ps)}
    evs = stages.events(books, as_of=today)
    st: dict[str, stages.StageEvent] = {}
    if evs:
        totals = unit_totals_sql(books, today)
        for u, unit_events in evs.items():
            oldest = (totals.get(u) or {}).get("oldest")
            if not oldest:
                continue  # nothing open: no stage
            since = periods.start(oldest)
            cur = stages.derive([e for e in unit_events if e.date >= since])
            if cur is not None:
                st[u] = cur
    out = {}
    for u in set(disp) | broken | set(st):
        cur = st.get(u)
        out[u] = UnitFlags(disp[u]["id"] if u in disp else None, u in broken, cur.label if cur else "",
                           cur.rank if cur else 0)
    return out


@dataclass
class CollectionInfo:
    unit: str
    stage: str
    stage_since: str
    disputes: list[dict]  # open and closed, newest first
    contacts: list  # ledger.contacts.Contact, newest first
    promises: dict  # (date, channel) of a promise contact -> status
    payers: list[str]
    aliases: list[str]
    notices: list[tuple[str, str]]


def collection_info(books: Books, uid: str) -> CollectionInfo:
    """The unit's collection file: stage (the rule of stages.current_stages, for this unit only), disputes,
    contact log newest first with each promise's status (contacts.promises), payers, aliases, notices."""
    from ledger import contacts, disputes, notices, stages

    u = books.unit(uid)
    today = books.today()
    stage, since = "", ""
    row = books.cache.q("SELECT MIN(period) FROM (SELECT period, SUM(cents) AS s FROM postings WHERE acct='ar' "
                        "AND unit=? AND date<=? GROUP BY item, period HAVING s > 0)", (u.unit, today.isoformat()))
    oldest = row[0][0] if row else None
    if oldest:
        start = periods.start(oldest)
        cur = stages.derive([e for e in stages.events(books, u.unit, today).get(u.unit, []) if e.date >= start])
        if cur is not None:
            stage, since = cur.label, str(cur.date)
    ds = [d.as_dict(today) for d in disputes.load_disputes(books, today).values() if d.unit == u.unit]
    ds.sort(key=lambda d: (not d["open"], str(d["opened"])))
    cs = list(reversed(contacts.load_contacts(books, u.unit, today)))
    proms = {}
    if any(c.promise_date for c in cs):  # the promises walk all arrears of the books: only when needed
        proms = {(p.contact.date, p.contact.lineno): p.status for p in contacts.promises(books, today, u.unit)}
    return CollectionInfo(u.unit, stage, since, ds, cs, proms, payers(books, u.unit), aliases(books, u.unit),
                          [(str(d), doc) for d, _u, doc in notices.issued_notice_ids(books, u.unit)])


def payers(books: Books, uid: str) -> list[str]:
    """Distinct (masked) payers recorded on the unit's payments (meta `payer`), newest first."""
    import json

    out: list[str] = []
    for (meta,) in books.cache.q("SELECT meta FROM txns WHERE unit=? AND op='pay' ORDER BY date DESC, id DESC", (uid,)):
        p = json.loads(meta or "{}").get("payer")
        if p and p not in out:
            out.append(str(p))
    return out


def aliases(books: Books, uid: str) -> list[str]:
    """The import layer's payer aliases for the unit (kind + masked display; keys are hashed)."""
    import json

    out = []
    for (vals,) in books.cache.q("SELECT vals FROM customs WHERE type='wuye-alias' ORDER BY date"):
        v = json.loads(vals)
        if len(v) >= 4 and v[2] == uid:
            label = f"{v[0]} {v[3]}"
            if label not in out:
                out.append(label)
    return out


def default_collector(books: Books) -> str:
    return books.collector()


@dataclass
class CollectPreview:
    kind: str
    unit: str
    text: str  # the directive(s) as they will be written
    note: str = ""
    html: str | None = None


def _opt_date(values: dict, name: str) -> dt.date | None:
    text = (values.get(name) or "").strip()
    return periods.parse_date(text, name.replace("_", "-")) if text else None


def _collect_entries(books: Books, kind: str, v: dict):
    from ledger import contacts, disputes

    unit = (v.get("unit") or "").strip().upper()
    if kind == "contact":
        e = contacts.contact_entry(books, unit, v.get("channel") or "", v.get("outcome") or "",
                                   date=_opt_date(v, "date"), by=(v.get("by") or "").strip() or None,
                                   promise_date=_opt_date(v, "promise_date"),
                                   promise_amount=(v.get("promise_amount") or "").strip() or None,
                                   proof=(v.get("proof") or "").strip() or None,
                                   acknowledged=bool(v.get("acknowledged")))
        note = "interrupts" if e.meta.get("interrupts") else ""
        return [e], note
    if kind == "dispute":
        e = disputes.open_entry(books, unit, v.get("category") or "", (v.get("claim") or "").strip() or None,
                                (v.get("note") or "").strip() or None, _opt_date(v, "date"),
                                (v.get("by") or "").strip() or None)
        return [e], ""
    raise InputError(f"unknown operation {kind}")


def collect_preview(books: Books, kind: str, values: dict) -> CollectPreview:
    """Validate through the core's own entry builders (phone numbers and names refused there)."""
    from ledger import beans

    if kind == "notice":
        run = _notice_run(books, values, dry_run=True)
        n = run.notices[0]
        lines = [f"{ln.period} {ln.item} {ln.name}  {fmt(ln.open)}  ({ln.overdue_days}d)" for ln in n.lines]
        text = "\n".join(lines + [f"合计 {fmt(n.total)}   限 {n.deadline.isoformat()} 前缴纳"])
        return CollectPreview(kind, n.unit, text, f"{len(n.lines)}")
    entries, note = _collect_entries(books, kind, values)
    return CollectPreview(kind, (values.get("unit") or "").upper(), beans.render(entries), note)


def _notice_run(books: Books, v: dict, dry_run: bool):
    from ledger import notices

    days = (v.get("deadline_days") or "").strip()
    try:
        ndays = int(days) if days else notices.DEFAULT_DEADLINE_DAYS
    except ValueError:
        raise InputError(f"deadline days '{days}' is not a number") from None
    return notices.issue_notices(books, _opt_date(v, "date") or books.today(), unit=(v.get("unit") or "").strip(),
                                 deadline_days=ndays, dry_run=dry_run,
                                 by=(v.get("by") or "").strip() or None)


@dataclass
class CollectDone:
    kind: str
    write: WriteDone
    ident: str = ""  # dispute id / notice doc id
    path: str = ""  # notice HTML saved


def collect_write(books: Books, kind: str, values: dict) -> CollectDone:
    from ledger import contacts, disputes

    if kind == "notice":
        run = _notice_run(books, values, dry_run=False)
        doc = run.notices[0].doc
        path = _save_private(books, "notices", f"{doc}.html", run.html)
        r = run.result
        return CollectDone(kind, WriteDone(r.commit, r.message, r.files), doc, path)
    if kind == "contact":
        entries, _ = _collect_entries(books, kind, values)  # validated again before writing
        e = entries[0]
        from ledger.collection import write_entries

        r = write_entries(books, [e], contacts.contact_message([e]))
        return CollectDone(kind, WriteDone(r.commit, r.message, r.files))
    if kind == "dispute":
        v = values
        did, r = disputes.open_dispute(books, (v.get("unit") or "").strip().upper(), v.get("category") or "",
                                       (v.get("claim") or "").strip() or None, (v.get("note") or "").strip() or None,
                                       _opt_date(v, "date"), (v.get("by") or "").strip() or None)
        return CollectDone(kind, WriteDone(r.commit, r.message, r.files), did)
    raise InputError(f"unknown operation {kind}")


def _save_private(books: Books, folder: str, name: str, text: str) -> str:
    """A printout under the git-ignored .wuye/<folder>/ (never tracked)."""
    from ledger import store

    path = books.root / ".wuye" / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    store.write_atomic(path, text.encode("utf-8"))
    return str(path)


def statement_html_file(books: Books, uid: str) -> str:
    """The printable owner statement (statement.render_html), saved under .wuye/statements/."""
    from ledger import statement

    u = books.unit(uid)
    today = books.today()
    html = statement.render_html(books, statement.statement(books, u.unit, today))
    return _save_private(books, "statements", f"{u.unit}-{today.isoformat()}.html", html)


# --- collector's own list (targets_report) ---------------------------------------------------------

@dataclass
class CollectorView:
    name: str
    period: str
    as_of: str
    units: int
    charged: Decimal
    collected: Decimal
    rate: Decimal | None
    target_rate: Decimal | None
    target_amount: Decimal | None
    amount_gap: Decimal | None
    rate_met: bool | None
    to_visit: list[dict]


def collector_view(books: Books, name: str, period: str | None = None) -> CollectorView:
    from ledger import targets

    period = period or periods.period_of(books.today())
    d = targets.targets_report(books, period)
    for c in d["collectors"]:
        if c["collector"] == name:
            dec = lambda x: Decimal(x) if x is not None else None  # noqa: E731
            return CollectorView(name, d["period"], d["as_of"].isoformat(), c["units"], Decimal(c["charged"]),
                                 Decimal(c["collected"]), dec(c["rate"]), dec(c["target_rate"]),
                                 dec(c["target_amount"]), dec(c["amount_gap"]), c["rate_met"],
                                 [dict(v, stage_label=_stage_label(v["stage"])) for v in c["to_visit"]])
    raise InputError(f"unknown collector '{name}'")


# --- import (importers/booking.py, importers/queue.py) -----------------------------------------------

def split_paths(text: str) -> list[str]:
    return [p.strip().strip('"') for p in (text or "").replace("\n", ";").split(";") if p.strip()]


def _check_import_paths(paths: list[str]) -> list[str]:
    if not paths:
        raise InputError("pick at least one export file")
    out = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.is_file():
            raise InputError(f"{p}: no such file")
        out.append(str(path))
    return out


def _parse_error(exc):
    from importers.records import ParseError

    if isinstance(exc, ParseError):
        return InputError(f"import refused, nothing imported: {exc}")
    return exc


def import_preview(books: Books, paths: list[str]):
    """importers.booking.preview_import: the plan (payments, duplicates, queued, skipped); writes nothing."""
    from importers.booking import preview_import

    paths = _check_import_paths(paths)
    try:
        return preview_import(books, paths)
    except Exception as exc:  # ParseError is not a WuyeError: shown as an input error
        raise _parse_error(exc) from exc


def import_run(books: Books, paths: list[str]):
    """importers.booking.run_import: everything in one commit -> (plan, WriteDone | None)."""
    from importers.booking import run_import

    paths = _check_import_paths(paths)
    try:
        plan, result = run_import(books, paths)
    except Exception as exc:
        raise _parse_error(exc) from exc
    return plan, (WriteDone(result.commit, result.message, result.files) if result else None)


def queue_items(books: Books) -> list:
    from importers.queue import list_queue

    return list_queue(books)


def suggestion_unit(books: Books, text: str) -> str | None:
    """The unit a queue suggestion names (its first word), when it is a registered unit."""
    first = (text or "").split(" ", 1)[0].strip()
    return first if first in books.units else None


@dataclass
class AssignDone:
    queue_id: str
    unit: str
    receipt: str | None
    amount: Decimal
    summary: str
    learned: list[str]
    write: WriteDone


def queue_assign(books: Books, queue_id: str, unit: str, designated: str = "") -> AssignDone:
    from importers.queue import assign

    unit = (unit or "").strip().upper()
    if not unit:
        raise InputError("type a unit or pick a suggestion")
    ap, r = assign(books, queue_id, unit, designated.strip() or None)
    return AssignDone(ap.item.id, ap.unit, ap.receipt, ap.item.amount, ap.summary, ap.learned,
                      WriteDone(r.commit, r.message, r.files))
