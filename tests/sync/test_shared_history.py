"""Changes from the other office show in the history like local ones; private files never travel;
single-office books keep their plain layout and numbers."""
from __future__ import annotations

import pytest

from ledger.books import sync
from ledger.books.history import operations
from conftest import git, pay, receipt_numbers, wuye

pytestmark = pytest.mark.parametrize("offices", ["file"], indirect=True)


def test_fee_standard_from_the_other_office_shows_in_history(offices, run_cli):
    a, b = offices.books("A"), offices.books("B")
    r = run_cli("standard", "PF", "--from", "2027-04-01", "--residential", "2.70", books=b.root)
    assert r.rc == 0, r.err
    sync.sync(b)
    pay(a, "1-1-0101", "1.00")
    sync.sync(a)
    ops = operations(a.root, 10)
    changes = [c for op in ops for c in op.standard_changes]
    assert any(c.item == "PF" and c.new == "2.70" and c.effective == "2027-04-01" for c in changes)
    log = wuye(a.root, "log", "--json")
    assert log.returncode == 0 and '"new": "2.70"' in log.stdout


def test_private_files_and_the_office_choice_never_travel(offices):
    a, b = offices.books("A"), offices.books("B")
    (a.root / "owners.private.csv").write_text("owner_id,name,phone\nO-0001,张三,13812345678\n", encoding="utf-8")
    (a.root / ".wuye" / "alias.salt").write_bytes(b"0" * 32)
    pay(a, "1-1-0101", "1.00")
    sync.sync(a)
    sync.sync(b)
    assert not (b.root / "owners.private.csv").exists()
    assert not (b.root / ".wuye" / "alias.salt").exists()
    assert (b.root / ".wuye" / "office").read_text().strip() == "B"
    tracked = git(b.root, "ls-tree", "-r", "--name-only", "HEAD").splitlines()
    assert not [p for p in tracked if "private" in p or p.startswith(".wuye")]
    history = git(b.root, "log", "--all", "-p")
    assert "13812345678" not in history and "张三" not in history
    assert receipt_numbers(b) == ["SJ-A2026-000001"]


def test_migrate_offices_is_idempotent(offices):
    a = offices.books("A")
    res = wuye(a.root, "migrate-offices")
    assert res.returncode == 0 and "nothing to do" in res.stdout
    res = wuye(a.root, "migrate-offices", "A", "C")
    assert res.returncode != 0 and "offices A, B" in res.stderr
