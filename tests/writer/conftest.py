"""Books for the write-path tests, and `wuye` as a real process (the way an office runs it)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-06-15"
JUNE = "txns/2026/2026-06.beancount"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()


def wuye_cmd(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "cli.main", "--books", str(root), *[str(a) for a in args]]


def wuye(root: Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(wuye_cmd(root, *args), cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def receipts(root: Path) -> list[str]:
    """Receipt numbers of the committed payments, in commit order."""
    return [ln.split()[-1] for ln in reversed(git(root, "log", "--format=%s").splitlines()) if ln.startswith("pay ")]


@pytest.fixture
def books(tmp_path, make_books, monkeypatch):
    """The demo community (122 units), June 2026 billed; `wuye` runs on 2026-06-15."""
    monkeypatch.setenv("WUYE_TODAY", TODAY)
    monkeypatch.setenv("WUYE_USER", "前台")  # a receipt names who took the money (the demo's desk)
    root = make_books(tmp_path)
    res = wuye(root, "bill", "2026-06")
    assert res.returncode == 0, res.stderr
    return root


@pytest.fixture
def units(books) -> list[str]:
    return [ln.split(",")[0] for ln in (books / "units.csv").read_text(encoding="utf-8").splitlines()[1:] if ln]
