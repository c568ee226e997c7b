"""Reading commands: arrears, statement, reports."""
from __future__ import annotations

import datetime as dt

from ledger.basics import periods
from ledger.basics.errors import WuyeError
from ledger.reports.openitems import arrears_summary

from .common import open_books, print_json


def register(sub) -> None:
    p = sub.add_parser("arrears", help="outstanding per unit")
    p.add_argument("--as-of")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_arrears)
    register_report(sub)


def arrears_data(books, as_of: dt.date) -> dict:
    return arrears_summary(books.cache, as_of)


def cmd_arrears(args) -> int:
    books = open_books(args)
    as_of = periods.parse_date(args.as_of, "--as-of") if args.as_of else books.today()
    data = arrears_data(books, as_of)
    if args.json:
        print_json(data)
        return 0
    led = data["ledger"]
    print(f"arrears as of {data['as_of']}: total {data['total']} CNY, {len(data['units'])} units")
    print(f"  not due {data['not_due_total']}, credit {data['credit_total']}, developer {data['developer_total']}; "
          f"ledger receivable {led['receivable']} = outstanding + not due, ledger credit {led['credit']}")
    for r in data["units"]:
        dev = f"  developer {r['developer']}" if "developer" in r else ""
        print(f"  {r['unit']:<10} {r['outstanding']:>12}  not due {r['not_due']:>10}  since {r['oldest_period'] or '-':<8} "
              f"credit {r['credit']}{dev}")
    return 0


# --- wuye report NAME ---------------------------------------------------------------------------

FORMATS = ("text", "json", "csv", "xlsx", "html", "pdf")


def register_report(sub) -> None:
    from ledger.reports.assemble import REPORTS

    p = sub.add_parser("report", help="reports: arrears (aging), rates, statement UNIT, disclosure (公示), "
                                      "standards, limitation, targets, reconciliation (资金对账)")
    p.add_argument("name", choices=REPORTS)
    p.add_argument("unit", nargs="?", help="the unit, for `report statement UNIT`")
    p.add_argument("--as-of", "--date", dest="as_of",
                   help="cut-off date (default today; for disclosure the period's last day; daily: the day)")
    p.add_argument("--period", help="YYYY | YYYY-Qn | YYYY-MM | YYYY-MM..YYYY-MM (default: the as-of month; "
                                    "disclosure: the last complete month, or `year` for the last complete year)")
    p.add_argument("--by", choices=("building", "item", "collector"))
    p.add_argument("--format", choices=FORMATS, help="default text, or from the --output suffix")
    p.add_argument("--output", help="write to FILE (required for xlsx)")
    p.add_argument("--commit", help="compute from the books as they were at this git commit (temporary worktree)")
    p.add_argument("--as-of-close", metavar="YYYY-MM",
                   help="compute from the books as they were closed (tag close/YYYY-MM), as of that month's end")
    p.add_argument("--days", type=int, help="backdated: list entries recorded more than N days after their date "
                                            "(default 3)")
    p.add_argument("--allow-future", action="store_true", help="allow a cut-off after today (a projection)")
    p.add_argument("--owners-only", action="store_true",
                   help="leave out developer receivables (units not handed over)")
    p.set_defaults(func=cmd_report)


def _format(args) -> str:
    if args.format:
        return args.format
    suffix = (args.output or "").rsplit(".", 1)[-1].lower() if args.output and "." in args.output else ""
    return suffix if suffix in FORMATS else "text"


def cmd_report(args) -> int:
    import sys

    from ledger.reports import assemble as reports
    from ledger.books.folder import Books

    from .common import books_dir, emit

    fmt = _format(args)
    if fmt in ("xlsx", "pdf") and not args.output:
        raise WuyeError(f"--format {fmt} needs --output FILE.{fmt}")
    as_of = periods.parse_date(args.as_of, "--as-of") if args.as_of else None
    root = books_dir(args)
    if args.as_of_close:
        from ledger.books.closing import close_tag

        if args.commit:
            raise WuyeError("--as-of-close and --commit name the same thing; give one")
        args.commit = close_tag(root, args.as_of_close)
        as_of = as_of or periods.end(periods.parse_period(args.as_of_close))

    def produce(books):
        return reports.build(books, args.name, args.period, as_of, args.by, args.unit,
                             developer=not args.owners_only, days=args.days, allow_future=args.allow_future)

    if args.commit:
        with reports.books_at(root, args.commit) as books:
            rep = produce(books)
    else:
        books = Books(root)
        try:
            rep = produce(books)
        finally:
            books.close()
    if args.output and fmt in reports.EXPORT_FORMATS:
        # the same bytes as the TUI's export of this report (tui/core/reports.py)
        reports.write_export(rep, fmt, args.output)
        print(f"wrote {args.output}", file=sys.stderr)
        return 0
    ansi = fmt == "text" and not args.output and sys.stdout.isatty()
    emit(reports.render(rep, fmt, ansi=ansi), args.output)
    return 0
