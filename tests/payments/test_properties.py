"""Property-based tests: any sequence of bills, payments (over-payments, --for, --prepay), waivers,
refunds and voids keeps the books consistent, judged from a full beancount load (not from our cache):

- for every unit, the sum of its open items (openitems.open_items) == its receivable account balance;
- no unit's credit is ever negative (a liability: its balance is <= 0);
- every receipt number is used once, and numbers are gap-free per year;
- `wuye check` passes; a refused command writes nothing.

One base books folder is built per test and copied with shutil.copytree for each example.
"""
from __future__ import annotations

import itertools
import shutil
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ledger.payments import allocation

from .conftest import git, head, make_module_books, run_cli

UNITS = ("1-0302", "1-0401")
ITEMS = ("PF", "GC")
PERIODS = [f"2024-{m:02d}" for m in range(1, 7)]
_counter = itertools.count()


@pytest.fixture(scope="module")
def base_books(tmp_path_factory):
    return make_module_books(tmp_path_factory)


def full_load_balances(root):
    """Receivable and credit balances per unit, and the receipt numbers, from beancount's own loader."""
    from beancount import loader
    from beancount.core import data, realization

    entries, errors, _ = loader.load_file(str(root / "main.beancount"))
    assert not errors, errors
    real = realization.realize(entries)
    recv, credit = {}, {}
    for u in (*UNITS, "2-0101"):
        for acct, out in ((f"Assets:Receivable:Unit:{u}", recv), (f"Liabilities:Credit:Unit:{u}", credit)):
            node = realization.get(real, acct)
            # a RealAccount is a dict of its children: a leaf is "falsy", so test for None
            pos = realization.compute_balance(node).get_currency_units("CNY").number if node is not None else 0
            out[u] = Decimal(pos)
    receipts = [e.meta["receipt"] for e in entries if isinstance(e, data.Transaction) and e.meta.get("op") == "pay"]
    return recv, credit, receipts


def assert_invariants(root):
    from ledger.books.folder import Books
    from ledger.reports.openitems import credit_balances, open_items

    recv, credit, receipts = full_load_balances(root)
    b = Books(root)
    try:
        opens = open_items(b.cache)
        cache_credit = credit_balances(b.cache)
    finally:
        b.close()
    per_unit = defaultdict(Decimal)
    for (u, _i, _p), a in opens.items():
        per_unit[u] += a
    for u in recv:
        assert per_unit[u] == recv[u], f"{u}: open items {per_unit[u]} != receivable {recv[u]}"
        assert -credit[u] >= 0, f"{u}: credit {-credit[u]} is negative"
        assert cache_credit.get(u, Decimal(0)) == -credit[u]
    assert len(receipts) == len(set(receipts)), "a receipt number is used twice"
    by_year = defaultdict(list)
    for r in receipts:
        by_year[r[:6]].append(int(r.rsplit("-", 1)[1]))
    for year, nums in by_year.items():
        assert sorted(nums) == list(range(1, len(nums) + 1)), f"{year}: receipt numbers not gap-free: {sorted(nums)}"
    r = run_cli(root, "check")
    assert r.rc == 0, r.err


amounts = st.one_of(
    st.integers(min_value=1, max_value=150_000).map(lambda c: f"{Decimal(c) / 100:.2f}"),
    st.sampled_from(["0.01", "196.59", "206.59", "274.00", "589.78", "1000.00", "5000.00"]),
)
designations = st.one_of(st.none(), st.lists(st.tuples(st.sampled_from(ITEMS), st.sampled_from(PERIODS)),
                                             min_size=1, max_size=3, unique=True))
ops = st.one_of(
    st.tuples(st.just("bill")),
    st.tuples(st.just("pay"), st.sampled_from(UNITS), amounts, designations, st.booleans()),
    st.tuples(st.just("waive"), st.sampled_from(UNITS), amounts, st.sampled_from(ITEMS), st.sampled_from(PERIODS)),
    st.tuples(st.just("refund"), st.sampled_from(UNITS), amounts),
    st.tuples(st.just("void"), st.integers(min_value=1, max_value=6)),
    st.tuples(st.just("refund_receipt"), st.sampled_from(UNITS), st.integers(min_value=1, max_value=6)),
)


# No shrinking: one example is ~10 CLI writes; a failure reports the unshrunk script, which is readable.
@settings(max_examples=10, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(script=st.lists(ops, min_size=3, max_size=9))
def test_any_sequence_keeps_the_books_consistent(base_books, tmp_path, monkeypatch, script):
    root = tmp_path / f"ex{next(_counter)}"
    shutil.copytree(base_books, root)
    month = 0  # months billed so far
    monkeypatch.setenv("WUYE_TODAY", "2024-01-10")
    for op in [("bill",), *script]:
        kind = op[0]
        day = f"2024-{max(month, 1):02d}-10"
        if kind == "bill":
            if month >= len(PERIODS):
                continue
            month += 1
            day = f"2024-{month:02d}-10"
            monkeypatch.setenv("WUYE_TODAY", day)
            args = ["bill", PERIODS[month - 1]]
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
    assert_invariants(root)


# --- the allocation itself, as a pure function (fast: many examples) ---------------------------------

open_lists = st.lists(st.tuples(st.sampled_from(("PF", "GC", "LATE")), st.sampled_from(PERIODS),
                                st.integers(min_value=1, max_value=50_000)), max_size=12,
                      unique_by=lambda t: (t[0], t[1]))


@settings(max_examples=300, deadline=None)
@given(opens=open_lists, cents=st.integers(min_value=1, max_value=200_000),
       pick=st.lists(st.integers(min_value=0, max_value=11), max_size=3, unique=True),
       paid_in=st.sampled_from(PERIODS))
def test_allocation_rules(opens, cents, pick, paid_in):
    items = [allocation.OpenItem(i, p, Decimal(c) / 100) for i, p, c in opens]
    designated = [(items[k].item, items[k].period) for k in pick if k < len(items)]
    amount = Decimal(cents) / 100
    parts, rest = allocation.allocate(amount, items, paid_in, {"PF": 1, "GC": 2}, designated)
    assert sum((p.amount for p in parts), Decimal(0)) + rest == amount
    assert rest >= 0 and all(p.amount > 0 for p in parts)
    amount_of = {(i.item, i.period): i.amount for i in items}
    assert all(p.amount <= amount_of[(p.item, p.period)] for p in parts)
    assert len({(p.item, p.period) for p in parts}) == len(parts)
    if rest > 0:  # money left over only when everything open is settled
        assert sum((p.amount for p in parts), Decimal(0)) == sum(amount_of.values(), Decimal(0))
    # at most the last part is partial, and it is the last one touched
    for p in parts[:-1]:
        assert p.amount == amount_of[(p.item, p.period)]
    # designated first, in the order given; then principal oldest first, PF before GC; late fees last
    n = len([d for d in designated])
    assert [(p.item, p.period) for p in parts[:n]] == designated[:len(parts[:n])]
    tail = [(p.item == "LATE", p.period, {"PF": 1, "GC": 2}.get(p.item, 999)) for p in parts[n:]]
    assert tail == sorted(tail)
    for p in parts:
        assert p.kind == ("current" if p.period == paid_in else "arrears" if p.period < paid_in else "prepay")
