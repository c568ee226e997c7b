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


# --- refusals that were plain English once: coded, worded in Chinese for the TUI, the same English for the CLI --

TODAY = "2026-03-15"


@pytest.fixture(scope="module")
def worked_books(tmp_path_factory):
    """Demo books with January and February billed, one payment (SJ2026-000001) and one open dispute
    (TS2026-0001), written through the CLI; today is pinned to 2026-03-15."""
    from ledger.books.create import DEMO_CONFIG, init_books
    from tests.conftest import DEMO_UNITS, GIT_IDENTITY
    from cli.main import main

    with pytest.MonkeyPatch.context() as mp:
        for k, v in {**GIT_IDENTITY, "WUYE_TODAY": TODAY}.items():
            mp.setenv(k, v)
        root = init_books(tmp_path_factory.mktemp("i18n") / "books", DEMO_CONFIG, DEMO_UNITS)
        for argv in (["bill", "--from", "2026-01", "--to", "2026-02"],
                     ["pay", "1-1-0101", "100", "--channel", "cash", "--by", "前台"],
                     ["dispute", "open", "1-1-0101", "--category", "leak", "--note", "厨房渗水", "--by", "前台"]):
            assert main(["--books", str(root), *argv]) == 0, argv
        books = Books(root)
        yield books
        books.close()


def _table(title, cell):
    from ledger.reports.formats import Table

    return Table(title, ["备注"], [[cell]])


def _report(name):
    from ledger.reports import assemble

    return lambda b: assemble.build(b, name)


def _pick(module, name):
    import importlib

    return getattr(importlib.import_module(module), name)


