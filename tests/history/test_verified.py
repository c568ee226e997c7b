"""Committed history is checked: `wuye check` compares the books with the state the last wuye commit
verified (verified.json), so truncations, deletions and edits made with plain git are named, and an
issued number is never issued again."""
from __future__ import annotations

import json
import subprocess

import pytest

from ledger.books import verified

CONFIG = """\
community: {name: 测试苑, currency: CNY, books_start: 2026-01-01}
units_file: units.csv
fees:
  PF: {name: 物业服务费, basis: area, rates: [{from: 2026-01-01, residential: "2.00"}]}
"""
UNITS = ("unit,building,area_m2,type,handover_date,parking_spaces,owner_id\n"
         "1-0101,1,100.00,residential,2025-12-01,0,O-1\n"
         "1-0102,1,80.00,residential,2025-12-01,0,O-2\n")
FEB = "txns/2026/2026-02.beancount"
MAR = "txns/2026/2026-03.beancount"


def git(books, *args):
    return subprocess.run(["git", "-C", str(books), *args], capture_output=True, text=True, check=True).stdout


def commit_by_hand(books, message="hand edit"):
    git(books, "add", "-A")
    git(books, "commit", "-qm", message)


def entry_blocks(text: str) -> list[str]:
    """The month file's entries as the writer leaves them: one blank line between entries."""
    return [b for b in text.split("\n\n") if b.strip()]


@pytest.fixture
def books(tmp_path, make_books, run_cli, monkeypatch):
    """Bills for Jan..Feb, three payments in February, one in March."""
    monkeypatch.setenv("WUYE_TODAY", "2026-02-10")
    root = make_books(tmp_path, CONFIG, UNITS)
    assert run_cli("bill", "--from", "2026-01", "--to", "2026-02", books=root).rc == 0
    for unit, amount in (("1-0101", "150"), ("1-0102", "90"), ("1-0101", "50")):
        assert run_cli("pay", unit, amount, "--channel", "cash", books=root).rc == 0
    monkeypatch.setenv("WUYE_TODAY", "2026-03-05")
    assert run_cli("pay", "1-0102", "70", "--channel", "cash", books=root).rc == 0
    assert run_cli("check", books=root).rc == 0
    return root


def test_every_wuye_commit_carries_the_verified_state(books):
    assert git(books, "show", "--name-only", "--format=", "HEAD").split() == [
        MAR, f"verified.d/{MAR}.digests", "verified.json"]
    state = json.loads((books / "verified.json").read_text(encoding="utf-8"))
    feb = state["files"][FEB]
    assert feb["entries"] == 2 + 3 and len(
        (books / verified.digests_path(FEB)).read_text(encoding="ascii").split()) == 5  # two bills, three payments
    assert feb["numbers"] == {"SJ2026": [[1, 3]]}
    assert feb["money_in"] == "290.00" and feb["money_out"] == "0.00"
    assert state["files"][MAR]["numbers"] == {"SJ2026": [[4, 4]]}
    assert state["highest"] == {"SJ": {"2026": 4}}
    assert verified.highest_issued(books, "SJ", 2026) == 4
    assert verified.highest_issued(books, "SJ", 2025) == 0


@pytest.mark.parametrize("keep", [4, 3, 2])
def test_a_committed_truncation_at_an_entry_boundary_is_named(books, run_cli, keep):
    path = books / FEB
    blocks = entry_blocks(path.read_text(encoding="utf-8"))
    path.write_text("\n\n".join(blocks[:keep]) + "\n", encoding="utf-8")
    commit_by_hand(books, "truncate")
    res = run_cli("check", books=books)
    assert res.rc == 1
    assert f"{FEB}:0: lost entries outside wuye (5 verified, {keep} now)" in res.err
    gone = [f"SJ2026-{n:06d}" for n in range(keep - 1, 4)]   # blocks 3.. are receipts 1..3
    assert "issued numbers missing from the books: " + ", ".join(gone) in res.err


def test_a_committed_deletion_is_named_and_its_numbers_are_not_reissued(books, run_cli, monkeypatch):
    git(books, "rm", "-q", MAR)
    git(books, "commit", "-qm", "delete March")
    res = run_cli("check", books=books)
    assert res.rc == 1
    assert f"{MAR}:0: deleted outside wuye: the verified file held 1 entries" in res.err
    assert "issued numbers missing from the books: SJ2026-000004" in res.err
    # the allocator's floor survives the deletion (the lead wires numbering.py to it)
    assert verified.highest_issued(books, "SJ", 2026) == 4


def test_deleting_every_txns_file_but_one_names_each(books, run_cli):
    git(books, "rm", "-q", "txns/2026/2026-01.beancount", FEB)
    git(books, "commit", "-qm", "delete two months")
    err = run_cli("check", books=books).err
    assert "txns/2026/2026-01.beancount:0: deleted outside wuye" in err
    assert f"{FEB}:0: deleted outside wuye" in err
    assert "SJ2026-000001, SJ2026-000002, SJ2026-000003" in err


