"""Find the unit (户号) a payer meant in free remark text.

Unit ids look like `3-1502` (building-room, room padded to 4 digits) or
`2-1-0601` (building-entrance-room). Amounts are never used here: an amount
match is only ever a suggestion made elsewhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ledger.basics.unitref import UnitNames, cn_number as _cn_number, normalise  # noqa: F401  (one spelling)

# Building/entrance/room grammar on normalised text ('栋' is the only building word left).
_SEP = r'\s*(?:-|栋|#)\s*'
_THREE = re.compile(r'(?<![\dA-Z])(\d{1,2})' + _SEP + r'(\d{1,2})\s*(?:-|单元)\s*(\d{3,4})(?![\d年月])')
_FLOOR = re.compile(r'(?<![\dA-Z])(\d{1,2})' + _SEP + r'(\d{1,2})楼(\d{1,2})(?!\d)')
_TWO = re.compile(r'(?<![\dA-Z])(\d{1,2})' + _SEP + r'(\d{3,4})(?![\d年月])')
_ZONE = re.compile(r'(?<![A-Z0-9])([A-Z])(区)?\s*(\d{1,2})\s*(?:-|栋|#|\s)\s*(\d{3,4})(?![\d年月])')
_BARE = re.compile(r'(?<![\d.\-/A-Z])(\d{3,4})(?![\d年月日季Q.]|[-/]\d)')
_OTHER_ID = re.compile(r'(?<![A-Z0-9])([A-Z]{1,2} ?-? ?\d{1,4})(?!\d)')
_ITEMS = [('PK', '车位管理费|车位费|车位|停车'), ('PF', '物业服务费|物业管理费|物业费|物管费'),
          ('WTR', '水电|水费'), ('DEP', '装修押金|押金'), ('FUND', '维修基金|维修资金'),
          ('LATE', '滞纳金|违约金')]
_ITEM_RX = re.compile('|'.join(f'(?P<{code}>{rx})' for code, rx in _ITEMS))
_YEAR_FULL = re.compile(r'(20\d{2})年?(?:全年|整年|年度|欠费|\s*1\s*-\s*12月)')
_YEAR_RANGE = re.compile(r'(20\d{2})年(\d{1,2})\s*[-~至到]\s*(\d{1,2})月')
_YM_RANGE = re.compile(r'(20\d{2})-(\d{2})\s*[~至到]\s*(20\d{2})-(\d{2})')
_YEAR_Q = re.compile(r'(20\d{2})\s*[Q季]\s*([1-4])')
_YM = re.compile(r'(20\d{2})(?:年|-)(\d{1,2})(?:月|(?!\d))')


@dataclass(frozen=True)
class UnitMatch:
    unit: str | None
    candidates: tuple[str, ...]
    reason: str
    item_hint: str | None
    period_hint: tuple[str, ...]      # 'YYYY-MM' periods when clear, else ()
    needs_review: bool
    items: tuple[str, ...] = ()       # every item code mentioned, in text order
    period_text: str | None = None    # the raw period words, e.g. '2024年全年'


class UnitIndex:
    """Register lookups, built once per register (5,000 units → a few ms)."""

    def __init__(self, units: Iterable[str]):
        self.units = frozenset(normalise(u).replace(' ', '') for u in units)
        self.names = UnitNames(self.units)  # the forms' resolver: S01 / S 01 are S-01
        self.by_room: dict[str, list[str]] = {}
        for u in sorted(self.units):
            self.by_room.setdefault(u.rsplit('-', 1)[-1], []).append(u)


_CACHE: dict[int, tuple[object, UnitIndex]] = {}
_CONTENT_CACHE: dict[frozenset, UnitIndex] = {}


def build_index(units: Iterable[str]) -> UnitIndex:
    return units if isinstance(units, UnitIndex) else UnitIndex(units)


def _index_for(units) -> UnitIndex:
    """Cached index. Tuples/frozensets are cached by identity; other iterables (lists,
    sets that may be mutated) by content, which costs O(n) per call but is never stale."""
    if isinstance(units, UnitIndex):
        return units
    if isinstance(units, (frozenset, tuple)):
        hit = _CACHE.get(id(units))
        if hit is not None and hit[0] is units:
            return hit[1]
        key: object = units
    else:
        key = frozenset(units)
        hit = _CONTENT_CACHE.get(key)
        if hit is not None:
            return hit
    idx = UnitIndex(key)
    if len(_CACHE) + len(_CONTENT_CACHE) > 32:
        _CACHE.clear()
        _CONTENT_CACHE.clear()
    if key is units:
        _CACHE[id(units)] = (units, idx)
    else:
        _CONTENT_CACHE[key] = idx
    return idx


def _uid(b: str, r: str, e: str | None = None) -> str:
    room = f'{int(r):04d}'
    return f'{int(b)}-{int(e)}-{room}' if e is not None else f'{int(b)}-{room}'


def _items(s: str) -> tuple[str, ...]:
    s = s.replace('临时停车', '')     # temporary parking is other income, not a unit item
    out: list[str] = []
    for m in _ITEM_RX.finditer(s):
        if m.lastgroup not in out:
            out.append(m.lastgroup)
    return tuple(out)


def _periods(s: str) -> tuple[tuple[str, ...], str | None]:
    def span(y, a, b):
        return tuple(f'{y}-{m:02d}' for m in range(a, b + 1)) if 1 <= a <= b <= 12 else ()
    if m := _YM_RANGE.search(s):
        y1, m1, y2, m2 = map(int, m.groups())
        out = [f'{y}-{mo:02d}' for y in range(y1, y2 + 1) for mo in range(1, 13)
               if (y, mo) >= (y1, m1) and (y, mo) <= (y2, m2)]
        return tuple(out[:120]), m.group()
    if m := _YEAR_FULL.search(s):
        return span(int(m.group(1)), 1, 12), m.group()
    if m := _YEAR_RANGE.search(s):
        return span(int(m.group(1)), int(m.group(2)), int(m.group(3))), m.group()
    if m := _YEAR_Q.search(s):
        q = int(m.group(2))
        return span(int(m.group(1)), 3 * q - 2, 3 * q), m.group()
    if m := _YM.search(s):
        return span(int(m.group(1)), int(m.group(2)), int(m.group(2))), m.group()
    if m := re.search(r'(?<!\d)(\d{1,2})\s*月(?!份?\d)', s):
        return (), m.group()          # a month without a year is not clear enough
    return (), None


def _find_units(s: str) -> tuple[list[str], str]:
    """Structured unit mentions in order, and the text with them blanked out."""
    found: list[str] = []

    def take(uid):
        def sub(m):
            found.append(uid(m))
            return ' ' * len(m.group())
        return sub
    s = _THREE.sub(take(lambda m: _uid(m.group(1), m.group(3), m.group(2))), s)
    s = _FLOOR.sub(take(lambda m: _uid(m.group(1), str(int(m.group(2)) * 100 + int(m.group(3))))), s)
    s = _TWO.sub(take(lambda m: _uid(m.group(1), m.group(2))), s)
    return found, s


def match_unit(text: str, units: Iterable[str] | UnitIndex) -> UnitMatch:
    idx = _index_for(units)
    s = normalise(text)
    items = _items(s)
    periods, period_text = _periods(s)
    res = dict(item_hint=items[0] if items else None, items=items, period_hint=periods,
               period_text=period_text)
    # Zone prefixes first: 'B区3栋1502' must not be read as a plain 3-1502.
    if z := _ZONE.search(s):
        uid = _uid(z.group(3), z.group(4))
        zone = z.group(1) + ('区' if z.group(2) else z.group(3))
        cands = (uid,) if uid in idx.units else ()
        why = f'zone prefix {zone} unknown' + ('' if cands else f'; unknown unit {uid}')
        return UnitMatch(None, cands, why, needs_review=True, **res)
    found, rest = _find_units(s)
    known = list(dict.fromkeys(u for u in found if u in idx.units))
    unknown = [u for u in dict.fromkeys(found) if u not in idx.units]
    if len(known) == 1 and not unknown:
        return UnitMatch(known[0], tuple(known), 'exact', needs_review=False, **res)
    if known:
        why = 'several units: ' + ', '.join(known + unknown)
        return UnitMatch(None, tuple(known), why, needs_review=True, **res)
    if unknown:
        return UnitMatch(None, (), f'unknown unit {unknown[0]}', needs_review=True, **res)
    bare = [m.group(1) for m in _BARE.finditer(rest)]
    cands = tuple(dict.fromkeys(u for r in bare for u in idx.by_room.get(f'{int(r):04d}', ())))
    if len(cands) == 1:
        return UnitMatch(None, cands, f'bare room {bare[0]} without building', needs_review=True, **res)
    if cands:
        blds = ','.join(dict.fromkeys(c.split('-')[0] for c in cands))
        return UnitMatch(None, cands, f'ambiguous: bare room {bare[0]} in buildings {blds}',
                         needs_review=True, **res)
    for m in _OTHER_ID.finditer(rest):
        code = m.group(1)
        named = idx.names.resolve(code)
        if named:
            return UnitMatch(named, (named,), 'exact', needs_review=False, **res)
        if not re.fullmatch(r'Q[1-4]', code):
            return UnitMatch(None, (), f'unknown unit {code}', needs_review=True, **res)
    return UnitMatch(None, (), 'no unit text', needs_review=True, **res)
