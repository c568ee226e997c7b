"""催缴通知书: printable HTML notices, one page per unit, each issued notice logged as a contact.

- Arrears listed are the charges *due* on the notice date (due date = last day of the period month,
  due < notice date), itemised by period and item with what was billed and settled (openitems.item_lines).
- Late fees appear only when a late-fee policy is in force on the notice date (config.late_fee_policy):
  posted late fees are ordinary open items (item LATE); what has accrued since the last assessment is
  shown as information, computed by ledger/latefees.plan_late_fees, never added to the total.
- The owner's name is masked (张*): a printed notice may be seen by others. Full names appear only in
  exported messages (ledger/messages.py).
- Document ids CJ<year>-NNNNNN are sequential per year of the notice date; each issued notice is a
  `wuye-contact` (channel letter, doc id, interrupts FALSE: a printed notice is not yet a proven
  delivery; log the delivery proof later with `wuye contact UNIT --channel letter --doc ID --proof ...`).
  A batch is one commit.
- Batch notices (--building / --overdue-days) hold out units with an open dispute and say which.
- PDF: not produced. No well-kept pure-Python HTML->PDF library is installed (weasyprint needs
  system libraries, reportlab/fpdf2 are not in the environment); the HTML is laid out for A4 and
  "print to PDF" from any browser gives the PDF.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.books import numbering
from ledger.basics import periods
from ledger.collection.common import arrears_by_unit, batch_units, check_date, compress_periods, customs
from ledger.books.plan import Plan, appending
from ledger.community.config import LATE_FEE_ITEM
from ledger.collection.contacts import CONTACT
from ledger.collection.disputes import disputed_units
from ledger.basics.errors import InputError, WuyeError
from ledger.basics.labels import ITEMS, label
from ledger.basics.money import ZERO, plain
from ledger.reports.openitems import credit_balances, item_lines
from ledger.community.units import mask_name
from ledger.community.privacy import clean_text
from ledger.documents.render import render

DOC_PREFIX = "CJ"
DEFAULT_DEADLINE_DAYS = 15
COUNTER_CHANNELS = ("cash", "pos", "wechat", "alipay")  # what the office takes at its counter


@dataclass
class NoticeLine:
    period: str
    item: str
    name: str
    billed: Decimal
    settled: Decimal
    open: Decimal
    overdue_days: int


@dataclass
class Notice:
    unit: str
    building: str
    area: Decimal
    owner: str  # masked
    as_of: dt.date
    deadline: dt.date
    doc: str = ""
    lines: list[NoticeLine] = field(default_factory=list)
    total: Decimal = ZERO
    credit: Decimal = ZERO
    late_policy: str = ""
    late_accrued: Decimal | None = None

    @property
    def due_after_credit(self) -> Decimal:
        """What is left to pay once the unit's credit is used."""
        return max(self.total - self.credit, ZERO)

    @property
    def periods(self) -> str:
        return compress_periods([ln.period for ln in self.lines])

    def as_dict(self) -> dict:
        return {"doc": self.doc, "unit": self.unit, "owner": self.owner, "as_of": self.as_of,
                "deadline": self.deadline, "total": plain(self.total), "periods": self.periods,
                "credit": plain(self.credit), "late_accrued": plain(self.late_accrued) if self.late_accrued else None,
                "lines": [{"period": ln.period, "item": ln.item, "billed": plain(ln.billed),
                           "settled": plain(ln.settled), "open": plain(ln.open), "overdue_days": ln.overdue_days}
                          for ln in self.lines]}


@dataclass
class Selection:
    units: list[str]
    held_out: dict[str, dict]  # unit -> dispute info
    skipped: list[str] = field(default_factory=list)  # asked for but nothing overdue


