"""Fixtures shared by every test folder: a fixed git identity, books in a tmp folder, the CLI in-process.

Kept small and generic on purpose; folder-specific helpers live in that folder's conftest.
"""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO_UNITS = REPO / "units.csv"

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Clerk",
    "GIT_AUTHOR_EMAIL": "clerk@example.invalid",
    "GIT_COMMITTER_NAME": "Test Clerk",
    "GIT_COMMITTER_EMAIL": "clerk@example.invalid",
}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
    """CI machines may have no global git identity; and no test may see the caller's books or user."""
    for k, v in GIT_IDENTITY.items():
        monkeypatch.setenv(k, v)
    for k in ("WUYE_BOOKS", "WUYE_AUTHOR", "WUYE_USER", "WUYE_TODAY", "WUYE_NOW", "WUYE_LOCK_TIMEOUT"):
        monkeypatch.delenv(k, raising=False)


@pytest.fixture
def make_books():
    """make_books(tmp_path, config_text=None, units_text=None, name="books") -> Path of new books.

    Runs ledger.create.init_books (what `wuye init` runs). Without config_text the demo config is used;
    without units_text the demo units.csv.
    """
    from ledger.books.create import DEMO_CONFIG, init_books

    def _make(tmp_path: Path, config_text: str | None = None, units_text: str | None = None,
              name: str = "books") -> Path:
        src = Path(tmp_path) / f"{name}-src"
        src.mkdir(parents=True, exist_ok=True)
        cfg = DEMO_CONFIG
        if config_text is not None:
            cfg = src / "config.yaml"
            cfg.write_text(config_text, encoding="utf-8")
        units = DEMO_UNITS
        if units_text is not None:
            units = src / "units.csv"
            units.write_text(units_text, encoding="utf-8")
        return init_books(Path(tmp_path) / name, cfg, units)

    return _make


@dataclass
class CliResult:
    rc: int
    out: str
    err: str


@pytest.fixture
def run_cli():
    """run_cli(*args, books=None) -> CliResult(rc, out, err): `wuye ARGS` through cli.main.main."""
    from cli.main import main

    def _run(*args: str, books: str | Path | None = None) -> CliResult:
        argv = (["--books", str(books)] if books is not None else []) + [str(a) for a in args]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = main(argv)
            except SystemExit as exc:  # argparse errors
                rc = exc.code if isinstance(exc.code, int) else 2
        return CliResult(int(rc or 0), out.getvalue(), err.getvalue())

    return _run
