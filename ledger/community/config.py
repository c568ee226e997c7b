"""config.yaml -> Config. Unknown keys are errors; every error names the file and the dotted key."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import YAMLError

from ledger.basics.errors import ConfigError, InputError
from ledger.basics.parse import MAX_AMOUNT
# Values that reach ledger text are checked by the module that renders it.
from ledger.books.entries import check_account, check_receipt_prefix, check_text

BASES = ("area", "unit", "parking", "metered")
UNIT_TYPES = ("residential", "commercial")
CHANNELS = ("cash", "bank", "wechat", "alipay", "pos", "autodebit")
REGIMES = ("包干制", "酬金制")
DEFAULT_CHANNEL_ACCOUNTS = {
    "cash": "Assets:Cash",
    "bank": "Assets:Bank:Main",
    "wechat": "Assets:Clearing:WeChat",
    "alipay": "Assets:Clearing:Alipay",
    "pos": "Assets:Clearing:POS",
    "autodebit": "Assets:Bank:Main",
}
LATE_FEE_ITEM = "LATE"
# Bounds: a price per ㎡, space, unit or tonne per month; anything larger is a typo (1e30 once crashed billing).
MAX_RATE = Decimal("100000")
MAX_DECIMALS = 8
_PLAIN_NUMBER = re.compile(r"^-?[0-9]{1,15}(\.[0-9]{1,%d})?$" % MAX_DECIMALS)  # \d would take ٢
MAX_NAME = 60


@dataclass(frozen=True)
class Rate:
    start: dt.date
    prices: dict[str, Decimal]  # unit type or 'all' -> price per basis quantity per month


@dataclass(frozen=True)
class FeeItem:
    code: str
    name: str
    basis: str
    rates: tuple[Rate, ...]
    priority: int
    pass_through: bool = False
    billed: bool = True
    unit_label: str = ""

    def rate_on(self, day: dt.date, unit_type: str) -> tuple[Decimal, dt.date] | None:
        """The price in effect on `day` for a unit type, and the date it took effect."""
        current = None
        for r in self.rates:
            if r.start <= day:
                current = r
        if current is None:
            return None
        price = current.prices.get(unit_type, current.prices.get("all"))
        if price is None:
            return None
        return price, current.start


@dataclass(frozen=True)
class LateFeePolicy:
    start: dt.date
    daily_rate: Decimal
    grace_days: int
    cap: str  # "principal" or an amount
    items: tuple[str, ...]


@dataclass(frozen=True)
class PrepayDiscount:
    start: dt.date
    end: dt.date | None
    months: int
    rate: Decimal
    items: tuple[str, ...]


@dataclass(frozen=True)
class Vacancy:
    unit: str
    start: dt.date
    end: dt.date
    rate: Decimal
    items: tuple[str, ...]


@dataclass(frozen=True)
class Collector:
    name: str
    buildings: tuple[str, ...]


@dataclass(frozen=True)
class Target:
    collector: str
    period: str  # YYYY-MM or YYYY-Qn
    amount: Decimal | None
    rate: Decimal | None


@dataclass(frozen=True)
class ExpenseCategory:
    key: str                     # the account part: Expenses:Operating:<key>
    name: str                    # 人员, 保洁, ... as the 公示 prints it
    keywords: tuple[str, ...]    # words of an outgoing bank row that name this category


@dataclass(frozen=True)
class Remuneration:
    """酬金制: the company's 酬金, a share of the fund's spending or of its income in a period."""
    basis: str                   # spending | income
    rate: Decimal


REMUNERATION_BASES = ("spending", "income")


@dataclass(frozen=True)
class Config:
    path: str
    name: str
    currency: str
    books_start: dt.date
    regime: str
    units_file: str
    fees: dict[str, FeeItem]
    channel_accounts: dict[str, str]
    receipt_prefix: str
    late_fees: tuple[LateFeePolicy, ...] = ()
    prepay_discounts: tuple[PrepayDiscount, ...] = ()
    vacancies: tuple[Vacancy, ...] = ()
    collectors: tuple[Collector, ...] = ()
    staff: tuple[str, ...] = ()  # operator ids (前台01, 会计) besides the collectors: who may be `--by`
    targets: tuple[Target, ...] = ()
    templates: dict[str, str] = field(default_factory=dict)
    office: dict[str, str] = field(default_factory=dict)
    offices: tuple[str, ...] = ()  # office codes of a books shared by several offices (ledger/books/offices.py)
    sync: dict[str, bool] = field(default_factory=dict)  # on_start, after_write: when the TUI syncs by itself
    expense_categories: dict[str, ExpenseCategory] = field(default_factory=dict)
    remuneration: Remuneration | None = None
    desk_channel: str = "cash"  # the channel the desk's payment forms start from (desk.default_channel)
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def items_by_priority(self) -> list[FeeItem]:
        return sorted(self.fees.values(), key=lambda f: (f.priority, f.code))

    def late_fee_policy(self, day: dt.date) -> LateFeePolicy | None:
        cur = None
        for p in self.late_fees:
            if p.start <= day:
                cur = p
        return cur

    def collector_of(self, building: str) -> str | None:
        for c in self.collectors:
            if building in c.buildings:
                return c.name
        return None


def _operator_id(text: str, what: str) -> str:
    """An operator id (a collector's or staff member's id) goes into `by:`/`collector:` meta and git authors."""
    from ledger.community.privacy import pii_number

    value = check_text(text, what, 32)
    if pii_number(value) or "<" in value or ">" in value:
        raise InputError(f"{what}: '{value}' is not an operator id (no phone or ID numbers, no <>)")
    return value


class _Reader:
    """Walks the YAML tree, checking keys and types, naming the dotted key on error."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str, msg: str) -> ConfigError:
        return ConfigError(self.path, key, msg)

    def mapping(self, value: Any, key: str, allowed: set[str], required: set[str] = frozenset()) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping")
        for k in value:
            if str(k) not in allowed:
                raise self.fail(f"{key}.{k}" if key else str(k),
                                f"unknown key (allowed: {', '.join(sorted(allowed))})")
        for k in required:
            if k not in value:
                raise self.fail(f"{key}.{k}" if key else k, "is required")
        return value

    def text(self, value: Any, key: str) -> str:
        if value is None or isinstance(value, (dict, list)) or str(value).strip() == "":
            raise self.fail(key, "must be a non-empty text")
        return str(value).strip()

    def date(self, value: Any, key: str) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise self.fail(key, f"'{value}' is not a date YYYY-MM-DD") from None

    def decimal(self, value: Any, key: str, minimum: Decimal | None = Decimal(0),
                maximum: Decimal | None = MAX_RATE) -> Decimal:
        if isinstance(value, float):
            # YAML floats lose cents; demand strings so the reviewer sees the exact price.
            raise self.fail(key, f"write the amount as a quoted string, e.g. \"{value}\"")
        text = str(value).strip()
        # plain notation only: no exponent (1e30), NaN, Infinity or Unicode digits
        if isinstance(value, bool) or not _PLAIN_NUMBER.match(text):
            raise self.fail(key, f"'{value}' is not a number written like \"2.20\" "
                                 f"(digits 0-9, at most {MAX_DECIMALS} decimals)")
        try:
            d = Decimal(text)
        except (InvalidOperation, ValueError):  # pragma: no cover - the pattern already guards
            raise self.fail(key, f"'{value}' is not a number") from None
        if minimum is not None and d < minimum:
            raise self.fail(key, f"{d} must not be below {minimum}")
        if maximum is not None and d > maximum:
            raise self.fail(key, f"{d} is above the limit {maximum}")
        return d

    def integer(self, value: Any, key: str, maximum: int = 10000) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > maximum:
            raise self.fail(key, f"'{value}' must be a whole number from 0 to {maximum}")
        return value

    def ledger(self, check, value: Any, key: str, *args) -> str:
        """A value that reaches ledger text, checked by the entries module; errors name the key."""
        try:
            return check(self.text(value, key), key, *args)
        except InputError as exc:
            raise self.fail(key, exc.message.removeprefix(f"{key}: ")) from None

    def units_file(self, value: Any, key: str) -> str:
        """A path inside the books folder: relative, no '..', no backslash, a .csv file."""
        text = self.text(value, key)
        path = PurePosixPath(text)
        if "\\" in text or path.is_absolute() or ".." in path.parts or text.startswith("~"):
            raise self.fail(key, f"'{text}' must be a file inside the books folder (relative, no '..')")
        if path.suffix.lower() != ".csv":
            raise self.fail(key, f"'{text}' must be a .csv file")
        return str(path)

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"'{value}' must be true or false")
        return value

    def seq(self, value: Any, key: str) -> list:
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return value