def select_units(books, as_of: dt.date, unit: str | None = None, building: str | None = None,
                 overdue_days: int | None = None, force: bool = False) -> Selection:
    """Which units get a notice. A single unit with an open dispute is refused unless `force`."""
    owing = arrears_by_unit(books, as_of)
    disputed = disputed_units(books, as_of)
    if unit:
        u = books.unit(unit)
        if u.unit not in owing:
            raise InputError("notice_nothing_overdue", unit=u.unit, date=as_of)
        if u.unit in disputed and not force:
            d = disputed[u.unit]
            raise InputError("notice_dispute_open", unit=u.unit, dispute=d["id"], label=d["label"],
                             opened=d["opened"])
        return Selection([u.unit], {})
    if building is None and overdue_days is None:
        raise InputError("notice_whom")
    chosen, held = batch_units(books, owing, disputed, building, overdue_days)
    return Selection(chosen, held)


def _late_accrued(books, unit: str, as_of: dt.date) -> Decimal | None:
    try:
        from ledger.billing.latefees import plan_late_fees
    except ImportError:  # pragma: no cover - the module is part of the core now
        return None
    try:
        return plan_late_fees(books, as_of, unit).total
    except WuyeError:
        return None


def build_notice(books, unit: str, as_of: dt.date, deadline_days: int = DEFAULT_DEADLINE_DAYS,
                 doc: str = "") -> Notice:
    u = books.unit(unit)
    owners = books.owners()
    owner = owners.get(u.owner_id)
    names = {c: f.name for c, f in books.config.fees.items()}
    names[LATE_FEE_ITEM] = ITEMS[LATE_FEE_ITEM].zh
    shown = mask_name(owner.name) if owner and owner.name else label("payer", "owner")
    n = Notice(u.unit, u.building, u.area, shown, as_of, as_of + dt.timedelta(days=deadline_days), doc)
    for ln in item_lines(books.cache, u.unit, as_of):
        if ln.open <= 0 or periods.end(ln.period) >= as_of:
            continue
        overdue = (as_of - periods.end(ln.period)).days
        n.lines.append(NoticeLine(ln.period, ln.item, names.get(ln.item, ln.item), ln.billed,
                                  ln.billed - ln.open, ln.open, overdue))
        n.total += ln.open
    prio = {c: f.priority for c, f in books.config.fees.items()}
    n.lines.sort(key=lambda x: (x.period, x.item == LATE_FEE_ITEM, prio.get(x.item, 999), x.item))
    n.credit = credit_balances(books.cache, u.unit, as_of).get(u.unit, ZERO)
    policy = books.config.late_fee_policy(as_of)
    if policy is not None:
        cap = "以欠费本金为限" if policy.cap == "principal" else f"以{policy.cap}元为限"
        n.late_policy = (f"按物业服务合同约定，逾期超过{policy.grace_days}天的{'、'.join(names.get(i, i) for i in policy.items)}"
                         f"按日{format((policy.daily_rate * 100).normalize(), 'f')}%计收违约金，{cap}")
        n.late_accrued = _late_accrued(books, u.unit, as_of)
    return n


def _channels(books) -> list[str]:
    """The ways to pay, one sentence each (plain text; the template escapes)."""
    c, o = books.config, books.config.office
    present = [ch for ch in COUNTER_CHANNELS if ch in c.channel_accounts]
    where = o.get("name", c.name) + (f"（{o['address']}" + (f"，{o['hours']}" if o.get("hours") else "") + "）"
                                     if o.get("address") else "")
    out = [f"到{where}缴纳：{'、'.join(label('channel', ch) for ch in present)}；"]
    if o.get("bank_account") and "bank" in c.channel_accounts:
        out.append(f"银行转账：{o['bank_account']}（请在附言中注明房号）；")
    return out


def _page_context(books) -> dict:
    o = books.config.office
    contacts = "；".join(x for x in (
        f"服务中心电话 {o['phone']}" if o.get("phone") else "",
        f"投诉电话 {o['complaint_phone']}" if o.get("complaint_phone") else "",
        f"地址 {o['address']}" if o.get("address") else "",
        f"办公时间 {o['hours']}" if o.get("hours") else "") if x)
    return {"channels": _channels(books), "contacts": contacts, "office": o.get("name", books.config.name)}


def render_page(books, n: Notice) -> str:
    return render("notice_page.html", n=n, **_page_context(books))


