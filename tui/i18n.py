"""The terminal UI's words: a thin wrapper over the gettext catalogs in locale/ and the label table.

`t("key")` is the label `key` in the current language; `t("key", n=3)` formats it. The Chinese text below
is the source (msgid, with the key as msgctxt); the English is in locale/en/LC_MESSAGES/wuye.po. Domain
words (channels, kinds, statuses, ...) come from ledger/basics/labels.py; the core's report headers are
msgids of their own (`term`). The language is chosen once at start (`--lang`, then `WUYE_LANG`, then
Chinese) and can be switched with Ctrl+L.
"""
from __future__ import annotations

import os
import re

from ledger.basics import labels
from ledger.basics.catalog import LANGS, gettext, pgettext

_lang = "zh"

# key -> Chinese source text (msgctxt = key)
LABELS: dict[str, str] = {
    # app and navigation
    "app_title": "物业费账本",
    "dashboard": "概览",
    "units": "房屋",
    "unit_detail": "房屋明细",
    "billing": "开账",
    "history": "操作记录",
    "help": "帮助",
    "pay": "收款",
    "quit": "退出",
    "back": "返回",
    "reload": "重新读取",
    "switch_lang": "切换语言 (English)",
    "loading": "读取中…",
    "no_books": "未指定账本目录：请用 --books DIR 或设置 WUYE_BOOKS",
    "cannot_open": "无法打开账本",
    "books_reloaded": "账本已重新读取",
    "not_yet": "（该功能的核心模块尚未就绪）",
    "cmd_help_dashboard": "查看收款、收缴率与欠费概况",
    "cmd_help_units": "全部房屋：搜索、筛选、排序",
    "cmd_help_billing": "按期开账：预览、确认、提交",
    "cmd_help_history": "git 操作记录与收费标准变更",
    "cmd_help_help": "列出所有快捷键",
    "cmd_help_reload": "从磁盘重新读取账本",
    "cmd_help_lang": "中文 / English",
    "cmd_help_pay": "登记一笔收款",
    "cmd_help_quit": "退出程序",
    "busy_writing": "正在写入，请稍候",
    "ph_unit": "例：1-1-0201 或 4栋103",
    "ph_amount": "例：1,234.50",
    "ph_ref": "例：4200001234…（可选）",
    "ph_for": "例：PF:2026-10,PK:2026-10（可选）",
    "large_amount": "⚠ 金额 {amount} 远超该户合理金额 {limit}（欠费×3＋一年费用）：请核对，确认需按两次 Ctrl+S",
    "large_again": "金额 {amount} 异常大：核对无误请再按一次 Ctrl+S 写入",
    "cmd_help_unit": "打开该房屋的明细",
    "operator": "操作员",
    "op_none": "未选择",
    "op_pick": "谁在操作？",
    "op_hint": "↑↓ 选择 · Enter 确认",
    "op_why": "收据上的收款人、联系记录的经办人和提交记录的操作人都用这个名字。",
    "op_last": "（上次）",
    # import row reasons, worded from their shape (importers/reasons.py)
    "why_amount_only": "{what}：金额等于该户月费——只是金额相同，并非匹配",
    "why_refund_no_credit": "退款没有对应的预存：{unit} 预存 {credit}，退款 {amount}，也没有能覆盖该退款的收款",
    "why_refund_no_unit": "退款无法确定房号（{why}）",
    "why_unknown_unit": "未知房号 {unit}",
    "why_zone_unknown": "分区前缀 {zone} 不存在",
    "why_no_unit": "备注中没有房号，也没有记住的别名",
    "why_ambiguous_room": "不确定：{buildings} 栋都有房号 {room}",
    "why_before_start": "日期早于建账日 {date}",
    "why_no_category": "付出款项的说明没有写明支出类别（config.yaml expenses.categories）",
    "why_monthly_charge": "{unit}（{item} 月费 {amount}）",
    "why_and_more": "……另有 {n} 条",
    # a table wider than the screen (tui/widgets/columns.py)
    "cols_right": "→ 还有 {n} 列（左右滚动）",
    "cols_left": "← 左边还有 {n} 列",
    "wide_right": "→ 报表比屏幕宽，右边还有（左右滚动）",
    "wide_left": "← 左边还有",
    # shapes the TUI words itself (queue suggestions and remark reasons; EXTRA_SHAPES below)
    "why_suggest_alias": "{unit}（付款人别名：{why}）",
    "why_alias_key": "{kind} {display} → {units}",
    "why_suggest_owner": "{unit}（付款人姓名与登记业主一致）",
    "why_all_items_monthly": "{unit}（全部项目月费合计 {amount}）",
    "why_several_units": "多个房号 {units}",
    "why_bare_room": "只有房号 {room}，未写楼栋",
    "why_no_unit_text": "没有房号",
    "why_exact": "写明了房号",
    "alias_openid": "openid",
    "alias_nickname": "昵称",
    "alias_account": "账户",
    "alias_name": "户名",
    "why_suggest_remark": "{unit}（备注：{why}）",
    "why_suggest_refund_unit": "{unit}（退款写明了该房号）",
    # operation titles in the history, worded from the commit's data (ledger/books/op_titles.py)
    "title_pay": "收款 {unit} ¥{amount} {channel} {receipt}",
    "title_assign": "认领 {queue} → {unit} ¥{amount} {receipt}",
    "title_void": "作废 {receipt}（{unit}）：{note}",
    "title_refund_part": "部分退款 {number} {unit} ¥{amount} {channel}，原收据 {receipt}：{note}",
    "title_refund_credit": "退预存 {unit} ¥{amount} {channel}：{note}",
    "title_refund": "退款 {receipt}（{unit}）{channel}：{note}",
    "title_to_credit": "转预存 {receipt}（{unit}）¥{amount}：{note}",
    "title_bill": "开账 {period}：{n} 户，¥{amount}",
    "title_late_fees": "违约金（截至 {date}）：{n} 户，¥{amount}",
    "title_readings": "抄表 {period}：{n} 块表",
    "title_readings_start": "抄表：建账时的表底数",
    "title_reading": "抄表 {unit} {item} {value}（{date}）",
    "title_demo_settle": "演示：{year} 年清算到账（T+1）、现金每周缴存",
    "title_demo_spending": "演示：{span} 支出与公共收益",
    "title_demo_payments": "演示：{period} 收款 {n} 笔",
    "title_contact": "联系 {unit} {channel}（{date}）{interrupts}：{note}",
    "title_interrupts": "（中断时效）",
    "title_contacts": "联系记录 {n} 条",
    "title_stage": "催缴阶段 {unit} → {stage}（{date}）：{note}",
    "title_notices": "催缴通知 {n} 份（{date}，{range}）",
    "title_dispute_open": "争议 {dispute} 登记：{unit} {category}，诉求 ¥{amount}",
    "title_dispute_close": "争议 {dispute} 结案：{unit}",
    "title_dispute_close_comp": "争议 {dispute} 结案：{unit}，补偿 ¥{amount}",
    "title_import": "导入 {files} 个文件：收款 {payments}，待认领 {queued}，其他 {other}，跳过 {skipped}，重复 {duplicates}",
    "title_init": "建账 {name}：{n} 户，{items} 个收费项目",
    "title_close": "结账 {period}：{n} 个期末余额（截至 {date}）",
    "title_reopen": "重开 {period}：{note}（批准人 {who}）",
    "title_waive": "减免 {unit} ¥{amount} {what}：{note}（批准人 {who}）",
    "title_writeoff": "坏账核销 {unit} ¥{amount}：{note}（批准人 {who}）",
    "title_standard": "收费标准 {item} {name}：{changes}，自 {date} 起",
    "title_units_import": "房屋导入：新增 {added}，更新 {changed}",
    "op_switch": "切换操作员",
    "cmd_help_operator": "更换当前操作员（收款人、经办人、提交操作人）",
    # dashboard
    "community": "小区",
    "today": "今天",
    "head": "版本",
    "collections_today": "今日收款",
    "collections_month": "本月收款",
    "by_channel": "按渠道",
    "billed_month": "本月应收",
    "billed_by_item": "本月应收（按项目）",
    "total": "合计",
    "rate_current": "当期收缴率",
    "rate_arrears": "清欠率",
    "rates": "收缴率",
    "rate_overall": "综合收缴率",
    "rate_households": "户数收缴率",
    "rates_pending": "收缴率模块尚未就绪",
    "chart_12": "近12个月",
    "chart_billed": "近12个月应收",
    "chart_rate": "近12个月当期收缴率",
    "largest_arrears": "欠费最多",
    "oldest_arrears": "欠费最久",
    "import_queue": "待认领导入",
    "last_ops": "最近操作",
    "arrears_summary": "欠费概况",
    "arrears_units": "欠费户数",
    "arrears_total": "欠费总额",
    "credit_total": "预存余额",
    # the same, short (a narrow arrears panel: the figures stay whole)
    "arrears_units_s": "欠费户",
    "arrears_total_s": "欠费",
    "credit_total_s": "预存",
    "import_queue_s": "待认领",
    "none": "无",
    # units
    "search": "搜索房号（输入即筛选）",
    "unit": "房号",
    "building": "楼栋",
    "area": "面积㎡",
    "type": "类型",
    "outstanding": "欠费",
    "credit": "预存",
    "oldest_open": "最早欠费期",
    "collector": "收费员",
    "last_contact": "最近联系",
    "building_n": "{b}栋",
    "all_buildings": "全部楼栋",
    "all_collectors": "全部收费员",
    "age_all": "全部",
    "age_any": "有欠费",
    "age_3": "欠费 > 3个月",
    "age_12": "欠费 > 1年",
    "age_36": "欠费 > 3年（诉讼时效）",
    "age_none": "无欠费",
    "shown": "显示 {n} / {total} 户",
    "sort": "排序",
    "sort_by": "按 {col} 排序",
    "open_unit": "打开",
    "residential": "住宅",
    "commercial": "商铺",
    # unit detail
    "statement": "对账明细",
    "period": "期间",
    "item": "项目",
    "billed": "应收",
    "paid": "已缴",
    "waived": "减免",
    "compensated": "补偿",
    "written_off": "核销",
    "open": "未缴",
    "status": "状态",
    "owner": "业主",
    "phone": "电话",
    "reveal": "显示/隐藏业主信息",
    "revealed": "已显示完整业主信息",
    "handover": "交付日期",
    "parking": "车位",
    "no_lines": "尚无账目",
    "receipts": "收据",
    "actions": "操作",
    # billing
    "bill_period": "开账期间 (YYYY-MM)",
    "bill_to": "至 (可选)",
    "preview": "预览",
    "confirm_write": "确认写入",
    "by_item": "按项目合计",
    "effect": "影响明细",
    "cancel": "取消",
    "units_billed": "开账户数",
    "developer_total": "开发商承担",
    "credit_applied": "预存抵扣",
    "already_billed": "已开过账（跳过）",
    "refused": "拒绝",
    "nothing_to_bill": "没有需要开账的项目",
    "writing": "正在写入并提交…",
    "committed": "已提交 {sha}",
    "preview_first": "请先预览",
    "plan_changed": "账本在预览后有变动：以下是新的结果，请核对后再按 Ctrl+S 确认",
    "bill_hint": "输入期间后按 Enter 预览；预览无误后按 Ctrl+S 确认写入。",
    # history
    "date": "日期",
    "author": "操作人",
    "subject": "摘要",
    "value_dates": "业务日期",
    "files": "文件",
    "commit": "提交",
    "std_changes": "收费标准变更",
    "unit_type": "房屋类型",
    "old_rate": "原标准",
    "new_rate": "新标准",
    "effective": "生效日期",
    "raw_diff": "config.yaml 原始差异",
    "no_std_change": "本次操作未改变收费标准",
    "ops_count": "共 {n} 条操作",
    # payments and forms
    "amount": "金额",
    "channel": "渠道",
    "reference": "交易单号",
    "payer": "付款人",
    "pay_date": "日期",
    "reason": "原因",
    "approved_by": "批准人",
    "receipt": "收据",
    "allocation": "分配预览",
    # corrections
    "adj_waive": "减免",
    "adj_compensate": "补偿",
    "adj_refund": "退款",
    "adj_void": "作废收据",
    "adj_writeoff": "坏账核销",
    "adj_latefees": "计提违约金",
    "adj_waive_help": "减免某一期某一项目的欠费（需原因与批准人）",
    "adj_compensate_help": "补偿：冲抵欠费或支付现金，关联纠纷编号（需原因与批准人）",
    "adj_refund_help": "从预存款退款，或填写收据号退回该笔收款（需原因）",
    "adj_void_help": "作废一张收据：冲回该笔收款，收据号保留为作废（需原因）",
    "adj_writeoff_help": "核销整期欠费（仅限往期欠费，需原因与批准人）",
    "adj_latefees_help": "按合同违约金政策计提截至某日的违约金（重复运行不会重复计提）",
    "f_unit": "房号",
    "f_amount": "金额",
    "f_item": "项目",
    "f_period": "期间",
    "f_periods": "期间（逗号分隔）",
    "f_reason": "原因",
    "f_approved_by": "批准人",
    "f_date": "日期",
    "f_dispute": "纠纷编号",
    "f_mode": "方式",
    "f_channel": "渠道",
    "f_receipt": "收据号",
    "mode_offset": "冲抵欠费",
    "mode_cash": "支付现金",
    "pay_hint": "Enter 预览 · Ctrl+S 确认写入 · Esc 关闭",
    "payer_hint": "可选，如 tenant:吴小明",
    "designated": "指定缴纳",
    "prepay": "预交（未开账期间）",
    "print_receipt": "打印收据 (HTML)",
    "close": "关闭",
    "receipt_saved": "收据已保存：{path}（用浏览器打开打印）",
    "preview_label": " 预览 · 尚未写入 ",
    "to_credit": "转入预存",
    "prepay_discount": "预交优惠",
    "as_of": "截至",
    "days": "天数",
    "refund_from_credit": "从预存款退款",
    # reports (F7)
    "reports": "报表",
    "cmd_help_reports": "收缴率、账龄、公示、目标、诉讼时效；导出 xlsx/csv/html",
    "rep_rates": "收缴率",
    "rep_arrears": "欠费账龄",
    "rep_disclosure": "公示",
    "rep_targets": "收费员目标",
    "rep_limitation": "诉讼时效风险",
    "rep_receipts": "收据登记簿",
    "rep_daily": "收费日报",
    "rep_deposits": "押金登记簿",
    "rep_unidentified": "待认领款项",
    "rep_backdated": "补录记录",
    "rep_kind": "报表",
    "rep_period": "期间",
    "rep_period_hint": "2026-11 / 2026-Q4 / 2026",
    "rep_by": "分组",
    "grp_none": "不分组",
    "grp_building": "按楼栋",
    "grp_item": "按项目",
    "grp_collector": "按收费员",
    "rep_as_of": "截至",
    "rep_show": "查看",
    "rep_hint": "Enter 查看 · Ctrl+O 导出 xlsx/csv/html",
    "export": "导出",
    "export_title": "导出报表",
    "export_format": "格式",
    "export_path": "文件",
    "export_hint": "Enter 导出 · Esc 取消（账本目录内的路径会被拒绝）",
    "exported": "已导出：{path}",
    "more_rows": "… 另有 {n} 行（导出可见全部）",
    "show_first": "请先查看报表",
    # collector's own list
    "my_list": "我的清单",
    "collector_pick": "选择收费员",
    "my_rate": "当期收缴率",
    "target": "目标",
    "target_amount": "目标金额",
    "gap": "差额",
    "met": "达标",
    "not_met": "未达标",
    "charged": "当期应收",
    "collected": "当期实收",
    "to_visit": "待走访（先易后难）",
    "to_visit_n": "待走访 {n} 户",
    "flags": "标记",
    "stage": "催缴阶段",
    "flag_help": "⚑ 纠纷未结  ✗ 失约  ",
    "mine_for": "收费员：{name}",
    # unit detail: collection
    "contacts": "催缴记录",
    "disputes": "纠纷",
    "no_stage": "未催缴",
    "payers": "付款人",
    "aliases": "付款别名",
    "notices_issued": "已发通知书",
    "outcome": "结果",
    "promise": "承诺",
    "proof": "凭证",
    "by": "经办人",
    "log_contact": "登记联系",
    "open_dispute": "登记纠纷",
    "print_statement": "打印对账单",
    "issue_notice": "发催缴通知书",
    "statement_saved": "对账单已保存：{path}（用浏览器打开打印）",
    "notice_saved": "通知书 {doc} 已保存：{path}",
    "coll_contact": "登记联系",
    "coll_dispute": "登记纠纷",
    "coll_notice": "催缴通知书",
    "coll_contact_help": "电话、短信、微信、书面、上门、业委会、律师函；不得填写电话号码或姓名。有送达凭证的书面催缴中断诉讼时效。",
    "coll_dispute_help": "业主的投诉/纠纷：纠纷未结的房屋不进入批量通知，并在欠费处标记 ⚑。",
    "coll_notice_help": "按截至日逾期的欠费生成催缴通知书（HTML，可打印），并登记为一次书面联系。",
    "f_channel_c": "方式",
    "f_outcome": "结果",
    "f_promise_date": "承诺缴费日",
    "f_promise_amount": "承诺金额",
    "f_proof": "凭证",
    "f_by": "经办人",
    "f_acknowledged": "业主书面确认欠款",
    "f_category": "类别",
    "f_claim": "诉求金额",
    "f_note": "说明",
    "f_deadline_days": "缴费期限(天)",
    "close_dispute": "纠纷结案",
    "set_stage": "设催缴阶段",
    "coll_close": "纠纷结案",
    "coll_close_help": "结案并可同时补偿（填补偿金额、方式与批准人）：结案与补偿一次写入。",
    "coll_stage": "催缴阶段",
    "coll_stage_help": "记录本户所处的催缴阶段（提醒、书面催缴、业委会督促、律师函、诉讼等）。",
    "f_resolution": "处理结果",
    "f_compensation": "补偿金额",
    "f_stage": "阶段",
    "f_force_reason": "照发原因",
    "interrupts": "将中断诉讼时效（民法典195条）",
    "dispute_opened": "纠纷 {id} 已登记",
    "open_since": "未结，自 {d}",
    "closed_on": "已结 {d}",
    "p_kept": "已守约", "p_pending": "未到期", "p_due": "今日到期",
    "p_broken": "失约",
    "notice_lines": "逾期欠费明细",
    # import (F8)
    "import": "导入",
    "cmd_help_import": "导入微信/支付宝/银行账单，处理待认领",
    "import_files": "导入文件",
    "queue": "待认领",
    "import_path": "文件路径（; 分隔，Enter 加入）",
    "import_picked": "已选文件",
    "import_none": "尚未选择文件：在上方输入路径，或在目录树中按 Enter 选择",
    "import_hint": "Enter 加入并预览 · Ctrl+S 确认导入（一次提交）· Ctrl+X 清空",
    "imp_payments": "收款（按房号）",
    "imp_duplicates": "重复",
    "imp_queued": "待认领",
    "imp_skipped": "跳过",
    "imp_other": "其他记账",
    "imp_nothing": "没有新的内容可导入",
    "imp_done": "已导入并提交 {sha}",
    "q_id": "编号",
    "remark": "附言",
    "suggestions": "建议",
    "q_empty": "没有待认领的款项",
    "q_count": "待认领 {n} 笔",
    "assign": "认领",
    "assign_hint": "在建议上按 Enter 认领，或输入房号后按 Enter · Esc 关闭",
    "assigned": "{id} → {unit}  收据 {receipt}",
    "k_export": "导出报表",
    "k_add_file": "加入文件并预览",
    "k_assign": "认领所选款项",
    # queue assignment as a plan (branch queue)
    "assign_plan_hint": "选择建议或输入房号，Enter 预览 · Ctrl+S 写入 · Esc 关闭",
    "q_received": "到账日期",
    "q_assigned_on": "认领日期（入账及收据日期）",
    "q_out": "退款",
    "q_amount_only": "仅金额相同，不是匹配（不会自动选用）：",
    "q_amount_only_n": "仅金额相同 {n} 条",
    "q_learn_alias": "记住付款人为此房号的别名",
    "q_alias_learn": "将记住别名：{alias}",
    "q_alias_not_learned": "不记住别名（勾选可记住）：{alias}",
    "q_alias_learned": "已记住别名：{alias}",
    "q_reopens": "{id} 将回到待认领（同一编号，历史保留）",
    "q_alias_kept": "别名保留：{alias}（勾选「忘记别名」可同时忘记）",
    "q_alias_forget": "别名将被忘记：{alias}",
    "f_forget_alias": "忘记别名",
    "q_forget_alias_box": "同时忘记此次认领记住的别名",
    "alias_tab": "付款人别名",
    "alias_tab_hint": "已记住的付款人别名；在一行上按 Enter 可忘记它",
    "alias_key": "别名",
    "alias_kind": "类型",
    "alias_learned": "记住日期",
    "alias_source": "来源",
    "alias_forget": "忘记别名",
    "alias_will_forget": "将忘记：{alias}",
    "refund_no": "退款单号 {number}（部分退款，链接原收据）",
    # errors
    "error": "错误",
    "err_WuyeError": "错误",
    "err_ConfigError": "配置错误",
    "err_UnitsError": "房屋清单错误",
    "err_InputError": "输入错误",
    "err_BooksStateError": "账本状态",
    "err_LockHeldError": "账本被占用",
    "err_ExternallyChangedError": "账本已被外部修改",
    "err_VcsError": "git 错误",
    "err_PeriodClosedError": "期间已结账",
    "err_ValidationError": "校验失败",
    "err_unexpected": "意外错误（账本未改动）",
    "books_unchanged": "账本未改动。",
    "reloaded_retry": "已重新读取账本，请重试。",
    # help
    "help_title": "快捷键",
    "help_global": "全局",
    "help_close": "按 Esc 关闭",
    "k_palette": "命令面板（所有操作）",
    "k_filter": "筛选：搜索框",
    "k_sort": "切换排序列",
    "k_reverse": "反向排序",
    "k_open": "打开房屋明细",
    "k_reveal": "显示完整业主姓名/电话",
    "k_preview": "预览开账",
    "k_confirm": "确认写入",
    "k_receipt": "在收据列表中：查看收据",
    "forms": "收款与更正表单",
    "k_show_diff": "查看所选操作的差异",
    # sync with the other offices (Ctrl+Y)
    "sync": "同步",
    "cmd_help_sync": "与其他收费点同步账本（拉取、重放本地提交、校验、推送）",
    "sync_state": "待推送 {ahead} · 待拉取 {behind} · 上次同步 {last}",
    "sync_never": "从未",
    "sync_conflicts": "冲突 {n}（wuye sync --resolve）",
    "sync_pull_only": "只拉取",
    "err_SyncConflict": "同步冲突",
}

