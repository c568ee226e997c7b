"""The one preview -> confirm form: the payment, correction and collection forms share it.

Enter (or the preview button) only previews. Only Ctrl+S, or a click on the confirm button, writes, and
it writes the plan that was previewed: the values must be the ones previewed, and the effect planned
again on the current books must equal the effect the person saw; if it differs the new effect is shown
and confirmation is asked again. After a write the form's inputs clear and the result stays on screen.

A screen mixes `PlanForm` in before its base (`class PaymentScreen(PlanForm, WuyeModal)`) and says what
its form holds (`plan_values`), which core functions preview and write it (`plan_calls`), and how a
preview and a result look (`plan_show_preview`, `plan_show_done`). Its own `@on` handlers call
`plan_preview()` and `plan_confirm()` (textual's decorated handlers do not carry over from a mixin).
"""
from __future__ import annotations

from typing import Any, Callable

from rich.console import Group
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Checkbox, Input, Static

from ..i18n import error_text, error_title, t
from .errorpanel import ErrorPanel


class FormBox(VerticalScroll, can_focus=False):
    """A form's frame: it scrolls when the form and its preview are taller than the screen (80x24), with
    PageUp/PageDown (and Ctrl+Up/Ctrl+Down) while any field has focus; never a tab stop itself."""


# what each form screen adds to its BINDINGS (textual does not merge a plain mixin's BINDINGS)
SCROLL_BINDINGS = [
    Binding("pagedown", "form_scroll(1)", show=False),
    Binding("pageup", "form_scroll(-1)", show=False),
    Binding("ctrl+down", "form_scroll(1)", show=False),
    Binding("ctrl+up", "form_scroll(-1)", show=False),
]


class ConfirmButton(Button, inherit_bindings=False):
    """The confirm button: a click writes, Enter does not (a Button presses on Enter when focused)."""

    BINDINGS = []


class PlanChanged(Exception):
    """A re-plan changed what the person previewed; `.plan` carries the new effect.

    The shape the writer's `Books.commit(operation)` raises when its re-plan under the lock differs
    (its own class of this name is recognised too, see `changed_effect`)."""

    def __init__(self, plan: Any, message: str = "the books changed since the preview; check the new effect") -> None:
        super().__init__(message)
        self.plan = plan


def changed_effect(exc: BaseException) -> Any | None:
    """The new effect if `exc` says the plan changed (ours, or the writer's PlanChanged), else None."""
    if type(exc).__name__ != "PlanChanged" or not hasattr(exc, "plan"):
        return None
    if getattr(exc, "effect", None) is not None:
        return exc.effect  # tui/core turned the writer's new plan into the effect this screen draws
    plan = exc.plan
    return getattr(plan, "effect", plan)  # a writer's Plan carries its effect; ours is the effect


def write_previewed(books, preview: Callable[..., Any], write: Callable[..., Any], args: tuple, expected: Any) -> Any:
    """Plan again on the books as they are now and write only if the effect is the one previewed.

    Runs in the screen's worker thread. What another process committed since the preview is refused by
    the writer's change check (the app then reloads); the writer's re-plan under the lock
    (Books.commit) raises its own PlanChanged, handled the same way as this one."""
    now = preview(books, *args)
    if now != expected:
        raise PlanChanged(now)
    return write(books, *args)


