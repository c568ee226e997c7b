"""Billing behaviour around the golden scenarios: messages, commits, refusals, idempotence, sums."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from ledger_testkit import GOLDEN, HDR, PF_ONLY, build, git, snapshot

from ledger.basics import periods
from ledger.billing.charges import meter_usage, split_month
from ledger.books.folder import Books
from ledger.community.config import parse_config
from ledger.basics.money import q
from ledger.community.units import Unit


def test_commit_message_shape(tmp_path, make_books, run_cli):
    books = make_books(tmp_path, PF_ONLY, HDR + "1-0101,1,89.36,residential,2023-12-01,0,O-1\n"
                                               "1-S01,1,300.00,commercial,2023-12-01,0,O-2\n"
                                               "1-0102,1,50.00,residential,,0,\n")
    res = run_cli("bill", "2026-11", books=books)
    assert res.rc == 0, res.err
    # at the 2026-07 rates: 89.36 x 2.40 = 214.46, 300 x 5.00 = 1,500.00, 50 x 2.40 = 120.00 to the developer
    # (a developer-held unit counts: it was billed, to the developer)
    subject = git(books, "log", "-1", "--format=%s").strip()
    assert subject == "bill 2026-11: 3 units, 1,834.46 CNY"
    body = git(books, "log", "-1", "--format=%b")
    assert "PF: 1,834.46" in body and "billed to the developer: 120.00" in body
    assert f"committed {git(books, 'rev-parse', 'HEAD')[:10]}: {subject}" in res.out


def test_commit_message_for_a_range(tmp_path, make_books, run_cli):
    books = make_books(tmp_path, PF_ONLY, HDR + "1-0101,1,89.36,residential,2023-12-01,0,O-1\n")
    assert run_cli("bill", "--from", "2026-01", "--to", "2026-03", books=books).rc == 0
    assert git(books, "log", "-1", "--format=%s").strip() == "bill 2026-01..2026-03: 1 units, 589.77 CNY"


def test_quarter_is_three_rounded_months(tmp_path, make_books, run_cli):
    books, _, _ = build("rounding_quarter", tmp_path, make_books, run_cli)
    b = Books(books)
    try:
        rows = b.cache.q("SELECT period, cents FROM postings WHERE acct='ar' ORDER BY period")
    finally:
        b.close()
    assert rows == [("2026-01", 19659), ("2026-02", 19659), ("2026-03", 19659)]
    assert q(Decimal("89.36") * Decimal("2.20")) == Decimal("196.59")
    assert sum(Decimal(c) for _, c in rows) / 100 == Decimal("589.77")
    assert q(Decimal("89.36") * Decimal("2.20") * 3) == Decimal("589.78")  # why the quarter is not rounded once


def test_rerun_writes_nothing_and_says_so(tmp_path, make_books, run_cli):
    books = make_books(tmp_path, PF_ONLY, HDR + "6-0101,6,100.00,residential,2023-12-01,0,O-1\n"
                                               "6-0102,6,100.00,residential,,0,\n")
    assert run_cli("bill", "2026-06", books=books).rc == 0
    head, count, before = git(books, "rev-parse", "HEAD"), git(books, "rev-list", "--count", "HEAD"), snapshot(books)
    res = run_cli("bill", "2026-06", books=books)
    assert res.rc == 0
    assert "nothing to bill for 2026-06: 2 unit/item/periods already billed, nothing written" in res.out
    assert "committed" not in res.out
    assert git(books, "rev-parse", "HEAD") == head and git(books, "rev-list", "--count", "HEAD") == count
    assert snapshot(books) == before
    assert git(books, "status", "--porcelain") == ""


def test_range_over_billed_and_new_months_bills_only_the_new(tmp_path, make_books, run_cli):
    books = make_books(tmp_path, PF_ONLY, HDR + "6-0101,6,100.00,residential,2023-12-01,0,O-1\n")
    assert run_cli("bill", "2026-06", books=books).rc == 0
    june = (books / "txns/2026/2026-06.beancount").read_bytes()
    res = run_cli("bill", "--from", "2026-06", "--to", "2026-07", books=books)
    assert res.rc == 0, res.err
    assert "already billed before (skipped): 1" in res.out
    assert (books / "txns/2026/2026-06.beancount").read_bytes() == june
    assert git(books, "log", "-1", "--format=%s").strip() == "bill 2026-06..2026-07: 1 units, 240.00 CNY"


def test_dry_run_writes_nothing(tmp_path, make_books, run_cli):
    books = make_books(tmp_path, PF_ONLY, HDR + "6-0101,6,100.00,residential,2023-12-01,0,O-1\n")
    before, head = snapshot(books), git(books, "rev-parse", "HEAD")
    res = run_cli("bill", "2026-06", "--dry-run", books=books)
    assert res.rc == 0 and "bill 2026-06: 1 units, 220.00 CNY" in res.out
    assert snapshot(books) == before and git(books, "rev-parse", "HEAD") == head


def test_period_without_rate_is_refused_naming_item_and_date(tmp_path, make_books, run_cli):
    cfg = PF_ONLY.replace('      - {from: 2024-01-01, residential: "2.20", commercial: "5.00"}\n', "")
    books = make_books(tmp_path, cfg, HDR + "6-0101,6,100.00,residential,2023-12-01,0,O-1\n")
    before, head = snapshot(books), git(books, "rev-parse", "HEAD")
    res = run_cli("bill", "2026-06", books=books)
    assert res.rc != 0
    assert "PF 物业服务费: no rate in effect on 2026-06-01" in res.err
    assert snapshot(books) == before and git(books, "rev-parse", "HEAD") == head
    assert git(books, "status", "--porcelain") == ""


def test_no_rate_for_one_item_refuses_that_item_only(tmp_path, make_books, run_cli):
    cfg = PF_ONLY + '  GC: {name: 垃圾清运费, basis: unit, rates: [{from: 2026-09-01, all: "10.00"}]}\n'
    books = make_books(tmp_path, cfg, HDR + "6-0101,6,100.00,residential,2023-12-01,0,O-1\n")
    res = run_cli("bill", "2026-06", books=books)
    assert res.rc == 1  # written, with a refusal that needs a person
    assert "refused: GC 垃圾清运费: no rate in effect on 2026-06-01" in res.err
    text = (books / "txns/2026/2026-06.beancount").read_text(encoding="utf-8")
    assert 'item: "PF"' in text and 'item: "GC"' not in text


def test_no_rate_for_the_unit_type_is_refused(tmp_path, make_books, run_cli):
    cfg = PF_ONLY.replace(', commercial: "5.00"', "")
    books = make_books(tmp_path, cfg, HDR + "6-S01,6,100.00,commercial,2023-12-01,0,O-1\n")
    res = run_cli("bill", "2026-06", books=books)
    assert res.rc != 0
    assert "6-S01 PF: no commercial rate on 2026-06-01" in res.err


def test_period_before_books_start_is_refused(tmp_path, make_books, run_cli):
    books = make_books(tmp_path, PF_ONLY, HDR + "6-0101,6,100.00,residential,2023-12-01,0,O-1\n")
    res = run_cli("bill", "2025-12", books=books)
    assert res.rc != 0 and "2025-12: before the books start 2026-01-01" in res.err


def test_missing_reading_is_refused_and_named(tmp_path, make_books, run_cli):
    _, results, _ = build("metered", tmp_path, make_books, run_cli)
    bill = results[-1]
    assert bill.rc == 1
    assert "refused: S-102 WTR 2026-06: no reading" in bill.err
    assert "S-101" not in bill.err and "S-103" not in bill.err
    assert bill.out.startswith("committed ") and ": bill 2026-06: 1 units, 51.25 CNY" in bill.out


def test_reading_refused_below_earlier(tmp_path, make_books, run_cli):
    books, _, _ = build("metered", tmp_path, make_books, run_cli)
    res = run_cli("reading", "S-101", "WTR", "99", "--date", "2026-07-31", books=books)
    assert res.rc == 2 and "reading 99.00 is below the earlier reading 112.50 on 2026-06-30" in res.err


def test_metered_usage_chains_months():
    """Two readings inside a month: usage still counts from the last reading before the month."""
    r = [(dt.date(2026, 5, 31), Decimal("100")), (dt.date(2026, 6, 1), Decimal("101")),
         (dt.date(2026, 6, 30), Decimal("112.5")), (dt.date(2026, 8, 31), Decimal("140"))]
    assert meter_usage(r, "2026-06")[0] == Decimal("12.5")
    assert meter_usage(r, "2026-07") == (None, "no reading")
    assert meter_usage(r, "2026-08")[0] == Decimal("27.5")  # July and August: nothing lost
    assert meter_usage(r, "2026-05") == (None, "no earlier reading")  # the first reading is the baseline
    first_inside = [(dt.date(2026, 6, 2), Decimal("7")), (dt.date(2026, 6, 20), Decimal("9"))]
    assert meter_usage(first_inside, "2026-06")[0] == Decimal("2")
    # usage over all months equals last minus first reading
    total = sum((meter_usage(r, p)[0] or 0 for p in ("2026-05", "2026-06", "2026-07", "2026-08")), Decimal(0))
    assert total == Decimal("140") - Decimal("100")


@pytest.mark.parametrize("period", ["2026-02", "2026-06", "2026-07", "2028-02"])
def test_handover_split_sums_to_the_month_for_every_day(period):
    cfg = parse_config({"community": {"name": "x", "currency": "CNY", "books_start": "2024-01-01"},
                        "fees": {"PF": {"name": "p", "basis": "area",
                                        "rates": [{"from": "2024-01-01", "all": "2.20"}]}}}, "cfg")
    monthly = q(Decimal("89.36") * Decimal("2.20"))
    first = periods.start(period)
    for d in range(periods.days_in(period)):
        day = first + dt.timedelta(days=d)
        unit = Unit("2-0101", "2", Decimal("89.36"), "residential", day, 0, "O-1")
        share = split_month(monthly, unit, period, cfg, "PF")
        assert share.owner + share.developer == monthly
        assert share.owner == (monthly if d == 0 else q(monthly * (periods.days_in(period) - d)
                                                          / periods.days_in(period)))
        assert share.owner >= 0 and share.developer >= 0


def test_golden_inputs_are_what_the_issue_names():
    assert "89.36" in (GOLDEN / "rounding_quarter" / "units.csv").read_text()
    assert "2026-07-01" in (GOLDEN / "rate_change" / "config.yaml").read_text()
