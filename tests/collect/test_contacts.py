"""Contact log: no personal data in the ledger, the interruption rule, payment promises."""
from __future__ import annotations

import pytest
from collect_helpers import d, pay

from ledger.collection import contacts
from ledger.basics.errors import InputError


@pytest.mark.parametrize("text", [
    "业主电话13812345678", "回电 138 1234 5678", "电话138-1234-5678", "身份证 11010519491231002X",
    "ID 110105194912310021 已核", "张伟说下周交", "欧阳小明不在家",
])
def test_personal_data_refused(books, text):
    with pytest.raises(InputError) as exc:
        contacts.log_contact(books, "1-0101", "phone", text)
    assert "personal data" in str(exc.value) or "owner's name" in str(exc.value)
    assert books.cache.q("SELECT COUNT(*) FROM customs WHERE type='wuye-contact'")[0][0] == 0


def test_proof_is_checked_too(books):
    with pytest.raises(InputError, match="--proof"):
        contacts.log_contact(books, "1-0101", "letter", "挂号信", proof="收件人电话13912345678")


def test_tracking_numbers_and_collector_names_pass(books):
    # a 13-digit registered-mail number is not a phone number; a collector's name is staff, not an owner
    e, _ = contacts.log_contact(books, "1-0101", "letter", "林小红寄出挂号信", proof="1150123456789")
    assert e.meta["interrupts"] is True


@pytest.mark.parametrize("channel,proof,ack,expected", [
    ("letter", "EMS EA123456789CN", False, True),
    ("lawyer", "律师函签收回执", False, True),
    ("sms", "短信送达截图 2026-11-01", False, True),
    ("wechat", "微信聊天记录截图", False, True),
    ("letter", None, False, False),
    ("phone", "通话录音", False, False),
    ("visit", "签字确认书", True, True),
    ("visit", None, False, False),
    ("committee", "会议纪要", False, False),
])
def test_interruption_rule(books, channel, proof, ack, expected):
    e, _ = contacts.log_contact(books, "1-0102", channel, "催缴", proof=proof, acknowledged=ack)
    assert e.meta["interrupts"] is expected
    [c] = contacts.load_contacts(books, "1-0102")
    assert c.interrupts is expected and c.channel == channel


def test_acknowledged_needs_proof(books):
    with pytest.raises(InputError, match="--proof"):
        contacts.log_contact(books, "1-0102", "visit", "业主口头承认欠费", acknowledged=True)


def test_quotes_and_newlines_stay_valid_ledger_text(books):
    e, _ = contacts.log_contact(books, "1-0101", "visit", '业主说"下周"\n再来\\看看')
    [c] = contacts.load_contacts(books, "1-0101")
    assert c.outcome == "业主说“下周” 再来＼看看"
    text = (books.root / "txns/2026/2026-11.beancount").read_text(encoding="utf-8")
    assert '"业主说“下周” 再来＼看看"' in text


def test_contact_written_in_month_file_of_its_date(books):
    contacts.log_contact(books, "2-0101", "phone", "无人接听", date=d("2026-09-03"), by="王敏")
    text = (books.root / "txns/2026/2026-09.beancount").read_text(encoding="utf-8")
    assert '2026-09-03 custom "wuye-contact" "2-0101" "phone" "无人接听"' in text
    assert 'by: "王敏"' in text and "interrupts: FALSE" in text


def test_bad_input(books):
    with pytest.raises(InputError, match="unknown unit"):
        contacts.log_contact(books, "9-9999", "phone", "x")
    with pytest.raises(InputError, match="channel"):
        contacts.log_contact(books, "1-0101", "fax", "x")
    with pytest.raises(InputError, match="before the contact date"):
        contacts.log_contact(books, "1-0101", "phone", "x", date=d("2026-11-10"), promise_date=d("2026-11-01"))
    with pytest.raises(InputError, match="needs --promise-date"):
        contacts.log_contact(books, "1-0101", "phone", "x", promise_amount="100")
    with pytest.raises(InputError, match="outcome"):
        contacts.log_contact(books, "1-0101", "phone", "  ")


def _status(books, as_of, unit="1-0101"):
    [p] = [p for p in contacts.promises(books, d(as_of)) if p.contact.unit == unit]
    return p


