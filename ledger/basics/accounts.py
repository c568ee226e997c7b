"""The account-naming scheme: every account name the books use is built here."""
from __future__ import annotations

RECEIVABLE = "Assets:Receivable:Unit:"
DEVELOPER = "Assets:Receivable:Developer"
CREDIT = "Liabilities:Credit:Unit:"
SUSPENSE = "Assets:Suspense:Unidentified"
LATE_FEES = "Income:LateFees"
WAIVERS = "Expenses:Waivers"
COMPENSATION = "Expenses:Compensation"
BAD_DEBT = "Expenses:BadDebt"
PREPAY_DISCOUNT = "Expenses:PrepayDiscount"
CHANNEL_FEES = "Expenses:ChannelFees"
DEPOSITS = "Liabilities:Deposits:Renovation"
MAINTENANCE_FUND = "Liabilities:MaintenanceFund"
OTHER_INCOME = "Income:Other"
INTEREST = "Income:Interest"
OPENING = "Equity:Opening-Balances"
TRANSIT = "Assets:Transit"  # 在途资金: settlements between own accounts (clearing -> bank)
DEVELOPER_CREDIT = "Liabilities:Credit:Developer"  # developer money not yet allocated to units
OFFICE_EXPENSES = "Expenses:Office"
CASH = "Assets:Cash"
COMMON_INCOME = "Liabilities:CommonIncome"  # 公共收益: the owners' money from common areas (民法典 第282条)
REMUNERATION_FUND = "Liabilities:OwnersFund:Remuneration"  # 酬金制: the company's 酬金 out of the owners' fund
REMUNERATION = "Income:Remuneration"


def receivable(unit: str) -> str:
    return RECEIVABLE + unit


def credit(unit: str) -> str:
    return CREDIT + unit


def income(item: str, regime: str, pass_through: bool = False) -> str:
    if pass_through:
        return f"Liabilities:PassThrough:{item}"
    # Under 酬金制 the fees belong to the owners; only the agreed remuneration is the company's.
    if regime == "酬金制":
        return f"Liabilities:OwnersFund:Fees:{item}"
    return f"Income:Fees:{item}"


def expense(category: str, regime: str) -> str:
    """Where spending of a category goes: the office's expense (包干制), or under 酬金制 the spending
    against the owners' fund, which is the owners' money and not the company's."""
    if regime == "酬金制":
        return f"Liabilities:OwnersFund:Spending:{category}"
    return f"Expenses:Operating:{category}"


def common_income(source: str) -> str:
    return f"{COMMON_INCOME}:{source.capitalize()}"


def unit_of(account: str) -> str | None:
    for prefix in (RECEIVABLE, CREDIT):
        if account.startswith(prefix):
            return account[len(prefix):]
    return None
