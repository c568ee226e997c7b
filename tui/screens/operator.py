"""Who is working: picked at start from config.yaml's staff and collectors (the one last chosen here is
highlighted, so Enter continues); the choice is the receipt 收款人, the default 经办人 and the commit author."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from .. import core
from ..i18n import localize_bindings, t


class OperatorScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "back")]

    def __init__(self, choice: core.OperatorChoice, cancel: bool = False) -> None:
        super().__init__()
        localize_bindings(self)
        self.choice = choice
        self.can_cancel = cancel  # at start there is no one to go back to

    def compose(self) -> ComposeResult:
        with Vertical(id="op-box", classes="form-box") as box:
            box.border_title = t("op_pick")
            box.border_subtitle = t("op_hint")
            yield Static(t("op_why"), classes="hint")
            options = []
            for who in self.choice.ids:
                mark = "  " + t("op_last") if who == self.choice.remembered else ""
                options.append(Option(f"{who}{mark}", id=who))
            yield OptionList(*options, id="op-list")

    def on_mount(self) -> None:
        box = self.query_one(OptionList)
        box.focus()
        if self.choice.remembered in self.choice.ids:
            box.highlighted = self.choice.ids.index(self.choice.remembered)
        elif self.choice.ids:
            box.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        if self.can_cancel:
            self.dismiss(None)
