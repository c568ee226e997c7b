"""Pilot tests of the second half of the TUI: reports and export, the collector's own list, the collection
actions of the unit detail (contact, dispute, notice, statement) and the import screen with its queue.
Each checks the ledger files and the commits written, not only the widgets."""
from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import DataTable, Input, OptionList, Select, Static, TabbedContent

from ledger.books.folder import Books
from tui import core
from tui.app import WuyeApp
from tui.screens.collect import CollectScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.importer import AssignScreen, ImportScreen
from tui.screens.reports import ExportScreen, ReportsScreen
from tui.screens.unit_detail import UnitDetailScreen
from tui.screens.units import UnitsScreen
from tui.widgets.errorpanel import ErrorPanel

from .conftest import git, head, ready, settle, snapshot_files, text_of, wait_for

SIZE = (150, 45)
WECHAT = Path(__file__).resolve().parent.parent / "importers" / "data" / "wechat_personal.csv"


async def open_unit(pilot, unit: str) -> UnitDetailScreen:
    app = pilot.app
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen) and app.screen.rows, what="units")
    await pilot.press("slash", *unit, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, UnitDetailScreen) and app.screen.detail
                   and app.screen.collection, what="detail")
    return app.screen


async def collect_form(pilot, key: str) -> CollectScreen:
    app = pilot.app
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, CollectScreen), what="form")
    form = app.screen
    await wait_for(pilot, lambda: form.query_one("#f-date", Input).value == "2026-11-20", what="today")
    return form


async def test_contact_logged_from_unit_detail(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "5-0403")
        start = head(books)
        form = await collect_form(pilot, "l")
        form.query_one("#f-channel", Select).value = "letter"
        form.query_one("#f-outcome", Input).value = "催缴函已挂号寄出"
        form.query_one("#f-proof", Input).value = "EMS回执 EA123456789CN"
        form.query_one("#f-promise_date", Input).value = "2026-11-30"
        form.query_one("#f-outcome", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        assert head(books) == start  # the preview writes nothing
        shown = text_of(form.query_one("#col-preview", Static))
        assert 'custom "wuye-contact" "5-0403" "letter"' in shown and "interrupts: TRUE" in shown
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="written")
        assert git(books, "log", "-1", "--format=%s").startswith("contact 5-0403 letter on 2026-11-20")
        month = (books / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
        assert '2026-11-20 custom "wuye-contact" "5-0403" "letter" "催缴函已挂号寄出"' in month
        assert "promise-date: 2026-11-30" in month and "interrupts: TRUE" in month
        assert git(books, "status", "--porcelain") == ""
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail and detail.collection.contacts, what="log refreshed")
        assert detail.collection.contacts[0].outcome == "催缴函已挂号寄出"
        assert detail.collection.stage  # a letter: at least 书面催缴
        assert detail.collection.stage in text_of(detail.query_one("#ud-collect", Static))


async def test_contact_with_phone_number_is_refused(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_unit(pilot, "5-0403")
        before, start = snapshot_files(books), head(books)
        form = await collect_form(pilot, "l")
        form.query_one("#f-outcome", Input).value = "业主电话 13912345678 无人接听"
        form.query_one("#f-outcome", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.query_one(ErrorPanel).has_class("-shown"), what="error")
        assert "手机号码" in text_of(form.query_one(ErrorPanel))  # the refusal in the UI language (zh)
        await pilot.press("ctrl+s")  # nothing previewed: nothing written
        await settle(pilot)
        assert form.done is None and head(books) == start and snapshot_files(books) == before


async def test_dispute_flags_unit_and_holds_notice(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "5-0403")
        form = await collect_form(pilot, "d")
        form.query_one("#f-category", Select).value = "leak"
        form.query_one("#f-claim", Input).value = "3000"
        form.query_one("#f-note", Input).value = "卫生间顶棚渗水"
        form.query_one("#f-note", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="written")
        did = form.done.ident
        assert did.startswith("TS2026-")
        assert git(books, "log", "-1", "--format=%s").startswith(f"dispute {did} opened: 5-0403 leak")
        assert f'custom "wuye-dispute-open" "5-0403" "{did}" "leak"' in \
            (books / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail and detail.collection.disputes, what="dispute shown")
        assert f"⚑ {did}" in text_of(detail.query_one("#ud-collect", Static))
        # a notice for a unit with an open dispute is refused by the core
        start = head(books)
        form = await collect_form(pilot, "n")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.query_one(ErrorPanel).has_class("-shown"), what="held out")
        assert "未结纠纷" in text_of(form.query_one(ErrorPanel)) and head(books) == start
        await pilot.press("escape")
        # the units screen flags it
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen), what="units")
        units = app.screen
        await wait_for(pilot, lambda: any(r.dispute for r in units.rows), what="flags")
        row = next(r for r in units.rows if r.unit == "5-0403")
        assert row.dispute == did