HELP_SECTIONS = [
    ("help_global", [("F1 / ?", "help"), ("Ctrl+P", "k_palette"), ("F2", "dashboard"), ("F3", "units"),
                     ("F4", "pay"), ("F5", "billing"), ("F6", "history"), ("F7", "reports"),
                     ("F8", "import"), ("F9", "queue"), ("Ctrl+R", "reload"),
                     ("Ctrl+L", "switch_lang"), ("Esc", "back"), ("Ctrl+Q", "quit")]),
    ("units", [("/", "k_filter"), ("s", "k_sort"), ("S", "k_reverse"), ("Enter", "k_open")]),
    ("unit_detail", [("v", "k_reveal"), ("p", "pay"), ("w", "adj_waive"), ("c", "adj_compensate"),
                     ("f", "adj_refund"), ("x", "adj_writeoff"), ("o", "adj_void"), ("l", "log_contact"),
                     ("d", "open_dispute"), ("e", "close_dispute"), ("g", "set_stage"), ("t", "print_statement"), ("n", "issue_notice"), ("Enter", "k_receipt"),
                     ("Esc", "back")]),
    ("billing", [("Enter", "k_preview"), ("Ctrl+S", "k_confirm")]),
    ("forms", [("Enter", "k_preview"), ("Ctrl+S", "k_confirm"), ("Ctrl+O", "print_receipt"), ("Esc", "close")]),
    ("history", [("Enter", "k_show_diff")]),
    ("reports", [("Enter", "rep_show"), ("Ctrl+O", "k_export")]),
    ("import", [("Enter", "k_add_file"), ("Ctrl+S", "k_confirm"), ("Enter", "k_assign")]),
]



