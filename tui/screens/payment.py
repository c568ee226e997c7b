"""收款: unit (with completion), amount, channel, reference, date; the allocation previewed, then the receipt."""
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
from ..widgets.effect import render_effect
from ..widgets.errorpanel import ErrorPanel
from ..widgets.plan_form import SCROLL_BINDINGS, ConfirmButton, FormBox, PlanForm
from .base import WuyeModal


def prepay_label(on: bool) -> str:
    """The 预交 box says its state with a mark, not by colour alone."""
    return ("☑ " if on else "☐ ") + t("prepay")


def channel_options():
    return [(t(f"ch_{c}"), c) for c in core.CHANNELS]


class PaymentScreen(PlanForm, WuyeModal):
    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("ctrl+s", "record", "confirm_write", key_display="^s"),
        Binding("ctrl+o", "print", "print_receipt", key_display="^o"),
        *SCROLL_BINDINGS,
    ]

    plan_preview_id = "#pay-preview"
    plan_confirm_id = "#pay-record-btn"

    def __init__(self, unit: str | None = None) -> None:
        super().__init__()
        self.unit = unit or ""
        self.done: core.PaymentDone | None = None
        # the form clears after a write; a unit given by the caller (the unit's page) stays
        self.plan_keep = ("#pay-date",) + (("#pay-unit",) if unit else ())

    def compose(self) -> ComposeResult:
        with FormBox(id="form-box", classes="form-box") as box:
            box.border_title = t("pay")
            box.border_subtitle = t("pay_hint")
            with Horizontal(classes="form-row"):
                yield Label(t("unit"), classes="form-label")
                yield Input(self.unit, id="pay-unit", placeholder=t("ph_unit"))
                yield Label(t("amount"), classes="form-label")
                yield Input(id="pay-amount", placeholder=t("ph_amount"))
            with Horizontal(classes="form-row"):
                yield Label(t("channel"), classes="form-label")
                yield Select(channel_options(), value="cash", allow_blank=False, id="pay-channel")
                yield Label(t("reference"), classes="form-label")
                yield Input(id="pay-ref", placeholder=t("ph_ref"))
            with Horizontal(classes="form-row"):
                yield Label(t("pay_date"), classes="form-label")
                yield Input(id="pay-date", placeholder="YYYY-MM-DD", max_length=10)
                yield Label(t("payer"), classes="form-label")
                yield Input(id="pay-payer", placeholder=t("payer_hint"))
            with Horizontal(classes="form-row"):
                yield Label(t("designated"), classes="form-label")
                yield Input(id="pay-for", placeholder=t("ph_for"))
                yield Checkbox(prepay_label(False), id="pay-prepay")
            with Horizontal(classes="form-buttons"):
                yield Button(t("preview"), id="pay-preview-btn")
                yield ConfirmButton(t("confirm_write"), id="pay-record-btn", variant="warning", disabled=True)
                yield Button(t("print_receipt"), id="pay-print-btn", disabled=True)
                yield Button(t("close"), id="pay-close-btn")
            yield ErrorPanel(id="pay-error")
            with Vertical(id="pay-out"):
                yield Static("", id="pay-preview")

    def on_mount(self) -> None:
        self.core("init", lambda books: (core.unit_ids(books), core.today(books), core.desk_channel(books)))
        self.query_one("#pay-amount" if self.unit else "#pay-unit", Input).focus()

    def done_init(self, result) -> None:
        ids, today, channel = result
        self.query_one("#pay-unit", Input).suggester = SuggestFromList(ids, case_sensitive=False)
        self.query_one("#pay-channel", Select).value = channel  # the office's channel at this desk
        date = self.query_one("#pay-date", Input)
        if not date.value:
            date.value = today.isoformat()

    def form(self) -> core.PaymentForm:
        v = lambda wid: self.query_one(wid, Input).value.strip()  # noqa: E731
        return core.PaymentForm(v("#pay-unit").upper(), v("#pay-amount"), str(self.query_one("#pay-channel", Select).value),
                                v("#pay-date"), v("#pay-ref"), v("#pay-payer"), v("#pay-for"),
                                self.query_one("#pay-prepay", Checkbox).value)

    # --- the shared preview -> confirm flow (tui/widgets/plan_form.py) ------------------------------
    def plan_values(self) -> core.PaymentForm:
        return self.form()

    def plan_calls(self):
        return core.payment_preview, core.payment_record, (self.form(),)

    large_confirmed = False  # an implausible amount takes a second Ctrl+S

    def plan_show_preview(self, effect: core.Effect):
        self.done = None
        self.large_confirmed = False
        self.query_one("#pay-print-btn", Button).disabled = True
        shown = render_effect(effect, "allocation")
        if effect.implausible:
            warn = Text(t("large_amount", amount=core.money(effect.amount), limit=core.money(effect.limit)),
                        style="bold red")
            return Group(warn, shown)
        return shown

    def plan_written(self, done: core.PaymentDone) -> None:
        self.done = done
        self.query_one("#pay-print-btn", Button).disabled = False
        self.notify(f"{done.receipt}  {core.money(done.effect.amount)}  " + t("committed", sha=done.write.commit[:10]))

    def plan_show_done(self, done: core.PaymentDone):
        return Group(Text(t("committed", sha=done.write.commit[:10]), style="bold green"), Text(done.receipt_text))

    @on(Checkbox.Changed, "#pay-prepay")
    def _prepay_mark(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = prepay_label(event.value)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self.large_confirmed = False
        self.plan_invalidate()

    @on(Input.Submitted)
    @on(Button.Pressed, "#pay-preview-btn")
    def action_preview(self) -> None:
        self.plan_preview()

    @on(Button.Pressed, "#pay-record-btn")
    def action_record(self) -> None:
        effect = self.previewed_effect
        if effect is not None and effect.implausible and not self.large_confirmed and not self.busy:
            self.large_confirmed = True
            self.notify(t("large_again", amount=core.money(effect.amount)), severity="warning", timeout=10)
            return
        self.plan_confirm()

    @on(Button.Pressed, "#pay-print-btn")
    def action_print(self) -> None:
        if self.done is not None:
            self.core("html", core.receipt_html_file, self.done.receipt)

    def done_html(self, path: str) -> None:
        self.notify(t("receipt_saved", path=path), timeout=10)

    @on(Button.Pressed, "#pay-close-btn")
    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(self.done.receipt if self.done else None)


class ReceiptScreen(WuyeModal):
    """One receipt as printed (text), with the HTML page one key away."""

    BINDINGS = [Binding("escape", "dismiss", "back"), Binding("ctrl+o", "print", "print_receipt", key_display="^o")]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="receipt-box", classes="form-box") as box:
            box.border_title = f"{t('receipt')} {self.number}"
            box.border_subtitle = "Esc · Ctrl+O " + t("print_receipt")
            yield Static(t("loading"), id="receipt-text")

    def on_mount(self) -> None:
        self.core("text", core.receipt_text, self.number)

    def done_text(self, text: str) -> None:
        self.query_one("#receipt-text", Static).update(Text(text))

    def action_print(self) -> None:
        self.core("html", core.receipt_html_file, self.number)

    def done_html(self, path: str) -> None:
        self.notify(t("receipt_saved", path=path), timeout=10)
