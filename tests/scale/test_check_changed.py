"""`wuye check --changed` checks what changed since wuye verified it, and finds what `wuye check` finds there."""
from __future__ import annotations

import shutil

import pytest

from tests.payments.conftest import git, run_cli


@pytest.fixture
def books(books_factory, monkeypatch):
    root = books_factory(today="2024-02-20").root
    for args in (["bill", "2024-01"], ["bill", "2024-02"],
                 ["pay", "1-0302", "100.00", "--channel", "cash", "--date", "2024-01-20"],
                 ["pay", "1-0401", "50.00", "--channel", "cash", "--date", "2024-02-18"]):
        assert run_cli(root, *args).rc == 0, args
    return root


def changed(root):
    r = run_cli(root, "check", "--changed", "--json")
    return r.rc, r.json()


def full(root):
    r = run_cli(root, "check", "--json")
    return r.rc, r.json()


def found(report):
    return sorted((p["filename"], p["lineno"], p["message"]) for p in report["problems"])


def test_books_written_by_wuye_have_nothing_to_check_again(books):
    rc, out = changed(books)
    assert (rc, out["ok"], out["checked_files"]) == (0, True, [])


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("committed", [False, True])
def test_a_hand_edit_is_checked_and_named_as_the_full_check_names_it(books, committed):
    rel = "txns/2024/2024-02.beancount"
    edit(books / rel, "50.00 CNY", "500.00 CNY")
    if committed:
        git(books, "commit", "-qam", "hand edit")
    rc, out = changed(books)
    assert rc == 1 and out["checked_files"] == [rel]
    assert any("does not balance" in p["message"] for p in out["problems"])
    assert any("changed outside wuye" in p["message"] for p in out["problems"])
    frc, fout = full(books)
    assert frc == 1 and found(out) == found(fout)


def test_an_entry_deleted_and_committed_is_found(books):
    rel = "txns/2024/2024-02.beancount"
    text = (books / rel).read_text(encoding="utf-8")
    blocks = text.rstrip("\n").split("\n\n")
    (books / rel).write_text("\n\n".join(blocks[:-1]) + "\n", encoding="utf-8")
    git(books, "commit", "-qam", "lost the last payment")
    rc, out = changed(books)
    assert rc == 1 and out["checked_files"] == [rel]
    assert any("lost entries outside wuye" in p["message"] for p in out["problems"])
    assert found(out) == found(full(books)[1])


def test_a_month_file_deleted_is_found(books):
    rel = "txns/2024/2024-02.beancount"
    git(books, "rm", "-q", rel)
    git(books, "commit", "-qm", "gone")
    rc, out = changed(books)
    assert rc == 1
    assert any(p["filename"] == rel and "deleted outside wuye" in p["message"] for p in out["problems"])


def test_an_edit_before_a_close_is_checked_against_the_whole_ledger(books, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2024-03-05")
    assert run_cli(books, "close", "2024-01").rc == 0
    assert changed(books)[0] == 0
    rel = "txns/2024/2024-01.beancount"
    edit(books / rel, "100.00 CNY", "10.00 CNY")
    edit(books / rel, "-100.00 CNY", "-10.00 CNY")  # balanced, so only the close's assertions can fail
    git(books, "commit", "-qam", "hand edit in a closed month")
    rc, out = changed(books)
    assert rc == 1
    assert any("Balance failed" in p["message"] for p in out["problems"]), out["problems"]
    assert found(out) == found(full(books)[1])


def test_a_stale_cache_row_of_a_changed_file_is_found(books):
    """The cache rows of a changed file are compared with a fresh parse of it."""
    import sqlite3

    rel = "txns/2024/2024-02.beancount"
    edit(books / rel, '"账单 2024-02', '"账单 2024-02 (改)')
    git(books, "commit", "-qam", "hand edit of a narration")
    assert changed(books)[0] == 1  # the hand edit itself is reported (changed outside wuye)
    db = sqlite3.connect(books / ".wuye" / "cache.sqlite")
    db.execute("UPDATE postings SET cents = cents + 1 WHERE rowid = (SELECT MIN(rowid) FROM postings WHERE file=?)",
               (rel,))
    db.commit()
    db.close()
    rc, out = changed(books)
    assert any("cached postings differ" in p["message"] for p in out["problems"]), out["problems"]
