"""Helpers for the collection tests (imported by name; see conftest.py for the scenario)."""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
TODAY = "2026-11-15"
IDENTITY = {"GIT_AUTHOR_NAME": "Test Clerk", "GIT_AUTHOR_EMAIL": "clerk@example.invalid",
            "GIT_COMMITTER_NAME": "Test Clerk", "GIT_COMMITTER_EMAIL": "clerk@example.invalid"}
MONTHLY = {"1-0101": Decimal("325.19"), "1-0102": Decimal("230.00"), "1-0201": Decimal("288.00"),
           "2-0101": Decimal("186.00"), "2-0102": Decimal("274.00"), "S-01": Decimal("330.00")}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def pay(books, unit: str, amount, date: str, channel: str = "bank", **kw):
    from ledger.payments.pay import record_payment

    return record_payment(books, unit, str(amount), channel, d(date), **kw)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("WUYE_GOLDEN_UPDATE") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"missing golden {path}; run with WUYE_GOLDEN_UPDATE=1 after checking the output"
    assert text == path.read_text(encoding="utf-8")
