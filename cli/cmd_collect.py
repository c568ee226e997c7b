"""Collection work: contact log, escalation stages, disputes, notices, messages, limitation risk, targets."""
from __future__ import annotations

import sys
from decimal import Decimal

from ledger.collection import contacts, disputes, limitation, messages, notices, stages, targets
from ledger.basics.money import fmt
from ledger.basics.periods import parse_date

from .common import emit, open_books, print_json, say_commit


def _date(books, text, what):
    return parse_date(text, what) if text else books.today()


def _opt_date(text, what):
    return parse_date(text, what) if text else None


def register(sub) -> None:
    p = sub.add_parser("contact", help="log a contact with a unit's owner (催缴记录)")
    p.add_argument("unit")
    p.add_argument("--channel", required=True, choices=contacts.CHANNELS)
    p.add_argument("--outcome", required=True, help="what happened (no names or phone numbers)")
    p.add_argument("--promise-date", help="the owner promised to pay by this date")
    p.add_argument("--promise-amount", help="the amount promised")
    p.add_argument("--proof", help="delivery proof / evidence reference (registered mail no., screenshot id)")
    p.add_argument("--acknowledged", action="store_true", help="the owner acknowledged the debt (needs --proof)")
    p.add_argument("--doc", help="document id delivered (e.g. a notice CJ2026-000001)")
    p.add_argument("--by", help="collector (default: $WUYE_USER or git user)")
    p.add_argument("--date")
    p.set_defaults(func=cmd_contact)

    p = sub.add_parser("contacts", help="the contact log; --due: promises due or broken")
    p.add_argument("unit", nargs="?")
    p.add_argument("--due", action="store_true")
    p.add_argument("--as-of")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_contacts)

    p = sub.add_parser("stage", help="set (or show) a unit's escalation stage")
    p.add_argument("unit")
    p.add_argument("stage", nargs="?", choices=list(stages.STAGES))
    p.add_argument("--date")
    p.add_argument("--note")
    p.add_argument("--by")
    p.add_argument("--as-of")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stage)

    p = sub.add_parser("stages", help="escalation stage of every unit in arrears")
    p.add_argument("--as-of")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stages)

    p = sub.add_parser("dispute", help="disputes and complaints behind refusals (客诉)")
    ds = p.add_subparsers(dest="dispute_cmd", required=True)
    po = ds.add_parser("open", help="open a dispute")
    po.add_argument("unit")
    po.add_argument("--category", required=True, choices=list(disputes.CATEGORIES))
    po.add_argument("--claim", default="0", help="amount the owner claims (0 if none)")
    po.add_argument("--note", required=True)
    po.add_argument("--date")
    po.add_argument("--by")
    po.set_defaults(func=cmd_dispute_open)
    pc = ds.add_parser("close", help="close a dispute, with an optional compensation (one commit)")
    pc.add_argument("id")
    pc.add_argument("--resolution", required=True)
    pc.add_argument("--compensation")
    pc.add_argument("--approved-by")
    pc.add_argument("--mode", choices=disputes.MODES)
    pc.add_argument("--channel", default="cash", help="money channel for --mode cash (default cash)")
    pc.add_argument("--date")
    pc.add_argument("--by")
    pc.set_defaults(func=cmd_dispute_close)
    pl = ds.add_parser("list", help="list disputes")
    pl.add_argument("--open", action="store_true")
    pl.add_argument("--as-of")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_dispute_list)
    pr = ds.add_parser("report", help="arrears tied to disputes, days to resolve")
    pr.add_argument("--as-of")
    pr.add_argument("--json", action="store_true")
    pr.set_defaults(func=cmd_dispute_report)

    p = sub.add_parser("notice", help="催缴通知书 as printable HTML; issued notices are logged as contacts")
    p.add_argument("unit", nargs="?")
    p.add_argument("--building")
    p.add_argument("--overdue-days", type=int)
    p.add_argument("--as-of")
    p.add_argument("--deadline-days", type=int, default=notices.DEFAULT_DEADLINE_DAYS)
    p.add_argument("--output")
    p.add_argument("--dry-run", action="store_true", help="render a draft without numbering or logging it")
    p.add_argument("--force", action="store_true", help="issue to a single unit despite an open dispute")
    p.add_argument("--reason", help="why it is sent despite the dispute (implies --force; kept on the notice entry)")
    p.add_argument("--by")
    p.set_defaults(func=cmd_notice)

    p = sub.add_parser("messages", help="SMS/WeChat texts from config templates, to a private CSV (0600)")
    p.add_argument("--template", required=True)
    p.add_argument("--building")
    p.add_argument("--overdue-days", type=int)
    p.add_argument("--as-of")
    p.add_argument("--deadline-days", type=int, default=15)
    p.add_argument("--period", help="{period} for group messages (default: last period due)")
    p.add_argument("--output", required=True)
    p.set_defaults(func=cmd_messages)

    p = sub.add_parser("limitation", help="charges near or past the 3-year limitation, by collector")
    p.add_argument("--as-of")
    p.add_argument("--warn-days", type=int, default=limitation.WARN_DAYS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_limitation)

    p = sub.add_parser("targets", help="collectors' targets vs actual, and units left to visit")
    p.add_argument("--period", required=True, help="YYYY-MM, YYYY-Qn or YYYY")
    p.add_argument("--as-of")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_targets)