def render_notices(books, notices: list[Notice]) -> str:
    title = notices[0].doc if len(notices) == 1 else f"{len(notices)} 份"
    return render("notices.html", title=title or "", notices=notices, **_page_context(books))


def next_doc_ids(books, year: int, count: int) -> list[str]:
    return numbering.Numbers(books.cache).take(numbering.NOTICES, year, count)


@dataclass
class NoticeRun:
    html: str
    notices: list[Notice]
    held_out: dict[str, dict]
    result: object = None  # WriteResult when issued


def notice_contact(books, n: Notice, by: str | None = None, extra: dict | None = None):
    from ledger.collection.contacts import contact_entry

    outcome = f"发出催缴通知书 {n.doc}：欠费 {plain(n.total)} 元（{n.periods}），限 {n.deadline} 前缴纳"
    return contact_entry(books, n.unit, "letter", outcome, date=n.as_of, by=by, doc=n.doc, extra=extra)


def issue_notices(books, as_of: dt.date, unit: str | None = None, building: str | None = None,
                  overdue_days: int | None = None, deadline_days: int = DEFAULT_DEADLINE_DAYS,
                  dry_run: bool = False, force: bool = False, by: str | None = None,
                  reason: str | None = None) -> NoticeRun:
    """Render the notices and (unless dry_run) log each as a contact, the whole batch in one commit.

    A single unit whose open dispute holds its notice is sent one only with `force`; a `reason` (why it is
    sent anyway) implies force and is recorded on the notice's contact entry with the dispute id."""
    if deadline_days < 1:
        raise InputError("deadline_at_least_one")
    if reason not in (None, ""):
        reason = clean_text(books, reason, "--reason")
        force = True
    else:
        reason = None
    def make_run(books) -> NoticeRun:
        sel = select_units(books, as_of, unit, building, overdue_days, force)
        if not sel.units:
            if sel.held_out:
                raise InputError("notice_none_held", date=as_of, held=len(sel.held_out))
            raise InputError("notice_none", date=as_of)
        if not dry_run:
            check_date(books, as_of, "--as-of")
        ids = next_doc_ids(books, as_of.year, len(sel.units)) if not dry_run else [""] * len(sel.units)
        notices = [build_notice(books, uid, as_of, deadline_days, doc) for uid, doc in zip(sel.units, ids)]
        return NoticeRun(render_notices(books, notices), notices, sel.held_out)

    if dry_run:
        return make_run(books)

    def operation(b) -> Plan:  # numbered and written under the lock: doc ids never collide
        run = make_run(b)
        notices = run.notices
        msg = (f"notices: {len(notices)} issued on {as_of} ({notices[0].doc}"
               + (f"..{notices[-1].doc}" if len(notices) > 1 else "") + ")\n\n"
               + "".join(f"{n.doc} {n.unit} {plain(n.total)} CNY ({n.periods})\n" for n in notices))
        if run.held_out:
            msg += "\nheld out (open dispute):\n" + "".join(f"{u} {d['id']}\n" for u, d in sorted(run.held_out.items()))
        disputed = disputed_units(b, as_of) if force else {}

        def held(unit: str) -> dict | None:  # sent despite an open dispute: which one, and why
            d = disputed.get(unit)
            return {"dispute": d["id"], "sent-despite-dispute": reason or "--force"} if d else None
        for n in notices:
            if n.unit in disputed:
                msg += f"\nsent despite open dispute {disputed[n.unit]['id']}: {reason or '--force'}\n"
        return appending([notice_contact(b, n, by, held(n.unit)) for n in notices], msg, run)
    result = books.commit(operation)
    run = result.plan.effect
    run.result = result
    return run


def issued_notice_ids(books, unit: str | None = None) -> list[tuple[dt.date, str, str]]:
    return [(r.date, r.vals[0], r.meta.get("doc")) for r in customs(books, CONTACT, unit)
            if r.meta.get("doc", "").startswith(DOC_PREFIX) and len(r.vals) > 1 and r.vals[1] == "letter"]
