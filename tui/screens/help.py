"""F1 / ?: every key, by screen."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..i18n import HELP_SECTIONS, t


def help_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for section, keys in HELP_SECTIONS:
        table.add_row(Text(t(section), style="bold underline"), "")
        for key, label in keys:
            table.add_row(Text(key, style="bold cyan"), t(label))
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss", "back"), Binding("f1", "dismiss", show=False),
                Binding("question_mark", "dismiss", show=False), Binding("q", "dismiss", show=False)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = t("help_title")
            box.border_subtitle = t("help_close")
            yield Static(help_table(), id="help-text")
