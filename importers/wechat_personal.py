"""微信支付账单明细 (personal wallet): old CSV and current XLSX, same columns.

Layout evidence: domain.md §B1. The header row is located by its column names
because it moved from line 17 to 18 to 19 between 2024 and 2026.
"""
from __future__ import annotations

import re
from decimal import Decimal

from .base import Dedup, StatementImporter
from .common import card_tail, check_conflict, join_text, nfkc
from .reading import clean_id, find_header, parse_amount, parse_datetime, read_table, record
from .records import FileSummary, ParsedFile, ParseError, StatementRow

SOURCE = 'wechat_personal'
REQUIRED = {
    'time': ('交易时间',), 'type': ('交易类型',), 'party': ('交易对方',), 'goods': ('商品',),
    'io': ('收/支',), 'amount': ('金额(元)', '金额（元）', '金额'), 'status': ('当前状态',),
    'id': ('交易单号',),
}
OPTIONAL = {'method': ('支付方式',), 'merchant_id': ('商户单号',), 'memo': ('备注',)}
NO_MONEY_STATUS = ('已退还', '对方已退还', '提现失败')
_FEE = re.compile(r'服务费\s*[¥￥]?\s*([0-9.,]+)')
_QR = re.compile(r'^收款方备注:?\s*二维码收款\s*;?\s*')


def payer_text(goods: str) -> str:
    """Keep only the payer's words: drop the QR/transfer boilerplate prefixes."""
    s = _QR.sub('', goods.strip())
    if '付款方留言' in s:
        s = s.split('付款方留言', 1)[1].lstrip(':：')
    s = re.sub(r'^转账备注\s*[:：]\s*', '', s)
    return s.strip()


def _classify(typ, io, status, amount, fee) -> tuple[str, str, str]:
    """→ (kind, direction, note)."""
    if any(status.startswith(s) or s in status for s in NO_MONEY_STATUS):
        return 'no_money', 'none', f'状态 {status}: no money moved'
    if amount == 0:
        return 'no_money', 'none', 'zero amount'
    if typ == '零钱提现':
        return 'settlement', 'out', f'零钱提现 to bank, service fee {fee}'
    if typ == '零钱充值':
        return 'settlement', 'in', '零钱充值 from bank'
    direction = {'收入': 'in', '支出': 'out'}.get(io, 'none')
    if '退款' in typ:
        return 'reversal', direction, f'{typ}: refund of an earlier spend'
    if typ.startswith('微信红包'):
        return 'gift', direction, '微信红包: gift, not a fee'
    if direction == 'out':
        if typ == '转账':
            return 'refund', 'out', '转账支出: money back to a payer'
        return 'expense', 'out', f'{typ} 支出: spend on the collector wallet'
    if direction == 'in':
        return 'payment', 'in', f'{typ} 收入'
    return 'other', 'none', f'{typ} 中性交易 ({io or "no 收/支"})'


def parse(path) -> ParsedFile:
    path = str(path)
    table = read_table(path)
    hidx, cols = find_header(table, REQUIRED, OPTIONAL)
    summary = FileSummary()
    dedup = Dedup(path, summary.warnings)
    rows: list[StatementRow] = []
    for row_no, cells in table.rows[hidx + 1:]:
        if not any(c.strip() for c in cells):
            continue
        if cells and cells[0].strip().startswith('---'):
            break  # footer marker in some exports
        rec = record(cells, cols)
        where = dict(file=path, row=row_no)
        txn_id = clean_id(rec['id'], column='交易单号', **where)
        if check_conflict(dedup, (txn_id,), cells, row_no, path, '交易单号'):
            continue
        day, time = parse_datetime(rec['time'], column='交易时间', allow_serial=table.is_xlsx, **where)
        total = parse_amount(rec['amount'], column='金额(元)', **where)
        if total < 0:
            raise ParseError(path, f'negative amount {total}; the sign belongs in 收/支', row_no, '金额(元)')
        typ, io, status = nfkc(rec['type']), nfkc(rec['io']), rec['status']
        memo = rec.get('memo', '')
        fee = Decimal('0.00')
        if typ == '零钱提现' and (m := _FEE.search(nfkc(memo))):
            fee = parse_amount(m.group(1), column='备注', **where)
            if fee > total:
                raise ParseError(path, f'service fee {fee} exceeds amount {total}', row_no, '备注')
        kind, direction, note = _classify(typ, io, status, total, fee)
        if kind == 'no_money' and total == 0:
            summary.warnings.append(f'row {row_no}: zero amount ({txn_id}); skipped for booking')
        amount = total - fee  # WeChat's withdrawal figure includes the fee
        remark = join_text(payer_text(rec['goods']), '' if fee else memo)
        rows.append(StatementRow(
            source=SOURCE, file=path, row=row_no, txn_id=txn_id, date=day, time=time,
            direction=direction, amount=amount, fee=fee, kind=kind,
            counterparty=rec['party'], account_hint=card_tail(rec.get('method', ''), rec['party']),
            remark=remark, status=status, note=note))
    summary.rows, summary.duplicates = len(rows), dedup.dropped
    return ParsedFile(path, SOURCE, rows, summary)


class Importer(StatementImporter):
    source = SOURCE
    default_account = 'Assets:Clearing:WeChat'
    link_prefix = 'wx'
    required = REQUIRED
    parse_func = staticmethod(parse)
