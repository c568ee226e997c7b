"""The open-item model: what each unit owes per (item, period), derived from ledger postings alone.

Every screen, report and export reads balances through these functions.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ledger.books import facts
from ledger.books.cache import FactCache
from ledger.basics.labels import zh

# How a settlement posting on a receivable is classified (posting meta `kind`).
PAID_KINDS = ("current", "arrears", "prepay", "credit")
KIND_LABELS = zh("kind")


@dataclass
class ItemLine:
    unit: str
    item: str
    period: str
    billed: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    waived: Decimal = Decimal("0.00")
    compensated: Decimal = Decimal("0.00")
    written_off: Decimal = Decimal("0.00")
    discount: Decimal = Decimal("0.00")  # 预交优惠 granted on this charge: a reduction, never paid
    open: Decimal = Decimal("0.00")
    debtor: str = "unit"

    @property
    def status(self) -> str:
        if self.open == 0:
            if self.written_off:
                return "written_off"
            if self.paid == 0 and self.compensated:
                return "compensated"
            if self.paid == 0 and self.waived:
                return "waived"
            return "paid"
        if self.paid or self.waived or self.compensated or self.written_off:
            return "partly_paid"
        return "open"


open_items = facts.open_items
credit_balances = facts.credit_balances
billed_keys = facts.billed_keys
last_billed_period = facts.last_billed_period
due_date = facts.due_date


def item_lines(cache: FactCache, unit: str, as_of: dt.date | None = None, debtor: str = "unit") -> list[ItemLine]:
    """Every (item, period) ever billed for the unit, with how it was settled.

    debtor: 'unit' (the owner's receivable), 'developer' (billed to the developer before handover) or 'all'.
    """
    lines: dict[tuple[str, str, str], ItemLine] = {}
    for r in facts.item_class_sums(cache, unit, as_of, debtor):
        who = "developer" if r.acct == "dev" else "unit"
        ln = lines.setdefault((r.item, r.period, who), ItemLine(unit, r.item, r.period, debtor=who))
        ln.open += r.amount
        # the class was decided at ingest (ledger/books/cache.posting_class)
        if r.cls in ("paid", "waived", "compensated", "written_off", "discount"):
            setattr(ln, r.cls, getattr(ln, r.cls) - r.amount)
        else:
            ln.billed += r.amount
    return sorted(lines.values(), key=lambda x: (x.debtor != "unit", x.period, x.item))


def unit_totals(cache: FactCache, as_of: dt.date | None = None) -> dict[str, dict]:
    """Per unit: outstanding (due and open), not_due, oldest due period, credit (see facts.unit_balances)."""
    return {u: {"outstanding": b.outstanding, "not_due": b.not_due, "oldest": b.oldest_period, "credit": b.credit}
            for u, b in facts.unit_balances(cache, as_of or dt.date.max).items()
            if b.outstanding or b.not_due or b.credit}


def arrears_summary(cache: FactCache, as_of: dt.date) -> dict:
    """The `wuye arrears --json` contract: per unit what the owner owes and when (outstanding = due
    on or before as_of, not_due = billed and due later), the oldest due period, the unit's credit and
    what the developer still owes for it; at the top the totals and the ledger's own balances, so that
    receivable == total + not_due_total and credit == credit_total can be read off the output."""
    from ledger.basics.money import plain

    zero = Decimal("0.00")
    rows = []
    total = not_due_total = credit_total = dev_total = zero
    for unit, b in sorted(facts.unit_balances(cache, as_of).items()):
        if not (b.outstanding or b.not_due or b.credit or b.developer):
            continue
        row = {"unit": unit, "outstanding": plain(b.outstanding), "not_due": plain(b.not_due),
               "oldest_period": b.oldest_period, "credit": plain(b.credit)}
        if b.developer:
            row["developer"] = plain(b.developer)
        rows.append(row)
        total += b.outstanding
        not_due_total += b.not_due
        credit_total += b.credit
        dev_total += b.developer
    led = facts.ledger_balances(cache, as_of)
    return {"as_of": as_of.isoformat(), "total": plain(total), "not_due_total": plain(not_due_total),
            "credit_total": plain(credit_total), "developer_total": plain(dev_total),
            "ledger": {"receivable": plain(led.receivable), "developer": plain(led.developer),
                       "credit": plain(led.credit)},
            "units": rows}
