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
from .base import WuyeModal


def channel_options():
    return [(t(f"ch_{c}"), c) for c in core.CHANNELS]


class PaymentScreen(WuyeModal):
    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("ctrl+s", "record", "confirm_write", key_display="^s"),
        Binding("ctrl+o", "print", "print_receipt", key_display="^o"),
    ]

    def __init__(self, unit: str | None = None) -> None:
        super().__init__()
        self.unit = unit or ""
        self.previewed: core.PaymentForm | None = None
        self.done: core.PaymentDone | None = None
        self.busy = False
        self._pending: core.PaymentForm | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box", classes="form-box") as box:
            box.border_title = t("pay")
            box.border_subtitle = t("pay_hint")
            with Horizontal(classes="form-row"):
                yield Label(t("unit"), classes="form-label")
                yield Input(self.unit, id="pay-unit", placeholder="3-1502")
                yield Label(t("amount"), classes="form-label")
                yield Input(id="pay-amount", placeholder="1,234.50")
            with Horizontal(classes="form-row"):
                yield Label(t("channel"), classes="form-label")
                yield Select(channel_options(), value="wechat", allow_blank=False, id="pay-channel")
                yield Label(t("reference"), classes="form-label")
                yield Input(id="pay-ref", placeholder="4200001234…")
            with Horizontal(classes="form-row"):
                yield Label(t("pay_date"), classes="form-label")
                yield Input(id="pay-date", placeholder="YYYY-MM-DD", max_length=10)
                yield Label(t("payer"), classes="form-label")
                yield Input(id="pay-payer", placeholder=t("payer_hint"))
            with Horizontal(classes="form-row"):
                yield Label(t("designated"), classes="form-label")
                yield Input(id="pay-for", placeholder="PF:2026-10,PK:2026-10")
                yield Checkbox(t("prepay"), id="pay-prepay")
            with Horizontal(classes="form-buttons"):
                yield Button(t("preview"), id="pay-preview-btn")
                yield Button(t("confirm_write"), id="pay-record-btn", variant="warning", disabled=True)
                yield Button(t("print_receipt"), id="pay-print-btn", disabled=True)
                yield Button(t("close"), id="pay-close-btn")
            yield ErrorPanel(id="pay-error")
            with VerticalScroll(id="pay-out"):
                yield Static("", id="pay-preview")

    def on_mount(self) -> None:
        self.core("init", lambda books: (core.unit_ids(books), core.today(books)))
        self.query_one("#pay-amount" if self.unit else "#pay-unit", Input).focus()

    def done_init(self, result) -> None:
        ids, today = result
        self.query_one("#pay-unit", Input).suggester = SuggestFromList(ids, case_sensitive=False)
        date = self.query_one("#pay-date", Input)
        if not date.value:
            date.value = today.isoformat()

    def form(self) -> core.PaymentForm:
        v = lambda wid: self.query_one(wid, Input).value.strip()  # noqa: E731
        return core.PaymentForm(v("#pay-unit").upper(), v("#pay-amount"), str(self.query_one("#pay-channel", Select).value),
                                v("#pay-date"), v("#pay-ref"), v("#pay-payer"), v("#pay-for"),
                                self.query_one("#pay-prepay", Checkbox).value)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if self.previewed is not None and self.form() != self.previewed:
            self.previewed = None
            self.query_one("#pay-record-btn", Button).disabled = True

    @on(Input.Submitted)
    @on(Button.Pressed, "#pay-preview-btn")
    def action_preview(self) -> None:
        if self.busy:
            return
        self.query_one(ErrorPanel).clear()
        form = self.form()
        self._pending = form
        self.query_one("#pay-preview", Static).update(t("loading"))
        self.core("preview", core.payment_preview, form)

    def done_preview(self, effect: core.Effect) -> None:
        self.previewed = self._pending if self._pending == self.form() else None
        self.done = None
        self.query_one("#pay-print-btn", Button).disabled = True
        self.query_one("#pay-preview", Static).update(
            Group(Text(t("preview_label"), style="bold reverse"), render_effect(effect, "allocation")))
        btn = self.query_one("#pay-record-btn", Button)
        btn.disabled = self.previewed is None
        if self.previewed is not None:
            btn.focus()

    def failed_preview(self, exc: BaseException) -> None:
        self.query_one("#pay-preview", Static).update("")
        self.query_one(ErrorPanel).show(error_title(exc), error_text(exc))

    @on(Button.Pressed, "#pay-record-btn")
    def action_record(self) -> None:
        if self.busy:
            return
        if self.previewed is None or self.previewed != self.form():
            self.notify(t("preview_first"), severity="warning")
            return
        self.busy = True
        self.query_one("#pay-record-btn", Button).disabled = True
        self.query_one("#pay-preview", Static).update(t("writing"))
        self.core("record", core.payment_record, self.previewed, write=True)

    def done_record(self, done: core.PaymentDone) -> None:
        self.busy = False
        self.done = done
        self.previewed = None
        self.query_one("#pay-print-btn", Button).disabled = False
        self.query_one("#pay-preview", Static).update(Group(
            Text(t("committed", sha=done.write.commit[:10]), style="bold green"),
            Text(done.receipt_text)))
        self.notify(f"{done.receipt}  {core.money(done.effect.amount)}  " + t("committed", sha=done.write.commit[:10]))
        self.query_one("#pay-print-btn", Button).focus()

    def failed_record(self, exc: BaseException) -> None:
        self.busy = False
        self.previewed = None
        self.query_one("#pay-preview", Static).update("")
        self.query_one(ErrorPanel).show(error_title(exc), error_text(exc) + "\n" + t("books_unchanged"))

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
