"""Changing a fee standard: a new dated rate line in config.yaml, written as a reviewable diff.

The file is edited round-trip (comments and layout kept), the result is validated as a whole config
before anything is written, and the change goes through the one safe write path as its own commit.
A new rate may not start inside a period that is already billed (that would rewrite history; bill a
correction instead), and 明码标价 asks for the notice a month ahead, so a nearer date is warned about.
"""
from __future__ import annotations

import datetime as dt
import io

from ruamel.yaml import YAML

from ledger.books import facts, layout
from ledger.basics import periods
from ledger.community.config import UNIT_TYPES, parse_config
from ledger.basics.errors import InputError
from ledger.basics.money import parse_amount
from ledger.books.plan import Plan


def _yaml() -> YAML:
    y = YAML()  # round-trip: keeps comments, order and flow style
    y.preserve_quotes = True
    y.width = 4096
    return y


def plan_rate_change(books, item: str, start: dt.date, prices: dict[str, str]) -> tuple[str, str, list[str]]:
    """-> (new config text, commit message, warnings). `prices` maps residential/commercial/all to amounts."""
    item = item.upper()
    fee = books.config.fees.get(item)
    if fee is None:
        raise InputError("unknown_item", item=item)
    if not prices:
        raise InputError("rate_price_needed")
    bad = set(prices) - {*UNIT_TYPES, "all"}
    if bad:
        raise InputError("unit_type_unknown", types=", ".join(sorted(bad)))
    values = {t: parse_amount(v, f"--{t}", allow_zero=True) for t, v in prices.items()}
    last = fee.rates[-1].start
    if start <= last:
        raise InputError("rate_not_after_last", item=item, last=last)
    if start != periods.start(periods.period_of(start)):
        raise InputError("rate_not_first_of_month", start=start)
    billed = facts.last_billed_period(books.cache, item)
    if billed and billed >= periods.period_of(start):
        raise InputError("already_billed", item=item, period=billed, start=start)
    warnings = []
    if start < books.today() + dt.timedelta(days=30):
        warnings.append(f"明码标价: the new standard should be posted a month before {start}")
    text = (books.root / layout.CONFIG).read_text(encoding="utf-8")
    current = {t: str(v) for t, v in fee.rates[-1].prices.items()}
    new = {t: f"{values[t]:.2f}" if t in values else current[t] for t in (*UNIT_TYPES, "all")
           if t in values or t in current}  # unit types not named keep their price
    new_text = _insert_rate_line(text, item, last, start, new) or _dump_with_rate(text, item, start, new)
    try:  # the whole file must still be a valid config
        parse_config(YAML(typ="safe", pure=True).load(new_text), str(books.root / layout.CONFIG))
    except Exception as exc:  # a bug here must never reach the books
        raise InputError("rate_config_invalid", error=str(exc)) from None
    changes = ", ".join(f"{t} {current.get(t, '—')} -> {values[t]:.2f}" for t in values)
    msg = f"fee standard {item} {fee.name}: {changes} from {start}\n"
    return new_text, msg, warnings


def _insert_rate_line(text: str, item: str, last: dt.date, start: dt.date, prices: dict[str, str]) -> str | None:
    """Add a flow-style line after the item's last rate line, in the file's own style (minimal diff)."""
    lines = text.splitlines(keepends=True)
    key = next((n for n, ln in enumerate(lines) if ln.strip().startswith(f"{item}:")
                and ln.startswith(" ")), None)
    if key is None:
        return None
    indent = len(lines[key]) - len(lines[key].lstrip())
    end = key + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    hits = [n for n in range(key, end) if f"from: {last.isoformat()}" in lines[n] and "{" in lines[n] and "}" in lines[n]]
    if not hits:
        return None
    ln = lines[hits[-1]]
    head = ln[:ln.index("{")]
    if head.strip() != "-":
        return None  # e.g. `rates: [{...}]` on one line: leave it to the YAML writer
    body = ", ".join([f"from: {start.isoformat()}"] + [f'{t}: "{v}"' for t, v in prices.items()])
    new = f"{head}{{{body}}}\n"
    return "".join(lines[:hits[-1] + 1] + [new] + lines[hits[-1] + 1:])


def _dump_with_rate(text: str, item: str, start: dt.date, prices: dict[str, str]) -> str:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    y = _yaml()
    y.indent(mapping=2, sequence=4, offset=2)
    doc = y.load(text)
    rates = doc["fees"][item]["rates"]
    line = {"from": start, **{t: DoubleQuotedScalarString(v) for t, v in prices.items()}}
    rates.append(line)
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def change_rate(books, item: str, start: dt.date, prices: dict[str, str]):
    """-> (WriteResult, warnings); the new config.yaml is made from the one read under the lock."""
    def operation(b) -> Plan:
        text, msg, warnings = plan_rate_change(b, item, start, prices)
        return Plan(msg, {}, {layout.CONFIG: text}, warnings)
    result = books.commit(operation)
    return result, result.plan.effect


