"""Commands that move money between the office's own accounts, bank-deposit (cash banked) and settle
(a channel's clearing paid into the bank), and 收支: expense, common-income, remuneration (酬金制)."""
from __future__ import annotations

from ledger.basics.money import fmt
from ledger.basics.periods import parse_date
from ledger.books.entries import render
from ledger.cashbook import expenses, transfers
from ledger.community.config import CHANNELS

from .common import open_books, print_json, say_commit


def register(sub) -> None:
    p = sub.add_parser("bank-deposit", help="cash handed over to the bank (Assets:Cash -> Assets:Bank:*)")
    p.add_argument("amount")
    p.add_argument("--from", dest="source", default="cash", choices=("cash",))
    p.add_argument("--to", help="bank account, e.g. CMB or Assets:Bank:CMB (default: the bank channel's)")
    p.add_argument("--date", help="the day the bank took the cash (default today)")
    p.add_argument("--slip", help="the deposit slip's number (缴款单号)")
    p.add_argument("--by", help="operator (default: $WUYE_USER)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--dry-run", action="store_true", help="show the entry; write nothing")
    p.set_defaults(func=cmd_bank_deposit)

    p = sub.add_parser("settle", help="a channel's clearing settled into the bank (T+1)")
    p.add_argument("channel", choices=transfers.CLEARING_CHANNELS)
    p.add_argument("amount")
    p.add_argument("--date", help="the day the bank received it (default today)")
    p.add_argument("--day", help="the trading day it pays out (default the day before --date)")
    p.add_argument("--to", help="bank account, e.g. CMB or Assets:Bank:CMB (default: the bank channel's)")
    p.add_argument("--ref", help="the provider's settlement reference")
    p.add_argument("--by", help="operator (default: $WUYE_USER)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--dry-run", action="store_true", help="show the entry; write nothing")
    p.set_defaults(func=cmd_settle)

    p = sub.add_parser("expense", help="money spent (支出) by category, with its approver")
    p.add_argument("amount")
    p.add_argument("--category", required=True, help="a category of config.yaml expenses.categories (key or name)")
    p.add_argument("--channel", required=True, choices=CHANNELS)
    p.add_argument("--reason", required=True)
    p.add_argument("--approved-by", required=True, help="an operator of config.yaml (staff or collectors)")
    p.add_argument("--fund", default="operating", choices=expenses.FUNDS,
                   help="paid from: operating (default), maintenance (专项维修资金), common (公共收益)")
    p.add_argument("--date")
    p.add_argument("--ref")
    p.add_argument("--by")
    p.add_argument("--dry-run", action="store_true", help="show the entry; write nothing")
    p.set_defaults(func=cmd_expense)

    p = sub.add_parser("common-income", help="公共收益 received (ads, parking, leases): the owners' money")
    p.add_argument("amount")
    p.add_argument("--source", required=True, choices=expenses.SOURCES)
    p.add_argument("--channel", required=True, choices=CHANNELS)
    p.add_argument("--reason", required=True)
    p.add_argument("--date")
    p.add_argument("--ref")
    p.add_argument("--by")
    p.add_argument("--dry-run", action="store_true", help="show the entry; write nothing")
    p.set_defaults(func=cmd_common_income)

    p = sub.add_parser("remuneration", help="酬金制: book the company's 酬金 of a finished month")
    p.add_argument("period")
    p.add_argument("--by")
    p.set_defaults(func=cmd_remuneration)


def _day(text, what):
    return parse_date(text, what) if text else None


def _done(args, t, result) -> int:
    if args.json:
        print_json({"op": t.entry.meta["op"], "from": t.source, "to": t.target, "amount": t.amount,
                    "date": t.entry.date, "day": t.day, "commit": result.commit})
        return 0
    print(f"{t.entry.date}: {fmt(t.amount)} CNY {t.source} -> {t.target}")
    say_commit(result)
    return 0


def _preview(entry) -> int:
    """--dry-run: the entry as it would be appended (planned on the books as they are now)."""
    print(render([entry]), end="")
    print("(dry run: nothing written)")
    return 0


def cmd_bank_deposit(args) -> int:
    books = open_books(args)
    call = (args.amount, args.source, args.to, _day(args.date, "--date"), args.slip, args.by)
    if args.dry_run:
        return _preview(transfers.deposit_entry(books, *call).entry)
    t, result = transfers.bank_deposit(books, *call)
    return _done(args, t, result)


def cmd_settle(args) -> int:
    books = open_books(args)
    call = (args.channel, args.amount, _day(args.date, "--date"), _day(args.day, "--day"), args.to, args.ref, args.by)
    if args.dry_run:
        return _preview(transfers.settle_entry(books, *call).entry)
    t, result = transfers.settle(books, *call)
    return _done(args, t, result)


def _spent(s, result) -> int:
    into = s.entry.meta["op"] == "common-income"  # money came in; everything else went out
    print(f"{s.entry.date}: {fmt(s.amount)} CNY " + (f"{s.account} -> {s.money}" if into else f"{s.money} -> {s.account}"))
    say_commit(result)
    return 0


def cmd_expense(args) -> int:
    books = open_books(args)
    call = (args.amount, args.category, args.channel, args.reason, args.approved_by, _day(args.date, "--date"),
            args.fund, args.ref, args.by)
    if args.dry_run:
        return _preview(expenses.expense_entry(books, *call).entry)
    s, result = expenses.expense(books, *call)
    return _spent(s, result)


def cmd_common_income(args) -> int:
    books = open_books(args)
    call = (args.amount, args.source, args.channel, args.reason, _day(args.date, "--date"), args.ref, args.by)
    if args.dry_run:
        return _preview(expenses.common_income_entry(books, *call).entry)
    s, result = expenses.common_income(books, *call)
    return _spent(s, result)


def cmd_remuneration(args) -> int:
    books = open_books(args)
    s, result = expenses.remuneration(books, args.period, args.by)
    return _spent(s, result)
