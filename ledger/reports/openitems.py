"""The open-item model: what each unit owes per (item, period), derived from ledger postings alone.

Every screen, report and export reads balances through these functions.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ledger.books.cache import FactCache
from ledger.basics.labels import zh
from ledger.basics.money import from_cents

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


def _date_clause(as_of: dt.date | None) -> tuple[str, tuple]:
    return (" AND date <= ?", (as_of.isoformat(),)) if as_of else ("", ())


def open_items(cache: FactCache, unit: str | None = None, as_of: dt.date | None = None,
               debtor: str = "unit") -> dict[tuple[str, str, str], Decimal]:
    """{(unit, item, period): open amount} for items with a non-zero balance."""
    acct = "ar" if debtor == "unit" else "dev"
    sql = "SELECT unit, item, period, SUM(cents) FROM postings WHERE acct=?"
    args: tuple = (acct,)
    if unit:
        sql += " AND unit=?"
        args += (unit,)
    dc, da = _date_clause(as_of)
    sql += dc + " GROUP BY unit, item, period HAVING SUM(cents) != 0"
    return {(u, i, p): from_cents(c) for u, i, p, c in cache.q(sql, args + da)}


def credit_balances(cache: FactCache, unit: str | None = None, as_of: dt.date | None = None) -> dict[str, Decimal]:
    """Prepaid/overpaid credit per unit (a liability: shown positive)."""
    sql = "SELECT unit, -SUM(cents) FROM postings WHERE acct='credit'"
    args: tuple = ()
    if unit:
        sql += " AND unit=?"
        args += (unit,)
    dc, da = _date_clause(as_of)
    sql += dc + " GROUP BY unit HAVING SUM(cents) != 0"
    return {u: from_cents(c) for u, c in cache.q(sql, args + da)}


def item_lines(cache: FactCache, unit: str, as_of: dt.date | None = None, debtor: str = "unit") -> list[ItemLine]:
    """Every (item, period) ever billed for the unit, with how it was settled.

    debtor: 'unit' (the owner's receivable), 'developer' (billed to the developer before handover) or 'all'.
    """
    dc, da = _date_clause(as_of)
    accts = {"unit": "('ar')", "developer": "('dev')", "all": "('ar','dev')"}[debtor]
    rows = cache.q(f"SELECT item, period, op, kind, SUM(cents), acct FROM postings WHERE acct IN {accts} AND unit=?" + dc +
                   " GROUP BY item, period, op, kind, acct", (unit,) + da)
    lines: dict[tuple[str, str, str], ItemLine] = {}
    for item, period, op, kind, cents, acct in rows:
        who = "developer" if acct == "dev" else "unit"
        ln = lines.setdefault((item, period, who), ItemLine(unit, item, period, debtor=who))
        amt = from_cents(cents)
        ln.open += amt
        if kind is None and op in ("bill", "late", "opening"):
            ln.billed += amt
        elif kind in PAID_KINDS:
            ln.paid -= amt
        elif kind == "waived":
            ln.waived -= amt
        elif kind == "compensated":
            ln.compensated -= amt
        elif kind == "written_off":
            ln.written_off -= amt
        else:
            ln.billed += amt
    return sorted(lines.values(), key=lambda x: (x.debtor != "unit", x.period, x.item))


def billed_keys(cache: FactCache, period: str) -> set[tuple[str, str]]:
    """(unit, item) pairs already billed for a period (owner or developer)."""
    rows = cache.q("SELECT DISTINCT unit, item FROM postings WHERE op='bill' AND period=? AND acct IN ('ar','dev') "
                   "AND kind IS NULL", (period,))
    return set(rows)


def last_billed_period(cache: FactCache) -> str | None:
    row = cache.q("SELECT MAX(period) FROM postings WHERE op='bill' AND kind IS NULL")
    return row[0][0] if row else None


def unit_totals(cache: FactCache, as_of: dt.date | None = None) -> dict[str, dict]:
    """Per unit: outstanding, oldest open period, credit. Folded in SQL: on books where nothing is
    paid there are hundreds of thousands of open items, and one Python object each is the cost."""
    dc, da = _date_clause(as_of)
    out: dict[str, dict] = {}
    for u, cents, oldest in cache.q(
            "SELECT unit, SUM(s), MIN(CASE WHEN s > 0 THEN period END) FROM (SELECT unit, item, period, "
            f"SUM(cents) AS s FROM postings WHERE acct='ar'{dc} GROUP BY unit, item, period "
            "HAVING SUM(cents) != 0) GROUP BY unit", da):
        out[u] = {"outstanding": from_cents(cents or 0), "oldest": oldest, "credit": Decimal("0.00")}
    for u, amt in credit_balances(cache, as_of=as_of).items():
        out.setdefault(u, {"outstanding": Decimal("0.00"), "oldest": None, "credit": Decimal("0.00")})["credit"] = amt
    return out


def arrears_summary(cache: FactCache, as_of: dt.date) -> dict:
    """The `wuye arrears --json` contract: per unit what the owner owes (outstanding, oldest open
    period), the unit's credit, and what the developer still owes for it before handover."""
    from ledger.basics.money import plain

    totals = unit_totals(cache, as_of)
    developer: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for (u, _item, _period), amt in open_items(cache, as_of=as_of, debtor="developer").items():
        developer[u] += amt
    rows, total, dev_total = [], Decimal("0.00"), Decimal("0.00")
    for unit in sorted(set(totals) | set(developer)):
        t = totals.get(unit, {"outstanding": Decimal("0.00"), "oldest": None, "credit": Decimal("0.00")})
        dev = developer.get(unit, Decimal("0.00"))
        if t["outstanding"] <= 0 and t["credit"] <= 0 and dev <= 0:
            continue
        row = {"unit": unit, "outstanding": plain(t["outstanding"]), "oldest_period": t["oldest"],
               "credit": plain(t["credit"])}
        if dev:
            row["developer"] = plain(dev)
        rows.append(row)
        total += t["outstanding"]
        dev_total += dev
    return {"as_of": as_of.isoformat(), "total": plain(total), "developer_total": plain(dev_total), "units": rows}
