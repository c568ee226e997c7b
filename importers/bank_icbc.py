"""工商银行 企业网银 明细 (CSV/XLSX). NO SAMPLE: the column set is built from
documentation and common exports (domain.md §B5 lists only the personal layout):
交易时间,凭证号,对方单位,对方账号,摘要,用途,借方发生额,贷方发生额,余额 (+ optional 交易流水号).
"""
from __future__ import annotations

from .base import StatementImporter
from .bank_common import BankSpec, parse_bank
from .records import ParsedFile

SPEC = BankSpec(
    source='bank_icbc',
    column_names={'date': '交易时间', 'debit': '借方发生额', 'credit': '贷方发生额', 'serial': '凭证号'},
    required={'date': ('交易时间', '交易日期'), 'serial': ('凭证号',), 'party': ('对方单位', '对方单位名称'),
              'debit': ('借方发生额',), 'credit': ('贷方发生额',)},
    optional={'account': ('对方账号',), 'summary': ('摘要',), 'purpose': ('用途',),
              'balance': ('余额',), 'memo': ('附言', '个性化信息')},
)


def parse(path) -> ParsedFile:
    return parse_bank(path, SPEC)


class Importer(StatementImporter):
    source = SPEC.source
    default_account = 'Assets:Bank:ICBC'
    link_prefix = 'icbc'
    required = SPEC.required
    parse_func = staticmethod(parse)
