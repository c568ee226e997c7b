"""Errors the core raises. Each names where the problem is (file, row, key, ledger line).

An error is raised either with a code and parameters, `InputError("unknown_unit", unit="9-9999", file=...)`,
whose message template is in MESSAGES (Chinese source text, English in locale/en), or with a plain
message (the rarer errors). `str(err)` is the English message, as the CLI and logs have always shown it;
`err.text("zh")` words it for a Chinese screen.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from ledger.basics.catalog import N_, gettext

# code -> message template (str.format fields are the error's parameters)
MESSAGES: dict[str, str] = {
    "unknown_unit": N_("房号 '{unit}' 不存在（{file} 中没有）"),
    "unknown_unit_near": N_("房号 '{unit}' 不存在（{file} 中没有）；是不是：{candidates}？"),
    "bad_amount": N_("{what}：'{text}' 不是金额（最多两位小数）"),
    "negative_amount": N_("{what}：{value} 不能为负数"),
    "zero_amount": N_("{what}：不能为零"),
    "bad_period": N_("期间 '{text}' 不是 YYYY-MM 格式"),
    "bad_date": N_("{what}：'{text}' 不是 YYYY-MM-DD 格式的日期"),
    "date_before_start": N_("{what} {date} 早于建账日 {start}"),
    "date_too_far_ahead": N_("{what} {date} 比今天 {today} 晚了 31 天以上"),
    "unknown_channel": N_("渠道 '{channel}' 不存在（可选：{choices}）"),
    "unknown_item": N_("收费项目 '{item}' 不存在（config.yaml fees 中没有）"),
    "already_settled": N_("{unit} {item} {period} 已结清"),
    "not_billed": N_("{unit} {item} {period} 尚未开账；预交请用 --prepay"),
    "already_billed": N_("{item} 已开账至 {period}；自 {start} 起的新标准会改变已开出的账单"),
    "lock_held": N_("账本正由 {holder} 写入；请等其完成后再试"),
    "books_changed": N_("{root}：账本在读取后已被修改（HEAD {old} -> {new}）；请重新读取后再试"),
    "file_changed": N_("{path} 在读取后已在磁盘上被修改；请重新读取后再试"),
    "validation_failed": N_("账本校验失败，未写入任何内容：\n{problems}"),
    "period_closed": N_("{period} 已结账（截至 {through}，{closed_on} 结账）：不能写入日期在 {through} 及以前的内容（{file}）；"
                        "如确需更正，请先 wuye reopen {latest} --reason .. --approved-by .."),
    "close_not_over": N_("{period} 尚未结束（今天 {today}）：只能结账已结束的月份"),
    "close_already": N_("{period} 已结账（{closed_on}）"),
    "close_out_of_order": N_("结账须按月依次进行：下一个可结账的月份是 {next}，不是 {period}"),
    "close_before_start": N_("{period} 早于建账月份 {start}"),
    "reopen_not_closed": N_("{period} 未结账，无需重新打开"),
    "reopen_not_last": N_("只能重新打开最近结账的月份 {latest}（不是 {period}）"),
    "close_tag_missing": N_("没有 {period} 的结账标签（close/{period}）；已结账的月份：{closed}"),
    "office_not_set": N_("本账本由多个收费点共用（{offices}），本副本尚未选定收费点；请先运行 `wuye office set {example}`"),
    "offices_not_migrated": N_("config.yaml 已列出收费点，但账本尚未改为分收费点布局；请先运行 `wuye migrate-offices`"),
    "offices_none": N_("config.yaml 未列出收费点（offices: [A, B]）"),
    "office_unknown": N_("收费点 '{office}' 不在 config.yaml 的 offices 中（可选：{choices}）"),
    "offices_differ": N_("config.yaml 已列出收费点 {offices}；请在 config.yaml 中修改"),
    "sync_no_remote": N_("未设置远程仓库；请先运行 `wuye remote add URL`"),
    "sync_conflict": N_("同步已停止，本地账本恢复到同步前的状态（本地提交均保留）：\n{details}\n请运行 `wuye sync --resolve` 处理"),
    "sync_pull_only": N_("本副本未选定收费点，只能拉取；有 {ahead} 个本地提交无法推送"),
    "sync_failed": N_("同步失败：{what}；本地账本恢复到同步前的状态，本地提交均保留"),
    "sync_no_conflict": N_("没有待处理的同步冲突"),
    # money between own accounts, expenses (ledger/cashbook/)
    "bank_account_bad": N_("--to：'{text}' 不是银行账户（写 CMB 或 Assets:Bank:CMB）"),
    "transfer_exceeds_balance": N_("{account} 在 {date} 及以后最少只有 {available}，不能转出 {amount}"),
    "deposit_source": N_("--from：只能是 cash（库存现金），不是 '{source}'"),
    "settle_channel": N_("渠道 '{channel}' 没有待清算账户（可选：{choices}）"),
    "settle_day_after": N_("--day {day} 晚于到账日 {date}"),
    "unknown_expense_category": N_("支出类别 '{category}' 不存在（config.yaml expenses.categories：{choices}）"),
    "unknown_fund": N_("--fund：'{fund}' 不存在（可选：{choices}）"),
    "unknown_common_source": N_("--source：'{source}' 不存在（可选：{choices}）"),
    "no_remuneration": N_("酬金只在酬金制下计提，且需 config.yaml expenses.remuneration"),
    "remuneration_month_open": N_("{period} 尚未结束（今天 {today}）；月末后再计提酬金"),
    "remuneration_done": N_("{period} 的酬金已计提"),
    "remuneration_nothing": N_("{period} 没有可计提酬金的{basis}"),
    "as_of_future": N_("{what} {date} 晚于今天 {today}：报表不计算尚未发生的事（确需如此请加 --allow-future）"),
    "assign_before_received": N_("{queue} 的款项 {received} 才到账，不能在 {date} 认领"),
    "alias_not_found": N_("别名 '{alias}' 不存在或已忘记（见 wuye alias list）"),
    "alias_ambiguous": N_("别名前缀 '{alias}' 对应 {n} 个别名；请写出完整的别名"),
    "alias_none_for_unit": N_("{unit} 没有记住的付款人别名"),
    "refund_item_not_paid": N_("收据 {receipt} 没有可退的 {item} {period}"),
    "refund_exceeds_payment": N_("退款 {amount} 超过收据 {receipt} 还可退的 {most}"),
    "implausible_amount": N_("{unit} 收款 {amount} 远超合理金额（欠费×3＋一年费用 = {limit}）；核对无误请加 --yes-large"),
    "no_operator": N_("未指定操作员：收据须写明收款人；请用 --by 或 WUYE_USER 指定（可选：{known}）"),
    # compensation names an open dispute of its unit (branch disputes)
    "dispute_not_found": N_("纠纷 {dispute} 不存在（见 wuye dispute list；或用 --open-dispute 类别 同时立案）"),
    "dispute_other_unit": N_("纠纷 {dispute} 属于 {owner}，不是 {unit}"),
    "dispute_closed": N_("纠纷 {dispute} 已于 {closed} 结案；不能再补偿"),
    "dispute_not_yet_open": N_("纠纷 {dispute} 于 {opened} 才立案，不能在 {date} 补偿"),
    "dispute_or_open": N_("请给出 --dispute 纠纷编号 或 --open-dispute 类别（只选一个）"),
    "notice_dispute_open": N_("{unit} 有未结纠纷 {dispute}（{label}，自 {opened}）；请先结案，或写明原因后照发（--force --reason ..）"),
    "deadline_not_number": N_("期限天数 '{days}' 不是数字"),
    # payments, reversals, refunds, waivers, write-offs, disputes (ledger/payments/, ledger/collection/)
    "ref_recorded": N_("{channel} 交易单号 {ref} 已记入收据 {receipt}"),
    "ref_twice_in_batch": N_("{channel} 交易单号 {ref} 在本批中出现两次"),
    "coupon_exceeds": N_("抵用券 {coupon} 超过 {unit} 尚欠的金额"),
    "receipt_void": N_("收据 {receipt} 已作废"),
    "receipt_refunded": N_("收据 {receipt} 已退款"),
    "receipt_partly_refunded": N_("收据 {receipt} 已部分退款（{refunds}）；其余部分请按金额退款"),
    "date_before_payment": N_("日期 {date} 早于收据 {receipt} 的收款日 {paid}"),
    "credit_used_by_bills": N_("收据 {receipt} 转入 {unit} 预存 {amount}，但预存只剩 {left}（已被后来的账单使用）；请先退款或更正账单"),
    "receipt_other_unit": N_("收据 {receipt} 属于 {owner}，不是 {unit}"),
    "refund_exceeds_credit": N_("{unit} 预存 {credit}，不能退 {amount}"),
    "refund_discount": N_("{unit} 预存 {credit}，其中 {discount} 是预交优惠，不以现金退还；最多可退 {most}"),
    "waive_exceeds_open": N_("{unit} {item} {period} 未缴 {open}，不能减免 {amount}"),
    "writeoff_periods_required": N_("必须填写期间（--period，一个或多个 YYYY-MM）"),
    "writeoff_not_arrears": N_("{period} 在 {date} 尚未欠费；只有欠费可以核销"),
    "nothing_open": N_("{unit} 在 {period} 没有未缴费用"),
    "refund_what": N_("请填写金额（从预存退款）或收据号（退还该笔收款）"),
    "no_late_fees": N_("截至 {date} 没有可计的违约金；未写入任何内容"),
    "dispute_already_closed": N_("纠纷 {dispute} 已于 {closed} 结案"),
    "date_before_dispute": N_("日期（--date）{date} 早于纠纷立案日 {opened}"),
    "dispute_unknown": N_("纠纷 {dispute} 不存在"),
    # readings, exports, the import queue, contacts, notices, stages
    "not_metered": N_("收费项目 '{item}' 在 config.yaml 中不是抄表计费项目"),
    "reading_before_start": N_("日期 {date} 早于建账日 {start}"),
    "reading_exists": N_("{unit} {item} 在 {date} 已有读数"),
    "reading_below": N_("读数 {value} 低于 {date} 的前一次读数 {other}"),
    "reading_above": N_("读数 {value} 高于 {date} 的后一次读数 {other}"),
    "bill_period_needed": N_("请给出期间（YYYY-MM），或 --from 和 --to"),
    "export_inside_books": N_("{path} 在账本文件夹内且未被 git 忽略；请选择账本以外的路径（或 .wuye/ 下）"),
    "folder_missing": N_("文件夹 {folder} 不存在"),
    "export_format": N_("格式只能是 {choices} 之一"),
    "export_path_needed": N_("请填写文件路径"),
    "queue_item_unknown": N_("待认领款项 {queue} 不存在（见 `wuye queue`）"),
    "queue_item_closed": N_("待认领款项 {queue} 已处理（{done}），不能再次认领"),
    "queue_refund_uncovered": N_("{queue} 付出 {amount}，但 {unit} 预存只有 {credit}，也没有能覆盖该退款的收款；请先记录多缴的款项"),
    "import_pick_file": N_("请至少选择一个导出文件"),
    "no_such_file": N_("{path}：文件不存在"),
    "assign_unit_needed": N_("请输入房号或选择一个建议"),
    "ack_needs_proof": N_("“已确认”须附送达凭证（--proof：签字或录音的确认）"),
    "promise_needs_date": N_("承诺金额须同时填写承诺日期（--promise-date）"),
    "promise_before_contact": N_("承诺日期（--promise-date）{promise} 早于联系日期 {date}"),
    "notice_nothing_overdue": N_("{unit} 在 {date} 没有逾期欠费；无需发催缴通知"),
    "notice_whom": N_("请给出房号、--building 楼栋 或 --overdue-days 天数"),
    "deadline_at_least_one": N_("期限天数（--deadline-days）至少为 1"),
    "stage_unknown": N_("催缴阶段 '{stage}' 不存在（可选：{choices}）"),
    "stage_not_owing": N_("{unit} 在 {date} 没有欠费；催缴阶段只记录欠费户"),
    # typed amounts and periods (ledger/basics/parse.py, ledger/reports/rates.py)
    "odd_digit": N_("{what}：'{text}' 含有数字 '{digit}'（{name}）；请写 0-9"),
    "misplaced_comma": N_("{what}：'{text}' 的逗号不在千位分隔处（请写 1,234.50 或 1234.50；不接受用逗号作小数点）"),
    "bad_month": N_("{what} '{text}' 不是 YYYY-MM 格式"),
    "period_before_start": N_("{what} {period}：早于建账日 {start}"),
    "period_too_far": N_("{what} {period}：比今天 {today} 晚一年以上（最晚 {last}）；确需如此请加 --allow-future"),
    "period_backwards": N_("期间 '{text}' 的起止颠倒了"),
    "bad_report_period": N_("期间 '{text}' 不是 YYYY、YYYY-Qn、YYYY-MM 或 YYYY-MM..YYYY-MM 格式"),
    # free texts and fields (ledger/community/privacy.py, ledger/basics/parse.py)
    "fee_item_unknown_in": N_("{what}：收费项目 '{item}' 不存在"),
    "fee_item_unknown": N_("收费项目 '{item}' 不存在"),
    "personal_number": N_("{what}：文字中含有{found}；个人信息不进入账本（只保存在 owners.private.csv 中）"),
    "personal_number_short": N_("{what}：文字中含有{found}；个人信息不进入账本"),
    "owner_name_in_text": N_("{what}：文字中含有业主姓名；请写房号（姓名只保存在 owners.private.csv 中）"),
    "text_too_long": N_("{what}：{n} 个字符；最多 {limit} 个"),
    "required": N_("{what} 必须填写"),
    "above_limit": N_("{what}：{value} 超过单笔上限 {maximum}"),
    "receipt_not_found": N_("收据 {receipt} 不存在"),
    # once plain English: commit author, options that go together, collection, billing, reports, sync, review
    "author_format": N_("WUYE_AUTHOR：'{text}' 不是“操作员 <email>”格式"),
    "author_personal_number": N_("WUYE_AUTHOR：文字中含有{found}；git 历史无法删除"),
    "approver_needed": N_("--approved-by：请填写批准人（config.yaml 的 staff 或 collectors 中的人）"),
    "only_with": N_("{options} 只能与 {option} 一起使用"),
    "compensation_needs_approver": N_("补偿金额（--compensation）须同时填写批准人（--approved-by）"),
    "mode_bad": N_("--mode 只能是 offset（抵扣欠费）或 cash（付现金），不是 '{mode}'"),
    "unknown_building": N_("楼栋 '{building}' 不存在"),
    "notice_none": N_("{date} 没有可发催缴通知的房号"),
    "notice_none_held": N_("{date} 没有可发催缴通知的房号（{held} 户因未结纠纷暂缓）"),
    "template_unknown": N_("config.yaml templates 中没有模板 '{template}'（已有：{have}）"),
    "template_none": N_("config.yaml templates 中没有模板 '{template}'（一个模板也没有）"),
    "template_placeholders": N_("模板 '{template}' 含有未知的占位符：{names}"),
    "nothing_to_export": N_("没有可导出的内容"),
    "dispute_category_unknown": N_("纠纷类别 '{category}' 不存在（可选：{choices}）"),
    "no_late_fee_policy": N_("{date} 没有生效的违约金规定（config.yaml policies.late_fee 中有适用于合同的条目才计违约金）"),
    "rate_price_needed": N_("请至少填写一个价格：--residential、--commercial 或 --all"),
    "unit_type_unknown": N_("房屋类型不存在：{types}"),
    "rate_not_after_last": N_("{item}：新标准须晚于最后一条标准（{last}）开始执行；如已有的标准有误，请手工改正 config.yaml "
                              "并核对改动"),
    "rate_not_first_of_month": N_("--from {start}：收费标准须从某月 1 日起执行"),
    "rate_config_invalid": N_("修改后的 config.yaml 将无效（{error}）；未写入任何内容"),
    "refund_not_found": N_("退款单 {refund} 不存在"),
    "nothing_settled_twice": N_("收据 {receipt}：已没有重复结清的部分"),
    "targets_period_needed": N_("收费员目标报表（report targets）须填写 --period（YYYY-MM、YYYY-Qn 或 YYYY）"),
    "statement_unit_needed": N_("对账单（report statement）须填写房号"),
    "commit_unknown": N_("--commit：'{commit}' 不是 {root} 中的提交"),
    "by_choice": N_("--by 只能是 {choices} 之一，不是 '{by}'"),
    "report_unknown": N_("报表 '{report}' 不存在（可选：{choices}）"),
    "format_unknown": N_("不支持的格式 '{fmt}'（可选：{choices}）"),
    "days_negative": N_("--days：不能小于 0"),
    "export_cell_pii": N_("拒绝导出：“{table}”中有单元格像是手机号码或身份证号码"),
    "sync_remote_moving": N_("同步失败：远程账本一直在变动（已尝试 {retries} 次），请再试一次；本地账本恢复到同步前的状态，"
                             "本地提交均保留"),
    "sync_commit_not_applied": N_("同步失败：本地提交 {commit} 无法应用到远程账本上；本地账本恢复到同步前的状态，本地提交均保留"),
    "resolve_stopped": N_("同步冲突处理停在：{conflict}；未做任何更改"),
    "resolve_bad_choice": N_("'{choice}' 不是 {choices} 之一"),
    "review_range_needed": N_("--review 须是 REV..REV 形式的范围，不是 '{range}'"),
    "review_revision_unknown": N_("'{range}' 中有不存在的版本"),
    "queue_entry_missing": N_("待认领款项 {queue}：在 {file}:{line} 找不到该条目"),
    "queue_already_assigned": N_("待认领款项 {queue} 已被认领"),
    "no_books_folder": N_("未指定账本文件夹：请用 --books DIR 或设置 WUYE_BOOKS"),
    "fava_cannot_serve": N_("无法在 {host}:{port} 上启动 Fava：{error}"),
    "unknown_operation": N_("未知的操作 {kind}"),
    "collector_unknown": N_("收费员 '{collector}' 不存在"),
}

# codes whose `label` parameter is a domain word (ledger/basics/labels.py), given in Chinese by the raise site
LABEL_PARAMS = {"notice_dispute_open": "dispute_category"}

# the kinds of number the privacy check names (ledger/community/privacy.pii_number)
FOUND_WORDS = {"a mobile phone number": N_("手机号码"), "an ID card number": N_("身份证号码")}

# what a message's `what` names (a field, or the CLI option of that field): worded in the other languages;
# English keeps it as written (the CLI's own option names)
WHAT_WORDS = {
    "amount": N_("金额"), "date": N_("日期"), "period": N_("期间"), "unit": N_("房号"), "reading": N_("读数"),
    "for": N_("指定缴纳"), "ref": N_("交易单号"), "reference": N_("交易单号"), "by": N_("经办人"),
    "payer": N_("付款人"), "as_of": N_("截至日期"), "from": N_("起始"), "to": N_("截止"), "channel": N_("渠道"),
    "promise_date": N_("承诺日期"), "promise_amount": N_("承诺金额"), "reason": N_("原因"), "note": N_("说明"),
    "outcome": N_("结果"), "comment": N_("备注"), "claim": N_("索赔金额"), "compensation": N_("补偿金额"),
    "approved_by": N_("批准人"), "resolution": N_("处理结果"), "deadline_days": N_("期限天数"),
    "proof": N_("送达凭证"), "receipt": N_("收据号"), "day": N_("交易日"), "item": N_("收费项目"),
}


def what_word(what: str, lang: str) -> str:
    """A field name as a message shows it in `lang` ("amount" -> 金额; "--date" -> 日期（--date）)."""
    if lang == "en" or not isinstance(what, str):
        return what
    key = what.strip().lstrip("-").replace("-", "_").replace(" ", "_").lower()
    word = WHAT_WORDS.get(key)
    if word is None:
        return what
    word = gettext(word, lang)
    return f"{word}（{what}）" if what.startswith("--") else word


class WuyeError(Exception):
    """Base error; `title` is what a screen shows above the message."""

    title = "错误"

    def __init__(self, message: str, /, **params):
        super().__init__(message)
        self.code = message if message in MESSAGES else None
        self.params = params
        self.message = self.text("en")

    def text(self, lang: str = "en") -> str:
        """The message in `lang` ('zh' or 'en'); a plain-text error is the same in every language."""
        if self.code is None:
            return self.args[0]
        code, params = self.code, self.params
        if code in LABEL_PARAMS and lang != "zh" and params.get("label"):
            from ledger.basics import labels  # a domain word the raise site gave in Chinese

            group = labels.GROUPS[LABEL_PARAMS[code]]
            word = next((w.text(lang) for w in group.values() if w.zh == params["label"]), params["label"])
            params = dict(params, label=word)
        if lang != "en":
            params = dict(params)
            if "what" in params:
                params["what"] = what_word(params["what"], lang)
            if params.get("found") in FOUND_WORDS:
                params["found"] = gettext(FOUND_WORDS[params["found"]], lang)
        return gettext(MESSAGES[code], lang).format(**params)

    def __str__(self) -> str:
        return self.message


class ConfigError(WuyeError):
    title = "配置错误"

    def __init__(self, path: str, key: str, message: str):
        self.path, self.key = str(path), key
        super().__init__(f"{path}: {key}: {message}")


class UnitsError(WuyeError):
    title = "房屋清单错误"

    def __init__(self, path: str, row: int | None, column: str | None, message: str):
        self.path, self.row, self.column = str(path), row, column
        where = f"{path}"
        if row is not None:
            where += f":{row}"
        if column:
            where += f" [{column}]"
        super().__init__(f"{where}: {message}")


class InputError(WuyeError):
    """A command argument is wrong (amount, unit, date, channel ...)."""

    title = "输入错误"


class BooksStateError(WuyeError):
    """The books folder is not in a state we may write to (dirty tree, merge, conflicts)."""

    title = "账本状态"


class LockHeldError(WuyeError):
    title = "账本被占用"


class ExternallyChangedError(WuyeError):
    title = "账本已被外部修改"


class PeriodClosedError(WuyeError):
    """A write dated in a closed month (wuye close); `wuye reopen` lifts it."""

    title = "期间已结账"


class VcsError(WuyeError):
    title = "git 错误"


class LedgerProblem(NamedTuple):
    """A problem found in the ledger, beancount's (source, message, entry) shape."""

    filename: str
    lineno: int
    message: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.lineno}: {self.message}"


class ValidationError(WuyeError):
    title = "校验失败"

    def __init__(self, problems: list[LedgerProblem] | list[str]):
        self.problems = list(problems)
        text = "\n".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        if more > 0:
            text += f"\n... and {more} more"
        super().__init__("validation_failed", problems=text)
