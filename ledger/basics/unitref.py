"""Unit text in one place: how a typed or remarked unit id reads, for forms, the CLI and the importers.

The register's ids are the truth (`3-0101`, `1-2-0201`, `S-01`); a text names one of them when it has
the same parts in the same order: numbers compared as numbers (so `4-103` is `4-0103`), letters as
letters (`S01`, `s01`, `S 01` are `S-01`), with 栋/幢/号楼/单元/室/# read as separators (`4栋103` is
`4-0103`, `1栋2单元0201` is `1-2-0201`) and Chinese numerals as digits. A text with no such unit is not
guessed at: `near()` lists the candidates a person may have meant, for "did you mean".
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Iterable

_ZW = re.compile('[\u200b-\u200f\u2060\ufeff\u00ad]')
_DIGIT = {'零': 0, '〇': 0, '○': 0, '一': 1, '壹': 1, '二': 2, '贰': 2, '两': 2, '三': 3, '叁': 3,
          '四': 4, '肆': 4, '五': 5, '伍': 5, '六': 6, '陆': 6, '七': 7, '柒': 7, '八': 8, '捌': 8,
          '九': 9, '玖': 9}
_CN_RUN = re.compile('[零〇○一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾百佰]+')
_PART = re.compile(r'[A-Z]+|\d+')


def cn_number(run: str) -> str:
    """八零一 → 801 (digit by digit); 十二 → 12, 三百零一 → 301 (with 十/百)."""
    if not re.search('[十拾百佰]', run):
        return ''.join(str(_DIGIT[c]) for c in run)
    total, cur = 0, 0
    for c in run:
        if c in '百佰':
            total += (cur or 1) * 100
            cur = 0
        elif c in '十拾':
            total += (cur or 1) * 10
            cur = 0
        else:
            cur = _DIGIT[c]
    return str(total + cur)


def normalise(text: str) -> str:
    """Remark text in one spelling: NFKC, upper case, one dash, digits for Chinese numerals, 栋 for every
    building word (号楼 幢 座), 1502号 → 1502, 室 → a space. The importers read remarks from this form."""
    s = unicodedata.normalize('NFKC', _ZW.sub('', text or '')).upper()
    s = re.sub(r'[‐‑‒–—―−－~～]', lambda m: '~' if m.group() in '~～' else '-', s)
    s = _CN_RUN.sub(lambda m: cn_number(m.group()), s)
    s = re.sub(r'号楼|幢|座|栋', '栋', s)
    s = re.sub(r'(\d)\s*号(?!楼)', r'\1', s)
    s = s.replace('室', ' ')
    return s


def parts(text: str) -> tuple[object, ...] | None:
    """The parts of a unit text: numbers as ints, letters as text; None if it holds anything else
    (a remark with words in it is no unit id)."""
    s = normalise(text)
    s = re.sub(r'栋|单元|#|/', '-', s)
    if re.search(r'[^A-Z0-9\-\s]', s):
        return None
    found = _PART.findall(s)
    if not found:
        return None
    return tuple(int(p) if p.isdigit() else p for p in found)


class UnitNames:
    """The register's ids by their parts (built once per register)."""

    def __init__(self, units: Iterable[str]):
        self.ids = sorted(set(units))
        self.by_parts: dict[tuple, list[str]] = {}
        for u in self.ids:
            p = parts(u)
            if p is not None:
                self.by_parts.setdefault(p, []).append(u)

    def resolve(self, text: str) -> str | None:
        """The one unit the text names, else None (no unit, or more than one with those parts)."""
        key = normalise(text).strip()
        if key in self.ids:
            return key
        p = parts(text)
        hits = self.by_parts.get(p, []) if p is not None else []
        return hits[0] if len(hits) == 1 else None

    def near(self, text: str, limit: int = 5) -> list[str]:
        """Units a person may have meant by a text that names none: same room with another building or
        entrance, the same parts with one missing or extra, then close spellings."""
        out: list[str] = []
        p = parts(text)
        if p:
            room = p[-1]
            same_room = [u for u, q in ((u, parts(u)) for u in self.ids) if q and q[-1] == room and q != p]
            # parts in the same order with one left out (1-201 for 1-2-0201) come first
            def contains(q):
                it = iter(q)
                return all(x in it for x in p)
            out += [u for u in same_room if contains(parts(u))]
            out += [u for u in same_room if u not in out and len(parts(u)) == len(p)]
        key = normalise(text).strip()
        out += [u for u in difflib.get_close_matches(key, self.ids, n=limit, cutoff=0.75) if u not in out]
        return out[:limit]
