"""The money sections of the 公示: income, spending and balance (收支), funds held for others, and the fee
standards in words. Each figure comes from ledger/books/facts/; the shape is what the JSON carries.

- income: fees collected in the period (当期实收 + 清欠额 of the non-pass-through items), late fees
  collected, 公共收益 received by source, interest.
- spending: expenses dated in the period by category (and what the maintenance fund and 公共收益 paid).
- balance: income less spending of the period (包干制: the office's own; 酬金制: the owners' fund, with the
  酬金 taken from it and the fund's balance at the cut-off).
- held_for_others: money in the office's hands that is not its own at the cut-off: owners' credits (预存),
  pass-through charges not paid yet (代收代付 owed on), unidentified receipts (待认领), deposits (押金),
  the maintenance fund and 公共收益 not spent.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ledger.basics import accounts as acc, labels
from ledger.basics.money import ZERO
from ledger.books import facts


def _neg_sum(d: dict) -> Decimal:
    return -sum(d.values(), ZERO)


def income(books, first: dt.date, last: dt.date, fees_collected: Decimal, late_collected: Decimal) -> dict:
    common = facts.flows_under(books.cache, acc.COMMON_INCOME + ":", first, last)
    by_source = []
    for key in labels.COMMON_SOURCES:
        v = -common.get(acc.common_income(key), ZERO)
        if v:
            by_source.append({"source": key, "name": labels.label("common_source", key), "amount": v})
    interest = _neg_sum(facts.flows_under(books.cache, acc.INTEREST, first, last))
    common_total = sum((r["amount"] for r in by_source), ZERO)
    return {"fees_collected": fees_collected, "late_fees_collected": late_collected,
            "common_income": by_source, "common_income_total": common_total, "interest": interest,
            "total": fees_collected + late_collected + common_total + interest}


def spending(books, first: dt.date, last: dt.date) -> dict:
    cats = books.config.expense_categories
    lines = facts.spending(books.cache, first, last)
    operating = [{"category": ln.category, "name": cats[ln.category].name if ln.category in cats else ln.category,
                  "amount": ln.amount, "count": ln.count} for ln in lines if ln.fund == "operating"]
    fund = {f: sum((ln.amount for ln in lines if ln.fund == f), ZERO) for f in ("maintenance", "common")}
    out = {"operating": operating, "operating_total": sum((r["amount"] for r in operating), ZERO),
           "maintenance_fund": fund["maintenance"], "common_income": fund["common"]}
    out["total"] = out["operating_total"] + fund["maintenance"] + fund["common"]
    return out


def balance(books, income_: dict, spending_: dict, first: dt.date, last: dt.date, as_of: dt.date) -> dict:
    """Income less spending of the period (the office's own money and what it spent of it)."""
    own_income = income_["fees_collected"] + income_["late_fees_collected"] + income_["interest"]
    out = {"income": own_income, "spending": spending_["operating_total"],
           "surplus": own_income - spending_["operating_total"]}
    if books.config.regime == "酬金制":
        rem = _neg_sum(facts.flows_under(books.cache, acc.REMUNERATION, first, last))
        fund = _neg_sum(facts.balances_under(books.cache, "Liabilities:OwnersFund:", as_of))
        out.update({"remuneration": rem, "surplus": own_income - spending_["operating_total"] - rem,
                    "owners_fund_balance": fund})
    return out


def held_for_others(books, as_of: dt.date) -> dict:
    cache = books.cache
    pt = {c for c, f in books.config.fees.items() if f.pass_through}
    unpaid = sum((a for (_u, item, _p), a in facts.open_items(cache, None, as_of, debtor="all").items()
                  if item in pt and a > 0), ZERO)
    suspense = _neg_sum(facts.account_balances(cache, as_of, ("Assets:Suspense:",)))
    out = {"owner_credits": facts.ledger_balances(cache, as_of).credit,
           "pass_through_unpaid": unpaid,
           "unidentified_receipts": suspense,
           "deposits": _neg_sum(facts.balances_under(cache, "Liabilities:Deposits", as_of)),
           "maintenance_fund": _neg_sum(facts.balances_under(cache, acc.MAINTENANCE_FUND, as_of)),
           "common_income": _neg_sum(facts.balances_under(cache, acc.COMMON_INCOME + ":", as_of))}
    out["total"] = sum(out.values(), ZERO)
    return out


HELD_LABELS = {"owner_credits": "业主预存款", "pass_through_unpaid": "代收代付费用业主未缴",
               "unidentified_receipts": "待认领款项", "deposits": "押金",
               "maintenance_fund": "专项维修资金", "common_income": "公共收益结余"}


def standard_words(item_name: str, basis: str, unit_type: str, price: Decimal, unit_label: str = "") -> str:
    """物业服务费 住宅 2.40 元/㎡·月: a fee standard as a person reads it."""
    per = unit_label or labels.label("basis_unit", basis)
    kind = "" if unit_type == "all" else labels.label("unit_type", unit_type) + " "
    return f"{item_name} {kind}{price} {per}"
