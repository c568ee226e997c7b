"""The demo books: 翠湖苑 from config.yaml with billing and collection history up to today.

Households follow a few habits (monthly, quarterly, yearly in advance, late, not paying over a
dispute) drawn from a fixed seed, so every build of the demo is the same for the same day.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from ledger.payments import corrections as adjustments, pay as payments
from ledger.basics import accounts as acc
from ledger.books import entries as beans, facts
from ledger.books.plan import Plan, appending
from ledger.billing import latefees
from ledger.basics import periods
from ledger.billing.run import run_bill
from ledger.books.folder import BOOKS_TZ, Books
from ledger.books.create import DEMO_CONFIG, init_books
from ledger.basics.errors import InputError
from ledger.basics.money import ZERO
from ledger.reports.openitems import open_items
from ledger.community.units import Owner, load_units, save_owners

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "晓梅", "小红", "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "军", "杰", "涛"]
CHANNELS = ["wechat", "wechat", "wechat", "alipay", "alipay", "bank", "cash", "pos", "autodebit"]
CASH_TO_BANK = Decimal("3000")  # the cash box is banked once it holds this much
HABITS = ["monthly"] * 14 + ["quarterly"] * 2 + ["yearly", "late", "late", "never"]
ENTERED_AT = dt.time(17, 30)  # the demo office enters the day's work before closing the counter


def _entered(entry):
    """`entry` stamped as recorded at the end of its own day: the demo plays three years of an office's work
    in one go, and a build-day stamp would make every entry 'backdated' (wuye report backdated)."""
    when = dt.datetime.combine(entry.date, ENTERED_AT, BOOKS_TZ).isoformat(timespec="seconds")
    return entry._replace(meta={**entry.meta, "recorded": when}) if entry.meta is not None else entry


@contextmanager
def _clock(day: dt.date, at: dt.time = ENTERED_AT):
    """The books' clock (WUYE_NOW) set to `day` while the demo does that day's work."""
    old = os.environ.get("WUYE_NOW")
    os.environ["WUYE_NOW"] = dt.datetime.combine(day, at, BOOKS_TZ).isoformat(timespec="seconds")
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("WUYE_NOW", None)
        else:
            os.environ["WUYE_NOW"] = old


def demo_owners(units) -> dict[str, Owner]:
    """Invented owners for the private file, so screens have something to mask."""
    rnd = random.Random(42)
    out = {}
    for u in units.values():
        if u.owner_id:
            name = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
            out[u.owner_id] = Owner(u.owner_id, name, f"13{rnd.randint(0, 9)}{rnd.randint(10000000, 99999999)}")
    return out


def _pay_day(rnd: random.Random, period: str, today: dt.date) -> dt.date | None:
    day = periods.start(period) + dt.timedelta(days=rnd.randint(3, 24))
    return day if day <= today else None


def _month_payments(books, rnd, period: str, habits: dict[str, str], today: dt.date):
    """Payments of one month as specs (unit, amount, channel, date, ref, prepay)."""
    specs = []
    owing: dict[str, Decimal] = {}
    for (uid, _item, _period), a in open_items(books.cache).items():  # one query for all units
        if a > 0:
            owing[uid] = owing.get(uid, ZERO) + a
    for uid, habit in habits.items():
        owed = owing.get(uid, ZERO)
        day = _pay_day(rnd, period, today)
        if day is None:
            continue
        channel = rnd.choice(CHANNELS)
        if habit == "monthly" and owed > 0 and rnd.random() < 0.93:
            amount = owed
        elif habit == "quarterly" and period[5:] in ("01", "04", "07", "10") and owed > 0:
            amount = owed
        elif habit == "late" and rnd.random() < 0.18 and owed > 0:
            amount = owed if rnd.random() < 0.6 else (owed / 2).quantize(Decimal("0.01"))
        elif habit == "yearly" and period[5:] == "01":
            u = books.units[uid]
            amount = owed + (u.area * Decimal("2.20") * 12).quantize(Decimal("0.01"))
            specs.append((uid, amount, channel, day, True))
            continue
        else:
            continue
        specs.append((uid, amount, channel, day, False))
    return specs


def _write_payments(books, specs, period: str) -> int:
    def operation(b) -> Plan:
        state = payments.PaymentState(b)
        entries = []
        for n, (uid, amount, channel, day, prepay) in enumerate(sorted(specs, key=lambda s: (s[3], s[0]))):
            ref = None if channel == "cash" else f"{channel[:2].upper()}{day:%Y%m%d}{n:04d}{uid.replace('-', '')}"
            plan = payments.plan_payment(b, uid, amount, channel, day, ref=ref, prepay=prepay,
                                         collector=b.config.collector_of(b.units[uid].building) or "前台",
                                         state=state)
            entries += [_entered(e) for e in plan.entries]
        return appending(entries, f"demo: {len(entries)} payments in {period}\n", len(entries))
    result = books.commit(operation) if specs else None
    return result.plan.effect if result else 0


def payment_habits(books, seed: int = 2024) -> dict[str, str]:
    """Each handed-over unit's paying habit (monthly, quarterly, yearly in advance, late, never), from a seed."""
    rnd = random.Random(seed)
    return {uid: rnd.choice(HABITS) for uid, u in sorted(books.units.items()) if u.handover}


