"""Importers without a real sample: files built from the documented layouts (domain.md §B4/§B5)."""
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data as bdata
from imp_helpers import DATA

from importers import alipay_merchant, bank_ccb, bank_icbc, detect
from importers.base import signed_units

D = Decimal
ROOT = Path(__file__).resolve().parents[2]

ALIPAY_MERCHANT = '\r\n'.join([
    '#支付宝账务明细查询',
    '#账号：[20880000000000000156]',
    '#起始日期：[2024年03月01日 00:00:00]   终止日期：[2024年03月02日 00:00:00]',
    '#-----------------------------------------账务明细列表----------------------------------------',
    '账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注',
    '20240301001\t,2024030122001400001\t,WY001\t,物业费-3-1502\t,2024-03-01 09:00:00,刘* (139****0088)\t,650.10,0.00,10650.10,支付宝,在线支付,',
    '20240301002\t,2024030122001400001\t,WY001\t,物业费-3-1502\t,2024-03-01 09:00:00,支付宝(中国)网络技术有限公司\t,0.00,-3.90,10646.20,支付宝,收费,服务费',
    '20240301003\t,2024030122001400001\t,WY001\t,物业费-3-1502\t,2024-03-01 15:00:00,刘* (139****0088)\t,0.00,-50.00,10596.20,支付宝,退款,部分退款',
    '20240301004\t,2024030100000000009\t,\t,提现\t,2024-03-01 18:00:00,翠湖苑物业 (6214****7890)\t,0.00,"-10,000.00",596.20,支付宝,提现,',
    '20240301005\t,2024030122001400005\t,WY005\t,物业费-二号楼1101\t,2024-03-01 19:00:00,wang@example.com\t,0.00,0.00,596.20,支付宝,在线支付,',
    '#----------------------------------------账务明细列表结束-------------------------------------',
    '#支出合计：3笔，共10053.90元',
    '#收入合计：1笔，共650.10元',
    '#导出时间：[2024年03月02日 13:19:01]',
]) + '\r\n'

ICBC = '\n'.join([
    '中国工商银行 账户明细',
    '账号,1202000000000000001,户名,翠湖苑物业服务有限公司',
    '交易时间,凭证号,对方单位,对方账号,摘要,用途,借方发生额,贷方发生额,余额',
    '2024-03-01 09:15:22,IC0001,刘晓梅,6217000010001234567,汇入,3-1502物业费,,650.10,"10,650.10"',
    '2024-03-02 10:00:00,IC0002,,,手续费,汇款手续费,2.00,,"10,648.10"',
    '2024-03-03 10:00:00,IC0003,江城置业开发有限公司,440000000000000000001,汇入,2024Q1空置房物业费,,"12,345.67","22,993.77"',
    '2024-03-04 11:00:00,IC0004,周某某,6228000030003456789,汇入,物业费,,500.00,"23,493.77"',
    '2024-03-04 11:05:00,IC0004,周某某,6228000030003456789,冲正,物业费,,-500.00,"22,993.77"',
    '2024-03-05 10:00:00,IC0005,财付通支付科技有限公司,243300133,汇入,微信支付结算,,"7,892.27","30,886.04"',
    '2024-03-21 23:59:59,IC0006,,,利息,结息,,12.34,"30,898.38"',
    '2024-03-22 10:00:00,IC0007,江城市自来水有限公司,440000000000000000014,转账,2月水费,"3,456.70",,"27,441.68"',
    '合计,,,,,,"3,458.70","20,900.28",',
]) + '\n'

CCB = '\r\n'.join([
    '中国建设银行单位账户明细',
    '账号:44050100000000000001,户名:翠湖苑物业服务有限公司',
    '交易时间,借方发生额/元(支取),贷方发生额/元(收入),余额,币种,对方户名,对方账号,对方开户机构,记账日期,摘要,备注,账户明细编号-交易流水号,企业流水号,凭证种类,凭证号',
    '20240301 09:15:22,0.00,650.10,"10,650.10",人民币,刘晓梅,6217000010001234567,建行江城分行,20240301,转账存入,３－１５０２物业费,1-CB0001,,,',
    '20240302 10:00:00,0.00,"3,200.00","13,850.10",人民币,,,,20240302,现金存入,前台现金,1-CB0002,,,',
    '20240303 10:00:00,50.00,0.00,"13,800.10",人民币,刘晓梅,6217000010001234560,建行江城分行,20240303,转账支取,退3-1502多缴,1-CB0003,,,',
    '20240304 09:00:00,0.00,50.00,"13,850.10",人民币,刘晓梅,6217000010001234560,建行江城分行,20240304,退汇,退汇 原流水号1-CB0003,1-CB0004,,,',
    '20240305 17:00:00,"45,600.00",0.00,"-31,749.90",人民币,,,,20240305,代发工资,2月工资,1-CB0005,,,',
    '20240306 10:00:00,0.00,"1,000.00","-30,749.90",人民币,支付宝（中国）网络技术有限公司,215500000000000000001,招商银行杭州分行,20240306,转账存入,提现,1-CB0006,,,',
]) + '\r\n'


