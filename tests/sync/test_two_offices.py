"""Two offices record 100 payments each and bill their own buildings, syncing in between and at the
end in both orders: one linear history, no conflicts, no duplicate numbers, the same figures."""
from __future__ import annotations

import re

import pytest

from ledger.books import integrity, sync
from conftest import A_BUILDINGS, bill_buildings, figures, git, pay, receipt_numbers, units_of

N = 100


@pytest.mark.parametrize("first", ["A", "B"])
def test_two_offices_200_payments_no_conflict(offices, first, request):
    if request.node.callspec.params["offices"] == "daemon" and first == "B":
        pytest.skip("one order over git daemon is enough; both orders run on the bare repository on disk")
    a, b = offices.books("A"), offices.books("B")
    units_a = units_of(a, A_BUILDINGS)
    units_b = units_of(b, exclude=A_BUILDINGS)
    assert bill_buildings(a, "2027-01", A_BUILDINGS)
    assert bill_buildings(b, "2027-01", {u.building for u in b.units.values()} - A_BUILDINGS)
    pulled = 0
    for i in range(N):
        pay(a, units_a[i % len(units_a)], "10.00", ref=f"A{i:03d}")
        pay(b, units_b[i % len(units_b)], "10.00", ref=f"B{i:03d}")
        if i % 17 == 5:
            pulled += sync.sync(a).pulled
        if i % 23 == 11:
            pulled += sync.sync(b).pulled
    order = [a, b] if first == "A" else [b, a]
    for books in order + order:
        sync.sync(books)
    a.reload()
    b.reload()
    assert pulled > 0  # the interleaved syncs did bring the other office's commits in
    assert git(a.root, "rev-parse", "HEAD") == git(b.root, "rev-parse", "HEAD")
    assert git(a.root, "rev-list", "--merges", "HEAD") == ""  # one linear history
    pays = [s for s in git(a.root, "log", "--format=%s").splitlines() if s.startswith("pay ")]
    assert len(pays) == 2 * N
    numbers = receipt_numbers(a)
    assert len(numbers) == 2 * N and len(set(numbers)) == 2 * N
    for code in ("A", "B"):
        seqs = sorted(int(n[-6:]) for n in numbers if n.startswith(f"SJ-{code}2026-"))
        assert seqs == list(range(1, N + 1)), code  # gap-free within each office's series
    assert all(re.fullmatch(r"SJ-[AB]2026-\d{6}", n) for n in numbers)
    assert integrity.check_books(a) == []
    assert integrity.check_books(b) == []
    assert figures(a) == figures(b)
    for books in (a, b):
        st = sync.status(books)
        assert (st["ahead"], st["behind"], st["conflicts"]) == (0, 0, [])
    # each office's payment commits touch only that office's files (month file, verified state)
    for chunk in git(a.root, "log", "--format=%x1e%s", "--name-only").split("\x1e")[1:]:
        subject, *files = [ln for ln in chunk.splitlines() if ln]
        m = re.search(r"SJ-([AB])2026", subject)
        if m:
            assert files and all(f".{m[1]}." in f for f in files), (subject, files)
