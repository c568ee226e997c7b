"""Bad input: each refused with a message naming the problem, a non-zero exit, and nothing written
(git HEAD unchanged, every file byte-for-byte unchanged, nothing uncommitted): see Wuye.refused."""
from __future__ import annotations

import pytest

from .conftest import BASE_CONFIG, git

LATE_CONFIG = BASE_CONFIG.replace("office:", """policies:
  late_fee:
    - {from: 2024-01-01, daily_rate: "0.0005", grace_days: 10, cap: principal, items: [PF]}
office:""")


@pytest.fixture
def w(books_factory):
    w = books_factory(today="2024-03-15")
    w.ok("bill", "--from", "2024-01", "--to", "2024-03")
    w.ok("pay", "1-0302", "100.00", "--channel", "wechat", "--ref", "WX001", "--date", "2024-03-10")
    return w


PAY = ("pay", "1-0302")


@pytest.mark.parametrize("amount,words", [
    ("0", "zero"), ("0.00", "zero"), ("-5", "negative"), ("-0.01", "negative"),
    ("12.345", "two decimals"), ("1.001", "two decimals"), ("abc", "amount"), ("1e3", "amount"),
])
def test_bad_amounts(w, amount, words):
    r = w.refused("pay", "1-0302", amount, "--channel", "cash", "--date", "2024-03-10")
    assert words in r.err


def test_bad_amounts_elsewhere(w):
    w.ok("pay", "1-0302", "1000", "--channel", "cash", "--date", "2024-03-12")  # some credit for refunds
    assert "zero" in w.refused("refund", "1-0302", "0", "--channel", "cash", "--reason", "x").err
    assert "two decimals" in w.refused("refund", "1-0302", "1.234", "--channel", "cash", "--reason", "x").err
    w.ok("dispute", "open", "1-0401", "--category", "leak", "--note", "渗漏", "--date", "2024-03-01")
    assert "two decimals" in w.refused("compensate", "1-0401", "5.555", "--reason", "x", "--dispute", "TS2024-0001",
                                       "--approved-by", "y").err
    assert "negative" in w.refused("waive", "1-0401", "-1", "--item", "PF", "--period", "2024-01",
                                   "--reason", "x", "--approved-by", "y").err


def test_unknown_unit(w):
    assert "unknown unit '9-9999'" in w.refused("pay", "9-9999", "10", "--channel", "cash").err
    assert "unknown unit" in w.refused("statement", "9-9999").err
    assert "unknown unit" in w.refused("waive", "9-9999", "1", "--item", "PF", "--period", "2024-01",
                                       "--reason", "x", "--approved-by", "y").err


def test_unknown_item(w):
    assert "unknown fee item 'XX'" in w.refused(*PAY, "10", "--channel", "cash", "--for", "XX:2024-01").err
    assert "unknown fee item 'ZZ'" in w.refused("waive", "1-0302", "1", "--item", "ZZ", "--period", "2024-01",
                                               "--reason", "x", "--approved-by", "y").err
    assert "not YYYY-MM" in w.refused(*PAY, "10", "--channel", "cash", "--for", "PF:2024-13").err


def test_unknown_channel(w):
    r = w.refused(*PAY, "10", "--channel", "paypal")
    assert "paypal" in r.err and "invalid choice" in r.err
    assert "invalid choice" in w.refused("refund", "1-0302", "1", "--channel", "card", "--reason", "x").err


def test_dates(w):
    w.ok("dispute", "open", "1-0302", "--category", "leak", "--note", "渗漏", "--date", "2024-01-05")
    r = w.refused(*PAY, "10", "--channel", "cash", "--date", "2023-12-31")
    assert "before the books start 2024-01-01" in r.err
    r = w.refused(*PAY, "10", "--channel", "cash", "--date", "2024-04-16")  # today 2024-03-15 + 32 days
    assert "more than 31 days ahead" in r.err
    w.ok(*PAY, "10", "--channel", "cash", "--date", "2024-04-15")  # exactly 31 days ahead is allowed
    assert "not a date" in w.refused(*PAY, "10", "--channel", "cash", "--date", "2024-02-30").err
    for cmd in (("waive", "1-0302", "1", "--item", "PF", "--period", "2024-02", "--reason", "x", "--approved-by", "y"),
                ("compensate", "1-0302", "1", "--reason", "x", "--dispute", "TS2024-0001", "--approved-by", "y"),
                ("refund", "1-0302", "1", "--channel", "cash", "--reason", "x")):
        assert "before the books start" in w.refused(*cmd, "--date", "2023-06-01").err
        assert "31 days ahead" in w.refused(*cmd, "--date", "2025-01-01").err


