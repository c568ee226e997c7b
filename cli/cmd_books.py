"""Commands that create and maintain the books: init, demo, units, bill, reading, check, log, sync."""
from __future__ import annotations

import sys
from pathlib import Path

from ledger.billing import run as billrun
from ledger.books import create, integrity
from ledger.basics import periods
from ledger.books.history import operations

from .common import books_dir, open_books, print_json, say_commit


def register(sub) -> None:
    p = sub.add_parser("init", help="create a books folder")
    p.add_argument("dir")
    p.add_argument("--config")
    p.add_argument("--units")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="build the demo books (翠湖苑) with history")
    p.add_argument("dir")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("units", help="unit register")
    us = p.add_subparsers(dest="units_cmd", required=True)
    pi = us.add_parser("import", help="add or update units from CSV/XLSX")
    pi.add_argument("file")
    pi.set_defaults(func=cmd_units_import)
    pl = us.add_parser("list", help="list units")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_units_list)

    p = sub.add_parser("bill", help="bill every unit for a period")
    p.add_argument("period", nargs="?")
    p.add_argument("--from", dest="first")
    p.add_argument("--to", dest="last")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--allow-future", action="store_true",
                   help="allow billing a period more than a year ahead of today")
    p.set_defaults(func=cmd_bill)

    p = sub.add_parser("reading", help="record a meter reading")
    p.add_argument("unit")
    p.add_argument("item")
    p.add_argument("value")
    p.add_argument("--date", required=True)
    p.set_defaults(func=cmd_reading)

    p = sub.add_parser("standard", help="change a fee standard: a new dated rate line in config.yaml")
    p.add_argument("item")
    p.add_argument("--from", dest="start", required=True, help="first day of a month, YYYY-MM-01")
    p.add_argument("--residential")
    p.add_argument("--commercial")
    p.add_argument("--all", dest="all_")
    p.add_argument("--dry-run", action="store_true", help="print the diff only")
    p.set_defaults(func=cmd_standard)

    p = sub.add_parser("check", help="beancount checks plus wuye invariants and the committed history")
    p.add_argument("--review", metavar="REV..REV",
                   help="list what an approver must see in these commits (edits, deletions, standards, code lines)")
    p.add_argument("--changed", action="store_true",
                   help="check only the files changed since wuye last verified them (the rest was checked "
                        "when it was written)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("close", help="close a month: closing balances asserted, commit tagged close/YYYY-MM")
    p.add_argument("period", help="YYYY-MM (the month after the last closed one; it must be over)")
    p.set_defaults(func=cmd_close)

    p = sub.add_parser("reopen", help="reopen the last closed month (a logged commit) to correct it")
    p.add_argument("period")
    p.add_argument("--reason", required=True)
    p.add_argument("--approved-by", required=True)
    p.set_defaults(func=cmd_reopen)

    p = sub.add_parser("log", help="operations and fee-standard changes from git")
    p.add_argument("-n", type=int, default=30)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_log)


def cmd_init(args) -> int:
    root = create.init_books(args.dir, args.config, args.units)
    print(f"created books in {root}")
    return 0


def cmd_demo(args) -> int:
    from ledger.demo import build_demo

    import tempfile

    from importers.booking import run_import
    from importers.demo_export import write_demo_export
    from ledger.books.folder import Books

    root = build_demo(args.dir, progress=lambda s: print(s, file=sys.stderr))
    # the week's WeChat bill, imported the way a bookkeeper would: payments booked, the rest queued
    books = Books(root)
    with tempfile.TemporaryDirectory() as tmp:
        plan, result = run_import(books, [write_demo_export(books, Path(tmp), books.today())])
    if result:
        print(f"demo import: {result.message.splitlines()[0]}", file=sys.stderr)
    print(f"demo books ready in {root}")
    return 0


def cmd_units_import(args) -> int:
    books = open_books(args)
    diff, result = create.import_units(books, args.file)
    if not diff:
        print("units: nothing changed")
        return 0
    sys.stdout.write(diff)
    say_commit(result)
    return 0


