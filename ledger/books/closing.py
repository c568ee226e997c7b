"""Period close: a month's closing balances asserted in the ledger, the commit tagged, later writes
dated in it refused until it is reopened.

`wuye close 2026-11` writes, in txns/closes/2026-11.beancount, a balance assertion dated 2026-12-01 for
every unit's receivable and credit account, the developer's, and each money, clearing, transit and
suspense account (what they hold after every entry dated up to 2026-11-30), and a `custom "wuye-close"`
in the month file of the day it is done; the commit is tagged close/2026-11. Months close in order: the
first close may be any month that is over (it covers everything before it), each later one is the month
after the last closed. A closed month covers every date up to its end: a write dated there is refused
by the writer (`refuse_closed`, one check for every command). `wuye reopen 2026-11 --reason ..
--approved-by ..` (only the last closed month) writes a `custom "wuye-reopen"` and turns that month's
assertions into comments (the tag keeps them as they were), so the books load while it is corrected;
closing it again asserts the new balances and tags close/2026-11-2.

The state is read from the fact cache (the close and reopen directives), never by parsing the ledger.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ledger.basics import accounts as acc, periods
from ledger.basics.errors import InputError, PeriodClosedError
from ledger.basics.money import q
from ledger.books import entries as beans, facts, git as vcs, layout
from ledger.books.plan import Plan

CLOSE = "wuye-close"
REOPEN = "wuye-reopen"
TAG_PREFIX = "close/"
# what a close asserts: receivables and credits (units and developer), and where money sits
CLOSED_ACCOUNTS = (acc.RECEIVABLE, acc.DEVELOPER, acc.CREDIT, acc.DEVELOPER_CREDIT, acc.CASH, "Assets:Bank",
                   "Assets:Clearing", acc.TRANSIT, acc.SUSPENSE)


@dataclass(frozen=True)
class CloseState:
    closed: tuple[str, ...]  # months closed now, oldest first (contiguous: closes go in order)
    closed_on: dict  # month -> date of its latest close

    @property
    def latest(self) -> str | None:
        return self.closed[-1] if self.closed else None

    @property
    def through(self) -> dt.date | None:
        """The last date a write may not be dated on (the end of the latest closed month)."""
        return periods.end(self.latest) if self.latest else None


def state(cache) -> CloseState:
    closed: list[str] = []
    closed_on: dict[str, dt.date] = {}
    for ev in facts.close_events(cache):
        period = str(ev.vals[0]) if ev.vals else ""
        if ev.type == CLOSE:
            if period not in closed:
                closed.append(period)
            closed_on[period] = ev.date
        elif period in closed:
            closed.remove(period)
    return CloseState(tuple(sorted(closed)), closed_on)


def refuse_closed(books, plan: Plan) -> None:
    """The writer's one check: a plan that writes into the month file of a closed month is refused."""
    _refuse_files(books, plan.files)


def refuse_closed_entries(books, entries) -> None:
    """The same check on entries not yet in a plan: a preview says at once what Ctrl+S would refuse."""
    refuse_closed_dates(books, [e.date for e in entries if e is not None])


def refuse_closed_dates(books, dates) -> None:
    _refuse_files(books, sorted({layout.month_file(d) for d in dates}))


def _refuse_files(books, files) -> None:
    st = state(books.cache)
    if st.through is None:
        return
    for rel in files:
        month = layout.month_of_file(rel)
        if month and month <= st.latest:
            raise PeriodClosedError("period_closed", period=month, through=st.through.isoformat(),
                                    closed_on=st.closed_on[st.latest].isoformat(), file=rel, latest=st.latest)


def _tags(root, period: str) -> list[str]:
    """Tags of the closes of `period`, first close first: close/P, close/P-2, ..."""
    names = set(vcs.tags(root, f"{TAG_PREFIX}{period}*"))
    out = [f"{TAG_PREFIX}{period}"] if f"{TAG_PREFIX}{period}" in names else []
    n = 2
    while f"{TAG_PREFIX}{period}-{n}" in names:
        out.append(f"{TAG_PREFIX}{period}-{n}")
        n += 1
    return out