async def test_notice_and_statement_from_unit_detail(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "5-0403")
        await pilot.press("t")
        await wait_for(pilot, lambda: detail.statement_path, what="statement")
        page = Path(detail.statement_path)
        assert page.parent == books / ".wuye" / "statements" and "5-0403" in page.read_text(encoding="utf-8")
        form = await collect_form(pilot, "n")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        assert "合计" in text_of(form.query_one("#col-preview", Static))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="issued")
        doc = form.done.ident
        assert doc.startswith("CJ2026-")
        assert git(books, "log", "-1", "--format=%s").startswith("notices: 1 issued on 2026-11-20")
        assert f'doc: "{doc}"' in (books / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
        assert Path(form.done.path).exists() and doc in Path(form.done.path).read_text(encoding="utf-8")
        assert git(books, "status", "--porcelain") == ""  # printouts stay out of git


async def reports_screen(pilot) -> ReportsScreen:
    app = pilot.app
    await pilot.press("f7")
    await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.view is not None, what="rates")
    return app.screen


async def show(pilot, screen: ReportsScreen, kind: str, by: str = "", period: str | None = None):
    if period is not None:
        screen.query_one("#rep-period", Input).value = period
    screen.query_one("#rep-by", Select).value = by
    screen.query_one("#rep-kind", Select).value = kind
    await pilot.pause(0.05)
    screen.action_show()
    await wait_for(pilot, lambda: screen.view is not None and screen.view.spec.kind == kind
                   and screen.view.spec.by == (by if kind in ("rates", "arrears") else ""), what=kind)
    await settle(pilot)
    return screen.view


async def test_reports_each_kind(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await reports_screen(pilot)
        v = await show(pilot, screen, "rates", "collector")
        shown = text_of(screen.query_one("#rep-out", Static), width=220)
        assert "当期收缴率" in shown and "按收费员" in shown and "王敏" in shown
        b = Books(books)
        from ledger.reports.rates import collection_rates

        rate = collection_rates(b, "2026-11", b.today()).total.rates()["current"]
        b.close()
        assert f"{rate.ratio * 100:.2f}%" in shown and core.money(rate.numerator) in shown
        v = await show(pilot, screen, "arrears", "building")
        assert "3年以上" in v.risk_columns and "按楼栋" in text_of(screen.query_one("#rep-out", Static), width=220)
        v = await show(pilot, screen, "disclosure", period="2026-Q3")
        assert v.text and "物业费收支公示" in text_of(screen.query_one("#rep-head", Static), width=220)
        assert text_of(screen.query_one("#rep-out", Static), width=220).strip() == ""  # shown once, as printed
        v = await show(pilot, screen, "targets", period="2026-11")
        assert [x.title for x in v.tables] == ["收费员目标完成情况", "待走访（先易后难）"]
        v = await show(pilot, screen, "limitation")
        assert v.tables[0].title == "按收费员"
        # the registers (ledger/reports/registers.py) on the same screen
        v = await show(pilot, screen, "receipts", period="2026-11")
        assert [x.title for x in v.tables] == ["收据登记簿", "收据号连续性", "作废与退款"]
        assert "无缺号" in text_of(screen.query_one("#rep-out", Static), width=220)
        v = await show(pilot, screen, "daily")
        assert v.tables[-1].title == "现金盘点" and v.title.endswith("收费日报 2026-11-20")
        for kind, title in (("deposits", "押金登记簿"), ("unidentified", "待认领款项"), ("backdated", "补录记录")):
            v = await show(pilot, screen, kind)
            assert v.tables[0].title == title
        screen.query_one("#rep-kind", Select).value = "rates"
        screen.query_one("#rep-period", Input).value = "2026-13"
        screen.action_show()
        await wait_for(pilot, lambda: screen.query_one(ErrorPanel).has_class("-shown"), what="bad period")


async def test_export_report_from_screen(books, tmp_path):
    import openpyxl

    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await reports_screen(pilot)
        await show(pilot, screen, "rates", "building")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen)
                       and app.screen.query_one("#exp-path", Input).value, what="dialog")
        dialog = app.screen
        default = dialog.query_one("#exp-path", Input).value
        assert default.endswith("wuye-rates-2026-11-building.xlsx") and str(books) not in default
        target = tmp_path / "rates.xlsx"
        dialog.query_one("#exp-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.path is not None, what="xlsx written")
        assert target.exists()
        wb = openpyxl.load_workbook(target)
        rows = list(wb["收缴率"].iter_rows(values_only=True))
        assert rows[0] == ("指标", "分子", "分母", "比率") and rows[1][0] == "当期收缴率"
        assert "按楼栋" in wb.sheetnames
        dialog.query_one("#exp-format", Select).value = "csv"
        dialog.query_one("#exp-path", Input).value = str(tmp_path / "rates.csv")
        await pilot.pause(0.05)
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "rates.csv").exists(), what="csv")
        assert "当期收缴率" in (tmp_path / "rates.csv").read_text(encoding="utf-8-sig")
        # inside the books (tracked) is refused; nothing is written there
        before = snapshot_files(books)
        dialog.path = None
        dialog.query_one("#exp-format", Select).value = "html"
        dialog.query_one("#exp-path", Input).value = str(books / "rates.html")
        await pilot.pause(0.05)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.query_one(ErrorPanel).has_class("-shown"), what="refused")
        assert not (books / "rates.html").exists() and snapshot_files(books) == before
        assert git(books, "status", "--porcelain") == ""


