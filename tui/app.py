"""The bookkeeper's terminal UI: `wuye` with no command opens it on the books.

Screens are modes (dashboard, units, billing, history); forms and the unit detail are pushed on top.
Every read and write goes through `tui.core` in a worker thread; errors come back as notifications.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from . import core, i18n
from .i18n import localize_bindings, t
from .palette import DeskCommands
from .screens.billing import BillingScreen
from .screens.dashboard import DashboardScreen
from .screens.help import HelpScreen
from .screens.history import HistoryScreen
from .screens.importer import ImportScreen
from .screens.operator import OperatorScreen
from .screens.reports import ReportsScreen
from .screens.start import StartScreen
from .screens.units import UnitsScreen

MAIN_MODES = {"dashboard": DashboardScreen, "units": UnitsScreen, "billing": BillingScreen,
              "history": HistoryScreen, "reports": ReportsScreen, "import": ImportScreen}


class WuyeApp(App):
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {DeskCommands}
    MODES = {"start": StartScreen, **MAIN_MODES}
    # F1-F9 are priority bindings: they work over forms and pages too (a modal screen hides the app's
    # ordinary bindings)
    BINDINGS = [
        Binding("f1", "help", "help", key_display="F1", priority=True),
        Binding("question_mark", "help", "help", show=False),
        Binding("f2", "goto('dashboard')", "dashboard", key_display="F2", priority=True),
        Binding("f3", "goto('units')", "units", key_display="F3", priority=True),
        Binding("f4", "pay", "pay", key_display="F4", priority=True),
        Binding("f5", "goto('billing')", "billing", key_display="F5", priority=True),
        Binding("f6", "goto('history')", "history", key_display="F6", priority=True),
        Binding("f7", "goto('reports')", "reports", key_display="F7", priority=True),
        Binding("f8", "goto('import')", "import", key_display="F8", priority=True),
        Binding("f9", "queue", "queue", key_display="F9", priority=True),
        Binding("ctrl+r", "reload", "reload", show=False),
        Binding("ctrl+l", "toggle_lang", "switch_lang", show=False),
        Binding("ctrl+y", "sync", "sync", show=False),
        Binding("ctrl+q", "quit", "quit", key_display="^q", priority=True),
    ]

    def __init__(self, books: str | Path, lang: str | None = None) -> None:
        i18n.set_lang(lang)
        super().__init__()
        localize_bindings(self)
        self.books_path = Path(books)
        self.books = None
        self.books_version = 0
        self.collector: str | None = None  # the collector whose own list the dashboard and units show
        self.title = t("app_title")

    # --- start ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.switch_mode("start")
        self.open_books()

    @work(thread=True, exit_on_error=False, group="open")
    def open_books(self) -> None:
        try:
            books = core.open_books(self.books_path)
            choice = core.operator_choice(books)
        except BaseException as exc:
            self.call_from_thread(self._open_failed, exc)
            return
        self.call_from_thread(self._opened, books, choice)

    def _opened(self, books, choice) -> None:
        if choice.given:  # $WUYE_USER names who works (scripts, tests): no question to ask
            books.operator = choice.given
            self._working(books)
            return
        self.push_screen(OperatorScreen(choice), lambda who: self._picked(books, who))

    def _picked(self, books, who: str | None) -> None:
        if who:
            self._set_operator(books, who)

    @work(thread=True, exit_on_error=False, group="operator")
    def _set_operator(self, books, who: str) -> None:
        try:
            core.set_operator(books, who)
        except BaseException as exc:
            self.call_from_thread(self.report_error, exc)
            return
        self.call_from_thread(self._working, books)

    def _working(self, books) -> None:
        first = self.books is None
        self.books = books
        self.show_operator()
        if first:
            self.switch_mode("dashboard")
            self._sync_in_background(start=True)

    def show_operator(self) -> None:
        """The header names the books and who is working (receipts and commits carry that name)."""
        books = self.books
        self.sub_title = self._header_base() + getattr(self, "_sync_text", "")

    def _header_base(self) -> str:
        books = self.books
        who = books.operator or t("op_none")
        return f"{books.config.name} · {books.root.name} · {t('operator')}: {who}"

    def action_operator(self) -> None:
        if self.books is None:
            return
        self._ask_operator()

    @work(thread=True, exit_on_error=False, group="operator")
    def _ask_operator(self) -> None:
        try:
            choice = core.operator_choice(self.books)
        except BaseException as exc:
            self.call_from_thread(self.report_error, exc)
            return
        choice.remembered = self.books.operator or choice.remembered
        self.call_from_thread(self.push_screen, OperatorScreen(choice, cancel=True),
                              lambda who: self._picked(self.books, who))

    # --- sync with the other offices (ledger/books/sync.py) ------------------------------------
    def action_sync(self) -> None:
        if self.books is not None:
            self._sync(notify=True)

    @work(thread=True, exit_on_error=False, group="sync", exclusive=True)
    def _sync_in_background(self, start: bool = False) -> None:
        """The header's sync state, and the sync config.yaml asks for (on start, after a write)."""
        books = self.books
        try:
            if core.sync_wanted(books, "on_start" if start else "after_write"):
                said = core.run_sync(books)
                self.call_from_thread(self._synced, said, False)
                return
            state = core.sync_state(books)
        except BaseException as exc:
            self.call_from_thread(self._sync_failed, exc)
            return
        self.call_from_thread(self._show_sync, state)

    @work(thread=True, exit_on_error=False, group="sync", exclusive=True)
    def _sync(self, notify: bool = False) -> None:
        try:
            said = core.run_sync(self.books)
        except BaseException as exc:
            self.call_from_thread(self._sync_failed, exc)
            return
        self.call_from_thread(self._synced, said, notify)

    def _synced(self, said: str, notify: bool) -> None:
        self._syncing_refresh = True
        try:
            self.books_written()
        finally:
            self._syncing_refresh = False
        if notify:
            self.notify(said, title=t("sync"))
        self._show_sync(core.sync_state(self.books))

    def _sync_failed(self, exc: BaseException) -> None:
        self.report_error(exc)
        try:
            self._show_sync(core.sync_state(self.books))
        except BaseException:
            pass

    def _show_sync(self, state) -> None:
        if state is None:  # no remote: the header names the books and the operator only
            self._sync_text = ""
            self.show_operator()
            return
        last = (state.last_sync or t("sync_never")).replace("T", " ")
        parts = [t("sync_state", ahead=state.ahead, behind=state.behind, last=last)]
        if state.conflicts:
            parts.append(t("sync_conflicts", n=state.conflicts))
        if state.pull_only:
            parts.append(t("sync_pull_only"))
        self._sync_text = " · " + " · ".join(parts)
        self.show_operator()

    def _open_failed(self, exc: BaseException) -> None:
        screen = self.screen
        if isinstance(screen, StartScreen):
            screen.failed(exc)

    # --- navigation -------------------------------------------------------------------------
    def _to_base(self) -> bool:
        """Close every form and page above the current main screen (Esc on each); False while a form
        is writing (its commit must be seen through)."""
        if any(getattr(s, "busy", False) for s in self.screen_stack[1:]):
            self.notify(t("busy_writing"), severity="warning")
            return False
        while len(self.screen_stack) > 1:
            self.pop_screen()
        return True

    async def action_goto(self, mode: str) -> None:
        """F2-F8: that main screen as it is at its base (F3 is the units list, never a unit left open)."""
        if self.books is None or not self._to_base():
            return
        if self.current_mode != mode:
            await self.switch_mode(mode)
            self._to_base()

    async def action_queue(self) -> None:
        """F9: the 待认领 queue, from anywhere."""
        await self.action_goto("import")
        if self.current_mode == "import" and hasattr(self.screen, "action_queue_tab"):
            self.screen.action_queue_tab()

    async def action_report(self, kind: str) -> None:
        if self.books is None:
            return
        await self.switch_mode("reports")
        from textual.widgets import Select

        self.screen.query_one("#rep-kind", Select).value = kind

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()  # F1 again closes it
        else:
            self.push_screen(HelpScreen())

    def action_pay(self, unit: str | None = None) -> None:
        if self.books is None:
            return
        from .screens.payment import PaymentScreen

        if isinstance(self.screen, PaymentScreen):
            return  # already in front
        if unit is None:
            unit = self._unit_on_screen()
        self.push_screen(PaymentScreen(unit))

    def action_adjust(self, kind: str, unit: str | None = None) -> None:
        if self.books is None:
            return
        from .screens.adjust import AdjustScreen

        if unit is None:
            unit = self._unit_on_screen()
        self.push_screen(AdjustScreen(kind, unit))

    def _unit_on_screen(self) -> str | None:
        """A form starts with a unit only when that unit's page is the screen in front (a unit page left
        behind, or a highlighted row, is not the person's choice)."""
        from .screens.unit_detail import UnitDetailScreen

        return self.screen.current_unit() if isinstance(self.screen, UnitDetailScreen) else None

    def action_open_unit(self, unit: str) -> None:
        from .screens.unit_detail import UnitDetailScreen

        self.push_screen(UnitDetailScreen(unit))

    def action_reload(self) -> None:
        if self.books is not None:
            self._reload_books(notify=True)

    @work(thread=True, exit_on_error=False, group="reload")
    def _reload_books(self, notify: bool = False) -> None:
        try:
            core.reload(self.books)
        except BaseException as exc:
            self.call_from_thread(self.report_error, exc)
            return
        self.call_from_thread(self._reloaded, notify)

    def _reloaded(self, notify: bool) -> None:
        self.books_written()
        if notify:
            self.notify(t("books_reloaded"))

    def books_written(self) -> None:
        """The books changed (a write here, or a reload): screens refresh when next shown."""
        self.books_version += 1
        screen = self.screen
        if hasattr(screen, "seen_version") and hasattr(screen, "refresh_data"):
            screen.seen_version = self.books_version
            screen.refresh_data()
        if self.books is not None and not getattr(self, "_syncing_refresh", False):
            self._sync_in_background()  # the header's ahead count moved; a sync if config.yaml asks

    async def action_toggle_lang(self) -> None:
        i18n.set_lang("en" if i18n.lang() == "zh" else "zh")
        localize_bindings(self)
        self.title = t("app_title")
        if self.books is not None:
            self.show_operator()
        current = self.current_mode
        if current not in MAIN_MODES:
            self.refresh_bindings()
            return
        await self.switch_mode("start")
        for mode, cls in MAIN_MODES.items():
            await self.remove_mode(mode)
            self.add_mode(mode, cls)
        await self.switch_mode(current)
        self.refresh_bindings()

    # --- errors ------------------------------------------------------------------------------
    def report_error(self, exc: BaseException, write: bool = False) -> None:
        """Every error the core raises, as a notification with the error's title; never a crash."""
        if isinstance(exc, core.WuyeError):
            title = i18n.error_title(exc)
            message = i18n.error_text(exc)
            if write:
                message += "\n" + t("books_unchanged")
            if isinstance(exc, core.ExternallyChangedError) and self.books is not None:
                message += "\n" + t("reloaded_retry")
                self._reload_books()
        else:
            title = t("err_unexpected")
            message = f"{type(exc).__name__}: {exc}"
        self.notify(message, title=title, severity="error", timeout=12)

    # --- command palette -----------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # ours are found by tui/palette.py (Chinese, pinyin initials, English, units); textual's own stay
        yield from super().get_system_commands(screen)

    def action_show_unit(self, unit: str) -> None:
        """A unit's page from the palette: on top of the units list, as Enter on its row opens it."""
        if self.books is None:
            return

        async def show() -> None:
            await self.action_goto("units")
            if self.current_mode == "units":
                self.action_open_unit(unit)

        self.call_later(show)


def run_app(args) -> int:
    books = getattr(args, "books", None) or os.environ.get("WUYE_BOOKS")
    lang = getattr(args, "lang", None)
    i18n.set_lang(lang)
    if not books:
        print(f"wuye: {t('no_books')}", file=sys.stderr)
        return 2
    root = Path(books)
    if not (root / "main.beancount").exists() or not (root / ".git").exists():
        print(f"wuye: {t('cannot_open')}: {root} (main.beancount + git; `wuye init DIR` or `wuye demo DIR`)",
              file=sys.stderr)
        return 2
    WuyeApp(root, lang).run()
    return 0
