"""Fava extension tests run on the reports scenario books (tests/reports/reports_scenario.py)."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "reports"))
import reports_scenario as scenario  # noqa: E402


@pytest.fixture(autouse=True)
def _fava_env(monkeypatch):
    for k, v in scenario.ENV.items():
        monkeypatch.setenv(k, v)


@pytest.fixture(scope="session")
def fava_books(tmp_path_factory) -> Path:
    return scenario.build(tmp_path_factory.mktemp("fava-scenario"))


PORT = 5000
SERVED = f"127.0.0.1:{PORT}"


class ServedClient(FlaskClient):
    """A test client whose requests go to the served address (a `Host:` header still overrides it)."""

    def open(self, *args, **kw):
        if args and isinstance(args[0], str):
            kw.setdefault("base_url", f"http://{SERVED}")
        return super().open(*args, **kw)


def served_client(main_file: Path):
    """(client, slug): the app `wuye fava` serves (read-only, Host check), requests sent to 127.0.0.1:PORT."""
    from cli.cmd_fava import make_app

    # the poll watcher: one inotify instance per app would run out over a session of apps
    app = make_app(str(main_file), "127.0.0.1", PORT, poll_watcher=True)
    app.config["TESTING"] = True
    app.test_client_class = ServedClient
    return app.test_client(), next(iter(app.config["LEDGERS"].ledgers_by_slug))


@pytest.fixture
def fava_client(fava_books, tmp_path):
    """(client, slug, books) for a read-only Fava on a copy of the scenario books."""
    books = tmp_path / "books"
    shutil.copytree(fava_books, books, ignore=shutil.ignore_patterns(".wuye", ".*.picklecache"))
    client, slug = served_client(books / "main.beancount")
    return client, slug, books
