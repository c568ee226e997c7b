"""`wuye import FILE...`, `wuye queue`, `wuye assign QUEUE_ID UNIT`: statements into the books."""
from __future__ import annotations

import sys

from ledger.basics.money import fmt

from .common import open_books, print_json, say_commit


def register(sub) -> None:
    p = sub.add_parser("import", help="import WeChat/Alipay/bank statements (one commit for all files)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="show what would be booked; write nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("queue", help="open 待认领 items: money the import could not assign")
    p.add_argument("--all", action="store_true", help="include assigned/closed items")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_queue)

    p = sub.add_parser("assign", help="assign a queue item to a unit (a payment with a receipt)")
    p.add_argument("queue_id")
    p.add_argument("unit")
    p.add_argument("--for", dest="designated", help="ITEM:PERIOD,... the money is for")
    p.add_argument("--prepay", action="store_true", help="allow periods not billed yet")
    p.add_argument("--date", help="the day it is assigned, the receipt's date (default: today; the day the money "
                                  "came in stays on the entry as `received`)")
    p.add_argument("--learn-alias", action="store_true",
                   help="remember the payer (nickname, openid, account) as this unit's for later imports")
    p.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    p.add_argument("--by", help="who assigns it (receipt 收款人, commit author; default: $WUYE_USER)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_assign)

    p = sub.add_parser("alias", help="payer aliases learned from assignments and imports")
    asub = p.add_subparsers(dest="alias_command", required=True)
    a = asub.add_parser("list", help="the aliases in force")
    a.add_argument("--unit")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_alias_list)
    a = asub.add_parser("forget", help="forget an alias (by its key, as `alias list` shows it) or all of a unit's")
    a.add_argument("alias", nargs="?")
    a.add_argument("--unit")
    a.add_argument("--reason", default="")
    a.set_defaults(func=cmd_alias_forget)


def cmd_import(args) -> int:
    from importers.booking import run_import
    from importers.records import ParseError

    books = open_books(args)
    try:
        plan, result = run_import(books, args.files, dry_run=args.dry_run)
    except ParseError as exc:
        print(f"wuye: import refused, nothing imported: {exc}", file=sys.stderr)
        return 2
    if args.json:
        doc = plan.to_json()
        doc["commit"] = result.commit if result else None
        doc["dry_run"] = bool(args.dry_run)
        print_json(doc)
        return 0
    sys.stdout.write(plan.render_text())
    if args.dry_run:
        print("dry run: nothing written")
    say_commit(result)
    return 0


def cmd_queue(args) -> int:
    from importers.queue import list_queue

    books = open_books(args)
    items = list_queue(books, include_closed=args.all)
    if args.json:
        print_json({"items": [i.as_dict() for i in items], "count": len(items)})
        return 0
    if not items:
        print("queue: nothing waiting")
        return 0
    for i in items:
        status = "" if i.status == "open" else f" [{i.status}]"
        print(f"{i.id}{status}  {i.date}  {fmt(i.amount):>12} {i.direction} {i.channel}  {i.payer}  {i.remark}")
        print(f"    reason: {i.reason}")
        for s in i.suggestions:
            print(f"    suggestion: {s}")
        if len(i.history) > 1:  # assigned, voided, open again ...
            print("    history: " + " -> ".join(f"{ev} {d}" + (f" ({x})" if x else "") for d, ev, x in i.history))
    return 0


def cmd_assign(args) -> int:
    from importers.queue import assign, plan_assign
    from ledger.basics.periods import parse_date

    books = open_books(args)
    date = parse_date(args.date, "--date") if args.date else None
    if not args.dry_run:  # an assignment issues a receipt, and a receipt names who took the money
        books.operator = books.person(args.by)
    if args.dry_run:
        ap, result = plan_assign(books, args.queue_id, args.unit, args.designated, args.prepay, date,
                                 learn_alias=args.learn_alias), None
    else:
        ap, result = assign(books, args.queue_id, args.unit, args.designated, args.prepay, date,
                            learn_alias=args.learn_alias)
    if args.json:
        print_json({"queue": ap.item.id, "unit": ap.unit, "receipt": ap.receipt, "amount": ap.item.amount,
                    "direction": ap.item.direction, "received": ap.received, "date": ap.date,
                    "summary": ap.summary, "aliases_learned": ap.learned, "aliases_not_learned":
                    [x for x in ap.would_learn if not ap.learned], "commit": result.commit if result else None})
        return 0
    head = "would assign" if args.dry_run else "assigned"
    print(f"{head} {ap.item.id} -> {ap.unit}" + (f"  receipt {ap.receipt}" if ap.receipt else "")
          + f"  {fmt(ap.item.amount)}" + ("" if ap.item.direction == "in" else " (money out)"))
    print(f"received {ap.received}, assigned {ap.date} (entry and receipt dated {ap.date})")
    if ap.summary:
        print(ap.summary)
    for x in ap.learned:
        print(f"alias learned: {x}")
    if not ap.learned:
        for x in ap.would_learn:
            print(f"alias not learned (pass --learn-alias to learn it): {x}")
    if args.dry_run:
        print("dry run: nothing written")
    say_commit(result)
    return 0


def cmd_alias_list(args) -> int:
    from importers.aliases import live_aliases

    books = open_books(args)
    unit = books.unit(args.unit).unit if args.unit else None
    rows = [a for a in live_aliases(books) if unit is None or a.unit == unit]
    if args.json:
        print_json({"aliases": [{"kind": a.kind, "key": a.key, "display": a.display, "unit": a.unit,
                                 "learned": a.date, "source": a.source} for a in rows], "count": len(rows)})
        return 0
    if not rows:
        print("aliases: none")
        return 0
    for a in rows:
        print(f"{a.key:<22} {a.kind:<9} {a.display:<14} -> {a.unit:<10} learned {a.date}  {a.source}")
    return 0


def cmd_alias_forget(args) -> int:
    from importers.queue import forget_aliases

    if bool(args.alias) == bool(args.unit):
        print("wuye: alias forget needs an ALIAS or --unit U (one of them)", file=sys.stderr)
        return 2
    books = open_books(args)
    gone, result = forget_aliases(books, args.alias, args.unit, args.reason)
    for a in gone:
        print(f"alias forgotten: {a.label}")
    say_commit(result)
    return 0
