"""Words in the UI language: the history's titles are worded from each operation's data through the catalogs,
not shown as the English commit subject inside the Chinese UI."""
from __future__ import annotations

import shutil

from textual.widgets import DataTable, Input, Static

from ledger.books.history import operations
from tui.app import WuyeApp
from tui.screens.history import HistoryScreen
from tui.screens.importer import ImportScreen

from .conftest import git, ready, settle, text_of, wait_for
from .test_collection import WECHAT


def test_every_demo_subject_has_a_known_shape(books):
    # a writer that changes its subject's shape makes its operations fall back to English: caught here
    ops = operations(books, 500)
    unknown = [op.subject for op in ops if not op.kind]
    assert unknown == []
    kinds = {op.kind for op in ops}
    assert {"bill", "late_fees", "notices", "contact", "dispute_open", "init"} <= kinds


async def _history_rows(app, pilot) -> list[str]:
    await ready(pilot)
    await pilot.press("f6")
    await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.ops, what="ops")
    await settle(pilot)
    table = app.screen.query_one("#hist-ops", DataTable)
    return [str(table.get_cell(op.sha, "subject")) for op in app.screen.ops]


async def test_history_titles_in_chinese_and_english(books):
    bill = next(op for op in operations(books, 500) if op.kind == "bill")
    period, n, amount = bill.params["period"], bill.params["n"], bill.params["amount"]
    app = WuyeApp(books)
    async with app.run_test(size=(80, 24)) as pilot:
        rows = await _history_rows(app, pilot)
        assert f"开账 {period}：{n} 户，¥{amount}" in rows
        assert not any(r.startswith(("bill ", "import ", "late fees")) for r in rows)
        assert any(r.startswith("违约金（截至 ") for r in rows)
        assert text_of(app.screen.query_one("#hist-detail", Static)).splitlines()[1] == rows[0]
    app = WuyeApp(books, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        rows = await _history_rows(app, pilot)
        assert f"bills {period}: {n} units, ¥{amount}" in rows
        assert not any(r.startswith(("开账", "违约金", "抄表", "联系")) for r in rows)
        assert any(r.startswith("late fees to ") for r in rows)


async def test_unknown_subject_is_shown_as_written(books):
    git(books, "commit", "-q", "--allow-empty", "-m", "hand-made fix of something")
    app = WuyeApp(books)
    async with app.run_test(size=(80, 24)) as pilot:
        rows = await _history_rows(app, pilot)
        assert rows[0] == "hand-made fix of something"


async def _import_preview(app, pilot, export) -> tuple[list, str]:
    await ready(pilot)
    await pilot.press("f8")
    await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), what="import screen")
    screen = app.screen
    screen.query_one("#imp-path", Input).value = str(export)
    screen.query_one("#imp-path", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.plan is not None, what="preview", timeout=30)
    return screen.plan.queued, text_of(screen.query_one("#imp-out", Static), width=300)


async def test_import_reasons_in_chinese_and_english(books, tmp_path):
    export = tmp_path / "wechat_personal.csv"
    shutil.copy(WECHAT, export)
    app = WuyeApp(books)
    async with app.run_test(size=(80, 24)) as pilot:
        queued, shown = await _import_preview(app, pilot, export)
    reasons = {o.reason for o in queued}
    assert "no unit in the remark and no alias" in reasons  # what the importer wrote, in English
    assert "备注中没有房号，也没有记住的别名" in shown
    assert "no unit in the remark" not in shown and "NOT a match" not in shown
    app = WuyeApp(books, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        _, shown = await _import_preview(app, pilot, export)
    assert "no unit in the remark and no alias" in shown and "备注中没有房号" not in shown


def test_reason_parts_keep_unknown_text_as_written():
    from tui import i18n
    i18n.set_lang("zh")
    try:
        assert i18n.reason_text("zone prefix X unknown; unknown unit X9") == "分区前缀 X 不存在；未知房号 X9"
        assert i18n.reason_text("1-1-0201 (PF monthly 216.70): amount equals its monthly charge — amount only, "
                                "NOT a match") == "1-1-0201（PF 月费 216.70）：金额等于该户月费——只是金额相同，并非匹配"
        assert i18n.reason_text("… and 12 more") == "……另有 12 条"
        assert i18n.reason_text("something new: 42") == "something new: 42"
        assert i18n.reason_text("refund without a certain unit (no unit in the remark and no alias)") == \
            "退款无法确定房号（备注中没有房号，也没有记住的别名）"
    finally:
        i18n.set_lang("zh")