async def test_dashboard_collector_list_and_units_filter(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        dash = app.screen
        dash.query_one("#dash-collector", Select).value = "王敏"
        await wait_for(pilot, lambda: "王敏" in (dash.query_one("#dash-mine").border_title or "")
                       and "2026-11" in dash.query_one("#dash-mine").border_title, what="my list")
        shown = text_of(dash.query_one("#dash-mine", Static))
        b = Books(books)
        from ledger.collection.targets import targets_report

        mine = next(c for c in targets_report(b, "2026-11")["collectors"] if c["collector"] == "王敏")
        b.close()
        assert f"{float(mine['rate']) * 100:.1f}%" in shown
        if mine["to_visit"]:
            assert mine["to_visit"][0]["unit"] in shown
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen) and app.screen.rows, what="units")
        units = app.screen
        await wait_for(pilot, lambda: units.query_one(DataTable).row_count == 38, what="collector filter")
        assert units.query_one("#units-collector", Select).value == "王敏"
        assert "王敏" in text_of(units.query_one("#units-count", Static))
        units.query_one("#units-collector", Select).clear()
        await wait_for(pilot, lambda: units.query_one(DataTable).row_count == 122, what="all units")
        assert app.collector is None
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), what="dashboard")
        assert not app.screen.query_one("#dash-mine").has_class("-shown")