def close_tag(root, period: str) -> str:
    """The tag of the latest close of `period` (what `--as-of-close` reads the books at)."""
    period = periods.parse_period(period)
    tags = _tags(root, period)
    if not tags:
        closed = sorted({t[len(TAG_PREFIX):len(TAG_PREFIX) + 7] for t in vcs.tags(root, TAG_PREFIX + "*")})
        raise InputError("close_tag_missing", period=period, closed=", ".join(closed) or "—")
    return tags[-1]


@dataclass(frozen=True)
class ClosePlan:
    period: str
    through: dt.date
    balances: tuple[tuple[str, Decimal], ...]
    tag: str

    def summary(self) -> dict:
        groups: dict[str, Decimal] = {}
        for account, value in self.balances:
            key = ("receivable" if account.startswith((acc.RECEIVABLE, acc.DEVELOPER)) else
                   "credit" if account.startswith((acc.CREDIT, acc.DEVELOPER_CREDIT)) else "money")
            groups[key] = groups.get(key, Decimal("0")) + value
        return groups


def close_operation(period: str):
    period = periods.parse_period(period)

    def operation(b) -> Plan:
        st = state(b.cache)
        today = b.today()
        if period in st.closed:
            raise InputError("close_already", period=period, closed_on=st.closed_on[period].isoformat())
        start = periods.period_of(b.config.books_start)
        if period < start:
            raise InputError("close_before_start", period=period, start=start)
        if st.latest and period != periods.add(st.latest, 1):
            raise InputError("close_out_of_order", period=period, next=periods.add(st.latest, 1))
        if periods.end(period) >= today:
            raise InputError("close_not_over", period=period, today=today.isoformat())
        through = periods.end(period)
        found = facts.account_balances(b.cache, through, CLOSED_ACCOUNTS)
        # a parent with open children would be asserted with their sum: assert the leaves only
        leaves = {a: v for a, v in found.items() if not any(o.startswith(a + ":") for o in found)}
        day = through + dt.timedelta(days=1)
        asserts = [beans.balance(day, a, v) for a, v in sorted(leaves.items())]
        n = len(_tags(b.root, period))
        tag = f"{TAG_PREFIX}{period}" + (f"-{n + 1}" if n else "")
        mark = beans.custom(today, CLOSE, [period], {"through": through.isoformat(), "accounts": str(len(asserts)),
                                                     "tag": tag})
        plan = ClosePlan(period, through, tuple(sorted(leaves.items())), tag)
        sums = plan.summary()
        msg = (f"close {period}: {len(asserts)} closing balances as of {through} (asserted {day}), tag {tag}\n\n"
               + "".join(f"{k}: {q(v)}\n" for k, v in sorted(sums.items())))
        return Plan(msg, {layout.close_file(period): beans.render(asserts),
                          layout.month_file(today): beans.render([mark])}, {}, plan, tag=tag)

    return operation


def reopen_operation(period: str, reason: str, approved_by: str):
    from ledger.community.privacy import clean_text

    period = periods.parse_period(period)

    def operation(b) -> Plan:
        st = state(b.cache)
        if period not in st.closed:
            raise InputError("reopen_not_closed", period=period)
        if period != st.latest:
            raise InputError("reopen_not_last", period=period, latest=st.latest)
        why = clean_text(b, reason, "--reason")
        who = clean_text(b, approved_by, "--approved-by")
        today = b.today()
        mark = beans.custom(today, REOPEN, [period], {"reason": why, "approved-by": who})
        rel = layout.close_file(period)
        kept = beans.commented(b.text(rel), f"reopened {today} ({why}); the closed balances are at tag "
                                            f"{_tags(b.root, period)[-1] if _tags(b.root, period) else '-'}")
        msg = f"reopen {period}: {why} (approved by {who})\n"
        return Plan(msg, {layout.month_file(today): beans.render([mark])}, {rel: kept}, mark)

    return operation


def close(books, period: str):
    return books.commit(close_operation(period))


def reopen(books, period: str, reason: str, approved_by: str):
    return books.commit(reopen_operation(period, reason, approved_by))
