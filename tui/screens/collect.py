"""Collection forms started from the unit detail: log a contact, open or close a dispute (closing with
its compensation: one commit), set a 催缴阶段, issue a dunning notice.

Each is validated by the core's own entry builders (phone numbers and owners' names refused there, as
InputError), previewed as the exact directives (or the notice) before anything is written, and written
in one commit on Ctrl+S."""
from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from .. import core
from ..i18n import error_text, error_title, t
from ..widgets.errorpanel import ErrorPanel
from ..widgets.plan_form import SCROLL_BINDINGS, ConfirmButton, FormBox, PlanForm
from .base import WuyeModal

FIELDS = {
    "contact": ("channel", "outcome", "promise_date", "promise_amount", "proof", "by", "date", "acknowledged"),
    "dispute": ("category", "claim", "note", "by", "date"),
    "notice": ("date", "deadline_days", "by", "reason"),
    "close": ("dispute", "resolution", "compensation", "mode", "approved_by", "by", "date"),
    "stage": ("stage", "note", "by", "date"),
}
REQUIRED = {"contact": ("channel", "outcome"), "dispute": ("category", "note"), "notice": ("date",),
            "close": ("dispute", "resolution"), "stage": ("stage",)}
PLACEHOLDERS = {"promise_date": "YYYY-MM-DD", "date": "YYYY-MM-DD", "promise_amount": "500.00",
                "proof": "EMS EA123456789CN", "claim": "0.00", "deadline_days": "15",
                "reason": "纠纷未结时照发的原因"}
LABEL = {"channel": "f_channel_c", "reason": "f_force_reason"}


class CollectScreen(PlanForm, WuyeModal):
    BINDINGS = [Binding("escape", "close", "back"), Binding("ctrl+s", "confirm", "confirm_write", key_display="^s"),
                *SCROLL_BINDINGS]

    plan_preview_id = "#col-preview"
    plan_confirm_id = "#col-confirm-btn"

    def __init__(self, kind: str, unit: str) -> None:
        super().__init__()
        self.kind = kind
        self.unit = unit
        self.fields = FIELDS[kind]
        self.done: core.CollectDone | None = None
        self.plan_keep = ("#f-date", "#f-by")

    def compose(self) -> ComposeResult:
        with FormBox(id="form-box", classes="form-box") as box:
            box.border_title = f"{t(f'coll_{self.kind}')} · {self.unit}"
            box.border_subtitle = t("pay_hint")
            yield Static(t(f"coll_{self.kind}_help"), classes="hint")
            fields = [f for f in self.fields if f != "acknowledged"]
            for i in range(0, len(fields), 2):
                with Horizontal(classes="form-row"):
                    for name in fields[i:i + 2]:
                        mark = " *" if name in REQUIRED[self.kind] else ""
                        yield Label(t(LABEL.get(name, f"f_{name}")) + mark, classes="form-label")
                        yield self._field(name)
            if "acknowledged" in self.fields:
                yield Checkbox(t("f_acknowledged"), id="f-acknowledged")
            with Horizontal(classes="form-buttons"):
                yield Button(t("preview"), id="col-preview-btn")
                yield ConfirmButton(t("confirm_write"), id="col-confirm-btn", variant="warning", disabled=True)
                yield Button(t("close"), id="col-close-btn")
            yield ErrorPanel(id="col-error")
            with Vertical(id="col-out"):
                yield Static("", id="col-preview")

    def _field(self, name: str):
        if name == "channel":
            return Select([(t(f"cc_{c}"), c) for c in core.CONTACT_CHANNELS], value="phone", allow_blank=False,
                          id="f-channel")
        if name == "category":
            return Select([(t(f"cat_{c}"), c) for c in core.DISPUTE_CATEGORIES], value="other", allow_blank=False,
                          id="f-category")
        if name == "mode":
            return Select([(t(f"mode_{m}"), m) for m in core.COMPENSATION_MODES], value="offset", allow_blank=False,
                          id="f-mode")
        if name == "stage":
            return Select([(t(f"sg_{s}"), s) for s in core.STAGE_CODES], value="reminded", allow_blank=False,
                          id="f-stage")
        return Input(id=f"f-{name}", placeholder=PLACEHOLDERS.get(name, ""))

    def on_mount(self) -> None:
        unit = self.unit
        self.core("init", lambda books: (core.today(books), core.default_collector(books),
                                         core.open_dispute_ids(books, unit)))
        first = {"contact": "#f-outcome", "dispute": "#f-note", "notice": "#f-deadline_days",
                 "close": "#f-resolution", "stage": "#f-stage"}[self.kind]
        self.query_one(first).focus()

    def done_init(self, result) -> None:
        today, by, open_ids = result
        for name, value in (("date", today.isoformat()), ("by", by), ("dispute", open_ids[0] if open_ids else "")):
            if name in self.fields:
                box = self.query_one(f"#f-{name}", Input)
                if not box.value:
                    box.value = value

    def values(self) -> dict:
        out: dict = {"unit": self.unit}
        for name in self.fields:
            w = self.query_one(f"#f-{name}")
            if isinstance(w, Checkbox):
                out[name] = w.value
            elif isinstance(w, Select):
                out[name] = "" if w.value is Select.NULL else str(w.value)
            else:
                out[name] = w.value.strip()
        return out

    # --- the shared preview -> confirm flow (tui/widgets/plan_form.py) ------------------------------
    def plan_values(self) -> dict:
        return self.values()

    def plan_calls(self):
        return core.collect_preview, core.collect_write, (self.kind, self.values())

    def plan_show_preview(self, p: core.CollectPreview):
        parts = []
        if self.kind == "notice":
            parts.append(Text(t("notice_lines"), style="bold"))
        parts.append(Text(p.text))
        if p.note == "interrupts":
            parts.append(Text("⚖ " + t("interrupts"), style="bold yellow"))
        return Group(*parts)

    def plan_written(self, done: core.CollectDone) -> None:
        self.done = done
        msg = t("committed", sha=done.write.commit[:10])
        if done.path:
            msg += "\n" + t("notice_saved", doc=done.ident, path=done.path)
        self.notify(msg, timeout=10)

    def plan_show_done(self, done: core.CollectDone):
        parts = [Text(t("committed", sha=done.write.commit[:10]), style="bold green"), Text(done.write.message)]
        if self.kind == "dispute":
            parts.insert(0, Text(t("dispute_opened", id=done.ident), style="bold"))
        if done.path:
            parts.append(Text(t("notice_saved", doc=done.ident, path=done.path), style="bold"))
        return Group(*parts)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self.plan_invalidate()

    @on(Input.Submitted)
    @on(Button.Pressed, "#col-preview-btn")
    def action_preview(self) -> None:
        self.plan_preview()

    @on(Button.Pressed, "#col-confirm-btn")
    def action_confirm(self) -> None:
        self.plan_confirm()

    @on(Button.Pressed, "#col-close-btn")
    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(self.done)
