"""Plain records produced by the statement parsers.

The parsers only read and classify; booking (unit matching, masking, postings)
happens elsewhere from these records.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

SOURCES = ('wechat_personal', 'wechat_merchant', 'alipay_personal', 'alipay_merchant',
           'bank_cmb', 'bank_icbc', 'bank_ccb')
KINDS = ('payment', 'refund', 'settlement', 'cash_deposit', 'bank_fee', 'interest', 'expense',
         'reversal', 'no_money', 'gift', 'developer', 'other')
DIRECTIONS = ('in', 'out', 'none')
ZERO = Decimal('0.00')


class ParseError(Exception):
    """A statement cannot be read. Always names the file, and the row/column when known."""

    def __init__(self, file, message: str, row: int | None = None, column: str | None = None):
        self.file = str(file)
        self.row = row
        self.column = column
        self.reason = message
        self.message = message
        where = self.file
        if row is not None:
            where += f', row {row}'
        if column is not None:
            where += f', column {column}'
        super().__init__(f'{where}: {message}')


@dataclass(frozen=True)
class StatementRow:
    source: str
    file: str
    row: int
    txn_id: str
    date: datetime.date
    direction: str
    amount: Decimal
    kind: str
    original_id: str | None = None
    time: str | None = None
    fee: Decimal = ZERO
    counterparty: str = ''
    account_hint: str = ''
    remark: str = ''
    openid: str | None = None
    attach: dict[str, str] = field(default_factory=dict)
    coupon: Decimal = ZERO
    status: str = ''
    note: str = ''
    balance: Decimal | None = None     # bank statements: the running balance after this row (余额)

    def __post_init__(self):
        # Cheap invariants: a bad classification should fail in the parser, not in booking.
        assert self.source in SOURCES, self.source
        assert self.kind in KINDS, self.kind
        assert self.direction in DIRECTIONS, self.direction
        assert isinstance(self.amount, Decimal) and self.amount >= 0, self.amount

    def as_dict(self) -> dict:
        """JSON-friendly rendering (Decimal and dates as strings)."""
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, (Decimal, datetime.date)):
                value = str(value)
            elif isinstance(value, dict):
                value = dict(sorted(value.items()))
            out[name] = value
        return out


@dataclass(frozen=True)
class TotalCheck:
    """One file-level total compared with the sum of the detail rows."""
    column: str
    expected: Decimal
    actual: Decimal

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass
class FileSummary:
    rows: int = 0                      # rows kept (after dropping duplicates)
    duplicates: int = 0                # exact duplicate rows dropped
    checks: list[TotalCheck] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    net: Decimal | None = None         # merchant bills: 应结 − 退款 − 手续费

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


@dataclass
class ParsedFile:
    path: str
    source: str
    rows: list[StatementRow]
    summary: FileSummary

    @property
    def warnings(self) -> list[str]:
        return self.summary.warnings
