"""支付宝交易明细 (personal, 2023+ layout): GBK, variable preamble, padded header.

Layout evidence: domain.md §B3. Refund rows carry the original order number
plus a `_suffix`; they are paired with the original when it is in the file.
"""
from __future__ import annotations

from .base import Dedup, StatementImporter
from .common import check_conflict, join_text, nfkc
from .reading import clean_id, find_header, parse_amount, parse_datetime, read_table, record
from .records import FileSummary, ParsedFile, ParseError, StatementRow

SOURCE = 'alipay_personal'
REQUIRED = {
    'time': ('交易时间',), 'category': ('交易分类',), 'party': ('交易对方',), 'goods': ('商品说明',),
    'io': ('收/支',), 'amount': ('金额',), 'status': ('交易状态',), 'id': ('交易订单号',),
}
OPTIONAL = {'account': ('对方账号',), 'method': ('收/付款方式',), 'merchant_id': ('商家订单号',),
            'memo': ('备注',)}
NO_MONEY_STATUS = ('交易关闭', '已关闭', '失败')


def _classify(cat, io, status, goods, amount, original) -> tuple[str, str, str]:
    if any(s in status for s in NO_MONEY_STATUS):
        return 'no_money', 'none', f'交易状态 {status}: no money moved'
    if amount == 0:
        return 'no_money', 'none', 'zero amount'
    if cat == '退款' or goods.startswith('退款-') or status == '退款成功':
        if original is not None and original.direction == 'in':
            return 'refund', 'out', f'refund of payment {original.txn_id}'
        return 'reversal', 'in', 'refund received for an earlier spend'
    if '余额宝' in goods and '收益' in goods:
        return 'interest', 'in', '余额宝收益'
    if io == '不计收支' and '提现' in goods + cat:
        return 'settlement', 'out', '提现 to bank'
    if io == '不计收支' and '充值' in goods + cat:
        return 'settlement', 'in', '充值 from bank'
    if io == '支出':
        if cat in ('转账红包', '转账') or goods.startswith(('退', '退还')):
            return 'refund', 'out', '转账支出: money back to a payer'
        return 'expense', 'out', f'{cat} 支出'
    if io == '收入':
        if '红包' in goods and cat not in ('转账红包',):
            return 'gift', 'in', '红包: gift, not a fee'
        return 'payment', 'in', f'{cat} 收入'
    return 'other', 'none', f'{cat} {io or "no 收/支"}'


def parse(path) -> ParsedFile:
    path = str(path)
    table = read_table(path)
    hidx, cols = find_header(table, REQUIRED, OPTIONAL)
    summary = FileSummary()
    dedup = Dedup(path, summary.warnings)
    pending = []
    for row_no, cells in table.rows[hidx + 1:]:
        if not any(c.strip() for c in cells):
            continue
        if cells[0].strip().startswith('---'):
            break  # footer of older exports
        rec = record(cells, cols)
        where = dict(file=path, row=row_no)
        txn_id = clean_id(rec['id'], column='交易订单号', **where)
        if check_conflict(dedup, (txn_id,), cells, row_no, path, '交易订单号'):
            continue
        day, time = parse_datetime(rec['time'], column='交易时间', allow_serial=table.is_xlsx, **where)
        amount = parse_amount(rec['amount'], column='金额', **where)
        if amount < 0:
            raise ParseError(path, f'negative amount {amount}; the sign belongs in 收/支', row_no, '金额')
        pending.append((row_no, rec, txn_id, day, time, amount))
    # Originals first (file is newest first) so refunds can look them up.
    by_id: dict[str, StatementRow] = {}
    rows: list[StatementRow] = []
    for row_no, rec, txn_id, day, time, amount in sorted(pending, key=lambda p: '_' in p[2]):
        cat, io, goods = nfkc(rec['category']), nfkc(rec['io']), nfkc(rec['goods'])
        original_id = txn_id.split('_', 1)[0] if '_' in txn_id else None
        is_refund = cat == '退款' or goods.startswith('退款-')
        original = by_id.get(original_id) if original_id else None
        kind, direction, note = _classify(cat, io, rec['status'], goods, amount, original)
        if kind == 'no_money' and amount == 0:
            summary.warnings.append(f'row {row_no}: zero amount ({txn_id}); skipped for booking')
        if is_refund and original_id and original is None:
            note += f' (original {original_id} not in this file)'
        row = StatementRow(
            source=SOURCE, file=path, row=row_no, txn_id=txn_id,
            original_id=original_id if is_refund else None, date=day, time=time,
            direction=direction, amount=amount, kind=kind, counterparty=rec['party'],
            account_hint=rec.get('account', ''), remark=join_text(rec['goods'], rec.get('memo', '')),
            status=rec['status'], note=note)
        by_id[txn_id] = row
        rows.append(row)
    rows.sort(key=lambda r: r.row)
    summary.rows, summary.duplicates = len(rows), dedup.dropped
    return ParsedFile(path, SOURCE, rows, summary)


class Importer(StatementImporter):
    source = SOURCE
    default_account = 'Assets:Clearing:Alipay'
    link_prefix = 'ali'
    required = REQUIRED
    parse_func = staticmethod(parse)
