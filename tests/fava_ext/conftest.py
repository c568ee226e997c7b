"""Fava extension tests run on the reports scenario books (tests/reports/reports_scenario.py)."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "reports"))
import reports_scenario as scenario  # noqa: E402


@pytest.fixture(autouse=True)
def _fava_env(monkeypatch):
    for k, v in scenario.ENV.items():
        monkeypatch.setenv(k, v)


@pytest.fixture(scope="session")
def fava_books(tmp_path_factory) -> Path:
    return scenario.build(tmp_path_factory.mktemp("fava-scenario"))


from fava_helpers import PORT, SERVED, served_client  # noqa: E402,F401 (tests import them from there)


@pytest.fixture
def fava_client(fava_books, tmp_path):
    """(client, slug, books) for a read-only Fava on a copy of the scenario books."""
    books = tmp_path / "books"
    shutil.copytree(fava_books, books, ignore=shutil.ignore_patterns(".wuye", ".*.picklecache"))
    client, slug = served_client(books / "main.beancount")
    return client, slug, books