async def test_import_then_assign_from_queue(books, tmp_path):
    export = tmp_path / "wechat_personal.csv"
    shutil.copy(WECHAT, export)
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.screen.data.import_queue == 0
        start = head(books)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), what="import screen")
        screen = app.screen
        screen.query_one("#imp-path", Input).value = str(export)
        screen.query_one("#imp-path", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.plan is not None, what="preview", timeout=30)
        assert head(books) == start  # the preview writes nothing
        queued = len(screen.plan.queued)
        assert queued > 0
        assert "待认领" in text_of(screen.query_one("#imp-out", Static), width=200)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.done is not None, what="import written", timeout=30)
        assert head(books) != start
        assert git(books, "rev-list", "--count", f"{start}..HEAD").strip() == "1"  # one commit
        assert git(books, "log", "-1", "--format=%s").startswith("import 1 file(s)")
        assert export.name in git(books, "log", "-1", "--format=%b")
        await wait_for(pilot, lambda: len(screen.items) == queued, what="queue listed")
        # assign the first item to a unit typed in: Enter previews, Enter again still writes nothing, Ctrl+S writes
        item = screen.items[0]
        await pilot.press("f9")
        table = screen.query_one("#q-table", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AssignScreen), what="assign dialog")
        dialog = app.screen
        assert item.remark in text_of(dialog.query_one("#assign-head", Static))
        arrived = books / f"txns/{item.date[:4]}/{item.date[:7]}.beancount"
        arrived_before = arrived.read_bytes()
        imported = head(books)
        dialog.query_one("#assign-unit", Input).value = "1-1-0101"
        dialog.query_one("#assign-unit", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.previewed_effect is not None, what="assign preview")
        shown = text_of(dialog.query_one("#assign-preview", Static), width=200)
        eff = dialog.previewed_effect
        assert eff.receipt and eff.receipt.startswith("SJ2026-") and eff.receipt in shown
        assert item.date in shown and "2026-11-20" in shown            # both dates named
        assert "到账日期" in shown and "认领日期" in shown
        assert eff.effect.rows and eff.effect.rows[0][2] in shown     # the allocation rows
        assert not dialog.query_one("#assign-learn").value             # the alias tick box starts unticked
        await pilot.press("enter")                                      # Enter never writes: it previews again
        await pilot.pause(0.3)
        await wait_for(pilot, lambda: dialog.previewed_effect is not None, what="preview again")
        assert head(books) == imported and dialog.done is None
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: dialog.done is not None, what="assigned")
        receipt = dialog.done.receipt
        assert receipt == eff.receipt
        assert git(books, "log", "-1", "--format=%s").startswith(f"assign {item.id} -> 1-1-0101 {receipt}")
        assert git(books, "rev-list", "--count", f"{imported}..HEAD").strip() == "1"
        # the value-date rule: dated today, in today's month file; the month the money came in is untouched
        month = (books / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
        assert f'receipt: "{receipt}"' in month and f'queue: "{item.id}"' in month
        assert f'received: "{item.date}"' in month
        assert arrived.read_bytes() == arrived_before
        assert "wuye-alias" not in git(books, "show", "HEAD", "--", "txns")  # nothing learned unless ticked
        assert receipt in text_of(dialog.query_one("#assign-preview", Static))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and len(screen.items) == queued - 1, what="queue shrinks")
        # money out (a refund paid out) is shown as out
        outs = [i for i in screen.items if i.direction == "out"]
        assert outs
        cell = screen.query_one("#q-table", DataTable).get_row(outs[0].id)[2]
        assert str(cell) == f"-{core.money(outs[0].amount)} 退款"
        # amount-only suggestions ("amount only, NOT a match") are listed apart: nothing to pick, never focused
        it = next(i for i in screen.items if i.suggestions and not core.split_suggestions(i.suggestions)[0])
        table.focus()
        table.move_cursor(row=[i.id for i in screen.items].index(it.id))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AssignScreen) and app.screen.item.id == it.id,
                       what="assign dialog 2")
        dialog = app.screen
        assert not dialog.query("#assign-sugg")                          # no list to pick an amount match from
        apart = text_of(dialog.query_one("#assign-amount-only", Static), width=200)
        assert "并非匹配" in apart and it.suggestions[0].split(" ", 1)[0] in apart  # in the UI language
        assert app.focused is dialog.query_one("#assign-unit", Input) and app.focused.value == ""
        before = head(books)
        await pilot.press("enter")                                        # no unit: an error, nothing written
        await wait_for(pilot, lambda: dialog.query_one(ErrorPanel).display, what="no unit error")
        assert head(books) == before and dialog.previewed_effect is None
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, what="back to the queue")
        row = screen.query_one("#q-table", DataTable).get_row(it.id)
        assert "1-1-" not in str(row[-1])                               # the queue list names no unit for it
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.data
                       and app.screen.data.import_queue == len(screen.items), what="dashboard queue count")
        assert git(books, "status", "--porcelain") == ""


def test_labels_have_no_duplicate_keys():
    """A repeated key in the LABELS literal silently replaces a label of another screen."""
    import ast

    import tui.i18n as i18n

    tree = ast.parse(Path(i18n.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "LABELS":
            keys = [k.value for k in node.value.keys]
            assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})
            return
    raise AssertionError("LABELS not found")


