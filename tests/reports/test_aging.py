"""Aging buckets, by hand. Due date = the last day of the charge's month; age counted from it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledger.reports.aging import bucket_of

D = dt.date


@pytest.mark.parametrize("period,as_of,bucket", [
    ("2026-03", D(2026, 3, 15), "0-30"),      # not yet due (due 03-31): in the first bucket
    ("2026-03", D(2026, 3, 31), "0-30"),      # 0 days
    ("2026-02", D(2026, 3, 30), "0-30"),      # due 02-28, 30 days
    ("2026-02", D(2026, 3, 31), "31-90"),     # 31 days
    ("2025-12", D(2026, 3, 31), "31-90"),     # due 12-31: 31 + 28 + 31 = 90 days
    ("2025-11", D(2026, 3, 31), "91-180"),    # due 11-30: 121 days
    ("2025-10", D(2026, 4, 29), "91-180"),    # due 10-31: 180 days (30+31+31+28+31+29)
    ("2025-10", D(2026, 4, 30), "181-365"),   # 181 days
    ("2025-03", D(2026, 3, 31), "181-365"),   # due 2025-03-31: exactly one year
    ("2025-03", D(2026, 4, 1), "1-2y"),       # a year and a day
    ("2024-03", D(2026, 3, 31), "1-2y"),      # exactly two years
    ("2024-03", D(2026, 4, 1), "2-3y"),
    ("2024-02", D(2027, 2, 28), "2-3y"),      # due 2024-02-29; +3 years = 2027-02-28 (last day still in time)
    ("2024-02", D(2027, 3, 1), ">3y"),        # limitation run out
    ("2022-11", D(2026, 3, 31), ">3y"),       # due 2022-11-30, +3y = 2025-11-30 < D
    ("2023-03", D(2026, 3, 31), "2-3y"),      # due 2023-03-31, +3y = 2026-03-31 = D: still in time
])
def test_bucket_boundaries(period, as_of, bucket):
    assert bucket_of(period, as_of) == bucket


def test_arrears_report_scenario(report_json, scenario_books):
    """Open as of 2026-03-31 (see reports_scenario.py):
    1-102  2026-03 120 (0-30)
    2-101  2026-03 120 (0-30)
    2-102  2022-11 120 (>3y: due 2022-11-30 + 3y < D), 2025-12 120 (90 days: 31-90), 2026-02 120 (31 days:
           31-90), 2026-03 120 (0-30)  -> 480; 2025-11 and 2026-01 were written off
    2-201  developer: 2026-02 120 (31-90), 2026-03 120 (0-30) -> 240
    totals: 0-30 480, 31-90 360, >3y 120 = 960; building 1: 120 (1 household), building 2: 840 (3)."""
    d = report_json("arrears", "--as-of", "2026-03-31")
    z = "0.00"

    def b(b0=z, b31=z, b91=z, b181=z, y1=z, y2=z, y3=z):
        return {"0-30": b0, "31-90": b31, "91-180": b91, "181-365": b181, "1-2y": y1, "2-3y": y2, ">3y": y3}
    assert d["total"]["outstanding"] == "960.00"
    assert d["total"]["buckets"] == b("480.00", "360.00", y3="120.00")
    assert d["total"]["legal_risk"] is True and d["legal_risk_bucket"] == ">3y"
    units = {(u["unit"], u["debtor"]): (u["outstanding"], u["buckets"], u["legal_risk"], u["oldest_period"])
             for u in d["units"]}
    assert units == {
        ("1-102", "unit"): ("120.00", b("120.00"), False, "2026-03"),
        ("2-101", "unit"): ("120.00", b("120.00"), False, "2026-03"),
        ("2-102", "unit"): ("480.00", b("120.00", "240.00", y3="120.00"), True, "2022-11"),
        ("2-201", "developer"): ("240.00", b("120.00", "120.00"), False, "2026-02"),
    }
    assert {r["building"]: (r["units"], r["outstanding"], r["legal_risk"]) for r in d["buildings"]} == {
        "1": (1, "120.00", False), "2": (3, "840.00", True)}
    assert {r["item"]: r["outstanding"] for r in d["items"]} == {"PF": "800.00", "GC": "160.00"}
    assert {r["collector"]: r["outstanding"] for r in d["collectors"]} == {"甲": "120.00", "乙": "840.00"}


def test_owner_arrears_agree_with_wuye_arrears(report_json, scenario_books):
    """`report arrears --owners-only` and the `wuye arrears --json` contract give the same owner totals."""
    import json

    import reports_scenario as scenario

    old = json.loads(scenario.wuye(scenario_books, "arrears", "--as-of", "2026-03-31", "--json"))
    # the contract, plus what the developer owes for units not yet handed over (2-201: 240.00)
    assert set(old) == {"as_of", "total", "not_due_total", "credit_total", "developer_total", "ledger", "units"}
    assert all({"unit", "outstanding", "not_due", "oldest_period", "credit"} <= set(u) <= {
        "unit", "outstanding", "not_due", "oldest_period", "credit", "developer"} for u in old["units"])
    assert old["developer_total"] == "240.00"
    assert [u["developer"] for u in old["units"] if "developer" in u] == ["240.00"]
    new = report_json("arrears", "--as-of", "2026-03-31", "--owners-only")
    assert new["total"]["outstanding"] == old["total"] == "720.00"
    owed = {u["unit"]: u["outstanding"] for u in old["units"] if Decimal(u["outstanding"]) > 0}
    assert {u["unit"]: u["outstanding"] for u in new["units"]} == owed
    assert sum(Decimal(u["outstanding"]) for u in new["units"]) == Decimal(old["total"])


def test_legal_risk_stands_out(scenario_books):
    import reports_scenario as scenario

    text = scenario.wuye(scenario_books, "report", "arrears", "--as-of", "2026-03-31")
    risky = [ln for ln in text.splitlines() if ln.startswith("!!")]
    assert any("2-102" in ln for ln in risky)
    assert not any("1-102" in ln for ln in risky)
    html = scenario.wuye(scenario_books, "report", "arrears", "--as-of", "2026-03-31", "--format", "html")
    assert "<tr class=risk><td>2-102</td>" in html
    assert ".risk td{color:#c00;font-weight:bold}" in html
