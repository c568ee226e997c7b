"""招商银行 企业网银 交易明细 (CSV, GBK). Column evidence: domain.md §B5.

The 4 account-info preamble lines in the sample are an assumption; the header
is found by content.
"""
from __future__ import annotations

from .base import StatementImporter
from .bank_common import BankSpec, parse_bank
from .records import ParsedFile

SPEC = BankSpec(
    source='bank_cmb',
    column_names={'date': '交易日', 'debit': '借方金额', 'credit': '贷方金额', 'serial': '流水号'},
    required={'date': ('交易日',), 'debit': ('借方金额',), 'credit': ('贷方金额',),
              'serial': ('流水号',), 'purpose': ('用途',)},
    optional={'time': ('交易时间',), 'balance': ('余额',), 'summary': ('摘要',),
              'party': ('收(付)方名称',), 'account': ('收(付)方帐号', '收(付)方账号'),
              'flag': ('冲帐标志', '冲账标志'), 'ext': ('扩展摘要',), 'biz': ('业务摘要',),
              'other': ('其它摘要', '其他摘要'), 'txtype': ('交易类型',), 'bizname': ('业务名称',)},
)


def parse(path) -> ParsedFile:
    return parse_bank(path, SPEC)


class Importer(StatementImporter):
    source = SPEC.source
    default_account = 'Assets:Bank:CMB'
    link_prefix = 'cmb'
    required = SPEC.required
    parse_func = staticmethod(parse)
