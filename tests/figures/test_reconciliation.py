"""Property: after any sequence of bills (also billed ahead), payments (over-payments, --for, --prepay
with a prepayment discount, payments dated before a bill), voids, refunds, waivers, compensation,
write-offs and late fees, at every month end:

- per unit, the receivable balance of the ledger == outstanding + not_due, and credit == the credit
  account's balance (the reconciliation identity);
- no receivable (unit, item, period) is below zero;
- every figure from the query layer (ledger/books/facts/) equals the same figure computed from a
  full beancount load (tests/figures/reference.py), and 当期应收 from rates equals the reference.
"""
from __future__ import annotations

import itertools
import shutil
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.payments.conftest import BASE_CONFIG, git, head, make_module_books, run_cli

from . import reference

UNITS = ("1-0302", "1-0401")
ITEMS = ("PF", "GC")
PERIODS = [f"2024-{m:02d}" for m in range(1, 7)]
CONFIG = BASE_CONFIG.replace("channels:", """policies:
  late_fee:
    - {from: 2024-01-01, daily_rate: "0.0005", grace_days: 10, cap: principal, items: [PF]}
  prepay_discount:
    - {from: 2024-01-01, months: 2, rate: "0.05", items: [PF]}
channels:""")
_counter = itertools.count()


@pytest.fixture(scope="module")
def base_books(tmp_path_factory):
    return make_module_books(tmp_path_factory, CONFIG)


def assert_figures_agree(root, last_month: int):
    from ledger.books import facts
    from ledger.books.folder import Books
    from ledger.reports import rates
    from ledger.reports.openitems import arrears_summary

    ref = reference.load(root)
    books = Books(root)
    try:
        for period in PERIODS[:max(last_month, 1) + 1]:
            day = reference.month_end(period)
            items = ref.receivable_items(day)
            below = {k: a for k, a in items.items() if a < 0}
            assert not below, f"{day}: receivables below zero {below}"
            want = ref.unit_figures(day)
            got = facts.unit_balances(books.cache, day)
            recv = ref.account_balances(day, reference.RECV)
            for u in set(want) | set(got):
                w = want.get(u, (reference.ZERO,) * 3)
                g = got.get(u) or facts.UnitBalance(u)
                assert (g.outstanding, g.not_due, g.credit) == w, (day, u)
                # the identity: the ledger's receivable balance == outstanding + not_due
                assert recv.get(u, reference.ZERO) == g.outstanding + g.not_due, (day, u)
                assert g.credit >= 0, (day, u, g.credit)
            led = facts.ledger_balances(books.cache, day)
            assert led.receivable == sum(recv.values(), reference.ZERO)
            s = arrears_summary(books.cache, day)
            assert Decimal(s["ledger"]["receivable"]) == Decimal(s["total"]) + Decimal(s["not_due_total"]), day
            assert Decimal(s["ledger"]["credit"]) == Decimal(s["credit_total"]), day
            f = rates.collection_rates(books, period, day, developer=False).total
            assert f.receivable == ref.receivable_of_period(period, period, day), (day, period)
    finally:
        books.close()


amounts = st.one_of(
    st.integers(min_value=1, max_value=150_000).map(lambda c: f"{Decimal(c) / 100:.2f}"),
    st.sampled_from(["196.59", "274.00", "540.00", "1000.00"]),
)
designations = st.one_of(st.none(), st.lists(st.tuples(st.sampled_from(ITEMS), st.sampled_from(PERIODS)),
                                             min_size=1, max_size=2, unique=True))
ops = st.one_of(
    st.tuples(st.just("bill")),
    st.tuples(st.just("bill_ahead")),
    st.tuples(st.just("pay"), st.sampled_from(UNITS), amounts, designations, st.booleans()),
    st.tuples(st.just("waive"), st.sampled_from(UNITS), amounts, st.sampled_from(ITEMS), st.sampled_from(PERIODS)),
    st.tuples(st.just("compensate"), st.sampled_from(UNITS), amounts),
    st.tuples(st.just("writeoff"), st.sampled_from(UNITS), st.sampled_from(PERIODS)),
    st.tuples(st.just("late")),
    st.tuples(st.just("refund"), st.sampled_from(UNITS), amounts),
    st.tuples(st.just("void"), st.integers(min_value=1, max_value=5)),
    st.tuples(st.just("refund_receipt"), st.sampled_from(UNITS), st.integers(min_value=1, max_value=5)),
)


