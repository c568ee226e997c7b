"""Format variants generated from the samples: XLSX, shifted headers, encodings, line ends."""
import csv
import datetime
import io

import openpyxl
import pytest
from imp_helpers import DATA, render

from importers import alipay_personal, bank_cmb, detect, wechat_merchant, wechat_personal


def _csv_rows(name, enc):
    text = (DATA / name).read_bytes().decode(enc)
    return list(csv.reader(io.StringIO(text, newline='')))


def _wechat_xlsx(path, header_row, serial_dates=False, bare=True):
    rows = _csv_rows('wechat_personal.csv', 'utf-8-sig')
    hdr = next(i for i, r in enumerate(rows) if r[:2] == ['交易时间', '交易类型'])
    preamble = [r[:1] for r in rows[:hdr]]
    while len(preamble) < header_row - 1:          # the 2026 exports added preamble rows
        preamble.insert(1, ['导出说明：新增一行'])
    preamble = preamble[:header_row - 1]
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in preamble:
        ws.append(r)
    ws.append(rows[hdr])
    for r in rows[hdr + 1:]:
        r = list(r)
        when = datetime.datetime.strptime(r[0], '%Y-%m-%d %H:%M:%S')
        if serial_dates:   # Excel date serial as a plain number
            delta = when - datetime.datetime(1899, 12, 30)
            r[0] = delta.days + delta.seconds / 86400
        else:
            r[0] = when
        if bare:
            r[5] = float(r[5].lstrip('¥'))         # numeric cell, as in 2026 exports
        ws.append(r)
    wb.save(path)
    assert ws.max_row >= header_row


BASE_WX = render(wechat_personal.parse(DATA / 'wechat_personal.csv'), keep_location=False)


@pytest.mark.parametrize('header_row', [17, 18, 19])
def test_wechat_xlsx_header_rows(tmp_path, header_row):
    path = tmp_path / 'bill.csv'          # wrong extension on purpose: detected by zip magic
    _wechat_xlsx(path, header_row)
    p = wechat_personal.parse(path)
    assert render(p, keep_location=False) == BASE_WX
    assert p.rows[0].row == header_row + 1
    assert detect.identify(path).source == 'wechat_personal'


def test_wechat_xlsx_excel_serial_dates(tmp_path):
    path = tmp_path / 'bill.xlsx'
    _wechat_xlsx(path, 19, serial_dates=True)
    assert render(wechat_personal.parse(path), keep_location=False) == BASE_WX


def test_wechat_xlsx_float_with_three_decimals_is_rejected(tmp_path):
    from importers.records import ParseError
    path = tmp_path / 'bill.xlsx'
    _wechat_xlsx(path, 17)
    wb = openpyxl.load_workbook(path)
    wb.active.cell(row=18, column=6).value = 216.705
    wb.save(path)
    with pytest.raises(ParseError, match=r'row 18.*金额'):
        wechat_personal.parse(path)


def _reencode(src, enc_in, enc_out, newline, tmp_path, name, extra_line=None):
    text = (DATA / src).read_bytes().decode(enc_in).replace('\r\n', '\n')
    if extra_line:
        lines = text.split('\n')
        lines.insert(2, extra_line)
        text = '\n'.join(lines)
    path = tmp_path / name
    path.write_bytes(text.replace('\n', newline).encode(enc_out))
    return path


BASE_ALI = render(alipay_personal.parse(DATA / 'alipay_personal.csv'), keep_location=False)


@pytest.mark.parametrize('enc', ['gb18030', 'utf-8', 'utf-8-sig'])
@pytest.mark.parametrize('newline', ['\r\n', '\n'])
@pytest.mark.parametrize('extra', [None, '账单说明：本回单由2026版导出'])
def test_alipay_encodings_and_preamble(tmp_path, enc, newline, extra):
    path = _reencode('alipay_personal.csv', 'gbk', enc, newline, tmp_path, 'a.csv', extra)
    p = alipay_personal.parse(path)
    assert render(p, keep_location=False) == BASE_ALI
    assert p.rows[0].row == 26 + (1 if extra else 0)


@pytest.mark.parametrize('src,enc_in,mod', [
    ('wechat_personal.csv', 'utf-8-sig', wechat_personal),
    ('wechat_merchant.csv', 'utf-8', wechat_merchant),
    ('bank_cmb.csv', 'gbk', bank_cmb),
])
@pytest.mark.parametrize('enc', ['utf-8', 'utf-8-sig', 'gb18030'])
@pytest.mark.parametrize('newline', ['\r\n', '\n'])
def test_other_samples_encodings(tmp_path, src, enc_in, mod, enc, newline):
    base = render(mod.parse(DATA / src), keep_location=False)
    path = _reencode(src, enc_in, enc, newline, tmp_path, 'x.csv')
    assert render(mod.parse(path), keep_location=False) == base


def test_zero_width_and_nul_chars_are_stripped(tmp_path):
    text = (DATA / 'bank_cmb.csv').read_bytes().decode('gbk')
    text = text.replace('3-1502物业费', '3-1502\u200b物业\x00费')
    path = tmp_path / 'b.csv'
    path.write_bytes(text.encode('gb18030'))
    rows = bank_cmb.parse(path).rows
    assert rows[0].remark == '3-1502物业费'
