"""Hostile input: books built once per module (real beancount, real git), copied for each test.

`Books.refused(...)` runs a command and asserts the three things issue 11 asks of every refusal: a
non-zero exit, a message naming the argument, file or field that is wrong, and the books byte-for-byte
unchanged (HEAD, every file including untracked ones, a clean `git status`).
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

TODAY = "2026-11-15"
USER = "林小红"
OWNER_NAME = "王建国"
OWNER_PHONE = "13812345678"

CONFIG = """\
community:
  name: 输入苑
  currency: CNY
  books_start: 2026-01-01
fees:
  PF:
    name: 物业服务费
    basis: area
    rates: [{from: 2026-01-01, all: "2.00"}]
channels:
  bank: Assets:Bank:CMB
receipts: {prefix: SJ}
staff: [前台01, 会计]
collectors:
  - {name: 林小红, buildings: ["1"]}
"""

UNITS = f"""\
unit,building,area_m2,type,handover_date,parking_spaces,owner_id,name,phone
1-0101,1,100.00,residential,2025-12-01,0,O-1,{OWNER_NAME},{OWNER_PHONE}
1-0102,1,50.00,residential,2025-12-01,0,O-2,欧阳小明,13900001111
"""

ENV = {"GIT_AUTHOR_NAME": "Test Clerk", "GIT_AUTHOR_EMAIL": "clerk@example.invalid",
       "GIT_COMMITTER_NAME": "Test Clerk", "GIT_COMMITTER_EMAIL": "clerk@example.invalid",
       "WUYE_TODAY": TODAY, "WUYE_USER": USER}


@dataclass
class Result:
    rc: int
    out: str
    err: str


def cli(books: Path | None, *args: str) -> Result:
    from cli.main import main

    argv = (["--books", str(books)] if books is not None else []) + [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as exc:  # argparse refusals
            rc = exc.code if isinstance(exc.code, int) else 2
    return Result(int(rc or 0), out.getvalue(), err.getvalue())


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the books (tracked, untracked, the private owners file), git internals and the
    derived .wuye cache aside."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not {".git", ".wuye"} & set(p.relative_to(root).parts)}


class Books:
    def __init__(self, root: Path):
        self.root = root

    def run(self, *args: str) -> Result:
        return cli(self.root, *args)

    def ok(self, *args: str) -> Result:
        r = self.run(*args)
        assert r.rc == 0, f"wuye {' '.join(args)} -> {r.rc}\n{r.out}\n{r.err}"
        return r

    def head(self) -> str:
        return git(self.root, "rev-parse", "HEAD").strip()

    def refused(self, *args: str, names: str | tuple[str, ...]) -> Result:
        """Refused, saying which argument is wrong (`names`), and nothing changed."""
        before_head, before = self.head(), snapshot(self.root)
        r = self.run(*args)
        assert r.rc != 0, f"wuye {' '.join(args)} was accepted:\n{r.out}"
        assert "Traceback" not in r.err
        for word in (names,) if isinstance(names, str) else names:
            assert word in r.err, f"message does not name {word!r}: {r.err}"
        assert self.head() == before_head, "a commit was made"
        assert git(self.root, "status", "--porcelain", "--untracked-files=all") == ""
        assert snapshot(self.root) == before, "files changed"
        return r

    def ledger_text(self) -> str:
        return "".join(p.read_text(encoding="utf-8") for p in sorted((self.root / "txns").rglob("*.beancount")))


@pytest.fixture(autouse=True)
def _input_env(monkeypatch):
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    for k in ("WUYE_BOOKS", "WUYE_AUTHOR", "WUYE_LOCK_TIMEOUT"):
        monkeypatch.delenv(k, raising=False)


def write_src(folder: Path, config: str = CONFIG, units: str = UNITS) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(config, encoding="utf-8")
    (folder / "units.csv").write_text(units, encoding="utf-8")
    return folder / "config.yaml", folder / "units.csv"


@pytest.fixture(scope="module")
def _template(tmp_path_factory):
    """Books billed 2026-01..2026-11 with one WeChat payment (ref WX001), built once per module."""
    from ledger.books.create import init_books

    saved = {k: os.environ.get(k) for k in ENV}
    os.environ.update(ENV)
    try:
        base = tmp_path_factory.mktemp("input-books")
        cfg, units = write_src(base / "src")
        root = init_books(base / "books", cfg, units)
        for args in (("bill", "--from", "2026-01", "--to", "2026-11"),
                     ("pay", "1-0101", "100.00", "--channel", "wechat", "--ref", "WX001", "--date", "2026-11-01")):
            r = cli(root, *args)
            assert r.rc == 0, r.err
        return root
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def books(_template, tmp_path) -> Books:
    root = tmp_path / "books"
    shutil.copytree(_template, root, symlinks=True)
    return Books(root)
