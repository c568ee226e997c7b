"""beangulp glue shared by all providers, plus the duplicate-row filter."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable

import beangulp
from beancount.core import amount as bc_amount
from beancount.core import data
from ledger.basics.parse import neutral_text

from .reading import Columns, find_header, read_table
from .records import ParsedFile, ParseError, StatementRow

_LINK_BAD = re.compile(r'[^A-Za-z0-9\-_/.]')


def link_for(prefix: str, txn_id: str) -> str:
    return f'{prefix}-' + _LINK_BAD.sub('-', txn_id)


def signed_units(row: StatementRow) -> Decimal:
    """Change of the channel/bank account balance caused by this row.

    The channel fee always reduces the account (negative fee = fee returned).
    """
    if row.kind == 'no_money' or row.direction == 'none':
        return Decimal('0.00')
    base = row.amount if row.direction == 'in' else -row.amount
    return base - row.fee


def same_txn(entry1, entry2) -> bool:
    """Dedup comparator: equal only when they carry the same statement id.

    beangulp's default heuristic treats any two equal amounts within 2 days as
    duplicates, which silently drops identical monthly fees (stack.md §2).
    """
    l1, l2 = getattr(entry1, 'links', None) or set(), getattr(entry2, 'links', None) or set()
    if l1 & l2:
        return True
    m1, m2 = getattr(entry1, 'meta', None) or {}, getattr(entry2, 'meta', None) or {}
    id1, id2 = m1.get('txn-id'), m2.get('txn-id')
    return bool(id1 and id1 == id2 and m1.get('source') == m2.get('source'))


class Dedup:
    """Drop rows that repeat an earlier row exactly (same key and same cells)."""

    def __init__(self, path: str, warnings: list[str]):
        self.path, self.warnings = path, warnings
        self.seen: dict[tuple, tuple[int, tuple]] = {}
        self.dropped = 0

    def is_duplicate(self, key: tuple, cells: list[str], row_no: int) -> bool:
        sig = tuple(c.strip() for c in cells)
        if key not in self.seen:
            self.seen[key] = (row_no, sig)
            return False
        first, first_sig = self.seen[key]
        if first_sig == sig:
            self.dropped += 1
            self.warnings.append(f'row {row_no}: exact duplicate of row {first} ({"/".join(key)}); dropped')
            return True
        return False  # same id, different content: caller decides


class StatementImporter(beangulp.Importer):
    """One posting per row on the channel/bank account, flagged '!' for review."""

    source = ''
    default_account = ''
    link_prefix = ''
    required: Columns = {}
    parse_func: Callable[[str], ParsedFile]

    def __init__(self, account: str | None = None, currency: str = 'CNY'):
        self._account = account or self.default_account
        self.currency = currency

    @property
    def name(self) -> str:
        return f'wuye.{self.source}'

    def parse(self, filepath) -> ParsedFile:
        return type(self).parse_func(filepath)

    def identify(self, filepath) -> bool:
        # By header column names only; never by file name or a fixed line.
        try:
            find_header(read_table(filepath), self.required)
        except ParseError:
            return False
        return True

    def account(self, filepath) -> str:
        return self._account

    def date(self, filepath):
        try:
            rows = self.parse(filepath).rows
        except ParseError:
            return None
        return max((r.date for r in rows), default=None)

    def extract(self, filepath, existing):
        entries = []
        for row in self.parse(filepath).rows:
            if row.kind == 'no_money':
                continue  # moved no money; the parse result still reports it
            meta = data.new_metadata(str(filepath), row.row)
            meta.update({'txn-id': row.txn_id, 'source': row.source, 'kind': row.kind,
                         'remark': neutral_text(row.remark)})
            if row.original_id:
                meta['original-id'] = row.original_id
            if row.fee:
                meta['fee'] = str(row.fee)
            units = bc_amount.Amount(signed_units(row), self.currency)
            posting = data.Posting(self._account, units, None, None, None, None)
            entries.append(data.Transaction(
                meta, row.date, '!', None, f'{row.kind}: {row.note}'.strip(),
                data.EMPTY_SET, frozenset({link_for(self.link_prefix, row.txn_id)}), [posting]))
        return entries

    cmp = staticmethod(same_txn)