D = __import__("datetime").date
CODED_ONCE_PLAIN = [
    ("author-format", lambda b: privacy.commit_author(b.config, "nobody"), "author_format",
     "WUYE_AUTHOR: 'nobody' is not 'OPERATOR <email>'", "WUYE_AUTHOR：'nobody' 不是“操作员 <email>”格式"),
    ("author-phone", lambda b: privacy.commit_author(b.config, "前台13812345678 <desk@example.invalid>"),
     "author_personal_number", "WUYE_AUTHOR: the text contains a mobile phone number; git history is permanent",
     "WUYE_AUTHOR：文字中含有手机号码；git 历史无法删除"),
    ("expense-approver", lambda b: _pick("ledger.cashbook.expenses", "expense_entry")(
        b, "100", "Repairs", "cash", "换水泵", ""), "approver_needed",
     "--approved-by: a person who approved it (staff or collectors of config.yaml)",
     "--approved-by：请填写批准人（config.yaml 的 staff 或 collectors 中的人）"),
    ("building", lambda b: _pick("ledger.collection.common", "batch_units")(b, {}, {}, building="99"),
     "unknown_building", "unknown building '99'", "楼栋 '99' 不存在"),
    ("no-notice", lambda b: _pick("ledger.collection.notices", "issue_notices")(
        b, D(2024, 2, 1), building="1", dry_run=True),
     "notice_none", "no unit to send a notice to on 2024-02-01", "2024-02-01 没有可发催缴通知的房号"),
    ("template", lambda b: _pick("ledger.collection.messages", "render_messages")(b, "nope", D(2026, 3, 15)),
     "template_unknown", "no template 'nope' in config.yaml templates (have: sms_reminder, wechat_group)",
     "config.yaml templates 中没有模板 'nope'（已有：sms_reminder, wechat_group）"),
    ("nothing-to-export", lambda b: _pick("ledger.collection.messages", "write_csv")(b, [], b.root.parent / "x.csv"),
     "nothing_to_export", "nothing to export", "没有可导出的内容"),
    ("dispute-category", lambda b: _pick("ledger.collection.disputes", "open_entry")(b, "1-1-0101", "flood"),
     "dispute_category_unknown", "unknown category 'flood' (one of cleaning, leak, noise, parking, security, other)",
     "纠纷类别 'flood' 不存在（可选：cleaning, leak, noise, parking, security, other）"),
    ("close-mode", lambda b: _pick("ledger.collection.disputes", "close_entries")(
        b, "TS2026-0001", "已修好", compensation="50", approved_by="会计", mode="wire"), "mode_bad",
     "--mode must be offset or cash, not 'wire'", "--mode 只能是 offset（抵扣欠费）或 cash（付现金），不是 'wire'"),
    ("close-approver", lambda b: _pick("ledger.collection.disputes", "close_entries")(
        b, "TS2026-0001", "已修好", compensation="50"), "compensation_needs_approver",
     "--compensation needs --approved-by", "补偿金额（--compensation）须同时填写批准人（--approved-by）"),
    ("close-only-with", lambda b: _pick("ledger.collection.disputes", "close_entries")(
        b, "TS2026-0001", "已修好", approved_by="会计"), "only_with",
     "--approved-by/--mode only go with --compensation", "--approved-by/--mode 只能与 --compensation 一起使用"),
    ("span-backwards", lambda b: periods.span("2026-05", "2026-01"), "period_backwards",
     "period '2026-05..2026-01' runs backwards", "期间 '2026-05..2026-01' 的起止颠倒了"),
    ("late-fee-policy", lambda b: _pick("ledger.billing.latefees", "plan_late_fees")(b, D(2024, 6, 1)),
     "no_late_fee_policy", "no late-fee policy in force on 2024-06-01 (late fees are off unless config.yaml "
     "policies.late_fee has a line for the contract)",
     "2024-06-01 没有生效的违约金规定（config.yaml policies.late_fee 中有适用于合同的条目才计违约金）"),
    ("rate-price", lambda b: _pick("ledger.billing.standards", "plan_rate_change")(b, "PF", D(2027, 1, 1), {}),
     "rate_price_needed", "give at least one price: --residential, --commercial or --all",
     "请至少填写一个价格：--residential、--commercial 或 --all"),
    ("rate-type", lambda b: _pick("ledger.billing.standards", "plan_rate_change")(
        b, "PF", D(2027, 1, 1), {"villa": "3.00"}), "unit_type_unknown", "unknown unit type(s): villa",
     "房屋类型不存在：villa"),
    ("rate-after-last", lambda b: _pick("ledger.billing.standards", "plan_rate_change")(
        b, "PF", D(2026, 1, 1), {"residential": "2.50"}), "rate_not_after_last",
     "PF: a new rate must start after the last one (2026-07-01); correct config.yaml by hand and review the diff if "
     "an existing line is wrong", "PF：新标准须晚于最后一条标准（2026-07-01）开始执行；如已有的标准有误，请手工改正 "
     "config.yaml 并核对改动"),
    ("rate-first-day", lambda b: _pick("ledger.billing.standards", "plan_rate_change")(
        b, "PF", D(2027, 1, 15), {"residential": "2.50"}), "rate_not_first_of_month",
     "--from 2027-01-15: rates take effect on the first day of a month", "--from 2027-01-15：收费标准须从某月 1 日起执行"),
    ("refund-slip", lambda b: _pick("ledger.payments.receipts", "load_refund")(b, "TK2026-000009"), "refund_not_found",
     "refund TK2026-000009 not found", "退款单 TK2026-000009 不存在"),
    ("settled-twice", lambda b: _pick("ledger.payments.settled_twice", "to_credit_operation")(
        "SJ2026-000001", [("PF", "2026-01")], "两个收费点重复收取")(b), "nothing_settled_twice",
     "receipt SJ2026-000001: nothing of it is settled twice any more", "收据 SJ2026-000001：已没有重复结清的部分"),
    ("compensate-mode", lambda b: _pick("ledger.payments.corrections", "compensation_entry")(
        b, "1-1-0101", "50", "渗水补偿", "TS2026-0001", "会计", mode="wire"), "mode_bad",
     "--mode must be offset or cash, not 'wire'", "--mode 只能是 offset（抵扣欠费）或 cash（付现金），不是 'wire'"),
    ("compensate-channel", lambda b: _pick("ledger.payments.corrections", "compensation_entry")(
        b, "1-1-0101", "50", "渗水补偿", "TS2026-0001", "会计", mode="cash", channel="bitcoin"), "unknown_channel",
     "unknown channel 'bitcoin' (one of cash, bank, wechat, alipay, pos, autodebit)",
     "渠道 'bitcoin' 不存在（可选：cash, bank, wechat, alipay, pos, autodebit）"),
    ("report-name", _report("nope"), "report_unknown",
     "unknown report 'nope' (one of arrears, rates, statement, disclosure, standards, limitation, targets, "
     "reconciliation, backdated, receipts, daily, deposits, unidentified)",
     "报表 'nope' 不存在（可选：arrears, rates, statement, disclosure, standards, limitation, targets, "
     "reconciliation, backdated, receipts, daily, deposits, unidentified）"),
    ("report-by", lambda b: _pick("ledger.reports.assemble", "build")(b, "arrears", by="floor"), "by_choice",
     "--by must be one of building, item, collector, not 'floor'", "--by 只能是 building, item, collector 之一，不是 'floor'"),
    ("report-statement", _report("statement"), "statement_unit_needed", "report statement needs a UNIT",
     "对账单（report statement）须填写房号"),
    ("report-targets", lambda b: _pick("ledger.reports.assemble", "targets_report")(b, None), "targets_period_needed",
     "report targets needs --period (YYYY-MM, YYYY-Qn or YYYY)",
     "收费员目标报表（report targets）须填写 --period（YYYY-MM、YYYY-Qn 或 YYYY）"),
    ("render-format", lambda b: _pick("ledger.reports.assemble", "render")(_report("standards")(b), "yaml"),
     "format_unknown", "unknown format 'yaml' (one of text, json, csv, html)", "不支持的格式 'yaml'（可选：text, json, csv, html）"),
    ("export-format", lambda b: _pick("ledger.reports.assemble", "export_bytes")(_report("standards")(b), "doc"),
     "export_format", "format must be one of xlsx, csv, html, pdf", "格式只能是 xlsx, csv, html, pdf 之一"),
    ("backdated-days", lambda b: _pick("ledger.reports.registers", "backdated_report")(b, -1), "days_negative",
     "--days: must be 0 or more", "--days：不能小于 0"),
    ("rates-by", lambda b: _pick("ledger.reports.rates", "group_key")(b, "floor", "1-1-0101", "PF"), "by_choice",
     "--by must be one of building, item, collector, not 'floor'", "--by 只能是 building, item, collector 之一，不是 'floor'"),
    ("export-pii", lambda b: _pick("ledger.reports.formats", "check_no_pii")([_table("催缴名单", "13812345678")]),
     "export_cell_pii", "export refused: a cell of '催缴名单' looks like a phone or ID number",
     "拒绝导出：“催缴名单”中有单元格像是手机号码或身份证号码"),
    ("review-range", lambda b: _pick("ledger.books.integrity", "review")(b.root, "HEAD"), "review_range_needed",
     "--review wants a range REV..REV, not 'HEAD'", "--review 须是 REV..REV 形式的范围，不是 'HEAD'"),
    ("review-revision", lambda b: _pick("ledger.books.integrity", "review")(b.root, "nope..HEAD"),
     "review_revision_unknown", "unknown revision in 'nope..HEAD'", "'nope..HEAD' 中有不存在的版本"),
    ("tui-collector", lambda b: _pick("tui.core.collect", "collector_view")(b, "nobody"), "collector_unknown",
     "unknown collector 'nobody'", "收费员 'nobody' 不存在"),
    ("tui-report", lambda b: _pick("tui.core.reports", "_report_obj")(b, _pick("tui.core.reports", "ReportSpec")("nope")),
     "report_unknown", "unknown report 'nope' (one of rates, arrears, disclosure, targets, limitation, receipts, "
     "daily, deposits, unidentified, backdated)", "报表 'nope' 不存在（可选：rates, arrears, disclosure, targets, "
     "limitation, receipts, daily, deposits, unidentified, backdated）"),
]