# --- contacts ---------------------------------------------------------------------------------

def cmd_contact(args) -> int:
    books = open_books(args)
    entry, result = contacts.log_contact(
        books, args.unit, args.channel, args.outcome, date=_date(books, args.date, "--date"), by=args.by,
        promise_date=_opt_date(args.promise_date, "--promise-date"), promise_amount=args.promise_amount,
        proof=args.proof, doc=args.doc, acknowledged=args.acknowledged)
    say_commit(result)
    if entry.meta.get("interrupts"):
        print("marked as interrupting the limitation period (民法典 195)")
    return 0


def cmd_contacts(args) -> int:
    books = open_books(args)
    as_of = _date(books, args.as_of, "--as-of")
    unit = books.unit(args.unit).unit if args.unit else None
    data = contacts.contacts_report(books, as_of, unit, args.due)
    if args.json:
        print_json(data)
        return 0
    if args.due:
        print(f"promises due or broken on {as_of}: {len(data['due'])}")
        for r in data["due"]:
            amt = f" {r['promise_amount']}" if r["promise_amount"] else ""
            print(f"  {r['unit']:<10} {r['status']:<7} promised{amt} by {r['promise_date']} "
                  f"(on {r['contact_date']}, {r['channel']}, {r['by']}); paid {r['paid_in_window']}  [{r['collector']}]")
        return 0
    for c in data["contacts"]:
        flags = " [时效中断]" if c["interrupts"] else ""
        promise = f" 承诺 {c['promise_date']}" + (f" {c['promise_amount']}" if c["promise_amount"] else "") \
            if c["promise_date"] else ""
        doc = f" {c['doc']}" if c["doc"] else ""
        print(f"{c['date']}  {c['unit']:<10} {c['channel_label']:<6} {c['by']:<6} {c['outcome']}{doc}{promise}{flags}")
    return 0


# --- stages -------------------------------------------------------------------------------------

def cmd_stage(args) -> int:
    books = open_books(args)
    if args.stage:
        _e, result = stages.set_stage(books, args.unit, args.stage, _date(books, args.date, "--date"), args.note,
                                      args.by)
        say_commit(result)
        return 0
    data = stages.unit_stage(books, args.unit, _date(books, args.as_of, "--as-of"))
    if args.json:
        print_json(data)
        return 0
    cur = data["current"]
    print(f"{data['unit']}: {cur['label'] if cur else '无欠费'}" + (f" since {cur['since']}" if cur and cur['since'] else ""))
    for e in data["history"]:
        print(f"  {e['date']}  {e['label']:<10} ({e['source']}) {e['note']}")
    return 0


def cmd_stages(args) -> int:
    books = open_books(args)
    as_of = _date(books, args.as_of, "--as-of")
    data = stages.current_stages(books, as_of)
    if args.json:
        print_json({"as_of": as_of, "units": {u: {k: v for k, v in d.items() if k != "history"}
                                              for u, d in sorted(data.items())}})
        return 0
    for u, d in sorted(data.items()):
        print(f"{u:<10} {d['label']:<10} {d['since'] or ''}")
    return 0


# --- disputes -------------------------------------------------------------------------------------

def cmd_dispute_open(args) -> int:
    books = open_books(args)
    did, result = disputes.open_dispute(books, args.unit, args.category, args.claim, args.note,
                                        _date(books, args.date, "--date"), args.by)
    say_commit(result)
    print(did)
    return 0


def cmd_dispute_close(args) -> int:
    books = open_books(args)
    _entries, result = disputes.close_dispute(books, args.id, args.resolution, date=_date(books, args.date, "--date"),
                                              compensation=args.compensation, approved_by=args.approved_by,
                                              mode=args.mode, channel=args.channel, by=args.by)
    say_commit(result)
    return 0


def cmd_dispute_list(args) -> int:
    books = open_books(args)
    as_of = _date(books, args.as_of, "--as-of")
    rows = disputes.dispute_list(books, as_of, args.open)
    if args.json:
        print_json({"as_of": as_of, "disputes": rows})
        return 0
    for r in rows:
        state = "open" if r["open"] else f"closed {r['closed']}"
        comp = f" 补偿 {r['compensation']} ({r['mode']})" if r["compensation"] else ""
        print(f"{r['id']}  {r['unit']:<10} {r['category_label']:<4} claim {r['claim']:>9}  {state:<17} "
              f"{r['days']:>4}d  arrears {r['arrears']:>10}{comp}  {r['note']}")
    return 0