@pytest.fixture
def files(tmp_path):
    out = {}
    for name, text, enc in [('am.csv', ALIPAY_MERCHANT, 'gbk'), ('icbc.csv', ICBC, 'gbk'),
                            ('ccb.csv', CCB, 'gb18030')]:
        (tmp_path / name).write_bytes(text.encode(enc))
        out[name] = tmp_path / name
    return out


def test_alipay_merchant(files):
    p = alipay_merchant.parse(files['am.csv'])
    r = {x.txn_id: x for x in p.rows}
    assert [x.kind for x in p.rows] == ['payment', 'bank_fee', 'refund', 'settlement', 'no_money']
    assert r['20240301001'].amount == D('650.10') and r['20240301001'].direction == 'in'
    assert r['20240301001'].counterparty == '刘*' and r['20240301001'].account_hint == '139****0088'
    assert r['20240301002'].amount == D('3.90') and r['20240301002'].direction == 'out'
    assert r['20240301003'].original_id == '20240301001'
    assert r['20240301004'].amount == D('10000.00')
    assert r['20240301005'].account_hint == 'w***@example.com'
    assert r['20240301001'].remark == '物业费-3-1502'
    assert detect.identify(files['am.csv']).source == 'alipay_merchant'


def test_icbc(files):
    p = bank_icbc.parse(files['icbc.csv'])
    kinds = [(x.txn_id, x.kind, x.direction, x.amount) for x in p.rows]
    assert kinds == [
        ('IC0001', 'payment', 'in', D('650.10')), ('IC0002', 'bank_fee', 'out', D('2.00')),
        ('IC0003', 'developer', 'in', D('12345.67')), ('IC0004', 'payment', 'in', D('500.00')),
        ('IC0004-R', 'reversal', 'out', D('500.00')), ('IC0005', 'settlement', 'in', D('7892.27')),
        ('IC0006', 'interest', 'in', D('12.34')), ('IC0007', 'expense', 'out', D('3456.70'))]
    assert p.rows[4].original_id == 'IC0004'
    assert p.rows[0].time == '09:15:22' and p.rows[0].account_hint == '4567'
    assert detect.identify(files['icbc.csv']).source == 'bank_icbc'


def test_ccb(files):
    p = bank_ccb.parse(files['ccb.csv'])
    kinds = [(x.txn_id, x.kind, x.direction, x.amount) for x in p.rows]
    assert kinds == [
        ('1-CB0001', 'payment', 'in', D('650.10')), ('1-CB0002', 'cash_deposit', 'in', D('3200.00')),
        ('1-CB0003', 'refund', 'out', D('50.00')), ('1-CB0004', 'reversal', 'in', D('50.00')),
        ('1-CB0005', 'expense', 'out', D('45600.00')), ('1-CB0006', 'settlement', 'in', D('1000.00'))]
    assert p.rows[3].original_id == '1-CB0003'
    assert p.rows[0].remark == '３－１５０２物业费'
    assert detect.identify(files['ccb.csv']).source == 'bank_ccb'


def test_each_sample_identified_by_exactly_one_importer():
    for name in ('wechat_personal', 'wechat_merchant', 'alipay_personal', 'bank_cmb'):
        path = str(DATA / f'{name}.csv')
        hits = [imp.source for imp in detect.IMPORTERS if imp.identify(path)]
        assert hits == [name]


def test_extract_links_meta_and_cmp():
    imp = detect.identify(DATA / 'bank_cmb.csv')
    entries = imp.extract(str(DATA / 'bank_cmb.csv'), [])
    assert all(e.flag == '!' and len(e.postings) == 1 for e in entries)
    assert all(e.postings[0].account == 'Assets:Bank:CMB' for e in entries)
    first = entries[0]
    assert first.links == {'cmb-K0000000000000001'}
    assert first.meta['txn-id'] == 'K0000000000000001' and first.meta['kind'] == 'payment'
    assert len(entries) == 20                           # the zero row is not extracted
    # Two equal 216.70 payments on nearby days are NOT duplicates (different ids) …
    a, b = [e for e in entries if e.postings[0].units.number == D('216.70')]
    assert not imp.cmp(a, b)
    assert imp.cmp(a, a._replace(meta=dict(a.meta)))     # … the same id is.
    assert isinstance(a, bdata.Transaction)


def test_signed_units_include_fees():
    from importers import wechat_merchant, wechat_personal
    rows = wechat_merchant.parse(DATA / 'wechat_merchant.csv').rows
    assert sum(signed_units(r) for r in rows) == D('7892.27')
    wx = {r.txn_id[-3:]: r for r in wechat_personal.parse(DATA / 'wechat_personal.csv').rows}
    assert signed_units(wx['125']) == D('-5005.00')


def test_cli_identify_and_extract():
    path = str(DATA / 'wechat_merchant.csv')
    run = lambda *a: subprocess.run([sys.executable, '-m', 'importers', *a], cwd=ROOT,
                                    capture_output=True, text=True, timeout=60)
    out = run('identify', path)
    assert out.returncode == 0 and 'wuye.wechat_merchant' in out.stdout
    out = run('extract', path)
    assert out.returncode == 0, out.stderr
    assert '^wx-50303108562024030500000000001' in out.stdout
    assert 'Assets:Clearing:WeChat' in out.stdout and 'txn-id:' in out.stdout
