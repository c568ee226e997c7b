"""What an operation was, read back from its commit subject: (kind, params) for the UI to word in its language.

The writers compose subjects in English (git is read by people outside the UI too); this is the one place that
knows their shapes, so the history can show each title from its data instead of the raw subject. A subject of no
known shape is kind "" and is shown as it is.
"""
from __future__ import annotations

import re

_AMT = r"(?P<amount>-?[\d,]+\.\d{2}) CNY"

# (kind, pattern) — the first that matches the whole subject wins; order the specific before the general.
SHAPES: tuple[tuple[str, re.Pattern], ...] = tuple((k, re.compile(p + r"$")) for k, p in (
    ("pay", rf"pay (?P<unit>\S+) {_AMT} (?P<channel>\S+) (?P<receipt>\S+)"),
    ("assign", rf"assign (?P<queue>\S+) -> (?P<unit>\S+) (?:(?P<receipt>\S+) )?{_AMT}"),
    ("void", r"void (?P<receipt>\S+) \((?P<unit>[^)]+)\): (?P<note>.*)"),
    ("refund_part", rf"refund (?P<number>\S+) (?P<unit>\S+) {_AMT} (?P<channel>\S+), part of (?P<receipt>\S+): (?P<note>.*)"),
    ("refund_credit", rf"refund (?P<unit>\S+) {_AMT} (?P<channel>\S+) from credit: (?P<note>.*)"),
    ("refund", r"refund (?P<receipt>\S+) \((?P<unit>[^)]+)\) (?P<channel>\S+): (?P<note>.*)"),
    ("waive", rf"waive (?P<unit>\S+) {_AMT} (?P<what>[^:]*): (?P<note>.*) \(approved by (?P<who>.*)\)"),
    ("writeoff", rf"write-off (?P<unit>\S+) {_AMT}: (?P<note>.*) \(approved by (?P<who>.*)\)"),
    ("to_credit", rf"sync: (?P<receipt>\S+) \((?P<unit>[^)]+)\) {_AMT} to credit: (?P<note>.*)"),
    ("bill", rf"bill (?P<period>\d{{4}}-\d{{2}}): (?P<n>\d+) units, {_AMT}"),
    ("late_fees", rf"late fees to (?P<date>[\d-]+): (?P<n>\d+) units, {_AMT}"),
    ("readings", r"readings (?P<period>\d{4}-\d{2}): (?P<n>\d+) meters"),
    ("readings_start", r"readings: meters at the start of the books"),
    ("reading", r"reading (?P<unit>\S+) (?P<item>\S+) (?P<value>\S+) on (?P<date>[\d-]+)"),
    ("demo_settle", r"demo: (?P<year>\d{4}) clearing settled \(T\+1\) and cash banked weekly"),
    ("demo_spending", r"demo: (?P<span>\S+) spending and 公共收益"),
    ("demo_payments", r"demo: (?P<n>\d+) payments in (?P<period>\d{4}-\d{2})"),
    ("contact", r"contact (?P<unit>\S+) (?P<channel>\S+) on (?P<date>[\d-]+)(?P<interrupts> \(interrupts limitation\))?: (?P<note>.*)"),
    ("contacts", r"contacts: (?P<n>\d+) logged"),
    ("stage", r"stage (?P<unit>\S+) -> (?P<stage>\S+) on (?P<date>[\d-]+)(?:: (?P<note>.*))?"),
    ("notices", r"notices: (?P<n>\d+) issued on (?P<date>[\d-]+) \((?P<range>[^)]*)\)"),
    ("dispute_open", rf"dispute (?P<dispute>\S+) opened: (?P<unit>\S+) (?P<category>\S+), claim {_AMT}"),
    ("dispute_close", rf"dispute (?P<dispute>\S+) closed: (?P<unit>[^,\s]+)(?:, compensation {_AMT}.*)?"),
    ("import", r"import (?P<files>\d+) file\(s\): (?P<payments>\d+) payments, (?P<queued>\d+) queued, "
               r"(?P<other>\d+) other, (?P<skipped>\d+) skipped, (?P<duplicates>\d+) duplicates"),
    ("init", r"init (?P<name>.+): (?P<n>\d+) units, (?P<items>\d+) fee items"),
    ("close", r"close (?P<period>\S+): (?P<n>\d+) closing balances as of (?P<date>[\d-]+).*"),
    ("reopen", r"reopen (?P<period>\S+): (?P<note>.*) \(approved by (?P<who>.*)\)"),
    ("standard", r"fee standard (?P<item>\S+) (?P<name>\S+): (?P<changes>.*) from (?P<date>[\d-]+)"),
    ("units_import", r"units import: (?P<added>\d+) added, (?P<changed>\d+) updated"),
))


def classify(subject: str) -> tuple[str, dict[str, str]]:
    """(kind, {name: text}) of a commit subject; ("", {}) when it has no known shape."""
    for kind, pattern in SHAPES:
        m = pattern.match(subject.strip())
        if m:
            return kind, {k: v or "" for k, v in m.groupdict().items()}
    return "", {}