def pay_month(books, rnd: random.Random, period: str, habits: dict[str, str], today: dt.date) -> int:
    """The month's payments of every household by its habit, in one commit; returns how many.
    (The demo's own history, and the benchmark's books: bench/scale.py.)"""
    return _write_payments(books, _month_payments(books, rnd, period, habits, today), period)


def _readings(books, period: str, meters: dict[str, Decimal], rnd) -> None:
    entries = []
    day = periods.start(period) + dt.timedelta(days=24)
    if day > books.today():
        return
    for uid in sorted(meters):
        meters[uid] += Decimal(rnd.randint(18, 45))
        entries.append(beans.custom(day, "wuye-reading", [uid, "WTR", meters[uid]], {"by": "王敏"}))
    with _clock(day):
        books.commit(lambda b: appending(entries, f"readings {period}: {len(entries)} meters\n"))


def build_demo(target: str | Path, today: dt.date | None = None, progress=print) -> Path:
    today = today or dt.date.fromisoformat(os.environ.get("WUYE_TODAY") or dt.date.today().isoformat())
    os.environ.setdefault("WUYE_TODAY", today.isoformat())
    root = init_books(target, DEMO_CONFIG)
    books = Books(root)
    save_owners(root, demo_owners(load_units(root / books.config.units_file)))
    rnd = random.Random(2024)
    habits = {uid: rnd.choice(HABITS) for uid, u in sorted(books.units.items()) if u.handover}
    habits["5-0302"] = "never"  # the leak case: nothing paid while the dispute is open
    meters = {uid: Decimal(100) for uid, u in books.units.items() if u.type == "commercial"}
    start = books.config.books_start
    # baseline readings on the books' first day, so the first month has a usage
    baseline = [beans.custom(start, "wuye-reading", [uid, "WTR", v], {"by": "王敏"}) for uid, v in sorted(meters.items())]
    with _clock(start):
        books.commit(lambda b: appending(baseline, "readings: meters at the start of the books\n"))
    last = periods.period_of(today)
    total_pay = 0
    for period in periods.span(periods.period_of(start), last):
        _readings(books, period, meters, rnd)
        with _clock(periods.start(period), dt.time(9, 0)):  # the billing run on the 1st
            run_bill(books, [period])
        total_pay += _write_payments(books, _month_payments(books, rnd, period, habits, today), period)
        qend = periods.end(period)
        if period >= "2025-03" and period[5:] in ("03", "06", "09", "12") and qend <= today:
            with _clock(min(qend + dt.timedelta(days=1), today)):
                latefees.assess(books, qend)
        if period.endswith("12") or period == last:
            progress(f"demo: {period[:4]} done, {total_pay} payments so far")
    _corrections(books, today)
    _collection_work(books, habits, today)
    _bank_the_money(books, today)
    _spend_a_year(books, today)
    return root


