"""The contact log (催缴记录): every reminder, visit, letter, committee talk and lawyer's letter, dated.

Ledger form, in the month file of the contact's date:

    2026-11-05 custom "wuye-contact" "1-0101" "letter" "催缴通知书已挂号寄出"
      by: "林小红"
      proof: "EMS回执 EA123456789CN"
      interrupts: TRUE
      doc: "CJ2026-000001"
      promise-date: 2026-11-20
      promise-amount: 500.00

Rules:
- No phone numbers, ID numbers or owner names in any text (privacy.clean_text).
- Interruption of the limitation period (民法典 195): a contact *interrupts* when it is a proven demand
  or a proven acknowledgement:
    * channel letter or lawyer with --proof (registered mail receipt, 律师函 delivery record);
    * channel sms or wechat with --proof (the proof is the screenshot/record of delivery to the
      owner's verified number);
    * any channel with --acknowledged and --proof (the owner signed/confirmed the debt: 同意履行义务).
  Phone calls, visits, committee talks and group messages without such proof do not interrupt.
- Payment promises: a contact with --promise-date D (and optionally --promise-amount A) made on date C
  is *kept* when the unit's live payments (op pay, not voided or refunded) dated C..D+1 (one grace day
  for transfers that post the next day) add up to A, or to anything above zero when no amount was
  promised. Its status on a date X:
    kept     - the payments above reach the promise (only payments dated <= X count);
    pending  - not kept and X < D;
    due      - not kept and D <= X <= D+1 (falls due: call or visit today);
    broken   - not kept and X > D+1.
  A due or broken promise is *open* until the unit has a later contact (dated after D) or owes
  nothing any more; `wuye contacts --due` lists the open ones.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal

from ledger.books import entries as beans, facts
from ledger.basics import periods
from ledger.community.privacy import clean_text
from ledger.collection.common import arrears_by_unit, check_date, collector_of_unit, customs, meta_amount, meta_date, commit_entries
from ledger.basics.errors import InputError
from ledger.basics.labels import zh
from ledger.basics.money import ZERO, parse_amount, plain

CONTACT = "wuye-contact"
CHANNELS = ("phone", "sms", "wechat", "letter", "visit", "committee", "lawyer")
CHANNEL_LABELS = zh("contact_channel")
WRITTEN_PROOF = ("letter", "lawyer", "sms", "wechat")
PROMISE_GRACE = dt.timedelta(days=1)


def interrupts(channel: str, proof: str | None, acknowledged: bool = False) -> bool:
    """Whether a contact interrupts the limitation period (民法典 195), by the rule in the module doc."""
    if not (proof and proof.strip()):
        return False
    return channel in WRITTEN_PROOF or acknowledged


@dataclass
class Contact:
    date: dt.date
    unit: str
    channel: str
    outcome: str
    by: str = ""
    proof: str = ""
    interrupts: bool = False
    acknowledged: bool = False
    doc: str = ""
    promise_date: dt.date | None = None
    promise_amount: Decimal | None = None
    file: str = ""
    lineno: int = 0

    def as_dict(self) -> dict:
        d = asdict(self)
        d["channel_label"] = CHANNEL_LABELS.get(self.channel, self.channel)
        d["promise_amount"] = plain(self.promise_amount) if self.promise_amount is not None else None
        return d


def contact_entry(books, unit: str, channel: str, outcome: str, *, date: dt.date | None = None,
                  by: str | None = None, promise_date: dt.date | None = None, promise_amount=None,
                  proof: str | None = None, doc: str | None = None, acknowledged: bool = False,
                  extra: dict | None = None):
    """A validated `wuye-contact` directive (not written); `extra` is further meta its caller checked."""
    u = books.unit(unit)
    if channel not in CHANNELS:
        raise InputError("unknown_channel", channel=channel, choices=", ".join(CHANNELS))
    date = date or books.today()
    check_date(books, date)
    outcome = clean_text(books, outcome, "--outcome")
    proof = clean_text(books, proof, "--proof", required=False)
    doc = clean_text(books, doc, "--doc", required=False)
    by = books.collector(by)
    if acknowledged and not proof:
        raise InputError("ack_needs_proof")
    amount = None
    if promise_amount not in (None, ""):
        amount = parse_amount(str(promise_amount), "--promise-amount")
        if promise_date is None:
            raise InputError("promise_needs_date")
    if promise_date is not None and promise_date < date:
        raise InputError("promise_before_contact", promise=promise_date, date=date)
    meta = {"by": by, "proof": proof or None, "interrupts": interrupts(channel, proof, acknowledged),
            "acknowledged": True if acknowledged else None, "doc": doc or None,
            "promise-date": promise_date, "promise-amount": amount, **(extra or {})}
    return beans.custom(date, CONTACT, [u.unit, channel, outcome], meta)


def contact_message(entries: list) -> str:
    first = entries[0]
    vals = beans.custom_values(first)
    if len(entries) == 1:
        flag = " (interrupts limitation)" if first.meta.get("interrupts") else ""
        return f"contact {vals[0]} {vals[1]} on {first.date}{flag}: {vals[2]}\n"
    return f"contacts: {len(entries)} logged\n\n" + "".join(
        f"{beans.custom_values(e)[0]} {beans.custom_values(e)[1]} {e.date}\n" for e in entries)


def log_contact(books, unit: str, channel: str, outcome: str, **kw):
    entries, result = commit_entries(books, lambda b: [contact_entry(b, unit, channel, outcome, **kw)],
                                     contact_message)
    return entries[0], result


def load_contacts(books, unit: str | None = None, as_of: dt.date | None = None) -> list[Contact]:
    out = []
    for r in customs(books, CONTACT, unit, as_of):
        vals = r.vals + [""] * (3 - len(r.vals))
        m = r.meta
        out.append(Contact(r.date, vals[0], vals[1], vals[2], m.get("by", ""), m.get("proof", ""),
                           bool(m.get("interrupts")), bool(m.get("acknowledged")), m.get("doc", ""),
                           meta_date(m.get("promise-date")), meta_amount(m.get("promise-amount")), r.file, r.lineno))
    return out


def last_contacts(books, as_of: dt.date | None = None) -> dict[str, dt.date]:
    """{unit: date of its latest contact} (for the units screen of the TUI). One query."""
    return facts.last_custom_dates(books.cache, CONTACT, as_of)


# --- payments as the collection log sees them --------------------------------------------------

def live_payments(books, unit: str | None = None, as_of: dt.date | None = None) -> list[tuple[dt.date, str, Decimal, str]]:
    """(date, unit, amount of money received, receipt) of payments not voided or refunded (by as_of).
    The amount is what the payer paid: channel-fee legs are the office's cost (facts.payments_received)."""
    return [(r.date, r.unit, r.amount, r.receipt) for r in facts.live_payments(books.cache, unit, as_of)]


