"""The one number allocator: every series of document numbers (SJ receipts, CJ notices, TS disputes,
Q queue items, the importers' documents...), gap-free per series and year.

A number is <prefix><year>-<seq>, seq zero-padded to the series' width and one more than the largest
used in the books (ledger/books/facts.used_numbers reads where each series is kept). A `Numbers`
object continues a series within a batch that is not written yet.

In books shared by several offices (ledger/books/offices.py) every series is the office's own: SJ-A,
CJ-A, Q-A ... (SJ-A2026-000001), gap-free within it, so two offices never issue the same number.
"""
from __future__ import annotations

from dataclasses import dataclass

from ledger.books import facts, verified


@dataclass(frozen=True)
class Series:
    prefix: str
    source: str  # where the numbers live in the books (see facts.used_numbers)
    width: int

    def head(self, year: int) -> str:
        return f"{self.prefix}{year:04d}-"

    def format(self, year: int, seq: int) -> str:
        return f"{self.head(year)}{seq:0{self.width}d}"

    def of_office(self, office: str | None) -> "Series":
        return self if office is None else Series(f"{self.prefix}-{office}", self.source, self.width)


def receipts(prefix: str) -> Series:
    return Series(prefix, "receipt", 6)


NOTICES = Series("CJ", "meta:wuye-contact:doc", 6)
DISPUTES = Series("TS", "wuye-dispute-open:1", 4)
QUEUE = Series("Q", "queue", 4)
# 退款单: TK, not TS (TS is taken by the disputes, 投诉)
REFUNDS = Series("TK", "refund", 6)


def documents(prefix: str) -> Series:
    """Documents the importers number in transaction meta `doc` (e.g. a refund voucher)."""
    return Series(prefix, "doc", 4)


def last_used(cache, series: Series, year: int) -> int:
    """The highest number of the series and year in the books or ever issued (verified.json): a number
    that was issued and then lost from the books (a month file deleted outside wuye) is never reissued."""
    head = series.head(year)
    best = verified.highest_issued(cache.books, series.prefix, year)
    for v in facts.used_numbers(cache, series.source, head):
        tail = str(v)[len(head):]
        if str(v).startswith(head) and tail.isdigit():
            best = max(best, int(tail))
    return best


class Numbers:
    """Next numbers of any series, continuing from the books and from what this batch handed out."""

    def __init__(self, cache):
        from ledger.books.offices import office_of_root

        self.cache = cache
        self.office = office_of_root(cache.books)
        self.last: dict[tuple[Series, int], int] = {}

    def next(self, series: Series, year: int) -> str:
        return self.take(series, year, 1)[0]

    def take(self, series: Series, year: int, count: int) -> list[str]:
        series = series.of_office(self.office)
        key = (series, year)
        if key not in self.last:
            self.last[key] = last_used(self.cache, series, year)
        first = self.last[key] + 1
        self.last[key] += count
        return [series.format(year, first + i) for i in range(count)]


def next_number(cache, series: Series, year: int) -> str:
    return Numbers(cache).next(series, year)
