"""Collection rates (收缴率): the ONE place they are defined, as SQL over the fact cache in integer cents.

Every figure below is computed from the receivable postings of the fact cache (table `postings`):
`acct='ar'` (the owner's receivable `Assets:Receivable:Unit:<unit>`) and, unless `developer=False`,
`acct='dev'` (`Assets:Receivable:Developer`, charges of units not yet handed over, which the developer
pays; its postings carry the unit). Amounts are summed as integer cents and handed out as Decimal.

Inputs: a period P (a month `2026-11`, a quarter `2026-Q4`, a year `2026`, or a month range
`2026-01..2026-06`) and a cut-off date D (as-of; default today). Only postings dated <= D count.
Excluded everywhere: late fees (item `LATE`) and pass-through items (config `fees.X.pass_through`,
e.g. metered water collected for the utility); both are reported separately, never inside a rate.

当期应收 (receivable)
    charges of the periods in P (op `bill`, or `opening`, posting kind NULL, amount > 0) minus the
    amounts of those charges waived (kind `waived`, 减免) or compensated (kind `compensated`, 补偿抵扣)
    by postings dated <= D.
当期实收 (collected)
    settlement postings of kind `current` (当期), `arrears` (欠费追回), `prepay` (预交) or `credit`
    (预存抵扣, prepaid credit applied at billing) on the periods in P, dated <= D. A void or a refund of
    a payment repeats the payment's postings with the same kinds and the opposite sign, so it nets out.
当期收缴率 = 当期实收 ÷ 当期应收.
户数收缴率 = 已缴清户数 ÷ 应收户数: 应收户数 = units whose 当期应收 > 0; 已缴清户数 = those of them whose
    charges of P are open 0.00 as of D and of which nothing was written off (核销). A household whose
    charges were partly waived or compensated and the rest paid counts as paid.
清欠率 = 清欠额 ÷ 期初欠费:
    期初欠费 (opening arrears) = what was open on the day before P starts of the periods before P's
    first month (the sum of every receivable posting on those periods dated before P starts);
    清欠额 (recovered) = settlement postings of the paid kinds on those earlier periods dated within P
    (from P's first day to min(P's last day, D)).
综合收缴率 = (当期实收 + 清欠额) ÷ (当期应收 + 期初欠费).

Waived (减免), compensated (补偿) and written-off (核销) amounts, of the period's charges and of the
earlier arrears during P, are reported beside the rates and never counted as collected. Prepayments
received during P for periods after P (预交) are reported beside as well.

Identity (tested): gross charges − waived − compensated − collected − written off == open.

Every rate carries its numerator and denominator (Decimal) and the ratio (Decimal, 4 places, half-up),
or None when the denominator is 0. Rates can be grouped by building, fee item or collector
(config `collectors[].buildings`; a unit's building is units.csv `building`; units in no collector's
buildings go to 未分配).

Computation: totals and by-item figures fold one SQL summary of the receivable postings by
(period, month of the date, class); households come from the postings of P's periods per unit; by
building/collector uses one per-(unit, item) query. A test checks that all three agree for any P and D.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ledger.basics import periods
from ledger.community.config import LATE_FEE_ITEM
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO
from ledger.books import facts

UNASSIGNED = "未分配"
BY_CHOICES = ("building", "item", "collector")
RATIO = Decimal("0.0001")
CHARGE_OPS = ("bill", "opening")

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# --- periods ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportPeriod:
    """A run of whole months: label ('2026', '2026-Q4', '2026-11', '2026-01..2026-06'), first, last."""
    label: str
    first: str
    last: str

    @property
    def start(self) -> dt.date:
        return periods.start(self.first)

    @property
    def end(self) -> dt.date:
        return periods.end(self.last)

    def months(self) -> list[str]:
        return periods.span(self.first, self.last)

    def __str__(self) -> str:
        return self.label


def parse_period(text: str) -> ReportPeriod:
    """'2026' | '2026-Q4' | '2026-11' | '2026-01..2026-06' -> ReportPeriod."""
    raw = str(text or "").strip()
    if ".." in raw:
        a, b = (x.strip() for x in raw.split("..", 1))
        first, last = parse_period(a), parse_period(b)
        if last.last < first.first:
            raise InputError("period_backwards", text=raw)
        return ReportPeriod(f"{first.first}..{last.last}", first.first, last.last)
    if m := _YEAR.match(raw):
        return ReportPeriod(raw, f"{raw}-01", f"{raw}-12")
    if m := _QUARTER.match(raw):
        y, qn = m.group(1), int(m.group(2))
        return ReportPeriod(f"{y}-Q{qn}", f"{y}-{3 * qn - 2:02d}", f"{y}-{3 * qn:02d}")
    if _MONTH.match(raw):
        p = periods.parse_period(raw)
        return ReportPeriod(p, p, p)
    raise InputError("bad_report_period", text=text)


def period_from_dates(first_day: dt.date, last_day: dt.date) -> ReportPeriod:
    """The months covering [first_day, last_day], labelled as a year/quarter/month when it is one."""
    first, last = periods.period_of(first_day), periods.period_of(last_day)
    y = first[:4]
    if first == last:
        return ReportPeriod(first, first, last)
    if first == f"{y}-01" and last == f"{y}-12":
        return ReportPeriod(y, first, last)
    m = int(first[5:7])
    if last[:4] == y and m % 3 == 1 and periods.add(first, 2) == last:
        return ReportPeriod(f"{y}-Q{(m + 2) // 3}", first, last)
    return ReportPeriod(f"{first}..{last}", first, last)


def default_period(as_of: dt.date) -> ReportPeriod:
    """The month of the cut-off date."""
    p = periods.period_of(as_of)
    return ReportPeriod(p, p, p)


# --- rates --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: Decimal
    denominator: Decimal

    @property
    def ratio(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (self.numerator / self.denominator).quantize(RATIO, rounding=ROUND_HALF_UP)

    def percent(self) -> str:
        r = self.ratio
        return "—" if r is None else f"{r * 100:.2f}%"


RATE_LABELS = {"current": "当期收缴率", "households": "户数收缴率", "arrears": "清欠率", "overall": "综合收缴率"}
FIGURE_LABELS = {
    "billed": "当期计费", "waived": "当期减免", "compensated": "当期补偿抵扣", "receivable": "当期应收",
    "collected": "当期实收", "written_off": "当期核销", "open": "当期未收",
    "households_billed": "应收户数", "households_paid": "已缴清户数",
    "opening_arrears": "期初欠费", "recovered": "清欠额", "arrears_waived": "往期减免",
    "arrears_compensated": "往期补偿抵扣", "arrears_written_off": "往期核销", "prepaid_future": "预交后期",
    "discount": "当期预交优惠",
}


@dataclass
class Figures:
    """Decimal totals behind the rates for one group (or the whole community)."""
    billed: Decimal = ZERO
    waived: Decimal = ZERO
    compensated: Decimal = ZERO
    collected: Decimal = ZERO
    written_off: Decimal = ZERO
    open: Decimal = ZERO
    opening_arrears: Decimal = ZERO
    recovered: Decimal = ZERO
    arrears_waived: Decimal = ZERO
    arrears_compensated: Decimal = ZERO
    arrears_written_off: Decimal = ZERO
    prepaid_future: Decimal = ZERO
    discount: Decimal = ZERO
    households_billed: int = 0
    households_paid: int = 0

    @property
    def receivable(self) -> Decimal:
        return self.billed - self.waived - self.compensated - self.discount

    def add(self, other: "Figures") -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def rates(self) -> dict[str, Rate]:
        d = Decimal
        return {
            "current": Rate("current", RATE_LABELS["current"], self.collected, self.receivable),
            "households": Rate("households", RATE_LABELS["households"], d(self.households_paid),
                               d(self.households_billed)),
            "arrears": Rate("arrears", RATE_LABELS["arrears"], self.recovered, self.opening_arrears),
            "overall": Rate("overall", RATE_LABELS["overall"], self.collected + self.recovered,
                            self.receivable + self.opening_arrears),
        }

    def amounts(self) -> dict[str, Decimal | int]:
        return {k: getattr(self, k) for k in FIGURE_LABELS}


@dataclass
class RateTable:
    period: ReportPeriod
    as_of: dt.date
    by: str | None
    developer: bool
    total: Figures
    groups: dict[str, Figures] = field(default_factory=dict)


def excluded_items(config) -> tuple[str, ...]:
    """Items never in a rate: late fees and pass-through items."""
    return tuple(sorted({LATE_FEE_ITEM} | {c for c, f in config.fees.items() if f.pass_through}))


_FIELDS = ("billed", "waived", "compensated", "collected", "written_off", "open", "opening_arrears", "recovered",
           "arrears_waived", "arrears_compensated", "arrears_written_off", "prepaid_future", "discount")
_REDUCTIONS = ("waived", "compensated", "written_off", "discount")


def fold(rows, first: str, last: str, key_of=lambda k: None) -> dict:
    """THE definition of every rate figure: fold facts.receivable_class_rows into Figures per key for
    the months first..last (see the module docstring). Every total, group and month comes from here."""
    out: dict = defaultdict(Figures)
    for key, period, dm, cls, amt in rows:
        f = out[key_of(key)]
        if first <= period <= last:
            f.open += amt
            if cls == "charge":
                f.billed += amt
            elif cls == "paid":
                f.collected -= amt
            elif cls in _REDUCTIONS:
                setattr(f, cls, getattr(f, cls) - amt)
        elif period < first:
            if dm < first:
                f.opening_arrears += amt
            elif dm <= last:
                if cls == "paid":
                    f.recovered -= amt
                elif cls in ("waived", "compensated", "written_off"):
                    setattr(f, "arrears_" + cls, getattr(f, "arrears_" + cls) - amt)
        elif first <= dm <= last and cls == "paid":
            f.prepaid_future -= amt
    return out


def count_households(rows, first: str, last: str, group_of=lambda k: None) -> dict:
    """[应收户数, 已缴清户数] per group, from the per-(unit, item) rows of the periods first..last."""
    per_unit = fold([r for r in rows if first <= r[1] <= last], first, last,
                    lambda k: (group_of(k), k[0]))
    out: dict = defaultdict(lambda: [0, 0])
    for (g, _unit), f in per_unit.items():
        if f.receivable <= 0:
            continue
        c = out[g]
        c[0] += 1
        if f.open <= 0 and f.written_off == 0:
            c[1] += 1
    return out


def unit_item_figures(cache, period: ReportPeriod, as_of: dt.date, developer: bool = True,
                      excluded: tuple[str, ...] = (LATE_FEE_ITEM,)) -> dict[tuple[str, str], list[Decimal]]:
    """{(unit, item): [the _FIELDS figures]} (Decimal), by the one fold."""
    rows = facts.receivable_class_rows(cache, as_of, developer, excluded, by="unit")
    return {k: [getattr(f, n) for n in _FIELDS] for k, f in fold(rows, period.first, period.last, lambda k: k).items()}


def group_key(books, by: str | None, unit: str, item: str) -> str:
    if by is None:
        return ""
    if by == "item":
        return item
    u = books.units.get(unit)
    building = u.building if u else (unit.split("-")[0] if unit else "?")
    if by == "building":
        return building
    if by == "collector":
        return books.config.collector_of(building) or UNASSIGNED
    raise InputError("by_choice", choices=", ".join(BY_CHOICES), by=by)


def scoped_rows(books, as_of: dt.date, developer: bool, units: frozenset[str]) -> list[tuple]:
    """The per-(unit, item) rows of only these units (the same rows the fold reads, restricted)."""
    rows = facts.receivable_class_rows(books.cache, as_of, developer, excluded_items(books.config), by="unit")
    return [r for r in rows if r[0][0] in units]


def classified_totals(books, as_of: dt.date, developer: bool = True) -> list[tuple]:
    """The community-wide rows one report can share between collection_rates and monthly_rates."""
    return facts.receivable_class_rows(books.cache, as_of, developer, excluded_items(books.config))


def household_rows(books, period: ReportPeriod, as_of: dt.date, developer: bool = True,
                   by: str | None = None) -> list[tuple]:
    """The rows count_households reads for the periods of P: per (unit, item) when households are
    counted per item, else one row per (unit, period, class); one report shares them between its
    total and its months."""
    return facts.receivable_class_rows(books.cache, as_of, developer, excluded_items(books.config),
                                       by="unit" if by == "item" else "household",
                                       first=period.first, last=period.last)


def collection_rates(books, period: ReportPeriod | str, as_of: dt.date | None = None, by: str | None = None,
                     developer: bool = True, _rows: list | None = None,
                     units: frozenset[str] | None = None, _hh_rows: list | None = None) -> RateTable:
    """The four rates and the figures behind them for P as of D, in total and per group (`by`);
    `units` restricts every figure to those units (a Fava account/filter scope)."""
    if isinstance(period, str):
        period = parse_period(period)
    as_of = as_of or books.today()
    if by is not None and by not in BY_CHOICES:
        raise InputError("by_choice", choices=", ".join(BY_CHOICES), by=by)
    excluded = excluded_items(books.config)
    if units is not None:
        rows = scoped_rows(books, as_of, developer, units)
        figs = fold(rows, period.first, period.last, lambda k: group_key(books, by, k[0], k[1]))
        total = Figures()
        for f in figs.values():
            total.add(f)
        groups = {k: f for k, f in sorted(figs.items()) if any(vars(f).values())} if by else {}
    elif by is None:
        rows = _rows if _rows is not None else facts.receivable_class_rows(books.cache, as_of, developer, excluded)
        total = fold(rows, period.first, period.last).get(None, Figures())
        groups: dict[str, Figures] = {}
    else:
        # by item needs only the item; by building/collector the unit
        rows = facts.receivable_class_rows(books.cache, as_of, developer, excluded,
                                           by="item" if by == "item" else "unit")
        figs = fold(rows, period.first, period.last, lambda k: group_key(books, by, k[0], k[1]))
        total = Figures()
        for f in figs.values():
            total.add(f)
        groups = {k: f for k, f in sorted(figs.items()) if any(vars(f).values())}
    # households by item need the item of each row; by any other grouping, one row per unit and class
    hh_rows = _hh_rows if _hh_rows is not None else household_rows(books, period, as_of, developer, by)
    if units is not None:
        hh_rows = [r for r in hh_rows if r[0][0] in units]
    hh = count_households(hh_rows, period.first, period.last,
                          (lambda k: group_key(books, by, k[0], k[1])) if by else (lambda k: None))
    total.households_billed = total.households_paid = 0
    for g, (billed, paid) in hh.items():
        total.households_billed += billed
        total.households_paid += paid
        if by:
            f = groups.setdefault(g, Figures())
            f.households_billed, f.households_paid = billed, paid
    if by == "item":
        # a household is counted once in the total, whatever its items
        total.households_billed, total.households_paid = count_households(hh_rows, period.first,
                                                                           period.last).get(None, (0, 0))
    return RateTable(period, as_of, by, developer, total, dict(sorted(groups.items())))


def monthly_rates(books, period: ReportPeriod | str, as_of: dt.date | None = None,
                  developer: bool = True, _rows: list | None = None,
                  units: frozenset[str] | None = None, _hh_rows: list | None = None) -> list[tuple[str, Figures]]:
    """The community totals month by month for each month of P (each month is its own P): the same
    figures as collection_rates(books, month, as_of).total, by the same fold."""
    if isinstance(period, str):
        period = parse_period(period)
    as_of = as_of or books.today()
    excluded = excluded_items(books.config)
    if units is not None:
        rows = scoped_rows(books, as_of, developer, units)
    else:
        rows = _rows if _rows is not None else facts.receivable_class_rows(books.cache, as_of, developer, excluded)
    hh_rows = _hh_rows if _hh_rows is not None else household_rows(books, period, as_of, developer)
    if units is not None:
        hh_rows = [r for r in hh_rows if r[0][0] in units]
    of_period: dict[str, list] = defaultdict(list)  # a month's households read only that month's rows
    for r in hh_rows:
        of_period[r[1]].append(r)
    out = []
    for m in period.months():
        f = fold(rows, m, m, lambda k: None).get(None, Figures())
        f.households_billed, f.households_paid = count_households(of_period.get(m, []), m, m).get(None, (0, 0))
        out.append((m, f))
    return out
