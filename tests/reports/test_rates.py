"""Collection rates of the scenario (tests/reports/reports_scenario.py), computed by hand.

Every unit is billed PF 100.00 + GC 20.00 = 120.00 a month. P = 2026-Q1 (2026-01..2026-03), D = 2026-03-31.
Excluded: WTR (pass-through; 1-101's 40.00 of 2026-01) and LATE (none here).

Charges of P (3 x 120 = 360 a unit), per unit, as of D:
  unit   debtor     billed  waived  collected                                   written off  open
  1-101  owner      360     0       Jan 120 (01-15) + Feb 120 (credit) + Mar 120 = 360   0     0
  1-102  owner      360     50      Jan 120 + Feb 70 + Mar 120 - 120 (void) = 190   0           120
  2-101  owner      360     0       Jan 120 + Feb 120 (paid 03-15) = 240            0           120
  2-102  owner      360     0       0                                            120 (Jan)      240
  2-201  developer  360     0       Jan 120 (developer, 02-10)                      0           240
  total             1800    50      910                                          120            720
  identity: 1800 - 50 - 0 - 910 - 120 = 720
当期应收 = 1800 - 50 (waived) - 0 (compensated) = 1750; 当期实收 = 910; 当期收缴率 = 910/1750 = 0.5200
户数: 5 billed (all have 当期应收 > 0); fully settled by payment, nothing written off: 1-101 only -> 1/5 = 0.2000
期初欠费 (periods 2022-11, 2025-11, 2025-12 open on 2025-12-31):
  1-101 120 (2025-12) + 1-102 0 + 2-101 360 + 2-102 360 + 2-201 360 = 1200
清欠额 (paid during 2026-01-01..2026-03-31 on those periods):
  1-101 120 (01-15) + 2-101 160 (03-15: 2025-11 PF 20 + GC 20, 2025-12 120) + 2-201 360 (02-10) = 640
  (2-101's compensation 200 on 02-20 and 2-102's write-off of 2025-11 (120) are not recoveries)
清欠率 = 640/1200 = 0.53333 -> 0.5333
综合收缴率 = (910 + 640)/(1750 + 1200) = 1550/2950 = 0.525423... -> 0.5254
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.books.folder import Books
from ledger.basics.errors import InputError
from ledger.reports.rates import Rate, collection_rates, parse_period, period_from_dates


def rates_of(block):
    return {k: (v["numerator"], v["denominator"], v["ratio"]) for k, v in block["rates"].items()}


def test_parse_period():
    assert (parse_period("2026").first, parse_period("2026").last) == ("2026-01", "2026-12")
    assert (parse_period("2026-Q4").first, parse_period("2026-Q4").last) == ("2026-10", "2026-12")
    assert parse_period("2026-q1").label == "2026-Q1"
    assert (parse_period("2026-11").first, parse_period("2026-11").last) == ("2026-11", "2026-11")
    assert parse_period("2026-01..2026-06").months()[-1] == "2026-06"
    for bad in ("2026-13", "26", "2026-Q5", "2026-06..2026-01", ""):
        with pytest.raises(InputError):
            parse_period(bad)
    import datetime as dt
    assert period_from_dates(dt.date(2026, 1, 1), dt.date(2026, 3, 31)).label == "2026-Q1"
    assert period_from_dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).label == "2026"


def test_rate_ratio_rounding_and_zero():
    assert Rate("x", "x", Decimal("2"), Decimal("3")).ratio == Decimal("0.6667")
    assert Rate("x", "x", Decimal("1"), Decimal("0")).ratio is None
    assert Rate("x", "x", Decimal("0.00"), Decimal("0.00")).ratio is None


def test_rates_q1_in_cli_json(report_json):
    d = report_json("rates", "--period", "2026-Q1", "--as-of", "2026-03-31")
    assert (d["period"], d["first"], d["last"], d["as_of"]) == ("2026-Q1", "2026-01", "2026-03", "2026-03-31")
    assert d["excluded_items"] == ["LATE", "WTR"]
    assert rates_of(d["total"]) == {
        "current": ("910.00", "1750.00", "0.5200"),
        "households": ("1", "5", "0.2000"),
        "arrears": ("640.00", "1200.00", "0.5333"),
        "overall": ("1550.00", "2950.00", "0.5254"),
    }
    f = d["total"]["figures"]
    assert f == {"billed": "1800.00", "waived": "50.00", "compensated": "0.00", "receivable": "1750.00",
                 "collected": "910.00", "written_off": "120.00", "open": "720.00",
                 "households_billed": 5, "households_paid": 1,
                 "opening_arrears": "1200.00", "recovered": "640.00", "arrears_waived": "0.00",
                 "arrears_compensated": "200.00", "arrears_written_off": "120.00", "prepaid_future": "0.00",
                 "discount": "0.00"}


def test_rates_owners_only(report_json):
    """Without 2-201 (developer): billed 1440, waived 50 -> 应收 1390; 实收 910 - 120 = 790 -> 0.5683
    (790/1390 = 0.56834...); 户数 1/4 = 0.2500; 期初 1200 - 360 = 840, 清欠 640 - 360 = 280 -> 0.3333;
    综合 (790 + 280)/(1390 + 840) = 1070/2230 = 0.47982... -> 0.4798."""
    d = report_json("rates", "--period", "2026-Q1", "--as-of", "2026-03-31", "--owners-only")
    assert rates_of(d["total"]) == {
        "current": ("790.00", "1390.00", "0.5683"),
        "households": ("1", "4", "0.2500"),
        "arrears": ("280.00", "840.00", "0.3333"),
        "overall": ("1070.00", "2230.00", "0.4798"),
    }


def test_rates_by_building_and_collector(report_json):
    """Building 1 (1-101, 1-102; collector 甲): billed 720, waived 50 -> 670; 实收 360 + 190 = 550 -> 0.8209
    (550/670 = 0.82089...); 户数 1/2; 期初 120, 清欠 120 -> 1.0000; 综合 670/790 = 0.84810 -> 0.8481.
    Building 2 (2-101, 2-102, 2-201; 乙): 应收 1080; 实收 240 + 0 + 120 = 360 -> 0.3333; 户数 0/3 -> 0.0000;
    期初 1080, 清欠 160 + 360 = 520 -> 0.48148 -> 0.4815; 综合 880/2160 = 0.40740 -> 0.4074."""
    expect = {
        "1": {"current": ("550.00", "670.00", "0.8209"), "households": ("1", "2", "0.5000"),
              "arrears": ("120.00", "120.00", "1.0000"), "overall": ("670.00", "790.00", "0.8481")},
        "2": {"current": ("360.00", "1080.00", "0.3333"), "households": ("0", "3", "0.0000"),
              "arrears": ("520.00", "1080.00", "0.4815"), "overall": ("880.00", "2160.00", "0.4074")},
    }
    d = report_json("rates", "--period", "2026-Q1", "--as-of", "2026-03-31", "--by", "building")
    assert {g["key"]: rates_of(g) for g in d["groups"]} == expect
    d = report_json("rates", "--period", "2026-Q1", "--as-of", "2026-03-31", "--by", "collector")
    assert {g["key"]: rates_of(g) for g in d["groups"]} == {"甲": expect["1"], "乙": expect["2"]}
    # the groups add up to the total
    assert sum(Decimal(g["figures"]["collected"]) for g in d["groups"]) == Decimal("910.00")


def test_rates_by_item(report_json):
    """PF (100 a month): billed 1500, waived 50 -> 1450; 实收 1-101 300, 1-102 100 + 50, 2-101 200, 2-201 100
    = 750 -> 0.51724 -> 0.5172; 户数 1/5 (only 1-101). 期初 PF: 100 + 300 + 300 + 300 = 1000; 清欠 PF:
    1-101 100, 2-101 20 + 100, 2-201 300 = 520 -> 0.5200; 综合 1270/2450 = 0.51836 -> 0.5184.
    GC (20 a month): 应收 300; 实收 60 + 40 + 40 + 20 = 160 -> 0.5333; 户数 1/5 (1-102's March GC is open);
    期初 GC 20 + 60 + 60 + 60 = 200; 清欠 20 + 40 + 60 = 120 -> 0.6000; 综合 280/500 = 0.5600."""
    d = report_json("rates", "--period", "2026-Q1", "--as-of", "2026-03-31", "--by", "item")
    assert {g["key"]: rates_of(g) for g in d["groups"]} == {
        "GC": {"current": ("160.00", "300.00", "0.5333"), "households": ("1", "5", "0.2000"),
               "arrears": ("120.00", "200.00", "0.6000"), "overall": ("280.00", "500.00", "0.5600")},
        "PF": {"current": ("750.00", "1450.00", "0.5172"), "households": ("1", "5", "0.2000"),
               "arrears": ("520.00", "1000.00", "0.5200"), "overall": ("1270.00", "2450.00", "0.5184")},
    }


def test_rates_month_by_month(report_json):
    """Each month is its own P (D = 2026-03-31).
    2026-01: 应收 600; 实收 1-101 120, 1-102 120, 2-101 120, 2-201 120 (2-102 written off) = 480 -> 0.8000;
             户数 4/5; 期初 1200; 清欠 in January: 1-101 120 -> 0.1000; 综合 600/1800 -> 0.3333.
    2026-02: 应收 600 - 50 = 550; 实收 1-101 120 (credit) + 1-102 70 + 2-101 120 = 310 -> 0.56363 -> 0.5636;
             户数 3/5; 期初 (open on 01-31 of periods <= 2026-01): 2-101 480 + 2-102 480 + 2-201 480 = 1440;
             清欠 in February: 2-201 480 -> 0.3333; 综合 790/1990 = 0.39698 -> 0.3970.
    2026-03: 应收 600; 实收 1-101 120 (1-102's 120 voided) -> 0.2000; 户数 1/5; 期初 (open on 02-28):
             2-101 480 + 120 (Feb) - 200 (compensation) = 400, 2-102 480 + 120 = 600, 2-201 120 (Feb)
             -> 400 + 600 + 120 = 1120; 清欠 in March: 2-101 400 -> 400/1120 = 0.35714 -> 0.3571;
             综合 520/1720 = 0.30232 -> 0.3023."""
    d = report_json("rates", "--period", "2026-Q1", "--as-of", "2026-03-31")
    got = {m["period"]: rates_of(m) for m in d["months"]}
    assert got == {
        "2026-01": {"current": ("480.00", "600.00", "0.8000"), "households": ("4", "5", "0.8000"),
                    "arrears": ("120.00", "1200.00", "0.1000"), "overall": ("600.00", "1800.00", "0.3333")},
        "2026-02": {"current": ("310.00", "550.00", "0.5636"), "households": ("3", "5", "0.6000"),
                    "arrears": ("480.00", "1440.00", "0.3333"), "overall": ("790.00", "1990.00", "0.3970")},
        "2026-03": {"current": ("120.00", "600.00", "0.2000"), "households": ("1", "5", "0.2000"),
                    "arrears": ("400.00", "1120.00", "0.3571"), "overall": ("520.00", "1720.00", "0.3023")},
    }


def test_cutoff_date_matters(report_json):
    """As of 2026-02-28 for P = 2026-Q1: March is not billed yet (bills are dated the 1st).
    应收 Jan 600 + Feb 550 = 1150; 实收 Jan: 1-101 120, 1-102 120, 2-201 120 (2-101 paid only on 03-15)
    + Feb: 1-101 120 (credit), 1-102 70 = 550 -> 550/1150 = 0.47826 -> 0.4783.
    清欠 up to 02-28: 1-101 120 + 2-201 360 = 480 -> 480/1200 = 0.4000."""
    d = report_json("rates", "--period", "2026-Q1", "--as-of", "2026-02-28")
    r = rates_of(d["total"])
    assert r["current"] == ("550.00", "1150.00", "0.4783")
    assert r["arrears"] == ("480.00", "1200.00", "0.4000")


def test_identity_and_empty_period(scenario_books):
    books = Books(scenario_books)
    try:
        for p in ("2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-Q1", "2025"):
            t = collection_rates(books, p, None)
            f = t.total
            assert f.billed - f.waived - f.compensated - f.collected - f.written_off == f.open, p
        # 2024-01: nothing billed (None, never 0 %); the five 2022-11 charges (5 x 120) were open, none recovered
        r = collection_rates(books, "2024-01", None).total.rates()
        assert (r["current"].ratio, r["households"].ratio) == (None, None)
        assert (r["arrears"].numerator, r["arrears"].denominator, r["arrears"].ratio) == (
            Decimal("0.00"), Decimal("600.00"), Decimal("0.0000"))
    finally:
        books.close()


def test_waivers_compensation_writeoffs_never_collected(scenario_books):
    """Compensation (200) and write-offs (240) reduce what is open but never raise 实收 or 清欠额."""
    books = Books(scenario_books)
    try:
        f = collection_rates(books, "2026-Q1", None).total
        assert (f.arrears_compensated, f.arrears_written_off, f.written_off, f.waived) == (
                Decimal("200.00"), Decimal("120.00"), Decimal("120.00"), Decimal("50.00"))
        assert f.collected + f.recovered == Decimal("1550.00")
    finally:
        books.close()


def test_unknown_by_is_refused(scenario_books):
    books = Books(scenario_books)
    try:
        with pytest.raises(InputError):
            collection_rates(books, "2026-Q1", None, by="floor")
    finally:
        books.close()


@pytest.mark.parametrize("developer", [True, False])
def test_fast_paths_agree_with_the_per_unit_query(scenario_books, developer):
    """Totals and by-item figures come from a (period, month) summary; by building/collector from the
    per-(unit, item) query; month by month from one pass. All must agree, for any P and cut-off."""
    import dataclasses
    import datetime as dt

    from ledger.reports.rates import Figures, _FIELDS, excluded_items, monthly_rates, unit_item_figures

    books = Books(scenario_books)
    try:
        for p in ("2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-Q1", "2025", "2026",
                  "2025-12..2026-02"):
            for d in (dt.date(2026, 1, 10), dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 12, 31)):
                per = parse_period(p)
                slow = Figures()
                for vals in unit_item_figures(books.cache, per, d, developer, excluded_items(books.config)).values():
                    slow.add(Figures(**dict(zip(_FIELDS, vals))))
                fast = collection_rates(books, per, d, None, developer).total
                by_b = collection_rates(books, per, d, "building", developer).total
                by_i = collection_rates(books, per, d, "item", developer).total
                strip = lambda f: {k: v for k, v in dataclasses.asdict(f).items() if not k.startswith("households")}  # noqa: E731
                assert strip(fast) == strip(slow) == strip(by_b) == strip(by_i), (p, d)
                assert dataclasses.asdict(fast) == dataclasses.asdict(by_b) == dataclasses.asdict(by_i), (p, d)
                months = dict(monthly_rates(books, per, d, developer))
                for m in per.months():
                    assert dataclasses.asdict(months[m]) == dataclasses.asdict(
                        collection_rates(books, m, d, "building", developer).total), (p, m, d)
    finally:
        books.close()