class PlanForm:
    """Mixin for a form screen: the preview/confirm state machine (see the module docstring)."""

    # widget ids, set by each screen
    plan_preview_id = "#plan-preview"   # the Static that shows the preview and the result
    plan_confirm_id = "#plan-confirm-btn"
    plan_keep: tuple[str, ...] = ()     # input ids that survive the clear after a write (date, a preset unit)

    previewed: Any = None       # the values previewed (None: nothing may be written)
    previewed_effect: Any = None
    busy: bool = False
    _pending: Any = None

    # --- what a screen provides ------------------------------------------------------------------
    def plan_values(self) -> Any:  # pragma: no cover - each screen
        raise NotImplementedError

    def plan_calls(self) -> tuple[Callable[..., Any], Callable[..., Any], tuple]:  # pragma: no cover
        """(preview function, write function, their arguments after `books`)."""
        raise NotImplementedError

    def plan_show_preview(self, effect: Any):  # pragma: no cover
        raise NotImplementedError

    def plan_show_done(self, done: Any):  # pragma: no cover
        raise NotImplementedError

    def plan_written(self, done: Any) -> None:
        """Called after a write, before the form clears (keep the result, notify)."""

    def action_form_scroll(self, direction: int) -> None:
        """Page the form (and its preview) up or down; the focused field keeps its focus."""
        box = self.query_one(FormBox)
        page = max(1, box.scrollable_content_region.height - 2)
        box.scroll_relative(y=direction * page, animate=False)

    def _preview_into_view(self, target=None) -> None:
        """After a preview, a result or an error is drawn, the form scrolls so it starts on screen (a small
        terminal would otherwise show nothing new below the buttons)."""
        try:
            box = self.query_one(FormBox)
        except Exception:
            return
        target = target if target is not None else self.query_one(self.plan_preview_id, Static)
        self.call_after_refresh(lambda: box.scroll_to_widget(target, animate=False, top=True)
                                if box.max_scroll_y > 0 else None)

    def _error_into_view(self) -> None:
        self._preview_into_view(self.query_one(ErrorPanel))

    # --- the flow ----------------------------------------------------------------------------------
    def plan_invalidate(self) -> None:
        """A value changed after the preview: the preview no longer stands for the form."""
        if self.previewed is not None and self.plan_values() != self.previewed:
            self.previewed = None
            self.previewed_effect = None
            self.query_one(self.plan_confirm_id, Button).disabled = True

    def plan_preview(self) -> None:
        if self.busy:
            return
        self.query_one(ErrorPanel).clear()
        self._pending = self.plan_values()
        preview, _write, args = self.plan_calls()
        self.query_one(self.plan_preview_id, Static).update(t("loading"))
        self.core("plan_preview", preview, *args)

    def done_plan_preview(self, effect: Any) -> None:
        self._show_previewed(effect)

    def _show_previewed(self, effect: Any, changed: bool = False) -> None:
        self.previewed = self._pending if self._pending == self.plan_values() else None
        self.previewed_effect = effect if self.previewed is not None else None
        parts = [Text(t("preview_label"), style="bold reverse")]
        if changed:
            parts.append(Text(t("plan_changed"), style="bold yellow"))
        parts.append(self.plan_show_preview(effect))
        self.query_one(self.plan_preview_id, Static).update(Group(*parts))
        self._preview_into_view()
        # the confirm button is enabled but never focused: Enter must not be one key away from a write
        self.query_one(self.plan_confirm_id, Button).disabled = self.previewed is None

    def failed_plan_preview(self, exc: BaseException) -> None:
        self.query_one(self.plan_preview_id, Static).update("")
        self.query_one(ErrorPanel).show(error_title(exc), error_text(exc))
        self._error_into_view()

    def plan_confirm(self) -> None:
        if self.busy:
            return
        values = self.plan_values()
        if self.previewed is None or self.previewed != values or self.previewed_effect is None:
            self.notify(t("preview_first"), severity="warning")
            return
        self.busy = True
        self.query_one(self.plan_confirm_id, Button).disabled = True
        self.query_one(self.plan_preview_id, Static).update(t("writing"))
        preview, write, args = self.plan_calls()
        self._pending = values
        self.core("plan_write", write_previewed, preview, write, args, self.previewed_effect, write=True)

    def done_plan_write(self, done: Any) -> None:
        self.busy = False
        self.previewed = None
        self.previewed_effect = None
        self.plan_written(done)
        self.plan_clear()
        self.query_one(self.plan_preview_id, Static).update(self.plan_show_done(done))
        self._preview_into_view()

    def failed_plan_write(self, exc: BaseException) -> None:
        self.busy = False
        self.previewed = None
        self.previewed_effect = None
        self.query_one(self.plan_preview_id, Static).update("")
        self.query_one(ErrorPanel).show(error_title(exc), f"{error_text(exc)}\n{t('books_unchanged')}")
        self._error_into_view()

    def on_core_failed(self, message) -> None:
        """A changed plan is no error: show the new effect and ask again (nothing was written)."""
        effect = changed_effect(message.error) if message.key == "plan_write" else None
        if effect is None:
            return  # CoreCalls.on_core_failed (further along the MRO) reports it
        message.stop()
        message.prevent_default()
        self.busy = False
        try:
            self._show_previewed(effect, changed=True)
        except Exception:  # an effect this screen cannot draw: say so, and make the person preview again
            self.previewed = self.previewed_effect = None
            self.query_one(self.plan_preview_id, Static).update("")
            self.query_one(ErrorPanel).show(error_title(message.error), f"{error_text(message.error)}\n{t('books_unchanged')}")
        self.notify(t("plan_changed"), severity="warning", timeout=10)

    def plan_clear(self) -> None:
        keep = set(self.plan_keep)
        for box in self.query(Input):
            if f"#{box.id}" not in keep:
                box.value = ""
        for box in self.query(Checkbox):
            box.value = False
