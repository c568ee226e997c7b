"""Commands that move money or obligations: pay, void, receipt, refund, waive, compensate, write-off,
late fees, statement."""
from __future__ import annotations

import sys

from ledger.payments import corrections as adjustments, pay as payments, receipts
from ledger.billing import latefees
from ledger.reports import statement
from ledger.basics.money import fmt
from ledger.basics.periods import parse_date
from ledger.community.config import CHANNELS
from ledger.collection.disputes import CATEGORIES as DISPUTE_CATEGORIES
from ledger.basics.errors import InputError

from .common import emit, open_books, print_json, say_commit


def _date(args, books, name="date"):
    v = getattr(args, name, None)
    return parse_date(v, f"--{name.replace('_', '-')}") if v else books.today()


def register(sub) -> None:
    p = sub.add_parser("pay", help="record a payment")
    p.add_argument("unit")
    p.add_argument("amount")
    p.add_argument("--channel", required=True, choices=CHANNELS)
    p.add_argument("--date")
    p.add_argument("--ref")
    p.add_argument("--payer", help="owner | tenant[:name] | relative[:name] | developer | other[:name]")
    p.add_argument("--for", dest="designated", help="ITEM:PERIOD,... the payer said the money is for")
    p.add_argument("--prepay", action="store_true", help="allow paying periods not billed yet")
    p.add_argument("--by", help="who takes the money (receipt 收款人, commit author; default: $WUYE_USER); "
                                "required to print a receipt")
    p.add_argument("--yes-large", action="store_true",
                   help="confirm an amount above 3x the unit's arrears plus a year of its charges")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pay)

    p = sub.add_parser("void", help="void a receipt (作废) with a linked reversing entry")
    p.add_argument("receipt")
    p.add_argument("--reason", required=True)
    p.add_argument("--date")
    p.add_argument("--forget-alias", action="store_true",
                   help="for an assigned queue item: also forget the payer alias that assignment taught")
    p.set_defaults(func=cmd_void)

    p = sub.add_parser("receipt", help="print a receipt (SJ...) or a refund slip (TK...)")
    p.add_argument("receipt")
    p.add_argument("--html", action="store_true")
    p.add_argument("--output")
    p.set_defaults(func=cmd_receipt)

    p = sub.add_parser("refund", help="refund from credit, reverse a payment (--receipt), or part of it "
                                      "(AMOUNT --receipt [--items])")
    p.add_argument("unit")
    p.add_argument("amount", nargs="?")
    p.add_argument("--channel", required=True, choices=CHANNELS)
    p.add_argument("--reason", required=True)
    p.add_argument("--receipt")
    p.add_argument("--date")
    p.add_argument("--forget-alias", action="store_true",
                   help="with --receipt of an assigned queue item: also forget the alias that assignment taught")
    p.add_argument("--items", help="with AMOUNT and --receipt: ITEM:PERIOD,... to reopen (default: newest first)")
    p.set_defaults(func=cmd_refund)

    p = sub.add_parser("waive", help="waive (减免) part of an item/period")
    p.add_argument("unit")
    p.add_argument("amount")
    p.add_argument("--item", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--reason", required=True)
    p.add_argument("--approved-by", required=True)
    p.add_argument("--date")
    p.set_defaults(func=cmd_waive)

    p = sub.add_parser("compensate", help="compensation (补偿) linked to a dispute")
    p.add_argument("unit")
    p.add_argument("amount")
    p.add_argument("--reason", required=True)
    p.add_argument("--dispute", help="id of the unit's open dispute (TS2026-0001)")
    p.add_argument("--open-dispute", metavar="CATEGORY", choices=list(DISPUTE_CATEGORIES),
                   help="open a dispute of this category and compensate it in one commit")
    p.add_argument("--claim", help="with --open-dispute: amount the owner claims")
    p.add_argument("--note", help="with --open-dispute: the dispute's note (default: the reason)")
    p.add_argument("--approved-by", required=True)
    p.add_argument("--mode", choices=("offset", "cash"), default="offset")
    p.add_argument("--channel", choices=CHANNELS, default="cash")
    p.add_argument("--date")
    p.add_argument("--by", help="with --open-dispute: who opened it")
    p.set_defaults(func=cmd_compensate)

    p = sub.add_parser("write-off", help="write off (核销) arrear periods")
    p.add_argument("unit")
    p.add_argument("--period", nargs="+", required=True)
    p.add_argument("--reason", required=True)
    p.add_argument("--approved-by", required=True)
    p.add_argument("--date")
    p.set_defaults(func=cmd_writeoff)

    p = sub.add_parser("late-fees", help="assess late fees (违约金) accrued to a date")
    p.add_argument("--as-of")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=cmd_late)

    p = sub.add_parser("statement", help="a unit's statement (对账单)")
    p.add_argument("unit")
    p.add_argument("--as-of")
    p.add_argument("--json", action="store_true")
    p.add_argument("--html", action="store_true")
    p.add_argument("--output")
    p.set_defaults(func=cmd_statement)


