"""建设银行 企业网银 账户明细 (CSV/XLSX). NO SAMPLE: columns from the public
jiaqi recognitionDo.vue table quoted in domain.md §B5: 交易时间, 借方发生额/元(支取),
贷方发生额/元(收入), 余额, 币种, 对方户名, 对方账号, 对方开户机构, 记账日期, 摘要, 备注,
账户明细编号-交易流水号, 企业流水号, 凭证种类, 凭证号.
"""
from __future__ import annotations

from .base import StatementImporter
from .bank_common import BankSpec, parse_bank
from .records import ParsedFile

SPEC = BankSpec(
    source='bank_ccb',
    column_names={'date': '交易时间', 'debit': '借方发生额(支取)', 'credit': '贷方发生额(收入)',
                  'serial': '账户明细编号-交易流水号'},
    required={'date': ('交易时间',),
              'debit': ('借方发生额(支取)', '借方发生额/元(支取)', '借方发生额（支取）'),
              'credit': ('贷方发生额(收入)', '贷方发生额/元(收入)', '贷方发生额（收入）'),
              'serial': ('账户明细编号-交易流水号',)},
    optional={'party': ('对方户名',), 'account': ('对方账号',), 'summary': ('摘要',),
              'purpose': ('备注',), 'balance': ('余额',), 'ext': ('企业流水号',)},
)


def parse(path) -> ParsedFile:
    return parse_bank(path, SPEC)


class Importer(StatementImporter):
    source = SPEC.source
    default_account = 'Assets:Bank:CCB'
    link_prefix = 'ccb'
    required = SPEC.required
    parse_func = staticmethod(parse)
