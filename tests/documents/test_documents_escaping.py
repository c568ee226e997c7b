"""Printed documents come from the autoescaped Jinja2 templates of ledger/documents/: text a person typed
(a reason, a ref, a name in the config) is printed as text, never as markup."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledger.books.create import DEMO_CONFIG
from ledger.books.folder import Books
from ledger.collection import notices
from ledger.documents.render import HERE, environment
from ledger.payments import receipts
from ledger.reports import formats, statement

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def books(make_books, run_cli, monkeypatch, tmp_path):
    """Demo config (office name with markup in it), two months billed, a payment with a hostile ref, voided
    with a hostile reason, and a waiver with one."""
    monkeypatch.setenv("WUYE_TODAY", "2026-03-20")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(DEMO_CONFIG.read_text(encoding="utf-8").replace("name: 翠湖苑物业服务中心",
                                                                 f"name: 翠湖苑物业服务中心{SCRIPT}", 1),
                   encoding="utf-8")
    assert SCRIPT in cfg.read_text(encoding="utf-8")
    root = make_books(tmp_path, config_text=cfg.read_text(encoding="utf-8"))
    for period in ("2026-01", "2026-02"):
        assert run_cli("bill", period, books=root).rc == 0
    unit = sorted(Books(root).units)[0]
    ok = run_cli("pay", unit, "50", "--channel", "wechat", "--ref", f"R1{SCRIPT}", "--date", "2026-03-02",
                 "--by", "前台", books=root)
    assert ok.rc == 0, ok.err
    number = receipts.load_receipt(Books(root), "SJ2026-000001").number
    ok = run_cli("void", number, "--reason", f"录错{SCRIPT}", "--date", "2026-03-03", books=root)
    assert ok.rc == 0, ok.err
    ok = run_cli("waive", unit, "5", "--item", "PF", "--period", "2026-01", "--reason", f"漏水{SCRIPT}",
                 "--approved-by", "主任", books=root)
    assert ok.rc == 0, ok.err
    return Books(root), unit, number


def test_receipt_escapes_ref_and_void_reason(books):
    b, _unit, number = books
    html = receipts.render_html(b, receipts.load_receipt(b, number))
    assert "<script>" not in html
    assert f"流水号：R1{ESCAPED}" in html and f"录错{ESCAPED}" in html and f"收款单位（盖章）：翠湖苑物业服务中心{ESCAPED}" in html
    assert html.count('<p class="void">') == 1 and "微信支付" in html


def test_statement_escapes_reasons(books):
    b, unit, _number = books
    html = statement.render_html(b, statement.statement(b, unit, dt.date(2026, 3, 20)))
    assert "<script>" not in html and f"漏水{ESCAPED}" in html and f"录错{ESCAPED}" in html
    assert "<td>已作废</td>" not in html and "【作废】" in html


def test_notice_escapes_office_text(books):
    b, unit, _number = books
    run = notices.issue_notices(b, dt.date(2026, 3, 20), unit=unit, dry_run=True)
    assert "<script>" not in run.html and f"翠湖苑物业服务中心{ESCAPED}" in run.html
    assert run.html.count('<div class="page">') == 1


def test_report_html_escapes_cells_and_titles():
    t = formats.Table(f"表{SCRIPT}", ["项目", f"列{SCRIPT}"], [[f"值{SCRIPT}", Decimal("1234.50")], [None, True]],
                      highlight=[False, True])
    html = formats.to_html(f"标题{SCRIPT}", [t], notes=[f"注{SCRIPT}"])
    assert "<script>" not in html
    for text in (f"<title>标题{ESCAPED}</title>", f"<h2>表{ESCAPED}</h2>", f"<th>列{ESCAPED}</th>",
                 f"<td>值{ESCAPED}</td>", f"<p class=note>注{ESCAPED}</p>"):
        assert text in html, text
    assert "<td class=n>1,234.50</td>" in html and "<tr class=risk><td></td><td>⚠ 是</td></tr>" in html


def test_every_document_template_autoescapes():
    env = environment()
    names = sorted(p.name for p in HERE.glob("*.html"))
    assert {"receipt.html", "statement.html", "notices.html", "notice_page.html", "report.html"} <= set(names)
    assert env.autoescape is True  # one environment renders every template: no template escapes by hand
    assert env.from_string("{{ x }}").render(x=SCRIPT) == ESCAPED
    for name in names:
        assert "|safe" not in (HERE / name).read_text(encoding="utf-8"), name
