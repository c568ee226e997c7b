"""Booking parsed statement rows into the books: dedup, matching, queue, one commit.

    plan = preview_import(books, paths)          # parse + plan, writes nothing
    plan, result = run_import(books, paths)      # the same, then ONE commit through books.write

Every imported transaction carries meta `channel` (wechat | alipay | bank), `ref` (the channel's
transaction id / bank serial; a merchant refund row: its refund id), `source` (the parser) and the
link `<channel>-<ref>`. Dedup is on (channel, ref) against the books and inside the batch, never on
amount, date or payer. Each file is recorded with a `custom "wuye-import"` directive (file name,
sha256, counts), so importing the same file again says "already imported (sha …)".

How rows are booked (M = the file's money account: Assets:Clearing:WeChat|Alipay, Assets:Bank:*):
- payment, unit certain (remark/attach names one registered unit, or an alias hit): a `pay` through
  ledger.payments.plan_payment (receipt, allocation, over-payment to credit); merchant fees as
  Expenses:ChannelFees +fee / M -fee; merchant coupons as waivers. 装修押金 -> Liabilities:Deposits:
  Renovation, 维修基金 -> Liabilities:MaintenanceFund (not revenue), 临时停车 without unit -> Income:Other.
- anything uncertain: a queue item (M / Assets:Suspense:Unidentified, op `queue`, Q<year>-<seq>).
- settlement: only this file's side, against Assets:Transit. A WeChat merchant bill also books each
  day's net (应结 - 退款 - 手续费) from Clearing:WeChat to Assets:Transit, so the bank's 财付通 credit
  (Transit -> Bank) nets Transit to zero; both carry the link `wechat-settle-YYYYMMDD`.
- fees, interest, cash banked, office expenses ('!'), developer lump sums (Liabilities:Credit:Developer).
- refunds out of a unit's credit when the unit is known and has the credit, else queued.
- reversal pairs in one batch (冲帐, 退汇, full refunds) are skipped as "reversed: no net money"; a
  reversal whose original is already booked reverses it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from ledger.basics import accounts as acc
from ledger.books import entries as beans, facts, layout, numbering
from ledger.books.plan import Plan
from ledger.reports import reconciliation as rec
from ledger.cashbook.expenses import read_category, spending_account
from ledger.community.config import LATE_FEE_ITEM
from ledger.basics.errors import InputError, WuyeError
from ledger.basics.money import ZERO, fmt
from ledger.reports.openitems import credit_balances
from ledger.payments.pay import (choose_refund_parts, latest_covering_payment, payer_text, plan_payment, refund_postings, refundable,
                                 refundable_of, reversal, reversed_receipts)
from ledger.community.units import load_owners, mask_name

from .aliases import AliasKey, AliasTable, alias_entry, load_salt, row_keys
from .detect import parse_any
from .bookside import IMPORT_TYPE, Charges, ImportState, ensure_accounts, imported_files, known_refs
from .queue import QueueIds, closed_ids, queue_link, scrub
from .results import FileReport, ImportPlan, Outcome
from .records import ParsedFile, ParseError, StatementRow
from .unittext import UnitIndex, UnitMatch, match_unit, normalise

CHANNEL_OF = {"wechat_personal": "wechat", "wechat_merchant": "wechat", "alipay_personal": "alipay",
              "alipay_merchant": "alipay", "bank_cmb": "bank", "bank_icbc": "bank", "bank_ccb": "bank"}
ACCOUNT_OF = {"wechat_personal": "Assets:Clearing:WeChat", "wechat_merchant": "Assets:Clearing:WeChat",
              "alipay_personal": "Assets:Clearing:Alipay", "alipay_merchant": "Assets:Clearing:Alipay",
              "bank_cmb": "Assets:Bank:CMB", "bank_icbc": "Assets:Bank:ICBC", "bank_ccb": "Assets:Bank:CCB"}
PERSONAL = ("wechat_personal", "alipay_personal")
_SETTLE_DAY = re.compile(r"(?:微信支付|财付通).*?(20\d{6})")
_COMPANY = re.compile(r"公司|银行|集团|中心|局|委员会|事务所|厂|店|支付宝|财付通|余额宝|美团")
_WATER = re.compile(r"水费")
_PAYOUT_FROM = {"wechat": re.compile(r"财付通|微信"), "alipay": re.compile(r"支付宝|蚂蚁")}  # who pays a channel out
DEPOSIT_DAYS = 3  # a cash hand-over reaches the statement on its day or within this many days


def sha256_path(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def payer_of(r: StatementRow) -> str | None:
    """plan_payment's payer: 'other:<name>' (masked by the core); a bare openid is no name."""
    party = scrub((r.counterparty or "").strip())
    if not party or party == (r.openid or ""):
        return "other:"
    return "other:" + party


def party_text(name: str) -> str:
    """Counterparty for narrations: companies as they are, people masked."""
    name = scrub((name or "").strip())
    if not name:
        return ""
    return name if (_COMPANY.search(name) or "*" in name) else mask_name(name)


# --- planning ---------------------------------------------------------------------------------------

@dataclass
class _Row:
    r: StatementRow
    fileno: int
    report: FileReport
    channel: str
    account: str
    match: UnitMatch | None = None
    keys: list[AliasKey] = field(default_factory=list)
    status: str = ""          # '' | duplicate | paired
    reason: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.channel, self.r.txn_id)

    def sort_key(self):
        return (self.r.date, self.r.time or "", self.fileno, self.r.row)


def parse_files(paths) -> list[ParsedFile]:
    """Parse every file first; any ParseError aborts before anything is planned."""
    out = []
    for p in paths:
        if not Path(p).is_file():
            raise ParseError(p, "no such file")
        out.append(parse_any(p))
    return out