def _corrections(books, today: dt.date) -> None:
    """A few of everything else, so every screen and report has a case to show: a waiver, a compensation,
    a write-off and a void. Each case stands alone and is picked from the facts of its date, so one that
    does not fit a demo built on an unusual day leaves the others in."""
    from ledger.collection import disputes

    def day(d: dt.date) -> dt.date | None:
        return d if books.config.books_start <= d <= today else None

    def case(make) -> None:
        try:
            make()
        except InputError:  # this demo's history lacks the case (e.g. built on a day near the start)
            pass

    def waiver() -> None:
        # the lift of building 4 stopped for two weeks: a waiver of a PF month still open on that day
        when = day(dt.date(2025, 3, 10))
        if when is None:
            return
        for unit in sorted(u for u, x in books.units.items() if x.building == "4"):
            open_pf = sorted((p, a) for (i, p), a in facts.reducible_items(books.cache, unit, when).items()
                             if i == "PF" and a > 0 and p <= periods.period_of(when))
            if open_pf:
                period, amount = open_pf[-1]
                adjustments.waive(books, unit, min(amount, Decimal("100.00")), "PF", period,
                                  "装修期间电梯停运两周", "物业经理 陈", when)
                return

    def compensation() -> None:
        # the 1-1-0301 leak: opened on the complaint, closed with a compensation offset against its fees
        # (the close directive and the compensation in one commit)
        opened, settled = day(dt.date(2025, 7, 28)), day(dt.date(2025, 8, 12))
        if not (opened and settled and "1-1-0301" in books.units):
            return
        did, _ = disputes.open_dispute(books, "1-1-0301", "leak", "500.00", "楼上漏水损坏吊顶", opened, by="前台")
        owing = sum(facts.reducible_items(books.cache, "1-1-0301", settled).values(), ZERO)
        mode = "offset" if owing >= Decimal("300.00") else "cash"  # offset only what is owed, else paid out
        disputes.close_dispute(books, did, "吊顶已修复，协商补偿300元", date=settled, compensation="300.00",
                               approved_by="物业经理 陈", mode=mode, by="前台")

    def writeoff() -> None:
        # an owner deceased with no heir: the oldest month still open on that day is written off (not the
        # leak case 5-0302, whose arrears wait for its dispute)
        when = day(dt.date(2026, 6, 30))
        if when is None:
            return
        first = periods.period_of(books.config.books_start)
        for unit, _amt in sorted(facts.units_open_before(books.cache, periods.period_of(when))):
            if unit in books.units and unit != "5-0302" and facts.reducible_items(books.cache, unit, when).get(("PF", first), ZERO) > 0:
                adjustments.writeoff(books, unit, [first], "业主已故，无继承人可追", "公司总经理 赵", when)
                return

    def void() -> None:
        receipt = facts.last_receipt_by(books.cache, today - dt.timedelta(days=3))
        if receipt:
            payments.void(books, receipt, "房号录错，重新开票", today - dt.timedelta(days=2))

    for make in (waiver, compensation, writeoff, void):
        case(make)


def _collection_work(books, habits: dict[str, str], today: dt.date) -> None:
    """Disputes, contacts, promises and stages: the field notes' cases and a collector's month."""
    from ledger.collection import contacts, disputes, notices, stages
    from ledger.basics.errors import WuyeError

    def who(unit: str) -> str:
        return books.config.collector_of(books.units[unit].building) or "前台"

    def day(d: dt.date) -> dt.date | None:
        return d if books.config.books_start <= d <= today else None

    try:
        # 第二例: the leak. Nothing paid since handover; the mother asks 3,000; still open here.
        d1 = day(dt.date(2024, 2, 20))
        if d1 and "5-0302" in books.units:
            did, _ = disputes.open_dispute(books, "5-0302", "leak", "3000.00",
                                           "设备平台雨水管三通打胶不牢、地漏堵塞，卧室内墙渗水起皮；业主要求赔偿后再缴费", d1,
                                           by=who("5-0302"))
            for when, ch, outcome, proof in ((dt.date(2024, 3, 5), "visit", "上门查看渗水，已报开发商维修", None),
                                             (dt.date(2025, 6, 18), "letter", "书面催缴通知书，EMS 已签收",
                                              "EMS 1190012345678 签收回执"),
                                             (dt.date(2026, 10, 9), "phone", "与业主本人沟通，同意面谈补偿方案", None)):
                if day(when):
                    contacts.log_contact(books, "5-0302", ch, outcome, date=when, by=who("5-0302"), proof=proof)
        # 第一例: the shop owner's cleaning complaint, fixed and closed without compensation.
        d2 = day(today - dt.timedelta(days=40))
        if d2 and "S-02" in books.units:
            did2, _ = disputes.open_dispute(books, "S-02", "cleaning", "0", "门前地面总不干净，不处理不交费", d2,
                                            by=who("S-02"))
            contacts.log_contact(books, "S-02", "visit", "按业主作息调整保洁时间，擦拭入户门，拍照发给业主",
                                 date=d2 + dt.timedelta(days=3), by=who("S-02"))
            disputes.close_dispute(books, did2, "保洁升级并每日拍照反馈，业主满意", date=d2 + dt.timedelta(days=12),
                                   by=who("S-02"))
        # Late payers: a reminder each, with a promise; the ones due before today are kept or broken.
        late = [u for u, h in sorted(habits.items()) if h == "late"][:6]
        for n, unit in enumerate(late):
            when = day(today - dt.timedelta(days=20 - n))
            if when:
                contacts.log_contact(books, unit, "phone" if n % 2 else "wechat", "提醒缴费，业主答应月底前缴清",
                                     date=when, by=who(unit), promise_date=when + dt.timedelta(days=10))
        if late and day(today - dt.timedelta(days=30)):
            stages.set_stage(books, late[0], "committee", today - dt.timedelta(days=30),
                             "已请业委会督促", by=who(late[0]))
        # Written notices for long arrears in building 4 (disputed units are held out by the core).
        notices.issue_notices(books, today - dt.timedelta(days=7), building="4", overdue_days=90)
    except (InputError, WuyeError):  # a demo built on an unusual date may lack a case
        pass


