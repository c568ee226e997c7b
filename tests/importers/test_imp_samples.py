"""Golden output of the four samples, plus the README expectations asserted row by row."""
from decimal import Decimal

import pytest
from imp_helpers import DATA, check_golden

from importers import alipay_personal, bank_cmb, wechat_merchant, wechat_personal

D = Decimal


def by_suffix(rows, n):
    return {r.txn_id[-n:]: r for r in rows}


def test_wechat_personal():
    p = wechat_personal.parse(DATA / 'wechat_personal.csv')
    check_golden('wechat_personal', p)
    rows = by_suffix(p.rows, 3)
    assert len(p.rows) == 20 and p.summary.duplicates == 1       # 101 twice → once
    assert [r.txn_id for r in p.rows].count('100004990124030100000000000101') == 1
    expect = {  # suffix: (kind, direction, amount)
        '101': ('payment', 'in', '650.10'), '102': ('payment', 'in', '240.00'),
        '103': ('payment', 'in', '945.57'), '104': ('payment', 'in', '216.70'),
        '105': ('payment', 'in', '264.00'), '106': ('expense', 'out', '35.00'),
        '107': ('payment', 'in', '829.78'), '108': ('payment', 'in', '2027.52'),
        '109': ('payment', 'in', '2000.00'), '110': ('payment', 'in', '86.40'),
        '111': ('refund', 'out', '80.00'), '112': ('no_money', 'none', '650.10'),
        '113': ('gift', 'in', '8.88'), '115': ('payment', 'in', '216.70'),
        '118': ('payment', 'in', '264.00'), '120': ('payment', 'in', '100.00'),
        '122': ('payment', 'in', '242.99'), '125': ('settlement', 'out', '5000.00'),
        '126': ('no_money', 'none', '0.00'), '128': ('payment', 'in', '216.70'),
    }
    assert set(rows) == set(expect)
    for suffix, (kind, direction, amount) in expect.items():
        r = rows[suffix]
        assert (r.kind, r.direction, r.amount) == (kind, direction, D(amount)), suffix
        assert '\t' not in r.txn_id and len(r.txn_id) == 30
    assert rows['125'].fee == D('5.00') and rows['125'].account_hint == '8888'
    assert rows['101'].remark == '3-1502物业费'           # QR boilerplate stripped
    assert rows['102'].remark == '3栋1502室 车位费'       # 转账备注: stripped
    assert rows['105'].remark == ''
    assert rows['103'].remark == '５栋２２０３'            # raw text; unittext normalises
    assert rows['101'].time == '09:12:33' and str(rows['101'].date) == '2024-03-01'
    assert rows['128'].row == 18 and rows['101'].row == 37  # physical line numbers
    assert any('zero amount' in w for w in p.warnings)


def test_wechat_merchant():
    p = wechat_merchant.parse(DATA / 'wechat_merchant.csv')
    check_golden('wechat_merchant', p)
    assert p.summary.net == D('7892.27')
    assert p.summary.ok and {c.column for c in p.summary.checks} >= {
        '总交易单数', '应结订单总金额', '退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'}
    assert len(p.rows) == 20 and p.summary.duplicates == 1
    out = {r.txn_id: r for r in p.rows}
    wy1 = out['4200002001202403050000000001']
    assert (wy1.kind, wy1.amount, wy1.fee, wy1.openid) == ('payment', D('650.10'), D('3.90'), 'oCuiHu_0001')
    assert wy1.attach == {'unit': '3-1502', 'item': '物业服务费', 'period': '2024-04~2024-06'}
    rf = out['50303108562024030500000000001']                  # CW…003 partial refund
    assert (rf.kind, rf.direction, rf.amount, rf.fee) == ('refund', 'out', D('80.00'), D('-0.48'))
    assert rf.original_id == '4200002001202403050000000003'
    assert out['4200002001202403050000000003'].amount == D('240.00')
    test = [r for r in p.rows if r.remark == '测试订单']
    assert len(test) == 2 and all(r.kind == 'no_money' and r.direction == 'none' for r in test)
    w8 = out['4200002001202403050000000008']
    assert (w8.amount, w8.coupon, w8.fee) == (D('199.00'), D('10.00'), D('1.19'))
    assert out['4200002001202403050000000009'].attach == {}
    assert out['4200002001202403050000000009'].openid == 'oCuiHu_0005'
    w17 = [r for r in p.rows if r.original_id == '4200002001202403050000000017']
    assert len(w17) == 1 and w17[0].kind == 'refund' and w17[0].amount == D('168.96')
    assert out['4200002001202403050000000017'].kind == 'payment'   # real order: fee 1.01, not a test
    assert out['4200002001202403050000000014'].remark == '临时停车'
    payments = [r for r in p.rows if r.kind == 'payment']
    assert len(payments) == 16


