"""Amounts mean what they say: digits 0-9 or full-width, commas only between thousands, two decimals,
no exponent/NaN/Infinity, and a ceiling per operation."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.basics.errors import InputError
from ledger.basics.parse import MAX_AMOUNT, parse_amount

PAY = ("pay", "1-0102", "--channel", "cash", "--date", "2026-11-10")


@pytest.mark.parametrize("text,words", [
    ("100,00", "comma"),             # a decimal comma: recorded ¥10,000.00 before
    ("1,00", "comma"),
    ("12,34.00", "comma"),
    ("1234,567.00", "comma"),
    ("١٠٠", "ARABIC-INDIC DIGIT"),    # Decimal('١٠٠') == 100
    ("۱۰۰", "DIGIT"),                 # extended Arabic-Indic
    ("१००", "DEVANAGARI DIGIT"),
    ("1²", "SUPERSCRIPT"),
    ("①", "CIRCLED"),
    ("1e3", "amount"), ("1E3", "amount"), ("NaN", "amount"), ("Infinity", "amount"), ("-inf", "amount"),
    ("1.2.3", "amount"), ("0x10", "amount"), ("", "amount"), ("1 000", "amount"),
    ("10000000.01", "above the limit"), ("99999999999", "above the limit"),
])
def test_hostile_amounts_are_refused(books, text, words):
    r = books.refused("pay", "1-0102", text, *PAY[2:], names=("amount", words))
    assert "Traceback" not in r.err


def test_full_width_digits_are_the_same_amount(books):
    books.ok("pay", "1-0102", "１，２３４．５０", *PAY[2:])
    text = books.ledger_text()
    assert "-1234.50 CNY" in text or "1234.50 CNY" in text
    assert "１" not in text


def test_grouped_thousands_and_the_limit_itself_are_accepted():
    assert parse_amount("1,234.50") == Decimal("1234.50")
    assert parse_amount("1,234,567") == Decimal("1234567.00")
    assert parse_amount("¥12.3") == Decimal("12.30")
    assert parse_amount("10,000,000.00") == MAX_AMOUNT
    with pytest.raises(InputError, match="above the limit"):
        parse_amount("10,000,000.01")


@pytest.mark.parametrize("cmd", [
    ("waive", "1-0101", "{}", "--item", "PF", "--period", "2026-01", "--reason", "漏水", "--approved-by", "会计"),
    ("refund", "1-0101", "{}", "--channel", "cash", "--reason", "多交"),
    ("compensate", "1-0101", "{}", "--reason", "漏水", "--open-dispute", "leak", "--approved-by", "会计"),
])
@pytest.mark.parametrize("amount,words", [("20000000.00", "above the limit"), ("100,00", "comma"),
                                          ("٥", "DIGIT")])
def test_every_operation_uses_the_one_parser(books, cmd, amount, words):
    args = [a.replace("{}", amount) for a in cmd]
    books.refused(*args, names=("amount", words))


def test_promise_and_claim_amounts_too(books):
    books.refused("contact", "1-0101", "--channel", "visit", "--outcome", "答应月底交", "--promise-date",
                  "2026-11-30", "--promise-amount", "100,00", names=("--promise-amount", "comma"))
    books.refused("dispute", "open", "1-0101", "--category", "leak", "--claim", "1e9", "--note", "渗漏",
                  names="--claim")
