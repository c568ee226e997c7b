"""The one preview -> confirm form (tui/widgets/plan_form.py), driven through the payment, correction
and collection screens, and checked on the ledger and the commits: Enter never writes; Ctrl+S (or a
click on the confirm button) writes the previewed plan once; the form then clears and shows the
result; a plan that changed since the preview is shown again and written only on a second confirm."""
from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Select, Static

from ledger.payments import pay
from tui.app import WuyeApp
from tui.screens.adjust import AdjustScreen
from tui.screens.collect import CollectScreen
from tui.screens.payment import PaymentScreen
from tui.screens.unit_detail import UnitDetailScreen
from tui.screens.units import UnitsScreen

from .conftest import git, head, ready, settle, snapshot_files, text_of, wait_for

SIZE = (150, 45)
MONTH = "txns/2026/2026-11.beancount"


def commits(books) -> int:
    return int(git(books, "rev-list", "--count", "HEAD"))


async def payment_form(pilot, unit: str, amount: str) -> PaymentScreen:
    app = pilot.app
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen), what="form")
    form = app.screen
    await wait_for(pilot, lambda: form.query_one("#pay-date", Input).value, what="date")
    form.query_one("#pay-unit", Input).value = unit
    form.query_one("#pay-amount", Input).value = amount
    form.query_one("#pay-amount", Input).focus()
    return form


async def open_unit(pilot, unit: str) -> UnitDetailScreen:
    app = pilot.app
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen) and app.screen.rows, what="units")
    await pilot.press("slash", *unit, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, UnitDetailScreen) and app.screen.detail, what="detail")
    return app.screen


async def test_enter_never_writes_not_even_on_the_confirm_button(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        before, start = snapshot_files(books), head(books)
        form = await payment_form(pilot, "5-0403", "300")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        for _ in range(3):  # Enter again and again only previews again
            await pilot.press("enter")
            await settle(pilot)
        confirm = form.query_one("#pay-record-btn")
        assert not confirm.disabled and app.focused is not confirm   # the preview does not move focus there
        confirm.focus()
        await pilot.press("enter")                                      # Enter on the confirm button itself
        await settle(pilot)
        assert head(books) == start and snapshot_files(books) == before and form.done is None
        assert form.previewed is not None                               # still ready for Ctrl+S


async def test_ctrl_s_writes_the_previewed_payment_once_then_the_form_clears(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        n = commits(books)
        form = await payment_form(pilot, "5-0403", "300")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        receipt = form.previewed_effect.receipt
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="written")
        await settle(pilot)
        await pilot.press("ctrl+s")                 # a second Ctrl+S has nothing previewed to write
        await settle(pilot)
        assert commits(books) == n + 1
        assert form.done.receipt == receipt        # exactly the previewed receipt number
        assert git(books, "log", "-1", "--format=%s").startswith(f"pay 5-0403 300.00 CNY cash {receipt}")
        assert (books / MONTH).read_text(encoding="utf-8").count(f'receipt: "{receipt}"') == 1
        assert git(books, "status", "--porcelain") == ""
        # cleared, and the result stays on screen: receipt and commit
        assert form.query_one("#pay-amount", Input).value == "" and form.query_one("#pay-unit", Input).value == ""
        assert form.query_one("#pay-date", Input).value == "2026-11-20"
        assert form.previewed is None and form.query_one("#pay-record-btn").disabled
        shown = text_of(form.query_one("#pay-preview", Static))
        assert receipt in shown and head(books)[:10] in shown


async def test_a_click_on_the_confirm_button_writes(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        n = commits(books)
        form = await payment_form(pilot, "5-0403", "120")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        await pilot.click("#pay-record-btn")
        await wait_for(pilot, lambda: form.done is not None, what="written")
        assert commits(books) == n + 1 and git(books, "log", "-1", "--format=%s").startswith("pay 5-0403 120.00")


async def test_a_plan_that_changed_since_the_preview_is_shown_and_confirmed_again(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        form = await payment_form(pilot, "5-0403", "200")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        first = form.previewed_effect
        # meanwhile the same books take another payment of this unit (the receipt and the open amount move)
        pay.record_payment(app.books, "5-0403", "50", "cash", dt.date(2026, 11, 20))
        n = commits(books)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.previewed_effect is not None and form.previewed_effect != first,
                       what="new effect shown")
        await settle(pilot)
        assert commits(books) == n and form.done is None                  # nothing written on the old plan
        new = form.previewed_effect
        assert new.receipt != first.receipt and new.outstanding_before == first.outstanding_before - 50
        shown = text_of(form.query_one("#pay-preview", Static))
        assert "账本在预览后有变动" in shown and new.receipt in shown
        await pilot.press("ctrl+s")                                        # confirmed again: written
        await wait_for(pilot, lambda: form.done is not None, what="written")
        assert commits(books) == n + 1 and form.done.receipt == new.receipt


async def test_the_waiver_form_shares_the_flow(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_unit(pilot, "5-0403")
        n = commits(books)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, AdjustScreen), what="form")
        form = app.screen
        await wait_for(pilot, lambda: form.query_one("#f-item", Select).value is not Select.NULL, what="item")
        form.query_one("#f-reason", Input).value = "漏水期间减免"
        form.query_one("#f-approved_by", Input).value = "王经理"
        form.query_one("#f-reason", Input).focus()
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        await settle(pilot)
        assert commits(books) == n
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.written is not None, what="written")
        assert commits(books) == n + 1 and git(books, "log", "-1", "--format=%s").startswith("waive 5-0403")
        assert form.query_one("#f-reason", Input).value == "" and form.query_one("#f-amount", Input).value == ""
        assert form.written.commit[:10] in text_of(form.query_one("#adj-preview", Static))


async def test_the_contact_form_shares_the_flow(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_unit(pilot, "5-0403")
        n = commits(books)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, CollectScreen), what="form")
        form = app.screen
        await wait_for(pilot, lambda: form.query_one("#f-date", Input).value == "2026-11-20", what="today")
        form.query_one("#f-outcome", Input).value = "电话无人接听"
        form.query_one("#f-outcome", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        form.query_one("#col-confirm-btn").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert commits(books) == n
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="written")
        assert commits(books) == n + 1
        assert "电话无人接听" in (books / MONTH).read_text(encoding="utf-8")
        assert form.query_one("#f-outcome", Input).value == ""
        assert form.query_one("#f-date", Input).value == "2026-11-20"
        assert form.done.write.commit[:10] in text_of(form.query_one("#col-preview", Static))