def test_late_fee_dates(books_factory):
    w = books_factory(LATE_CONFIG, today="2024-03-31")
    w.ok("bill", "--from", "2024-01", "--to", "2024-03")
    assert "31 days ahead" in w.refused("late-fees", "--as-of", "2030-01-01").err
    assert "before the books start" in w.refused("late-fees", "--as-of", "2023-12-31").err


def test_unbilled_period_needs_prepay(w):
    r = w.refused(*PAY, "196.59", "--channel", "cash", "--for", "PF:2024-05")
    assert "PF 2024-05 is not billed yet" in r.err and "--prepay" in r.err
    w.ok(*PAY, "196.59", "--channel", "cash", "--for", "PF:2024-05", "--prepay", "--date", "2024-03-15")


def test_already_settled_period(w):
    w.ok(*PAY, "400", "--channel", "cash", "--date", "2024-03-15")  # settles 2024-01 and part of 2024-02
    assert "PF 2024-01 is already settled" in w.refused(*PAY, "10", "--channel", "cash", "--for", "PF:2024-01").err


def test_duplicate_ref_and_reuse_after_void(w):
    r = w.refused(*PAY, "100.00", "--channel", "wechat", "--ref", "WX001", "--date", "2024-03-11")
    assert "wechat reference WX001 was already recorded on receipt SJ2024-000001" in r.err
    # the same ref on another channel is another transaction
    w.ok(*PAY, "5", "--channel", "alipay", "--ref", "WX001", "--date", "2024-03-11")
    # after voiding the payment, the ref is free again: the corrected payment reuses the bank's ref,
    # gets the next receipt number, and the voided one keeps its number (作废)
    w.ok("void", "SJ2024-000001", "--reason", "金额录错")
    r = w.ok(*PAY, "110.00", "--channel", "wechat", "--ref", "WX001", "--date", "2024-03-11", "--json")
    assert r.json()["receipt"] == "SJ2024-000003"
    # and is unique again
    assert "SJ2024-000003" in w.refused(*PAY, "1", "--channel", "wechat", "--ref", "WX001").err
    w.check()


def test_void_errors(w):
    assert "receipt SJ2024-000099 not found" in w.refused("void", "SJ2024-000099", "--reason", "x").err
    assert "--reason" in w.refused("void", "SJ2024-000001").err
    assert "--reason is required" in w.refused("void", "SJ2024-000001", "--reason", "  ").err
    w.ok("void", "SJ2024-000001", "--reason", "重复录入")
    assert "already void (作废)" in w.refused("void", "SJ2024-000001", "--reason", "again").err
    assert "already void" in w.refused("refund", "1-0302", "--receipt", "SJ2024-000001", "--channel", "cash",
                                       "--reason", "x").err


def test_void_refused_when_its_credit_was_used(books_factory):
    w = books_factory(today="2024-01-20")
    w.ok("bill", "2024-01")
    w.ok(*PAY, "500", "--channel", "cash", "--date", "2024-01-20")  # 293.41 to credit
    w.today("2024-02-01")
    w.ok("bill", "2024-02")  # uses 206.59 of it
    assert "only 86.82 is left" in w.refused("void", "SJ2024-000001", "--reason", "x").err


def test_refund_errors(w):
    r = w.refused("refund", "1-0302", "50", "--channel", "cash", "--reason", "退多缴")
    assert "1-0302 has 0.00 credit; cannot refund 50.00" in r.err
    w.ok(*PAY, "700", "--channel", "cash", "--date", "2024-03-15")  # 100 + 700 - 3 x 206.59 = 180.23 credit
    assert "has 180.23 credit; cannot refund 180.24" in w.refused(
        "refund", "1-0302", "180.24", "--channel", "cash", "--reason", "x").err
    assert "belongs to 1-0302, not 1-0401" in w.refused(
        "refund", "1-0401", "--receipt", "SJ2024-000001", "--channel", "cash", "--reason", "x").err
    assert "AMOUNT" in w.refused("refund", "1-0302", "--channel", "cash", "--reason", "x").err
    w.ok("refund", "1-0302", "180.23", "--channel", "cash", "--reason", "退多缴")


