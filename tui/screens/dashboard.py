"""概览: collections, rates, the 12-month chart, largest/oldest arrears, import queue, last operations."""
from __future__ import annotations

from decimal import Decimal

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Select, Static

from .. import core
from ..i18n import op_title, t
from ..widgets.barchart import bars
from .base import WuyeScreen


def _pct(v) -> str:
    return "—" if v is None else f"{Decimal(v) * 100:.1f}%"


def figure_grid(rows: list[tuple], texts: int = 1) -> Table:
    """Label columns, then a figure: in a narrow panel the labels are shortened (…), never the figure
    (an amount is shown whole or not at all)."""
    table = Table.grid(padding=(0, 1), expand=True)
    for _ in range(texts):
        table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    width = max((len(r[-1].plain if isinstance(r[-1], Text) else str(r[-1])) for r in rows), default=1)
    table.add_column(justify="right", no_wrap=True, min_width=width)
    for r in rows:
        table.add_row(*r)
    return table


def money_table(rows, empty: str) -> Table | Text:
    if not rows:
        return Text(empty, style="dim")
    lines = [(label, core.money(amount)) for label, amount in rows]
    if len(rows) > 1:
        lines.append((Text(t("total"), style="bold"),
                      Text(core.money(sum((a for _, a in rows), core.ZERO)), style="bold")))
    return figure_grid(lines)


def channel_label(ch: str) -> str:
    """A line of the takings: a channel, or a void/refund shown on its own line (an op of the label table)."""
    for key in (f"ch_{ch}", f"op_{ch}"):
        label = t(key)
        if label != key:
            return label
    return ch


COMPACT_WIDTH, COMPACT_HEIGHT = 110, 36


class Panel(Static):
    DEFAULT_CSS = "Panel { border: round $primary; padding: 0 1; height: auto; }"

    def __init__(self, title_key: str, **kw) -> None:
        super().__init__(t("loading"), **kw)
        self.border_title = t(title_key)


