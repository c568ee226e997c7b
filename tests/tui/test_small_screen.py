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


WECHAT_HEAD = """微信支付账单明细,,,,,,,,,,
微信昵称：[翠湖苑收费-小林],,,,,,,,,,
起始时间：[2026-11-01 00:00:00] 终止时间：[2026-11-19 23:59:59],,,,,,,,,,
,,,,,,,,,,
----------------------微信支付账单明细列表--------------------,,,,,,,,,,
交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注
"""


def _queue_one(books, tmp_path) -> None:
    """A payment whose remark names a bare room: queued, with one suggestion per building that has it."""
    import os
    import subprocess
    import sys

    export = tmp_path / "wechat.csv"
    export.write_text(WECHAT_HEAD + '2026-11-18 10:00:00,二维码收款,山间明月,"收款方备注:二维码收款付款方留言:0301物业费",'
                      '收入,¥211.49,零钱,已收钱,100004990126111800000000000301\t,/\t,"/"\n', encoding="utf-8")
    wuye = os.path.join(os.path.dirname(sys.executable), "wuye")
    subprocess.run([wuye, "--books", str(books), "import", str(export)], check=True, capture_output=True)


async def _assign_dialog(pilot):
    from tui.screens.importer import AssignScreen, ImportScreen

    app = pilot.app
    await ready(pilot)
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen) and app.screen.items, what="queue")
    table = app.screen.query_one("#q-table", DataTable)
    table.focus()
    table.move_cursor(row=0)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, AssignScreen) and app.screen.query("#assign-sugg"),
                   what="assign dialog and its suggestions")
    await pilot.pause(0.1)
    return app.screen


def _options(dialog) -> list[str]:
    from textual.widgets import OptionList

    sugg = dialog.query_one("#assign-sugg", OptionList)
    return [str(sugg.get_option_at_index(i).prompt) for i in range(sugg.option_count)]


async def test_assign_suggestions_in_chinese(books, tmp_path):
    _queue_one(books, tmp_path)
    app = WuyeApp(books)
    async with app.run_test(size=LARGE) as pilot:
        dialog = await _assign_dialog(pilot)
        shown = _options(dialog)
        assert len(shown) >= 2
        for text in shown:
            assert "（备注：不确定：" in text and "都有房号 0301" in text, text
            assert "remark" not in text and "ambiguous" not in text, text
        # picking one fills the unit the suggestion names (read from the stored suggestion, not the words)
        first = dialog.matches[0].split(" ", 1)[0]
        dialog.query_one("#assign-sugg").focus()
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: dialog.query_one("#assign-unit", Input).value == first, what="picked")


async def test_assign_suggestions_in_english(books, tmp_path):
    _queue_one(books, tmp_path)
    app = WuyeApp(books, "en")
    async with app.run_test(size=LARGE) as pilot:
        dialog = await _assign_dialog(pilot)
        shown = _options(dialog)
        assert shown and all("(remark: ambiguous: bare room 0301 in buildings" in s for s in shown), shown
        assert not any(re.search(r"[\u4e00-\u9fff]", s) for s in shown), shown


async def _units_list(pilot):
    app = pilot.app
    await ready(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen) and app.screen.rows, what="units")
    await settle(pilot)
    return app.screen


async def test_units_hidden_columns_announced_and_reachable_at_80x24(books):
    from tui.widgets.columns import ColumnHint, hidden_columns

    app = WuyeApp(books)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _units_list(pilot)
        table = screen.query_one(DataTable)
        hint = screen.query_one("#units-cols", ColumnHint)
        left, right = hidden_columns(table)
        assert left == 0 and right > 0
        assert hint.display and f"→ 还有 {right} 列（左右滚动）" in screen_text(app)
        last = str(table.ordered_columns[-1].label)
        assert last not in screen_text(app)
        table.focus()
        for _ in range(200):  # → scrolls the row table sideways, to its last column
            if table.scroll_x >= table.max_scroll_x:
                break
            await pilot.press("right")
            await pilot.pause(0.02)
        await settle(pilot)
        assert table.max_scroll_x > 0 and table.scroll_x == table.max_scroll_x
        assert hidden_columns(table)[1] == 0
        text = screen_text(app)
        assert last in text and "→ 还有" not in text and "← 左边还有" in text


async def test_units_no_hint_when_every_column_fits(books):
    app = WuyeApp(books, "en")
    async with app.run_test(size=LARGE) as pilot:
        screen = await _units_list(pilot)
        assert not screen.query_one("#units-cols").display
        assert "more columns" not in screen_text(app)
    app = WuyeApp(books, "en")
    async with app.run_test(size=SMALL) as pilot:
        await _units_list(pilot)
        text = screen_text(app)
        assert re.search(r"\d+ more columns → \(scroll right\)", text), text


def dashboard_amounts(d) -> list[str]:
    """Every amount the dashboard's figure source (core.Dashboard) gives, as the screen must show it."""
    money = []
    for rows in (d.collected_today or [], d.collected_month or []):
        money += [a for _, a in rows]
        if len(rows) > 1:
            money.append(sum((a for _, a in rows), core.ZERO))
    money += [a for _, _, a in d.billed_items]
    if len(d.billed_items) > 1:
        money.append(sum((a for _, _, a in d.billed_items), core.ZERO))
    money += [d.arrears_total, d.credit_total]
    money += [a for _, a, _ in d.largest] + [a for _, a, _ in d.oldest]
    return [core.money(a) for a in money]


