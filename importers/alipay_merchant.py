"""支付宝商家 账务明细 (signcustomer bill, `…_账务明细.csv`, GBK).

NO SAMPLE: the layout is built from documentation (domain.md §B4 quoting the
Aliyun developer article and public code): `#` comment lines, separate
收入金额（+元）/支出金额（-元） columns, ids with a trailing TAB, 对方账号 as
`name (account)`, 业务类型 in {在线支付, 交易付款, 提现, 收费, 退款, 转账, 充值}.
"""
from __future__ import annotations

import re

from .base import Dedup, StatementImporter
from .common import check_conflict, join_text, nfkc
from .reading import clean_id, find_header, parse_amount, parse_datetime, read_table, record
from .records import FileSummary, ParsedFile, ParseError, StatementRow

SOURCE = 'alipay_merchant'
REQUIRED = {
    'id': ('账务流水号',), 'biz_id': ('业务流水号',), 'time': ('发生时间',),
    'income': ('收入金额(+元)', '收入金额（+元）', '收入金额'),
    'expense': ('支出金额(-元)', '支出金额（-元）', '支出金额'), 'type': ('业务类型',),
}
OPTIONAL = {'order': ('商户订单号',), 'goods': ('商品名称',), 'party': ('对方账号',),
            'balance': ('账户余额(元)', '账户余额（元）'), 'channel': ('交易渠道',), 'memo': ('备注',)}
_PARTY = re.compile(r'^(.*?)\s*[(（]([^()（）]*)[)）]\s*$')


def _mask(account: str) -> str:
    if not account or '*' in account:
        return account
    if '@' in account:
        name, _, domain = account.partition('@')
        return f'{name[:1]}***@{domain}'
    digits = re.sub(r'\D', '', account)
    return digits[-4:] if len(digits) >= 4 else ''


def _classify(typ: str, direction: str) -> tuple[str, str]:
    if '退款' in typ:
        return ('refund', 'refund to a payer') if direction == 'out' else ('reversal', 'refund received')
    if '提现' in typ:
        return 'settlement', '提现 to bank'
    if '充值' in typ:
        return 'settlement', '充值 from bank'
    if '收费' in typ or '服务费' in typ:
        return 'bank_fee', 'Alipay service fee'
    if direction == 'in':
        return 'payment', typ or 'income'
    return 'expense', typ or 'spend'


def parse(path) -> ParsedFile:
    path = str(path)
    table = read_table(path)
    hidx, cols = find_header(table, REQUIRED, OPTIONAL)
    summary = FileSummary()
    dedup = Dedup(path, summary.warnings)
    rows: list[StatementRow] = []
    payments_by_ref: dict[str, str] = {}
    for row_no, cells in table.rows[hidx + 1:]:
        if not any(c.strip() for c in cells):
            continue
        if cells[0].strip().startswith('#'):
            if '结束' in cells[0]:
                break
            continue
        rec = record(cells, cols)
        where = dict(file=path, row=row_no)
        txn_id = clean_id(rec['id'], column='账务流水号', **where)
        if check_conflict(dedup, (txn_id,), cells, row_no, path, '账务流水号'):
            continue
        day, time = parse_datetime(rec['time'], column='发生时间', allow_serial=table.is_xlsx, **where)
        income = parse_amount(rec['income'] or '0', column='收入金额(+元)', **where)
        expense = abs(parse_amount(rec['expense'] or '0', column='支出金额(-元)', **where))
        if income < 0:
            raise ParseError(path, f'negative income {income}', row_no, '收入金额(+元)')
        if income and expense:
            raise ParseError(path, 'both income and expense filled', row_no, '支出金额(-元)')
        typ = nfkc(rec['type'])
        biz = clean_id(rec['biz_id'], column='业务流水号', required=False, **where)
        order = clean_id(rec.get('order', ''), column='商户订单号', required=False, **where)
        original = None
        if income == expense == 0:
            kind, direction, note = 'no_money', 'none', 'zero amount'
            summary.warnings.append(f'row {row_no}: zero amount ({txn_id}); skipped for booking')
        else:
            direction = 'in' if income else 'out'
            kind, note = _classify(typ, direction)
            if kind in ('refund', 'reversal'):
                original = payments_by_ref.get(order) or payments_by_ref.get(biz) or biz or None
            elif kind == 'payment':
                for ref in (order, biz):
                    if ref:
                        payments_by_ref.setdefault(ref, txn_id)
        m = _PARTY.match(nfkc(rec.get('party', '')))
        party = rec.get('party', '')
        account = m.group(2) if m else (party if re.search(r'@|\d{4}', party) else '')
        party = m.group(1) if m else party
        rows.append(StatementRow(
            source=SOURCE, file=path, row=row_no, txn_id=txn_id, original_id=original, date=day,
            time=time, direction=direction, amount=income or expense, kind=kind,
            counterparty=party.strip(), account_hint=_mask(account.strip()),
            remark=join_text(rec.get('goods', ''), rec.get('memo', '')), status=typ, note=note))
    summary.rows, summary.duplicates = len(rows), dedup.dropped
    return ParsedFile(path, SOURCE, rows, summary)


class Importer(StatementImporter):
    source = SOURCE
    default_account = 'Assets:Clearing:Alipay'
    link_prefix = 'alim'
    required = REQUIRED
    parse_func = staticmethod(parse)
