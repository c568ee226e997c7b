"""The same books and date give the same 欠费 (outstanding), 未到期 (not_due), 预存 (credit) and 当期应收
on every front end: the dashboard, the unit list, the unit header, the payment preview (tui/core), the
CLI's JSON and the Fava pages. Demo books built on 2026-12-01, the morning December is billed (not due
until 12-31), as the issue tried them."""
from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal

import pytest

from tests.payments.conftest import run_cli

from . import reference

TODAY = "2026-12-01"
ENV = {"GIT_AUTHOR_NAME": "测试员", "GIT_AUTHOR_EMAIL": "test@example.invalid",
       "GIT_COMMITTER_NAME": "测试员", "GIT_COMMITTER_EMAIL": "test@example.invalid",
       "WUYE_TODAY": TODAY, "WUYE_USER": "林小红"}
ZERO = Decimal("0.00")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from ledger.demo import build_demo

    old = {k: os.environ.get(k) for k in ENV}
    os.environ.update(ENV)
    try:
        root = build_demo(tmp_path_factory.mktemp("demo") / "books", today=dt.date.fromisoformat(TODAY),
                          progress=lambda *a, **k: None)
        yield root
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def books(demo, monkeypatch):
    from ledger.books.folder import Books

    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    b = Books(demo)
    yield b
    b.close()


def test_every_front_end_shows_the_same_unit_figures(demo, books):
    import tui.core as core

    day = dt.date.fromisoformat(TODAY)
    cli = json.loads(run_cli(demo, "arrears", "--json").out)
    per_unit = {u["unit"]: u for u in cli["units"]}
    ref = reference.load(demo).unit_figures(day)
    # the CLI against a full beancount load, computed independently
    for u, (out, nd, cr) in ref.items():
        if u in per_unit:
            r = per_unit[u]
            assert (Decimal(r["outstanding"]), Decimal(r["not_due"]), Decimal(r["credit"])) == (out, nd, cr), u
        else:
            assert (out, nd, cr) == (ZERO, ZERO, ZERO), u
    # December was billed this morning: it is 未到期, not 欠费 (the issue: 117 of 122 shown as owing)
    assert Decimal(cli["not_due_total"]) > 0
    assert Decimal(cli["ledger"]["receivable"]) == Decimal(cli["total"]) + Decimal(cli["not_due_total"])
    assert Decimal(cli["ledger"]["credit"]) == Decimal(cli["credit_total"])
    rows = {r.unit: r for r in core.unit_rows(books)}
    for uid, row in rows.items():
        want = per_unit.get(uid, {"outstanding": "0.00", "credit": "0.00"})
        assert (row.outstanding, row.credit) == (Decimal(want["outstanding"]), Decimal(want["credit"])), uid
        assert row.outstanding >= 0, uid
    for uid in sorted(per_unit)[:12]:
        d = core.unit_detail(books, uid)
        assert (d.outstanding, d.credit) == (rows[uid].outstanding, rows[uid].credit), uid
        preview = core.payment_preview(books, core.PaymentForm(uid, "100.00", "cash", TODAY))
        assert (preview.outstanding_before, preview.credit_before) == (d.outstanding, d.credit), uid
        assert preview.outstanding_after >= 0, uid
    dash = core.dashboard(books)
    owing = [r for r in rows.values() if r.outstanding > 0]
    assert dash.arrears_units == len(owing)
    assert dash.arrears_total == Decimal(cli["total"]) == sum((r.outstanding for r in owing), ZERO)
    assert dash.credit_total == Decimal(cli["credit_total"])


def test_dashboard_receivable_is_the_rates_figure(demo, books):
    import tui.core as core
    from ledger.reports import rates

    dash = core.dashboard(books)
    rt = rates.collection_rates(books, dash.period, dt.date.fromisoformat(TODAY)).total
    assert dash.billed_total == rt.receivable
    cli = json.loads(run_cli(demo, "report", "rates", "--period", dash.period, "--format", "json").out)
    assert Decimal(cli["total"]["figures"]["receivable"]) == rt.receivable


def test_fava_arrears_total_is_the_cli_total(demo, books, tmp_path):
    import shutil

    from fava.application import create_app

    copy = tmp_path / "fava"
    shutil.copytree(demo, copy, ignore=shutil.ignore_patterns(".wuye", ".*.picklecache"))
    app = create_app([str(copy / "main.beancount")], load=True, read_only=True)
    app.config["TESTING"] = True
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
    client = app.test_client()
    fava = json.loads(client.get(f"/{slug}/extension/WuyeArrears/data?owners_only=1").data)
    cli = json.loads(run_cli(demo, "arrears", "--json").out)
    report = json.loads(run_cli(demo, "report", "arrears", "--owners-only", "--format", "json").out)
    owners = sum((Decimal(u["outstanding"]) for u in cli["units"]), ZERO)
    assert Decimal(fava["total"]["outstanding"]) == Decimal(report["total"]["outstanding"]) == owners \
        == Decimal(cli["total"])
    rec = fava["reconciliation"]
    assert Decimal(rec["receivable"]) == Decimal(rec["outstanding"]) + Decimal(rec["not_due"])
    # the ledger's own balances, as Fava's balance sheet sums them, are the CLI's
    assert Decimal(rec["credit"]) == Decimal(cli["ledger"]["credit"])


