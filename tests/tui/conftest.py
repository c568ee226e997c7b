"""Fixtures for the TUI tests: demo books built once per session (pinned dates, so commits and snapshots are
stable), copied fresh for each test; helpers to wait for worker threads."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from textual.widgets import Input

TODAY = "2026-11-20"
ENV = {
    "GIT_AUTHOR_NAME": "测试员", "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "测试员", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_AUTHOR_DATE": "2026-11-20T09:00:00+08:00", "GIT_COMMITTER_DATE": "2026-11-20T09:00:00+08:00",
    "WUYE_TODAY": TODAY, "WUYE_USER": "林小红", "WUYE_LOCK_TIMEOUT": "0.5",
}


def _set_env(mp: pytest.MonkeyPatch) -> None:
    for k, v in ENV.items():
        mp.setenv(k, v)
    for k in ("WUYE_BOOKS", "WUYE_LANG", "WUYE_AUTHOR"):
        mp.delenv(k, raising=False)


@pytest.fixture(scope="session")
def _session_env():
    mp = pytest.MonkeyPatch()
    _set_env(mp)
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def _tui_env(monkeypatch):
    """Runs after tests/conftest.py's isolation fixture: pinned today, identity, dates and a short lock wait."""
    _set_env(monkeypatch)


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch):
    """No blinking cursor in snapshots."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, _session_env) -> Path:
    import datetime as dt

    from ledger.demo import build_demo

    root = tmp_path_factory.mktemp("tpl") / "books"
    build_demo(root, today=dt.date.fromisoformat(TODAY), progress=lambda *a, **k: None)
    return root


@pytest.fixture
def books(demo_template, tmp_path) -> Path:
    """A private copy of the demo books (git history, owners file and fact cache included)."""
    dest = tmp_path / "books"
    shutil.copytree(demo_template, dest, symlinks=True)
    lock = dest / ".wuye" / "lock"
    if lock.exists():
        lock.unlink()
    return dest


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def snapshot_files(root: Path) -> dict[str, bytes]:
    """Every tracked file's bytes (to prove the books stayed as they were)."""
    return {p: (root / p).read_bytes() for p in git(root, "ls-files").split()}


async def wait_for(pilot, cond, timeout: float = 15.0, what: str = "condition") -> None:
    """Let worker threads finish: pause until `cond()` is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        try:
            if cond():
                return
        except Exception:
            pass
    raise AssertionError(f"timed out waiting for {what}")


async def ready(pilot) -> None:
    """Wait until the books are open and the dashboard has its figures."""
    app = pilot.app
    await wait_for(pilot, lambda: app.current_mode == "dashboard", what="books opened")
    await wait_for(pilot, lambda: getattr(app.screen, "data", None) is not None, what="dashboard figures")
    await settle(pilot)


async def settle(pilot) -> None:
    """Wait until no worker is running and messages are handled."""
    app = pilot.app
    await wait_for(pilot, lambda: not [w for w in app.workers if w.is_running], what="workers")
    await pilot.pause(0.05)


def text_of(widget, width: int = 160) -> str:
    """Plain text of what a Static shows (its content rendered by rich)."""
    import io

    from rich.console import Console

    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()
