"""A charge two offices both took the money for (found when their books are merged, ledger/books/sync.py).

Two ways out, each one appended entry (the payments themselves are never edited; their receipts were
printed and stay valid):
- to credit: this office's payment stays, the part of it that settled the charge goes to the unit's
  credit (预存) — op `reallocate`, meta `receipt` of the payment: receivable + (the settlement undone,
  same kind) and credit - (kind `prepay`), so 实收 of the period counts the other office's payment once;
- void: this office's receipt is voided (作废) as `wuye void` does (the money handed back).
"""
from __future__ import annotations

from decimal import Decimal

from ledger.basics import accounts as acc
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO, fmt
from ledger.books import entries as beans, facts
from ledger.books.plan import Plan, appending
from ledger.community.privacy import clean_text
from ledger.payments.pay import _payment, reversal


def to_credit_operation(receipt: str, keys: list[tuple[str, str]], reason: str):
    def operation(books) -> Plan:
        why = clean_text(books, reason, "--reason")
        orig, unit = _payment(books, receipt)
        open_now = facts.open_items(books.cache, unit=unit, debtor="all")
        postings, moved = [], ZERO
        for p in orig.postings:
            meta = p.meta or {}
            key = (meta.get("item"), meta.get("period"))
            if not p.account.startswith(acc.RECEIVABLE) and not p.account.startswith(acc.DEVELOPER):
                continue
            if key not in keys or p.units.number >= 0:
                continue
            # undo no more than what is over-settled now (the receivable back to zero, never above)
            over = -open_now.get((unit, key[0], key[1]), ZERO)
            amount = min(-p.units.number, over) if over > 0 else Decimal(0)
            if amount <= 0:
                continue
            kept = {k: v for k, v in meta.items() if k in ("item", "period", "kind", "unit")}
            postings.append(beans.posting(p.account, amount, kept))
            moved += amount
        if not moved:
            raise InputError("nothing_settled_twice", receipt=receipt)
        postings.append(beans.posting(acc.credit(unit), -moved, {"kind": "prepay"}))
        entry = beans.txn(books.today(), f"改为预存 {receipt} {unit}", postings,
                          {"op": "reallocate", "unit": unit, "receipt-of": receipt, "reason": why,
                           "collector": books.collector()}, tags=("reallocate",), links=(receipt,))
        return appending([entry], f"sync: {receipt} ({unit}) {fmt(moved)} CNY to credit: {why}\n", entry)
    return operation


def void_operation(receipt: str, reason: str):
    def operation(books) -> Plan:
        entry = reversal(books, receipt, books.today(), "void", reason)
        return appending([entry], f"void {receipt} ({entry.meta['unit']}): {reason.strip()}\n", entry)
    return operation
