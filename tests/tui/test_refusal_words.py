"""The common refusals, worded in the UI language on screen (issue 12): the error panel of the form says it in
Chinese (zh, the default) or English, and nothing is written (the ledger's files and the commit count stay)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from textual.widgets import Input

from tui.app import WuyeApp
from tui.screens.payment import PaymentScreen
from tui.widgets.errorpanel import ErrorPanel

from .conftest import git, ready, settle, snapshot_files, text_of, wait_for
from .test_collection import SIZE, collect_form, open_unit


def commits(books) -> int:
    return int(git(books, "rev-list", "--count", "HEAD").strip())


async def _pay(pilot, **fields):
    app = pilot.app
    await ready(pilot)
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen)
                   and app.screen.query_one("#pay-date", Input).value, what="payment form")
    form = app.screen
    for name, value in fields.items():
        form.query_one(f"#pay-{name}", Input).value = value
    form.query_one("#pay-amount", Input).focus()
    return form


async def _refused(pilot, form) -> str:
    panel = form.query_one(ErrorPanel)
    await wait_for(pilot, lambda: panel.has_class("-shown"), what="refusal shown")
    await settle(pilot)
    return f"{panel.border_title}\n{text_of(panel, width=200)}"


@pytest.mark.parametrize("fields, zh", [
    ({"unit": "1-1-0201", "amount": "0"}, "金额：不能为零"),
    ({"unit": "9-9999", "amount": "100"}, "房号 '9-9999' 不存在（units.csv 中没有）"),
    ({"unit": "1-1-0201", "amount": "100", "for": "ZZ:2026-10"}, "指定缴纳（--for）：收费项目 'ZZ' 不存在"),
    ({"unit": "1-1-0201", "amount": "100", "ref": "13812345678"}, "交易单号（--ref）：文字中含有手机号码；个人信息不进入账本"),
    ({"unit": "1-1-0201", "amount": "10000001"}, "金额：10,000,001.00 超过单笔上限 10,000,000.00"),
], ids=["zero", "unknown-unit", "unknown-item", "phone-in-ref", "over-limit"])
async def test_payment_refusals_in_chinese(books, fields, zh):
    before, n = snapshot_files(books), commits(books)
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        form = await _pay(pilot, **fields)
        await pilot.press("enter")
        shown = await _refused(pilot, form)
        assert zh in shown and "输入错误" in shown, shown
        assert not any(w in shown for w in ("amount", "unknown", "the text", "limit")), shown
        await pilot.press("ctrl+s")  # nothing previewed: nothing to write
        await pilot.pause(0.2)
    assert commits(books) == n and snapshot_files(books) == before


async def test_payment_into_a_closed_month_in_chinese(books):
    wuye = os.path.join(os.path.dirname(sys.executable), "wuye")
    subprocess.run([wuye, "--books", str(books), "close", "2026-10"], check=True, capture_output=True)
    before, n = snapshot_files(books), commits(books)
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        form = await _pay(pilot, unit="1-1-0201", amount="100", date="2026-10-15")
        await pilot.press("enter")  # the preview refuses it: the bookkeeper is not shown a payment Ctrl+S refuses
        shown = await _refused(pilot, form)
        assert form.previewed_effect is None
        assert "期间已结账" in shown and "2026-10 已结账（截至 2026-10-31" in shown, shown
        assert "is closed" not in shown and "reopen" in shown  # the way out is named
        await pilot.press("ctrl+s")  # nothing previewed: nothing to write
        await pilot.pause(0.2)
    assert commits(books) == n and snapshot_files(books) == before


async def test_a_waiver_into_a_closed_month_is_refused_in_its_preview(books):
    from tui.core import forms

    from ledger.books.folder import Books
    from ledger.basics.errors import PeriodClosedError

    wuye = os.path.join(os.path.dirname(sys.executable), "wuye")
    subprocess.run([wuye, "--books", str(books), "close", "2026-10"], check=True, capture_output=True)
    b = Books(books)
    try:
        values = {"unit": "1-1-0201", "amount": "1.00", "item": "PF", "period": "2026-10", "reason": "测试",
                  "approved_by": "林小红", "date": "2026-10-20"}
        with pytest.raises(PeriodClosedError):
            forms.adjust_preview(b, "waive", values)
        values["date"] = "2026-11-20"  # the same waiver dated in the open month is previewed
        assert forms.adjust_preview(b, "waive", values).unit == "1-1-0201"
    finally:
        b.close()


async def test_notice_for_a_disputed_unit_in_english(books):
    before, n = snapshot_files(books), commits(books)
    app = WuyeApp(books, "en")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_unit(pilot, "5-0302")  # the demo's leak, open since 2024-02-20
        form = await collect_form(pilot, "n")
        await pilot.press("enter")
        shown = await _refused(pilot, form)
        assert "has an open dispute" in shown and "(leak, since 2024-02-20)" in shown, shown
        assert "渗漏" not in shown
    assert commits(books) == n and snapshot_files(books) == before