def cmd_dispute_report(args) -> int:
    books = open_books(args)
    data = disputes.dispute_report(books, _date(books, args.as_of, "--as-of"))
    if args.json:
        print_json(data)
        return 0
    print(f"disputes on {data['as_of']}: {data['open']} open (arrears tied {data['arrears_tied']} CNY), "
          f"{data['closed']} closed (avg {data['avg_days_to_resolve']} days, compensation {data['compensation_total']} CNY)")
    return 0


# --- notices and messages ---------------------------------------------------------------------------

def cmd_notice(args) -> int:
    books = open_books(args)
    as_of = _date(books, args.as_of, "--as-of")
    run = notices.issue_notices(books, as_of, args.unit, args.building, args.overdue_days, args.deadline_days,
                                dry_run=args.dry_run, force=args.force, by=args.by,
                                reason=args.reason)
    emit(run.html, args.output)
    for u, d in sorted(run.held_out.items()):
        print(f"held out {u}: open dispute {d['id']} ({d['label']}, since {d['opened']})", file=sys.stderr)
    if run.result:
        print(f"{len(run.notices)} notice(s) {run.notices[0].doc}..{run.notices[-1].doc} logged as contacts; "
              f"committed {run.result.commit[:10]}", file=sys.stderr)
    else:
        print(f"draft: {len(run.notices)} notice(s), not numbered or logged", file=sys.stderr)
    return 0


def cmd_messages(args) -> int:
    books = open_books(args)
    as_of = _date(books, args.as_of, "--as-of")
    rows, held = messages.render_messages(books, args.template, as_of, args.building, args.overdue_days,
                                          args.deadline_days, args.period)
    path = messages.write_csv(books, rows, args.output)
    no_phone = sum(1 for r in rows if "phone" in r and not r["phone"])
    print(f"wrote {len(rows)} message(s) to {path} (mode 0600)" + (f"; {no_phone} without a phone" if no_phone else ""))
    for u, d in sorted(held.items()):
        print(f"held out {u}: open dispute {d['id']}", file=sys.stderr)
    return 0


# --- reports -------------------------------------------------------------------------------------------

def cmd_limitation(args) -> int:
    books = open_books(args)
    data = limitation.limitation_report(books, _date(books, args.as_of, "--as-of"), args.warn_days)
    if args.json:
        print_json(data)
        return 0
    print(f"limitation risk on {data['as_of']} (3 years per period's charge, warning {data['warn_days']} days): "
          f"at risk {data['at_risk_total']} CNY, past {data['past_total']} CNY")
    for g in data["collectors"]:
        print(f"\n{g['collector']}: at risk {g['at_risk_total']}, past {g['past_total']}")
        for r in g["at_risk"]:
            print(f"  RISK {r['unit']:<10} {r['item']:<4} {r['period']} {r['open']:>10}  last day {r['limitation_date']}"
                  f" ({r['days_left']}d)" + (f"  dispute {r['dispute']}" if r["dispute"] else ""))
        for r in g["past"]:
            print(f"  PAST {r['unit']:<10} {r['item']:<4} {r['period']} {r['open']:>10}  expired after {r['limitation_date']}"
                  + (f"  dispute {r['dispute']}" if r["dispute"] else ""))
        for p in g["broken_promises"]:
            print(f"  BROKEN PROMISE {p['unit']:<10} by {p['promise_date']} (paid {p['paid_in_window']})")
    return 0


def cmd_targets(args) -> int:
    books = open_books(args)
    as_of = _opt_date(args.as_of, "--as-of")
    data = targets.targets_report(books, args.period, as_of)
    if args.json:
        print_json(data)
        return 0
    print(f"targets {data['period']} ({data['months'][0]}..{data['months'][-1]}) as of {data['as_of']}")
    for c in data["collectors"]:
        rate = f"{Decimal(c['rate']) * 100:.1f}%" if c["rate"] else "-"
        trate = f"{Decimal(c['target_rate']) * 100:.1f}%" if c["target_rate"] else "-"
        print(f"\n{c['collector']}: collected {c['collected']} of {c['charged']} ({rate}); "
              f"target {c['target_amount'] or '-'} / {trate}")
        for v in c["to_visit"][:20]:
            flags = " ".join(x for x in (f"dispute {v['dispute']}" if v["dispute"] else "",
                                         "kept promise" if v["kept_promise"] else "",
                                         "BROKEN PROMISE" if v["broken_promise"] else "") if x)
            print(f"  {v['unit']:<10} {fmt_amount(v['arrears']):>10}  since {v['oldest']}  {v['stage'] or ''} {flags}")
        if len(c["to_visit"]) > 20:
            print(f"  ... and {len(c['to_visit']) - 20} more")
    return 0


def fmt_amount(s: str) -> str:
    return fmt(Decimal(s))
