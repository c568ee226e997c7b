"""Printed documents (receipt, statement, notice, report tables) from the Jinja2 templates in this folder.

Autoescape is on for every template: a reason, ref or name typed by a person is text, never markup.
Figures reach the templates as Decimal and are formatted here (filters `money`, `capital`), so a
template never does arithmetic or rounding.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ledger.basics.labels import label, payer_text
from ledger.basics.money import chinese_capital, fmt

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE)), autoescape=True, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)
    env.filters["money"] = fmt
    env.filters["capital"] = chinese_capital
    env.filters["fixed2"] = lambda d: f"{d:.2f}"  # a Decimal with two places (area), no rounding via float
    env.filters["cn_date"] = lambda d: f"{d.year}年{d.month}月{d.day}日"
    # an amount (two places) with thousands separators; a ratio or other Decimal as it is
    env.filters["amount"] = lambda d: fmt(d) if d.as_tuple().exponent == -2 else str(d)
    env.tests["decimal"] = lambda v: isinstance(v, Decimal)
    env.globals["label"] = label
    env.globals["payer_text"] = payer_text
    return env


def render(template: str, **context) -> str:
    """The text of `template` (a file name in ledger/documents/) filled from `context`."""
    return environment().get_template(template).render(**context)
