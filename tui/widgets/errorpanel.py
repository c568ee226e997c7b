"""An error shown in place: the error's title and message, hidden while there is none."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class ErrorPanel(Static):
    DEFAULT_CSS = """
    ErrorPanel { display: none; border: round $error; color: $text; background: $error 15%;
                 padding: 0 1; height: auto; max-height: 12; }
    ErrorPanel.-shown { display: block; }
    """

    def show(self, title: str, message: str) -> None:
        self.border_title = title
        self.update(Text(message))
        self.add_class("-shown")

    def clear(self) -> None:
        self.update("")
        self.remove_class("-shown")
