"""What every screen shares: calling the core in a worker thread and getting a message back."""
from __future__ import annotations

from typing import Any, Callable

from textual import work
from textual.screen import ModalScreen, Screen

from ..i18n import localize_bindings
from ..messages import CoreDone, CoreFailed


class CoreCalls:
    """Mixin: `self.core("key", fn, *args)` runs `fn(books, *args)` in a thread and calls back
    `self.done_key(result)` or `self.failed_key(error)` on the event loop."""

    def core(self, key: str, fn: Callable[..., Any], *args: Any, write: bool = False, **kwargs: Any) -> None:
        self._core_worker(key, fn, args, kwargs, write)

    @work(thread=True, exit_on_error=False, group="core")
    def _core_worker(self, key: str, fn: Callable[..., Any], args: tuple, kwargs: dict, write: bool) -> None:
        try:
            result = fn(self.app.books, *args, **kwargs)
        except BaseException as exc:  # shown to the user; the core left the books as they were
            self.post_message(CoreFailed(key, exc, write))
            return
        self.post_message(CoreDone(key, result, write))

    def on_core_done(self, message: CoreDone) -> None:
        message.stop()
        if message.wrote:
            self.app.books_written()
        handler = getattr(self, f"done_{message.key}", None)
        if handler:
            handler(message.result)

    def on_core_failed(self, message: CoreFailed) -> None:
        message.stop()
        self.app.report_error(message.error, write=message.wrote)
        handler = getattr(self, f"failed_{message.key}", None)
        if handler:
            handler(message.error)


class WuyeScreen(CoreCalls, Screen):
    """A main screen. `refresh_data()` reloads it; it runs again when the books changed while hidden."""

    seen_version = -1

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self)

    def on_screen_resume(self) -> None:
        if self.seen_version != self.app.books_version and self.app.books is not None:
            self.seen_version = self.app.books_version
            self.refresh_data()

    def refresh_data(self) -> None:  # pragma: no cover - overridden
        pass


class WuyeModal(CoreCalls, ModalScreen):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self)
