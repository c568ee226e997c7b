"""Every domain word once, in Chinese (the books' language) and English.

Core documents print `zh`; the TUI, CLI and Fava pick the language they show. A word added here is
available everywhere; no other module spells these words (tests/i18n/test_labels.py greps for them).
UI sentences (screen titles, hints, headers) are not domain words: they go through the gettext
catalogs in locale/ instead.
"""
from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


L = Label

# How a settlement posting on a receivable is classified (posting meta `kind`).
KINDS = {
    "current": L("当期", "current"),
    "arrears": L("欠费追回", "arrears"),
    "prepay": L("预交", "prepaid"),
    "credit": L("预存抵扣", "from credit"),
    "waived": L("减免", "waived"),
    "compensated": L("补偿抵扣", "compensated"),
    "written_off": L("核销", "written off"),
    "discount": L("预交优惠", "prepayment discount"),
}

# Payment channels (meta `channel` of a pay/refund); the printed receipt's wording.
CHANNELS = {
    "cash": L("现金", "cash"),
    "bank": L("银行转账", "bank"),
    "wechat": L("微信支付", "WeChat"),
    "alipay": L("支付宝", "Alipay"),
    "pos": L("POS刷卡", "POS"),
    "autodebit": L("银行代扣", "auto-debit"),
    "import": L("导入", "import"),
}

# Who paid (meta `payer`: '<role> <masked name>').
PAYER_ROLES = {
    "owner": L("业主", "owner"),
    "tenant": L("租户", "tenant"),
    "relative": L("亲属", "relative"),
    "developer": L("开发商", "developer"),
    "other": L("其他", "other"),
}

# Items the core names itself (fee items are named in config.yaml).
ITEMS = {
    "LATE": L("违约金", "late fee"),
}

# Status of one (item, period) line (openitems.ItemLine.status) and of a receipt.
STATUSES = {
    "paid": L("已缴", "paid"),
    "partly_paid": L("部分缴", "partly paid"),
    "waived": L("已减免", "waived"),
    "compensated": L("补偿抵扣", "compensated"),
    "written_off": L("已核销", "written off"),
    "open": L("未缴", "open"),
    "voided": L("已作废", "void"),
    "refunded": L("已退款", "refunded"),
    "partly_refunded": L("部分退款", "partly refunded"),
}

# Where an unidentified receipt (待认领, the queue) stands.
QUEUE_STATUSES = {
    "open": L("待认领", "open"),
    "assigned": L("已认领", "assigned"),
    "refunded": L("已退回", "refunded"),
    "reversed": L("已冲回", "reversed"),
}

# Operations (transaction meta `op`), as a statement or history line names them.
OPS = {
    "bill": L("开账", "bill"),
    "pay": L("收款", "payment"),
    "void": L("作废", "void"),
    "refund": L("退款", "refund"),
    "waive": L("减免", "waiver"),
    "compensate": L("补偿", "compensation"),
    "writeoff": L("核销", "write-off"),
    "late": L("违约金", "late fee"),
    "reallocate": L("改为预存", "moved to credit"),
    "bank-deposit": L("现金缴存银行", "cash banked"),
    "settle": L("清算到账", "clearing settled"),
}

# Kinds of money account on the reconciliation (资金对账) and what is in transit on each.
MONEY_ACCOUNTS = {
    "cash": L("库存现金", "cash on hand"),
    "bank": L("银行存款", "bank"),
    "clearing": L("待清算款", "clearing"),
    "transit": L("在途资金", "in transit"),
    "suspense": L("待认领款", "unidentified receipts"),
}

# Channels of a collection contact (wuye-contact), not of money.
CONTACT_CHANNELS = {
    "phone": L("电话", "phone"),
    "sms": L("短信", "SMS"),
    "wechat": L("微信", "WeChat"),
    "letter": L("书面催缴", "letter"),
    "visit": L("上门", "visit"),
    "committee": L("业委会/居委会", "committee"),
    "lawyer": L("律师函", "lawyer"),
}

DISPUTE_CATEGORIES = {
    "cleaning": L("保洁", "cleaning"),
    "leak": L("渗漏", "leak"),
    "noise": L("噪音", "noise"),
    "parking": L("停车", "parking"),
    "security": L("安保", "security"),
    "other": L("其他", "other"),
}

# Escalation stages of a unit in arrears (wuye-stage); their order is ledger/collection/stages.py's.
STAGES = {
    "reminded": L("已提醒", "reminded"),
    "notice": L("书面催缴", "written notice"),
    "committee": L("业委会/居委会督促", "committee"),
    "lawyer": L("律师函", "lawyer's letter"),
    "litigation": L("诉讼", "litigation"),
    "arbitration": L("仲裁", "arbitration"),
    "payment-order": L("支付令", "payment order"),
    "agency": L("委托催收", "collection agency"),
}

# Which money an expense is paid from (wuye expense --fund).
FUNDS = {
    "operating": L("物业服务资金", "operating funds"),
    "maintenance": L("专项维修资金", "maintenance fund"),
    "common": L("公共收益", "common-area income"),
}

# Where 公共收益 comes from (wuye common-income --source).
COMMON_SOURCES = {
    "ads": L("广告收益", "advertising"),
    "parking": L("停车收益", "parking"),
    "lease": L("场地租赁", "leases"),
    "other": L("其他公共收益", "other"),
}

# Unit types of units.csv and config rates, as a fee standard is written in words.
UNIT_TYPES = {
    "residential": L("住宅", "residential"),
    "commercial": L("非住宅（商铺）", "commercial"),
    "all": L("全部", "all"),
}

# What a fee item's price is per (config `basis`), as the standard is written: 2.40 元/㎡·月.
BASIS_UNITS = {
    "area": L("元/㎡·月", "CNY per m² per month"),
    "parking": L("元/位·月", "CNY per space per month"),
    "unit": L("元/户·月", "CNY per household per month"),
    "metered": L("元/吨", "CNY per tonne"),
}

GROUPS = {"kind": KINDS, "channel": CHANNELS, "payer": PAYER_ROLES, "item": ITEMS, "status": STATUSES,
          "op": OPS, "queue_status": QUEUE_STATUSES, "stage": STAGES, "contact_channel": CONTACT_CHANNELS,
          "dispute_category": DISPUTE_CATEGORIES, "money_account": MONEY_ACCOUNTS, "fund": FUNDS,
          "common_source": COMMON_SOURCES, "unit_type": UNIT_TYPES, "basis_unit": BASIS_UNITS}


def label(group: str, key: str | None, lang: str = "zh", default: str | None = None) -> str:
    """The word for `key` in `group`; an unknown key is shown as it is, or as `default` when given
    (never an error on display)."""
    found = GROUPS[group].get(key or "")
    if found:
        return found.text(lang)
    return (key or "") if default is None else default


def zh(group: str) -> dict[str, str]:
    """{key: Chinese} of a group, for code that printed a dict of Chinese words."""
    return {k: v.zh for k, v in GROUPS[group].items()}


def payer_text(payer: str | None, lang: str = "zh") -> str:
    """The ledger's payer text ('tenant 吴**', 'owner') as printed: '租户 吴**', '业主'."""
    role, _, name = (payer or "owner").partition(" ")
    return f"{label('payer', role, lang)} {name}".strip()
