"""SVG snapshots of the main screens in both languages (demo books, today pinned to 2026-11-20).

Create or refresh with `pytest tests/tui --snapshot-update`, then look at the SVGs before committing."""
from __future__ import annotations

import pytest
from textual.widgets import Input

from tui.app import WuyeApp
from tui.screens.billing import BillingScreen
from tui.screens.help import HelpScreen
from tui.screens.history import HistoryScreen
from tui.screens.payment import PaymentScreen
from tui.screens.reports import ReportsScreen
from tui.screens.unit_detail import UnitDetailScreen
from tui.screens.units import UnitsScreen

from .conftest import ready, settle, wait_for

SIZE = (150, 42)


async def _units(pilot):
    await ready(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, UnitsScreen) and pilot.app.screen.rows)
    await pilot.press("s", "s", "s")  # largest arrears first
    await settle(pilot)


async def _detail(pilot):
    await _units(pilot)
    await pilot.press("slash", *"5-0403", "enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, UnitDetailScreen) and pilot.app.screen.detail)
    await settle(pilot)


async def _billing(pilot):
    await ready(pilot)
    await pilot.press("f5")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, BillingScreen)
                   and app.screen.query_one("#bill-from", Input).value)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen.preview is not None)
    await settle(pilot)


async def _history(pilot):
    await ready(pilot)
    await pilot.press("f6")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen) and pilot.app.screen.ops)
    await settle(pilot)


async def _payment(pilot):
    await _detail(pilot)
    await pilot.press("p")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen)
                   and app.screen.query_one("#pay-date", Input).value)
    await pilot.press(*"500", "enter")
    await wait_for(pilot, lambda: app.screen.previewed is not None)
    await settle(pilot)


async def _reports(pilot):
    from textual.widgets import Select

    await ready(pilot)
    await pilot.press("f7")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.view is not None)
    screen = app.screen
    screen.query_one("#rep-by", Select).value = "building"
    await wait_for(pilot, lambda: screen.view.spec.by == "building")
    await settle(pilot)


async def _aging(pilot):
    from textual.widgets import Select

    await ready(pilot)
    await pilot.press("f7")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.view is not None)
    screen = app.screen
    screen.query_one("#rep-kind", Select).value = "arrears"
    await wait_for(pilot, lambda: screen.view.spec.kind == "arrears")
    await settle(pilot)


async def _help(pilot):
    await ready(pilot)
    await pilot.press("f1")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    await settle(pilot)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard(snap_compare, books, lang):
    assert snap_compare(WuyeApp(books, lang), terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_units(snap_compare, books, lang):
    assert snap_compare(WuyeApp(books, lang), terminal_size=SIZE, run_before=_units)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unit_detail(snap_compare, books, lang):
    assert snap_compare(WuyeApp(books, lang), terminal_size=SIZE, run_before=_detail)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_billing_preview(snap_compare, books, lang):
    assert snap_compare(WuyeApp(books, lang), terminal_size=SIZE, run_before=_billing)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_payment_preview(snap_compare, books, lang):
    assert snap_compare(WuyeApp(books, lang), terminal_size=SIZE, run_before=_payment)


def test_history(snap_compare, books):
    assert snap_compare(WuyeApp(books), terminal_size=SIZE, run_before=_history)


def test_help(snap_compare, books):
    assert snap_compare(WuyeApp(books, "en"), terminal_size=SIZE, run_before=_help)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reports_rates(snap_compare, books, lang):
    assert snap_compare(WuyeApp(books, lang), terminal_size=SIZE, run_before=_reports)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reports_aging(snap_compare, books, lang):
    assert snap_compare(WuyeApp(books, lang), terminal_size=SIZE, run_before=_aging)


# 80x24: every amount whole (labels shorten, money does not), hidden columns announced
SMALL = (80, 24)


async def _dashboard_end(pilot):
    await ready(pilot)
    pilot.app.screen.query_one("#dash-body").scroll_end(animate=False)
    await settle(pilot)


async def _units_right(pilot):
    await _units(pilot)
    table = pilot.app.screen.query_one("#units-table")
    table.scroll_to(x=table.max_scroll_x, animate=False)
    await settle(pilot)


async def _payment_end(pilot):
    await _payment(pilot)
    await pilot.press("pagedown", "pagedown", "pagedown")
    await settle(pilot)


SMALL_RUNS = {"dashboard": ready, "dashboard-end": _dashboard_end, "units": _units, "units-right": _units_right,
              "payment": _payment, "payment-end": _payment_end, "history": _history}


@pytest.mark.parametrize("screen", list(SMALL_RUNS))
def test_small_terminal(snap_compare, books, screen):
    assert snap_compare(WuyeApp(books), terminal_size=SMALL, run_before=SMALL_RUNS[screen])


def test_small_terminal_en(snap_compare, books):
    assert snap_compare(WuyeApp(books, "en"), terminal_size=SMALL, run_before=ready)
