"""The desk (issue 12): who is working, the desk's channel, unit text, keys, the palette, 80x24, words and
implausible amounts. Pilot tests on demo books, checked on the ledger text and the git commits."""
from __future__ import annotations

from textual.widgets import Input, OptionList, Select, Static

from cli.main import main as wuye
from tui.app import WuyeApp
from tui.screens.operator import OperatorScreen
from tui.screens.payment import PaymentScreen

from .conftest import git, ready, settle, text_of, wait_for

SIZE = (150, 45)
MONTH = "txns/2026/2026-11.beancount"


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


async def pay(pilot, unit: str, amount: str) -> PaymentScreen:
    form = await payment_form(pilot, unit, amount)
    await pilot.press("enter")
    await wait_for(pilot, lambda: form.previewed is not None, what="preview")
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: form.done is not None, what="payment written")
    return form


# --- 1. who is working ---------------------------------------------------------------------------

async def test_operator_is_asked_at_start_and_is_the_receipt_payee_and_commit_author(books, monkeypatch):
    monkeypatch.delenv("WUYE_USER")
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OperatorScreen), what="operator picker")
        picker = app.screen.query_one(OptionList)
        ids = [picker.get_option_at_index(i).id for i in range(picker.option_count)]
        assert ids == ["前台", "会计", "林小红", "张建军", "王敏"]  # config staff, then collectors
        await pilot.press("down", "down", "down", "enter")  # 张建军
        await ready(pilot)
        assert "操作员: 张建军" in app.sub_title
        assert (books / ".wuye" / "operator").read_text(encoding="utf-8").strip() == "张建军"
        form = await pay(pilot, "5-0403", "120")
        assert form.query_one("#pay-channel", Select).value == "cash"  # the desk's channel (config desk:)
        receipt = form.done.receipt
        assert "收款人：张建军" in form.done.receipt_text
        assert git(books, "log", "-1", "--format=%an|%s").startswith(f"张建军|pay 5-0403 120.00 CNY cash {receipt}")
        month = (books / MONTH).read_text(encoding="utf-8")
        block = month[month.index(receipt):]
        assert 'collector: "张建军"' in block[:block.find("\n\n")]
        assert git(books, "status", "--porcelain") == ""  # the remembered operator stays out of git

    # the next start highlights who worked last: Enter continues
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OperatorScreen), what="operator picker")
        picker = app.screen.query_one(OptionList)
        assert picker.get_option_at_index(picker.highlighted).id == "张建军"
        await pilot.press("enter")
        await ready(pilot)
        assert app.books.operator == "张建军" and "张建军" in app.sub_title


def test_cli_refuses_a_receipt_without_an_operator(books, monkeypatch, capsys):
    monkeypatch.delenv("WUYE_USER")
    start = git(books, "rev-parse", "HEAD")
    assert wuye(["--books", str(books), "pay", "5-0403", "50", "--channel", "cash"]) == 2
    err = capsys.readouterr().err
    assert "no operator" in err and "--by" in err and "前台" in err
    assert git(books, "rev-parse", "HEAD") == start
    assert wuye(["--books", str(books), "pay", "5-0403", "50", "--channel", "cash", "--by", "王敏"]) == 0
    out = capsys.readouterr().out
    receipt = out.split()[1].rstrip(":")
    assert git(books, "log", "-1", "--format=%an").strip() == "王敏"
    assert wuye(["--books", str(books), "receipt", receipt]) == 0
    assert "收款人：王敏" in capsys.readouterr().out
    # $WUYE_USER names the operator as well
    monkeypatch.setenv("WUYE_USER", "会计")
    assert wuye(["--books", str(books), "pay", "5-0403", "50", "--channel", "cash"]) == 0
    assert git(books, "log", "-1", "--format=%an").strip() == "会计"


# --- 2. unit text ---------------------------------------------------------------------------------

async def test_payment_form_reads_4_103_and_offers_did_you_mean(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        form = await payment_form(pilot, "4栋103", "50")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        assert "4-0103" in text_of(form.query_one("#pay-preview", Static))  # the register id, shown before writing
        form.query_one("#pay-unit", Input).value = "1-201"
        form.query_one("#pay-amount", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.query_one("#pay-error").has_class("-shown"), what="error")
        shown = text_of(form.query_one("#pay-error"))
        assert "是不是" in shown and "1-1-0201" in shown and "1-2-0201" in shown
        assert form.previewed is None
        start = git(books, "rev-parse", "HEAD")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert git(books, "rev-parse", "HEAD") == start
