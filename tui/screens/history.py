"""操作记录: the git log of operations; a fee-standard change shown as a readable table and the raw diff."""
from __future__ import annotations

from rich.console import Group
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from .. import core
from ..i18n import op_title, t
from ..widgets.columns import ColumnHint, HintedTable
from .base import WuyeScreen


def std_table(changes) -> Table:
    table = Table(title=t("std_changes"), title_justify="left", show_edge=False, title_style="bold")
    for key in ("item", "unit_type", "old_rate", "new_rate", "effective"):
        table.add_column(t(key), justify="right" if key.endswith("rate") else "left")
    for c in changes:
        table.add_row(f"{c.item} {c.name}", t(c.unit_type) if c.unit_type in ("residential", "commercial") else c.unit_type,
                      c.old or "—", Text(c.new or "—", style="bold green" if c.new else "red"), c.effective)
    return table


def title(op) -> str:
    return op_title(op.kind, op.params, op.subject)


class HistoryScreen(WuyeScreen):
    def __init__(self) -> None:
        super().__init__()
        self.ops: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="hist-count")
        yield ColumnHint(id="hist-cols")
        table = HintedTable(id="hist-ops", cursor_type="row", zebra_stripes=True, hint="hist-cols")
        yield table
        with VerticalScroll(id="hist-detail-box"):
            yield Static("", id="hist-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, width in (("date", 19), ("value_dates", 23), ("commit", 8), ("author", 12), ("subject", 70),
                           ("files", 5)):
            table.add_column(t(key), key=key, width=width)
        table.focus()

    def refresh_data(self) -> None:
        self.core("ops", core.operations)

    def done_ops(self, ops) -> None:
        self.ops = ops
        table = self.query_one(DataTable)
        table.clear()
        for op in ops:
            mark = Text(" ★", style="bold yellow") if op.standard_changes else ""
            table.add_row(op.date[:19].replace("T", " "), op.value_span, Text(op.sha[:8], style="cyan"), op.author,
                          Text.assemble(title(op), mark), str(len(op.files)), key=op.sha)
        self.query_one("#hist-count", Static).update(t("ops_count", n=len(ops)))
        if ops:
            self.show_op(0)

    @on(DataTable.RowHighlighted, "#hist-ops")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.ops):
            self.show_op(event.cursor_row)

    @on(DataTable.RowSelected, "#hist-ops")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.query_one("#hist-detail-box").focus()

    def show_op(self, index: int) -> None:
        op = self.ops[index]
        parts = [Text.assemble((op.sha, "cyan"), "  ", op.author, "  ", op.date),
                 Text(title(op), style="bold"), Text(op.body or ""),
                 Text(t("files") + ": " + ", ".join(op.files), style="dim")]
        if op.standard_changes:
            parts.append(std_table(op.standard_changes))
        self.query_one("#hist-detail", Static).update(Group(*parts))
        if "config.yaml" in op.files:
            self.core("diff", lambda books, sha=op.sha: (sha, core.config_diff(books, sha)))

    def done_diff(self, result) -> None:
        sha, diff = result
        table = self.query_one(DataTable)
        if not self.ops or table.cursor_row >= len(self.ops) or self.ops[table.cursor_row].sha != sha:
            return
        op = self.ops[table.cursor_row]
        parts = [Text.assemble((op.sha, "cyan"), "  ", op.author, "  ", op.date), Text(title(op), style="bold"),
                 Text(op.body or "")]
        parts.append(std_table(op.standard_changes) if op.standard_changes else Text(t("no_std_change"), style="dim"))
        parts.append(Text("\n" + t("raw_diff"), style="bold"))
        parts.append(Syntax(diff or "", "diff", theme="ansi_dark", word_wrap=True))
        self.query_one("#hist-detail", Static).update(Group(*parts))
