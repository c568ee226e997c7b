"""Collectors' targets vs actual on a scenario with hand-computed figures."""
from __future__ import annotations

import json

from collect_helpers import d, pay

from ledger.payments import corrections as adjustments
from ledger.collection import contacts, disputes, targets
from ledger.payments.pay import void


def _scenario(books):
    # 林小红 (building 1): October charges 325.19 + 230.00 + 288.00 = 843.19
    pay(books, "1-0101", "325.19", "2026-10-20", designated="PF:2026-10,GC:2026-10")  # 当期, collected 325.19
    pay(books, "1-0102", "115", "2026-11-05", designated="PF:2026-10")  # paid late for October: collected 115.00
    adjustments.waive(books, "1-0201", "80", "PK", "2026-10", "车位停用", "经理", d("2026-10-25"))  # receivable -80
    contacts.log_contact(books, "1-0201", "phone", "答应8号前交100", date=d("2026-11-01"), promise_date=d("2026-11-08"),
                         promise_amount="100")
    pay(books, "1-0201", "100", "2026-11-08")  # kept; oldest first, nothing for October
    contacts.log_contact(books, "1-0102", "phone", "答应5号交", date=d("2026-11-02"), promise_date=d("2026-11-03"))
    # 1-0102 paid on 11-05 (after the grace day): broken
    # 王敏 (buildings 2, S): October charges 186.00 + 274.00 + 330.00 = 790.00
    pay(books, "2-0101", "186", "2026-11-20", designated="PF:2026-10,GC:2026-10")  # after the cut-off
    plan, _ = pay(books, "2-0102", "274", "2026-11-02", designated="PF:2026-10,GC:2026-10")
    void(books, plan.receipt, "银行退票", d("2026-11-04"))  # nets out
    pay(books, "S-01", "1000", "2026-11-01")  # oldest first: 2023 periods, not October
    disputes.open_dispute(books, "S-01", "cleaning", "0", "门前保洁", d("2026-10-01"))


def test_targets_vs_actual(books):
    _scenario(books)
    rep = targets.targets_report(books, "2026-10", d("2026-11-15"))
    lin, wang = rep["collectors"]
    assert (lin["collector"], lin["charged"], lin["collected"], lin["waived"]) == ("林小红", "763.19", "440.19", "80.00")
    assert lin["rate"] == "0.5768"  # 440.19 / 763.19 = 0.57677...
    assert (lin["target_amount"], lin["amount_gap"], lin["amount_met"]) == ("500.00", "59.81", False)
    assert (lin["target_rate"], lin["rate_met"]) == ("0.50", True)
    assert (wang["charged"], wang["collected"], wang["rate"]) == ("790.00", "0.00", "0.0000")
    assert (wang["target_amount"], wang["amount_met"], wang["rate_met"]) == ("700.00", False, False)
    # easiest first: kept promise, then by arrears, broken promises after, disputes last
    assert [(v["unit"], v["arrears"]) for v in lin["to_visit"]] == [
        ("1-0201", "13068.00"),   # 46 x 288 - 80 waived - 100 paid; kept promise on 11-01
        ("1-0101", "14633.55"),   # 46 x 325.19 - 325.19
        ("1-0102", "10465.00"),   # 46 x 230 - 115; smaller, but a broken promise
    ]
    assert lin["to_visit"][0]["kept_promise"] == d("2026-11-01") and lin["to_visit"][2]["broken_promise"]
    assert [v["unit"] for v in wang["to_visit"]] == ["2-0101", "2-0102", "S-01"]
    assert wang["to_visit"][2]["dispute"] == "TS2026-0001"
    assert [v["period_open"] for v in lin["to_visit"]] == ["208.00", "0.00", "115.00"]


def test_default_cutoff_and_later_payment(books):
    _scenario(books)
    rep = targets.targets_report(books, "2026-10")  # cut-off = end of October
    lin, wang = rep["collectors"]
    assert rep["as_of"] == d("2026-10-31")
    assert (lin["collected"], lin["charged"]) == ("325.19", "763.19")
    rep = targets.targets_report(books, "2026-10", d("2026-11-20"))
    assert rep["collectors"][1]["collected"] == "186.00"


def test_quarter_target(books, books_dir, run_cli):
    _scenario(books)
    rep = targets.targets_report(books, "2026-q4", d("2026-11-15"))
    assert rep["period"] == "2026-Q4" and rep["months"] == ["2026-10", "2026-11", "2026-12"]
    lin = rep["collectors"][0]
    assert (lin["charged"], lin["target_amount"], lin["target_rate"]) == ("763.19", "2000.00", "0.85")
    assert rep["collectors"][1]["target_amount"] is None  # no Q4 target for 王敏
    r = run_cli("targets", "--period", "2026-10", "--as-of", "2026-11-15", "--json", books=books_dir)
    assert r.rc == 0 and json.loads(r.out)["collectors"][0]["rate"] == "0.5768"
    r = run_cli("targets", "--period", "2026-10", "--as-of", "2026-11-15", books=books_dir)
    assert "林小红: collected 440.19 of 763.19 (57.7%)" in r.out and "BROKEN PROMISE" in r.out


def test_same_numbers_as_rates_by_collector(books):
    from ledger.reports import rates

    _scenario(books)
    table = rates.collection_rates(books, "2026-10", d("2026-11-15"), by="collector")
    rep = targets.targets_report(books, "2026-10", d("2026-11-15"))
    for c in rep["collectors"]:
        cur = table.groups[c["collector"]].rates()["current"]
        assert (c["collected"], c["charged"]) == (f"{cur.numerator:.2f}", f"{cur.denominator:.2f}")
