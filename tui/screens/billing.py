"""开账: choose the period, preview (units, totals by item, already billed, refused), confirm, commit."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, ProgressBar, Static

from .. import core
from ..i18n import error_text, error_title, t
from ..widgets.errorpanel import ErrorPanel
from ..widgets.plan_form import ConfirmButton  # Enter on it must not write
from .base import WuyeScreen


class BillingScreen(WuyeScreen):
    BINDINGS = [
        Binding("ctrl+s", "confirm", "confirm_write", key_display="^s"),
        Binding("ctrl+enter", "preview", "preview", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.preview: core.BillPreview | None = None
        self.preview_for: list[str] | None = None
        self.writing = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="bill-body"):
            yield Static(t("bill_hint"), classes="hint")
            with Horizontal(id="bill-bar", classes="form-row"):
                yield Label(t("bill_period"))
                yield Input(id="bill-from", placeholder="2026-12", max_length=7)
                yield Label(t("bill_to"))
                yield Input(id="bill-to", placeholder="", max_length=7)
                yield Button(t("preview"), id="bill-preview-btn")
                yield ConfirmButton(t("confirm_write"), id="bill-confirm-btn", variant="warning", disabled=True)
            yield ErrorPanel(id="bill-error")
            yield Static("", id="bill-summary")
            yield ProgressBar(id="bill-progress", total=None, show_eta=False)
            yield Static("", id="bill-result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bill-progress").display = False
        self.query_one("#bill-from", Input).focus()

    def refresh_data(self) -> None:
        if not self.query_one("#bill-from", Input).value:
            self.core("default", core.default_bill_period)

    def done_default(self, period: str) -> None:
        box = self.query_one("#bill-from", Input)
        if not box.value:
            box.value = period

    def periods(self) -> list[str]:
        return core.parse_periods(self.query_one("#bill-from", Input).value,
                                  self.query_one("#bill-to", Input).value)

    # --- preview ---------------------------------------------------------------------------
    @on(Input.Submitted)
    @on(Button.Pressed, "#bill-preview-btn")
    def action_preview(self) -> None:
        if self.writing:
            return
        self.query_one(ErrorPanel).clear()
        self.query_one("#bill-confirm-btn", Button).disabled = True
        self.preview = None
        try:
            plist = self.periods()
        except core.WuyeError as exc:
            self.query_one(ErrorPanel).show(t("err_InputError"), error_text(exc))
            return
        self.preview_for = plist
        self.query_one("#bill-summary", Static).update(t("loading"))
        self.core("preview", core.bill_preview, plist)

    def done_preview(self, p: core.BillPreview) -> None:
        self.preview = p
        self.query_one("#bill-summary", Static).update(render_preview(p))
        self.query_one("#bill-result", Static).update("")
        btn = self.query_one("#bill-confirm-btn", Button)
        btn.disabled = p.entries == 0
        if p.entries:
            btn.focus()

    def failed_preview(self, exc: BaseException) -> None:
        self.query_one("#bill-summary", Static).update("")
        self.query_one(ErrorPanel).show(error_title(exc), error_text(exc))

    # --- write -------------------------------------------------------------------------------
    @on(Button.Pressed, "#bill-confirm-btn")
    def action_confirm(self) -> None:
        if self.writing:
            return
        try:
            current = self.periods()
        except core.WuyeError:
            current = None
        if self.preview is None or current != self.preview_for or not self.preview.entries:
            self.notify(t("preview_first"), severity="warning")
            return
        self.writing = True
        self.query_one("#bill-confirm-btn", Button).disabled = True
        bar = self.query_one("#bill-progress", ProgressBar)
        bar.display = True
        self.query_one("#bill-result", Static).update(t("writing"))
        self.core("run", core.bill_run, self.preview_for, write=True)

    def done_run(self, result) -> None:
        self.writing = False
        self.query_one("#bill-progress").display = False
        preview, done = result
        self.preview = None
        if done is None:
            self.query_one("#bill-result", Static).update(Text(t("nothing_to_bill"), style="yellow"))
            return
        text = Text.assemble((t("committed", sha=done.commit[:10]), "bold green"), "\n", done.message)
        self.query_one("#bill-result", Static).update(text)
        self.notify(t("committed", sha=done.commit[:10]) + "  " + done.message.splitlines()[0])

    def failed_run(self, exc: BaseException) -> None:
        self.writing = False
        self.query_one("#bill-progress").display = False
        self.query_one("#bill-result", Static).update("")
        title = error_title(exc)
        self.query_one(ErrorPanel).show(title, error_text(exc) + "\n" + t("books_unchanged"))


def render_preview(p: core.BillPreview) -> Table:
    outer = Table.grid(padding=(0, 4))
    outer.add_column()
    outer.add_column()
    head = Table.grid(padding=(0, 2))
    head.add_column(style="dim")
    head.add_column(justify="right")
    span = p.periods[0] if len(p.periods) == 1 else f"{p.periods[0]}..{p.periods[-1]}"
    head.add_row(t("period"), Text(span, style="bold"))
    head.add_row(t("units_billed"), Text(str(p.units), style="bold"))
    head.add_row(t("total"), Text(core.money(p.total), style="bold"))
    head.add_row(t("developer_total"), core.money(p.developer_total))
    head.add_row(t("credit_applied"), f"{core.money(p.credit_applied)} ({p.credit_units})")
    head.add_row(t("already_billed"), str(len(p.already)))
    head.add_row(t("refused"), Text(str(len(p.refused)), style="bold red" if p.refused else ""))
    items = Table(title=t("by_item"), expand=False, show_edge=False)
    items.add_column(t("item"))
    items.add_column(t("amount"), justify="right")
    for code, name, amount in p.totals:
        items.add_row(f"{code} {name}", core.money(amount))
    if not p.totals:
        items.add_row(Text(t("nothing_to_bill"), style="yellow"), "")
    outer.add_row(head, items)
    if p.refused:
        refused = Text("\n" + t("refused") + ":\n", style="bold red")
        for r in p.refused[:30]:
            refused.append(f"  {r}\n", style="red")
        if len(p.refused) > 30:
            refused.append(f"  … +{len(p.refused) - 30}\n", style="red")
        outer.add_row(refused, "")
    return outer