class DashboardScreen(WuyeScreen):
    BINDINGS = [Binding("r", "refresh", "reload")]
    data: core.Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dash-body"):
            yield from self._body()
        yield Footer()

    def _body(self) -> ComposeResult:
        with Horizontal(id="dash-head-row"):
            yield Static(t("loading"), id="dash-head")
            yield Select([], prompt=t("all_collectors"), id="dash-collector")
        yield Panel("my_list", id="dash-mine")
        with Horizontal(classes="dash-row"):
            yield Panel("collections_today", id="dash-today")
            yield Panel("collections_month", id="dash-month")
            yield Panel("rates", id="dash-rates")
            yield Panel("billed_by_item", id="dash-billed")
        with Horizontal(classes="dash-row"):
            yield Panel("chart_12", id="dash-chart")
            yield Panel("arrears_summary", id="dash-arrears")
        with Horizontal(classes="dash-row", id="dash-last"):
            yield Panel("largest_arrears", id="dash-largest")
            yield Panel("oldest_arrears", id="dash-oldest")
            yield Panel("last_ops", id="dash-ops")

    def action_refresh(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        self.core("dashboard", lambda books: (core.dashboard(books), core.collectors(books)))
        if getattr(self.app, "collector", None):
            self.core("mine", core.collector_view, self.app.collector)

    def done_dashboard(self, result) -> None:
        d, collectors = result
        sel = self.query_one("#dash-collector", Select)
        if not getattr(self, "_options_set", False):
            self._options_set = True
            sel.set_options([(x, x) for x in collectors])
        mine = getattr(self.app, "collector", None)
        if mine in collectors and sel.value != mine:
            sel.value = mine
        self.show_dashboard(d)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        mine = getattr(self.app, "collector", None)
        sel = self.query_one("#dash-collector", Select)
        if getattr(self, "_options_set", False) and sel.value != (mine or Select.NULL):
            if mine:
                sel.value = mine
            else:
                sel.clear()

    @on(Select.Changed, "#dash-collector")
    def _collector(self, event: Select.Changed) -> None:
        name = None if event.value is Select.NULL else str(event.value)
        self.app.collector = name
        panel = self.query_one("#dash-mine", Static)
        if name is None:
            panel.remove_class("-shown")
            return
        panel.add_class("-shown")
        panel.border_title = f"{t('my_list')} · {name}"
        panel.update(Text(t("loading"), style="dim"))
        self.core("mine", core.collector_view, name)

    def done_mine(self, v: core.CollectorView) -> None:
        if v.name != getattr(self.app, "collector", None):
            return
        panel = self.query_one("#dash-mine", Static)
        panel.add_class("-shown")
        panel.border_title = f"{t('my_list')} · {v.name} · {v.period}"
        panel.update(render_mine(v))

    def draw_chart(self) -> None:
        """Twelve bars as wide as the panel allows (4-8 cells), so a narrow terminal never wraps a row."""
        d = getattr(self, "data", None)
        if d is None:
            return
        chart = self.query_one("#dash-chart", Static)
        months = d.rate_months or d.months
        room = (chart.content_size.width or 96) - 1
        width = max(4, min(8, room // max(len(months), 1)))
        if d.rate_months:
            chart.border_title = t("chart_rate")
            chart.update(bars(d.rate_months, height=5, width=width, value_fmt=lambda v: f"{Decimal(v) * 100:.0f}%",
                              top=1.0))
        else:
            chart.border_title = t("chart_billed")
            chart.update(bars(d.months, height=5, width=width, value_fmt=lambda v: f"{Decimal(v) / 1000:.0f}k"))

    def on_resize(self) -> None:
        """A small terminal (80x24) gets the compact layout (app.tcss): the body scrolls, the arrears panel keeps
        room for its figures, the last operations go below the largest/oldest arrears."""
        self.set_class(self.size.width < COMPACT_WIDTH or self.size.height < COMPACT_HEIGHT, "-compact")
        self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        self.draw_chart()
        if self.data is not None:
            self.show_arrears(self.data)

    def show_arrears(self, d: core.Dashboard) -> None:
        """Labels shortened (欠费户 …) where the panel is narrow; the figures always whole."""
        panel = self.query_one("#dash-arrears", Static)
        short = self.has_class("-compact") or 0 < panel.content_size.width < 26
        word = (lambda k: t(f"{k}_s")) if short else t
        arrears = figure_grid([(word("arrears_units"), str(d.arrears_units)),
                               (word("arrears_total"), Text(core.money(d.arrears_total), style="bold red")),
                               (word("credit_total"), core.money(d.credit_total)),
                               (word("import_queue"), "—" if d.import_queue is None else str(d.import_queue))])
        panel.update(arrears)

    def show_dashboard(self, d: core.Dashboard) -> None:
        self.data = d
        s = d.summary
        head = Text.assemble((f" {s.name} ", "bold reverse"), "  ", (t("today"), "dim"), f" {s.today.isoformat()}  ",
                             (t("period"), "dim"), f" {d.period}  ", (t("units"), "dim"), f" {s.units}  ",
                             (t("head"), "dim"), f" {s.head}")
        self.query_one("#dash-head", Static).update(head)
        pending = t("not_yet")
        self.query_one("#dash-today", Static).update(
            money_table([(channel_label(c), a) for c, a in d.collected_today], t("none"))
            if d.collected_today is not None else Text(pending, style="dim"))
        self.query_one("#dash-month", Static).update(
            money_table([(channel_label(c), a) for c, a in d.collected_month], t("none"))
            if d.collected_month is not None else Text(pending, style="dim"))
        if d.rates is None:
            rates = Text(t("rates_pending"), style="dim")
        else:
            rates = figure_grid([(t(f"rate_{k}"), Text(_pct(d.rates.get(k)), style="bold"))
                                 for k in ("current", "arrears", "overall", "households")])
        self.query_one("#dash-rates", Static).update(rates)
        self.query_one("#dash-billed", Static).update(
            money_table([(f"{code} {name}", a) for code, name, a in d.billed_items], t("none")))
        self.draw_chart()
        self.show_arrears(d)
        for wid, rows in (("#dash-largest", d.largest), ("#dash-oldest", d.oldest)):
            table = figure_grid([(unit, oldest or "", core.money(amount)) for unit, amount, oldest in rows], texts=2)
            self.query_one(wid, Static).update(table if rows else Text(t("none"), style="dim"))
        ops = Table.grid(padding=(0, 1), expand=True)
        ops.add_column(no_wrap=True, style="dim", min_width=10)
        ops.add_column(no_wrap=True, style="cyan", min_width=7)
        ops.add_column(overflow="ellipsis", no_wrap=True)
        for op in d.ops:
            ops.add_row(op.date[:10], op.sha[:7], op_title(op.kind, op.params, op.subject))  # in the UI language
        self.query_one("#dash-ops", Static).update(ops)


def render_mine(v: core.CollectorView) -> Table:
    """A collector's figures (当期收缴率 vs target, from targets_report) and units left to visit, easiest first."""
    outer = Table.grid(padding=(0, 3), expand=True)
    outer.add_column(width=34)
    outer.add_column(ratio=1)
    figs = Table.grid(padding=(0, 1))
    figs.add_column(style="dim")
    figs.add_column(justify="right")
    figs.add_row(t("units"), str(v.units))
    figs.add_row(t("charged"), core.money(v.charged))
    figs.add_row(t("collected"), core.money(v.collected))
    met = v.rate_met
    figs.add_row(t("my_rate"), Text(_pct(v.rate), style="bold " + ("green" if met else "red" if met is False else "")))
    figs.add_row(t("target"), Text(_pct(v.target_rate) + (f"  {t('met') if met else t('not_met')}" if met is not None
                                                          else ""), style="green" if met else "red" if met is False else ""))
    if v.target_amount is not None:
        figs.add_row(t("target_amount"), core.money(v.target_amount))
        figs.add_row(t("gap"), core.money(v.amount_gap))
    visit = Table(show_edge=False, pad_edge=False, expand=False, title=t("to_visit_n", n=len(v.to_visit)),
                  title_justify="left", title_style="bold")
    for key, right in (("unit", False), ("outstanding", True), ("oldest_open", False), ("flags", False),
                       ("stage", False), ("last_contact", False)):
        visit.add_column(t(key), justify="right" if right else "left", no_wrap=True)
    for x in v.to_visit[:8]:
        flags = Text()
        if x["dispute"]:
            flags.append(f"⚑{x['dispute']}", style="bold red")
        if x["broken_promise"]:
            flags.append("✗", style="bold magenta")
        if x["kept_promise"]:
            flags.append("✓", style="green")
        visit.add_row(x["unit"], core.money(Decimal(x["arrears"])), x["oldest"] or "", flags, x["stage_label"],
                      str(x["last_contact"] or ""))
    if len(v.to_visit) > 8:
        visit.add_row(Text(f"… +{len(v.to_visit) - 8}", style="dim"), "", "", "", "", "")
    outer.add_row(figs, visit)
    return outer