def test_a_payment_raised_on_both_legs_passes_beancount_but_not_check(books, run_cli):
    path = books / FEB
    text = path.read_text(encoding="utf-8")
    start = text.index("SJ2026-000002")
    block_end = text.index("\n\n", start)
    block = text[start:block_end]
    lines = block.splitlines()
    # every amount of this payment 1,000.00 higher: it still balances, so beancount is happy
    bumped = []
    for ln in lines:
        if ln.strip().endswith(" CNY") and ln.startswith("  "):
            acct, num, cur = ln.rsplit(None, 2)
            value = float(num)  # only to build the tampered text
            new = f"{value - 1000:.2f}" if value < 0 else f"{value + 1000:.2f}"
            ln = f"{acct}  {new} {cur}"
        bumped.append(ln)
    assert bumped != lines
    path.write_text(text[:start] + "\n".join(bumped) + text[block_end:], encoding="utf-8")
    commit_by_hand(books, "raise a payment")
    res = run_cli("check", books=books)
    assert res.rc == 1
    assert f"{FEB}:" in res.err and "changed outside wuye: 1 verified entry missing or altered" in res.err
    assert "money in 290.00 -> 1,290.00" in res.err


def test_reindenting_a_file_is_no_change(books, run_cli):
    path = books / FEB
    path.write_text(path.read_text(encoding="utf-8").replace("\n  ", "\n    "), encoding="utf-8")
    commit_by_hand(books, "reindent")
    assert run_cli("check", books=books).rc == 0


def test_the_next_payment_after_a_deletion_does_not_reissue_the_lost_receipt(books, run_cli):
    path = books / MAR
    path.write_text("; emptied\n", encoding="utf-8")
    commit_by_hand(books, "empty March")
    head = git(books, "rev-parse", "HEAD")
    # the books now end at receipt 3; the allocator continues from the highest ever issued (4), never reissues it
    res = run_cli("pay", "1-0101", "10", "--channel", "cash", books=books)
    assert res.rc == 0 and "SJ2026-000005" in res.out, res.err
    assert git(books, "rev-parse", "HEAD^") == head and git(books, "status", "--porcelain") == ""
    err = run_cli("check", books=books).err
    assert "issued numbers missing from the books: SJ2026-000004" in err, err


def test_a_later_wuye_write_into_a_truncated_file_does_not_make_the_loss_verified(books, run_cli, monkeypatch):
    path = books / FEB
    blocks = entry_blocks(path.read_text(encoding="utf-8"))
    path.write_text("\n\n".join(blocks[:3] + blocks[4:]) + "\n", encoding="utf-8")   # receipt 2 gone
    commit_by_hand(books, "drop a payment")
    # a wuye write into the same February file (receipt 5: above the highest issued, so allowed)
    res = run_cli("pay", "1-0102", "10", "--channel", "cash", "--date", "2026-02-20", books=books)
    assert res.rc == 0 and "SJ2026-000005" in res.out, res.err
    state = json.loads((books / "verified.json").read_text(encoding="utf-8"))
    assert state["files"][FEB]["entries"] == 5          # four left by hand plus the new payment
    assert len(state["files"][FEB]["lost"].split()) == 1
    assert state["files"][FEB]["lost_numbers"] == {"SJ2026": [[2, 2]]}
    err = run_cli("check", books=books).err
    assert f"{FEB}:0: 1 entries verified earlier are still missing" in err
    assert "issued numbers missing from the books: SJ2026-000002" in err


def test_a_deleted_verified_state_is_found_from_its_last_commit(books, run_cli):
    git(books, "rm", "-q", "verified.json", MAR)
    git(books, "commit", "-qm", "hide the evidence")
    err = run_cli("check", books=books).err
    assert "verified.json:0: the verified state was deleted outside wuye" in err
    assert f"{MAR}:0: deleted outside wuye" in err


def test_a_failed_write_leaves_the_verified_state_as_it_was(books, run_cli, monkeypatch):
    before = (books / "verified.json").read_bytes()
    head = git(books, "rev-parse", "HEAD")
    # an account the books do not open: beancount refuses, the writer rolls back
    cfg = books / "config.yaml"
    monkeypatch.setenv("WUYE_TODAY", "2026-03-06")
    from ledger.books.folder import Books
    from ledger.books.plan import Plan
    from ledger.basics.errors import ValidationError

    b = Books(books)
    bad = Plan("bad", {MAR: '2026-03-06 * "x"\n  Assets:Nowhere  1.00 CNY\n  Assets:Cash  -1.00 CNY\n'}, {}, None)
    with pytest.raises(ValidationError):
        b.commit(lambda _books: bad)
    b.close()
    assert (books / "verified.json").read_bytes() == before
    assert git(books, "rev-parse", "HEAD") == head
    assert git(books, "status", "--porcelain") == ""
    assert cfg.exists()