# No shrinking: one example is ~10 CLI writes; a failure reports the unshrunk script, which is readable.
@settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(script=st.lists(ops, min_size=4, max_size=10))
def test_month_end_figures_reconcile(base_books, tmp_path, monkeypatch, script):
    root = tmp_path / f"ex{next(_counter)}"
    shutil.copytree(base_books, root)
    month, billed = 0, 0  # the month we are in; months billed so far
    monkeypatch.setenv("WUYE_TODAY", "2024-01-10")
    for op in [("bill",), *script]:
        kind = op[0]
        day = f"2024-{max(month, 1):02d}-{20 if kind == 'pay' else 10}"
        if kind in ("bill", "bill_ahead"):
            if billed >= len(PERIODS) or (kind == "bill_ahead" and billed > month):
                continue
            if kind == "bill":
                month = billed + 1
                day = f"2024-{month:02d}-10"
            billed += 1
            monkeypatch.setenv("WUYE_TODAY", day)
            args = ["bill", PERIODS[billed - 1]]
        elif kind == "pay":
            _, unit, amount, wanted, prepay = op
            args = ["pay", unit, amount, "--channel", "cash", "--date", day]
            if wanted:
                args += ["--for", ",".join(f"{i}:{p}" for i, p in wanted)]
            if prepay:
                args.append("--prepay")
        elif kind == "waive":
            _, unit, amount, item, period = op
            args = ["waive", unit, amount, "--item", item, "--period", period, "--reason", "测试",
                    "--approved-by", "经理", "--date", day]
        elif kind == "compensate":
            args = ["compensate", op[1], op[2], "--reason", "渗漏", "--open-dispute", "leak",
                    "--approved-by", "经理", "--mode", "offset", "--date", day]
        elif kind == "writeoff":
            args = ["write-off", op[1], "--period", op[2], "--reason", "失联", "--approved-by", "业委会",
                    "--date", day]
        elif kind == "late":
            args = ["late-fees", "--as-of", day]
        elif kind == "refund":
            args = ["refund", op[1], op[2], "--channel", "cash", "--reason", "退款", "--date", day]
        elif kind == "void":
            args = ["void", f"SJ2024-{op[1]:06d}", "--reason", "作废测试", "--date", day]
        else:
            args = ["refund", op[1], "--receipt", f"SJ2024-{op[2]:06d}", "--channel", "cash", "--reason", "原路退回",
                    "--date", day]
        before = head(root)
        r = run_cli(root, *args)
        if r.rc != 0:
            assert r.rc == 2 and r.err.startswith("wuye: "), (args, r.rc, r.err)
            assert head(root) == before, args
            assert git(root, "status", "--porcelain") == "", args
    assert_figures_agree(root, billed)
    assert run_cli(root, "check").rc == 0


def test_payment_dated_before_its_bill_goes_to_credit_until_the_bill(books_factory):
    """A payment dated 01-25 for February, billed (dated 02-01) before the payment was recorded: at
    01-31 the money is credit and no receivable is negative; on 02-01 the credit settles February."""
    from ledger.books import facts
    from ledger.books.folder import Books
    import datetime as dt

    w = books_factory(today="2024-01-26")
    w.ok("bill", "--from", "2024-01", "--to", "2024-02")
    w.ok("pay", "1-0401", "548.00", "--channel", "cash", "--date", "2024-01-25")
    ref = reference.load(w.root)
    assert all(a >= 0 for a in ref.receivable_items(dt.date(2024, 1, 31)).values())
    b = Books(w.root)
    try:
        jan = facts.unit_balances(b.cache, dt.date(2024, 1, 31))["1-0401"]
        assert (jan.outstanding, jan.not_due, jan.credit) == (Decimal("0.00"), Decimal("0.00"), Decimal("274.00"))
        feb = facts.unit_balances(b.cache, dt.date(2024, 2, 1)).get("1-0401") or facts.UnitBalance("1-0401")
        assert (feb.outstanding, feb.not_due, feb.credit) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    finally:
        b.close()
    w.check()