def cmd_units_list(args) -> int:
    books = open_books(args)
    rows = [u.row() for u in books.units.values()]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['unit']:<10} {r['building']:>3} {r['area_m2']:>8} {r['type']:<12} {r['handover_date']:<10} "
                  f"{r['parking_spaces']}")
    return 0


def cmd_bill(args) -> int:
    books = open_books(args)
    plist = billrun.period_args(args.period, args.first, args.last)
    if args.dry_run:
        plan = billrun.preview_bill(books, plist, args.allow_future)
        print(plan.message())
        return 0
    plan, result = billrun.run_bill(books, plist, allow_future=args.allow_future)
    for r in plan.refused:
        print(f"refused: {r}", file=sys.stderr)
    if result is None:
        n = len(plan.already)
        print(f"nothing to bill for {', '.join(plist)}: {n} unit/item/periods already billed, nothing written")
        return 1 if plan.refused else 0
    say_commit(result)
    if plan.already:
        print(f"already billed before (skipped): {len(plan.already)}")
    # 1 = written, but something was refused and needs a person (rate missing, reading missing)
    return 1 if plan.refused else 0


def cmd_reading(args) -> int:
    books = open_books(args)
    say_commit(billrun.record_reading(books, args.unit, args.item, args.value,
                                      periods.parse_date(args.date, "--date")))
    return 0


def cmd_standard(args) -> int:
    import difflib

    from ledger.books import layout
    from ledger.billing import standards

    books = open_books(args)
    prices = {k: v for k, v in (("residential", args.residential), ("commercial", args.commercial),
                                ("all", args.all_)) if v is not None}
    start = periods.parse_date(args.start, "--from")
    text, msg, warnings = standards.plan_rate_change(books, args.item, start, prices)
    old = books.text(layout.CONFIG)
    sys.stdout.write("".join(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                  layout.CONFIG, layout.CONFIG)))
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.dry_run:
        return 0
    result, _ = standards.change_rate(books, args.item, start, prices)
    say_commit(result)
    return 0


def cmd_check(args) -> int:
    books = open_books(args)
    if args.review:
        items = integrity.review(books.root, args.review)
        if args.json:
            print_json([i.as_dict() for i in items])
        else:
            sys.stdout.write(integrity.review_text(items))
        return 0
    checked = None
    if args.changed:
        problems, checked = integrity.check_changed(books)
    else:
        problems = integrity.check_books(books)
    if args.json:
        out = {"ok": not problems, "problems": [p._asdict() for p in problems]}
        if checked is not None:
            out["checked_files"] = checked
        print_json(out)
        return 1 if problems else 0
    for p in problems:
        print(str(p), file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    scope = "" if checked is None else f" ({len(checked)} changed file(s) checked, the rest verified when written)"
    print(f"ok: {books_dir(args)}{scope}")
    return 0


def cmd_log(args) -> int:
    books = open_books(args)
    ops = operations(books.root, args.n, cache=books.cache)
    if args.json:
        print_json([o.as_dict() for o in ops])
        return 0
    for o in ops:
        value = f"  [value {o.value_span}]" if o.value_span else ""
        print(f"{o.date[:16]}  {o.sha[:8]}  {o.author:<8}  {o.subject}{value}")
        for ch in o.standard_changes:
            print(f"    fee standard {ch}")
    return 0


def cmd_close(args) -> int:
    from ledger.books import closing

    books = open_books(args)
    result = closing.close(books, args.period)
    say_commit(result)
    if result is not None:
        plan = result.plan.effect
        print(f"tagged {plan.tag}; writes dated on or before {plan.through} are refused until "
              f"`wuye reopen {plan.period}`")
    return 0


def cmd_reopen(args) -> int:
    from ledger.books import closing

    books = open_books(args)
    say_commit(closing.reopen(books, args.period, args.reason, args.approved_by))
    return 0
