"""The desk (issue 12): who is working, the desk's channel, unit text, keys, the palette, 80x24, words and
implausible amounts. Pilot tests on demo books, checked on the ledger text and the git commits."""
from __future__ import annotations

import re

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
        await wait_for(pilot, lambda: isinstance(app.screen, OperatorScreen) and app.screen.query(OptionList),
                       what="operator picker")  # pushed, and composed (under load the list comes later)
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
        await wait_for(pilot, lambda: isinstance(app.screen, OperatorScreen) and app.screen.query(OptionList)
                       and app.screen.query_one(OptionList).highlighted is not None
                       and app.focused is app.screen.query_one(OptionList),
                       what="operator picker mounted")  # composed first, highlighted in on_mount (later under load)
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


# --- 3. keys, screens, Esc and the palette ---------------------------------------------------------

from tui.i18n import HELP_SECTIONS  # noqa: E402
from tui.screens.adjust import AdjustScreen  # noqa: E402
from tui.screens.billing import BillingScreen  # noqa: E402
from tui.screens.dashboard import DashboardScreen  # noqa: E402
from tui.screens.help import HelpScreen  # noqa: E402
from tui.screens.history import HistoryScreen  # noqa: E402
from tui.screens.importer import ImportScreen  # noqa: E402
from tui.screens.reports import ReportsScreen  # noqa: E402
from tui.screens.unit_detail import UnitDetailScreen  # noqa: E402
from tui.screens.units import UnitsScreen  # noqa: E402

F_KEYS = {"f2": DashboardScreen, "f3": UnitsScreen, "f5": BillingScreen, "f6": HistoryScreen,
          "f7": ReportsScreen, "f8": ImportScreen, "f9": ImportScreen}


async def open_unit(pilot, unit: str) -> UnitDetailScreen:
    app = pilot.app
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen) and app.screen.rows, what="units")
    await pilot.press("slash", *unit, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, UnitDetailScreen) and app.screen.detail, what="detail")
    return app.screen


async def test_f_keys_work_from_every_screen_even_over_a_form(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for key, screen in F_KEYS.items():
            for start in ("unit+form", "help"):  # the modal cases: a form and the help over a page
                if start == "unit+form":
                    await open_unit(pilot, "5-0403")
                    await pilot.press("p")
                    await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen), what="form")
                elif start == "help":
                    await pilot.press("f1")
                    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
                else:
                    await pilot.press(start)
                    await wait_for(pilot, lambda s=F_KEYS[start]: isinstance(app.screen, s), what=start)
                await pilot.press(key)
                await wait_for(pilot, lambda: isinstance(app.screen, screen) and len(app.screen_stack) == 1,
                               what=f"{key} from {start}")
        # F9 is the queue tab of F8, from anywhere
        from textual.widgets import TabbedContent

        await pilot.press("f2", "f9")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), what="import")
        assert app.screen.query_one(TabbedContent).active == "tab-queue"


async def test_f3_is_the_units_list_and_f4_prefills_only_on_a_unit_page(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_unit(pilot, "5-0403")
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen), what="form")
        assert app.screen.query_one("#pay-unit", Input).value == "5-0403"  # the unit page in front
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, UnitDetailScreen), what="back on the unit")
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), what="dashboard")
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, UnitsScreen), what="units list")
        await settle(pilot)
        assert isinstance(app.screen, UnitsScreen)  # not the unit left a moment ago
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen), what="form")
        assert app.screen.query_one("#pay-unit", Input).value == ""  # a highlighted row is no choice


def test_help_lists_only_keys_that_are_bound():
    from tui.app import WuyeApp as App_
    from tui.screens.payment import PaymentScreen as Pay

    def keys(*classes):
        out = set()
        for cls in classes:
            for b in cls.BINDINGS:
                out.update(k.strip() for k in b.key.split(","))
        return out

    bound = {"help_global": keys(App_) | {"ctrl+p", "escape"}, "units": keys(UnitsScreen) | {"enter"},
             "unit_detail": keys(UnitDetailScreen) | {"enter"}, "billing": keys(BillingScreen) | {"enter"},
             "forms": keys(Pay, AdjustScreen) | {"enter"}, "history": keys(HistoryScreen) | {"enter"},
             "reports": keys(ReportsScreen) | {"enter"}, "import": keys(ImportScreen) | {"enter"}}
    names = {"?": "question_mark", "/": "slash", "Esc": "escape", "Enter": "enter", "S": "S"}
    for section, rows in HELP_SECTIONS:
        for shown, _label in rows:
            for key in shown.split(" / "):
                k = names.get(key) or key.lower()
                assert k in bound[section], f"help lists {key} under {section}, but nothing binds it"


