"""Hypothesis fuzz: mangled sample rows either parse or raise ParseError, nothing else."""
import csv
import io
import os
import tempfile

import pytest
from imp_helpers import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_imp_nosample import ALIPAY_MERCHANT, CCB, ICBC

from importers import (alipay_merchant, alipay_personal, bank_ccb, bank_cmb, bank_icbc, detect,
                       wechat_merchant, wechat_personal)
from importers.records import ParsedFile, ParseError

SOURCES = {
    'wechat_personal': ((DATA / 'wechat_personal.csv').read_bytes().decode('utf-8-sig'), wechat_personal),
    'wechat_merchant': ((DATA / 'wechat_merchant.csv').read_bytes().decode('utf-8'), wechat_merchant),
    'alipay_personal': ((DATA / 'alipay_personal.csv').read_bytes().decode('gbk'), alipay_personal),
    'bank_cmb': ((DATA / 'bank_cmb.csv').read_bytes().decode('gbk'), bank_cmb),
    'alipay_merchant': (ALIPAY_MERCHANT, alipay_merchant),
    'bank_icbc': (ICBC, bank_icbc),
    'bank_ccb': (CCB, bank_ccb),
}
NASTY = ['１２３.４５', 'NaN', '1e3', '1,2,3', '', '-0', '¥', '12.345', 'Infinity', '`', '/', '\t',
         '9999-12-31', '2024-02-30', '45352.5', '4.2E+27', '\x00', '\u200b', '交易时间', '总交易单数',
         '-500.00', '"', '\r\n', '0.00', '99999999999999.99', '-', '*', '冲帐', '退汇 原流水号X']
text_cells = st.one_of(st.sampled_from(NASTY),
                       st.text(alphabet=st.characters(blacklist_categories=('Cs',)), max_size=12))


def _rows(text):
    return list(csv.reader(io.StringIO(text, newline='')))


@st.composite
def mutated(draw, name):
    rows = _rows(SOURCES[name][0])
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(rows) - 1))
        if not rows[i]:
            continue
        op = draw(st.sampled_from(['replace', 'drop', 'dup', 'truncate']))
        j = draw(st.integers(0, len(rows[i]) - 1))
        if op == 'replace':
            rows[i][j] = draw(text_cells)
        elif op == 'drop':
            del rows[i][j]
        elif op == 'dup':
            rows.insert(i, list(rows[i]))
        else:
            rows[i] = rows[i][:j]
    buf = io.StringIO()
    csv.writer(buf, lineterminator=draw(st.sampled_from(['\r\n', '\n']))).writerows(rows)
    enc = draw(st.sampled_from(['utf-8', 'utf-8-sig', 'gb18030', 'utf-16', 'latin-1']))
    data = buf.getvalue().encode(enc, errors='replace')
    if draw(st.booleans()):   # occasionally corrupt raw bytes too
        k = draw(st.integers(0, max(0, len(data) - 1)))
        data = data[:k] + draw(st.binary(max_size=8)) + data[k:]
    return data


def _check(mod, data):
    fd, path = tempfile.mkstemp(suffix='.csv')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
        try:
            result = mod.parse(path)
        except ParseError as exc:
            assert exc.file == path and path in str(exc)
            return
        assert isinstance(result, ParsedFile)
        for r in result.rows:
            assert r.amount >= 0 and r.amount.as_tuple().exponent == -2
        try:
            detect.parse_any(path)
        except ParseError:
            pass
    finally:
        os.unlink(path)


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize('name', sorted(SOURCES))
def test_fuzz(name):
    mod = SOURCES[name][1]

    @FUZZ
    @given(mutated(name))
    def run(data):
        _check(mod, data)
    run()