def test_refund_of_prepayment_discount_is_not_cash(books_factory):
    cfg = BASE_CONFIG.replace("office:", """policies:
  prepay_discount:
    - {from: 2024-01-01, months: 12, rate: "0.05", items: [PF]}
office:""")
    w = books_factory(cfg, today="2024-01-10")
    w.ok("bill", "2024-01")
    w.ok(*PAY, "206.59", "--channel", "cash", "--date", "2024-01-10")
    w.ok(*PAY, "2241.13", "--channel", "bank", "--prepay", "--date", "2024-01-10")  # + 117.95 discount
    assert w.statement("1-0302")["credit"] == "2359.08"
    # the owner moves out at once: 2241.13 came in, so no more than 2241.13 can go back out
    r = w.refused("refund", "1-0302", "2359.08", "--channel", "bank", "--reason", "搬离退预存")
    assert "discount" in r.err
    w.ok("refund", "1-0302", "2241.13", "--channel", "bank", "--reason", "搬离退预存")
    # reversing the payment itself takes the discount back with it
    w2 = books_factory(cfg, today="2024-01-10", name="b2")
    w2.ok("bill", "2024-01")
    w2.ok(*PAY, "206.59", "--channel", "cash", "--date", "2024-01-10")
    w2.ok(*PAY, "2241.13", "--channel", "bank", "--prepay", "--date", "2024-01-10")
    w2.ok("refund", "1-0302", "--receipt", "SJ2024-000002", "--channel", "bank", "--reason", "退款")
    assert w2.statement("1-0302")["credit"] == "0.00"


def test_waive_errors(w):
    assert "PF 2024-01 has 96.59 open; cannot waive 97.00" in w.refused(
        "waive", "1-0302", "97", "--item", "PF", "--period", "2024-01", "--reason", "x", "--approved-by", "y").err
    assert "has 196.59 open; cannot waive 196.60" in w.refused(
        "waive", "1-0302", "196.60", "--item", "PF", "--period", "2024-02", "--reason", "x", "--approved-by", "y").err
    assert "PF 2024-09 has 0.00 open" in w.refused(
        "waive", "1-0302", "5", "--item", "PF", "--period", "2024-09", "--reason", "x", "--approved-by", "y").err
    assert "--approved-by is required" in w.refused(
        "waive", "1-0302", "5", "--item", "PF", "--period", "2024-02", "--reason", "x", "--approved-by", " ").err


def test_writeoff_errors(w):
    r = w.refused("write-off", "1-0302", "--period", "2024-03", "--reason", "x", "--approved-by", "y")
    assert "2024-03 is not in arrears on 2024-03-15" in r.err
    w.ok(*PAY, "200", "--channel", "cash", "--date", "2024-03-15")  # 2024-01 now fully paid
    r = w.refused("write-off", "1-0302", "--period", "2024-01", "--reason", "x", "--approved-by", "y")
    assert "1-0302 has nothing open for 2024-01" in r.err
    r = w.refused("write-off", "1-0302", "--period", "2024-05", "--reason", "x", "--approved-by", "y")
    assert "not in arrears" in r.err
    # naming a period twice must not write it off twice
    w.ok("write-off", "1-0302", "--period", "2024-02", "2024-02", "--reason", "x", "--approved-by", "y")
    ln = w.lines("1-0302")
    assert ln[("PF", "2024-02")]["open"] == "0.00" and ln[("PF", "2024-02")]["written_off"] == "103.18"
    w.check()


def test_compensation_errors(w):
    w.ok("dispute", "open", "1-0302", "--category", "leak", "--note", "渗漏", "--date", "2024-03-01")
    assert "--dispute is required" in w.refused("compensate", "1-0302", "10", "--reason", "x", "--dispute", " ",
                                                "--approved-by", "y").err
    assert "invalid choice" in w.refused("compensate", "1-0302", "10", "--reason", "x", "--dispute", "TS2024-0001",
                                         "--approved-by", "y", "--mode", "gift").err


