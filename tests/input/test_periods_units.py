"""Periods, dates and unit ids have one ASCII spelling; billing stays within books start .. a year ahead."""
from __future__ import annotations

import datetime as dt

import pytest

from ledger.basics.errors import InputError
from ledger.basics.parse import normalise_unit_id, parse_date, parse_period


def bills(books) -> int:
    return books.ledger_text().count("op: \"bill\"")


def test_full_width_period_then_ascii_period_bills_once(books):
    before = bills(books)
    books.ok("bill", "２０２６－１２")
    once = bills(books)
    assert once == before + 2  # two units
    assert "2026-12" in (books.root / "txns/2026/2026-12.beancount").read_text(encoding="utf-8")
    head = books.head()
    r = books.run("bill", "2026-12")
    assert r.rc == 0 and "nothing to bill" in r.out
    assert books.head() == head and bills(books) == once


@pytest.mark.parametrize("period", ["9999-12", "2028-01"])
def test_far_future_billing_is_refused(books, period):
    r = books.refused("bill", period, names=("period", period, "--allow-future"))
    assert "a year ahead" in r.err


def test_allow_future_lets_a_deliberate_run_through(books):
    r = books.ok("bill", "2028-01", "--allow-future", "--dry-run")
    assert "2028-01" in r.out


def test_billing_a_year_ahead_is_allowed(books):
    books.ok("bill", "2027-11", "--dry-run")


@pytest.mark.parametrize("period,words", [("٢٠٢٦-١٢", "DIGIT"), ("2026-13", "YYYY-MM"), ("2026/12", "YYYY-MM"),
                                          ("202612", "YYYY-MM"), ("2025-12", "before the books start")])
def test_bad_billing_periods(books, period, words):
    books.refused("bill", period, names=("period", words))


def test_range_with_a_far_end_is_refused_whole(books):
    books.refused("bill", "--from", "2026-12", "--to", "9999-12", names="9999")


@pytest.mark.parametrize("date,words", [("20261110", "not a date"), ("2026-11-1", "not a date"),
                                        ("٢٠٢٦-١١-١٠", "DIGIT"), ("2026-02-30", "not a date")])
def test_bad_dates(books, date, words):
    books.refused("pay", "1-0102", "10", "--channel", "cash", "--date", date, names=("--date", words))


def test_full_width_date_and_unit_are_the_ascii_ones(books):
    books.ok("pay", "１－０１０２", "10", "--channel", "cash", "--date", "２０２６－１１－１０")
    text = (books.root / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
    assert "2026-11-10 * " in text and 'unit: "1-0102"' in text
    assert "１" not in text


def test_waive_period_is_normalised(books):
    books.ok("waive", "1-0101", "1.00", "--item", "PF", "--period", "２０２６－０１", "--reason", "漏水",
             "--approved-by", "会计")
    assert 'period: "2026-01"' in books.ledger_text()


def test_unit_ids_have_one_normal_form():
    assert normalise_unit_id(" ３－１５０２ ") == "3-1502"
    assert normalise_unit_id("s-02") == "S-02"
    with pytest.raises(InputError, match="DIGIT"):
        normalise_unit_id("٣-1502")


def test_unit_with_foreign_digits_is_refused(books):
    books.refused("pay", "١-0102", "10", "--channel", "cash", names=("unit", "DIGIT"))


def test_units_file_with_foreign_digits_names_the_row(tmp_path):
    from ledger.basics.errors import UnitsError
    from ledger.community.units import load_units

    p = tmp_path / "units.csv"
    p.write_text("unit,building,area_m2,type\n1-0101,1,10.00,residential\n١-0102,1,10.00,residential\n",
                 encoding="utf-8")
    with pytest.raises(UnitsError, match=r"units.csv:3 \[unit\].*DIGIT"):
        load_units(p)


def test_parsers_return_ascii():
    assert parse_period("２０２６－０３") == "2026-03"
    assert parse_date("２０２６－０３－０１") == dt.date(2026, 3, 1)
    with pytest.raises(InputError, match="not a date"):
        parse_date("2026-W10-1")  # fromisoformat would accept an ISO week date


def test_span_to_the_last_representable_month_ends():
    from ledger.basics.periods import span

    assert span("9998-11", "9999-12")[-1] == "9999-12" and len(span("9998-11", "9999-12")) == 14
