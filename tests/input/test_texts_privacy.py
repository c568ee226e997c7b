"""Every text that reaches git passes the one recogniser (phones with spaces or hyphens, ID numbers,
owners' names from the private file) and a length limit; operators are ids from config.yaml."""
from __future__ import annotations

import pytest

from .conftest import OWNER_NAME, git

PHONES = ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138-1234-5678", "１３８１２３４５６７８"]
PAY = ("pay", "1-0102", "10", "--channel", "bank", "--date", "2026-11-10")


@pytest.mark.parametrize("phone", PHONES)
def test_pay_ref_with_a_phone(books, phone):
    books.refused(*PAY, "--ref", f"转账{phone}", names=("--ref", "phone"))


def test_pay_ref_with_an_owners_name(books):
    books.refused(*PAY, "--ref", f"{OWNER_NAME}转账", names=("--ref", "owner's name"))


def test_pay_ref_too_long(books):
    books.refused(*PAY, "--ref", "R" * 65, names=("--ref", "at most 64"))


@pytest.mark.parametrize("by", [OWNER_NAME, "138-1234-5678", "张三", "wuye2"])
def test_pay_by_must_be_an_operator(books, by):
    books.refused(*PAY, "--by", by, names="--by")


@pytest.mark.parametrize("user", [OWNER_NAME, "138 1234 5678", "Somebody"])
def test_wuye_user_must_be_an_operator(books, monkeypatch, user):
    monkeypatch.setenv("WUYE_USER", user)
    books.refused(*PAY, names="WUYE_USER")
    books.refused("stage", "1-0101", "reminded", names="WUYE_USER")
    books.refused("contact", "1-0101", "--channel", "visit", "--outcome", "上门未遇", names="WUYE_USER")


def test_a_configured_operator_is_recorded(books, monkeypatch):
    monkeypatch.setenv("WUYE_USER", "前台01")
    books.ok(*PAY)
    assert 'collector: "前台01"' in books.ledger_text()
    books.ok("pay", "1-0102", "5", "--channel", "cash", "--date", "2026-11-10", "--by", "林小红")
    assert 'collector: "林小红"' in books.ledger_text()


@pytest.mark.parametrize("approver", [OWNER_NAME, "139 0000 1111", "欧阳小明"])
def test_waive_approved_by_is_guarded(books, approver):
    books.refused("waive", "1-0101", "1.00", "--item", "PF", "--period", "2026-01", "--reason", "漏水",
                  "--approved-by", approver, names="--approved-by")


@pytest.mark.parametrize("author", [f"{OWNER_NAME} <a@example.invalid>", "前台01 <138-1234-5678@example.invalid>",
                                    "Somebody <s@example.invalid>", "no email"])
def test_wuye_author_is_guarded(books, monkeypatch, author):
    monkeypatch.setenv("WUYE_AUTHOR", author)
    books.refused(*PAY, names="WUYE_AUTHOR")


def test_a_configured_author_is_the_commit_author(books, monkeypatch):
    monkeypatch.setenv("WUYE_AUTHOR", "会计 <office@example.invalid>")
    books.ok(*PAY)
    assert git(books.root, "log", "-1", "--format=%an <%ae>").strip() == "会计 <office@example.invalid>"


@pytest.mark.parametrize("cmd,field", [
    (("void", "SJ2026-000001", "--reason", "{}"), "--reason"),
    (("refund", "1-0101", "1", "--channel", "cash", "--reason", "{}"), "--reason"),
    (("contact", "1-0101", "--channel", "visit", "--outcome", "{}"), "--outcome"),
    (("stage", "1-0101", "reminded", "--note", "{}"), "--note"),
    (("dispute", "open", "1-0101", "--category", "leak", "--note", "{}"), "--note"),
    (("waive", "1-0101", "1", "--item", "PF", "--period", "2026-01", "--reason", "{}", "--approved-by", "会计"),
     "--reason"),
])
@pytest.mark.parametrize("text,words", [("请回电 138-1234-5678", "phone"), (f"{OWNER_NAME}说下月交", "owner's name"),
                                        ("长" * 301, "at most 300")])
def test_free_texts(books, cmd, field, text, words):
    books.refused(*[a.replace("{}", text) for a in cmd], names=(field, words))


def test_payer_text_is_bounded(books):
    books.refused(*PAY, "--payer", "tenant:" + "名" * 40, names=("--payer", "at most 40"))


def test_a_newline_in_a_reason_stays_inside_its_string(books):
    books.ok("waive", "1-0101", "1.00", "--item", "PF", "--period", "2026-01", "--reason",
             '漏水"\n2026-01-01 open Assets:Evil', "--approved-by", "会计")
    assert "\n2026-01-01 open Assets:Evil" not in books.ledger_text()
    assert books.run("check").rc == 0


@pytest.mark.parametrize("remark", ["物业费 138 1234 5678", "物业费 +86-138-1234-5678", "物业费 13812345678",
                                    "身份证 420106199001011234", "物业费 ４２０１０６１９９００１０１１２３Ｘ"])
def test_statement_texts_are_masked_by_the_same_recogniser(remark):
    """Queue remarks come from a bank or WeChat export: masked, not refused (the row must still be booked)."""
    from importers.queue import scrub

    out = scrub(remark)
    assert out.startswith("物业费 ***") or out.startswith("身份证 ***"), out
    assert not any(ch.isdigit() for ch in out), out


def test_statement_texts_lose_owners_names(books):
    from importers.queue import scrub
    from ledger.books.folder import Books

    b = Books(books.root)
    try:
        assert scrub(f"{OWNER_NAME}交1-0101物业费", b) == "**交1-0101物业费"
        assert scrub("2026-11-15 订单 4200001234567890123456789012", b) == "2026-11-15 订单 4200001234567890123456789012"
    finally:
        b.close()


@pytest.mark.parametrize("raw,stored", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(“http://x”)"), ("+1 call", "'+1 call"), ("-2 days", "'-2 days"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1+1", "'=1+1"), ("已催缴 =1", "已催缴 =1"), ("'=1", "'=1"),
])
def test_free_texts_are_formula_neutral_at_input(raw, stored):
    """One rule (parse.neutral_text) for every text path: typed texts, statement remarks, bounded texts."""
    from ledger.basics.parse import bounded_text, neutral_text
    from ledger.community.privacy import clean_text, redact

    assert clean_text(None, raw, "--reason") == stored
    assert redact(raw.strip()) == neutral_text(raw.strip())
    assert bounded_text(raw, "--payer", 40)[:1] not in "=+-@"
    assert neutral_text(neutral_text(raw)) == neutral_text(raw)
