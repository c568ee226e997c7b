"""Figures computed from a full `beancount.loader.load_file` of the books, independently of the fact
cache and of ledger/books/facts/: the reference the query layer is checked against."""
from __future__ import annotations

import datetime as dt
import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from beancount import loader
from beancount.core import data

RECV = "Assets:Receivable:Unit:"
CREDIT = "Liabilities:Credit:Unit:"
ZERO = Decimal("0.00")


def month_end(period: str) -> dt.date:
    y, m = int(period[:4]), int(period[5:7])
    return dt.date(y, m, calendar.monthrange(y, m)[1])


@dataclass
class Loaded:
    entries: list
    txns: list = field(default_factory=list)

    def receivable_items(self, as_of: dt.date) -> dict[tuple[str, str, str], Decimal]:
        """(unit, item, period) -> balance of the unit's receivable postings dated <= as_of."""
        out: dict = defaultdict(lambda: ZERO)
        for t in self.txns:
            if t.date > as_of:
                continue
            for p in t.postings:
                if p.account.startswith(RECV):
                    m = p.meta or {}
                    out[(p.account[len(RECV):], m.get("item"), m.get("period"))] += p.units.number
        return dict(out)

    def account_balances(self, as_of: dt.date, prefix: str) -> dict[str, Decimal]:
        out: dict = defaultdict(lambda: ZERO)
        for t in self.txns:
            if t.date <= as_of:
                for p in t.postings:
                    if p.account.startswith(prefix):
                        out[p.account[len(prefix):]] += p.units.number
        return dict(out)

    def unit_figures(self, as_of: dt.date) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
        """unit -> (outstanding, not_due, credit): due = the last day of the charge's month <= as_of."""
        out: dict = defaultdict(lambda: [ZERO, ZERO, ZERO])
        for (u, _item, period), amt in self.receivable_items(as_of).items():
            out[u][0 if month_end(period) <= as_of else 1] += amt
        for u, bal in self.account_balances(as_of, CREDIT).items():
            out[u][2] = -bal
        return {u: tuple(v) for u, v in out.items()}

    def receivable_of_period(self, first: str, last: str, as_of: dt.date) -> Decimal:
        """当期应收 of the periods first..last (owners' receivables, no late fees): charges minus the
        reductions on them (waived, compensated, discount), postings dated <= as_of."""
        total = ZERO
        for t in self.txns:
            if t.date > as_of:
                continue
            for p in t.postings:
                m = p.meta or {}
                if not p.account.startswith(RECV) or m.get("item") in (None, "LATE"):
                    continue
                if not (first <= (m.get("period") or "") <= last):
                    continue
                kind = m.get("kind")
                if kind is None and p.units.number > 0:
                    total += p.units.number
                elif kind in ("waived", "compensated", "discount"):
                    total += p.units.number
        return total


def load(root) -> Loaded:
    entries, errors, _ = loader.load_file(str(root / "main.beancount"))
    assert not errors, errors
    return Loaded(entries, [e for e in entries if isinstance(e, data.Transaction)])
