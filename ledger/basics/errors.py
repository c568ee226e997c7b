"""Errors the core raises. Each names where the problem is (file, row, key, ledger line)."""
from __future__ import annotations

from typing import NamedTuple


class WuyeError(Exception):
    """Base error; `title` is what a screen shows above the message."""

    title = "错误"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

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
        super().__init__("ledger validation failed, nothing written:\n" + text)
