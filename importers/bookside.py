"""What the books already hold that an import needs: accounts, imported files, refs, charges."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from ledger.books import facts
from ledger.books.create import missing_opens
from ledger.billing.charges import monthly_charge
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO, fmt
from ledger.payments.pay import PaymentState

IMPORT_TYPE = "wuye-import"


def ensure_accounts(books, names) -> dict[str, str]:
    """Open directives for accounts the books do not have yet (books created before the account was
    added to ledger.create.base_accounts). Returns {accounts.beancount: text to append} or {}."""
    return missing_opens(books, names)


def imported_files(books) -> dict[str, dict]:
    """sha256 -> {name, date, meta} of every file recorded by a wuye-import directive."""
    out = {}
    for c in facts.customs(books.cache, IMPORT_TYPE):
        v = c.vals
        if len(v) >= 2:
            out[v[1]] = {"name": v[0], "date": c.date.isoformat(), "meta": c.meta}
    return out


def known_refs(books) -> tuple[dict[tuple[str, str], tuple], set[str]]:
    """(channel, ref) -> (op, file, lineno, meta) of imported/recorded transactions, and every link."""
    return facts.known_refs(books.cache)


class Charges:
    """Monthly charge per unit and item (only to suggest units whose charge equals an amount)."""

    def __init__(self, books):
        self.books = books
        self._by_amount: dict[tuple[str, Decimal], list[str]] | None = None
        self._day: dt.date | None = None

    def suggest(self, amount: Decimal, day: dt.date) -> list[str]:
        if self._by_amount is None or self._day != day.replace(day=1):
            self._day = day.replace(day=1)
            self._by_amount = defaultdict(list)
            cfg = self.books.config
            for u in self.books.units.values():
                total = ZERO
                for code, item in cfg.fees.items():
                    monthly = monthly_charge(item, u, day)
                    if monthly is None:
                        continue
                    total += monthly
                    self._by_amount[monthly].append((u.unit, f"{u.unit} ({code} monthly {fmt(monthly)})"))
                if total:
                    self._by_amount[total].append((u.unit, f"{u.unit} (all items monthly {fmt(total)})"))
        seen, hits = set(), []
        for uid, text in self._by_amount.get(amount, []):
            if uid not in seen:
                seen.add(uid)
                hits.append(text)
        more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
        return [f"{h}: amount equals its monthly charge — amount only, NOT a match" for h in hits[:5]] + (
            [f"…{more}"] if more else [])


class ImportState(PaymentState):
    """PaymentState for an import: every (channel, ref) of the batch was already checked against the
    books in one query (Planner.mark_duplicates), so only the in-batch check remains here (the core's
    per-payment lookup scans every void/refund and dominated a 10,000-row import)."""

    def check_ref(self, channel: str, ref: str) -> None:
        if (channel, ref) in self.refs:
            raise InputError(f"{channel} reference {ref} appears twice in this batch")
        self.refs.add((channel, ref))
