"""Every label of the terminal UI in Chinese (default) and English.

`t("key")` looks a label up in the current language; `t("key", n=3)` formats it. The language is chosen
once at start (`--lang`, then `WUYE_LANG`, then Chinese) and can be switched from the command palette.
"""
from __future__ import annotations

import os

LANGS = ("zh", "en")
_lang = "zh"

# key: (中文, English)
LABELS: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("物业费账本", "Property-fee books"),
    "dashboard": ("概览", "Dashboard"),
    "units": ("房屋", "Units"),
    "unit_detail": ("房屋明细", "Unit detail"),
    "billing": ("开账", "Billing run"),
    "history": ("操作记录", "History"),
    "help": ("帮助", "Help"),
    "pay": ("收款", "Payment"),
    "quit": ("退出", "Quit"),
    "back": ("返回", "Back"),
    "reload": ("重新读取", "Reload"),
    "switch_lang": ("切换语言 (English)", "Switch language (中文)"),
    "loading": ("读取中…", "Loading…"),
    "no_books": ("未指定账本目录：请用 --books DIR 或设置 WUYE_BOOKS",
                 "no books folder: pass --books DIR or set WUYE_BOOKS"),
    "cannot_open": ("无法打开账本", "Cannot open the books"),
    "books_reloaded": ("账本已重新读取", "Books reloaded"),
    "not_yet": ("（该功能的核心模块尚未就绪）", "(the core for this is not there yet)"),
    "cmd_help_dashboard": ("查看收款、收缴率与欠费概况", "Collections, rates and arrears at a glance"),
    "cmd_help_units": ("全部房屋：搜索、筛选、排序", "All units: search, filter, sort"),
    "cmd_help_billing": ("按期开账：预览、确认、提交", "Bill a period: preview, confirm, commit"),
    "cmd_help_history": ("git 操作记录与收费标准变更", "Git log of operations and fee-standard changes"),
    "cmd_help_help": ("列出所有快捷键", "List every key"),
    "cmd_help_reload": ("从磁盘重新读取账本", "Read the books again from disk"),
    "cmd_help_lang": ("中文 / English", "中文 / English"),
    "cmd_help_pay": ("登记一笔收款", "Record a payment"),
    "cmd_help_quit": ("退出程序", "Leave the program"),
    # dashboard
    "community": ("小区", "Community"),
    "today": ("今天", "Today"),
    "head": ("版本", "Commit"),
    "collections_today": ("今日收款", "Collected today"),
    "collections_month": ("本月收款", "Collected this month"),
    "by_channel": ("按渠道", "By channel"),
    "billed_month": ("本月应收", "Billed this month"),
    "billed_by_item": ("本月应收（按项目）", "Billed this month (by item)"),
    "total": ("合计", "Total"),
    "rate_current": ("当期收缴率", "Current-period collection rate"),
    "rate_arrears": ("清欠率", "Arrears recovery rate"),
    "rates": ("收缴率", "Collection rates"),
    "rate_overall": ("综合收缴率", "Overall collection rate"),
    "rate_households": ("户数收缴率", "Households fully paid"),
    "rates_pending": ("收缴率模块尚未就绪", "Rates core not there yet"),
    "chart_12": ("近12个月", "Last 12 months"),
    "chart_billed": ("近12个月应收", "Billed, last 12 months"),
    "chart_rate": ("近12个月当期收缴率", "Current-period rate, last 12 months"),
    "largest_arrears": ("欠费最多", "Largest arrears"),
    "oldest_arrears": ("欠费最久", "Oldest arrears"),
    "import_queue": ("待认领导入", "Import queue"),
    "last_ops": ("最近操作", "Last operations"),
    "arrears_summary": ("欠费概况", "Arrears"),
    "arrears_units": ("欠费户数", "Units in arrears"),
    "arrears_total": ("欠费总额", "Total arrears"),
    "credit_total": ("预存余额", "Total credit"),
    "none": ("无", "none"),
    # units
    "search": ("搜索房号（输入即筛选）", "Search unit (type to filter)"),
    "unit": ("房号", "Unit"),
    "building": ("楼栋", "Building"),
    "area": ("面积㎡", "Area m²"),
    "type": ("类型", "Type"),
    "outstanding": ("欠费", "Outstanding"),
    "credit": ("预存", "Credit"),
    "oldest_open": ("最早欠费期", "Oldest open"),
    "collector": ("收费员", "Collector"),
    "last_contact": ("最近联系", "Last contact"),
    "building_suffix": ("栋", ""),
    "all_buildings": ("全部楼栋", "All buildings"),
    "all_collectors": ("全部收费员", "All collectors"),
    "age_all": ("全部", "All"),
    "age_any": ("有欠费", "Any arrears"),
    "age_3": ("欠费 > 3个月", "Arrears > 3 months"),
    "age_12": ("欠费 > 1年", "Arrears > 1 year"),
    "age_36": ("欠费 > 3年（诉讼时效）", "Arrears > 3 years (limitation)"),
    "age_none": ("无欠费", "No arrears"),
    "shown": ("显示 {n} / {total} 户", "{n} of {total} units"),
    "sort": ("排序", "Sort"),
    "sort_by": ("按 {col} 排序", "Sorted by {col}"),
    "open_unit": ("打开", "Open"),
    "residential": ("住宅", "residential"),
    "commercial": ("商铺", "commercial"),
    # unit detail
    "statement": ("对账明细", "Statement"),
    "period": ("期间", "Period"),
    "item": ("项目", "Item"),
    "billed": ("应收", "Billed"),
    "paid": ("已缴", "Paid"),
    "waived": ("减免", "Waived"),
    "compensated": ("补偿", "Compensated"),
    "written_off": ("核销", "Written off"),
    "open": ("未缴", "Open"),
    "status": ("状态", "Status"),
    "owner": ("业主", "Owner"),
    "phone": ("电话", "Phone"),
    "reveal": ("显示/隐藏业主信息", "Show/hide owner"),
    "revealed": ("已显示完整业主信息", "Owner shown in full"),
    "handover": ("交付日期", "Handover"),
    "parking": ("车位", "Parking"),
    "no_lines": ("尚无账目", "Nothing billed yet"),
    "receipts": ("收据", "Receipts"),
    "actions": ("操作", "Actions"),
    "st_open": ("未缴", "open"),
    "st_partly_paid": ("部分缴纳", "partly paid"),
    "st_paid": ("已缴清", "paid"),
    "st_waived": ("已减免", "waived"),
    "st_compensated": ("补偿抵扣", "compensated"),
    "st_written_off": ("已核销", "written off"),
    # billing
    "bill_period": ("开账期间 (YYYY-MM)", "Period (YYYY-MM)"),
    "bill_to": ("至 (可选)", "to (optional)"),
    "preview": ("预览", "Preview"),
    "confirm_write": ("确认写入", "Confirm and write"),
    "by_item": ("按项目合计", "Totals by item"),
    "effect": ("影响明细", "Effect on the unit"),
    "cancel": ("取消", "Cancel"),
    "units_billed": ("开账户数", "Units billed"),
    "developer_total": ("开发商承担", "Billed to the developer"),
    "credit_applied": ("预存抵扣", "Credit applied"),
    "already_billed": ("已开过账（跳过）", "Already billed (skipped)"),
    "refused": ("拒绝", "Refused"),
    "nothing_to_bill": ("没有需要开账的项目", "Nothing left to bill"),
    "writing": ("正在写入并提交…", "Writing and committing…"),
    "committed": ("已提交 {sha}", "Committed {sha}"),
    "preview_first": ("请先预览", "Preview first"),
    "bill_hint": ("输入期间后按 Enter 预览；预览无误后按 Ctrl+S 确认写入。",
                  "Type the period and press Enter to preview; Ctrl+S writes it once the preview is right."),
    # history
    "date": ("日期", "Date"),
    "author": ("操作人", "Author"),
    "subject": ("摘要", "Subject"),
    "files": ("文件", "Files"),
    "commit": ("提交", "Commit"),
    "std_changes": ("收费标准变更", "Fee-standard changes"),
    "unit_type": ("房屋类型", "Unit type"),
    "old_rate": ("原标准", "Old rate"),
    "new_rate": ("新标准", "New rate"),
    "effective": ("生效日期", "Effective"),
    "raw_diff": ("config.yaml 原始差异", "Raw diff of config.yaml"),
    "no_std_change": ("本次操作未改变收费标准", "No fee-standard change in this operation"),
    "ops_count": ("共 {n} 条操作", "{n} operations"),
    # payments and forms
    "amount": ("金额", "Amount"),
    "channel": ("渠道", "Channel"),
    "reference": ("交易单号", "Reference"),
    "payer": ("付款人", "Payer"),
    "pay_date": ("日期", "Date"),
    "reason": ("原因", "Reason"),
    "approved_by": ("批准人", "Approved by"),
    "receipt": ("收据", "Receipt"),
    "allocation": ("分配预览", "Allocation preview"),
    "ch_cash": ("现金", "cash"),
    "ch_bank": ("银行转账", "bank"),
    "ch_wechat": ("微信", "WeChat"),
    "ch_alipay": ("支付宝", "Alipay"),
    "ch_pos": ("POS刷卡", "POS"),
    "ch_autodebit": ("代扣", "auto-debit"),
    # corrections
    "adj_waive": ("减免", "Waiver"),
    "adj_compensate": ("补偿", "Compensation"),
    "adj_refund": ("退款", "Refund"),
    "adj_void": ("作废收据", "Void a receipt"),
    "adj_writeoff": ("坏账核销", "Write-off"),
    "adj_latefees": ("计提违约金", "Late-fee run"),
    "adj_waive_help": ("减免某一期某一项目的欠费（需原因与批准人）", "Waive an open charge (reason and approver required)"),
    "adj_compensate_help": ("补偿：冲抵欠费或支付现金，关联纠纷编号（需原因与批准人）",
                            "Compensation offsetting charges or paid out, linked to a dispute (reason, approver)"),
    "adj_refund_help": ("从预存款退款，或填写收据号退回该笔收款（需原因）",
                        "Refund from credit, or give a receipt to reverse that payment (reason required)"),
    "adj_void_help": ("作废一张收据：冲回该笔收款，收据号保留为作废（需原因）",
                      "Void a receipt: the payment is reversed, the number stays used (reason required)"),
    "adj_writeoff_help": ("核销整期欠费（仅限往期欠费，需原因与批准人）",
                          "Write off whole arrear periods (earlier periods only; reason and approver)"),
    "adj_latefees_help": ("按合同违约金政策计提截至某日的违约金（重复运行不会重复计提）",
                          "Post late fees accrued to a date under the contract policy (idempotent)"),
    "f_unit": ("房号", "Unit"),
    "f_amount": ("金额", "Amount"),
    "f_item": ("项目", "Item"),
    "f_period": ("期间", "Period"),
    "f_periods": ("期间（逗号分隔）", "Periods (comma-separated)"),
    "f_reason": ("原因", "Reason"),
    "f_approved_by": ("批准人", "Approved by"),
    "f_date": ("日期", "Date"),
    "f_dispute": ("纠纷编号", "Dispute id"),
    "f_mode": ("方式", "Mode"),
    "f_channel": ("渠道", "Channel"),
    "f_receipt": ("收据号", "Receipt"),
    "mode_offset": ("冲抵欠费", "offset charges"),
    "mode_cash": ("支付现金", "paid out"),
    "pay_hint": ("Enter 预览 · Ctrl+S 确认写入 · Esc 关闭", "Enter preview · Ctrl+S write · Esc close"),
    "payer_hint": ("可选，如 tenant:吴小明", "optional, e.g. tenant:Wu"),
    "designated": ("指定缴纳", "Pay for"),
    "prepay": ("预交（未开账期间）", "Prepay (unbilled periods)"),
    "print_receipt": ("打印收据 (HTML)", "Print receipt (HTML)"),
    "close": ("关闭", "Close"),
    "receipt_saved": ("收据已保存：{path}（用浏览器打开打印）", "Receipt saved: {path} (open in a browser to print)"),
    "preview_label": (" 预览 · 尚未写入 ", " PREVIEW · not written "),
    "to_credit": ("转入预存", "To credit"),
    "prepay_discount": ("预交优惠", "Prepayment discount"),
    "as_of": ("截至", "As of"),
    "days": ("天数", "Days"),
    "kind_current": ("当期", "current"),
    "kind_arrears": ("欠费追回", "arrears"),
    "kind_prepay": ("预交", "prepaid"),
    "kind_credit": ("预存抵扣", "from credit"),
    "kind_waived": ("减免", "waived"),
    "kind_compensated": ("补偿抵扣", "compensated"),
    "kind_written_off": ("核销", "written off"),
    "refund_from_credit": ("从预存款退款", "Refund from credit"),
    "st_voided": ("已作废", "void"),
    "op_pay": ("收款", "payment"),
    "op_void": ("作废", "void"),
    "op_refund": ("退款", "refund"),
    # errors
    "error": ("错误", "Error"),
    "err_WuyeError": ("错误", "Error"),
    "err_ConfigError": ("配置错误", "Configuration error"),
    "err_UnitsError": ("房屋清单错误", "Unit register error"),
    "err_InputError": ("输入错误", "Input error"),
    "err_BooksStateError": ("账本状态", "Books state"),
    "err_LockHeldError": ("账本被占用", "Books in use"),
    "err_ExternallyChangedError": ("账本已被外部修改", "Books changed outside"),
    "err_VcsError": ("git 错误", "Git error"),
    "err_ValidationError": ("校验失败", "Validation failed"),
    "err_unexpected": ("意外错误（账本未改动）", "Unexpected error (books unchanged)"),
    "books_unchanged": ("账本未改动。", "Nothing was written."),
    "reloaded_retry": ("已重新读取账本，请重试。", "The books were reloaded; try again."),
    # help
    "help_title": ("快捷键", "Keys"),
    "help_global": ("全局", "Everywhere"),
    "help_close": ("按 Esc 关闭", "Esc closes"),
    "k_palette": ("命令面板（所有操作）", "Command palette (every action)"),
    "k_filter": ("筛选：搜索框", "Focus the search box"),
    "k_sort": ("切换排序列", "Cycle the sort column"),
    "k_reverse": ("反向排序", "Reverse the sort"),
    "k_open": ("打开房屋明细", "Open the unit"),
    "k_reveal": ("显示完整业主姓名/电话", "Show the owner's full name/phone"),
    "k_preview": ("预览开账", "Preview the run"),
    "k_confirm": ("确认写入", "Confirm and write"),
    "k_receipt": ("在收据列表中：查看收据", "On a receipt: show it"),
    "forms": ("收款与更正表单", "Payment and correction forms"),
    "k_show_diff": ("查看所选操作的差异", "Show the selected operation's diff"),
}

