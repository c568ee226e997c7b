"""The served Fava app for tests (a module of its own: `conftest` names clash across test folders)."""
from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient


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
