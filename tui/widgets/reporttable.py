"""A core report table (ledger/export.Table) as a rich Table: amounts as ¥, ratios as %, legal-risk rows
and columns in red. Headers are the core's (Chinese); in English they are translated for display only."""
from __future__ import annotations

from decimal import Decimal

from rich.console import Group
from rich.table import Table
from rich.text import Text

from .. import core
from ..i18n import lang, t, term

MAX_ROWS = 400


def cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return ("是" if lang() == "zh" else "yes") if v else ""
    if isinstance(v, Decimal):
        exp = v.as_tuple().exponent
        if exp == -4:
            return f"{v * 100:.2f}%"
        if exp == -2:
            return core.money(v)
        return str(v)
    return str(v)


def _label(v, col: int) -> str:
    """A cell as shown; labels the core writes (当期收缴率, 是/否 ...) are translated like the headers."""
    text = cell(v)
    return term(text) if isinstance(v, str) else text


def numeric(v) -> bool:
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


def render_table(tbl, risk_columns: tuple[str, ...] = (), max_rows: int = MAX_ROWS) -> Group:
    risky = {i for i, h in enumerate(tbl.headers) if h in risk_columns}
    from rich import box

    out = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0, 0, 1), header_style="bold",
                expand=False)
    from rich.cells import cell_len

    sample = tbl.rows[0] if tbl.rows else []
    shown = tbl.rows[:max_rows]
    for i, h in enumerate(tbl.headers):
        right = i < len(sample) and numeric(sample[i])
        widest = max((cell_len(_label(r[i], i)) for r in shown if i < len(r)), default=0)
        # body cells are never cut: a header that is wider than its column wraps instead
        head = term(h)
        word = max((cell_len(w) for w in head.split()), default=1)
        out.add_column(Text(head, style="bold red" if i in risky else "bold"), justify="right" if right else "left",
                       min_width=max(widest, 2), max_width=max(widest, word, 2))
    for n, row in enumerate(shown):
        hot = n < len(tbl.highlight) and tbl.highlight[n]
        cells = []
        for i, v in enumerate(row):
            style = ""
            if i in risky and v not in (None, "", False) and not (numeric(v) and v == 0):
                style = "bold red"
            cells.append(Text(_label(v, i), style=style, no_wrap=True))
        out.add_row(*cells, style="bold red" if hot else None)
    title = Text(term(tbl.title), style="bold underline")
    if len(tbl.rows) > max_rows:
        return Group(title, out, Text(t("more_rows", n=len(tbl.rows) - max_rows), style="dim"))
    return Group(title, out)
