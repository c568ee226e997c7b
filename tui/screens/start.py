"""Shown while the books are opened (the fact cache syncs), or when they cannot be."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, Static

from ..i18n import error_text, t
from ..widgets.errorpanel import ErrorPanel


class StartScreen(Screen):
    def compose(self) -> ComposeResult:
        yield Header()
        with Middle():
            with Center():
                yield Static(t("loading"), id="start-msg")
            yield LoadingIndicator(id="start-spin")
            yield ErrorPanel(id="start-error")
        yield Footer()

    def failed(self, exc: BaseException) -> None:
        self.query_one("#start-spin").display = False
        self.query_one("#start-msg", Static).update(t("cannot_open"))
        title = getattr(exc, "title", None) or t("error")
        self.query_one(ErrorPanel).show(title, error_text(exc))
