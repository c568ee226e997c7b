"""What only a merge of two offices' books can break (ledger/books/sync.py)."""
from __future__ import annotations

from ledger.books.cache import FactCache


# --- what only a merge of two offices' books can break (ledger/books/sync.py) -----------------------

def settled_twice(cache: FactCache) -> dict[tuple[str, str, str], list[tuple[str, str]]]:
    """{(unit, item, period): [(receipt, file), ...]} for every charge whose receivable went below zero,
    with the live payments that settled it (two offices took the same month's money)."""
    keys = [(u, i, p) for u, i, p, _c in cache.q(
        "SELECT unit, item, period, SUM(cents) FROM postings WHERE acct IN ('ar','dev') "
        "GROUP BY unit, item, period HAVING SUM(cents) < 0 ORDER BY unit, item, period")]
    dead = {r for (r,) in cache.q("SELECT json_extract(meta,'$.voids') FROM txns WHERE op='void' UNION "
                                  "SELECT json_extract(meta,'$.refunds') FROM txns WHERE op='refund'") if r}
    out = {}
    for u, i, p in keys:
        rows = cache.q("SELECT DISTINCT t.receipt, t.file FROM postings s JOIN txns t ON t.id = s.txn "
                       "WHERE s.acct IN ('ar','dev') AND s.unit=? AND s.item=? AND s.period=? AND s.cls='paid' "
                       "AND t.op='pay' ORDER BY t.date, t.id", (u, i, p))
        out[(u, i, p)] = [(r, f) for r, f in rows if r and r not in dead]
    return out


def billed_twice(cache: FactCache) -> list[tuple[str, str, str]]:
    """(unit, item, period) charged by more than one billing entry (two offices billed the same unit)."""
    return [tuple(r) for r in cache.q(
        "SELECT unit, item, period FROM postings WHERE op='bill' AND cls='charge' AND acct IN ('ar','dev') "
        "GROUP BY unit, item, period, acct HAVING COUNT(DISTINCT txn) > 1 ORDER BY unit, item, period")]