def test_alipay_personal():
    p = alipay_personal.parse(DATA / 'alipay_personal.csv')
    check_golden('alipay_personal', p)
    assert len(p.rows) == 19 and p.summary.duplicates == 1
    rows = {r.txn_id[-3:] if '_' not in r.txn_id else '013R': r for r in p.rows}
    expect = {
        '001': ('payment', 'in', '650.10'), '003': ('payment', 'in', '945.57'),
        '004': ('no_money', 'none', '264.00'), '005': ('refund', 'out', '50.00'),
        '006': ('interest', 'in', '0.35'), '007': ('payment', 'in', '240.00'),
        '008': ('payment', 'in', '216.70'), '009': ('payment', 'in', '216.70'),
        '010': ('payment', 'in', '1013.76'), '011': ('payment', 'in', '123.45'),
        '012': ('payment', 'in', '215.27'), '013': ('expense', 'out', '58.00'),
        '013R': ('reversal', 'in', '58.00'), '015': ('payment', 'in', '315.19'),
        '016': ('payment', 'in', '196.59'), '017': ('no_money', 'none', '0.00'),
        '018': ('payment', 'in', '2600.40'), '019': ('payment', 'in', '264.00'),
        '020': ('settlement', 'out', '3000.00'),
    }
    assert set(rows) == set(expect)
    for key, (kind, direction, amount) in expect.items():
        r = rows[key]
        assert (r.kind, r.direction, r.amount) == (kind, direction, D(amount)), key
        assert '\t' not in r.txn_id
    assert rows['013R'].original_id == rows['013'].txn_id
    assert rows['003'].remark == '收钱码收款 ５-２２０３'   # 商品说明 + 备注 both scanned
    assert rows['008'].counterparty == '刘晓梅'
    assert rows['001'].time == '08:10:11'


def test_bank_cmb():
    p = bank_cmb.parse(DATA / 'bank_cmb.csv')
    check_golden('bank_cmb', p)
    assert len(p.rows) == 21 and p.summary.duplicates == 1
    rows = {r.txn_id[-4:] if not r.txn_id.endswith('-R') else '07-R': r for r in p.rows}
    expect = {
        '0001': ('payment', 'in', '650.10'), '0003': ('bank_fee', 'out', '2.00'),
        '0004': ('developer', 'in', '12345.67'), '0005': ('cash_deposit', 'in', '3200.00'),
        '0006': ('payment', 'in', '168.96'), '0007': ('payment', 'in', '500.00'),
        '07-R': ('reversal', 'out', '500.00'), '0009': ('settlement', 'in', '7892.27'),
        '0010': ('settlement', 'in', '5000.00'), '0011': ('payment', 'in', '216.70'),
        '0012': ('payment', 'in', '5000.00'), '0013': ('expense', 'out', '45600.00'),
        '0014': ('expense', 'out', '3456.70'), '0015': ('refund', 'out', '50.00'),
        '0016': ('reversal', 'in', '50.00'), '0017': ('payment', 'in', '945.57'),
        '0018': ('payment', 'in', '4925.00'), '0019': ('interest', 'in', '12.34'),
        '0020': ('settlement', 'in', '1000.00'), '0021': ('no_money', 'none', '0.00'),
        '0022': ('payment', 'in', '216.70'),
    }
    assert set(rows) == set(expect)
    for key, (kind, direction, amount) in expect.items():
        r = rows[key]
        assert (r.kind, r.direction, r.amount) == (kind, direction, D(amount)), key
    assert rows['07-R'].original_id == 'K0000000000000007'
    assert rows['0016'].original_id == 'K0000000000000015'
    assert rows['0001'].account_hint == '4567' and rows['0001'].counterparty == '刘晓梅'
    assert rows['0001'].date.isoformat() == '2024-03-01' and rows['0001'].time == '09:15:22'
    # The merchant day net is what the bank receives from 财付通.
    net = wechat_merchant.parse(DATA / 'wechat_merchant.csv').summary.net
    assert rows['0009'].amount == net


@pytest.mark.parametrize('name,mod', [('wechat_personal', wechat_personal),
                                      ('alipay_personal', alipay_personal), ('bank_cmb', bank_cmb),
                                      ('wechat_merchant', wechat_merchant)])
def test_ids_unique_and_amounts_two_places(name, mod):
    p = mod.parse(DATA / f'{name}.csv')
    ids = [r.txn_id for r in p.rows]
    assert len(ids) == len(set(ids))
    for r in p.rows:
        assert r.amount == r.amount.quantize(D('0.01')) and r.amount.as_tuple().exponent == -2
