"""Words in the UI language: the history's titles are worded from each operation's data through the catalogs,
not shown as the English commit subject inside the Chinese UI."""
from __future__ import annotations

from textual.widgets import DataTable, Static

from ledger.books.history import operations
from tui.app import WuyeApp
from tui.screens.history import HistoryScreen

from .conftest import git, ready, settle, text_of, wait_for


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
