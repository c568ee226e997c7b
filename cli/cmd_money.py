"""Commands that move money or obligations (filled in by the payments issue)."""
from __future__ import annotations


def register(sub) -> None:
    pass
