"""Receipt rendering (terminal text and HTML) and the Chinese capital form of amounts."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.basics.money import chinese_capital

from .conftest import COLLECTOR


@pytest.mark.parametrize("value,text", [
    ("1234.50", "壹仟贰佰叁拾肆元伍角"),
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("0.00", "零元整"),
    ("10.00", "壹拾元整"),
    ("1001.01", "壹仟零壹元零壹分"),
    ("10000.00", "壹万元整"),
    ("100010.10", "壹拾万零壹拾元壹角"),
    ("2027.52", "贰仟零贰拾柒元伍角贰分"),
    ("589.78", "伍佰捌拾玖元柒角捌分"),
    ("10008.00", "壹万零捌元整"),
    ("100000000.00", "壹亿元整"),
    ("105000.00", "壹拾万伍仟元整"),
    ("1000.07", "壹仟元零柒分"),
])
def test_chinese_capital(value, text):
    assert chinese_capital(Decimal(value)) == text


@pytest.fixture
def paid(books_factory):
    w = books_factory(today="2024-03-20")
    w.ok("bill", "--from", "2024-01", "--to", "2024-03")
    w.ok("pay", "1-0401", "1234.50", "--channel", "wechat", "--ref", "4200001999202403200007",
         "--payer", "tenant:吴小明", "--date", "2024-03-20")
    return w


def test_receipt_text(paid):
    text = paid.ok("receipt", "SJ2024-000001").out
    for want in ("测试苑", "收款收据", "No. SJ2024-000001", "房号：1-0401", "吴**",
                 "物业服务费", "垃圾清运费", "2024-01 欠费追回", "2024-03 当期", "预存/多缴",
                 "¥1,234.50", "壹仟贰佰叁拾肆元伍角", "微信支付", "4200001999202403200007",
                 f"收款人：{COLLECTOR}", "测试苑物业服务中心"):
        assert want in text, want
    assert "吴小明" not in text
    # 3 x (264.00 + 10.00) = 822.00 settled, 412.50 to credit
    assert "412.50" in text


def test_receipt_html(paid, tmp_path):
    out = tmp_path / "r.html"
    paid.ok("receipt", "SJ2024-000001", "--output", str(out))
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    for want in ("测试苑", "SJ2024-000001", "1-0401", "吴**", "物业服务费", "垃圾清运费", "2024-02 欠费追回",
                 "¥1,234.50", "壹仟贰佰叁拾肆元伍角", "微信支付", "4200001999202403200007", COLLECTOR,
                 "测试苑物业服务中心"):
        assert want in html, want
    assert "吴小明" not in html and "作废" not in html
    assert paid.ok("receipt", "SJ2024-000001", "--html").out.strip() == html.strip()


def test_voided_receipt_shows_void_in_both_forms(paid):
    paid.ok("void", "SJ2024-000001", "--reason", "收款金额有误")
    text = paid.ok("receipt", "SJ2024-000001").out
    assert "作废" in text and "收款金额有误" in text
    html = paid.ok("receipt", "SJ2024-000001", "--html").out
    assert 'class="void"' in html and "收款金额有误" in html
    # the number stays used: the next payment gets the next number
    r = paid.ok("pay", "1-0401", "10", "--channel", "cash", "--json").json()
    assert r["receipt"] == "SJ2024-000002"


def test_receipt_not_found(paid):
    assert "receipt SJ2024-000777 not found" in paid.refused("receipt", "SJ2024-000777").err


def test_receipt_owner_payer_is_labelled(paid):
    """With no --payer the receipt should name the payer in Chinese (业主), not the ledger code 'owner'."""
    paid.ok("pay", "1-0401", "10", "--channel", "cash")
    text = paid.ok("receipt", "SJ2024-000002").out
    assert "交款人：业主" in text and "owner" not in text
    assert "交款人：租户 吴**" in paid.ok("receipt", "SJ2024-000001").out
