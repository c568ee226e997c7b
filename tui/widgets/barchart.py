"""A small vertical bar chart drawn with block characters (one bar per month)."""
from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.widgets import Static

BLOCKS = " ▁▂▃▄▅▆▇█"


def bars(values: list[tuple[str, Decimal | float | None]], height: int = 6, width: int = 5,
         label=lambda k: k[5:7] if len(k) >= 7 else k, value_fmt=None, top: float | None = None) -> Text:
    nums = [float(v) if v is not None else 0.0 for _, v in values]
    if top is None:
        top = max(nums) if nums and max(nums) > 0 else 1.0
    out = Text()
    if value_fmt:
        out.append("".join(value_fmt(v).rjust(width)[:width] if v is not None else " " * width
                           for _, v in values) + "\n", style="dim")
    for row in range(height, 0, -1):
        line = ""
        for n in nums:
            eighths = round(n / top * height * 8)
            full = eighths - (row - 1) * 8
            ch = BLOCKS[8] if full >= 8 else (BLOCKS[full] if full > 0 else " ")
            line += " " + ch * (width - 2) + " "
        out.append(line + "\n", style="green")
    out.append("".join(label(k).center(width) for k, _ in values))
    return out


class BarChart(Static):
    DEFAULT_CSS = "BarChart { height: auto; }"

    def plot(self, values, height: int = 6, width: int = 5, value_fmt=None) -> None:
        self.update(bars(values, height, width, value_fmt=value_fmt))
