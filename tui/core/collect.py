"""Collection work: contacts, disputes, stages, notices, statements, the collector's list.

Called from worker threads only (see tui/core/__init__.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ledger.basics import periods
from ledger.books import facts
from ledger.books.folder import Books
from ledger.basics.errors import InputError
from ledger.basics.money import fmt
from .units import WriteDone, unit_totals_sql
from .reports import _stage_label  # noqa: F401


# --- collection: contacts, disputes, stages, notices, statements (issue 7) -------------------------

CONTACT_CHANNELS = ("phone", "sms", "wechat", "letter", "visit", "committee", "lawyer")
DISPUTE_CATEGORIES = ("cleaning", "leak", "noise", "parking", "security", "other")
STAGE_CODES = ("reminded", "notice", "committee", "lawyer", "litigation", "arbitration", "payment-order", "agency")
COMPENSATION_MODES = ("offset", "cash")


def open_dispute_ids(books: Books, unit: str) -> list[str]:
    """Ids of the unit's disputes open today, oldest first (the close form starts on the first)."""
    from ledger.collection import disputes

    today = books.today()
    return [d.id for d in sorted(disputes.load_disputes(books).values(), key=lambda d: (d.opened, d.id))
            if d.unit == unit and d.is_open(today)]


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
    from ledger.collection import contacts, disputes, stages

    today = books.today()
    disp = disputes.disputed_units(books, today)
    has_promise = facts.any_custom_with_meta(books.cache, contacts.CONTACT, "promise-date", today)
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
    from ledger.collection import contacts, disputes, notices, stages

    u = books.unit(uid)
    today = books.today()
    stage, since = "", ""
    oldest = facts.oldest_open_period(books.cache, u.unit, today)
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
    out: list[str] = []
    for p in facts.payers_of(books.cache, uid):
        if p not in out:
            out.append(str(p))
    return out


def aliases(books: Books, uid: str) -> list[str]:
    """The import layer's payer aliases for the unit (kind + masked display; keys are hashed)."""
    out = []
    for c in facts.customs(books.cache, "wuye-alias"):
        v = c.vals
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
    from ledger.collection import contacts, disputes

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
    if kind == "close":
        # the dispute must be this unit's: the form is started from the unit
        did = (v.get("dispute") or "").strip().upper()
        d = disputes.load_disputes(books).get(did)
        if d is None:
            raise InputError("dispute_not_found", dispute=did, unit=unit)
        if d.unit != unit:
            raise InputError("dispute_other_unit", dispute=did, owner=d.unit, unit=unit)
        comp = (v.get("compensation") or "").strip() or None
        return disputes.close_entries(books, did, v.get("resolution") or "", _opt_date(v, "date"), compensation=comp,
                                      approved_by=((v.get("approved_by") or "").strip() or None) if comp else None,
                                      mode=(v.get("mode") or None) if comp else None,
                                      by=(v.get("by") or "").strip() or None), ""
    if kind == "stage":
        from ledger.collection import stages

        e = stages.stage_entry(books, unit, v.get("stage") or "", _opt_date(v, "date"),
                               (v.get("note") or "").strip() or None, (v.get("by") or "").strip() or None)
        return [e], ""
    raise InputError("unknown_operation", kind=kind)


def collect_preview(books: Books, kind: str, values: dict) -> CollectPreview:
    """Validate through the core's own entry builders (phone numbers and names refused there)."""
    from ledger.books import entries as beans

    if kind == "notice":
        run = _notice_run(books, values, dry_run=True)
        n = run.notices[0]
        lines = [f"{ln.period} {ln.item} {ln.name}  {fmt(ln.open)}  ({ln.overdue_days}d)" for ln in n.lines]
        text = "\n".join(lines + [f"合计 {fmt(n.total)}   限 {n.deadline.isoformat()} 前缴纳"])
        from ledger.collection.disputes import disputed_units

        held = disputed_units(books, n.as_of).get(n.unit)
        if held:  # only reached with a reason: say it is sent despite the dispute, and why
            text += f"\n⚑ {held['id']}  sent-despite-dispute: \"{(values.get('reason') or '').strip()}\""
        return CollectPreview(kind, n.unit, text, f"{len(n.lines)}")
    entries, note = _collect_entries(books, kind, values)
    return CollectPreview(kind, (values.get("unit") or "").upper(), beans.render(entries), note)


