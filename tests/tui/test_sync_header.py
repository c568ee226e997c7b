"""The header shows the sync state of books with a remote; Ctrl+Y syncs (pull here: the other clone's
payment arrives as its commit). Books without a remote keep their header as it was."""
from __future__ import annotations

import datetime as dt
import subprocess

from ledger.books import sync
from ledger.books.folder import Books
from ledger.payments.pay import record_payment
from tui.app import WuyeApp

from .conftest import git, head, ready, settle, wait_for

SIZE = (150, 45)


async def test_header_sync_state_and_ctrl_y(books, tmp_path):
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:  # no remote: the books and who works, no sync state
        await ready(pilot)
        assert app.sub_title == f"{app.books.config.name} · {books.name} · 操作员: {app.books.operator}"
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(books), str(bare)], check=True)
    sync.add_remote(books, str(bare))
    assert sync.sync(Books(books)).pushed >= 0
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(bare), str(other)], check=True)
    ob = Books(other)
    plan, _ = record_payment(ob, "1-1-0101", "12.00", "cash", dt.date(2026, 11, 20))
    sync.sync(ob)
    app = WuyeApp(books)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "待推送 0 · 待拉取 0" in app.sub_title, what="sync state in the header")
        assert "操作员: " in app.sub_title  # the sync state is added to the header, the operator stays
        assert head(books) != head(other)
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: head(books) == head(other), what="ctrl+y pulled the other clone's commit")
        await settle(pilot)
        assert plan.receipt in git(books, "log", "-1", "--format=%s")
        await wait_for(pilot, lambda: "上次同步 20" in app.sub_title, what="last sync in the header")
        assert plan.receipt in (books / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