class _Constructor(SafeConstructor):
    """Dates stay text until `_Reader.date` parses them, so a bad date (2024-13-01) names its key
    instead of escaping from the YAML parser as a bare ValueError."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def load_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            yaml = YAML(typ="safe", pure=True)
            yaml.Constructor = _Constructor
            return yaml.load(fh)
    except FileNotFoundError:
        raise ConfigError(str(path), "-", "file not found") from None
    except YAMLError as exc:
        raise ConfigError(str(path), "-", f"not valid YAML: {exc}") from None


def load_config(path: str | Path) -> Config:
    path = Path(path)
    return parse_config(load_yaml(path), str(path))


TOP_KEYS = {"community", "units_file", "fees", "channels", "receipts", "policies", "vacancies",
            "collectors", "staff", "targets", "templates", "office", "offices", "sync", "expenses", "desk"}


def units_path(root: str | Path, cfg: Config) -> Path:
    """The units file of books at `root`; refused if it (or a symlink on its way) leads outside root."""
    root = Path(root).resolve()
    path = (root / cfg.units_file).resolve()
    if not path.is_relative_to(root):
        raise ConfigError(cfg.path, "units_file", f"'{cfg.units_file}' leads outside the books folder")
    return path


def parse_config(raw: Any, path: str) -> Config:
    r = _Reader(path)
    raw = r.mapping(raw, "", TOP_KEYS, {"community", "fees"})
    com = r.mapping(raw["community"], "community", {"name", "currency", "books_start", "regime"},
                    {"name", "currency", "books_start"})
    currency = r.text(com["currency"], "community.currency")
    if currency != "CNY":
        raise r.fail("community.currency", f"'{currency}' not supported; only CNY")
    regime = str(com.get("regime", "包干制"))
    if regime not in REGIMES:
        raise r.fail("community.regime", f"'{regime}' must be one of {', '.join(REGIMES)}")
    books_start = r.date(com["books_start"], "community.books_start")

    fees: dict[str, FeeItem] = {}
    fees_raw = r.mapping(raw["fees"], "fees", set(map(str, raw["fees"] or {})) if isinstance(raw["fees"], dict) else set())
    if not fees_raw:
        raise r.fail("fees", "at least one fee item is required")
    for n, (code, spec) in enumerate(fees_raw.items()):
        code = str(code)
        key = f"fees.{code}"
        if not code.isascii() or not code.replace("_", "").isalnum() or not code[0].isalpha() or code != code.upper():
            raise r.fail(key, "fee item code must be upper-case letters/digits, e.g. PF")
        if code == LATE_FEE_ITEM:
            raise r.fail(key, f"{LATE_FEE_ITEM} is reserved for late fees (policies.late_fee)")
        spec = r.mapping(spec, key, {"name", "basis", "rates", "priority", "pass_through", "billed", "unit_label"},
                         {"name", "basis", "rates"})
        basis = str(spec["basis"])
        if basis not in BASES:
            raise r.fail(f"{key}.basis", f"'{basis}' must be one of {', '.join(BASES)}")
        rates = []
        for i, rate in enumerate(r.seq(spec["rates"], f"{key}.rates")):
            rkey = f"{key}.rates[{i}]"
            rate = r.mapping(rate, rkey, {"from", *UNIT_TYPES, "all"}, {"from"})
            prices = {t: r.decimal(rate[t], f"{rkey}.{t}") for t in (*UNIT_TYPES, "all") if t in rate}
            if not prices:
                raise r.fail(rkey, "needs a price for residential, commercial or all")
            rates.append(Rate(r.date(rate["from"], f"{rkey}.from"), prices))
        starts = [x.start for x in rates]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise r.fail(f"{key}.rates", "effective dates must be strictly increasing")
        fees[code] = FeeItem(code, r.ledger(check_text, spec["name"], f"{key}.name", MAX_NAME), basis,
                             tuple(rates), r.integer(spec.get("priority", n + 1), f"{key}.priority"),
                             r.boolean(spec.get("pass_through", False), f"{key}.pass_through"),
                             r.boolean(spec.get("billed", True), f"{key}.billed"), str(spec.get("unit_label", "")))

    channels = dict(DEFAULT_CHANNEL_ACCOUNTS)
    if "channels" in raw:
        for ch, acct in r.mapping(raw["channels"], "channels", set(CHANNELS)).items():
            channels[str(ch)] = r.ledger(check_account, acct, f"channels.{ch}")

    prefix = "SJ"
    if "receipts" in raw:
        rec = r.mapping(raw["receipts"], "receipts", {"prefix"})
        prefix = r.ledger(check_receipt_prefix, rec.get("prefix", "SJ"), "receipts.prefix")

    late, discounts = [], []
    if "policies" in raw:
        pol = r.mapping(raw["policies"], "policies", {"late_fee", "prepay_discount"})
        for i, p in enumerate(r.seq(pol.get("late_fee", []) or [], "policies.late_fee")):
            k = f"policies.late_fee[{i}]"
            p = r.mapping(p, k, {"from", "daily_rate", "grace_days", "cap", "items"}, {"from", "daily_rate"})
            cap = str(p.get("cap", "principal"))
            if cap != "principal":
                r.decimal(cap, f"{k}.cap", maximum=MAX_AMOUNT)
            items = tuple(str(x) for x in r.seq(p.get("items", ["PF"]), f"{k}.items"))
            for it in items:
                if it not in fees:
                    raise r.fail(f"{k}.items", f"unknown fee item '{it}'")
            late.append(LateFeePolicy(r.date(p["from"], f"{k}.from"),
                                      r.decimal(p["daily_rate"], f"{k}.daily_rate", maximum=Decimal("0.01")),
                                      r.integer(p.get("grace_days", 0), f"{k}.grace_days"), cap, items))
        for i, p in enumerate(r.seq(pol.get("prepay_discount", []) or [], "policies.prepay_discount")):
            k = f"policies.prepay_discount[{i}]"
            p = r.mapping(p, k, {"from", "to", "months", "rate", "items"}, {"from", "months", "rate"})
            items = tuple(str(x) for x in r.seq(p.get("items", ["PF"]), f"{k}.items"))
            for it in items:
                if it not in fees:
                    raise r.fail(f"{k}.items", f"unknown fee item '{it}'")
            rate = r.decimal(p["rate"], f"{k}.rate", maximum=Decimal(1))
            if rate >= 1:
                raise r.fail(f"{k}.rate", "is a fraction, e.g. \"0.05\" for 5 %")
            discounts.append(PrepayDiscount(r.date(p["from"], f"{k}.from"),
                                            r.date(p["to"], f"{k}.to") if p.get("to") else None,
                                            r.integer(p["months"], f"{k}.months", 120), rate, items))

    vacancies = []
    for i, v in enumerate(r.seq(raw.get("vacancies", []) or [], "vacancies")):
        k = f"vacancies[{i}]"
        v = r.mapping(v, k, {"unit", "from", "to", "rate", "items"}, {"unit", "from", "to", "rate"})
        vs, ve = r.date(v["from"], f"{k}.from"), r.date(v["to"], f"{k}.to")
        if ve < vs:
            raise r.fail(f"{k}.to", "ends before it starts")
        rate = r.decimal(v["rate"], f"{k}.rate", maximum=None)
        if rate > 1:
            raise r.fail(f"{k}.rate", "is the share charged, at most 1")
        vitems = tuple(str(x) for x in r.seq(v.get("items", ["PF"]), f"{k}.items"))
        for it in vitems if "items" in v else ():
            if it not in fees:
                raise r.fail(f"{k}.items", f"unknown fee item '{it}'")
        vacancies.append(Vacancy(r.text(v["unit"], f"{k}.unit"), vs, ve, rate, vitems))

    collectors = []
    for i, c in enumerate(r.seq(raw.get("collectors", []) or [], "collectors")):
        k = f"collectors[{i}]"
        c = r.mapping(c, k, {"name", "buildings"}, {"name", "buildings"})
        collectors.append(Collector(r.ledger(_operator_id, c["name"], f"{k}.name"),
                                    tuple(str(b) for b in r.seq(c["buildings"], f"{k}.buildings"))))
    names = {c.name for c in collectors}
    staff = tuple(r.ledger(_operator_id, s, f"staff[{i}]") for i, s in enumerate(r.seq(raw.get("staff", []) or [],
                                                                                         "staff")))
    targets = []
    for i, t in enumerate(r.seq(raw.get("targets", []) or [], "targets")):
        k = f"targets[{i}]"
        t = r.mapping(t, k, {"collector", "period", "amount", "rate"}, {"collector", "period"})
        who = r.text(t["collector"], f"{k}.collector")
        if who not in names:
            raise r.fail(f"{k}.collector", f"unknown collector '{who}'")
        targets.append(Target(who, r.text(t["period"], f"{k}.period"),
                              r.decimal(t["amount"], f"{k}.amount", maximum=MAX_AMOUNT) if "amount" in t else None,
                              r.decimal(t["rate"], f"{k}.rate", maximum=Decimal(1)) if "rate" in t else None))
    templates = {str(k): str(v) for k, v in (r.mapping(raw.get("templates", {}) or {}, "templates",
                                                        set(map(str, raw.get("templates", {}) or {})))).items()}
    office = {str(k): str(v) for k, v in (r.mapping(raw.get("office", {}) or {}, "office",
                                                     {"name", "address", "phone", "hours", "bank_account",
                                                      "complaint_phone", "objection_days"})).items()}
    offices: list[str] = []
    for i, code in enumerate(r.seq(raw.get("offices", []) or [], "offices")):
        code = str(code)
        # a code is part of every number the office issues (SJ-A2026-000001) and of its file names
        if not re.fullmatch(r"[A-Z][A-Z0-9]{0,3}", code):
            raise r.fail(f"offices[{i}]", f"'{code}' must be 1-4 upper-case ASCII letters or digits, e.g. A")
        if code in offices:
            raise r.fail(f"offices[{i}]", f"'{code}' is listed twice")
        offices.append(code)
    sync = {str(k): r.boolean(v, f"sync.{k}") for k, v in
            r.mapping(raw.get("sync", {}) or {}, "sync", {"on_start", "after_write"}).items()}
    categories, remuneration = _expenses(r, raw.get("expenses", {}) or {}, regime)
    desk_channel = "cash"
    if "desk" in raw:
        desk = r.mapping(raw["desk"] or {}, "desk", {"default_channel"})
        desk_channel = str(desk.get("default_channel", "cash"))
        if desk_channel not in CHANNELS:
            raise r.fail("desk.default_channel", f"'{desk_channel}' must be one of {', '.join(CHANNELS)}")
    return Config(path=path, name=r.ledger(check_text, com["name"], "community.name", MAX_NAME), currency=currency,
                  books_start=books_start, regime=regime, units_file=r.units_file(raw.get("units_file", "units.csv"),
                                                                                 "units_file"),
                  fees=fees, channel_accounts=channels, receipt_prefix=prefix, late_fees=tuple(late),
                  prepay_discounts=tuple(discounts), vacancies=tuple(vacancies), collectors=tuple(collectors),
                  staff=staff,
                  targets=tuple(targets), templates=templates, office=office,
                  offices=tuple(offices), sync=sync,
                  expense_categories=categories, remuneration=remuneration, desk_channel=desk_channel, raw=raw)


_ACCOUNT_PART = re.compile(r"^[A-Z][A-Za-z0-9]{0,29}$")


def _expenses(r: _Reader, raw: Any, regime: str) -> tuple[dict[str, ExpenseCategory], Remuneration | None]:
    """`expenses:` {categories: {Key: {name, keywords}}, remuneration: {basis, rate}} (酬金制 only)."""
    raw = r.mapping(raw, "expenses", {"categories", "remuneration"})
    cats: dict[str, ExpenseCategory] = {}
    for key, v in (r.mapping(raw.get("categories", {}) or {}, "expenses.categories",
                             set(map(str, raw.get("categories", {}) or {})))).items():
        k = f"expenses.categories.{key}"
        if not _ACCOUNT_PART.match(str(key)):
            raise r.fail(k, f"'{key}' becomes an account part (Expenses:Operating:{key}): a capital ASCII letter, "
                            "then letters or digits")
        v = r.mapping(v, k, {"name", "keywords"}, {"name"})
        words = tuple(r.ledger(check_text, w, f"{k}.keywords[{i}]", 20)
                      for i, w in enumerate(r.seq(v.get("keywords", []) or [], f"{k}.keywords")))
        cats[str(key)] = ExpenseCategory(str(key), r.ledger(check_text, v["name"], f"{k}.name", 20), words)
    names = [c.name for c in cats.values()]
    if len(set(names)) != len(names):
        raise r.fail("expenses.categories", "two categories have the same name")
    rem = None
    if "remuneration" in raw:
        v = r.mapping(raw["remuneration"], "expenses.remuneration", {"basis", "rate"}, {"basis", "rate"})
        if regime != "酬金制":
            raise r.fail("expenses.remuneration", "only under community.regime 酬金制 (the company's 酬金)")
        basis = str(v["basis"])
        if basis not in REMUNERATION_BASES:
            raise r.fail("expenses.remuneration.basis", f"'{basis}' must be one of {', '.join(REMUNERATION_BASES)}")
        rem = Remuneration(basis, r.decimal(v["rate"], "expenses.remuneration.rate", maximum=Decimal(1)))
    return cats, rem