def test_compensation_names_an_open_dispute_of_the_same_unit(w):
    """Refused, books unchanged: an unknown id, another unit's dispute, a closed one, one opened later."""
    comp = ("--reason", "渗漏补偿", "--approved-by", "经理", "--mode", "cash")
    r = w.refused("compensate", "1-0302", "10", "--dispute", "TS2024-0009", *comp)
    assert "dispute TS2024-0009 does not exist" in r.err
    w.ok("dispute", "open", "1-0401", "--category", "leak", "--note", "渗漏", "--date", "2024-03-01")
    r = w.refused("compensate", "1-0302", "10", "--dispute", "TS2024-0001", *comp)
    assert "dispute TS2024-0001 belongs to 1-0401, not 1-0302" in r.err
    r = w.refused("compensate", "1-0401", "10", "--dispute", "TS2024-0001", *comp, "--date", "2024-02-28")
    assert "TS2024-0001 was opened on 2024-03-01" in r.err
    w.ok("dispute", "close", "TS2024-0001", "--resolution", "已修复", "--date", "2024-03-05")
    r = w.refused("compensate", "1-0401", "10", "--dispute", "TS2024-0001", *comp)
    assert "dispute TS2024-0001 was closed on 2024-03-05" in r.err
    # neither or both of --dispute / --open-dispute
    assert "--open-dispute" in w.refused("compensate", "1-0401", "10", *comp).err
    assert "--open-dispute" in w.refused("compensate", "1-0401", "10", "--dispute", "TS2024-0001",
                                         "--open-dispute", "leak", *comp).err
    assert "only go with --open-dispute" in w.refused("compensate", "1-0401", "10", "--dispute", "TS2024-0001",
                                                      "--claim", "5", *comp).err
    # a Chinese screen words the refusal in Chinese
    from ledger.basics.errors import InputError
    assert InputError("dispute_other_unit", dispute="TS2024-0001", owner="1-0401", unit="1-0302").text("zh") == \
        "纠纷 TS2024-0001 属于 1-0401，不是 1-0302"


def test_compensation_opens_its_dispute_in_the_same_commit(w):
    before = git(w.root, "rev-list", "--count", "HEAD").strip()
    r = w.ok("compensate", "1-0302", "50", "--reason", "渗漏补偿", "--approved-by", "经理", "--mode", "cash",
             "--open-dispute", "leak", "--claim", "300", "--date", "2024-03-15")
    assert "dispute TS2024-0001 opened (leak)" in r.out
    assert int(git(w.root, "rev-list", "--count", "HEAD").strip()) == int(before) + 1
    changed = git(w.root, "show", "--format=", "HEAD").splitlines()
    added = "\n".join(ln for ln in changed if ln.startswith("+"))
    assert 'custom "wuye-dispute-open" "1-0302" "TS2024-0001" "leak"' in added
    assert "claim: 300.00" in added and 'note: "渗漏补偿"' in added
    assert 'op: "compensate"' in added and 'dispute: "TS2024-0001"' in added and "^dispute-TS2024-0001" in added
    # the dispute stays open until closed; a second compensation may name it
    w.ok("compensate", "1-0302", "20", "--reason", "补差", "--approved-by", "经理", "--mode", "cash",
         "--dispute", "TS2024-0001")
    w.check()


def test_payer_with_phone_number(w):
    r = w.refused(*PAY, "10", "--channel", "cash", "--payer", "tenant:吴小明 13912345678")
    assert "--payer" in r.err and "a mobile phone number" in r.err
    r = w.refused(*PAY, "10", "--channel", "cash", "--payer", "身份证 11010519491231002X")
    assert "an ID card number" in r.err
    r = w.refused(*PAY, "10", "--channel", "cash", "--payer", "tenant:吴 139-1234-5678")  # separators too
    assert "a mobile phone number" in r.err
    assert "phone" in w.refused("waive", "1-0302", "5", "--item", "PF", "--period", "2024-02",
                                "--reason", "业主电话13912345678", "--approved-by", "y").err


def test_late_fees_off_by_default(w):
    r = w.refused("late-fees", "--as-of", "2024-03-15")
    assert "no late-fee policy in force on 2024-03-15" in r.err and "policies.late_fee" in r.err


def test_nothing_written_for_a_dry_run(w):
    from .conftest import head, tree_bytes

    h, t = head(w.root), tree_bytes(w.root)
    r = w.ok(*PAY, "300", "--channel", "cash", "--dry-run")
    assert "would record SJ2024-000002" in r.out
    assert head(w.root) == h and tree_bytes(w.root) == t
