"""Corporate bank statements: one parser driven by a per-bank column spec.

All three banks have separate debit/credit columns, thousands separators and a
bank serial. Only the column names differ, so the rules live here once.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .base import Dedup
from .common import check_conflict, join_text, nfkc
from .reading import (Columns, clean_id, find_header, parse_amount, parse_datetime, parse_time,
                      read_table, record)
from .records import FileSummary, ParsedFile, ParseError, StatementRow

_ORIG = re.compile(r'原(?:交易)?(?:流水|凭证)号?\s*[:：]?\s*([A-Za-z0-9][A-Za-z0-9_\-]{5,})')
_FEE = re.compile(r'手续费|服务费|管理费|年费|工本费|短信费|汇划费')
_INTEREST = re.compile(r'利息|结息')
_CLEARING = re.compile(r'财付通|支付宝|银联商务|拉卡拉|网联|微信支付')
_CASH = re.compile(r'现金存入|现金缴款|现存|存现')
_HANDOVER = re.compile(r'上缴|上交')
_DEVELOPER = re.compile(r'开发|置业|地产')
_PAYROLL = re.compile(r'代发|工资|薪')
_COMPANY = re.compile(r'公司|集团|局|中心|银行|事务所|委员会|厂|店')
_REFUND_TEXT = re.compile(r'^退|退还|退款|退回')


@dataclass
class BankSpec:
    source: str
    column_names: dict[str, str]   # logical → label used in error messages
    required: Columns
    optional: Columns = field(default_factory=dict)


def _tail(account: str) -> str:
    digits = re.sub(r'\D', '', account)
    return digits[-4:] if len(digits) >= 4 else ''


def _money(rec, key, label, where) -> Decimal:
    text = rec.get(key, '')
    if text in ('', '-'):
        return Decimal('0.00')
    return parse_amount(text, column=label, **where)


def classify(debit, credit, flag, words, remark, party) -> tuple[str, str, str]:
    """→ (kind, direction, note). `words` = bank summary/type text, `remark` = payer text."""
    text = words + ' ' + remark
    if debit and credit:
        return 'other', 'none', 'both debit and credit filled'
    signed = credit - debit
    if signed == 0:
        return 'no_money', 'none', 'zero amount'
    direction = 'in' if signed > 0 else 'out'
    negative = debit < 0 or credit < 0
    if flag == '*' or negative or re.search(r'冲[帐账正]', words):
        return 'reversal', direction, '冲帐: cancels the original row'
    if '退汇' in text:
        return 'reversal', direction, '退汇: bounced outgoing transfer'
    if _INTEREST.search(text) and direction == 'in':
        return 'interest', 'in', '利息'
    if _FEE.search(words) or (direction == 'out' and _FEE.search(remark) and not party):
        return 'bank_fee', direction, '银行手续费'
    if _CLEARING.search(party):
        return 'settlement', direction, f'clearing transfer from {party}'
    if _CASH.search(text):
        return 'cash_deposit', direction, '现金存入: match against the 收据 book'
    if direction == 'in':
        if _HANDOVER.search(remark):
            return 'settlement', 'in', 'collector hands over collected money'
        if _DEVELOPER.search(party) or '空置房' in remark:
            return 'developer', 'in', 'developer lump sum (unsold units)'
        return 'payment', 'in', '汇入'
    if _PAYROLL.search(text):
        return 'expense', 'out', '代发工资'
    if _REFUND_TEXT.search(remark) and not _COMPANY.search(party):
        return 'refund', 'out', 'transfer back to a payer'
    if _COMPANY.search(party) or not party:
        return 'expense', 'out', 'payment to a company'
    return 'other', 'out', 'debit to an individual, not marked as a refund'


def parse_bank(path, spec: BankSpec) -> ParsedFile:
    path = str(path)
    table = read_table(path)
    hidx, cols = find_header(table, spec.required, spec.optional)
    label = spec.column_names
    summary = FileSummary()
    dedup = Dedup(path, summary.warnings)
    rows: list[StatementRow] = []
    for row_no, cells in table.rows[hidx + 1:]:
        if not any(c.strip() for c in cells):
            continue
        first = nfkc(cells[0]).strip()
        if first.startswith(('---', '合计', '人民币合计', '总计')):
            break  # footer totals
        rec = record(cells, cols)
        where = dict(file=path, row=row_no)
        day, time = parse_datetime(rec['date'], column=label['date'],
                                   allow_serial=table.is_xlsx, **where)
        if rec.get('time'):
            time = parse_time(rec['time']) or time
        debit = _money(rec, 'debit', label['debit'], where)
        credit = _money(rec, 'credit', label['credit'], where)
        words = join_text(rec.get('summary', ''), rec.get('txtype', ''), rec.get('bizname', ''))
        remark = join_text(rec.get('purpose', ''), rec.get('memo', ''), rec.get('ext', ''),
                           rec.get('biz', ''), rec.get('other', ''))
        party = rec.get('party', '')
        kind, direction, note = classify(debit, credit, rec.get('flag', ''), nfkc(words),
                                         nfkc(remark), nfkc(party))
        if note == 'both debit and credit filled':
            raise ParseError(path, 'both debit and credit amounts are filled', row_no, label['credit'])
        serial = clean_id(rec.get('serial', ''), column=label['serial'], required=False, **where)
        if not serial:
            # No serial: a content hash keeps re-imports idempotent, but tell the user.
            serial = 'h' + hashlib.sha1('|'.join(c.strip() for c in cells).encode()).hexdigest()[:16]
            summary.warnings.append(f'row {row_no}: no {label["serial"]}; using content id {serial}')
        original = None
        txn_id = serial
        if kind == 'reversal':
            m = _ORIG.search(nfkc(remark + ' ' + words))
            if m:
                original = m.group(1)
            else:
                original, txn_id = serial, serial + '-R'  # 冲帐 repeats the original's serial
        if check_conflict(dedup, (txn_id,), cells, row_no, path, label['serial']):
            continue
        if kind == 'no_money':
            summary.warnings.append(f'row {row_no}: zero amount ({txn_id}); skipped for booking')
        balance = None
        if rec.get('balance', '') not in ('', '-'):
            balance = parse_amount(rec['balance'], column=label.get('balance', '余额'), **where)
        rows.append(StatementRow(
            balance=balance,
            source=spec.source, file=path, row=row_no, txn_id=txn_id, original_id=original,
            date=day, time=time, direction=direction, amount=abs(credit - debit), kind=kind,
            counterparty=party, account_hint=_tail(rec.get('account', '')),
            remark=remark or rec.get('summary', ''), status=rec.get('summary', ''), note=note))
    _check_pairs(rows, summary)
    summary.rows, summary.duplicates = len(rows), dedup.dropped
    return ParsedFile(path, spec.source, rows, summary)


def _check_pairs(rows, summary) -> None:
    ids = {r.txn_id for r in rows}
    for r in rows:
        if r.kind == 'reversal' and r.original_id not in ids:
            summary.warnings.append(f'row {r.row}: reversal of {r.original_id}, not in this file')
