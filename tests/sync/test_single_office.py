"""Books without `offices:` keep exactly their layout, numbers and verified.json."""
from __future__ import annotations


from ledger.books.folder import Books
from conftest import git, pay, wuye


def test_single_office_books_are_unchanged(tmp_path, make_books, monkeypatch):
    monkeypatch.setenv("WUYE_TODAY", "2026-12-02")
    root = make_books(tmp_path)
    assert wuye(root, "bill", "2026-12").returncode == 0
    books = Books(root)
    plan = pay(books, "1-1-0101", "10.00")
    assert plan.receipt == "SJ2026-000001"
    assert git(root, "show", "--name-only", "--format=", "HEAD").splitlines() == [
        "txns/2026/2026-12.beancount", "verified.d/txns/2026/2026-12.beancount.digests", "verified.json"]
    assert not list(root.glob("verified.*.json")) and not list(root.glob("accounts.*.beancount"))
    assert 'include "accounts.*.beancount"' not in (root / "main.beancount").read_text(encoding="utf-8")
    res = wuye(root, "office", "set", "A")
    assert res.returncode != 0 and "offices" in res.stderr
    res = wuye(root, "sync")  # no remote: rebuilds the cache, as before
    assert res.returncode == 0 and "cache rebuilt" in res.stdout
    assert wuye(root, "check").returncode == 0


def test_multi_office_books_refuse_writes_until_migrated(tmp_path, make_books, monkeypatch):
    from ledger.books.create import DEMO_CONFIG

    monkeypatch.setenv("WUYE_TODAY", "2026-12-02")
    monkeypatch.setenv("WUYE_USER", "前台")  # the one who records (a receipt names who took the money)
    text = DEMO_CONFIG.read_text(encoding="utf-8") + "\noffices: [A, B]\n"
    root = make_books(tmp_path, config_text=text)
    res = wuye(root, "bill", "2026-12")
    assert res.returncode != 0 and "wuye office set A" in res.stderr
    assert wuye(root, "office", "set", "A").returncode == 0
    res = wuye(root, "bill", "2026-12")
    assert res.returncode != 0 and "wuye migrate-offices" in res.stderr
    res = wuye(root, "migrate-offices")
    assert res.returncode == 0, res.stderr
    res = wuye(root, "bill", "2026-12")
    assert res.returncode == 0, res.stderr
    assert git(root, "show", "--name-only", "--format=", "HEAD").splitlines() == [
        "txns/2026/2026-12.A.beancount", "verified.A.json", "verified.d/txns/2026/2026-12.A.beancount.digests"]
    res = wuye(root, "pay", "1-1-0101", "10", "--channel", "cash")
    assert res.returncode == 0 and "SJ-A2026-000001" in res.stdout
    assert wuye(root, "check").returncode == 0


def test_the_receipt_register_checks_every_office_series(tmp_path, make_books, monkeypatch):
    import json

    from ledger.books.create import DEMO_CONFIG

    monkeypatch.setenv("WUYE_TODAY", "2026-12-02")
    monkeypatch.setenv("WUYE_USER", "前台")
    root = make_books(tmp_path, config_text=DEMO_CONFIG.read_text(encoding="utf-8") + "\noffices: [A, B]\n")
    for args in (("office", "set", "A"), ("migrate-offices",), ("bill", "2026-12"),
                 ("pay", "1-1-0101", "10", "--channel", "cash"), ("pay", "1-1-0102", "10", "--channel", "cash"),
                 ("office", "set", "B"), ("pay", "1-1-0201", "10", "--channel", "cash")):
        res = wuye(root, *args)
        assert res.returncode == 0, res.stderr
    d = json.loads(wuye(root, "report", "receipts", "--format", "json").stdout)
    assert [r["receipt"] for r in d["receipts"]] == ["SJ-A2026-000001", "SJ-A2026-000002", "SJ-B2026-000001"]
    assert [(s["series"], s["count"], s["missing"]) for s in d["series"]] == [("SJ-A2026", 2, []), ("SJ-B2026", 1, [])]
    assert d["gaps"] == 0
