"""Why an import row went where it did, read back from its reason text: (code, params) for the UI to word.

The importers write reasons in English into the ledger (queue items keep them); this is the one place that knows
their shapes, so the TUI can show them in its language. A reason is a few parts joined by "; "; a part of no
known shape is code "" and is shown as written.
"""
from __future__ import annotations

import re

# (code, pattern) — matched against one whole part; the specific before the general.
SHAPES: tuple[tuple[str, re.Pattern], ...] = tuple((k, re.compile(p + r"$")) for k, p in (
    ("amount_only", r"(?P<what>.+): amount equals its monthly charge — amount only, NOT a match"),
    ("refund_no_credit", r"refund without matching credit: (?P<unit>\S+) has (?P<credit>[\d,.]+) credit, "
                         r"refund (?P<amount>[\d,.]+), and no payment of it covers the refund"),
    ("refund_no_unit", r"refund without a certain unit \((?P<why>.*)\)"),
    ("unknown_unit", r"unknown unit (?P<unit>\S+)"),
    ("zone_unknown", r"zone prefix (?P<zone>\S+) unknown"),
    ("no_unit", r"no unit in the remark and no alias"),
    ("ambiguous_room", r"ambiguous: bare room (?P<room>\S+) in buildings (?P<buildings>\S+)"),
    ("before_start", r"dated before the books start (?P<date>[\d-]+)"),
    ("no_category", r"outgoing payment whose text names no expense category \(config\.yaml expenses\.categories\)"),
    ("monthly_charge", r"(?P<unit>\S+) \((?P<item>\S+) monthly (?P<amount>[\d,.]+)\)"),
    ("and_more", r"… and (?P<n>\d+) more"),
    ("suggest_remark", r"(?P<unit>\S+) \(remark: (?P<why>.*)\)"),
    ("suggest_refund_unit", r"(?P<unit>\S+) \(refund names this unit\)"),
))

# params that hold a reason of their own, worded in turn
NESTED = ("why", "what")


def parts(reason: str) -> list[tuple[str, dict[str, str]]]:
    """[(code, params)] of a reason, one per "; "-part; code "" with {"text": part} when the shape is unknown."""
    out = []
    for part in (p.strip() for p in (reason or "").split("; ")):
        if not part:
            continue
        for code, pattern in SHAPES:
            m = pattern.match(part)
            if m:
                out.append((code, {k: v or "" for k, v in m.groupdict().items()}))
                break
        else:
            out.append(("", {"text": part}))
    return out
