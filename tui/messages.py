"""Messages the workers post back to screens (workers never touch widgets themselves)."""
from __future__ import annotations

from typing import Any

from textual.message import Message


class CoreDone(Message):
    """A call into the core finished; `key` names what was asked, `result` is what came back."""

    def __init__(self, key: str, result: Any, wrote: bool = False) -> None:
        super().__init__()
        self.key = key
        self.result = result
        self.wrote = wrote


class CoreFailed(Message):
    """A call into the core raised; the books are as they were (the core's write path rolls back)."""

    def __init__(self, key: str, error: BaseException, wrote: bool = False) -> None:
        super().__init__()
        self.key = key
        self.error = error
        self.wrote = wrote
