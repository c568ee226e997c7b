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

FORMATS = ("text", "json", "csv", "xlsx", "html")
EXTRA_REPORTS = ("limitation", "targets")  # issue 7's modules, called when present


def register_report(sub) -> None:
    from ledger.reports.assemble import REPORTS

    p = sub.add_parser("report", help="reports: arrears (aging), rates, statement UNIT, disclosure (公示), "
                                      "standards, limitation, targets")
    p.add_argument("name", choices=REPORTS + EXTRA_REPORTS)
    p.add_argument("unit", nargs="?", help="the unit, for `report statement UNIT`")
    p.add_argument("--as-of", help="cut-off date (default today; for disclosure the period's last day)")
    p.add_argument("--period", help="YYYY | YYYY-Qn | YYYY-MM | YYYY-MM..YYYY-MM (default: the as-of month)")
    p.add_argument("--by", choices=("building", "item", "collector"))
    p.add_argument("--format", choices=FORMATS, help="default text, or from the --output suffix")
    p.add_argument("--output", help="write to FILE (required for xlsx)")
    p.add_argument("--commit", help="compute from the books as they were at this git commit (temporary worktree)")
    p.add_argument("--owners-only", action="store_true",
                   help="leave out developer receivables (units not handed over)")
    p.set_defaults(func=cmd_report)


def _format(args) -> str:
    if args.format:
        return args.format
    suffix = (args.output or "").rsplit(".", 1)[-1].lower() if args.output and "." in args.output else ""
    return suffix if suffix in FORMATS else "text"


def _extra_report(books, args, as_of):

    from ledger.reports.formats import Table
    from ledger.reports.assemble import Report

    if args.name == "limitation":
        from ledger.collection.limitation import limitation_report

        data = limitation_report(books, as_of or books.today())
    else:
        from ledger.collection.targets import targets_report

        if not args.period:
            raise WuyeError("report targets needs --period (YYYY-MM, YYYY-Qn or YYYY)")
        data = targets_report(books, args.period, as_of)
    tables = []
    for key, val in data.items():
        if isinstance(val, list) and val and isinstance(val[0], dict):
            heads = [k for k, v in val[0].items() if not isinstance(v, (list, dict))]
            tables.append(Table(key, heads, [[_scalar(r.get(h)) for h in heads] for r in val]))
    notes = [f"{k}: {_scalar(v)}" for k, v in data.items() if not isinstance(v, (list, dict))]
    return Report(args.name, f"{books.config.name} {args.name}", data, tables, notes)


def _scalar(v):
    if v is None or isinstance(v, (str, int)):
        return v
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def cmd_report(args) -> int:
    import sys

    from ledger.reports import formats as export, assemble as reports
    from ledger.books.folder import Books

    from .common import books_dir, emit

    fmt = _format(args)
    if fmt == "xlsx" and not args.output:
        raise WuyeError("--format xlsx needs --output FILE.xlsx")
    as_of = periods.parse_date(args.as_of, "--as-of") if args.as_of else None
    root = books_dir(args)

    def produce(books):
        if args.name in EXTRA_REPORTS:
            return _extra_report(books, args, as_of)
        return reports.build(books, args.name, args.period, as_of, args.by, args.unit,
                             developer=not args.owners_only)

    if args.commit:
        with reports.books_at(root, args.commit) as books:
            rep = produce(books)
    else:
        books = Books(root)
        try:
            rep = produce(books)
        finally:
            books.close()
    if fmt == "xlsx":
        export.write_xlsx(rep.tables, args.output)
        print(f"wrote {args.output}", file=sys.stderr)
        return 0
    ansi = fmt == "text" and not args.output and sys.stdout.isatty()
    text = reports.render(rep, fmt, ansi=ansi)
    if fmt == "csv" and args.output:
        export.write_csv(rep.tables, args.output)
        print(f"wrote {args.output}", file=sys.stderr)
        return 0
    emit(text, args.output)
    return 0
