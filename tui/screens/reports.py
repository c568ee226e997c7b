"""报表 (F7): rates by building/item/collector, arrears aging (>3 years in red), the 公示 text, collectors'
targets and limitation risk; Ctrl+O exports the report shown to xlsx/csv/html (written by the core)."""
from __future__ import annotations

from rich.console import Group
from rich.measure import Measurement
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from .. import core
from ..i18n import error_text, error_title, t, term
from ..widgets.columns import ColumnHint
from ..widgets.errorpanel import ErrorPanel
from ..widgets.reporttable import render_table
from .base import WuyeModal, WuyeScreen
from .dashboard import COMPACT_WIDTH

BY_KINDS = {"rates": ("", "building", "item", "collector"), "arrears": ("", "building", "item", "collector")}
NEEDS_PERIOD = ("rates", "disclosure", "targets", "receipts")


class ReportsScreen(WuyeScreen):
    BINDINGS = [
        Binding("ctrl+o", "export", "export", key_display="^o"),
        # the report scrolls from anywhere but a text box (which keeps ←/→ for its cursor)
        Binding("right", "scroll_report(8)", show=False),
        Binding("left", "scroll_report(-8)", show=False),
        Binding("pagedown", "page_report(1)", show=False),
        Binding("pageup", "page_report(-1)", show=False),
    ]

    def action_scroll_report(self, step: int) -> None:
        body = self.query_one("#rep-body", ReportBody)
        body.scroll_to(x=max(0, min(body.max_scroll_x, body.scroll_x + step)), animate=False)

    def action_page_report(self, direction: int) -> None:
        body = self.query_one("#rep-body", ReportBody)
        (body.scroll_page_down if direction > 0 else body.scroll_page_up)(animate=False)

    def __init__(self) -> None:
        super().__init__()
        self.view: core.ReportView | None = None
        self.spec: core.ReportSpec | None = None
        self._ready = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="rep-bar"):  # two groups: side by side, or one above the other below 110 columns
            with Horizontal(classes="rep-group"):
                yield Select([(t(f"rep_{k}"), k) for k in core.REPORT_KINDS], value="rates", allow_blank=False,
                             id="rep-kind")
                yield Label(t("rep_period"), classes="rep-label")
                yield Input(id="rep-period", placeholder=t("rep_period_hint"), max_length=20)
                yield Select([(t(f"grp_{b or 'none'}"), b) for b in ("", "building", "item", "collector")],
                             value="", allow_blank=False, id="rep-by")
            with Horizontal(classes="rep-group"):
                yield Label(t("rep_as_of"), classes="rep-label")
                yield Input(id="rep-asof", placeholder="YYYY-MM-DD", max_length=10)
                yield Button(t("rep_show"), id="rep-show-btn")
                yield Button(t("export"), id="rep-export-btn")
        yield Static(t("rep_hint"), id="rep-hint", classes="hint")
        yield ErrorPanel(id="rep-error")
        yield ColumnHint(id="rep-wide")
        with ReportBody(id="rep-body"):
            yield Static("", id="rep-head")  # title and notes: wrapped to the screen
            yield Static("", id="rep-out")  # the tables at their own width: scrolled sideways when wider
        yield Footer()

    def on_resize(self) -> None:
        self.set_class(self.size.width < COMPACT_WIDTH, "-compact")
        if self.view is not None:
            self.call_after_refresh(self._fit_tables)

    def _fit_tables(self) -> None:
        """The tables keep their natural width (a rich table squeezed to the screen wraps its figures)."""
        if self.view is None:
            return
        out = self.query_one("#rep-out", Static)
        body = self.query_one("#rep-body", ReportBody)
        tables = render_tables(self.view)
        natural = Measurement.get(self.app.console, self.app.console.options.update(width=1000), tables).maximum
        # wider than the screen: that width, scrolled sideways; else as wide as the screen (a vertical
        # scrollbar taking two columns must not make it scroll sideways)
        out.styles.width = natural if natural > body.scrollable_content_region.width else "auto"
        body.call_after_refresh(body.update_hint)

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
        self.query_one("#rep-head", Static).update(render_head(view))
        self.query_one("#rep-out", Static).update(render_tables(view))
        self._fit_tables()
        self.query_one("#rep-body").scroll_home(animate=False)

    def failed_report(self, exc: BaseException) -> None:
        self.view = None
        self.query_one("#rep-head", Static).update("")
        self.query_one("#rep-out", Static).update("")
        self.query_one(ErrorPanel).show(error_title(exc), error_text(exc))

    @on(Button.Pressed, "#rep-export-btn")
    def action_export(self) -> None:
        if self.view is None:
            self.notify(t("show_first"), severity="warning")
            return
        self.app.push_screen(ExportScreen(self.view.spec))


def render_head(v: core.ReportView) -> Group:
    """The title, the notes and (the 公示) the text as printed."""
    parts: list = [Text(term(v.title) if v.title else "", style="bold")]
    parts += [Text(n, style="dim") for n in v.notes]
    parts.append(Text(""))
    if v.text is not None:  # the disclosure as printed
        body = Text()
        for line in v.text.splitlines():
            body.append(line + "\n", style="bold red" if line.startswith("!! ") else "")
        parts.append(body)
    return Group(*parts)


def render_tables(v: core.ReportView) -> Group:
    if v.text is not None:  # the disclosure is its printed text (render_head), not its tables again
        return Group()
    tables = [x for x in v.tables if not x.title.startswith("构成")] + [x for x in v.tables if x.title.startswith("构成")]
    parts: list = []
    for tbl in tables:  # the rates' figure breakdown last: the grouped rates come first
        parts.append(render_table(tbl, v.risk_columns))
        parts.append(Text(""))
    return Group(*parts)


class ReportBody(ScrollableContainer):
    """The report, scrolled both ways; the #rep-wide hint says when the tables go past the screen's edge."""

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_x(old_value, new_value)
        self.call_after_refresh(self.update_hint)

    def on_resize(self) -> None:
        self.call_after_refresh(self.update_hint)

    def update_hint(self) -> None:
        try:
            hint = self.screen.query_one("#rep-wide", ColumnHint)
        except Exception:
            return
        parts = []
        if self.scroll_x > 0:
            parts.append(t("wide_left"))
        if self.scroll_x < self.max_scroll_x:
            parts.append(t("wide_right"))
        hint.update("   ".join(parts))
        hint.set_class(bool(parts), "-shown")


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
