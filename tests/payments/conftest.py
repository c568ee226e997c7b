"""Fixtures for the payments tests: books built in tmp with ledger.create.init_books, every operation run
through the CLI entry `cli.main.main([...])` in-process, today pinned with WUYE_TODAY.

Real beancount, real git, real files: nothing is mocked.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.books import layout

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
MARK = ";;; ==> "

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Clerk",
    "GIT_AUTHOR_EMAIL": "clerk@example.invalid",
    "GIT_COMMITTER_NAME": "Test Clerk",
    "GIT_COMMITTER_EMAIL": "clerk@example.invalid",
}
COLLECTOR = "林小红"

# The config most tests use: PF by area with the 2026-07-01 rate change, GC per household (lower
# priority), a parking fee, no policies (late fees and prepayment discounts are off by default).
BASE_CONFIG = """\
community:
  name: 测试苑
  currency: CNY
  books_start: 2024-01-01
fees:
  PF:
    name: 物业服务费
    basis: area
    priority: 1
    rates:
      - {from: 2024-01-01, residential: "2.20", commercial: "5.00"}
      - {from: 2026-07-01, residential: "2.40", commercial: "5.00"}
  GC:
    name: 垃圾清运费
    basis: unit
    priority: 2
    rates: [{from: 2024-01-01, all: "10.00"}]
channels:
  bank: Assets:Bank:CMB
staff: [林小红]
office:
  name: 测试苑物业服务中心
"""

BASE_UNITS = """\
unit,building,area_m2,type,handover_date,parking_spaces,owner_id,name,phone
1-0302,1,89.36,residential,2023-12-01,0,O-0001,张三丰,13912345678
1-0401,1,120.00,residential,2023-12-01,0,O-0002,欧阳小明,13800000001
2-0101,2,100.00,residential,,0,,,
"""


@pytest.fixture(autouse=True)
def _payments_env(monkeypatch, tmp_path_factory):
    """CI has no git identity and no ~/.gitconfig; the collector is fixed; today is pinned per test."""
    for k, v in GIT_IDENTITY.items():
        monkeypatch.setenv(k, v)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    for k in ("WUYE_BOOKS", "WUYE_AUTHOR", "WUYE_LOCK_TIMEOUT"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("WUYE_USER", COLLECTOR)
    monkeypatch.setenv("WUYE_TODAY", "2024-01-15")


@dataclass
class Result:
    rc: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(books: Path | None, *args: str) -> Result:
    from cli.main import main

    argv = (["--books", str(books)] if books is not None else []) + [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as exc:  # argparse refusals
            rc = exc.code if isinstance(exc.code, int) else 2
    return Result(int(rc or 0), out.getvalue(), err.getvalue())


def git(books: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(books), *args], capture_output=True, text=True, check=True).stdout


def head(books: Path) -> str:
    return git(books, "rev-parse", "HEAD").strip()


def tree_bytes(books: Path) -> dict[str, bytes]:
    """Every tracked-or-not file of the books except git internals and the derived .wuye state."""
    return {str(p.relative_to(books)): p.read_bytes() for p in sorted(books.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(books).parts
            and layout.STATE not in p.relative_to(books).parts}


def make_module_books(tmp_path_factory, config_text: str = BASE_CONFIG) -> Path:
    """make_books for a module-scoped fixture (which cannot use monkeypatch): made with the test git
    identity and the collector, the environment put back afterwards."""
    old = {k: os.environ.get(k) for k in [*GIT_IDENTITY, "WUYE_TODAY", "WUYE_USER"]}
    os.environ.update(GIT_IDENTITY)
    os.environ["WUYE_USER"] = COLLECTOR
    try:
        return make_books(tmp_path_factory.mktemp("base"), config_text)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def ledger_snapshot(books: Path) -> str:
    out = []
    for rel in layout.ledger_files(books):
        if rel.startswith(layout.TXNS + "/"):
            out.append(MARK + rel + "\n" + (books / rel).read_text(encoding="utf-8"))
    return "".join(out)


class Wuye:
    """A books folder and the CLI on it."""

    def __init__(self, root: Path, monkeypatch):
        self.root = Path(root)
        self.mp = monkeypatch

    def today(self, day: str) -> None:
        self.mp.setenv("WUYE_TODAY", day)

    def run(self, *args: str) -> Result:
        return run_cli(self.root, *args)

    def line(self, text: str) -> Result:
        return self.run(*shlex.split(text))

    def ok(self, *args: str) -> Result:
        r = self.run(*args)
        assert r.rc == 0, f"`wuye {' '.join(map(str, args))}` -> rc {r.rc}\n{r.out}\n{r.err}"
        return r

    def refused(self, *args: str) -> Result:
        """The command is refused: non-zero exit, a message, nothing written (HEAD and files unchanged)."""
        before_head, before = head(self.root), tree_bytes(self.root)
        r = self.run(*args)
        assert r.rc != 0, f"`wuye {' '.join(map(str, args))}` was accepted:\n{r.out}"
        assert r.err.strip(), "refused without a message"
        assert head(self.root) == before_head, "a commit was made"
        after = tree_bytes(self.root)
        assert after.keys() == before.keys(), f"files appeared/vanished: {set(after) ^ set(before)}"
        assert after == before, "files changed"
        assert git(self.root, "status", "--porcelain") == ""
        return r

    def json(self, *args: str):
        return self.ok(*args, "--json").json()

    def statement(self, unit: str, as_of: str | None = None) -> dict:
        return self.json("statement", unit, *(["--as-of", as_of] if as_of else []))

    def arrears(self, as_of: str | None = None) -> dict:
        return self.json("arrears", *(["--as-of", as_of] if as_of else []))

    def lines(self, unit: str, as_of: str | None = None) -> dict[tuple[str, str], dict]:
        return {(ln["item"], ln["period"]): ln for ln in self.statement(unit, as_of)["lines"]}

    def last_message(self) -> str:
        return git(self.root, "log", "-1", "--format=%B")

    def check(self) -> None:
        r = self.run("check")
        assert r.rc == 0, r.err


def make_books(tmp_path: Path, config_text: str = BASE_CONFIG, units_text: str = BASE_UNITS,
               name: str = "books") -> Path:
    from ledger.books.create import init_books

    src = Path(tmp_path) / f"{name}-src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "config.yaml").write_text(config_text, encoding="utf-8")
    (src / "units.csv").write_text(units_text, encoding="utf-8")
    return init_books(Path(tmp_path) / name, src / "config.yaml", src / "units.csv")


@pytest.fixture
def books_factory(tmp_path, monkeypatch):
    def _make(config_text: str = BASE_CONFIG, units_text: str = BASE_UNITS, today: str = "2024-01-15",
              name: str = "books") -> Wuye:
        monkeypatch.setenv("WUYE_TODAY", today)
        return Wuye(make_books(tmp_path, config_text, units_text, name), monkeypatch)

    return _make


@pytest.fixture
def wuye(books_factory) -> Wuye:
    return books_factory()


def D(text: str) -> Decimal:
    return Decimal(text)


def run_steps(w: Wuye, steps_text: str, where: str = "steps") -> list[Result]:
    """One CLI command a line; `today YYYY-MM-DD` pins today for the lines after it; `#` comments."""
    results = []
    for n, raw in enumerate(steps_text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("today "):
            w.today(line.split()[1])
            continue
        r = w.line(line)
        assert r.rc == 0, f"{where}:{n} `wuye {line}` -> rc {r.rc}\n{r.out}\n{r.err}"
        results.append(r)
    return results
