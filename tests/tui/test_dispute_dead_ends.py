"""Pilot tests of the unit screen's dispute dead ends (issue 12): closing a dispute with its compensation,
sending a notice that an open dispute holds (with the reason recorded), setting a 催缴阶段. Each form is a
plan form: Enter previews and writes nothing, Ctrl+S writes one commit; asserted on the ledger and git."""
from __future__ import annotations

from textual.widgets import Input, Select, Static

from tui.app import WuyeApp
from tui.screens.help import help_table
from tui.widgets.errorpanel import ErrorPanel

from .conftest import git, head, ready, text_of, wait_for
from .test_collection import SIZE, collect_form, open_unit

MONTH = "txns/2026/2026-11.beancount"


def month(books) -> str:
    return (books / MONTH).read_text(encoding="utf-8")


def count(books) -> int:
    return int(git(books, "rev-list", "--count", "HEAD").strip())


async def test_close_dispute_with_compensation_is_one_commit(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "5-0302")  # the demo's leak, open since 2024-02-20
        did = next(d["id"] for d in detail.collection.disputes if d["open"])
        form = await collect_form(pilot, "e")
        await wait_for(pilot, lambda: form.query_one("#f-dispute", Input).value == did, what="dispute prefilled")
        form.query_one("#f-resolution", Input).value = "协商补偿1000元，问题解决"
        form.query_one("#f-compensation", Input).value = "1000"
        form.query_one("#f-mode", Select).value = "cash"
        form.query_one("#f-approved_by", Input).value = "物业经理"
        form.query_one("#f-resolution", Input).focus()
        start, n = head(books), count(books)
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        assert head(books) == start  # Enter never writes
        shown = text_of(form.query_one("#col-preview", Static))
        assert f'custom "wuye-dispute-close" "5-0302" "{did}"' in shown and "Expenses:Compensation" in shown
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="written")
        assert count(books) == n + 1  # the close and the compensation: one commit
        assert git(books, "log", "-1", "--format=%s").startswith(
            f"dispute {did} closed: 5-0302, compensation 1,000.00 CNY (cash, approved by 物业经理)")
        added = [ln for ln in git(books, "show", "--format=", "HEAD").splitlines() if ln.startswith("+")]
        text = "\n".join(added)
        assert f'2026-11-20 custom "wuye-dispute-close" "5-0302" "{did}" "协商补偿1000元，问题解决"' in text
        assert 'op: "compensate"' in text and f'dispute: "{did}"' in text and f"^dispute-{did}" in text
        assert "compensation: 1000.00" in text and 'mode: "cash"' in text
        assert git(books, "status", "--porcelain") == ""
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is detail and detail.collection
                       and not any(d["open"] for d in detail.collection.disputes), what="closed shown")


async def test_close_refuses_another_units_dispute(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "5-0302")
        other = next(d["id"] for d in detail.collection.disputes if d["open"])
        await pilot.press("escape")
        await pilot.press("escape")
        await open_unit(pilot, "5-0403")
        form = await collect_form(pilot, "e")
        form.query_one("#f-dispute", Input).value = other
        form.query_one("#f-resolution", Input).value = "已解决"
        form.query_one("#f-resolution", Input).focus()
        start, before = head(books), month(books)
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.query_one(ErrorPanel).has_class("-shown"), what="refused")
        assert f"纠纷 {other} 属于 5-0302，不是 5-0403" in text_of(form.query_one(ErrorPanel))
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert head(books) == start and month(books) == before


async def test_notice_held_by_dispute_sent_with_a_reason(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "5-0302")
        did = next(d["id"] for d in detail.collection.disputes if d["open"])
        form = await collect_form(pilot, "n")
        start = head(books)
        await pilot.press("enter")  # no reason: held by the dispute, the error says how to send it anyway
        await wait_for(pilot, lambda: form.query_one(ErrorPanel).has_class("-shown"), what="held")
        assert f"有未结纠纷 {did}" in text_of(form.query_one(ErrorPanel)) and head(books) == start
        form.query_one("#f-reason", Input).value = "业主同意先缴无争议部分，按其要求书面通知"
        form.query_one("#f-reason", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        assert head(books) == start
        assert f"⚑ {did}" in text_of(form.query_one("#col-preview", Static))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="issued")
        log = git(books, "log", "-1", "--format=%B")
        assert log.startswith("notices: 1 issued on 2026-11-20")
        assert f"sent despite open dispute {did}: 业主同意先缴无争议部分，按其要求书面通知" in log
        block = next(b for b in month(books).split("\n\n") if f'doc: "{form.done.ident}"' in b)
        assert '"wuye-contact" "5-0302" "letter"' in block and f'dispute: "{did}"' in block
        assert 'sent-despite-dispute: "业主同意先缴无争议部分，按其要求书面通知"' in block
        assert git(books, "status", "--porcelain") == ""


async def test_stage_set_from_unit_detail(books):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        detail = await open_unit(pilot, "5-0403")
        form = await collect_form(pilot, "g")
        form.query_one("#f-stage", Select).value = "lawyer"
        form.query_one("#f-note", Input).value = "已发律师函"
        form.query_one("#f-note", Input).focus()
        start, n = head(books), count(books)
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.previewed is not None, what="preview")
        assert head(books) == start
        assert 'custom "wuye-stage" "5-0403" "lawyer"' in text_of(form.query_one("#col-preview", Static))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.done is not None, what="written")
        assert count(books) == n + 1
        assert git(books, "log", "-1", "--format=%s").strip() == "stage 5-0403 -> lawyer on 2026-11-20: 已发律师函"
        assert '2026-11-20 custom "wuye-stage" "5-0403" "lawyer"' in month(books)
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is detail and detail.collection
                       and detail.collection.stage == "律师函", what="stage shown")


def test_help_lists_the_new_unit_keys():
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(help_table())
    shown = console.export_text()
    assert "纠纷结案" in shown and "设催缴阶段" in shown
