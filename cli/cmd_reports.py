"""Reading commands: arrears, statement, reports."""
from __future__ import annotations

import datetime as dt

from ledger import periods
from ledger.money import plain
from ledger.openitems import unit_totals

from .common import open_books, print_json


def register(sub) -> None:
    p = sub.add_parser("arrears", help="outstanding per unit")
    p.add_argument("--as-of")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_arrears)


def arrears_data(books, as_of: dt.date) -> dict:
    rows = []
    total = 0
    for unit, t in sorted(unit_totals(books.cache, as_of).items()):
        if t["outstanding"] <= 0 and t["credit"] <= 0:
            continue
        rows.append({"unit": unit, "outstanding": plain(t["outstanding"]), "oldest_period": t["oldest"],
                     "credit": plain(t["credit"])})
        total += t["outstanding"]
    return {"as_of": as_of.isoformat(), "total": plain(total), "units": rows}


def cmd_arrears(args) -> int:
    books = open_books(args)
    as_of = periods.parse_date(args.as_of, "--as-of") if args.as_of else books.today()
    data = arrears_data(books, as_of)
    if args.json:
        print_json(data)
        return 0
    print(f"arrears as of {data['as_of']}: total {data['total']} CNY, {len(data['units'])} units")
    for r in data["units"]:
        print(f"  {r['unit']:<10} {r['outstanding']:>12}  since {r['oldest_period'] or '-':<8} credit {r['credit']}")
    return 0