def _unit_text(r: StatementRow) -> str:
    a = r.attach or {}
    if a.get("unit"):
        return " ".join(filter(None, (a.get("unit"), a.get("item"), a.get("period"))))
    return " ".join(filter(None, (r.remark, a.get("item"), a.get("period"), a.get("_"))))


class Planner:
    def __init__(self, books, parsed: list[ParsedFile]):
        self.books = books
        self.parsed = parsed
        self.plan = ImportPlan()
        self.index = UnitIndex(books.units)
        self.salt = load_salt(books.root)
        self.aliases = AliasTable.load(books)
        self.state = ImportState(books)
        self.queue_ids = QueueIds(books)
        self.charges = Charges(books)
        self.refs, self.links = known_refs(books)
        self.files_done = imported_files(books)
        self.paired_before = set()
        self.used_deposits: set[str] = set()   # bank-deposit entries a statement row already confirmed
        self.matched_before: set[str] = set()  # statement rows that confirmed one (skipped, not booked)
        for info in self.files_done.values():
            self.paired_before.update(str(info["meta"].get("paired", "")).split())
            for pair in str(info["meta"].get("matched", "")).split():
                row, _, deposit = pair.partition("=")
                self.matched_before.add(row)
                self.used_deposits.add(deposit)
        self.matched: dict[int, list[str]] = defaultdict(list)
        self.credit: dict[str, Decimal] = {}
        self.numbers = numbering.Numbers(books.cache)
        self.batch: dict[tuple[str, str], tuple] = {}    # (channel, ref) -> (op, unit, queue id, outcome)
        self.batch_entries: dict[tuple[str, str], object] = {}   # (channel, ref) -> the payment planned
        self.part_refunds: dict[str, list] = defaultdict(list)   # receipt -> postings of its partial refunds
        self.batch_apps: dict[str, list] = defaultdict(list)     # receipt -> (item, period, amount) its credit settled
        self.new_aliases: list = []
        self.owner_units: dict[str, list[str]] | None = None
        self.file_counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.paired: dict[int, list[str]] = defaultdict(list)
        self.collector = books.collector()

    # --- helpers ------------------------------------------------------------------------------
    def credit_of(self, unit: str) -> Decimal:
        if unit not in self.credit:
            self.credit[unit] = credit_balances(self.books.cache, unit=unit).get(unit, ZERO)
        return self.credit[unit]

    def next_doc(self, prefix: str, year: int) -> str:
        return self.numbers.next(numbering.documents(prefix), year)

    def outcome(self, x: _Row, result: str, **kw) -> Outcome:
        r = x.r
        o = Outcome(Path(r.file).name, r.row, r.source, x.channel, r.txn_id, r.date.isoformat(), r.direction,
                    r.amount, r.kind, result, **kw)
        self.plan.outcomes.append(o)
        self.file_counts[x.fileno][result] += 1
        return o

    def base_meta(self, x: _Row, op: str, **more) -> dict:
        return {"op": op, "channel": x.channel, "ref": x.r.txn_id, "source": x.r.source, **more}

    def fee_legs(self, x: _Row) -> list:
        if not x.r.fee:
            return []
        return [beans.posting(acc.CHANNEL_FEES, x.r.fee, {"kind": "fee"}),
                beans.posting(x.account, -x.r.fee, {"kind": "fee"})]

    def signed(self, x: _Row) -> Decimal:
        return x.r.amount if x.r.direction == "in" else -x.r.amount

    def add(self, entry, x: _Row | None = None, op: str = "", unit=None, queue=None, o=None):
        self.plan.entries.append(entry)
        if x is not None:
            self.batch[x.key] = (op, unit, queue, o)
            if op == "pay":
                self.batch_entries[x.key] = entry

    def simple(self, x: _Row, op: str, counter: str, narration: str, flag: str = "*", meta: dict | None = None,
               links: tuple = (), counter_meta: dict | None = None, fee_inside: bool = False):
        """Money leg, counter leg, fee. `fee_inside`: one money leg that includes the fee (WeChat
        零钱提现 5005.00 = 5000.00 to the bank + 5.00 fee); otherwise separate fee legs."""
        amt = self.signed(x)
        if fee_inside:
            postings = [beans.posting(x.account, amt - x.r.fee), beans.posting(counter, -amt, counter_meta)]
            if x.r.fee:
                postings.append(beans.posting(acc.CHANNEL_FEES, x.r.fee, {"kind": "fee"}))
        else:
            postings = [beans.posting(x.account, amt), beans.posting(counter, -amt, counter_meta)] + self.fee_legs(x)
        return beans.txn(x.r.date, narration, postings, self.base_meta(x, op, **(meta or {})), flag=flag,
                         links=(beans.link(x.channel, x.r.txn_id),) + tuple(links))

    # --- the run ------------------------------------------------------------------------------
    def run(self) -> ImportPlan:
        rows: list[_Row] = []
        for n, pf in enumerate(self.parsed):
            sha = sha256_path(pf.path)
            rep = FileReport(Path(pf.path).name, str(pf.path), pf.source, sha, pf.summary.rows,
                             pf.summary.duplicates, sha in self.files_done, list(pf.summary.warnings),
                             [(c.column, str(c.expected), str(c.actual), c.ok) for c in pf.summary.checks],
                             pf.summary.net)
            self.plan.files.append(rep)
            for r in pf.rows:
                rows.append(_Row(r, n, rep, CHANNEL_OF[r.source], ACCOUNT_OF[r.source]))
        rows.sort(key=_Row.sort_key)
        self.mark_duplicates(rows)
        self.pair_reversals(rows)
        self.learn(rows)
        self.preload(rows)
        for x in rows:
            self.book(x)
        self.merchant_settlements(rows)
        self.statement_balances(rows)
        self.record_files(rows)
        self.finish()
        return self.plan

    def mark_duplicates(self, rows: list[_Row]) -> None:
        seen: set[tuple[str, str]] = set()
        for x in rows:
            if x.key in self.refs or beans.link(*x.key) in self.links:
                x.status, x.reason = "duplicate", "already imported (in the books)"
            elif f"{x.channel}:{x.r.txn_id}" in self.paired_before:
                x.status, x.reason = "duplicate", "already imported (a reversed pair, skipped then)"
            elif f"{x.channel}:{x.r.txn_id}" in self.matched_before:
                x.status, x.reason = "duplicate", "already imported (it confirmed a `wuye bank-deposit`)"
            elif x.key in seen:
                x.status, x.reason = "duplicate", "repeated in the batch"
            seen.add(x.key)

    def pair_reversals(self, rows: list[_Row]) -> None:
        by_key = {x.key: x for x in rows if x.status == ""}
        for x in rows:
            r = x.r
            if x.status or not r.original_id or r.kind not in ("reversal", "refund"):
                continue
            orig = by_key.get((x.channel, r.original_id))
            if orig is None or orig.status or orig is x:
                continue
            if r.kind == "refund" and (r.amount != orig.r.amount or orig.r.direction != "in"):
                continue  # a partial refund is booked against the payment
            why = "reversed by" if r.kind == "reversal" else "fully refunded by"
            for y in (orig, x):
                y.status, y.reason = "paired", f"reversed: no net money ({orig.r.txn_id} {why} {r.txn_id}: {r.note})"
                self.paired[y.fileno].append(f"{y.channel}:{y.r.txn_id}")

    def preload(self, rows: list[_Row]) -> None:
        """Open items (with their bill dates) of every unit the batch names, in a few queries instead of
        one per unit; plan_payment then applies the same bill-date rule as a single payment."""
        units = {x.match.unit for x in rows if x.match is not None and x.match.unit}
        todo = sorted(u for u in units if (u, "unit") not in self.state.opens and u in self.books.units)
        for u, charges in facts.open_charges_of_units(self.books.cache, todo).items():
            self.state.load(u, "unit", charges)

    def read_unit(self, x: _Row) -> UnitMatch:
        if x.match is None:
            x.match = match_unit(_unit_text(x.r), self.index)
        return x.match

    def learn(self, rows: list[_Row]) -> None:
        """Confident matches teach the alias table (also for later rows of this batch)."""
        for x in rows:
            x.keys = row_keys(x.r, self.salt)
            if x.status or x.r.kind != "payment" or x.r.direction != "in":
                continue
            m = self.read_unit(x)
            if m.unit and not m.needs_review:
                for k in x.keys:
                    if not self.aliases.has(k, m.unit):
                        self.aliases.add(k, m.unit)
                        self.new_aliases.append(alias_entry(x.r.date, k, m.unit, f"match {x.channel} {x.r.txn_id}"))
                        self.plan.aliases.append(f"{k.kind} {k.display} -> {m.unit}")

    # --- per row --------------------------------------------------------------------------------
    def book(self, x: _Row) -> None:
        r = x.r
        if x.status == "duplicate":
            self.outcome(x, "duplicate", reason=x.reason)
            return
        if x.status == "paired":
            self.outcome(x, "skipped", reason=x.reason)
            return
        if r.date < self.books.config.books_start and r.kind != "no_money":
            self.outcome(x, "skipped", reason=f"dated before the books start {self.books.config.books_start}",
                         flagged=True)
            return
        handler = getattr(self, "k_" + r.kind, None)
        if handler is None:
            self.queue(x, f"unhandled row kind {r.kind}: {r.note}")
            return
        handler(x)

    def k_no_money(self, x: _Row) -> None:
        note = x.r.note or "no money moved"
        if "test order" in note:
            note = f"reversed: no net money ({note})"
        self.outcome(x, "skipped", reason=note)

    def k_gift(self, x: _Row) -> None:
        self.outcome(x, "skipped", reason=f"gift, not a fee ({x.r.note}); check it is not a payment", flagged=True)

    def k_other(self, x: _Row) -> None:
        if x.r.direction == "none" or not x.r.amount:
            self.outcome(x, "skipped", reason=x.r.note or "no money moved")
        else:
            self.queue(x, f"unclassified row: {x.r.note}")

    def k_expense(self, x: _Row) -> None:
        r = x.r
        if r.source in PERSONAL:
            self.outcome(x, "skipped", reason=f"personal spend on the collector's wallet ({r.note}); not the office's",
                         flagged=True)
            return
        cfg = self.books.config
        wtr = cfg.fees.get("WTR")
        text = f"{r.note}: {party_text(r.counterparty)} {scrub(r.remark)}".strip()
        if _WATER.search(normalise(r.remark)) and wtr is not None and wtr.pass_through:
            counter = acc.income("WTR", cfg.regime, True)
            e = self.simple(x, "expense", counter, f"支出 {text}", flag="!", meta={"review": "classify this expense"})
            o = self.outcome(x, "other", op="expense", reason=f"{text} -> {counter} (flagged ! for review)")
            self.add(e, x, "expense", o=o)
            return
        category = read_category(cfg, normalise(f"{r.remark} {r.counterparty} {r.note}"))
        if category is None:
            self.queue(x, "outgoing payment whose text names no expense category (config.yaml expenses.categories)")
            return
        counter = spending_account(cfg, category)
        e = self.simple(x, "expense", counter, f"支出 {cfg.expense_categories[category].name} {text}",
                        meta={"category": category, "fund": "operating", "reason": scrub(r.remark) or r.note},
                        counter_meta={"category": category})
        o = self.outcome(x, "other", op="expense", reason=f"{text} -> {counter} (category {category})")
        self.add(e, x, "expense", o=o)

    def k_bank_fee(self, x: _Row) -> None:
        e = self.simple(x, "fee", acc.CHANNEL_FEES, f"手续费 {scrub(x.r.remark)}".strip())
        o = self.outcome(x, "other", op="fee", reason=f"bank/channel fee -> {acc.CHANNEL_FEES}")
        self.add(e, x, "fee", o=o)

    def k_interest(self, x: _Row) -> None:
        e = self.simple(x, "interest", acc.INTEREST, f"利息 {scrub(x.r.remark)}".strip())
        o = self.outcome(x, "other", op="interest", reason=f"interest -> {acc.INTEREST}")
        self.add(e, x, "interest", o=o)

    def k_cash_deposit(self, x: _Row) -> None:
        hit = self.recorded_deposit(x)
        if hit is not None:
            self.matched[x.fileno].append(f"{x.channel}:{x.r.txn_id}={hit.key}")
            self.used_deposits.add(hit.key)
            self.outcome(x, "skipped", reason=f"cash banked on {hit.date}, already recorded by `wuye bank-deposit` "
                                              f"({hit.key}): the statement confirms it")
            return
        e = self.simple(x, "transfer", acc.CASH, f"现金存入 {scrub(x.r.remark)}".strip(),
                        meta={"review": "match against the 收据 book"})
        o = self.outcome(x, "other", op="transfer", reason=f"cash banked: {acc.CASH} -> {x.account} (match the 收据 book)")
        self.add(e, x, "transfer", o=o)

    def recorded_deposit(self, x: _Row):
        """The `wuye bank-deposit` this 现金存入 row is the bank's side of: same account and amount, dated
        the row's day or up to DEPOSIT_DAYS before, not matched to another statement row already."""
        r = x.r
        if r.direction != "in":
            return None
        for d in facts.bank_deposits(self.books.cache, x.account, r.date - dt.timedelta(days=DEPOSIT_DAYS), r.date):
            if d.amount == r.amount and d.key not in self.used_deposits:
                return d
        return None

    def k_developer(self, x: _Row) -> None:
        e = self.simple(x, "developer", acc.DEVELOPER_CREDIT,
                        f"开发商款项 {party_text(x.r.counterparty)} {scrub(x.r.remark)}".strip(), flag="!",
                        meta={"review": "unallocated: allocate to units from the attachment"})
        o = self.outcome(x, "other", op="developer",
                         reason=f"developer lump sum -> {acc.DEVELOPER_CREDIT} (unallocated, waits for the attachment)")
        self.add(e, x, "developer", o=o)

    def k_settlement(self, x: _Row) -> None:
        r = x.r
        links = ()
        m = _SETTLE_DAY.search(normalise(r.remark))
        if x.channel == "bank" and r.direction == "in" and self.settle_from_clearing(x, m):
            return
        if m and x.channel == "bank":
            links = (beans.link("wechat", f"settle-{m.group(1)}"),)
        # WeChat's withdrawal figure includes the fee: the money leg is amount + fee, Transit gets amount
        e = self.simple(x, "transfer", acc.TRANSIT, f"在途资金 {r.note} {scrub(r.remark)}".strip(), links=links,
                        fee_inside=True)
        way = "out to" if r.direction == "out" else "in from"
        o = self.outcome(x, "other", op="transfer",
                         reason=f"settlement {way} {acc.TRANSIT} ({r.note})" + (f"; fee {fmt(r.fee)}" if r.fee else ""))
        self.add(e, x, "transfer", o=o)

    def settle_from_clearing(self, x: _Row, day_match) -> bool:
        """A provider's payout into the bank (财付通/支付宝, T+1) that is exactly the open takings of its
        trading day on the channel's clearing account: booked Clearing -> bank, linked to that day. A
        payout whose merchant bill already moved the day to Assets:Transit, or that matches no day, goes
        through Assets:Transit as before (the reconciliation then shows it unmatched)."""
        r = x.r
        text = normalise(f"{r.counterparty} {r.remark}")
        channel = next((ch for ch, pattern in _PAYOUT_FROM.items() if pattern.search(text)), None)
        if channel is None or r.fee:
            return False
        day = (dt.datetime.strptime(day_match.group(1), "%Y%m%d").date() if day_match
               else r.date - dt.timedelta(days=1))
        ref = f"settle-{day:%Y%m%d}"
        if (channel, ref) in self.refs or (channel, ref) in self.batch or day > r.date:
            return False  # the merchant bill's side is booked: Transit carries it
        clearing = self.books.config.channel_accounts[channel]
        days = rec.open_clearing_days(self.books.cache, clearing, r.date)
        batch = [rec.Move(e.date, p.units.number, e.meta.get("op", ""), tuple(e.links))
                 for e in self.plan.entries if isinstance(e, data.Transaction)
                 for p in e.postings if p.account == clearing and p.units is not None and e.date <= r.date]
        if batch:
            days = rec.clearing_days(batch, days)
        if days.get(day, ZERO) != r.amount:
            return False
        link = beans.link(channel, ref)
        e = self.simple(x, "settle", clearing, f"清算到账 {day:%Y-%m-%d} {party_text(r.counterparty)}".strip(),
                        meta={"day": day.isoformat()}, links=(link,))
        o = self.outcome(x, "other", op="settle",
                         reason=f"settlement of {day} ({fmt(r.amount)} = that day's open takings): {clearing} -> {x.account}")
        self.add(e, x, "settle", o=o)
        return True

    def k_reversal(self, x: _Row) -> None:
        r = x.r
        orig = self.refs.get((x.channel, r.original_id or ""))
        if orig is None:
            if r.original_id and f"{x.channel}:{r.original_id}" in self.paired_before:
                self.outcome(x, "skipped", reason=f"reversal of {r.original_id}, which was skipped before as reversed")
                return
            if r.source in PERSONAL and r.direction == "in":
                self.outcome(x, "skipped", reason=f"refund of an earlier personal spend ({r.note}); not the office's",
                             flagged=True)
                return
            self.queue(x, f"reversal of {r.original_id or 'an unknown row'}, whose original is not in the books")
            return
        self.reverse_booked(x, orig)

    def reverse_booked(self, x: _Row, orig) -> None:
        op, f, ln, meta = orig
        m = json.loads(meta)
        reason = f"{x.r.note or 'reversal'}: {x.r.txn_id} reverses {x.r.original_id}"
        try:
            if op == "pay" and m.get("receipt"):
                e = reversal(self.books, m["receipt"], x.r.date, "void", reason)
            else:
                if op == "queue" and m.get("queue") in closed_ids(self.books):
                    raise InputError("queue_already_assigned", queue=m.get("queue"))
                from ledger.payments.pay import load_entry

                src = load_entry(self.books, f, ln)
                e = beans.txn(x.r.date, f"冲回 {x.r.original_id}", [
                    beans.posting(p.account, -p.units.number,
                                  {k: v for k, v in (p.meta or {}).items() if k not in ("filename", "lineno")})
                    for p in src.postings], {"op": "reversal", "queue": m.get("queue"), "reverses": x.r.original_id})
        except InputError as exc:
            self.queue(x, f"reversal of a booked row that cannot be undone automatically: {exc}")
            return
        meta2 = {**e.meta, **self.base_meta(x, e.meta.get("op", "reversal")), "reverses": x.r.original_id}
        extra = {beans.link(x.channel, x.r.txn_id), beans.link(x.channel, x.r.original_id)}
        if m.get("queue"):
            extra.add(queue_link(m["queue"]))
        e = e._replace(meta=meta2, links=frozenset(set(e.links) | extra))
        o = self.outcome(x, "other", op=e.meta["op"], unit=m.get("unit"), reason=reason)
        self.add(e, x, e.meta["op"], o=o)

    def k_refund(self, x: _Row) -> None:
        r = x.r
        unit, why = None, ""
        if r.original_id:
            mine = self.batch.get((x.channel, r.original_id))
            if mine is not None:
                op, unit, qid, _ = mine
                if op != "pay":
                    self.queue(x, f"refund of {r.original_id}, which was booked as {op}" + (f" ({qid})" if qid else ""))
                    return
                pay_entry = self.batch_entries[(x.channel, r.original_id)]
                receipt = str(pay_entry.meta["receipt"])
                left, credit_left = refundable_of(pay_entry, unit, self.part_refunds[receipt], self.batch_apps[receipt])
            else:
                orig = self.refs.get((x.channel, r.original_id))
                if orig is None:
                    self.queue(x, f"refund of {r.original_id}, whose payment is not in the books")
                    return
                if orig[0] != "pay":
                    self.queue(x, f"refund of {r.original_id}, which was booked as {orig[0]}")
                    return
                meta = json.loads(orig[3])
                unit, receipt = meta.get("unit"), str(meta.get("receipt") or "")
                if reversed_receipts(self.books).get(receipt):
                    self.queue(x, f"refund of {r.original_id}, whose payment {receipt} was already reversed")
                    return
                _e, _u, left, credit_left = refundable(self.books, receipt, self.part_refunds[receipt])
            self.partial_reversal(x, unit, receipt, left, min(credit_left, self.credit_of(unit)))
            return
        else:
            m = self.read_unit(x)
            if not (m.unit and not m.needs_review):
                self.queue(x, f"refund without a certain unit ({m.reason})", match=m)
                return
            unit, why = m.unit, "money back to a payer"
        have = self.credit_of(unit)
        if r.amount > have:
            # money back to a unit without that much credit: the reversal of its latest payment that covers
            # it (a payer who paid twice, an overpayment billing already used), else a person decides
            found = self.covering_payment(unit, r.amount, r.date)
            if found is None:
                self.queue(x, f"refund without matching credit: {unit} has {fmt(have)} credit, refund {fmt(r.amount)},"
                           " and no payment of it covers the refund", extra=[f"{unit} (refund names this unit)"])
                return
            self.partial_reversal(x, unit, *found)
            return
        self.credit[unit] = have - r.amount
        e = beans.txn(r.date, f"退款 {unit} {why}", [
            beans.posting(acc.credit(unit), r.amount, {"kind": "refund"}),
            beans.posting(x.account, -r.amount)] + self.fee_legs(x),
            self.base_meta(x, "refund", unit=unit, reason=scrub(f"{why}: {r.remark}").strip(),
                           payer=payer_text(payer_of(r)),
                           collector=self.collector, **{"original-ref": r.original_id}),
            tags=("refund",), links=(beans.link(x.channel, r.txn_id),)
            + ((beans.link(x.channel, r.original_id),) if r.original_id else ()))
        o = self.outcome(x, "other", op="refund", unit=unit, reason=f"{why}: refund from {unit}'s credit")
        self.add(e, x, "refund", unit=unit, o=o)

    def covering_payment(self, unit: str, amount: Decimal, day: dt.date):
        """(receipt, refundable items, refundable credit) of the unit's latest live payment on or before
        `day` (this batch's first, then the books') whose refundable money covers `amount`."""
        cands = [e for e in self.batch_entries.values() if e.meta.get("unit") == unit and e.date <= day]
        for e in sorted(cands, key=lambda e: e.date, reverse=True):
            receipt = str(e.meta["receipt"])
            left, credit = refundable_of(e, unit, self.part_refunds[receipt], self.batch_apps[receipt])
            credit = min(credit, self.credit_of(unit))
            if sum((p.amount for p in left.values()), ZERO) + credit >= amount:
                return receipt, left, credit
        return latest_covering_payment(self.books, unit, amount, day, self.part_refunds, self.credit_of(unit))

    def partial_reversal(self, x: _Row, unit: str, receipt: str, left: dict, credit_left: Decimal) -> None:
        """A refund of (part of) one payment: a linked partial reversal of it (ledger/payments/pay.py), its
        credit first, then the items it settled, newest first; its own refund number."""
        r = x.r
        try:
            parts, from_credit = choose_refund_parts(self.books, receipt, r.amount, left, credit_left)
        except InputError as exc:
            self.queue(x, f"refund of {r.original_id or receipt}: {exc}")
            return
        number = self.numbers.next(numbering.REFUNDS, r.date.year)
        self.credit[unit] = self.credit_of(unit) - from_credit
        legs = refund_postings(unit, parts, from_credit)
        self.part_refunds[receipt] += [("credit" if p.account.startswith(acc.CREDIT) else
                                        ("dev" if p.account == acc.DEVELOPER else "ar"),
                                        (p.meta or {}).get("item"), (p.meta or {}).get("period"), p.units.number)
                                       for p in legs]
        why = f"refund of {receipt}" + (f" (order {r.original_id})" if r.original_id else "")
        e = beans.txn(r.date, f"退款 {number} {unit}（{receipt} 部分退款）",
                      [beans.posting(x.account, -r.amount)] + legs + self.fee_legs(x),
                      self.base_meta(x, "refund", unit=unit, **{"refunds-part": receipt, "refund-no": number},
                                     reason=scrub(f"{why}: {r.remark}").strip(), payer=payer_text(payer_of(r)),
                                     collector=self.collector, **{"original-ref": r.original_id or None}),
                      tags=("refund",), links=(beans.link(x.channel, r.txn_id), receipt, number)
                      + ((beans.link(x.channel, r.original_id),) if r.original_id else ()))
        reopened = ", ".join(f"{p.item} {p.period} {fmt(p.amount)}" for p in parts)
        detail = f"{why}: reopens {reopened}" if reopened else why
        if from_credit:
            detail += f"; {fmt(from_credit)} from the credit it paid in"
        o = self.outcome(x, "other", op="refund", unit=unit, reason=detail)
        self.add(e, x, "refund", unit=unit, o=o)

    def k_payment(self, x: _Row) -> None:
        r = x.r
        m = self.read_unit(x)
        text = normalise(r.remark)
        unit, how = None, ""
        if m.unit and not m.needs_review:
            unit, how = m.unit, "remark" if not (r.attach or {}).get("unit") else "attach"
        elif m.reason == "no unit text":
            if "临时停车" in text:
                self.other_income(x)
                return
            hit, _c, why = self.aliases.lookup(x.keys)
            if hit:
                unit, how = hit, "alias " + "; ".join(why)
        if unit is None:
            self.queue(x, m.reason if m.reason != "no unit text" else "no unit in the remark and no alias", match=m)
            return
        item = m.item_hint
        if item == "DEP":
            self.deposit(x, unit, how)
            return
        if item == "FUND":
            self.fund(x, unit, how)
            return
        self.pay(x, unit, how, m)

    def other_income(self, x: _Row) -> None:
        e = self.simple(x, "other-income", acc.OTHER_INCOME, f"其他收入 {scrub(x.r.remark)}".strip())
        o = self.outcome(x, "other", op="other-income", reason=f"{scrub(x.r.remark)}: no unit -> {acc.OTHER_INCOME}")
        self.add(e, x, "other-income", o=o)

    def deposit(self, x: _Row, unit: str, how: str) -> None:
        doc = self.next_doc("DEP", x.r.date.year)
        e = self.simple(x, "deposit", acc.DEPOSITS, f"装修押金 {unit} {doc}", meta={"unit": unit, "doc": doc},
                        counter_meta={"unit": unit})
        o = self.outcome(x, "other", op="deposit", unit=unit,
                         reason=f"装修押金 {doc} -> {acc.DEPOSITS} (a liability, refundable; unit from {how})")
        self.add(e, x, "deposit", unit=unit, o=o)

    def fund(self, x: _Row, unit: str, how: str) -> None:
        doc = self.next_doc("FUND", x.r.date.year)
        e = self.simple(x, "fund", acc.MAINTENANCE_FUND, f"维修资金 {unit} {doc}", flag="!",
                        meta={"unit": unit, "doc": doc, "review": "pass on to the supervised 专户"},
                        counter_meta={"unit": unit})
        o = self.outcome(x, "other", op="fund", unit=unit,
                         reason=f"维修资金 {doc} -> {acc.MAINTENANCE_FUND} (not revenue; pass to the 专户)")
        self.add(e, x, "fund", unit=unit, o=o)

    def designation(self, unit: str, m: UnitMatch) -> tuple[list[tuple[str, str]], bool, str]:
        """-> (designated open keys, only_designated, note).

        Periods named (attach or remark) -> those open items only; an item named (物业费, 车位费, 水费,
        滞纳金) -> that item's open items only, oldest first; nothing named -> normal allocation.
        The rest is the unit's credit (预收 for later periods, or an over/double payment)."""
        fees = self.books.config.fees
        items = [i for i in m.items if i in fees or i == LATE_FEE_ITEM]
        opens = self.state.open_for(unit, "unit")
        hinted = set(m.period_hint)
        if hinted:
            keys = sorted((k for k in opens if k[1] in hinted and (not items or k[0] in items)), key=lambda k: (k[1], k[0]))
            note = "" if len(keys) else f"named periods {m.period_text} not open: kept on credit"
            return keys, True, note
        if not items:
            return [], False, ""
        # The payer named the item: it overrides the default order (domain.md A3); what the named item
        # does not need goes to credit, never to another item the payer did not name.
        keys = sorted((k for k in opens if k[0] in items), key=lambda k: (k[1], k[0]))
        note = "" if keys else f"no open {'/'.join(items)} charge: kept on credit"
        return keys, True, note

    def pay(self, x: _Row, unit: str, how: str, m: UnitMatch) -> None:
        r = x.r
        keys, only, note = self.designation(unit, m)
        saved = dict(self.state.open_for(unit, "unit"))
        try:
            plan = plan_payment(self.books, unit, r.amount, x.channel, r.date, ref=r.txn_id,
                                payer=payer_of(r),
                                designated=keys, state=self.state, money_account=x.account,
                                extra_meta={"source": r.source, "queue": None, "note": note or None,
                                            "matched": how.split(" ")[0]},
                                extra_postings=self.fee_legs(x), coupon=r.coupon, only_designated=only,
                                collector=self.collector)
        except InputError as exc:
            self.state.opens[(unit, "unit")] = saved
            self.state.refs.discard((x.channel, r.txn_id))
            self.queue(x, f"{unit}: cannot book automatically: {exc}", match=m, extra=[f"{unit} ({how})"])
            return
        self.credit[unit] = self.credit_of(unit) + plan.to_credit + plan.discount
        detail = plan.summary().replace("\n", "; ") + (f"; {note}" if note else "") + f" [unit from {how}]"
        o = self.outcome(x, "payment", unit=unit, receipt=plan.receipt, op="pay", detail=detail,
                         reason=note)
        self.add(plan.entry, x, "pay", unit=unit, o=o)
        for e in plan.applications:
            self.add(e)
            self.batch_apps[plan.receipt] += [(p.meta["item"], p.meta["period"], -p.units.number) for p in e.postings
                                              if (p.meta or {}).get("kind") == "credit" and p.meta.get("item")]

    def suggestions(self, x: _Row, m: UnitMatch | None) -> list[str]:
        out = []
        if m is not None:
            for c in m.candidates:
                out.append(f"{c} (remark: {m.reason})")
        _hit, cands, why = self.aliases.lookup(x.keys)
        for c in cands:
            out.append(f"{c} (payer alias: {'; '.join(why)})")
        party = (x.r.counterparty or "").strip()
        if party and "*" not in party:
            if self.owner_units is None:
                self.owner_units = defaultdict(list)
                by_owner = {u.owner_id: u.unit for u in self.books.units.values() if u.owner_id}
                for o in load_owners(self.books.root).values():
                    if o.name and o.owner_id in by_owner:
                        self.owner_units[unicodedata.normalize("NFKC", o.name).strip()].append(by_owner[o.owner_id])
            for u in self.owner_units.get(unicodedata.normalize("NFKC", party), []):
                out.append(f"{u} (payer's name is the registered owner's)")
        if x.r.direction == "in":
            out += self.charges.suggest(x.r.amount, x.r.date)
        return list(dict.fromkeys(out))

    def queue(self, x: _Row, reason: str, match: UnitMatch | None = None, extra: list[str] | None = None) -> None:
        r = x.r
        if match is None and r.remark:
            match = self.read_unit(x)
        qid = self.queue_ids.next(r.date.year)
        sugg = list(dict.fromkeys((extra or []) + self.suggestions(x, match)))
        amt = self.signed(x)
        postings = [beans.posting(x.account, amt), beans.posting(acc.SUSPENSE, -amt)] + self.fee_legs(x)
        meta = self.base_meta(x, "queue", queue=qid, reason=scrub(reason), direction=r.direction,
                              suggestions="; ".join(sugg) if sugg else None,
                              payer=payer_text(payer_of(r)),
                              remark=scrub(r.remark, self.books) or None,
                              coupon=r.coupon if r.coupon else None,
                              **{"alias-keys": ",".join(k.as_text() for k in x.keys) or None})
        e = beans.txn(r.date, f"待认领 {qid} {fmt(r.amount)}", postings, meta, flag="!",
                      links=(beans.link(x.channel, r.txn_id), queue_link(qid)))
        o = self.outcome(x, "queued", queue=qid, op="queue", reason=scrub(reason), suggestions=sugg)
        self.add(e, x, "queue", queue=qid, o=o)

    # --- after the rows -------------------------------------------------------------------------
    def merchant_settlements(self, rows: list[_Row]) -> None:
        """Each WeChat merchant bill day settles 应结 - 退款 - 手续费 to the bank: Clearing -> Transit."""
        by_file_day: dict[tuple[int, dt.date], Decimal] = defaultdict(lambda: ZERO)
        for x in rows:
            r = x.r
            if r.source != "wechat_merchant" or r.kind == "no_money" or x.status == "duplicate":
                continue
            by_file_day[(x.fileno, r.date)] += self.signed(x) - r.fee
        per_file: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for (n, day), net in sorted(by_file_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            per_file[n] += net
            ref = f"settle-{day:%Y%m%d}"
            if ("wechat", ref) in self.refs or ("wechat", ref) in self.batch:
                if net:
                    self.plan.files[n].warnings.append(
                        f"settlement of {day} is already booked; {fmt(net)} from new rows stays on Clearing:WeChat")
                continue
            if not net:
                continue
            e = beans.txn(day, f"微信支付结算 {day:%Y%m%d} 应结-退款-手续费 {fmt(net)} 在途", [
                beans.posting("Assets:Clearing:WeChat", -net), beans.posting(acc.TRANSIT, net)],
                {"op": "transfer", "channel": "wechat", "ref": ref, "source": "wechat_merchant"},
                links=(beans.link("wechat", ref),))
            self.add(e)
            self.batch[("wechat", ref)] = ("transfer", None, None, None)
            self.plan.outcomes.append(Outcome(self.plan.files[n].name, 0, "wechat_merchant", "wechat", ref,
                                              day.isoformat(), "out", net, "settlement", "other", op="transfer",
                                              reason=f"merchant day settlement {fmt(net)}: Clearing:WeChat -> {acc.TRANSIT}"))
        for n, rep in enumerate(self.plan.files):
            if rep.source == "wechat_merchant" and rep.net is not None:
                rep.booked_net = per_file.get(n, ZERO)
                if rep.booked_net != rep.net:
                    rep.warnings.append(f"day totals {fmt(rep.net)} but the rows give {fmt(rep.booked_net)}")

    def statement_balances(self, rows: list[_Row]) -> None:
        """A bank statement's closing balance (the 余额 after its last row) becomes a balance assertion
        dated the next day, when the books hold exactly that after this import; either way it is
        recorded (`wuye-statement-balance`) for the reconciliation, and a difference is a warning.
        An account's first statement sets its opening balance: what the bank held before the first row
        less what the books held then goes to Equity:Opening-Balances, dated the day before."""
        first: dict[int, _Row] = {}
        last: dict[int, _Row] = {}
        for x in rows:
            if x.channel != "bank" or x.r.balance is None:
                continue
            first.setdefault(x.fileno, x)
            last[x.fileno] = x
        recorded = [c for c in facts.customs(self.books.cache, rec.STATEMENT_BALANCE) if c.vals]
        seen = {(str(c.vals[0]), c.date) for c in recorded}
        stated = {str(c.vals[0]) for c in recorded}
        for n, x in sorted(last.items()):
            rep, account, day, closing = self.plan.files[n], x.account, x.r.date, x.r.balance
            if rep.already_imported or (account, day) in seen:
                continue
            seen.add((account, day))
            planned = [p.units.number for e in self.plan.entries if isinstance(e, data.Transaction) and e.date <= day
                       for p in e.postings if p.account == account and p.units is not None]
            if account not in stated:
                # the account's first statement: the books take its opening balance (期初) from the bank
                f = first[n]
                before = f.r.date - dt.timedelta(days=1)
                held_before = facts.account_balances(self.books.cache, before, (account,)).get(account, ZERO) + sum(
                    (p.units.number for e in self.plan.entries if isinstance(e, data.Transaction) and e.date <= before
                     for p in e.postings if p.account == account and p.units is not None), ZERO)
                opening = f.r.balance - self.signed(f) - held_before
                if opening:
                    self.plan.entries.insert(0, beans.txn(max(before, self.books.config.books_start), f"期初余额 {account}（银行对账单）", [
                        beans.posting(account, opening), beans.posting(acc.OPENING, -opening)],
                        {"op": "opening", "source": f.r.source}))
                    planned.append(opening)
                stated.add(account)
            held = facts.account_balances(self.books.cache, day, (account,)).get(account, ZERO) + sum(planned, ZERO)
            diff = held - closing
            meta = {"file": rep.name, "difference": diff if diff else None}
            self.plan.entries.append(beans.custom(day, rec.STATEMENT_BALANCE, [account, closing], meta))
            if diff:
                rep.warnings.append(f"statement closes at {fmt(closing)} on {day}; the books would hold {fmt(held)} "
                                    f"(difference {fmt(diff)}): no balance assertion written; see "
                                    "`wuye report reconciliation`")
            else:
                self.plan.entries.append(beans.balance(day + dt.timedelta(days=1), account, closing))

    def record_files(self, rows: list[_Row]) -> None:
        last: dict[int, dt.date] = {}
        for x in rows:
            last[x.fileno] = max(last.get(x.fileno, x.r.date), x.r.date)
        for n, rep in enumerate(self.plan.files):
            c = self.file_counts[n]
            if rep.already_imported or not (c.get("payment") or c.get("queued") or c.get("other") or self.matched.get(n)):
                continue
            day = last.get(n, self.books.today())
            meta = {"rows": Decimal(rep.rows), "payments": Decimal(c.get("payment", 0)),
                    "queued": Decimal(c.get("queued", 0)), "other": Decimal(c.get("other", 0)),
                    "skipped": Decimal(c.get("skipped", 0)), "duplicates": Decimal(c.get("duplicate", 0)),
                    "paired": " ".join(self.paired.get(n, [])) or None,
                    "matched": " ".join(self.matched.get(n, [])) or None}
            self.plan.entries.append(beans.custom(day, IMPORT_TYPE, [rep.name, rep.sha, rep.source], meta))

    def finish(self) -> None:
        if self.plan.entries:
            self.plan.entries.extend(self.new_aliases)
        names = {p.account for e in self.plan.entries for p in (getattr(e, "postings", None) or ())}
        self.plan.account_text = ensure_accounts(self.books, names)
        have = facts.open_accounts(self.books.cache)
        self.plan.accounts = sorted(names - have)


def plan_import(books, parsed: list[ParsedFile]) -> ImportPlan:
    return Planner(books, parsed).run()


def preview_import(books, paths) -> ImportPlan:
    """Parse every file (ParseError aborts) and plan the booking; writes nothing."""
    return plan_import(books, parse_files(paths))


def changes_for(books, plan: ImportPlan) -> dict[str, str]:
    by_file: dict[str, list] = defaultdict(list)
    for e in sorted(plan.entries, key=lambda e: e.date):   # stable: batch order within a day
        by_file[layout.month_file(e.date)].append(e)
    out = {f: beans.render(es) for f, es in by_file.items()}
    out.update(plan.account_text)
    return out


def run_import(books, paths, dry_run: bool = False):
    """-> (ImportPlan, WriteResult | None). Everything in ONE commit; nothing written on any error."""
    if dry_run:
        return preview_import(books, paths), None
    parsed = parse_files(paths)  # the files are read once; the booking is planned under the lock

    def operation(b) -> Plan:
        plan = plan_import(b, parsed)
        return Plan(plan.message(), changes_for(b, plan) if plan.entries else {}, {}, plan)
    result = books.commit(operation)
    return (result.plan.effect if result else operation(books).effect), result


__all__ = ["ImportPlan", "Outcome", "FileReport", "preview_import", "run_import", "plan_import", "parse_files",
           "ensure_accounts", "changes_for", "WuyeError"]
