"""Where each figure of an extension page leads: Fava's journal (or, for posting-level figures, Fava's
query) filtered to exactly the postings the figure sums.

- A unit's 欠费 as of D (D the last day of a month): the journal of its receivable account with
  time `<books start> - D` (every charge dated <= D is due by D, so the balance is the figure); the
  developer's rows: the developer account with the filter `unit:"^<unit>$"`.
- A unit's 预存款: the journal of its credit account, same time (the balance is minus the figure).
- Figures that take some postings of an entry (an aging bucket, a building, an item, a rate's
  numerator or denominator, a cut-off that is not a month end): Fava's query page with a
  `SELECT ... WHERE` on the same posting facts the report folds (account, period, kind, item, date).
  Its `balance` column ends at the figure.
Every link sets `account=` and `filter=` itself, so the link shows the figure's postings whatever
filter the page was opened with.
"""
from __future__ import annotations

import datetime as dt
import re

from ledger.basics import accounts as acc
from ledger.books import facts

OWNER_RE = "^Assets:Receivable:Unit:"
ANY_RE = "^Assets:Receivable:(Unit:|Developer$)"
_PAID = "current|arrears|prepay|credit"


def month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def time_range(first: dt.date, last: dt.date) -> str:
    return f"{first.isoformat()} - {last.isoformat()}"


_PLAIN = re.compile(r"^[0-9A-Za-z_-]+$")


def _plain(word: str) -> str:
    """A unit id or item code as a regex/literal part: they are [0-9A-Za-z_-] (parse.is_unit_id), which
    needs no escaping in Fava's filter or beanquery's regex; anything else is refused."""
    if not _PLAIN.match(word):
        raise ValueError(f"not a plain id: {word!r}")
    return word


def unit_filter(unit: str) -> str:
    return f'unit:"^{_plain(unit)}$"'


def _q(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def units_re(units) -> str:
    return "^(" + "|".join(_plain(u) for u in sorted(units)) + ")$" if units else "^$"


def select(where: list[str]) -> str:
    return ("SELECT date, flag, narration, account, any_meta('period') AS period, any_meta('item') AS item, "
            "any_meta('kind') AS kind, position, balance WHERE " + " AND ".join(f"({w})" for w in where)
            + " ORDER BY date")


def receivable_where(as_of: dt.date, developer: bool = True, units=None, unit: str | None = None,
                     debtor: str | None = None) -> list[str]:
    """Receivable postings dated <= D: owners' (and the developer's) accounts, optionally one unit/debtor."""
    if unit is not None:
        account = acc.DEVELOPER if debtor == "developer" else acc.RECEIVABLE + unit
        w = [f"account = {_q(account)}"]
        if debtor == "developer":
            w.append(f"any_meta('unit') = {_q(unit)}")
    else:
        w = [f"account ~ {_q(ANY_RE if developer else OWNER_RE)}"]
    if units is not None:
        w.append(f"any_meta('unit') ~ {_q(units_re(units))}")
    w.append(f"date <= {as_of.isoformat()}")
    return w


def open_where(as_of: dt.date, first_period: str | None = None, last_period: str | None = None, **kw) -> list[str]:
    """The postings of charges due by D (optionally of periods first..last): their sum is what is open."""
    w = receivable_where(as_of, **kw)
    w.append(f"any_meta('period') <= {_q(min(last_period or '9999-99', facts.last_due_period(as_of)))}")
    if first_period:
        w.append(f"any_meta('period') >= {_q(first_period)}")
    return w


def bucket_periods(bucket_of, as_of: dt.date, start: dt.date) -> dict[str, tuple[str, str]]:
    """Aging bucket -> (first period, last period) of the due months in it, from the one bucket rule."""
    out: dict[str, tuple[str, str]] = {}
    y, m = start.year, start.month
    last = facts.last_due_period(as_of)
    while f"{y:04d}-{m:02d}" <= last:
        p = f"{y:04d}-{m:02d}"
        b = bucket_of(p, as_of)
        lo, hi = out.get(b, (p, p))
        out[b] = (min(lo, p), max(hi, p))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def rate_where(figure: str, first: str, last: str, period_start: dt.date, period_end: dt.date, as_of: dt.date,
               excluded, developer: bool = True, units=None, item: str | None = None) -> list[str] | None:
    """The receivable postings behind one rate figure (rates.fold is the definition; this selects the
    same postings). Collected, recovered and the reductions are minus the sum of their postings (they
    credit the receivable); overall_num/overall_den are 综合收缴率's numerator and denominator.
    None: a figure that is not a set of postings (a count)."""
    w = receivable_where(as_of, developer, units)
    if item is not None:  # one item's figures (the 公示's item table, pass-through items included)
        w.append(f"any_meta('item') = {_q(_plain(item))}")
    else:
        w.append(f"NOT (any_meta('item') ~ {_q('^(' + '|'.join(_plain(x) for x in excluded) + ')$')})")
    in_p = f"any_meta('period') >= {_q(first)} AND any_meta('period') <= {_q(last)}"
    paid = f"any_meta('kind') ~ '^({_PAID})$'"
    charge = "any_meta('kind') IS NULL AND number > 0"
    earlier = f"any_meta('period') < {_q(first)}"
    parts = {
        "billed": f"{in_p} AND {charge}",
        "receivable": f"{in_p} AND (({charge}) OR any_meta('kind') ~ '^(waived|compensated|discount)$')",
        "collected": f"{in_p} AND {paid}",
        "open": in_p,
        "opening_arrears": f"{earlier} AND date < {period_start.isoformat()}",
        "recovered": f"{earlier} AND date >= {period_start.isoformat()} AND date <= {period_end.isoformat()} "
                     f"AND {paid}",
    }
    for k in ("waived", "compensated", "written_off", "discount"):  # the figure is minus their sum
        parts[k] = f"{in_p} AND any_meta('kind') = {_q(k)}"
    parts["overall_num"] = f"({parts['collected']}) OR ({parts['recovered']})"
    parts["overall_den"] = f"({parts['receivable']}) OR ({parts['opening_arrears']})"
    if figure not in parts:
        return None
    return w + [parts[figure]]
