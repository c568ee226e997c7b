"""Corrections: waiver, compensation, refund, void, write-off, late-fee run. Each form demands what the
rules demand (reason, approver), previews the effect on the unit, and writes only on confirmation."""
from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from .. import core
from ..i18n import error_text, error_title, t
from ..widgets.effect import render_effect, render_latefees
from ..widgets.errorpanel import ErrorPanel
from ..widgets.plan_form import SCROLL_BINDINGS, ConfirmButton, FormBox, PlanForm
from .base import WuyeModal

KINDS = ("waive", "compensate", "refund", "void", "writeoff", "latefees")
PLACEHOLDERS = {"amount": "100.00", "period": "2026-10", "periods": "2024-01,2024-02", "receipt": "SJ2026-000001",
                "dispute": "D-2026-001", "date": "YYYY-MM-DD", "reason": "", "approved_by": ""}


class AdjustScreen(PlanForm, WuyeModal):
    BINDINGS = [Binding("escape", "close", "back"), Binding("ctrl+s", "confirm", "confirm_write", key_display="^s"),
                *SCROLL_BINDINGS]

    plan_preview_id = "#adj-preview"
    plan_confirm_id = "#adj-confirm-btn"

    def __init__(self, kind: str, unit: str | None = None, **preset: str) -> None:
        super().__init__()
        self.kind = kind
        self.preset = {k: v for k, v in preset.items() if v}
        if unit:
            self.preset["unit"] = unit
        self.fields = core.ADJUST_FIELDS[kind]
        self.written = None
        self.plan_keep = ("#f-date",)

    def compose(self) -> ComposeResult:
        required = core.ADJUST_REQUIRED[self.kind]
        with FormBox(id="form-box", classes="form-box") as box:
            box.border_title = t(f"adj_{self.kind}")
            box.border_subtitle = t("pay_hint")
            yield Static(t(f"adj_{self.kind}_help"), classes="hint")
            fields = list(self.fields)
            for i in range(0, len(fields), 2):
                with Horizontal(classes="form-row"):
                    for name in fields[i:i + 2]:
                        mark = " *" if name in required else ""
                        yield Label(t(f"f_{name}") + mark, classes="form-label")
                        yield self._field(name)
            with Horizontal(classes="form-buttons"):
                yield Button(t("preview"), id="adj-preview-btn")
                yield ConfirmButton(t("confirm_write"), id="adj-confirm-btn", variant="warning", disabled=True)
                yield Button(t("close"), id="adj-close-btn")
            yield ErrorPanel(id="adj-error")
            with Vertical(id="adj-out"):
                yield Static("", id="adj-preview")

    def _field(self, name: str):
        value = self.preset.get(name, "")
        if name == "item":
            return Select([], id="f-item", prompt=t("f_item"))
        if name == "mode":
            return Select([(t("mode_offset"), "offset"), (t("mode_cash"), "cash")], value="offset",
                          allow_blank=False, id="f-mode")
        if name == "forget_alias":  # unticked: forgetting an alias is a choice, asked on every undo
            return Checkbox(t("q_forget_alias_box"), False, id="f-forget_alias")
        if name == "channel":
            return Select([(t(f"ch_{c}"), c) for c in core.CHANNELS], value="cash", allow_blank=False, id="f-channel")
        return Input(str(value), id=f"f-{name}", placeholder=PLACEHOLDERS.get(name, ""))

    def on_mount(self) -> None:
        self.core("init", lambda books: (core.unit_ids(books), core.fee_items(books), core.today(books)))
        for name in self.fields:
            if not self.preset.get(name) and name not in ("item", "mode", "channel", "forget_alias"):
                self.query_one(f"#f-{name}").focus()
                break

    def done_init(self, result) -> None:
        ids, items, today = result
        if "unit" in self.fields:
            self.query_one("#f-unit", Input).suggester = SuggestFromList(ids, case_sensitive=False)
        if "item" in self.fields:
            sel = self.query_one("#f-item", Select)
            sel.set_options([(f"{code} {name}", code) for code, name in items])
            if self.preset.get("item"):
                sel.value = self.preset["item"]
        if "date" in self.fields:
            box = self.query_one("#f-date", Input)
            if not box.value:
                box.value = today.isoformat()

    def values(self) -> dict:
        out = {}
        for name in self.fields:
            w = self.query_one(f"#f-{name}")
            if isinstance(w, Checkbox):
                out[name] = bool(w.value)
            elif isinstance(w, Select):
                out[name] = "" if w.value is Select.NULL else str(w.value)
            else:
                out[name] = w.value.strip()
        if out.get("unit"):
            out["unit"] = out["unit"].upper()
        return out

    # --- the shared preview -> confirm flow (tui/widgets/plan_form.py) ------------------------------
    def plan_values(self) -> dict:
        return self.values()

    def plan_calls(self):
        return core.adjust_preview, core.adjust_write, (self.kind, self.values())

    def plan_show_preview(self, effect):
        return render_latefees(effect) if self.kind == "latefees" else render_effect(effect)

    def plan_written(self, done: core.WriteDone) -> None:
        self.written = done
        self.notify(t("committed", sha=done.commit[:10]) + "  " + done.message.splitlines()[0])

    def plan_show_done(self, done: core.WriteDone):
        return Group(Text(t("committed", sha=done.commit[:10]), style="bold green"), Text(done.message))

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self.plan_invalidate()

    @on(Input.Submitted)
    @on(Button.Pressed, "#adj-preview-btn")
    def action_preview(self) -> None:
        self.plan_preview()

    @on(Button.Pressed, "#adj-confirm-btn")
    def action_confirm(self) -> None:
        self.plan_confirm()

    @on(Button.Pressed, "#adj-close-btn")
    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(self.written)
