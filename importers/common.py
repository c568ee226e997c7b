"""Small helpers shared by the provider modules."""
from __future__ import annotations

import re
import unicodedata

from .base import Dedup
from .records import ParseError

_TAIL = re.compile(r'[(（]\s*(\d{4})\s*[)）]')


def nfkc(s: str) -> str:
    return unicodedata.normalize('NFKC', s or '')


def card_tail(*texts: str) -> str:
    """'招商银行(8888)' → '8888' (already masked by the provider)."""
    for t in texts:
        m = _TAIL.search(t or '')
        if m:
            return m.group(1)
    return ''


def join_text(*parts: str) -> str:
    out: list[str] = []
    for p in parts:
        p = (p or '').strip()
        if p and p not in out:
            out.append(p)
    return ' '.join(out)


def check_conflict(dedup: Dedup, key: tuple, cells: list[str], row_no: int, path: str,
                   column: str) -> bool:
    """True if the row is an exact duplicate to drop; ParseError if the id repeats with other data."""
    if dedup.is_duplicate(key, cells, row_no):
        return True
    first = dedup.seen[key][0]
    if first != row_no:
        raise ParseError(path, f'transaction id {"/".join(key)} repeats row {first} with different data',
                         row=row_no, column=column)
    return False
