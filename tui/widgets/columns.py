"""A DataTable that says when columns are cut off: a hint line "→ 还有 N 列（左右滚动）" beside it, kept
up to date as the table scrolls, resizes or gets its data; ←/→ (and the mouse) scroll it sideways."""
from __future__ import annotations

from textual.widgets import DataTable, Static

from ..i18n import t


def hidden_columns(table: DataTable) -> tuple[int, int]:
    """(columns cut off on the left, columns cut off on the right) at the table's scroll position."""
    visible = table.scrollable_content_region.width
    if visible <= 0:
        return 0, 0
    start, end = table.scroll_x, table.scroll_x + visible
    left = right = 0
    x = 0
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        if x + width > end:
            right += 1
        elif x < start:
            left += 1
        x += width
    return left, right


def hint_text(left: int, right: int) -> str:
    parts = []
    if left:
        parts.append(t("cols_left", n=left))
    if right:
        parts.append(t("cols_right", n=right))
    return "   ".join(parts)


class ColumnHint(Static):
    DEFAULT_CSS = """
    ColumnHint { height: 1; padding: 0 2; color: $warning; display: none; }
    ColumnHint.-shown { display: block; }
    """


class HintedTable(DataTable):
    """`hint` is the id of the ColumnHint this table keeps up to date."""

    def __init__(self, *args, hint: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hint_id = hint

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_x(old_value, new_value)
        self.call_after_refresh(self.update_hint)

    def watch_virtual_size(self) -> None:
        self.call_after_refresh(self.update_hint)

    def on_resize(self) -> None:
        self.call_after_refresh(self.update_hint)

    def update_hint(self) -> None:
        try:
            hint = self.screen.query_one(f"#{self.hint_id}", ColumnHint)
        except Exception:
            return
        text = hint_text(*hidden_columns(self))
        hint.update(text)
        hint.set_class(bool(text), "-shown")