@dataclass
class Promise:
    contact: Contact
    status: str  # kept | pending | due | broken
    paid: Decimal
    followed_up: bool
    still_owes: bool

    @property
    def open(self) -> bool:
        return self.status in ("due", "broken") and not self.followed_up and self.still_owes

    def as_dict(self) -> dict:
        c = self.contact
        return {"unit": c.unit, "contact_date": c.date, "channel": c.channel, "by": c.by,
                "promise_date": c.promise_date, "promise_amount": plain(c.promise_amount) if c.promise_amount else None,
                "paid_in_window": plain(self.paid), "status": self.status, "followed_up": self.followed_up,
                "still_owes": self.still_owes, "open": self.open}


def promises(books, as_of: dt.date, unit: str | None = None) -> list[Promise]:
    """Every payment promise made by as_of, with its status on as_of (rule in the module doc)."""
    contacts = load_contacts(books, unit, as_of)
    pays: dict[str, list] = defaultdict(list)
    for d, u, amt, _r in live_payments(books, unit, as_of):
        pays[u].append((d, amt))
    owing = arrears_by_unit(books, as_of, overdue_only=False)
    by_unit: dict[str, list[Contact]] = defaultdict(list)
    for c in contacts:
        by_unit[c.unit].append(c)
    out = []
    for c in contacts:
        if c.promise_date is None:
            continue
        end = c.promise_date + PROMISE_GRACE
        paid = sum((a for d, a in pays[c.unit] if c.date <= d <= min(end, as_of)), ZERO)
        need = c.promise_amount if c.promise_amount else Decimal("0.01")
        if paid >= need:
            status = "kept"
        elif as_of < c.promise_date:
            status = "pending"
        elif as_of <= end:
            status = "due"
        else:
            status = "broken"
        followed = any(o.date > c.promise_date for o in by_unit[c.unit] if o is not c)
        out.append(Promise(c, status, paid, followed, c.unit in owing))
    return out


def due_promises(books, as_of: dt.date) -> list[Promise]:
    """Promises falling due or broken on as_of and not followed up yet (for `wuye contacts --due`)."""
    return [p for p in promises(books, as_of) if p.open]


def broken_promises_by_unit(books, as_of: dt.date) -> dict[str, list[Promise]]:
    out: dict[str, list[Promise]] = defaultdict(list)
    for p in promises(books, as_of):
        if p.status == "broken":
            out[p.contact.unit].append(p)
    return dict(out)


def last_kept_promise(books, as_of: dt.date) -> dict[str, dt.date]:
    out: dict[str, dt.date] = {}
    for p in promises(books, as_of):
        if p.status == "kept":
            u = p.contact.unit
            out[u] = max(out.get(u, p.contact.date), p.contact.date)
    return out


def contacts_report(books, as_of: dt.date, unit: str | None = None, due_only: bool = False) -> dict:
    if due_only:
        rows = [dict(p.as_dict(), collector=collector_of_unit(books, p.contact.unit)) for p in due_promises(books, as_of)]
        return {"as_of": as_of, "due": rows}
    rows = [c.as_dict() for c in load_contacts(books, unit, as_of)]
    return {"as_of": as_of, "unit": unit, "contacts": rows}


def parse_opt_date(text: str | None, what: str) -> dt.date | None:
    return periods.parse_date(text, what) if text else None
