"""Golden ledger scenarios for billing: books built in tmp, operations run through the CLI, and every
month file compared byte-for-byte with golden/<scenario>/expected.beancount.

Each scenario folder holds config.yaml, units.csv, ops.txt (one `wuye` command a line, prefixed with the
expected exit code; `#` starts a comment) and expected.beancount: every txns/ file the books hold
afterwards, in path order, each preceded by a line `;;; ==> <path>`.

Regenerate with WUYE_GOLDEN_UPDATE=1 — then read every changed expected file by hand before committing.
"""
from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from ledger import layout

GOLDEN = Path(__file__).parent / "golden"
SCENARIOS = sorted(p.name for p in GOLDEN.iterdir() if (p / "ops.txt").exists())
MARK = ";;; ==> "


def ledger_snapshot(books: Path) -> str:
    """All month files of the books as one text, each after a `;;; ==> path` line."""
    out = []
    for rel in layout.ledger_files(books):
        if rel.startswith(layout.TXNS + "/"):
            out.append(MARK + rel + "\n" + (books / rel).read_text(encoding="utf-8"))
    return "".join(out)


def run_ops(scenario: Path, books: Path, run_cli) -> list:
    results = []
    for n, line in enumerate((scenario / "ops.txt").read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if not line:
            continue
        rc, *args = shlex.split(line)
        res = run_cli(*args, books=books)
        assert res.rc == int(rc), f"{scenario.name} ops.txt:{n} `wuye {' '.join(args)}` -> rc {res.rc}\n{res.err}"
        results.append(res)
    return results


def build(name: str, tmp_path: Path, make_books, run_cli):
    sc = GOLDEN / name
    books = make_books(tmp_path, (sc / "config.yaml").read_text(encoding="utf-8"),
                       (sc / "units.csv").read_text(encoding="utf-8"))
    return books, run_ops(sc, books, run_cli)


@pytest.mark.parametrize("name", SCENARIOS)
def test_golden_scenario(name, tmp_path, make_books, run_cli):
    books, _ = build(name, tmp_path, make_books, run_cli)
    actual = ledger_snapshot(books)
    expected_path = GOLDEN / name / "expected.beancount"
    if os.environ.get("WUYE_GOLDEN_UPDATE") == "1":
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.exists(), f"missing {expected_path}; run with WUYE_GOLDEN_UPDATE=1 and review it"
    assert actual == expected_path.read_text(encoding="utf-8")
    # the books are consistent afterwards, and nothing is left uncommitted
    check = run_cli("check", books=books)
    assert check.rc == 0, check.err
    import subprocess

    assert subprocess.run(["git", "-C", str(books), "status", "--porcelain"], capture_output=True,
                          text=True).stdout == ""


def test_golden_scenarios_cover_the_issue():
    assert {"rate_change", "proration_handover", "developer_held", "vacancy", "rounding_quarter", "metered",
            "rerun_idempotent", "commercial_residential", "parking"} <= set(SCENARIOS)