# --- registers on the demo (wuye report receipts | daily | unidentified | backdated) -------------

def _money_of(t) -> Decimal:
    return sum((p.units.number for p in t.postings if p.account.startswith(("Assets:Cash", "Assets:Bank",
                "Assets:Clearing", "Assets:Suspense")) and (p.meta or {}).get("kind") != "fee"), ZERO)


def test_registers_on_the_demo(demo, books):
    loaded = reference.load(demo)
    pays = [t for t in loaded.txns if t.meta.get("op") == "pay"]
    rec = json.loads(run_cli(demo, "report", "receipts", "--format", "json").out)
    # every receipt of the ledger text is in the register, in number order, and no number is missing
    assert [r["receipt"] for r in rec["receipts"]] == sorted(t.meta["receipt"] for t in pays)
    assert rec["gaps"] == 0 and [(s["series"], s["count"]) for s in rec["series"]] == [
        ("SJ2024", 1011), ("SJ2025", 1044), ("SJ2026", 957)]  # (`wuye demo` adds 3 by its import)
    voided = {t.meta["voids"] for t in loaded.txns if t.meta.get("op") == "void"}
    assert {r["receipt"] for r in rec["receipts"] if r["status"] == "voided"} == voided
    # a day's collections are the receipts of that day, as the ledger text sums them
    day = max(t.date for t in pays if t.date <= dt.date(2026, 11, 30))
    daily = json.loads(run_cli(demo, "report", "daily", "--date", day.isoformat(), "--format", "json").out)
    on_day = [t for t in pays if t.date == day]
    assert daily["receipts"] == len(on_day)
    assert Decimal(daily["total"]) == sum((_money_of(t) for t in on_day), ZERO)
    by_channel = {}
    for t in on_day:
        by_channel[t.meta["channel"]] = by_channel.get(t.meta["channel"], ZERO) + _money_of(t)
    assert {k: Decimal(v["pay"]) for k, v in daily["by_channel"].items()} == by_channel
    # the cash box at the day's end is Assets:Cash in the ledger text; the queue is the suspense account
    assert Decimal(daily["cash_balance"]) == loaded.account_balances(day, "Assets:Cash").get("", ZERO)
    queue = json.loads(run_cli(demo, "report", "unidentified", "--format", "json").out)
    suspense = -loaded.account_balances(dt.date(2026, 12, 1), "Assets:Suspense:Unidentified").get("", ZERO)
    assert Decimal(queue["ledger"]) == suspense == Decimal(queue["open_total"])
    # the demo is built in one go on 2026-12-01: every entry is stamped then
    back = json.loads(run_cli(demo, "report", "backdated", "--format", "json").out)
    assert back["undated"] == 0 and back["dated_from_git"] == 0
    assert {r["recorded"] for r in back["rows"]} == {"2026-12-01T09:00:00+08:00"}


def test_demo_has_a_real_waiver_compensation_writeoff_and_void(demo, books):
    """Each correction of the demo is its own case, picked from what is open on its date; none is lost
    to another's refusal."""
    import subprocess

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((demo / "txns").rglob("*.beancount")))
    for op in ("waive", "compensate", "writeoff", "void"):
        assert text.count(f'op: "{op}"') == 1, op
    # the compensation names the 1-1-0301 leak, opened before and closed by it in the same commit
    did = books.cache.q("SELECT json_extract(meta,'$.dispute') FROM txns WHERE op='compensate'")[0][0]
    assert f'custom "wuye-dispute-open" "1-1-0301" "{did}" "leak"' in text
    assert f'custom "wuye-dispute-close" "1-1-0301" "{did}"' in text
    log = subprocess.run(["git", "-C", str(demo), "log", "--format=%s"], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert any(s.startswith(f"dispute {did} closed: 1-1-0301, compensation 300.00 CNY") for s in log)
    assert any(s.startswith("waive ") for s in log) and any(s.startswith("write-off ") for s in log)
    assert any(s.startswith("void SJ2026-") for s in log)
    # the waiver and the write-off took off what was open on their dates: nothing went below zero
    spent = dict(books.cache.q("SELECT op, SUM(cents) FROM postings WHERE acct='expense' AND op IN "
                               "('waive', 'writeoff', 'compensate') GROUP BY op"))
    assert spent["waive"] == 10000 and spent["compensate"] == 30000 and spent["writeoff"] > 0, spent
    # a waiver takes off a charge that was open on its day; the write-off's month was open then too
    wv = books.cache.q("SELECT unit, date FROM txns WHERE op='waive'")[0]
    assert wv[1] == "2025-03-10"