async def test_esc_closes_the_top_form(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "5-0403")
        for key, form in (("p", PaymentScreen), ("w", AdjustScreen), ("f", AdjustScreen), ("f1", HelpScreen)):
            await pilot.press(key)
            await wait_for(pilot, lambda form=form: isinstance(app.screen, form), what=key)
            await settle(pilot)
            await pilot.press("tab")  # focus somewhere inside the form: Esc still closes it
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is detail, what=f"Esc closes {form.__name__}")
        await pilot.press("ctrl+p")
        await pilot.press(*"jm")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AdjustScreen), what="waiver from the palette")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail, what="Esc closes the palette's form")


async def _palette(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause(0.2)
    await pilot.press(*text)
    await pilot.pause(0.8)
    await pilot.press("enter")


async def test_palette_finds_units_by_any_spelling_and_commands_by_pinyin_and_english(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for text, unit in (("4-103", "4-0103"), ("S01", "S-01"), ("4栋103", "4-0103")):
            await _palette(pilot, text)
            await wait_for(pilot, lambda unit=unit: isinstance(app.screen, UnitDetailScreen)
                           and app.screen.unit == unit, what=f"palette {text}")
            await pilot.press("f2")
            await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), what="dashboard")
        for text in ("jf", "pay", "收款"):
            await _palette(pilot, text)
            await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen), what=f"palette {text}")
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), what="closed")
        await _palette(pilot, "czjl")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="palette czjl")


# --- 4. 80x24 ------------------------------------------------------------------------------------

async def test_dashboard_at_80x24_shows_every_amount_whole(books):
    from tui import core

    app = WuyeApp(books)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        d = app.screen.data
        amounts = {
            "#dash-today": [a for _, a in d.collected_today] + [sum((a for _, a in d.collected_today), core.ZERO)],
            "#dash-month": [a for _, a in d.collected_month] + [sum((a for _, a in d.collected_month), core.ZERO)],
            "#dash-billed": [a for *_, a in d.billed_items],
            "#dash-arrears": [d.arrears_total, d.credit_total],
        }
        for wid, values in amounts.items():
            panel = app.screen.query_one(wid, Static)
            shown = text_of(panel, width=panel.content_size.width)
            for value in values:
                assert core.money(value) in shown, f"{wid}: {core.money(value)} not whole in\n{shown}"
            assert not re.search(r"¥[\d,.]*…", shown), shown  # no amount cut short
        chart = app.screen.query_one("#dash-chart", Static)
        lines = text_of(chart, width=chart.content_size.width).rstrip("\n").splitlines()
        assert len(lines) == 7  # the value row, five bar rows, the month row: no row wrapped
        assert lines[-1].split() == [k[5:7] for k, _ in (d.rate_months or d.months)]


# --- 5. implausible amounts ------------------------------------------------------------------------

async def test_an_implausible_payment_needs_a_second_ctrl_s(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        start = git(books, "rev-parse", "HEAD")
        form = await payment_form(pilot, "5-0403", "9,999,999.00")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        assert form.previewed_effect.implausible
        assert "远超该户合理金额" in text_of(form.query_one("#pay-preview", Static))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert git(books, "rev-parse", "HEAD") == start and form.done is None  # the first Ctrl+S only warns
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="written on the second Ctrl+S")
        assert git(books, "log", "-1", "--format=%s").startswith("pay 5-0403 9,999,999.00 CNY")
        # an ordinary amount is written on the first Ctrl+S
        form = await pay(pilot, "5-0403", "100")
        assert not form.done.effect.implausible and form.done.effect.amount == 100


def test_cli_wants_yes_large_for_an_implausible_amount(books, capsys):
    start = git(books, "rev-parse", "HEAD")
    assert wuye(["--books", str(books), "pay", "5-0403", "999999", "--channel", "cash"]) == 2
    err = capsys.readouterr().err
    assert "--yes-large" in err and "5-0403" in err
    assert git(books, "rev-parse", "HEAD") == start
    assert wuye(["--books", str(books), "pay", "5-0403", "999999", "--channel", "cash", "--yes-large"]) == 0
    assert wuye(["--books", str(books), "pay", "5-0403", "300", "--channel", "cash"]) == 0


async def test_placeholders_are_hints_and_prepay_shows_its_state_by_a_mark(books):
    from textual.widgets import Checkbox

    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        form = await payment_form(pilot, "", "")
        for wid in ("#pay-unit", "#pay-amount", "#pay-ref", "#pay-for"):
            assert form.query_one(wid, Input).placeholder.startswith("例："), wid
        box = form.query_one("#pay-prepay", Checkbox)
        assert str(box.label).startswith("☐")
        box.value = True
        await pilot.pause(0.1)
        assert str(box.label).startswith("☑")
        box.value = False
        await pilot.pause(0.1)
        assert str(box.label).startswith("☐")
