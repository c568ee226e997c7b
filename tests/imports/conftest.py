"""Fixtures for the import tests: books in tmp_path holding the sample README's unit register,
billed 2024-01..2024-03, today pinned to 2024-04-01. Real beancount, real git, nothing mocked."""
from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

SAMPLES = Path("/work/shared/samples")
LOCAL_SAMPLES = Path(__file__).resolve().parent.parent / "importers" / "data"
SAMPLE_DIR = SAMPLES if (SAMPLES / "wechat_merchant.csv").exists() else LOCAL_SAMPLES
SAMPLE_NAMES = ("wechat_personal", "wechat_merchant", "alipay_personal", "bank_cmb")
GOLDEN = Path(__file__).resolve().parent / "golden"

CONFIG = """\
community:
  name: 翠湖苑
  currency: CNY
  books_start: 2024-01-01
fees:
  PF:
    name: 物业服务费
    basis: area
    rates: [{from: 2024-01-01, residential: "2.20", commercial: "5.00"}]
  PK:
    name: 车位管理费
    basis: parking
    rates: [{from: 2024-01-01, all: "80.00"}]
  WTR:
    name: 水费
    basis: metered
    pass_through: true
    rates: [{from: 2024-01-01, all: "4.10"}]
channels:
  bank: Assets:Bank:CMB
staff: [林小红]
expenses:
  categories: {Staff: {name: 人员, keywords: [工资, 代发]}}
office:
  name: 翠湖苑物业服务中心
"""

# The unit register of /work/shared/samples/README.md (names go to the private owners file only).
UNITS = """\
unit,building,area_m2,type,handover_date,parking_spaces,owner_id,name,phone
1-0302,1,89.36,residential,2023-12-01,0,O-0001,,
1-1502,1,98.50,residential,2023-12-01,0,O-0002,,
2-1101,2,76.80,residential,2023-12-01,0,O-0003,王建国,
3-0801,3,120.00,residential,2023-12-01,0,O-0004,,
3-1502,3,98.50,residential,2023-12-01,1,O-0005,刘晓梅,
4-1702,4,95.00,residential,2023-12-01,0,O-0006,,
5-1502,5,98.50,residential,2023-12-01,0,O-0007,,
5-2203,5,143.27,residential,2023-12-01,0,O-0008,,
6-0604,6,110.45,residential,2023-12-01,0,O-0009,,
"""

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Clerk",
    "GIT_AUTHOR_EMAIL": "clerk@example.invalid",
    "GIT_COMMITTER_NAME": "Test Clerk",
    "GIT_COMMITTER_EMAIL": "clerk@example.invalid",
}


@pytest.fixture(autouse=True)
def _imports_env(monkeypatch, tmp_path_factory):
    for k, v in GIT_IDENTITY.items():
        monkeypatch.setenv(k, v)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    for k in ("WUYE_BOOKS", "WUYE_AUTHOR", "WUYE_LOCK_TIMEOUT"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("WUYE_USER", "林小红")
    monkeypatch.setenv("WUYE_TODAY", "2024-04-01")


@dataclass
class Result:
    rc: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(books: Path | None, *args) -> Result:
    from cli.main import main

    argv = (["--books", str(books)] if books is not None else []) + [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 2
    return Result(int(rc or 0), out.getvalue(), err.getvalue())


def git(books: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(books), *args], capture_output=True, text=True, check=True).stdout


def tree_bytes(books: Path) -> dict[str, bytes]:
    return {str(p.relative_to(books)): p.read_bytes() for p in sorted(books.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(books).parts
            and ".wuye" not in p.relative_to(books).parts}


class Books:
    def __init__(self, root: Path, tmp: Path):
        self.root = root
        self.tmp = tmp

    def run(self, *args) -> Result:
        return run_cli(self.root, *args)

    def ok(self, *args) -> Result:
        r = self.run(*args)
        assert r.rc == 0, f"wuye {' '.join(map(str, args))} -> {r.rc}\n{r.out}\n{r.err}"
        return r

    def import_json(self, *files) -> dict:
        return self.ok("import", *files, "--json").json()

    def head(self) -> str:
        return git(self.root, "rev-parse", "HEAD").strip()

    def commits(self) -> int:
        return int(git(self.root, "rev-list", "--count", "HEAD").strip())

    def open(self):
        from ledger.books.folder import Books as LB

        return LB(self.root)

    def sample(self, name: str) -> Path:
        """A copy of a sample in tmp (tests may mangle it)."""
        dst = self.tmp / "in" / f"{name}.csv"
        dst.parent.mkdir(exist_ok=True)
        if not dst.exists():
            shutil.copyfile(SAMPLE_DIR / f"{name}.csv", dst)
        return dst

    def month_text(self, month: str = "2024-03") -> str:
        p = self.root / "txns" / month[:4] / f"{month}.beancount"
        return p.read_text(encoding="utf-8") if p.exists() else ""


@pytest.fixture
def books(tmp_path) -> Books:
    from ledger.books.create import init_books

    src = tmp_path / "src"
    src.mkdir()
    (src / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (src / "units.csv").write_text(UNITS, encoding="utf-8")
    root = init_books(tmp_path / "books", src / "config.yaml", src / "units.csv")
    # a fixed alias salt, so the hashed alias keys in the golden files are stable
    salt = root / ".wuye" / "alias.salt"
    salt.parent.mkdir(exist_ok=True)
    salt.write_text("00" * 32 + "\n", encoding="ascii")
    salt.chmod(0o600)
    b = Books(root, tmp_path)
    b.ok("bill", "--from", "2024-01", "--to", "2024-03")
    return b
