"""Every query on the fact cache: one named function per figure, and the only SQL outside cache.py.

The cache (ledger/books/cache.py) stores each posting with its class (`cls`), decided once at
ingest; the functions here only select and sum. They return Decimal, dataclasses or plain tuples,
never cents. A figure that two screens show comes from one function here.

One module per kind of fact (balances, billing, txns, customs, numbers, records, merge, money);
every function is read as `facts.<name>` from here.

The due-date rule is `due_date`: a charge of period P is due on the last day of P's month.
At a date D a billed, unpaid charge is 欠费 (outstanding) when due_date(P) <= D, else 未到期 (not_due).
"""
from __future__ import annotations

from ledger.books.facts._common import (  # noqa: F401
    RECEIVABLE_ACCTS, PAID_KINDS)
from ledger.books.facts.balances import (  # noqa: F401
    due_date, last_due_period, open_items, reducible_items, OpenCharge, open_charges_of, credit_balances,
    credit_last_dates, discount_available, discount_on_credit, UnitBalance, snapshot_date, unit_balances,
    LedgerBalances, ledger_balances, oldest_open_period, units_open_before, open_charges_of_units, ClassSum,
    item_class_sums)
from ledger.books.facts.billing import (  # noqa: F401
    billed_keys, billed_item_periods, last_billed_period, billed_by_period, billed_by_item,
    charges_by_unit_item_period, late_fee_assessed_to, receivable_class_rows, Activity, activity)
from ledger.books.facts.txns import (  # noqa: F401
    Txn, PostingFact, postings_of, payments_by_receipt, payments_by_ref, unit_txns, txn_amounts, reversals,
    partial_refunds_of, credit_applications_of, refund_by_number, void_of, receipt_numbers,
    payment_receipts_among, voided_receipts, unit_of_receipt, last_receipt_by, payers_of, Received,
    payments_received, live_payments, Takings, takings, settlement_payments)
from ledger.books.facts.customs import (  # noqa: F401
    CustomFact, customs, last_custom_dates, any_custom_with_meta, open_accounts, known_refs, QueueFact,
    queue_entries, QueueEvent, queue_events, queue_closings)
from ledger.books.facts.numbers import (  # noqa: F401
    used_numbers)
from ledger.books.facts.records import (  # noqa: F401
    close_events, RecordedFact, recorded_entries, AccountLine, account_lines, QueueLine, queue_register)
from ledger.books.facts.merge import (  # noqa: F401
    settled_twice, billed_twice)
from ledger.books.facts.money import (  # noqa: F401
    MONEY_PREFIXES, Movement, money_movements, account_balances, receivable_lines, all_balances,
    lowest_balance_from, daily_movements, Deposit, bank_deposits, remuneration_periods, fund_flows,
    SpendingLine, spending, balances_under, flows_under)