# t("ch_wechat") and the like: a domain word of the label table, by prefix
LABEL_GROUPS = {"ch_": "channel", "kind_": "kind", "st_": "status", "cc_": "contact_channel",
                "cat_": "dispute_category", "op_": "op", "sg_": "stage"}


def set_lang(lang: str | None) -> str:
    global _lang
    lang = (lang or os.environ.get("WUYE_LANG") or "zh").lower()[:2]
    _lang = lang if lang in LANGS else "zh"
    return _lang


def lang() -> str:
    return _lang


def _domain_word(key: str) -> str | None:
    for prefix, group in LABEL_GROUPS.items():
        if key.startswith(prefix) and key[len(prefix):] in labels.GROUPS[group]:
            return labels.label(group, key[len(prefix):], _lang)
    return None


def t(key: str, **kw) -> str:
    source = LABELS.get(key)
    if source is not None:
        text = pgettext(key, source, _lang)
    else:
        text = _domain_word(key)
        if text is None:
            return key
    return text.format(**kw) if kw else text


def op_title(kind: str, params: dict[str, str], subject: str) -> str:
    """An operation's title in the UI language, worded from its data; the raw subject when its shape is unknown."""
    if not kind or f"title_{kind}" not in LABELS:
        return subject
    p = dict(params)
    if kind == "dispute_close" and p.get("amount"):
        kind = "dispute_close_comp"
    for name, group in (("channel", "contact_channel" if kind == "contact" else "channel"), ("stage", "stage"),
                        ("category", "dispute_category")):
        if p.get(name):
            p[name] = labels.label(group, p[name], _lang)
    if "interrupts" in p:
        p["interrupts"] = t("title_interrupts") if p["interrupts"] else ""
    try:
        text = t(f"title_{kind}", **p)
    except (KeyError, IndexError):  # a catalog line naming a field the subject lacks: show the subject, not a crash
        return subject
    return " ".join(text.split()).rstrip("：: ")  # no double blanks or a dangling colon where a part was empty


