"""Allocation of money to open items: the one place the order is decided.

Order: what the payer designated (in the order given), then the oldest period first, principal before
late fees, and within a period the item priority from config. What is left goes to the unit's credit.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ledger.community.config import LATE_FEE_ITEM
from ledger.basics.money import ZERO


@dataclass(frozen=True)
class OpenItem:
    item: str
    period: str
    amount: Decimal


@dataclass(frozen=True)
class Part:
    item: str
    period: str
    amount: Decimal
    kind: str


def collection_kind(period: str, paid_in: str) -> str:
    """当期 / 欠费追回 / 预交, by the charge's period against the month the money came in."""
    if period == paid_in:
        return "current"
    return "arrears" if period < paid_in else "prepay"


def order(items: list[OpenItem], priority: dict[str, int],
          designated: list[tuple[str, str]] = ()) -> list[OpenItem]:
    first = []
    rest = [i for i in items if i.amount > 0]
    for item, period in designated:
        for oi in rest:
            if oi.item == item and oi.period == period:
                first.append(oi)
        rest = [oi for oi in rest if not (oi.item == item and oi.period == period)]
    rest.sort(key=lambda oi: (oi.item == LATE_FEE_ITEM, oi.period, priority.get(oi.item, 999), oi.item))
    return first + rest


def allocate(amount: Decimal, items: list[OpenItem], paid_in: str, priority: dict[str, int],
             designated: list[tuple[str, str]] = (), kind: str | None = None,
             only_designated: bool = False) -> tuple[list[Part], Decimal]:
    """Split `amount` over open items; returns the parts and the remainder (for credit).

    `kind` overrides the collection kind (e.g. 'compensated'); `only_designated` stops after the
    designated items, as when a payer says exactly what the money is for.
    """
    left = Decimal(amount)
    parts: list[Part] = []
    queue = order(items, priority, designated)
    if only_designated and designated:
        wanted = set(designated)
        queue = [oi for oi in queue if (oi.item, oi.period) in wanted]
    for oi in queue:
        if left <= 0:
            break
        use = min(left, oi.amount)
        parts.append(Part(oi.item, oi.period, use, kind or collection_kind(oi.period, paid_in)))
        left -= use
    return parts, max(left, ZERO)