def _notice_run(books: Books, v: dict, dry_run: bool):
    from ledger.collection import notices

    days = (v.get("deadline_days") or "").strip()
    try:
        ndays = int(days) if days else notices.DEFAULT_DEADLINE_DAYS
    except ValueError:
        raise InputError("deadline_not_number", days=days) from None
    return notices.issue_notices(books, _opt_date(v, "date") or books.today(), unit=(v.get("unit") or "").strip(),
                                 deadline_days=ndays, dry_run=dry_run,
                                 by=(v.get("by") or "").strip() or None,
                                 reason=(v.get("reason") or "").strip() or None)


@dataclass
class CollectDone:
    kind: str
    write: WriteDone
    ident: str = ""  # dispute id / notice doc id
    path: str = ""  # notice HTML saved


def collect_write(books: Books, kind: str, values: dict) -> CollectDone:
    from ledger.collection import contacts, disputes

    if kind == "notice":
        run = _notice_run(books, values, dry_run=False)
        doc = run.notices[0].doc
        path = _save_private(books, "notices", f"{doc}.html", run.html)
        r = run.result
        return CollectDone(kind, WriteDone(r.commit, r.message, r.files), doc, path)
    if kind == "contact":
        from ledger.collection.common import commit_entries

        # made again under the books lock, from the values the person confirmed
        _, r = commit_entries(books, lambda b: _collect_entries(b, kind, values)[0][:1], contacts.contact_message)
        return CollectDone(kind, WriteDone(r.commit, r.message, r.files))
    if kind == "dispute":
        v = values
        did, r = disputes.open_dispute(books, (v.get("unit") or "").strip().upper(), v.get("category") or "",
                                       (v.get("claim") or "").strip() or None, (v.get("note") or "").strip() or None,
                                       _opt_date(v, "date"), (v.get("by") or "").strip() or None)
        return CollectDone(kind, WriteDone(r.commit, r.message, r.files), did)
    if kind in ("close", "stage"):
        from ledger.collection import stages
        from ledger.collection.common import commit_entries

        message = disputes.close_message if kind == "close" else stages.stage_message
        # made again under the books lock, from the values the person confirmed
        entries, r = commit_entries(books, lambda b: _collect_entries(b, kind, values)[0], message)
        ident = (values.get("dispute") or "").strip().upper() if kind == "close" else ""
        return CollectDone(kind, WriteDone(r.commit, r.message, r.files), ident)
    raise InputError("unknown_operation", kind=kind)


def _save_private(books: Books, folder: str, name: str, text: str) -> str:
    """A printout under the git-ignored .wuye/<folder>/ (never tracked)."""
    from ledger.books import files as store

    path = books.root / ".wuye" / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    store.write_atomic(path, text.encode("utf-8"))
    return str(path)


def statement_html_file(books: Books, uid: str) -> str:
    """The printable owner statement (statement.render_html), saved under .wuye/statements/."""
    from ledger.reports import statement

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
    from ledger.collection import targets

    period = period or periods.period_of(books.today())
    d = targets.targets_report(books, period)
    for c in d["collectors"]:
        if c["collector"] == name:
            dec = lambda x: Decimal(x) if x is not None else None  # noqa: E731
            return CollectorView(name, d["period"], d["as_of"].isoformat(), c["units"], Decimal(c["charged"]),
                                 Decimal(c["collected"]), dec(c["rate"]), dec(c["target_rate"]),
                                 dec(c["target_amount"]), dec(c["amount_gap"]), c["rate_met"],
                                 [dict(v, stage_label=_stage_label(v["stage"])) for v in c["to_visit"]])
    raise InputError("collector_unknown", collector=name)


