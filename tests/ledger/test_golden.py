"""Golden ledger scenarios for billing: books built in tmp, operations run through the CLI, and every
month file compared byte-for-byte with golden/<scenario>/expected.beancount.

Each scenario folder holds config.yaml, units.csv, ops.txt (one `wuye` command a line, prefixed with the
expected exit code; `#` starts a comment line) and expected.beancount: every txns/ file the operations
created or changed (whole file text), in path order, each preceded by a line `;;; ==> <path>`.

Regenerate with WUYE_GOLDEN_UPDATE=1 — then read every changed expected file by hand before committing.
"""
from __future__ import annotations

import os

import pytest
from ledger_testkit import GOLDEN, build, git, ledger_snapshot

SCENARIOS = sorted(p.name for p in GOLDEN.iterdir() if (p / "ops.txt").exists())


@pytest.fixture(autouse=True)
def _fixed_user(monkeypatch):
    monkeypatch.setenv("WUYE_USER", "抄表员")  # readings carry `by:` the recording user
    # every entry carries `recorded:` the books' clock; pinned so the goldens are the same bytes
    monkeypatch.setenv("WUYE_NOW", "2026-12-01T10:22:03+08:00")


@pytest.mark.parametrize("name", SCENARIOS)
def test_golden_scenario(name, tmp_path, make_books, run_cli):
    books, _, baseline = build(name, tmp_path, make_books, run_cli)
    actual = ledger_snapshot(books, baseline)
    expected_path = GOLDEN / name / "expected.beancount"
    if os.environ.get("WUYE_GOLDEN_UPDATE") == "1":
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.exists(), f"missing {expected_path}; run with WUYE_GOLDEN_UPDATE=1 and review it"
    assert actual == expected_path.read_text(encoding="utf-8")
    # the books are consistent afterwards, and nothing is left uncommitted
    check = run_cli("check", books=books)
    assert check.rc == 0, check.err
    assert git(books, "status", "--porcelain") == ""


def test_golden_scenarios_cover_the_issue():
    assert {"rate_change", "proration_handover", "developer_held", "vacancy", "rounding_quarter", "metered",
            "rerun_idempotent", "commercial_residential", "parking"} <= set(SCENARIOS)
