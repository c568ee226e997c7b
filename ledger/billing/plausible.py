"""How much one payment to a unit plausibly is: three times what it owes plus a year of its charges.

Above that a payment is still allowed, but a person confirms it twice (the TUI asks again, the CLI
wants --yes-large): ¥99,999,999.00 typed against ¥11,000 of arrears is a typo, not a prepayment."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ledger.basics.money import ZERO
from ledger.billing.charges import monthly_charge


def plausible_limit(books, unit: str, day: dt.date | None = None) -> Decimal:
    from ledger.books import facts

    u = books.unit(unit)
    day = day or books.today()
    b = facts.unit_balances(books.cache, day, u.unit).get(u.unit) or facts.UnitBalance(u.unit)
    owed = b.outstanding + b.not_due
    # metered items have no monthly figure before a reading: they count as nothing here
    year = sum((monthly_charge(f, u, day) or ZERO for f in books.config.fees.values()), ZERO) * 12
    return 3 * owed + year


def check_plausible(books, unit: str, amount: Decimal, day: dt.date | None = None) -> None:
    """Refuses an implausible amount (the CLI's check unless --yes-large is given)."""
    from ledger.basics.errors import InputError
    from ledger.basics.money import fmt

    limit = plausible_limit(books, unit, day)
    if amount > limit:
        raise InputError("implausible_amount", amount=fmt(amount), unit=books.unit(unit).unit, limit=fmt(limit))