async def test_disclosure_starts_from_the_last_complete_month(books):
    # the form's period starts at the month of today (2026-11 on 11-20); the 公示 of a month that is not
    # over is refused, so choosing it moves a still-default period to the last complete month
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await reports_screen(pilot)
        assert screen.query_one("#rep-period", Input).value == "2026-11"
        v = await show(pilot, screen, "disclosure")
        assert screen.query_one("#rep-period", Input).value == "2026-10"
        assert v.spec.period == "2026-10" and not screen.query_one(ErrorPanel).has_class("-shown")
        # a period the bookkeeper typed is kept
        v = await show(pilot, screen, "disclosure", period="2026-Q3")
        assert v.spec.period == "2026-Q3"
        v = await show(pilot, screen, "rates")
        assert screen.query_one("#rep-period", Input).value == "2026-Q3"


async def test_undo_of_an_assignment_reopens_the_item_and_aliases_can_be_forgotten(books, tmp_path):
    from importers.queue import plan_assign
    from tui.screens.adjust import AdjustScreen
    from tui.screens.importer import AliasForgetScreen

    export = tmp_path / "wechat_personal.csv"
    shutil.copy(WECHAT, export)
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), what="import screen")
        screen = app.screen
        screen.query_one("#imp-path", Input).value = str(export)
        screen.query_one("#imp-path", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.plan is not None, what="preview", timeout=30)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.done is not None and screen.items, what="import written", timeout=30)
        b = Books(books)
        try:
            item = next(i for i in screen.items if plan_assign(b, i.id, "1-1-0101").would_learn)
        finally:
            b.close()
        # assign with the alias tick box ticked
        await pilot.press("f9")
        table = screen.query_one("#q-table", DataTable)
        table.focus()
        table.move_cursor(row=[i.id for i in screen.items].index(item.id))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AssignScreen), what="assign dialog")
        dialog = app.screen
        dialog.query_one("#assign-unit", Input).value = "1-1-0101"
        dialog.query_one("#assign-learn").value = True
        await wait_for(pilot, lambda: dialog.previewed_effect is not None and dialog.previewed_effect.learned,
                       what="preview with alias")
        assert "将记住别名" in text_of(dialog.query_one("#assign-preview", Static), width=200)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: dialog.done is not None, what="assigned")
        receipt = dialog.done.receipt
        assert "alias learned" in git(books, "log", "-1", "--format=%b")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and item.id not in [i.id for i in screen.items],
                       what="item gone from the queue")
        # void it: the preview says the item goes back and the alias stays unless ticked
        app.push_screen(AdjustScreen("void"))
        await wait_for(pilot, lambda: isinstance(app.screen, AdjustScreen), what="void form")
        form = app.screen
        form.query_one("#f-receipt", Input).value = receipt
        form.query_one("#f-reason", Input).value = "认错房号"
        form.query_one("#f-reason", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed_effect is not None, what="void preview")
        shown = text_of(form.query_one("#adj-preview", Static), width=200)
        assert f"{item.id} 将回到待认领" in shown and "别名保留" in shown
        assert not form.query_one("#f-forget_alias").value
        start = head(books)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.written is not None, what="voided")
        msg = git(books, "log", "-1", "--format=%B")
        assert msg.startswith(f"void {receipt}") and f"queue item {item.id} is open again" in msg
        assert "alias kept:" in msg
        assert git(books, "rev-list", "--count", f"{start}..HEAD").strip() == "1"
        month = (books / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
        assert f'reopens: "{item.id}"' in month
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and item.id in [i.id for i in screen.items],
                       what="item back in the queue")
        assert [h[1] for h in next(i for i in screen.items if i.id == item.id).history] == \
            ["queued", "assigned", "voided", "open"]
        # the alias it taught is listed; forget it from the list: previewed, Enter never writes, Ctrl+S writes
        screen.query_one(TabbedContent).active = "tab-aliases"
        al = screen.query_one("#alias-table", DataTable)
        await wait_for(pilot, lambda: any(r.source == f"assign {item.id}" for r in screen.alias_list), what="aliases")
        mine = next(r for r in screen.alias_list if r.source == f"assign {item.id}")
        al.focus()
        al.move_cursor(row=screen.alias_list.index(mine))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AliasForgetScreen), what="forget dialog")
        fs = app.screen
        fs.query_one("#forget-reason", Input).value = "认错房号"
        await pilot.press("enter")
        await wait_for(pilot, lambda: fs.previewed_effect is not None, what="forget preview")
        assert "1-1-0101" in text_of(fs.query_one("#forget-preview", Static), width=200)
        before = head(books)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await wait_for(pilot, lambda: fs.previewed_effect is not None, what="forget preview again")
        assert head(books) == before
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: fs.done is not None, what="forgotten")
        assert git(books, "log", "-1", "--format=%s").startswith("alias forget: 1 alias(es) (认错房号)")
        assert f'"wuye-alias-forget" "{mine.kind}" "{mine.key}" "1-1-0101"' in \
            (books / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and mine.key not in [r.key for r in screen.alias_list],
                       what="alias gone from the list")
        # assigned again (alias ticked), then voided with the forget tick box: both in the void's one commit
        screen.query_one(TabbedContent).active = "tab-queue"
        table.focus()
        table.move_cursor(row=[i.id for i in screen.items].index(item.id))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AssignScreen), what="assign dialog again")
        dialog = app.screen
        dialog.query_one("#assign-unit", Input).value = "1-1-0101"
        dialog.query_one("#assign-learn").value = True
        await wait_for(pilot, lambda: dialog.previewed_effect is not None and dialog.previewed_effect.learned,
                       what="preview with alias again")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: dialog.done is not None, what="assigned again")
        receipt2 = dialog.done.receipt
        assert receipt2 != receipt
        await pilot.press("escape")
        app.push_screen(AdjustScreen("void"))
        await wait_for(pilot, lambda: isinstance(app.screen, AdjustScreen), what="void form again")
        form = app.screen
        form.query_one("#f-receipt", Input).value = receipt2
        form.query_one("#f-reason", Input).value = "仍然认错"
        form.query_one("#f-forget_alias").value = True
        form.query_one("#f-reason", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed_effect is not None, what="void preview again")
        assert "别名将被忘记" in text_of(form.query_one("#adj-preview", Static), width=200)
        start = head(books)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.written is not None, what="voided again")
        msg = git(books, "log", "-1", "--format=%B")
        assert "alias forgotten:" in msg and f"queue item {item.id} is open again" in msg
        assert git(books, "rev-list", "--count", f"{start}..HEAD").strip() == "1"
        assert "wuye-alias-forget" in git(books, "show", "HEAD", "--", "txns")
        assert git(books, "status", "--porcelain") == ""


