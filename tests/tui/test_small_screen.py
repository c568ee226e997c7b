"""At 80x24 (issue 12): previews scroll, hidden columns are announced and reachable, the dashboard shows every
amount whole, F1 works from an Input. Real demo books; what is checked is what the screen renders."""
from __future__ import annotations

import html
import re

from textual.widgets import DataTable, Input, Static

from tui import core
from tui.app import WuyeApp
from tui.screens.help import HelpScreen
from tui.screens.payment import PaymentScreen
from tui.screens.units import UnitsScreen
from tui.widgets.plan_form import FormBox

from .conftest import git, ready, settle, wait_for

SMALL = (80, 24)
LARGE = (160, 48)


def screen_lines(app) -> list[str]:
    """The terminal as rendered, one string per row (from the SVG screenshot's text runs)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(m.group(2)), []).append((float(m.group(1)), html.unescape(m.group(3))))
    return ["".join(t for _, t in sorted(parts)).replace("\xa0", " ") for _, parts in sorted(rows.items())]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


async def _payment_form(pilot, unit: str):
    app = pilot.app
    await ready(pilot)
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen)
                   and app.screen.query_one("#pay-date", Input).value, what="payment form")
    form = app.screen
    form.query_one("#pay-unit", Input).value = unit
    return form


async def test_payment_preview_scrolls_to_its_last_row_at_80x24(books):
    count = git(books, "rev-list", "--count", "HEAD")
    app = WuyeApp(books)
    async with app.run_test(size=SMALL) as pilot:
        form = await _payment_form(pilot, "5-0403")
        amount = form.query_one("#pay-amount", Input)
        amount.value = "7887.43"   # every open charge of the unit: many allocation rows
        amount.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed_effect is not None, what="preview")
        await settle(pilot)
        effect = form.previewed_effect
        assert len(effect.rows) > 12  # taller than the screen
        item, _name, period, _kind, money = effect.rows[-1]
        last = core.money(money)
        box = form.query_one(FormBox)
        assert box.max_scroll_y > 0
        assert not any(period in line and last in line and item in line for line in screen_lines(app))
        start = box.scroll_y
        # the amount field keeps focus; PageDown pages the form until its end
        for _ in range(10):
            await pilot.press("pagedown")
            await pilot.pause(0.05)
        assert app.focused is amount
        assert box.scroll_y > start and box.scroll_y == box.max_scroll_y
        lines = screen_lines(app)
        assert any(period in line and last in line and item in line for line in lines), "\n".join(lines)
        await pilot.press("pageup")
        await pilot.pause(0.05)
        assert box.scroll_y < box.max_scroll_y
    assert git(books, "rev-list", "--count", "HEAD") == count  # a preview writes nothing


async def test_f1_opens_help_from_an_input(books):
    app = WuyeApp(books)
    async with app.run_test(size=LARGE) as pilot:
        form = await _payment_form(pilot, "")
        box = form.query_one("#pay-ref", Input)
        box.focus()
        await pilot.press("question_mark")  # typed into an Input, ? is text
        await pilot.pause(0.1)
        assert box.value == "?" and isinstance(app.screen, PaymentScreen)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help over the form")
        await pilot.press("f1")  # F1 again closes it, back to the form and its field
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen), what="form again")
        assert box.value == "?"