HELP_SECTIONS = [
    ("help_global", [("F1 / ?", "help"), ("Ctrl+P", "k_palette"), ("F2 / d", "dashboard"), ("F3 / u", "units"),
                     ("F4 / p", "pay"), ("F5 / b", "billing"), ("F6 / h", "history"), ("Ctrl+R", "reload"),
                     ("Ctrl+L", "switch_lang"), ("Esc", "back"), ("Ctrl+Q", "quit")]),
    ("units", [("/", "k_filter"), ("s", "k_sort"), ("S", "k_reverse"), ("Enter", "k_open")]),
    ("unit_detail", [("v", "k_reveal"), ("p", "pay"), ("w", "adj_waive"), ("c", "adj_compensate"),
                     ("f", "adj_refund"), ("x", "adj_writeoff"), ("o", "adj_void"), ("Enter", "k_receipt"),
                     ("Esc", "back")]),
    ("billing", [("Enter", "k_preview"), ("Ctrl+S", "k_confirm")]),
    ("forms", [("Enter", "k_preview"), ("Ctrl+S", "k_confirm"), ("Ctrl+O", "print_receipt"), ("Esc", "close")]),
    ("history", [("Enter", "k_show_diff")]),
]


def set_lang(lang: str | None) -> str:
    global _lang
    lang = (lang or os.environ.get("WUYE_LANG") or "zh").lower()[:2]
    _lang = lang if lang in LANGS else "zh"
    return _lang


def lang() -> str:
    return _lang


def t(key: str, **kw) -> str:
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[0] if _lang == "zh" else pair[1]
    return text.format(**kw) if kw else text


def has(key: str) -> bool:
    return key in LABELS


def localize_bindings(node) -> None:
    """Binding descriptions are i18n keys in the class; show them in the current language (again after a
    language switch: the keys are remembered on the node)."""
    from dataclasses import replace

    keys = node.__dict__.setdefault("_i18n_binding_keys", {})
    for key, found in node._bindings.key_to_bindings.items():
        out = []
        for b in found:
            ident = (key, b.action)
            if ident not in keys:
                keys[ident] = b.description
            desc = keys[ident]
            out.append(replace(b, description=t(desc)) if desc and has(desc) else b)
        node._bindings.key_to_bindings[key] = out