async def test_partial_refund_of_a_payment_from_the_refund_form(books):
    from tui.screens.adjust import AdjustScreen

    b = Books(books)
    try:
        receipt, unit = b.cache.q("SELECT receipt, unit FROM txns WHERE op='pay' AND date LIKE '2026-11-%' "
                                  "ORDER BY date DESC, id DESC LIMIT 1")[0]
    finally:
        b.close()
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.push_screen(AdjustScreen("refund"))
        await wait_for(pilot, lambda: isinstance(app.screen, AdjustScreen), what="refund form")
        form = app.screen
        form.query_one("#f-unit", Input).value = unit
        form.query_one("#f-amount", Input).value = "10.00"
        form.query_one("#f-receipt", Input).value = receipt
        form.query_one("#f-reason", Input).value = "多收部分退回"
        form.query_one("#f-reason", Input).focus()
        start = head(books)
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed_effect is not None, what="refund preview")
        shown = text_of(form.query_one("#adj-preview", Static), width=200)
        assert "TK2026-000001" in shown and "10.00" in shown
        await pilot.press("enter")
        await pilot.pause(0.3)
        await wait_for(pilot, lambda: form.previewed_effect is not None, what="preview again")
        assert head(books) == start                       # Enter never writes
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.written is not None, what="refunded")
        assert git(books, "log", "-1", "--format=%s").startswith(f"refund TK2026-000001 {unit} 10.00 CNY cash, part of {receipt}")
        month = (books / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
        assert f'refunds-part: "{receipt}"' in month and 'refund-no: "TK2026-000001"' in month
        assert git(books, "status", "--porcelain") == ""
