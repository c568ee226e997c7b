"""The effect of an operation on a unit, shown before it is written (and after)."""
from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from .. import core
from ..i18n import t


def kind_label(kind: str) -> str:
    key = f"kind_{kind}"
    label = t(key)
    return kind if label == key else label


def render_effect(e: core.Effect, title: str = "effect") -> Group:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="dim")
    head.add_column(justify="right")
    head.add_column(style="dim")
    head.add_column(justify="right")
    head.add_row(t("unit"), Text(e.unit, style="bold"), t("amount"), Text(core.money(e.amount), style="bold"))
    if e.receipt:
        head.add_row(t("receipt"), Text(e.receipt, style="bold cyan"), "", "")
    head.add_row(t("outstanding"), f"{core.money(e.outstanding_before)} → ",
                 "", Text(core.money(e.outstanding_after), style="bold red" if e.outstanding_after > 0 else "bold green"))
    head.add_row(t("credit"), f"{core.money(e.credit_before)} → ", "", Text(core.money(e.credit_after), style="bold"))
    parts = [head]
    if e.rows:
        rows = Table(show_edge=False, title=t(title), title_justify="left", title_style="bold")
        for key in ("period", "item", "status"):
            rows.add_column(t(key))
        rows.add_column(t("amount"), justify="right")
        for item, name, period, kind, amount in e.rows:
            rows.add_row(period, f"{item} {name}", kind_label(kind), core.money(amount))
        parts.append(rows)
    if e.to_credit:
        parts.append(Text(f"{t('to_credit')}: {core.money(e.to_credit)}", style="green"))
    if e.discount:
        parts.append(Text(f"{t('prepay_discount')}: {core.money(e.discount)}", style="green"))
    for key, params in getattr(e, "lines", ()):
        parts.append(Text(t(key, **params), style="bold yellow"))
    if e.note:
        parts.append(Text(t(e.note.replace(" ", "_")) if t(e.note.replace(" ", "_")) != e.note.replace(" ", "_")
                          else e.note, style="dim"))
    return Group(*parts)


def render_latefees(e) -> Group:
    head = Text.assemble((t("as_of") + " ", "dim"), e.as_of.isoformat(), "   ", (t("units_billed") + " ", "dim"),
                         str(e.units), "   ", (t("total") + " ", "dim"), (core.money(e.total), "bold"))
    table = Table(show_edge=False)
    for key in ("unit", "item", "period", "days"):
        table.add_column(t(key))
    table.add_column(t("amount"), justify="right")
    for unit, item, period, days, fee in e.lines[:200]:
        table.add_row(unit, item, period, str(days), core.money(fee))
    extra = Text(f"… +{len(e.lines) - 200}", style="dim") if len(e.lines) > 200 else Text("")
    return Group(head, table, extra)
