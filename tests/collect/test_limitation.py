"""Limitation risk around the 3-year line, and what interrupts it."""
from __future__ import annotations

import json

import pytest
from collect_helpers import d, pay

from ledger.collection import contacts, limitation, stages


def _rows(books, as_of, unit, period, item="PF"):
    return [r for r in limitation.charge_rows(books, d(as_of))
            if (r["unit"], r["period"], r["item"]) == (unit, period, item)]


def _where(rep, unit, period, item="PF"):
    for g in rep["collectors"]:
        for key in ("at_risk", "past"):
            for r in g[key]:
                if (r["unit"], r["period"], r["item"]) == (unit, period, item):
                    return g["collector"], key, r
    return None


def test_add_years_month_end_and_leap_day():
    assert limitation.add_years(d("2023-11-30"), 3) == d("2026-11-30")
    assert limitation.add_years(d("2024-02-29"), 3) == d("2027-02-28")
    assert limitation.add_years(d("2023-02-28"), 3) == d("2026-02-28")


@pytest.mark.parametrize("as_of,bucket,days_left", [
    ("2026-08-31", None, 91),         # outside the 90-day window
    ("2026-09-01", "at_risk", 90),
    ("2026-11-29", "at_risk", 1),     # the day before the line
    ("2026-11-30", "at_risk", 0),     # the last day within time
    ("2026-12-01", "past", -1),       # the day after: time-barred risk
])
def test_three_year_line(books, as_of, bucket, days_left):
    # 2023-11 is due 2023-11-30; time runs from 2023-12-01; the last day is 2026-11-30
    [row] = _rows(books, as_of, "1-0101", "2023-11")
    assert row["limitation_date"] == d("2026-11-30") and row["days_left"] == days_left
    found = _where(limitation.limitation_report(books, d(as_of)), "1-0101", "2023-11")
    assert (found[1] if found else None) == bucket
    if found:
        assert found[0] == "林小红"


def test_proven_letter_restarts_for_charges_due_before_it(books):
    contacts.log_contact(books, "1-0101", "letter", "挂号催缴函", proof="EA123CN", date=d("2024-06-15"))
    [row] = _rows(books, "2026-11-30", "1-0101", "2023-11")
    assert row["limitation_date"] == d("2027-06-15") and row["last_interruption"] == d("2024-06-15")
    [later] = _rows(books, "2026-11-30", "1-0101", "2024-06")  # due 2024-06-30, after the letter
    assert later["limitation_date"] == d("2027-06-30") and later["last_interruption"] is None
    # another unit of the same collector is not affected
    assert _rows(books, "2026-11-30", "1-0201", "2023-11")[0]["limitation_date"] == d("2026-11-30")
    rep = limitation.limitation_report(books, d("2026-11-30"))
    assert _where(rep, "1-0101", "2023-11") is None and _where(rep, "1-0201", "2023-11")[1] == "at_risk"


def test_letter_without_proof_does_not_interrupt(books):
    contacts.log_contact(books, "1-0101", "letter", "催缴函（未挂号）", date=d("2024-06-15"))
    contacts.log_contact(books, "1-0101", "phone", "电话催缴", proof="录音", date=d("2024-07-15"))
    assert _rows(books, "2026-11-30", "1-0101", "2023-11")[0]["limitation_date"] == d("2026-11-30")


def test_demand_after_expiry_does_not_revive_but_acknowledgement_does(books):
    # 2023-01 expired after 2026-01-31
    contacts.log_contact(books, "1-0102", "lawyer", "律师函", proof="签收回执", date=d("2026-03-01"))
    r = _rows(books, "2026-11-15", "1-0102", "2023-01")[0]
    assert r["limitation_date"] == d("2026-01-31") and r["days_left"] < 0
    assert _rows(books, "2026-11-15", "1-0102", "2023-03")[0]["limitation_date"] == d("2029-03-01")
    contacts.log_contact(books, "1-0102", "visit", "业主签字确认欠费", proof="确认书扫描件", acknowledged=True,
                         date=d("2026-04-01"))
    r = _rows(books, "2026-11-15", "1-0102", "2023-01")[0]
    assert r["limitation_date"] == d("2029-04-01") and r["interruption"].startswith("acknowledged")


def test_partial_payment_interrupts_only_the_charge_it_settles(books):
    pay(books, "2-0101", "100", "2024-05-10")  # oldest first: 100.00 of PF 2023-01
    [r] = _rows(books, "2026-11-30", "2-0101", "2023-01")
    assert r["limitation_date"] == d("2027-05-10") and r["interruption"].startswith("payment")
    assert _rows(books, "2026-11-30", "2-0101", "2023-01", "GC")[0]["limitation_date"] == d("2026-01-31")
    assert _rows(books, "2026-11-30", "2-0101", "2023-11")[0]["limitation_date"] == d("2026-11-30")


def test_voided_payment_does_not_interrupt(books):
    from ledger.payments.pay import void

    plan, _ = pay(books, "2-0101", "100", "2024-05-10")
    void(books, plan.receipt, "录错房号", d("2024-05-11"))
    assert _rows(books, "2026-11-30", "2-0101", "2023-01")[0]["limitation_date"] == d("2026-01-31")


def test_litigation_stage_interrupts(books):
    stages.set_stage(books, "S-01", "payment-order", d("2025-03-10"), "申请支付令")
    assert _rows(books, "2026-11-30", "S-01", "2023-11")[0]["limitation_date"] == d("2028-03-10")


def test_report_groups_by_collector_with_flags(books, run_cli, books_dir):
    from ledger.collection import disputes

    disputes.open_dispute(books, "S-01", "cleaning", "0", "门前保洁", d("2026-10-01"))
    contacts.log_contact(books, "2-0102", "phone", "答应交", date=d("2026-11-01"), promise_date=d("2026-11-05"))
    rep = limitation.limitation_report(books, d("2026-11-15"))
    assert [g["collector"] for g in rep["collectors"]] == ["林小红", "王敏"]
    wm = rep["collectors"][1]
    s01 = [r for r in wm["at_risk"] if r["unit"] == "S-01"]
    assert s01 and all(r["dispute"] == "TS2026-0001" for r in s01)
    assert [p["unit"] for p in wm["broken_promises"]] == ["2-0102"]
    # at risk on 2026-11-15: 2023-11, 2023-12, 2024-01 of all six units; past: 2023-01..2023-10
    monthly = {"1-0101": "325.19", "1-0102": "230.00", "1-0201": "288.00", "2-0101": "186.00", "2-0102": "274.00",
               "S-01": "330.00"}
    from decimal import Decimal

    total = sum(Decimal(v) for v in monthly.values())
    assert rep["at_risk_total"] == f"{total * 3:.2f}" and rep["past_total"] == f"{total * 10:.2f}"
    r = run_cli("limitation", "--as-of", "2026-11-15", "--json", books=books_dir)
    assert r.rc == 0 and json.loads(r.out)["at_risk_total"] == f"{total * 3:.2f}"
