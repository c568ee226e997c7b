"""房屋: every unit in one table; type to search, filter by building, arrears age and collector, sort."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from .. import core
from ..i18n import t
from ..widgets.columns import ColumnHint, HintedTable
from .base import WuyeScreen
from .dashboard import COMPACT_WIDTH  # one width for "narrow" on every screen

# (column key, label key, sort key on a UnitRow, right-aligned)
COLUMNS = [
    ("unit", "unit", lambda r: r.sort_key, False, 10),
    ("building", "building", lambda r: (not r.building.isdigit(), r.building.zfill(4)), False, 8),
    ("area", "area", lambda r: r.area, True, 10),
    ("outstanding", "outstanding", lambda r: r.outstanding, True, 14),
    ("credit", "credit", lambda r: r.credit, True, 12),
    ("oldest", "oldest_open", lambda r: r.oldest or "9999-99", False, 12),
    ("flags", "flags", lambda r: (r.dispute is not None, r.broken), True, 6),
    ("stage", "stage", lambda r: r.stage_rank, True, 12),
    ("collector", "collector", lambda r: r.collector, False, 10),
    ("contact", "last_contact", lambda r: r.last_contact or "", False, 12),
]
AGES = [("all", "age_all"), ("any", "age_any"), ("3", "age_3"), ("12", "age_12"), ("36", "age_36"),
        ("none", "age_none")]


def age_ok(row: core.UnitRow, age: str) -> bool:
    if age == "all":
        return True
    if age == "none":
        return row.outstanding <= 0
    if row.outstanding <= 0:
        return False
    return age == "any" or row.age_months > int(age)


def flag_text(r: core.UnitRow) -> Text:
    out = Text()
    if r.dispute:
        out.append("⚑", style="bold red")
    if r.broken:
        out.append("✗", style="bold magenta")
    return out


def cells(r: core.UnitRow) -> tuple:
    owe = Text(core.money(r.outstanding, blank_zero=True), justify="right",
               style="bold red" if r.age_months > 36 else ("red" if r.outstanding > 0 else ""))
    return (r.unit, r.building, Text(f"{r.area:,.2f}", justify="right"), owe,
            Text(core.money(r.credit, blank_zero=True), justify="right", style="green"),
            Text(r.oldest or "", style="bold red" if r.age_months > 36 else ""), flag_text(r),
            Text(r.stage, style="yellow" if r.stage_rank >= 4 else ""), r.collector, r.last_contact or "")


class UnitsScreen(WuyeScreen):
    BINDINGS = [
        Binding("slash", "search", "search", key_display="/"),
        Binding("s", "sort", "sort"),
        Binding("S", "reverse", "k_reverse", show=False),
        Binding("p", "pay_selected", "pay", show=False),
        Binding("escape", "leave_search", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[core.UnitRow] = []
        self.sort_col = 0
        self.sort_reverse = False
        self._timer = None
        self._options_set = False
        self.flags: dict | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="units-bar"):
            yield Select([], prompt=t("all_collectors"), id="units-collector")
            yield Input(placeholder=t("search"), id="units-search", select_on_focus=False)
            yield Select([], prompt=t("all_buildings"), id="units-building")
            yield Select([(t(k), v) for v, k in AGES], value="all", allow_blank=False, id="units-age")
        yield Static("", id="units-count")
        yield ColumnHint(id="units-cols")
        table = HintedTable(id="units-table", cursor_type="row", zebra_stripes=True, hint="units-cols")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label, _, right, width in COLUMNS:
            table.add_column(Text(t(label), justify="right") if right else t(label), key=key, width=width)
        table.focus()

    def refresh_data(self) -> None:
        self.core("units", lambda books: (core.unit_rows(books), core.buildings(books), core.collectors(books)))

    def done_units(self, result) -> None:
        self.rows, buildings, collectors = result
        if not self._options_set:
            self._options_set = True
            self.query_one("#units-building", Select).set_options(
                [(t("building_n", b=x), x) for x in buildings])
            sel = self.query_one("#units-collector", Select)
            sel.set_options([(x, x) for x in collectors])
            mine = getattr(self.app, "collector", None)
            if mine in collectors:
                sel.value = mine
        if self.flags is not None:
            core.apply_flags(self.rows, self.flags)
        self.apply_filter()
        self.core("flags", core.unit_flags)  # disputes, promises, stages: after the table is usable

    def done_flags(self, flags) -> None:
        self.flags = flags
        core.apply_flags(self.rows, flags)
        self.apply_filter()

    def on_resize(self) -> None:
        """Below 110 columns the filter bar's choosers narrow (app.tcss) so the search box stays usable."""
        self.set_class(self.size.width < COMPACT_WIDTH, "-compact")

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        mine = getattr(self.app, "collector", None)
        sel = self.query_one("#units-collector", Select)
        if self._options_set and mine is not None and sel.value != mine:
            sel.value = mine

    # --- filtering and sorting ----------------------------------------------------------------
    def filtered(self) -> list[core.UnitRow]:
        text = self.query_one("#units-search", Input).value.strip().upper()
        building = self.query_one("#units-building", Select).value
        collector = self.query_one("#units-collector", Select).value
        age = self.query_one("#units-age", Select).value
        out = []
        for r in self.rows:
            if text and text not in r.unit:
                continue
            if building is not Select.NULL and r.building != building:
                continue
            if collector is not Select.NULL and r.collector != collector:
                continue
            if not age_ok(r, age):
                continue
            out.append(r)
        key = COLUMNS[self.sort_col][2]
        out.sort(key=lambda r: (key(r), r.sort_key), reverse=self.sort_reverse)
        return out

    def apply_filter(self) -> None:
        table = self.query_one(DataTable)
        keep = self.current_unit()
        rows = self.filtered()
        table.clear()
        for r in rows:
            table.add_row(*cells(r), key=r.unit)
        arrow = "↓" if self.sort_reverse else "↑"
        col = t(COLUMNS[self.sort_col][1])
        collector = self.query_one("#units-collector", Select).value
        self.query_one("#units-collector", Select).set_class(collector is not Select.NULL, "-active")
        line = Text(f"{t('shown', n=len(rows), total=len(self.rows))}   {t('sort_by', col=col)} {arrow}   ")
        if collector is not Select.NULL:
            owing = sum(1 for r in rows if r.outstanding > 0)
            line.append(f"{t('mine_for', name=collector)} · {t('to_visit_n', n=owing)}   ", style="bold yellow")
        line.append(t("flag_help"), style="dim")
        self.query_one("#units-count", Static).update(line)
        if keep and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)

    @on(Input.Changed, "#units-search")
    def _search_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.15, self.apply_filter)

    @on(Input.Submitted, "#units-search")
    def _search_submitted(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.apply_filter()
        table = self.query_one(DataTable)
        table.focus()
        if table.row_count == 1:
            unit = str(table.coordinate_to_cell_key((0, 0)).row_key.value)
            # the search did its job: back from the unit, the list is whole again and the next search starts fresh
            self.query_one("#units-search", Input).value = ""
            self.app.action_open_unit(unit)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "units-collector":
            self.app.collector = None if event.value is Select.NULL else str(event.value)
        if self.rows:
            self.apply_filter()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        idx = event.column_index
        if idx == self.sort_col:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_col, self.sort_reverse = idx, COLUMNS[idx][3]
        self.apply_filter()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.action_open_unit(str(event.row_key.value))

    def on_key(self, event) -> None:
        """Type to search: a digit or '-' typed in the table goes to the search box."""
        if isinstance(self.focused, DataTable) and event.character and (event.character.isdigit()
                                                                        or event.character == "-"):
            box = self.query_one("#units-search", Input)
            box.value += event.character
            box.cursor_position = len(box.value)
            box.focus()
            event.stop()
            event.prevent_default()

    def action_search(self) -> None:
        self.query_one("#units-search", Input).focus()

    def action_leave_search(self) -> None:
        self.query_one(DataTable).focus()

    def action_sort(self) -> None:
        self.sort_col = (self.sort_col + 1) % len(COLUMNS)
        self.sort_reverse = COLUMNS[self.sort_col][3]  # amounts largest first
        self.apply_filter()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.apply_filter()

    def action_pay_selected(self) -> None:
        self.app.action_pay(self.current_unit())

    def current_unit(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        try:
            return str(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)
        except Exception:
            return None
