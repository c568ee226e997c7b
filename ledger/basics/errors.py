"""Errors the core raises. Each names where the problem is (file, row, key, ledger line).

An error is raised either with a code and parameters, `InputError("unknown_unit", unit="9-9999", file=...)`,
whose message template is in MESSAGES (Chinese source text, English in locale/en), or with a plain
message (the rarer errors). `str(err)` is the English message, as the CLI and logs have always shown it;
`err.text("zh")` words it for a Chinese screen.
"""
from __future__ import annotations

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
    "implausible_amount": N_("{unit} 收款 {amount} 远超合理金额（欠费×3＋一年费用 = {limit}）；核对无误请加 --yes-large"),
    "no_operator": N_("未指定操作员：收据须写明收款人；请用 --by 或 WUYE_USER 指定（可选：{known}）"),
}


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
        return gettext(MESSAGES[self.code], lang).format(**self.params)

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
