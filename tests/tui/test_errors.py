"""Error paths: each error appears with its title, the app keeps running and the books stay as they were."""
from __future__ import annotations

import threading

from textual.widgets import Input

from ledger.books.writer import books_lock
from tui import core
from tui.app import WuyeApp
from tui.screens.billing import BillingScreen
from tui.screens.payment import PaymentScreen
from tui.screens.start import StartScreen
from tui.widgets.errorpanel import ErrorPanel

from .conftest import git, head, ready, settle, snapshot_files, text_of, wait_for

SIZE = (150, 45)


def titles(app) -> list[str]:
    return [n.title for n in app._notifications]


async def pay_form(pilot, unit: str, amount: str) -> PaymentScreen:
    app = pilot.app
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen), what="form")
    form = app.screen
    await wait_for(pilot, lambda: form.query_one("#pay-date", Input).value, what="date")
    form.query_one("#pay-unit", Input).value = unit
    form.query_one("#pay-amount", Input).value = amount
    await pilot.press("enter")
    await wait_for(pilot, lambda: form.previewed is not None, what="preview")
    return form


async def test_lock_held_by_another_writer(books, monkeypatch):
    monkeypatch.setenv("WUYE_LOCK_TIMEOUT", "1")  # writers wait 120 s by default; this one gives up
    app = WuyeApp(books)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        form = await pay_form(pilot, "5-0403", "200")
        before, start = snapshot_files(books), head(books)
        held, release = threading.Event(), threading.Event()

        def hold():
            with books_lock(books, timeout=5):
                held.set()
                release.wait(20)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(5)
        try:
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: "账本被占用" in titles(app), what="lock error")
        finally:
            release.set()
            holder.join()
        await settle(pilot)
        assert app.is_running and form.done is None and not form.busy
        panel = form.query_one(ErrorPanel)
        assert panel.has_class("-shown") and panel.border_title == "账本被占用"
        assert head(books) == start and snapshot_files(books) == before
        # once the other writer is done, the same form writes
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview again")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="written after release")
        assert git(books, "log", "-1", "--format=%s").startswith("pay 5-0403 200.00")


async def test_dirty_tree_refuses_billing(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, BillingScreen)
                       and app.screen.query_one("#bill-from", Input).value, what="billing")
        screen = app.screen
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.preview is not None, what="preview")
        (books / "txns" / "stray-notes.txt").write_text("uncommitted\n", encoding="utf-8")  # where the ledger reads
        before, start = snapshot_files(books), head(books)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "账本状态" in titles(app), what="books-state error")
        await settle(pilot)
        assert app.is_running and not screen.writing
        assert screen.query_one(ErrorPanel).border_title == "账本状态"
        assert "uncommitted changes" in text_of(screen.query_one(ErrorPanel))
        assert head(books) == start and snapshot_files(books) == before
        assert not (books / "txns/2026/2026-12.beancount").exists()


async def test_external_commit_is_planned_over_not_refused(books):
    """A commit made elsewhere after the preview: the payment is planned again under the lock on the
    new state and written (before issue 11 it was refused with "reload and retry")."""
    app = WuyeApp(books)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        form = await pay_form(pilot, "5-0403", "150")
        git(books, "commit", "-q", "--allow-empty", "-m", "someone else's commit")
        outside = head(books)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="written on the new state")
        assert git(books, "rev-parse", "HEAD^").strip() == outside.strip() and app.books.head != outside


async def test_bad_input_shows_error_and_writes_nothing(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        start = head(books)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen), what="form")
        form = app.screen
        # the Chinese UI words the core's errors in Chinese (error codes, locale/): tests/i18n checks the English
        for unit, amount, words in (("5-0403", "12.345", "最多两位小数"), ("9-9999", "10", "房号 '9-9999' 不存在"),
                                    ("5-0403", "-5", "不能为负数")):
            form.query_one("#pay-unit", Input).value = unit
            form.query_one("#pay-amount", Input).value = amount
            await pilot.press("enter")
            panel = form.query_one(ErrorPanel)
            await wait_for(pilot, lambda: panel.has_class("-shown") and words in text_of(panel), what=words)
            assert panel.border_title == "输入错误" and form.previewed is None
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert head(books) == start and app.is_running


async def test_unexpected_error_does_not_crash(books, monkeypatch):
    def boom(books, plist):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(core, "bill_preview", boom)
    app = WuyeApp(books)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, BillingScreen)
                       and app.screen.query_one("#bill-from", Input).value, what="billing")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "意外错误（账本未改动）" in titles(app), what="unexpected error")
        assert app.is_running


async def test_not_a_books_folder_shows_error(tmp_path):
    app = WuyeApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StartScreen)
                       and app.screen.query_one(ErrorPanel).has_class("-shown"), what="start error")
        assert "not a books folder" in text_of(app.screen.query_one(ErrorPanel))
        await pilot.press("f3")  # no books: navigation does nothing, no crash
        assert app.is_running and isinstance(app.screen, StartScreen)
