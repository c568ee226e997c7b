"""`wuye init` on a machine without any git identity (no ~/.gitconfig, no GIT_* variables), and what a
new books folder holds."""
from __future__ import annotations

import os
import stat

import pytest
from ledger_testkit import HDR, PF_ONLY, git

from ledger.books.create import init_books

IDENTITY = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL")


@pytest.fixture
def no_identity(monkeypatch, _bare_home):
    for k in IDENTITY:
        monkeypatch.delenv(k, raising=False)
    assert not (_bare_home / ".gitconfig").exists()
    assert git(_bare_home, "config", "--global", "user.name", check=False) == ""
    return _bare_home


def write_src(tmp_path, units=HDR + "1-0101,1,89.36,residential,2023-12-01,0,O-1\n"):
    (tmp_path / "config.yaml").write_text(PF_ONLY, encoding="utf-8")
    (tmp_path / "units.csv").write_text(units, encoding="utf-8")
    return tmp_path / "config.yaml", tmp_path / "units.csv"


def test_init_and_bill_without_any_git_identity(tmp_path, no_identity, run_cli):
    cfg, units = write_src(tmp_path)
    root = init_books(tmp_path / "books", cfg, units)
    assert git(root, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == "wuye <wuye@localhost>|wuye <wuye@localhost>"
    assert git(root, "config", "--local", "user.name").strip() == "wuye"
    res = run_cli("bill", "2026-06", books=root)
    assert res.rc == 0, res.err
    assert git(root, "log", "-1", "--format=%an|%s").strip() == "wuye|bill 2026-06: 1 units, 196.59 CNY"


def test_init_uses_wuye_user_when_there_is_no_identity(tmp_path, no_identity, monkeypatch):
    monkeypatch.setenv("WUYE_USER", "林小红")
    cfg, units = write_src(tmp_path)
    cfg.write_text(cfg.read_text(encoding="utf-8") + "staff: [林小红]\n", encoding="utf-8")  # an operator id
    root = init_books(tmp_path / "books", cfg, units)
    assert git(root, "log", "-1", "--format=%an").strip() == "林小红"


def test_init_keeps_a_global_identity(tmp_path, no_identity):
    (no_identity / ".gitconfig").write_text("[user]\n\tname = 张建军\n\temail = zhang@example.invalid\n")
    cfg, units = write_src(tmp_path)
    root = init_books(tmp_path / "books", cfg, units)
    assert git(root, "config", "--local", "user.name", check=False) == ""
    assert git(root, "log", "-1", "--format=%an <%ae>").strip() == "张建军 <zhang@example.invalid>"


def test_new_books_are_clean_and_private_file_is_ignored(tmp_path):
    cfg, units = write_src(tmp_path, HDR.replace("owner_id\n", "owner_id,业主,电话\n")
                           + "1-0101,1,89.36,residential,2023-12-01,0,O-1,王建国,13812345678\n")
    root = init_books(tmp_path / "books", cfg, units)
    assert git(root, "status", "--porcelain") == ""
    assert {".gitignore", "accounts.beancount", "config.yaml", "main.beancount", "units.csv"} <= set(
        git(root, "ls-files").split())
    owners = root / "owners.private.csv"
    assert stat.S_IMODE(os.stat(owners).st_mode) == 0o600
    assert "13812345678" in owners.read_text(encoding="utf-8")
    tracked = "".join((root / f).read_text(encoding="utf-8") for f in git(root, "ls-files").split())
    assert "13812345678" not in tracked and "王建国" not in tracked