async def test_dashboard_amounts_whole_at_80x24(books):
    app = WuyeApp(books)
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)
        screen = app.screen
        assert screen.has_class("-compact")
        assert screen.max_scroll_y == 0  # the screen itself never scrolls (no scrollbar beside the panels)
        body = screen.query_one("#dash-body")
        amounts = dashboard_amounts(screen.data)
        assert len(amounts) > 10
        seen: list[str] = []
        body.scroll_home(animate=False)
        for _ in range(10):  # the body scrolls: page through it all
            await pilot.pause(0.1)
            seen += screen_lines(app)
            if body.scroll_y >= body.max_scroll_y:
                break
            body.scroll_page_down(animate=False)
        text = "\n".join(seen)
        missing = [a for a in amounts if not re.search(r"(?<![\d,.¥])" + re.escape(a) + r"(?![\d,.])", text)]
        assert not missing, (missing, text)
        assert not re.search(r"[¥\d]…|…[\d,.]+(?:\s|│)", text)  # no figure shortened
        # the arrears labels are short words, not one character and an ellipsis
        for label in ("欠费户", "欠费", "预存", "待认领"):
            assert label in text
        assert "欠 …" not in text and "预 …" not in text
        # the chart's box is whole (its bottom border drawn), no bar outside it
        assert any(line.lstrip().startswith("╰") and "╯" in line for line in seen)


async def test_dashboard_not_compact_at_160x48(books):
    app = WuyeApp(books)
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)
        screen = app.screen
        assert not screen.has_class("-compact")
        assert screen.query_one("#dash-body").max_scroll_y == 0  # everything fits
        text = screen_text(app)
        assert "欠费户数" in text and "欠费总额" in text
        assert all(a in text for a in dashboard_amounts(screen.data))


async def test_dashboard_last_operations_in_the_ui_language(books):
    from tui.i18n import op_title

    app = WuyeApp(books)
    async with app.run_test(size=LARGE) as pilot:
        await ready(pilot)
        d = app.screen.data
        known = [op for op in d.ops if op.kind and op_title(op.kind, op.params, op.subject) != op.subject]
        assert known
        from .conftest import text_of

        shown = text_of(app.screen.query_one("#dash-ops"), width=200)
        for op in known:
            assert op.subject[:20] not in shown
        assert any(op_title(op.kind, op.params, op.subject)[:12] in shown for op in known)


async def test_units_filter_bar_fits_at_80x24_and_its_search_filters(books):
    """The collector, search, building and age choosers all lie on the screen, the search box is wide enough
    to read a unit number, and typing in it filters the table."""
    app = WuyeApp(books)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _units_list(pilot)
        for wid in ("#units-collector", "#units-search", "#units-building", "#units-age"):
            region = screen.query_one(wid).region
            assert region.width > 0 and region.right <= SMALL[0], (wid, region)
        search = screen.query_one("#units-search", Input)
        assert search.region.width >= 18, search.region
        await pilot.press("slash")
        await pilot.press(*"1-2-01")
        await wait_for(pilot, lambda: len(screen.filtered()) == 2, what="filtered")
        await settle(pilot)
        assert "1-2-01" in screen_text(app) and "显示 2 / 122 户" in screen_text(app)


async def _report(pilot, kind: str):
    from textual.widgets import Select

    from tui.screens.reports import ReportsScreen

    app = pilot.app
    await ready(pilot)
    await pilot.press("f7")
    await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.view is not None,
                   what="reports")
    screen = app.screen
    screen.query_one("#rep-kind", Select).value = kind
    await wait_for(pilot, lambda: screen.view is not None and screen.view.spec.kind == kind, what=kind)
    await settle(pilot)
    return screen


async def test_a_wide_report_is_announced_and_scrolls_sideways_at_80x24(books):
    app = WuyeApp(books)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _report(pilot, "arrears")
        for wid in ("#rep-kind", "#rep-period", "#rep-by", "#rep-asof", "#rep-show-btn", "#rep-export-btn"):
            region = screen.query_one(wid).region
            assert region.width > 0 and region.right <= SMALL[0], (wid, region)  # the bar wraps, nothing cut
        text = screen_text(app)
        assert "→ 报表比屏幕宽，右边还有（左右滚动）" in text and "2-3年" not in text, text  # its last columns
        screen.query_one("#rep-kind").focus()  # where the chooser left it: ← → scroll the report
        body = screen.query_one("#rep-body")
        for _ in range(40):
            await pilot.press("right")
        await settle(pilot)
        assert body.max_scroll_x > 0 and body.scroll_x == body.max_scroll_x, (body.scroll_x, body.max_scroll_x)
        text = screen_text(app)
        assert "2-3年" in text and "← 左边还有" in text and "右边还有" not in text, text


async def test_a_report_that_fits_says_nothing_of_width(books):
    app = WuyeApp(books)
    async with app.run_test(size=LARGE) as pilot:
        await _report(pilot, "arrears")
        text = screen_text(app)
        assert "2-3年" in text and "报表比屏幕宽" not in text and "左边还有" not in text, text