@pytest.mark.parametrize("call, code, en, zh", [c[1:] for c in CODED_ONCE_PLAIN], ids=[c[0] for c in CODED_ONCE_PLAIN])
def test_refusals_once_plain_english_are_coded(worked_books, monkeypatch, call, code, en, zh):
    """Each raised by the real function on bad input: str() is the English the CLI printed before (or its
    clearer wording), text("zh") what the TUI now shows the bookkeeper."""
    monkeypatch.setenv("WUYE_TODAY", TODAY)
    err = _raised(lambda: call(worked_books))
    assert err.code == code and str(err) == err.text("en") == en
    assert err.text("zh") == zh


def test_sync_resolve_refusals_are_coded(make_books, tmp_path):
    """`wuye sync --resolve` over a recorded conflict (.wuye/sync.json): stopping, or an answer that is not one
    of the choices, changes nothing and says so in both languages."""
    import json

    from ledger.books import layout, sync

    books = Books(make_books(tmp_path))
    try:
        conflict = {"kind": "file", "text": "config.yaml：两个收费点都改了", "path": "config.yaml"}
        (books.root / layout.STATE / sync.STATUS).write_text(json.dumps({"conflicts": [conflict]}), encoding="utf-8")
        head = books.root.joinpath(".git", "HEAD").read_text()
        err = _raised(lambda: sync.resolve(books, lambda c: None))
        assert err.code == "resolve_stopped"
        assert str(err) == "resolve stopped at: config.yaml：两个收费点都改了; nothing was changed"
        assert err.text("zh") == "同步冲突处理停在：config.yaml：两个收费点都改了；未做任何更改"
        err = _raised(lambda: sync.resolve(books, lambda c: "mine"))
        assert err.code == "resolve_bad_choice" and str(err) == "'mine' is not one of credit, void, theirs"
        assert err.text("zh") == "'mine' 不是 credit, void, theirs 之一"
        assert books.root.joinpath(".git", "HEAD").read_text() == head
    finally:
        books.close()


def test_cli_without_books_folder_in_both_languages(run_cli):
    en, zh = run_cli("report", "arrears"), run_cli("--lang", "zh", "report", "arrears")
    assert en.rc == zh.rc != 0
    assert "wuye: no books folder: pass --books DIR or set WUYE_BOOKS" in en.err
    assert "wuye: 未指定账本文件夹：请用 --books DIR 或设置 WUYE_BOOKS" in zh.err