def cmd_pay(args) -> int:
    books = open_books(args)
    if not args.dry_run:
        books.unit(args.unit)  # a mistyped unit is named first, then the missing operator
        # a receipt names who took the money: the program is no person
        books.operator = books.person(args.by)
    kw = dict(ref=args.ref, payer=args.payer, designated=args.designated, prepay=args.prepay, collector=args.by)
    if not args.dry_run and not args.yes_large:
        from ledger.billing.plausible import check_plausible

        # planned first, so a wrong date or amount is named before the size of the amount
        plan = payments.plan_payment(books, args.unit, args.amount, args.channel, _date(args, books), **kw)
        check_plausible(books, plan.unit, plan.amount, plan.date)
    if args.dry_run:
        plan = payments.plan_payment(books, args.unit, args.amount, args.channel, _date(args, books), **kw)
        print(f"would record {plan.receipt}:\n{plan.summary()}")
        return 0
    plan, result = payments.record_payment(books, args.unit, args.amount, args.channel, _date(args, books), **kw)
    if args.json:
        print_json({"receipt": plan.receipt, "unit": plan.unit, "amount": plan.amount, "commit": result.commit,
                    "parts": [{"item": p.item, "period": p.period, "amount": p.amount, "kind": p.kind}
                              for p in plan.parts], "credit": plan.to_credit, "discount": plan.discount})
        return 0
    print(f"receipt {plan.receipt}: {plan.unit} ¥{fmt(plan.amount)}")
    print(plan.summary())
    say_commit(result)
    return 0


def _say_undo(undo) -> None:
    if undo.reopens:
        print(f"queue item {undo.reopens} is open again (待认领)")
    for a in undo.taught:
        if undo.forget:
            print(f"alias forgotten: {a.label}")
        else:
            print(f"alias kept: {a.label} (pass --forget-alias to forget it, or `wuye alias forget {a.key}`)")


def cmd_void(args) -> int:
    from importers.queue import undo_payment

    books = open_books(args)
    undo, result = undo_payment(books, args.receipt, "void", args.reason, date=_date(args, books),
                                forget_alias=args.forget_alias)
    _say_undo(undo)
    say_commit(result)
    return 0


def cmd_receipt(args) -> int:
    books = open_books(args)
    html = args.html or (args.output or "").endswith(".html")
    if args.receipt.upper().startswith(payments.numbering.REFUNDS.prefix):  # a refund slip (退款单)
        slip = receipts.load_refund(books, args.receipt.upper())
        emit(receipts.render_refund_html(books, slip) if html else receipts.render_refund_text(books, slip),
             args.output)
        return 0
    rec = receipts.load_receipt(books, args.receipt)
    emit(receipts.render_html(books, rec) if html else receipts.render_text(books, rec), args.output)
    return 0


def cmd_refund(args) -> int:
    books = open_books(args)
    if not args.receipt and not args.amount:
        print("wuye: refund needs an AMOUNT (from credit) or --receipt", file=sys.stderr)
        return 2
    if args.receipt and not args.amount:
        from importers.queue import undo_payment

        undo, result = undo_payment(books, args.receipt, "refund", args.reason, args.channel, _date(args, books),
                                    forget_alias=args.forget_alias, unit=args.unit)
        _say_undo(undo)
        say_commit(result)
        return 0
    if args.receipt:  # AMOUNT of a payment: a partial reversal with its own refund number
        plan, result = payments.partial_refund(books, args.unit, args.amount, args.receipt, args.channel,
                                               args.reason, _date(args, books), items=args.items)
        print(f"refund {plan.number}: {plan.unit} ¥{fmt(plan.amount)} of {plan.receipt}")
        print(payments.partial_refund_summary(plan))
        say_commit(result)
        return 0
    if args.items:
        print("wuye: --items needs --receipt (the payment the refund is part of)", file=sys.stderr)
        return 2
    _, result = payments.refund(books, args.unit, args.amount, args.channel, args.reason, _date(args, books),
                                receipt=args.receipt)
    say_commit(result)
    return 0


def cmd_waive(args) -> int:
    books = open_books(args)
    _, result = adjustments.waive(books, args.unit, args.amount, args.item, args.period, args.reason,
                                  args.approved_by, _date(args, books))
    say_commit(result)
    return 0


def cmd_compensate(args) -> int:
    if (args.dispute is None) == (args.open_dispute is None):
        raise InputError("dispute_or_open")
    books = open_books(args)
    if args.open_dispute is None:
        if args.claim is not None or args.note is not None:
            raise InputError("only_with", options="--claim/--note", option="--open-dispute")
        _, result = adjustments.compensate(books, args.unit, args.amount, args.reason, args.dispute,
                                           args.approved_by, args.mode, args.channel, _date(args, books))
    else:
        _, result = adjustments.compensate_opening(
            books, args.unit, args.amount, args.reason, args.approved_by, args.open_dispute, claim=args.claim,
            note=args.note, mode=args.mode, channel=args.channel, date=_date(args, books), by=args.by)
    say_commit(result)
    return 0


def cmd_writeoff(args) -> int:
    books = open_books(args)
    _, result = adjustments.writeoff(books, args.unit, args.period, args.reason, args.approved_by, _date(args, books))
    say_commit(result)
    return 0


def cmd_late(args) -> int:
    books = open_books(args)
    as_of = _date(args, books, "as_of")
    if args.dry_run:
        plan = latefees.plan_late_fees(books, as_of)
        print(f"would assess {fmt(plan.total)} CNY on {len(plan.entries)} units")
        return 0
    plan, result = latefees.assess(books, as_of)
    if result is None:
        print(f"no late fees accrued since the last assessment (as of {as_of}); nothing written")
        return 0
    say_commit(result)
    return 0


def cmd_statement(args) -> int:
    books = open_books(args)
    st = statement.statement(books, args.unit, _date(args, books, "as_of"))
    if args.json:
        print_json(statement.to_json(st))
        return 0
    html = args.html or (args.output or "").endswith(".html")
    emit(statement.render_html(books, st) if html else statement.render_text(books, st), args.output)
    return 0