# reason and suggestion parts importers/reasons.py does not know (written by importers/booking.py,
# bookside.py, aliases.py and unittext.py): matched here, the specific before the general
EXTRA_SHAPES = tuple((k, re.compile(p + r"$")) for k, p in (
    ("suggest_alias", r"(?P<unit>\S+) \(payer alias: (?P<why>.*)\)"),
    ("alias_key", r"(?P<kind>openid|nickname|account|name) (?P<display>.+) -> (?P<units>[^ ]+(?:, [^ ]+)*)"),
    ("suggest_owner", r"(?P<unit>\S+) \(payer's name is the registered owner's\)"),
    ("all_items_monthly", r"(?P<unit>\S+) \(all items monthly (?P<amount>[\d,.]+)\)"),
    ("several_units", r"several units: (?P<units>.+)"),
    ("bare_room", r"bare room (?P<room>\S+) without building"),
    ("no_unit_text", r"no unit text"),
    ("exact", r"exact"),
))


def _extra_part(text: str) -> tuple[str, dict[str, str]]:
    for code, pattern in EXTRA_SHAPES:
        m = pattern.match(text.strip())
        if m:
            return code, {k: v or "" for k, v in m.groupdict().items()}
    return "", {"text": text}


def reason_text(reason: str) -> str:
    """An import row's reason (or suggestion) in the UI language; parts of unknown shape shown as written."""
    from importers.reasons import NESTED, parts  # here, not at the top: the words table loads without importers

    out = []
    for code, params in parts(reason):
        if not code:
            code, params = _extra_part(params.get("text", ""))
        if code == "alias_key":
            params = dict(params, kind=t(f"alias_{params['kind']}"))
        if not code or f"why_{code}" not in LABELS:
            out.append(params.get("text", ""))
            continue
        p = {k: reason_text(v) if k in NESTED else v for k, v in params.items()}
        out.append(t(f"why_{code}", **p))
    return ("；" if _lang == "zh" else "; ").join(out)


def _(message: str) -> str:
    """gettext: a Chinese msgid in the current language."""
    return gettext(message, _lang)


def term(text: str) -> str:
    """A core report header/title (Chinese, the msgid) in the current language (display only)."""
    return _(text)


def error_text(exc: BaseException) -> str:
    """An error's message in the current language (errors with a code are worded by the catalog)."""
    text = getattr(exc, "text", None)
    return text(_lang) if callable(text) else str(exc)


def error_title(exc: BaseException) -> str:
    """The heading above an error: its class's label (err_InputError ...), else the core's title."""
    key = f"err_{type(exc).__name__}"
    return t(key) if key in LABELS else getattr(exc, "title", None) or t("error")


def has(key: str) -> bool:
    return key in LABELS or _domain_word(key) is not None


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


def extract_labels(fileobj, keywords, comment_tags, options):
    """pybabel extractor for LABELS above (see babel.cfg): each entry is msgid = Chinese, msgctxt = key."""
    import ast

    tree = ast.parse(fileobj.read().decode("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "LABELS":
            for k, v in zip(node.value.keys, node.value.values):
                yield k.lineno, "pgettext", (k.value, v.value), []
