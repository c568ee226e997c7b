"""Numbers already used (ledger/books/numbering.py allocates the next)."""
from __future__ import annotations

from ledger.books.cache import FactCache


# --- numbers already used (ledger/books/numbering.py allocates the next) ------------------------

def used_numbers(cache: FactCache, source: str, prefix: str) -> list[str]:
    """Numbers beginning with `prefix` in one place of the books: source 'receipt' (payments' receipt),
    'queue' (queue ids), 'doc' (meta doc of transactions), or a custom directive type + ':' + the
    index of the value holding the number (e.g. 'wuye-dispute-open:1'). For receipts, only those the
    highest can be among: the one with the largest all-digit tail after the prefix, and every one whose
    tail is not all ASCII digits (the caller's own rule reads those); a year holds tens of thousands."""
    like = prefix.replace("%", "") + "%"
    if source == "receipt":
        # GLOB is case-sensitive, so it can read the prefix's range of the receipt index (LIKE cannot); '+op'
        # keeps sqlite from reading every payment by the op index instead
        glob = "".join(f"[{ch}]" if ch in "*?[" else ch for ch in prefix) + "*"
        args = (glob, len(prefix) + 1)
        rows = cache.q("SELECT receipt FROM txns WHERE receipt GLOB ?1 AND +op='pay' "
                       "AND (substr(receipt, ?2) GLOB '*[^0-9]*' OR substr(receipt, ?2) = '')", args)
        # the largest number by its digits without leading zeros: longest first, then by text (exact for any length)
        rows += cache.q("SELECT receipt FROM (SELECT receipt, ltrim(substr(receipt, ?2), '0') AS n FROM txns "
                        "WHERE receipt GLOB ?1 AND +op='pay' AND substr(receipt, ?2) NOT GLOB '*[^0-9]*' "
                        "AND substr(receipt, ?2) != '') ORDER BY length(n) DESC, n DESC LIMIT 1", args)
    elif source in ("queue", "doc", "refund"):
        key = {"queue": "queue", "doc": "doc", "refund": "refund-no"}[source]
        rows = cache.q(f"SELECT json_extract(meta,'$.\"{key}\"') FROM txns WHERE json_extract(meta,'$.\"{key}\"') "
                       "LIKE ?", (like,))
    elif source.startswith("meta:"):
        type_, key = source[5:].split(":", 1)
        rows = cache.q(f"SELECT json_extract(meta,'$.\"{key}\"') FROM customs WHERE type=? "
                       f"AND json_extract(meta,'$.\"{key}\"') LIKE ?", (type_, like))
    else:
        type_, index = source.rsplit(":", 1)
        rows = cache.q(f"SELECT json_extract(vals,'$[{int(index)}]') FROM customs WHERE type=? "
                       f"AND json_extract(vals,'$[{int(index)}]') LIKE ?", (type_, like))
    return [r for (r,) in rows if r]


