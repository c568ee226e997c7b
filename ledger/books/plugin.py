"""Beancount plugin: our invariants, checked by bean-check and Fava as well as by wuye.

- every posting on a unit receivable or the developer receivable carries item and period;
- every receipt number is used by one payment only.
Checks that need the whole history (a void names an existing receipt, gap-free numbering) live in
ledger/integrity.py, because the write path validates one month file at a time.
"""
from __future__ import annotations

import collections

from beancount.core import data

__plugins__ = ("check",)

WuyeError = collections.namedtuple("WuyeError", "source message entry")
_AR = ("Assets:Receivable:Unit:", "Assets:Receivable:Developer")


def check(entries, options_map, config_str=None):
    errors = []
    receipts: dict[str, data.Transaction] = {}
    for e in entries:
        if not isinstance(e, data.Transaction):
            continue
        for p in e.postings:
            if p.account.startswith(_AR):
                meta = p.meta or {}
                missing = [k for k in ("item", "period") if k not in meta]
                if missing:
                    errors.append(WuyeError(e.meta, f"{p.account}: posting lacks {', '.join(missing)}", e))
        op = e.meta.get("op")
        rec = e.meta.get("receipt")
        if op == "pay" and rec:
            if rec in receipts:
                errors.append(WuyeError(e.meta, f"receipt {rec} used twice", e))
            receipts[rec] = e
    return entries, errors
