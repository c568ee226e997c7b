"""Every user-facing error names the file, and the row/column when known."""
import io
import zipfile
from decimal import Decimal

import pytest
from imp_helpers import DATA

from importers import alipay_personal, bank_cmb, detect, wechat_merchant, wechat_personal
from importers.reading import parse_amount, parse_datetime
from importers.records import ParseError


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_missing_column_names_column_and_file(tmp_path):
    text = (DATA / 'wechat_personal.csv').read_text(encoding='utf-8-sig')
    p = _write(tmp_path, 'wx.csv', text.replace(',交易单号,', ',单号,').encode('utf-8'))
    with pytest.raises(ParseError) as e:
        wechat_personal.parse(p)
    msg = str(e.value)
    assert str(p) in msg and e.value.file == str(p)
    assert e.value.reason == 'missing column(s): 交易单号'
    assert e.value.row == 17                     # the closest header candidate


def test_missing_column_message_lists_exactly_the_missing_ones(tmp_path):
    text = (DATA / 'bank_cmb.csv').read_bytes().decode('gbk')
    text = text.replace(',流水号,', ',序号,').replace(',用途,', ',说明,')
    p = _write(tmp_path, 'cmb.csv', text.encode('gbk'))
    with pytest.raises(ParseError) as e:
        bank_cmb.parse(p)
    assert str(p) in str(e.value)
    assert e.value.reason == 'missing column(s): 流水号, 用途'


def test_garbage_bytes(tmp_path):
    p = _write(tmp_path, 'g.csv', bytes(range(256)) * 20)
    with pytest.raises(ParseError, match='binary'):
        alipay_personal.parse(p)
    p2 = _write(tmp_path, 'g2.csv', b'\xff\xfe\xfa\x80' * 500)
    with pytest.raises(ParseError) as e:
        alipay_personal.parse(p2)
    assert str(p2) in str(e.value)


def test_empty_file(tmp_path):
    for data in (b'', b'\n\r\n  '):
        p = _write(tmp_path, 'e.csv', data)
        with pytest.raises(ParseError, match='empty file'):
            wechat_personal.parse(p)
        with pytest.raises(ParseError, match='empty file'):
            detect.parse_any(p)


def test_binary_disguised_as_csv(tmp_path):
    png = b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' + bytes(200)
    with pytest.raises(ParseError, match='binary'):
        bank_cmb.parse(_write(tmp_path, 'statement.csv', png))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:   # a zip that is not a workbook
        z.writestr('readme.txt', 'hello')
    with pytest.raises(ParseError, match='XLSX'):
        bank_cmb.parse(_write(tmp_path, 'statement2.csv', buf.getvalue()))
    assert detect.identify(tmp_path / 'statement.csv') is None


def test_unknown_csv_is_not_identified(tmp_path):
    p = _write(tmp_path, 'x.csv', 'a,b,c\n1,2,3\n'.encode())
    assert detect.identify(p) is None
    with pytest.raises(ParseError, match='not a known statement'):
        detect.parse_any(p)


def test_bad_amount_names_row_and_column(tmp_path):
    text = (DATA / 'wechat_personal.csv').read_text(encoding='utf-8-sig')
    p = _write(tmp_path, 'wx.csv', text.replace('¥242.99', '¥1e3').encode('utf-8'))
    with pytest.raises(ParseError) as e:
        wechat_personal.parse(p)
    assert (e.value.row, e.value.column) == (21, '金额(元)')
    assert 'row 21' in str(e.value) and '金额(元)' in str(e.value)


def test_merchant_summary_mismatch_names_column(tmp_path):
    text = (DATA / 'wechat_merchant.csv').read_text(encoding='utf-8')
    p = _write(tmp_path, 'm.csv', text.replace('`8188.88', '`8188.89').encode())
    with pytest.raises(ParseError) as e:
        wechat_merchant.parse(p)
    assert e.value.column == '应结订单总金额' and str(p) in str(e.value)


def test_merchant_kept_duplicate_would_break_the_sum(tmp_path):
    # A duplicate with one changed cell is not exact: it is reported, not silently summed.
    lines = (DATA / 'wechat_merchant.csv').read_bytes().decode('utf-8').split('\r\n')
    lines[11] = lines[11].replace('`CMB_DEBIT', '`ICBC_DEBIT')
    p = _write(tmp_path, 'm.csv', '\r\n'.join(lines).encode())
    with pytest.raises(ParseError, match='repeats row 2'):
        wechat_merchant.parse(p)


@pytest.mark.parametrize('text,value', [
    ('１２３.４５', '123.45'), ('¥4.50', '4.50'), ('￥ 1,234.50', '1234.50'), ('-500.00', '-500.00'),
    ('`7.1', '7.10'), ('12,345.67', '12345.67'), ('0', '0.00'), ('-0', '0.00'), (' 12 ', '12.00'),
])
def test_parse_amount_accepts(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize('text', ['NaN', 'nan', 'Infinity', '-inf', '1e3', '1E3', '1,2,3', '12.345',
                                  '', '/', 'abc', '1_000', '1234567890123.00', '--1', '1.2.3', '0x10'])
def test_parse_amount_rejects(text):
    with pytest.raises(ParseError) as e:
        parse_amount(text, file='f.csv', row=7, column='金额')
    assert 'f.csv, row 7, column 金额' in str(e.value)


@pytest.mark.parametrize('text,expect', [
    ('2024-03-01 09:12:33', ('2024-03-01', '09:12:33')), ('20240301', ('2024-03-01', None)),
    ('2024/3/1 9:05', ('2024-03-01', '09:05:00')), ('2024-03-01', ('2024-03-01', None)),
    ('２０２４-０３-０１', ('2024-03-01', None)), ('2024-03-01 09:12', ('2024-03-01', '09:12:00')),
])
def test_parse_datetime(text, expect):
    day, t = parse_datetime(text)
    assert (day.isoformat(), t) == expect


def test_parse_datetime_serial_only_for_xlsx():
    assert parse_datetime('45352.5', allow_serial=True)[0].isoformat() == '2024-03-01'
    with pytest.raises(ParseError):
        parse_datetime('45352.5')
    for bad in ('2024-02-30', '9999-12-31', 'yesterday', ''):
        with pytest.raises(ParseError):
            parse_datetime(bad, file='f', row=3, column='交易时间')
