"""微信支付商户平台 交易账单 (bill_type=ALL): detail rows, summary header, summary row.

Layout evidence: domain.md §B2. Every value carries a leading backtick. The
summary row is checked against the detail rows after dropping exact duplicates.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .base import Dedup, StatementImporter
from .common import check_conflict, nfkc
from .reading import (clean, clean_id, find_header, header_key, parse_amount, parse_datetime,
                      parse_fee, read_table, record)
from .records import FileSummary, ParsedFile, ParseError, StatementRow, TotalCheck

SOURCE = 'wechat_merchant'
REQUIRED = {
    'time': ('交易时间',), 'order': ('微信订单号',), 'out_trade': ('商户订单号',), 'openid': ('用户标识',),
    'status': ('交易状态',), 'settle': ('应结订单金额', '总金额'), 'refund_id': ('微信退款单号',),
    'refund': ('退款金额',), 'goods': ('商品名称',), 'fee': ('手续费',),
}
OPTIONAL = {
    'coupon': ('代金券金额', '企业红包金额'), 'attach': ('商户数据包',), 'order_amt': ('订单金额',),
    'apply_refund': ('申请退款金额',), 'bank': ('付款银行',), 'refund_status': ('退款状态',),
}
# Summary header → the detail column it totals (None: count of rows).
SUMMARY = {'总交易单数': None, '应结订单总金额': 'settle', '退款总金额': 'refund',
           '充值券退款总金额': None, '手续费总金额': 'fee', '订单总金额': 'order_amt',
           '申请退款总金额': 'apply_refund'}
TWO = Decimal('0.01')


def parse_attach(text: str) -> dict[str, str]:
    """商户数据包 'unit=3-1502;item=物业服务费' → dict; free text is kept under '_'."""
    out: dict[str, str] = {}
    for part in nfkc(text).split(';'):
        part = part.strip()
        if not part:
            continue
        if '=' in part:
            k, v = part.split('=', 1)
            out[k.strip()] = v.strip()
        else:
            out['_'] = (out.get('_', '') + ' ' + part).strip()
    return out


def _money(rec, key, col, where, fee=False):
    text = rec.get(key, '')
    if text == '' and key not in ('settle', 'refund', 'fee'):
        return Decimal('0.00')
    return (parse_fee if fee else parse_amount)(text, column=col, **where)


def parse(path) -> ParsedFile:
    path = str(path)
    table = read_table(path)
    hidx, cols = find_header(table, REQUIRED, OPTIONAL)
    summary = FileSummary()
    dedup = Dedup(path, summary.warnings)
    parsed: list[dict] = []
    summary_cells: tuple[int, list[str], list[str]] | None = None
    body = table.rows[hidx + 1:]
    i = 0
    while i < len(body):
        row_no, cells = body[i]
        i += 1
        if not any(c.strip() for c in cells):
            continue
        if header_key(cells[0]) == '总交易单数':   # summary header; the next row holds totals
            nxt = next(((n, c) for n, c in body[i:] if any(x.strip() for x in c)), None)
            if nxt is None:
                raise ParseError(path, 'summary header without a summary row', row_no)
            summary_cells = (nxt[0], [header_key(c) for c in cells], nxt[1])
            break
        rec = record(cells, cols)
        where = dict(file=path, row=row_no)
        status = rec['status'].upper()
        order = clean_id(rec['order'], column='微信订单号', **where)
        refund_id = clean_id(rec['refund_id'], column='微信退款单号', required=False, **where)
        if check_conflict(dedup, (order, status, refund_id), cells, row_no, path, '微信订单号'):
            continue
        day, time = parse_datetime(rec['time'], column='交易时间', allow_serial=table.is_xlsx, **where)
        parsed.append(dict(
            row=row_no, rec=rec, status=status, order=order, refund_id=refund_id, day=day, time=time,
            settle=_money(rec, 'settle', '应结订单金额', where),
            refund=_money(rec, 'refund', '退款金额', where),
            fee=_money(rec, 'fee', '手续费', where, fee=True),
            coupon=_money(rec, 'coupon', '代金券金额', where),
            order_amt=_money(rec, 'order_amt', '订单金额', where),
            apply_refund=_money(rec, 'apply_refund', '申请退款金额', where)))
    _check_summary(path, parsed, summary_cells, summary)
    # Test orders: paid and fully refunded inside the bill, no fee either way.
    per_order = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for p in parsed:
        t = per_order[p['order']]
        t[0] += p['settle'] - p['refund']
        t[1] += abs(p['fee'])
        t[2] += 1
    rows = [_row(path, p, per_order[p['order']]) for p in parsed]
    summary.rows, summary.duplicates = len(rows), dedup.dropped
    return ParsedFile(path, SOURCE, rows, summary)


def _row(path, p, order_totals) -> StatementRow:
    rec, status = p['rec'], p['status']
    net, fee_abs, n = order_totals
    is_test = n > 1 and net == 0 and fee_abs == 0
    if status == 'REFUND':
        if not p['refund_id']:
            raise ParseError(path, 'REFUND row without 微信退款单号', p['row'], '微信退款单号')
        txn_id, original, amount, direction = p['refund_id'], p['order'], p['refund'], 'out'
        kind, note = 'refund', f'refund of order {p["order"]} ({rec.get("refund_status", "")})'
    elif status == 'SUCCESS':
        txn_id, original, amount, direction = p['order'], None, p['settle'], 'in'
        kind, note = 'payment', 'SUCCESS'
    else:  # REVOKED and unknown states: keep visible, book nothing
        txn_id, original, amount, direction = p['order'], None, p['settle'], 'none'
        kind, note = 'no_money', f'交易状态 {status}'
    if is_test:
        kind, direction, note = 'no_money', 'none', 'test order: paid and refunded, net 0, fee 0'
    elif amount == 0 and kind != 'no_money':
        kind, direction, note = 'no_money', 'none', 'zero amount'
    attach = parse_attach(rec.get('attach', ''))
    return StatementRow(
        source=SOURCE, file=path, row=p['row'], txn_id=txn_id, original_id=original,
        date=p['day'], time=p['time'], direction=direction, amount=amount, fee=p['fee'],
        kind=kind, counterparty=rec['openid'], account_hint='', remark=rec['goods'],
        openid=rec['openid'] or None, attach=attach, coupon=p['coupon'], status=status, note=note)


def _check_summary(path, parsed, summary_cells, summary: FileSummary) -> None:
    settle = sum((p['settle'] for p in parsed), Decimal('0.00'))
    refund = sum((p['refund'] for p in parsed), Decimal('0.00'))
    fee = sum((p['fee'] for p in parsed), Decimal('0.00'))
    summary.net = settle - refund - fee
    if summary_cells is None:
        summary.warnings.append('no summary row: totals not checked')
        return
    row_no, names, values = summary_cells
    for idx, name in enumerate(names):
        if name not in SUMMARY:
            continue
        text = clean(values[idx]) if idx < len(values) else ''
        if SUMMARY[name] is None:
            if name == '总交易单数':
                if not text.isdigit():
                    raise ParseError(path, f'bad count {text!r}', row_no, name)
                actual = Decimal(len(parsed))
                expected = Decimal(int(text))
            else:
                continue
        else:
            key = SUMMARY[name]
            expected = parse_fee(text, file=path, row=row_no, column=name)
            actual = sum((p[key] for p in parsed), Decimal('0.00'))
        check = TotalCheck(name, expected, actual)
        summary.checks.append(check)
        if not check.ok:
            raise ParseError(path, f'summary {name} is {expected} but the detail rows sum to {actual}',
                             row_no, name)


class Importer(StatementImporter):
    source = SOURCE
    default_account = 'Assets:Clearing:WeChat'
    link_prefix = 'wx'
    required = REQUIRED
    parse_func = staticmethod(parse)