def test_promise_statuses_around_the_date(books):
    contacts.log_contact(books, "1-0101", "phone", "答应月中交", date=d("2026-11-02"),
                         promise_date=d("2026-11-10"))
    assert _status(books, "2026-11-09").status == "pending"
    assert _status(books, "2026-11-10").status == "due"
    assert _status(books, "2026-11-11").status == "due"  # one grace day for transfers
    p = _status(books, "2026-11-12")
    assert p.status == "broken" and p.open
    assert [x.contact.unit for x in contacts.due_promises(books, d("2026-11-12"))] == ["1-0101"]


def test_promise_kept_by_payment_in_window_incl_grace_day(books):
    contacts.log_contact(books, "1-0101", "phone", "答应交500", date=d("2026-11-02"),
                         promise_date=d("2026-11-10"), promise_amount="500")
    pay(books, "1-0101", "200", "2026-11-05")
    assert _status(books, "2026-11-12").status == "broken"  # 200 of 500
    pay(books, "1-0101", "300", "2026-11-11")  # the grace day
    p = _status(books, "2026-11-12")
    assert p.status == "kept" and str(p.paid) == "500.00"


def test_payment_after_grace_day_does_not_keep_but_clears_the_due_list(books):
    contacts.log_contact(books, "1-0102", "phone", "答应交", date=d("2026-11-01"), promise_date=d("2026-11-03"))
    pay(books, "1-0102", "50", "2026-11-05")
    p = _status(books, "2026-11-06", "1-0102")
    assert p.status == "broken" and p.open  # still owes
    pay(books, "1-0102", "10530", "2026-11-06")  # everything (46 x 230.00 - 50)
    p = _status(books, "2026-11-07", "1-0102")
    assert p.status == "broken" and not p.still_owes and not p.open


def test_voided_payment_does_not_keep_a_promise(books):
    from ledger.payments.pay import void

    contacts.log_contact(books, "2-0101", "phone", "答应交", date=d("2026-11-01"), promise_date=d("2026-11-05"))
    plan, _ = pay(books, "2-0101", "186", "2026-11-04")
    assert _status(books, "2026-11-07", "2-0101").status == "kept"
    void(books, plan.receipt, "金额录错", d("2026-11-07"))
    assert _status(books, "2026-11-08", "2-0101").status == "broken"


def test_follow_up_contact_closes_a_broken_promise(books):
    contacts.log_contact(books, "1-0101", "phone", "答应交", date=d("2026-11-01"), promise_date=d("2026-11-03"))
    assert contacts.due_promises(books, d("2026-11-10"))
    contacts.log_contact(books, "1-0101", "visit", "上门未遇", date=d("2026-11-08"))
    assert not contacts.due_promises(books, d("2026-11-10"))


def test_cli_contact_and_due(books_dir, run_cli):
    r = run_cli("contact", "1-0101", "--channel", "letter", "--outcome", "挂号寄出催缴函", "--proof", "EA1CN",
                "--date", "2026-11-01", books=books_dir)
    assert r.rc == 0 and "interrupting" in r.out
    r = run_cli("contact", "1-0102", "--channel", "phone", "--outcome", "答应10号交", "--promise-date",
                "2026-11-10", "--promise-amount", "230", "--date", "2026-11-02", "--by", "林小红", books=books_dir)
    assert r.rc == 0, r.err
    r = run_cli("contact", "1-0102", "--channel", "phone", "--outcome", "业主13812345678", books=books_dir)
    assert r.rc == 2 and "phone number" in r.err
    r = run_cli("contacts", "--due", "--as-of", "2026-11-15", "--json", books=books_dir)
    import json

    data = json.loads(r.out)
    assert [(x["unit"], x["status"], x["promise_amount"]) for x in data["due"]] == [("1-0102", "broken", "230.00")]
    r = run_cli("contacts", "1-0101", books=books_dir)
    assert "时效中断" in r.out


def test_last_contacts_for_the_units_screen(books):
    contacts.log_contact(books, "1-0101", "phone", "a", date=d("2026-09-01"))
    contacts.log_contact(books, "1-0101", "visit", "b", date=d("2026-10-01"))
    contacts.log_contact(books, "2-0101", "sms", "c", date=d("2026-08-01"))
    assert contacts.last_contacts(books) == {"1-0101": d("2026-10-01"), "2-0101": d("2026-08-01")}
    assert contacts.last_contacts(books, d("2026-09-15")) == {"1-0101": d("2026-09-01"), "2-0101": d("2026-08-01")}