def _bank_the_money(books, today: dt.date) -> None:
    """The office's routine: each channel pays a day's takings into the bank the next day (T+1), and the
    cash box goes to the bank on a Monday once it holds 3,000 or more (all of it up to Sunday). What is
    left today is realistic: the last days' clearing and a cash box below 3,000. One commit per year."""
    from ledger.cashbook import transfers
    from ledger.reports.reconciliation import open_clearing_days

    cutoff = today - dt.timedelta(days=1)  # a payout arrives by yesterday at the latest
    by_year: dict[int, list] = {}
    for channel in transfers.CLEARING_CHANNELS:
        account = books.config.channel_accounts[channel]
        for day, net in sorted(open_clearing_days(books.cache, account, today).items()):
            paid = day + dt.timedelta(days=1)
            if net > 0 and paid <= cutoff:
                t = transfers.settle_entry(books, channel, net, paid, day, ref=f"ST{day:%Y%m%d}{channel[:2].upper()}")
                by_year.setdefault(paid.year, []).append(dataclasses.replace(t, entry=_entered(t.entry)))
    cash = facts.daily_movements(books.cache, acc.CASH, today)
    banked, balance = ZERO, ZERO
    day = books.config.books_start
    while day <= today:
        if day.weekday() == 0 and balance - banked >= CASH_TO_BANK:  # Monday: Sunday's cash goes to the bank
            t = transfers.deposit_entry(books, balance - banked, "cash", None, day, f"JK{day:%Y%m%d}")
            banked += t.amount
            by_year.setdefault(day.year, []).append(dataclasses.replace(t, entry=_entered(t.entry)))
        balance += cash.get(day, ZERO)
        day += dt.timedelta(days=1)
    for year, ts in sorted(by_year.items()):
        books.commit(lambda b, ts=ts, year=year: transfers.transfers_plan(
            b, sorted(ts, key=lambda t: t.entry.date), f"demo: {year} clearing settled (T+1) and cash banked weekly\n"))


# The office's month, as shares of what the month bills: (category, share, day of month, what is paid).
SPENDING = (("Staff", "0.40", 10, "代发工资"), ("Security", "0.14", 15, "秩序维护外包服务费"),
            ("Cleaning", "0.10", 15, "保洁外包服务费"), ("Energy", "0.07", 20, "公共区域电费"),
            ("Greening", "0.04", 18, "绿化养护费"), ("Repairs", "0.05", 22, "公共设施维修"))


def _spend_a_year(books, today: dt.date) -> None:
    """The last twelve complete months of spending (收支), ads income on the lifts and a parking lease
    (公共收益), paid from the bank; small office purchases in cash when the box holds enough. One commit."""
    from ledger.cashbook import expenses

    rnd = random.Random(7)
    last = periods.add(periods.period_of(today), -1)
    months = periods.span(periods.add(last, -11), last)
    billed = facts.billed_by_period(books.cache, months[0], months[-1])
    spent: list = []
    for period in months:
        base = billed.get(period, ZERO)
        start = periods.start(period)
        for cat, share, day, what in SPENDING:
            wobble = Decimal(rnd.randint(90, 110)) / 100
            amount = (base * Decimal(share) * wobble).quantize(Decimal("0.01"))
            if amount > 0:
                spent.append(expenses.expense_entry(books, amount, cat, "bank", f"{period} {what}", "会计",
                                                    start + dt.timedelta(days=day - 1)))
        spent.append(expenses.common_income_entry(books, "1200.00", "ads", "bank", f"{period} 电梯广告位",
                                                  start + dt.timedelta(days=4)))
        if period[5:] in ("01", "04", "07", "10"):
            spent.append(expenses.common_income_entry(books, "4500.00", "parking", "bank",
                                                      f"{period} 地面停车位租赁（季度）", start + dt.timedelta(days=6)))
        office = Decimal(rnd.randint(150, 450))
        try:
            spent.append(expenses.expense_entry(books, office, "Office", "cash", f"{period} 办公用品", "会计",
                                                start + dt.timedelta(days=25)))
        except InputError:  # the cash box was banked: pay it from the bank
            spent.append(expenses.expense_entry(books, office, "Office", "bank", f"{period} 办公用品", "会计",
                                                start + dt.timedelta(days=25)))
    if spent:
        spent = [dataclasses.replace(x, entry=_entered(x.entry)) for x in spent]
        books.commit(lambda b: expenses.plan_of(b, sorted(spent, key=lambda s: s.entry.date),
                                                f"demo: {months[0]}..{months[-1]} spending and 公共收益\n"))
