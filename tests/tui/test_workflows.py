"""Pilot tests: each workflow driven from the screens against demo books in a temp git repo, checked
on the ledger files and the commits written, not only on widgets."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from textual.widgets import DataTable, Input, Select, Static

from ledger.books.folder import Books
from ledger.reports.openitems import item_lines, open_items
from ledger.community.units import load_owners, mask_name
from tui.app import WuyeApp, run_app
from tui.screens.adjust import AdjustScreen
from tui.screens.billing import BillingScreen
from tui.screens.help import HelpScreen
from tui.screens.history import HistoryScreen
from tui.screens.payment import PaymentScreen
from tui.screens.unit_detail import UnitDetailScreen
from tui.screens.units import UnitsScreen

from .conftest import git, head, ready, settle, text_of, wait_for

SIZE = (150, 45)


def owed(root, unit: str) -> Decimal:
    b = Books(root)
    try:
        return sum(open_items(b.cache, unit=unit).values(), Decimal("0.00"))
    finally:
        b.close()


async def open_unit(pilot, unit: str) -> UnitDetailScreen:
    app = pilot.app
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen) and app.screen.rows, what="units")
    await pilot.press("slash", *unit, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, UnitDetailScreen) and app.screen.detail, what="detail")
    return app.screen


def test_run_app_without_books(capsys, monkeypatch):
    monkeypatch.delenv("WUYE_BOOKS", raising=False)
    assert run_app(SimpleNamespace(books=None, lang=None)) == 2
    assert "WUYE_BOOKS" in capsys.readouterr().err


def test_run_app_not_books(tmp_path, capsys):
    assert run_app(SimpleNamespace(books=str(tmp_path), lang="en")) == 2
    assert "Cannot open the books" in capsys.readouterr().err


async def test_dashboard_figures(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        d = app.screen.data
        assert d.period == "2026-11"
        assert {code for code, _, _ in d.billed_items} >= {"PF", "GC"}
        assert d.ops[0].sha == head(books)
        assert d.collected_month and sum(a for _, a in d.collected_month) > 0
        assert d.largest[0][1] >= d.largest[-1][1]
        from tui.i18n import op_title

        # the last operation, titled in the UI language as the history titles it
        title = op_title(d.ops[0].kind, d.ops[0].params, d.ops[0].subject)
        assert title != d.ops[0].subject and title[:20] in text_of(app.screen.query_one("#dash-ops", Static), width=300)


async def test_units_search_filter_sort_and_detail(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen) and app.screen.rows, what="units")
        screen = app.screen
        table = screen.query_one(DataTable)
        assert table.row_count == 122
        await pilot.press("4", "0", "3")  # type-to-search from the table
        await wait_for(pilot, lambda: table.row_count == 4, what="search filter")
        await pilot.press("escape")
        screen.query_one("#units-search", Input).value = ""
        await wait_for(pilot, lambda: table.row_count == 122, what="clear filter")
        screen.query_one("#units-building", Select).value = "S"
        await wait_for(pilot, lambda: table.row_count == 2, what="building filter")
        screen.query_one("#units-building", Select).clear()
        screen.query_one("#units-age", Select).value = "12"
        await wait_for(pilot, lambda: 0 < table.row_count < 122, what="age filter")
        assert all(r.age_months > 12 and r.outstanding > 0 for r in screen.filtered())
        screen.query_one("#units-age", Select).value = "all"
        screen.query_one("#units-collector", Select).value = "王敏"
        await wait_for(pilot, lambda: table.row_count == 38, what="collector filter")
        screen.query_one("#units-collector", Select).clear()
        await pilot.pause(0.1)
        await pilot.press("s", "s", "s")  # sort by outstanding, largest first
        rows = screen.filtered()
        assert rows[0].outstanding == max(r.outstanding for r in rows)
        top = rows[0].unit
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, UnitDetailScreen) and app.screen.detail, what="detail")
        detail = app.screen.detail
        assert detail.unit == top
        b = Books(books)
        assert len(detail.lines) == len(item_lines(b.cache, top))
        b.close()


async def test_unit_detail_masks_owner_until_reveal(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await open_unit(pilot, "1-1-0101")
        b = Books(books)
        owner = load_owners(books)[b.units["1-1-0101"].owner_id]
        b.close()
        assert screen.detail.owner_name == mask_name(owner.name) != owner.name
        assert owner.phone not in text_of(screen.query_one("#ud-info", Static))
        await pilot.press("v")
        await wait_for(pilot, lambda: screen.detail.revealed, what="reveal")
        assert screen.detail.owner_name == owner.name
        assert owner.phone in text_of(screen.query_one("#ud-info", Static))


async def test_billing_run_writes_month_file_and_commit(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, BillingScreen)
                       and app.screen.query_one("#bill-from", Input).value == "2026-12", what="default period")
        screen = app.screen
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.preview is not None, what="preview")
        assert screen.preview.units == 122 and screen.preview.refused  # shops' water has no reading
        assert not (books / "txns/2026/2026-12.beancount").exists()  # preview writes nothing
        entries = screen.preview.entries
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.writing and head(books) != app.books.head or
                       "bill 2026-12" in git(books, "log", "-1", "--format=%s"), what="commit")
        await settle(pilot)
        text = (books / "txns/2026/2026-12.beancount").read_text(encoding="utf-8")
        assert text.count('* "账单 2026-12 ') == 122  # one bill per unit (plus credit applications)
        assert text.count('op: "bill"') == entries
        assert git(books, "log", "-1", "--format=%s").startswith("bill 2026-12: 122 units")
        assert head(books)[:10] in text_of(screen.query_one("#bill-result", Static))
        assert git(books, "status", "--porcelain") == ""


async def test_payment_form_previews_then_writes_receipt(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "5-0403")
        before = owed(books, "5-0403")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen), what="form")
        form = app.screen
        await wait_for(pilot, lambda: form.query_one("#pay-date", Input).value == "2026-11-20", what="today")
        assert form.query_one("#pay-unit", Input).value == "5-0403"
        await pilot.press(*"500", "enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        assert head(books) == app.books.head  # nothing written by the preview
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="payment written")
        receipt = form.done.receipt
        assert git(books, "log", "-1", "--format=%s").startswith(f"pay 5-0403 500.00 CNY cash {receipt}")
        month = (books / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
        assert receipt in month
        assert owed(books, "5-0403") == before - Decimal("500.00")
        assert "伍佰元整" in text_of(form.query_one("#pay-preview", Static))
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: (books / ".wuye" / "receipts" / f"{receipt}.html").exists(), what="html")
        assert git(books, "status", "--porcelain") == ""  # the printout stays out of git
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail and detail.detail.receipts, what="detail refresh")
        assert detail.detail.receipts[-1]["receipt"] == receipt


async def test_payment_changed_after_preview_is_not_written(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        start = head(books)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen), what="form")
        form = app.screen
        await pilot.press(*"5-0403")
        form.query_one("#pay-amount", Input).value = "100"
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        form.query_one("#pay-amount", Input).value = "900"
        await pilot.pause(0.1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert head(books) == start and form.done is None


async def test_waive_from_unit_detail(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "5-0403")
        item, period = detail.selected_line()  # the cursor sits on the first open line
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, AdjustScreen), what="form")
        form = app.screen
        await wait_for(pilot, lambda: form.query_one("#f-item", Select).value == item, what="item preset")
        form.query_one("#f-reason", Input).value = "漏水期间减免"
        form.query_one("#f-approved_by", Input).value = "王经理"
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.written is not None, what="write")
        assert git(books, "log", "-1", "--format=%s").startswith(f"waive 5-0403")
        b = Books(books)
        line = [ln for ln in item_lines(b.cache, "5-0403") if (ln.item, ln.period) == (item, period)][0]
        b.close()
        assert line.open == 0 and line.status == "waived"


async def test_void_from_unit_detail_after_payment(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "1-1-0101")
        receipt = detail.detail.receipts[-1]["receipt"]
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, AdjustScreen), what="form")
        form = app.screen
        assert form.query_one("#f-receipt", Input).value == receipt
        form.query_one("#f-reason", Input).value = "录错金额"
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.written is not None, what="write")
        assert git(books, "log", "-1", "--format=%s").startswith(f"void {receipt}")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail and any(r["voided"] for r in detail.detail.receipts),
                       what="voided shown")


async def test_late_fee_run_from_palette(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        app.screen.query_one(Input).value = "计提违约金"
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AdjustScreen), what="form")
        form = app.screen
        assert form.kind == "latefees"
        await wait_for(pilot, lambda: form.query_one("#f-date", Input).value == "2026-11-20", what="date")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.written is not None, what="write")
        assert git(books, "log", "-1", "--format=%s").startswith("late fees to 2026-11-20")


async def test_history_shows_fee_standard_change(books):
    cfg = (books / "config.yaml").read_text(encoding="utf-8")
    cfg = cfg.replace('- {from: 2026-07-01, residential: "2.40", commercial: "5.00"}',
                      '- {from: 2026-07-01, residential: "2.40", commercial: "5.00"}\n'
                      '      - {from: 2027-01-01, residential: "2.60", commercial: "5.00"}')
    (books / "config.yaml").write_text(cfg, encoding="utf-8")
    git(books, "commit", "-q", "-am", "fee standard: PF 2.60 from 2027-01")
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.ops, what="ops")
        screen = app.screen
        await settle(pilot)
        change = [c for c in screen.ops[0].standard_changes if c.unit_type == "residential"][0]
        assert (change.item, change.old, change.new, change.effective) == ("PF", "2.40", "2.60", "2027-01-01")
        shown = text_of(screen.query_one("#hist-detail", Static))
        assert "2.60" in shown and "2027-01-01" in shown
        assert '+      - {from: 2027-01-01, residential: "2.60"' in shown  # the raw diff


async def test_help_and_language_switch(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        assert "命令面板" in text_of(app.screen.query_one("#help-text", Static))
        await pilot.press("escape")
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen) and app.screen.rows, what="units")
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen) and app.screen.rows, what="units again")
        labels = [str(c.label) for c in app.screen.query_one(DataTable).columns.values()]
        assert labels[:2] == ["Unit", "Building"]


async def test_english_from_the_start(books):
    app = WuyeApp(books, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.screen.query_one("#dash-billed").border_title == "Billed this month (by item)"
