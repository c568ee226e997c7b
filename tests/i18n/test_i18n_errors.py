"""Core errors carry a code and parameters: each front end words them in its language, and str() stays the
English message the CLI and the logs have always shown."""
from __future__ import annotations

import pytest

from ledger.basics import money, periods
from ledger.basics.errors import MESSAGES, InputError, LockHeldError, ValidationError, LedgerProblem, WuyeError
from ledger.books.folder import Books
from ledger.community import privacy
from ledger.payments import pay
from ledger.reports.rates import parse_period as parse_report_period
from tui import i18n


def test_unknown_unit_in_zh_and_en(make_books, tmp_path):
    books = Books(make_books(tmp_path))
    with pytest.raises(InputError) as caught:
        books.unit("9-9999")
    err = caught.value
    assert err.code == "unknown_unit" and err.params == {"unit": "9-9999", "file": "units.csv"}
    assert str(err) == "unknown unit '9-9999' (not in units.csv)"
    assert err.text("en") == str(err)
    assert err.text("zh") == "房号 '9-9999' 不存在（units.csv 中没有）"


@pytest.mark.parametrize("call, code, en, zh", [
    (lambda: money.parse_amount("12.345"), "bad_amount",
     "amount: '12.345' is not an amount with at most two decimals", "金额：'12.345' 不是金额（最多两位小数）"),
    (lambda: money.parse_amount("-5"), "negative_amount", "amount: -5.00 must not be negative", "金额：-5.00 不能为负数"),
    (lambda: periods.parse_period("2024-13"), "bad_period", "period '2024-13' is not YYYY-MM",
     "期间 '2024-13' 不是 YYYY-MM 格式"),
    (lambda: periods.parse_date("2024-02-30", "--date"), "bad_date", "--date: '2024-02-30' is not a date YYYY-MM-DD",
     "日期（--date）：'2024-02-30' 不是 YYYY-MM-DD 格式的日期"),
])
def test_input_errors_in_both_languages(call, code, en, zh):
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.code == code and str(caught.value) == en and caught.value.text("zh") == zh


def test_write_path_errors_in_both_languages():
    lock = LockHeldError("lock_held", holder="李会计 (pid 7)")
    assert str(lock) == "the books are being written by 李会计 (pid 7); try again when it finishes"
    assert lock.text("zh") == "账本正由 李会计 (pid 7) 写入；请等其完成后再试"
    bad = ValidationError([LedgerProblem("txns/2026/2026-01.beancount", 3, "Balance failed")])
    assert str(bad) == "ledger validation failed, nothing written:\ntxns/2026/2026-01.beancount:3: Balance failed"
    assert bad.text("zh").startswith("账本校验失败，未写入任何内容：\ntxns/2026/2026-01.beancount:3:")


def _raised(call) -> InputError:
    with pytest.raises(InputError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("call, code, en, zh", [
    (lambda: privacy.clean_text(None, "13812345678", "--ref"), "personal_number",
     "--ref: the text contains a mobile phone number; personal data stays out of the ledger "
     "(it lives only in owners.private.csv)", "交易单号（--ref）：文字中含有手机号码；个人信息不进入账本（只保存在 owners.private.csv 中）"),
    (lambda: pay.check_no_pii("110101199003071234", "payer"), "personal_number_short",
     "payer: the text contains an ID card number; personal data stays out of the ledger",
     "付款人：文字中含有身份证号码；个人信息不进入账本"),
    (lambda: money.parse_amount("99999999"), "above_limit",
     "amount: 99,999,999.00 is above the limit of 10,000,000.00 for one operation", "金额：99,999,999.00 超过单笔上限 10,000,000.00"),
    (lambda: privacy.clean_text(None, "  ", "reason"), "required", "reason is required", "原因 必须填写"),
    (lambda: privacy.clean_text(None, "很长" * 200, "note"), "text_too_long", "note: 400 characters; at most 300",
     "说明：400 个字符；最多 300 个"),
    (lambda: money.parse_amount("1,23.45"), "misplaced_comma",
     "amount: '1,23.45' puts a comma where no thousands separator goes (write 1,234.50 or 1234.50; a decimal comma "
     "is not accepted)", "金额：'1,23.45' 的逗号不在千位分隔处（请写 1,234.50 或 1234.50；不接受用逗号作小数点）"),
    (lambda: parse_report_period("2026-05..2026-01"), "period_backwards", "period '2026-05..2026-01' runs backwards",
     "期间 '2026-05..2026-01' 的起止颠倒了"),
], ids=["phone", "id-card", "above-limit", "required", "too-long", "comma", "backwards"])
def test_field_errors_raised_with_codes(call, code, en, zh):
    """The core raises these with a code: English stays the message the CLI has always printed, Chinese is
    the catalog's (no matching of English text)."""
    err = _raised(call)
    assert err.code == code and str(err) == err.text("en") == en
    assert err.text("zh") == zh


def test_receipt_and_fee_item_errors_raised_with_codes(make_books, tmp_path):
    from ledger.payments import receipts

    books = Books(make_books(tmp_path))
    err = _raised(lambda: receipts.load_receipt(books, "SJ2026-000009"))
    assert err.code == "receipt_not_found" and str(err) == "receipt SJ2026-000009 not found"
    assert err.text("zh") == "收据 SJ2026-000009 不存在"
    err = _raised(lambda: pay.parse_designated("ZZ:2026-10", books))
    assert err.code == "fee_item_unknown_in" and str(err) == "--for: unknown fee item 'ZZ'"
    assert err.text("zh") == "指定缴纳（--for）：收费项目 'ZZ' 不存在"


def test_a_domain_word_parameter_is_worded_in_english():
    err = InputError("notice_dispute_open", unit="5-0302", dispute="TS2024-0001", label="渗漏", opened="2024-02-20")
    assert "（渗漏，自 2024-02-20）" in err.text("zh")
    assert "(leak, since 2024-02-20)" in err.text("en")


def test_plain_errors_stay_as_written():
    err = WuyeError("something odd happened")
    assert err.code is None and str(err) == err.text("zh") == err.text("en") == "something odd happened"


def test_every_code_formats_with_its_parameters():
    import string

    for code, template in MESSAGES.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        err = WuyeError(code, **{f: f"<{f}>" for f in fields})
        for lang in ("zh", "en"):
            text = err.text(lang)
            assert all(f"<{f}>" in text for f in fields), (code, lang, text)
        assert err.text("en") != err.text("zh"), code  # translated, not the Chinese source


def test_cli_shows_the_error_in_the_language_asked(make_books, run_cli, tmp_path):
    root = make_books(tmp_path)
    en = run_cli("pay", "9-9999", "10", "--channel", "cash", books=root)
    zh = run_cli("--lang", "zh", "pay", "9-9999", "10", "--channel", "cash", books=root)
    assert en.rc == zh.rc == 2
    assert "wuye: unknown unit '9-9999' (not in units.csv)" in en.err
    assert "wuye: 房号 '9-9999' 不存在（units.csv 中没有）" in zh.err


def test_tui_words_errors_in_its_language():
    err = InputError("bad_period", text="2024-13")
    try:
        i18n.set_lang("zh")
        assert i18n.error_text(err) == "期间 '2024-13' 不是 YYYY-MM 格式" and i18n.error_title(err) == "输入错误"
        i18n.set_lang("en")
        assert i18n.error_text(err) == "period '2024-13' is not YYYY-MM" and i18n.error_title(err) == "Input error"
        assert i18n.error_text(ValueError("x")) == "x"
    finally:
        i18n.set_lang("zh")
