"""Fixtures of the reports tests: the scenario books (built once per session through the CLI), a pinned
"today" (WUYE_TODAY=2026-03-31) and a git identity (CI machines have none)."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reports_scenario as scenario  # noqa: E402


@pytest.fixture(autouse=True)
def _reports_env(monkeypatch):
    for k, v in scenario.ENV.items():
        monkeypatch.setenv(k, v)


@pytest.fixture(scope="session")
def scenario_books(tmp_path_factory) -> Path:
    """Read-only use: the scenario books. Tests that write must use `scenario_copy`."""
    return scenario.build(tmp_path_factory.mktemp("reports-scenario"))


@pytest.fixture
def scenario_copy(scenario_books, tmp_path) -> Path:
    dst = tmp_path / "books"
    shutil.copytree(scenario_books, dst, ignore=shutil.ignore_patterns(".wuye"))
    return dst


@pytest.fixture
def report_json(scenario_books):
    """report_json('rates', '--period', '2026-Q1', ...) -> the CLI's JSON output, parsed."""
    def _run(*args, books=None):
        return json.loads(scenario.wuye(books or scenario_books, "report", *args, "--format", "json"))
    return _run
