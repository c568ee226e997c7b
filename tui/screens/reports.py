"""报表 (F7): rates by building/item/collector, arrears aging (>3 years in red), the 公示 text, collectors'
targets and limitation risk; Ctrl+O exports the report shown to xlsx/csv/html (written by the core)."""
from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from .. import core
from ..i18n import error_text, error_title, t, term
from ..widgets.errorpanel import ErrorPanel
from ..widgets.reporttable import render_table
from .base import WuyeModal, WuyeScreen

BY_KINDS = {"rates": ("", "building", "item", "collector"), "arrears": ("", "building", "item", "collector")}
NEEDS_PERIOD = ("rates", "disclosure", "targets", "receipts")


class ReportsScreen(WuyeScreen):
    BINDINGS = [
        Binding("ctrl+o", "export", "export", key_display="^o"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: core.ReportView | None = None
        self.spec: core.ReportSpec | None = None
        self._ready = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="rep-bar"):
            yield Select([(t(f"rep_{k}"), k) for k in core.REPORT_KINDS], value="rates", allow_blank=False,
                         id="rep-kind")
            yield Label(t("rep_period"), classes="rep-label")
            yield Input(id="rep-period", placeholder=t("rep_period_hint"), max_length=20)
            yield Select([(t(f"grp_{b or 'none'}"), b) for b in ("", "building", "item", "collector")], value="",
                         allow_blank=False, id="rep-by")
            yield Label(t("rep_as_of"), classes="rep-label")
            yield Input(id="rep-asof", placeholder="YYYY-MM-DD", max_length=10)
            yield Button(t("rep_show"), id="rep-show-btn")
            yield Button(t("export"), id="rep-export-btn")
        yield Static(t("rep_hint"), id="rep-hint", classes="hint")
        yield ErrorPanel(id="rep-error")
        with VerticalScroll(id="rep-body"):
            yield Static("", id="rep-out")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rep-period", Input).focus()

    def refresh_data(self) -> None:
        if not self.query_one("#rep-period", Input).value:
            self.core("default", core.default_report_periods)
        else:
            self.action_show()

    def done_default(self, defaults: dict[str, str]) -> None:
        self._defaults = defaults
        box = self.query_one("#rep-period", Input)
        if not box.value:
            box.value = self._default_for(str(self.query_one("#rep-kind", Select).value))
        self._ready = True
        self.action_show()

    def _default_for(self, kind: str) -> str:
        defaults = getattr(self, "_defaults", {})
        return defaults.get(kind, defaults.get("", ""))

    def current_spec(self) -> core.ReportSpec:
        kind = str(self.query_one("#rep-kind", Select).value)
        by = str(self.query_one("#rep-by", Select).value or "")
        return core.ReportSpec(kind, self.query_one("#rep-period", Input).value.strip(),
                               by if kind in BY_KINDS else "", self.query_one("#rep-asof", Input).value.strip())

    @on(Select.Changed)
    def _select(self, event: Select.Changed) -> None:
        kind = str(self.query_one("#rep-kind", Select).value)
        self.query_one("#rep-by", Select).disabled = kind not in BY_KINDS
        box = self.query_one("#rep-period", Input)
        box.disabled = kind not in NEEDS_PERIOD
        defaults = getattr(self, "_defaults", {})
        if box.value in defaults.values():  # still a default the form put there: the default of this kind
            box.value = self._default_for(kind)
        if self._ready:
            self.action_show()

    @on(Input.Submitted)
    @on(Button.Pressed, "#rep-show-btn")
    def action_show(self) -> None:
        self.query_one(ErrorPanel).clear()
        spec = self.current_spec()
        self.query_one("#rep-out", Static).update(Text(t("loading"), style="dim"))
        self.core("report", core.report_view, spec)

    def done_report(self, view: core.ReportView) -> None:
        self.view, self.spec = view, view.spec
        self.query_one("#rep-out", Static).update(render_view(view))
        self.query_one("#rep-body").scroll_home(animate=False)

    def failed_report(self, exc: BaseException) -> None:
        self.view = None
        self.query_one("#rep-out", Static).update("")
        self.query_one(ErrorPanel).show(error_title(exc), error_text(exc))

    @on(Button.Pressed, "#rep-export-btn")
    def action_export(self) -> None:
        if self.view is None:
            self.notify(t("show_first"), severity="warning")
            return
        self.app.push_screen(ExportScreen(self.view.spec))


def render_view(v: core.ReportView) -> Group:
    parts: list = [Text(term(v.title) if v.title else "", style="bold")]
    parts += [Text(n, style="dim") for n in v.notes]
    parts.append(Text(""))
    if v.text is not None:  # the disclosure as printed
        body = Text()
        for line in v.text.splitlines():
            body.append(line + "\n", style="bold red" if line.startswith("!! ") else "")
        parts.append(body)
        return Group(*parts)
    tables = [x for x in v.tables if not x.title.startswith("构成")] + [x for x in v.tables if x.title.startswith("构成")]
    for tbl in tables:  # the rates' figure breakdown last: the grouped rates come first
        parts.append(render_table(tbl, v.risk_columns))
        parts.append(Text(""))
    return Group(*parts)


class ExportScreen(WuyeModal):
    """The export dialog: format and file path (default under the cwd or home, never the books)."""

    BINDINGS = [Binding("escape", "close", "back"), Binding("ctrl+s", "export", "export", key_display="^s")]

    def __init__(self, spec: core.ReportSpec) -> None:
        super().__init__()
        self.spec = spec
        self.path: str | None = None
        self._default: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="form-box") as box:
            box.border_title = t("export_title")
            box.border_subtitle = t("export_hint")
            with Horizontal(classes="form-row"):
                yield Label(t("export_format"), classes="form-label")
                yield Select([(f.upper(), f) for f in core.EXPORT_FORMATS], value="xlsx", allow_blank=False,
                             id="exp-format")
            with Horizontal(classes="form-row"):
                yield Label(t("export_path"), classes="form-label")
                yield Input(id="exp-path")
            with Horizontal(classes="form-buttons"):
                yield Button(t("export"), id="exp-btn", variant="warning")
                yield Button(t("close"), id="exp-close-btn")
            yield ErrorPanel(id="exp-error")
            yield Static("", id="exp-result")

    def on_mount(self) -> None:
        self.core("default", lambda books: {f: core.default_export_path(books, self.spec, f)
                                           for f in core.EXPORT_FORMATS})
        self.query_one("#exp-path", Input).focus()

    def done_default(self, paths: dict) -> None:
        self._default = paths
        box = self.query_one("#exp-path", Input)
        if not box.value:
            box.value = paths["xlsx"]
            box.cursor_position = len(box.value)

    @on(Select.Changed, "#exp-format")
    def _format(self, event: Select.Changed) -> None:
        box = self.query_one("#exp-path", Input)
        fmt = str(event.value)
        if box.value in self._default.values() or not box.value:
            box.value = self._default.get(fmt, box.value)
        elif "." in box.value.rsplit("/", 1)[-1]:
            box.value = box.value.rsplit(".", 1)[0] + "." + fmt

    @on(Input.Submitted)
    @on(Button.Pressed, "#exp-btn")
    def action_export(self) -> None:
        self.query_one(ErrorPanel).clear()
        fmt = str(self.query_one("#exp-format", Select).value)
        self.query_one("#exp-result", Static).update(t("loading"))
        self.core("export", core.export_report, self.spec, fmt, self.query_one("#exp-path", Input).value)

    def done_export(self, path: str) -> None:
        self.path = path
        self.query_one("#exp-result", Static).update(Text(t("exported", path=path), style="bold green"))
        self.notify(t("exported", path=path), timeout=10)

    def failed_export(self, exc: BaseException) -> None:
        self.query_one("#exp-result", Static).update("")
        self.query_one(ErrorPanel).show(error_title(exc), error_text(exc))

    @on(Button.Pressed, "#exp-close-btn")
    def action_close(self) -> None:
        self.dismiss(self.path)
