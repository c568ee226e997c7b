"""The fast paths of a write give what the whole-file paths give.

A write that only appends is parsed once (ledger/books/appended.py): its beancount check, the verified
state it leaves and the cache rows it adds must be exactly those of a full parse of the new files. And a
file the cache trusts by its stat must really be unchanged.
"""
from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ledger.books import appended, layout, verified, writer
from ledger.books.cache import FactCache
from ledger.books.folder import Books
from ledger.books.plan import Plan
from tests.payments.conftest import BASE_CONFIG, git, head, make_module_books, run_cli

UNITS = ("1-0302", "1-0401")
PERIODS = [f"2024-{m:02d}" for m in range(1, 5)]
_counter = itertools.count()


@pytest.fixture(scope="module")
def base_books(tmp_path_factory):
    return make_module_books(tmp_path_factory, BASE_CONFIG)


def assert_same_as_full(root: Path, tmp: Path) -> None:
    """The cache equals one built from scratch; every verified record equals a full parse of its file."""
    books = Books(root)
    try:
        fresh = tmp / f"fresh{next(_counter)}.sqlite"
        other = FactCache(root, db_path=fresh)
        other.sync(layout.ledger_files(root))
        other.close()
        assert books.cache.differences(fresh) == []
        counts = dict(books.cache.q("SELECT path, entries FROM files"))
    finally:
        books.close()
    state = verified.load(root, digests=True)
    for rel in layout.ledger_files(root):
        full, entries = verified.file_state((root / rel).read_text(encoding="utf-8"), rel)
        assert state.files[rel] == full, rel
        assert counts[rel] == len(entries), rel


ops = st.one_of(
    st.tuples(st.just("bill")),
    st.tuples(st.just("pay"), st.sampled_from(UNITS), st.integers(1, 80_000).map(lambda c: f"{Decimal(c) / 100:.2f}")),
    st.tuples(st.just("contact"), st.sampled_from(UNITS)),
    st.tuples(st.just("waive"), st.sampled_from(UNITS), st.sampled_from(PERIODS)),
    st.tuples(st.just("void"), st.integers(1, 4)),
)


@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(script=st.lists(ops, min_size=3, max_size=8))
def test_appended_writes_leave_what_a_full_parse_gives(base_books, tmp_path, monkeypatch, script):
    root = tmp_path / f"ex{next(_counter)}"
    shutil.copytree(base_books, root)
    billed = written = 0
    monkeypatch.setenv("WUYE_TODAY", "2024-01-10")
    for op in [("bill",), *script]:
        day = f"2024-{max(billed, 1):02d}-20"
        if op[0] == "bill":
            if billed >= len(PERIODS):
                continue
            billed += 1
            monkeypatch.setenv("WUYE_TODAY", f"2024-{billed:02d}-10")
            args = ["bill", PERIODS[billed - 1]]
        elif op[0] == "pay":
            args = ["pay", op[1], op[2], "--channel", "cash", "--date", day]
        elif op[0] == "contact":
            args = ["contact", op[1], "--channel", "phone", "--outcome", "答应月底交", "--date", day]
        elif op[0] == "waive":
            args = ["waive", op[1], "10.00", "--item", "PF", "--period", op[2], "--reason", "测试",
                    "--approved-by", "经理", "--date", day]
        else:
            args = ["void", f"SJ2024-{op[1]:06d}", "--reason", "作废测试", "--date", day]
        before = head(root)
        r = run_cli(root, *args)
        if r.rc != 0:
            assert r.rc == 2 and r.err.startswith("wuye: "), (args, r.rc, r.err)
            assert head(root) == before, args
        elif op[0] in ("bill", "pay", "contact"):  # these always write on these books
            assert head(root) != before, args
            written += 1
        assert_same_as_full(root, tmp_path)
    assert written >= 1
    assert run_cli(root, "check").rc == 0


# Texts a write could append that beancount refuses: each is refused by the appended-only check with the
# problem, file and line the whole-file check names.
BAD = {
    "unknown account": '2024-01-20 * "x"\n  Assets:Cash  1.00 CNY\n  Income:Nowhere  -1.00 CNY\n',
    "not balanced": '2024-01-20 * "x"\n  Assets:Cash  1.00 CNY\n  Income:PropertyFee  -2.00 CNY\n',
    "before its open": '2000-01-01 * "x"\n  Assets:Cash  1.00 CNY\n  Income:PropertyFee  -1.00 CNY\n',
    "duplicate open": '2024-01-20 open Assets:Cash CNY\n',
    "wrong currency": '2024-01-20 * "x"\n  Assets:Cash  1.00 USD\n  Income:PropertyFee  -1.00 USD\n',
    "receivable without period": ('2024-01-20 * "x"\n  Assets:Receivable:Unit:1-0302  1.00 CNY\n    item: "PF"\n'
                                  '  Income:PropertyFee  -1.00 CNY\n'),
    "receipt used twice": ('2024-01-20 * "x"\n  op: "pay"\n  receipt: "SJ2024-000001"\n  Assets:Cash  1.00 CNY\n'
                           '  Income:PropertyFee  -1.00 CNY\n'),
    "syntax": '2024-01-20 * "x\n',
}


@pytest.mark.parametrize("what", sorted(BAD))
def test_refused_append_names_what_the_whole_file_check_names(base_books, tmp_path, monkeypatch, what):
    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    monkeypatch.setenv("WUYE_TODAY", "2024-01-20")
    assert run_cli(root, "bill", "2024-01").rc == 0
    assert run_cli(root, "pay", "1-0302", "10.00", "--channel", "cash", "--date", "2024-01-20").rc == 0
    rel = layout.month_file(__import__("datetime").date(2024, 1, 20))
    plan = Plan("bad", {rel: BAD[what]})
    books = Books(root)
    old = (root / rel).read_text(encoding="utf-8")
    chunks = appended.chunks_of(root, plan, {rel: old})
    fast = appended.validate(root, books.cache, chunks)
    books.close()
    # the whole-file check, on a copy holding the new text
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    from ledger.books.plan import appended_text
    (copy / rel).write_text(appended_text(old, BAD[what]), encoding="utf-8")
    full, _ = writer.validate(copy, [rel])
    assert full, what
    assert sorted((p.filename, p.lineno, p.message) for p in fast) == sorted((p.filename, p.lineno, p.message) for p in full), what
    # and the write itself is refused, the books as before
    before = head(root)
    with pytest.raises(Exception):
        Books(root).commit(lambda b: plan)
    assert head(root) == before
    assert (root / rel).read_text(encoding="utf-8") == old
    assert git(root, "status", "--porcelain") == ""


def test_a_balance_assertion_takes_the_whole_ledger_check(base_books, tmp_path):
    rel = "txns/2024/2024-01.beancount"
    plan = Plan("assert", {rel: "2024-01-20 balance Assets:Cash 0.00 CNY\n"})
    assert appended.chunks_of(base_books, plan, {rel: ""}) is None
    assert appended.chunks_of(base_books, Plan("r", {}, {layout.CONFIG: "x"}), {}) is None


def test_a_file_changed_within_its_clock_tick_is_read_again(base_books, tmp_path, monkeypatch):
    """Same size, same mtime, same inode, other bytes: the stat is recorded only once the file's mtime is
    older than the settle time, so a change this fast is still seen by the hash."""
    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    monkeypatch.setenv("WUYE_TODAY", "2024-01-20")
    assert run_cli(root, "bill", "2024-01").rc == 0
    rel = "txns/2024/2024-01.beancount"
    path = root / rel
    books = Books(root)  # reads the fresh file: its mtime is too recent for its stat to be kept
    assert books.cache.q("SELECT stat FROM files WHERE path=?", (rel,)) == [(None,)]
    books.close()
    st = path.stat()
    raw = path.read_bytes()
    changed = raw.replace(b"1-0302", b"1-0401", 1)
    assert len(changed) == len(raw) and changed != raw
    with open(path, "r+b") as f:  # in place: the inode stays
        f.write(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    books = Books(root)
    try:
        assert books.shas[rel] == __import__("hashlib").sha256(changed).hexdigest()
    finally:
        books.close()


def test_a_settled_file_is_trusted_by_its_stat_and_a_touched_one_is_read(base_books, tmp_path, monkeypatch):
    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    rel = layout.ACCOUNTS
    old = time.time() - 60
    for p in layout.ledger_files(root):
        os.utime(root / p, (old, old))
    Books(root).close()
    books = Books(root)
    try:
        (stat,) = books.cache.q("SELECT stat FROM files WHERE path=?", (rel,))[0]
        st = (root / rel).stat()
        assert stat == f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
    finally:
        books.close()
    # an edit (any edit moves the mtime) is read again and the cache follows it
    text = (root / rel).read_text(encoding="utf-8")
    (root / rel).write_text(text + "\n2024-01-01 open Assets:Test CNY\n", encoding="utf-8")
    books = Books(root)
    try:
        assert books.cache.q("SELECT COUNT(*) FROM opens WHERE account='Assets:Test'") == [(1,)]
    finally:
        books.close()


def test_a_copied_folder_keeps_the_rows_of_unchanged_files_and_reads_the_changed_one(base_books, tmp_path,
                                                                                     monkeypatch):
    """A copy of the books (a backup restored, a folder moved) has every file's stat changed: the files
    whose bytes are those of their rows keep their rows and get their new stat (they are hashed, not
    handed to the parse workers: bench/scale.py times it), the file whose bytes changed is read again."""
    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    monkeypatch.setenv("WUYE_TODAY", "2024-04-20")
    for p in PERIODS:
        assert run_cli(root, "bill", p).rc == 0
    assert run_cli(root, "pay", UNITS[0], "300.00", "--channel", "cash").rc == 0
    old = time.time() - 60
    for p in layout.ledger_files(root):
        os.utime(root / p, (old, old))
    Books(root).close()  # rows and settled stats for every file
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)  # new inodes: no stat matches its row
    changed = "txns/2024/2024-02.beancount"
    (copy / changed).write_text((copy / changed).read_text(encoding="utf-8") + "\n; a note\n", encoding="utf-8")
    ids = "SELECT file, MIN(id), COUNT(*) FROM txns GROUP BY file ORDER BY file"
    cache = FactCache(copy)
    try:
        before = dict((f, (i, n)) for f, i, n in cache.q(ids))
        assert changed in before and len(before) >= 4
        cache.sync(layout.ledger_files(copy), workers=2)
        after = dict((f, (i, n)) for f, i, n in cache.q(ids))
        assert {f: v for f, v in after.items() if f != changed} == {f: v for f, v in before.items() if f != changed}
        assert after[changed][1] == before[changed][1] and after[changed][0] > max(i for i, _ in before.values())
        stats = dict(cache.q("SELECT path, stat FROM files"))
        for rel in layout.ledger_files(copy):
            if rel != changed:
                st = (copy / rel).stat()
                assert stats[rel] == f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}", rel
    finally:
        cache.close()
    fresh = FactCache(copy, db_path=tmp_path / "fresh.sqlite")
    fresh.sync(layout.ledger_files(copy))
    fresh.close()
    cache = FactCache(copy)
    try:
        assert cache.differences(tmp_path / "fresh.sqlite") == []
    finally:
        cache.close()


def test_an_older_verified_json_with_inline_digests_is_moved_to_verified_d_by_the_next_write(base_books, tmp_path,
                                                                                             monkeypatch):
    """Books whose verified.json still holds every file's digests inline (before verified.d/): they are
    read as they are, and the next write moves them out, one file of digests per ledger file."""
    import json

    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    monkeypatch.setenv("WUYE_TODAY", "2024-01-20")
    assert run_cli(root, "bill", "2024-01").rc == 0
    raw = json.loads((root / "verified.json").read_text(encoding="utf-8"))
    for rel, rec in raw["files"].items():
        rec["digests"] = " ".join((root / verified.digests_path(rel)).read_text(encoding="ascii").split())
        del rec["digests_sha"]
    (root / "verified.json").write_text(json.dumps(raw, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    git(root, "rm", "-rq", "verified.d")
    git(root, "commit", "-qam", "verified.json as an older wuye wrote it")
    assert run_cli(root, "check").rc == 0  # the inline digests are read
    assert run_cli(root, "pay", "1-0302", "10.00", "--channel", "cash", "--date", "2024-01-20").rc == 0
    after = json.loads((root / "verified.json").read_text(encoding="utf-8"))
    assert all("digests" not in rec and rec["digests_sha"] for rec in after["files"].values())
    assert sorted(after["files"]) == sorted(layout.ledger_files(root))
    for rel in after["files"]:
        assert (root / verified.digests_path(rel)).exists(), rel
    assert git(root, "status", "--porcelain") == ""
    assert_same_as_full(root, tmp_path)
    assert run_cli(root, "check").rc == 0


def test_a_sync_parsed_in_worker_processes_gives_the_same_rows(base_books, tmp_path, monkeypatch):
    """A fresh clone of large books is parsed by one worker process per core (cache.PARALLEL_BYTES): every
    row, every posting's transaction and every file record are those of parsing in the process itself."""
    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    monkeypatch.setenv("WUYE_TODAY", "2024-04-20")
    for p in PERIODS:
        assert run_cli(root, "bill", p).rc == 0
    assert run_cli(root, "pay", UNITS[0], "300.00", "--channel", "cash").rc == 0
    files = layout.ledger_files(root)
    serial, parallel = FactCache(root, tmp_path / "serial.sqlite"), FactCache(root, tmp_path / "parallel.sqlite")
    try:
        serial.sync(files, workers=1)
        parallel.sync(files, workers=2)
        assert serial.differences(tmp_path / "parallel.sqlite") == []
        joined = ("SELECT t.file, t.lineno, t.receipt, p.account, p.item, p.period, p.cents, p.cls "
                  "FROM postings p JOIN txns t ON t.id = p.txn ORDER BY 1, 2, 4, 5, 6, 7")
        assert serial.q(joined) == parallel.q(joined) and len(serial.q(joined)) > 20
        recorded = "SELECT path, sha, entries, errors, min_date FROM files ORDER BY path"
        assert serial.q(recorded) == parallel.q(recorded)
        # the parallel sync stores the rows without the read indexes and makes them after: all there
        indexes = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL ORDER BY name"
        assert parallel.q(indexes) == serial.q(indexes)
        assert {"p_unit", "t_receipt", "t_op_date", "p_txn"} <= {n for n, _, _ in parallel.q(indexes)}
    finally:
        serial.close()
        parallel.close()


def test_a_worker_whose_output_is_garbled_leaves_its_files_to_the_caller(base_books, tmp_path, monkeypatch):
    """Anything else a worker process prints on its pipe (here a sitecustomize that writes on start, as a
    site hook or a noisy library would) is not read as an answer: those files are parsed by the caller and
    the cache is the same as a sync in one process."""
    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    monkeypatch.setenv("WUYE_TODAY", "2024-04-20")
    for p in PERIODS:
        assert run_cli(root, "bill", p).rc == 0
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.stdout.write('hello from a site hook\\n')\n"
                                           "sys.stdout.flush()\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(site))
    files = layout.ledger_files(root)
    serial, parallel = FactCache(root, tmp_path / "serial.sqlite"), FactCache(root, tmp_path / "parallel.sqlite")
    try:
        serial.sync(files, workers=1)
        parallel.sync(files, workers=2)
        assert serial.differences(tmp_path / "parallel.sqlite") == []
        assert parallel.q("SELECT COUNT(*) FROM files")[0][0] == len(files)
        assert parallel.q("SELECT COUNT(*) FROM postings")[0][0] == serial.q("SELECT COUNT(*) FROM postings")[0][0] > 20
    finally:
        serial.close()
        parallel.close()


def test_a_script_without_a_main_guard_syncs_with_workers(base_books, tmp_path):
    """The workers are plain child processes: a caller's script is not imported again in them (a script
    without `if __name__ == '__main__'` runs once), and the cache gets every file."""
    import subprocess
    import sys

    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    script = tmp_path / "plain.py"
    script.write_text("import sys\nfrom pathlib import Path\nfrom ledger.books.cache import FactCache\n"
                      "from ledger.books import layout\nroot = Path(sys.argv[1])\nprint('ran', flush=True)\n"
                      "c = FactCache(root, Path(sys.argv[2]))\nc.sync(layout.ledger_files(root), workers=2)\n"
                      "print(c.q('SELECT COUNT(*) FROM files')[0][0])\n", encoding="utf-8")
    repo = Path(__file__).resolve().parents[2]
    res = subprocess.run([sys.executable, str(script), str(root), str(tmp_path / "c.sqlite")], capture_output=True,
                         text=True, timeout=300, cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)})
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["ran", str(len(layout.ledger_files(root)))]


def test_kept_unit_balances_follow_every_write_to_the_cache(base_books, tmp_path, monkeypatch):
    """The per-unit sums are kept in memory while the cache is unchanged (the TUI's units list and dashboard
    read them at once); a payment written by another process, and this connection's own rewrite, are seen at
    the next read, and a caller changing what it got does not change what the next caller gets."""
    from ledger.books import facts

    root = tmp_path / "b"
    shutil.copytree(base_books, root)
    monkeypatch.setenv("WUYE_TODAY", "2024-04-20")
    for p in PERIODS:
        assert run_cli(root, "bill", p).rc == 0
    day = dt.date(2024, 4, 20)
    books = Books(root)
    try:
        facts.unit_balances(books.cache, day)  # the first read may make the snapshot: not kept
        first = facts.unit_balances(books.cache, day)
        owed = first[UNITS[0]].outstanding
        assert owed > 0
        first[UNITS[0]].outstanding = Decimal("-1")
        assert facts.unit_balances(books.cache, day)[UNITS[0]].outstanding == owed
        # another process pays: its cache connection appends the payment
        assert run_cli(root, "pay", UNITS[0], "10.00", "--channel", "cash").rc == 0
        after = facts.unit_balances(books.cache, day)
        assert after[UNITS[0]].outstanding == owed - Decimal("10.00")
        other = FactCache(root)
        try:
            assert facts.unit_balances(other, day, snapshot=False) == after
        finally:
            other.close()
        # this connection forgets every file: nothing is owed until it reads them again
        books.cache.clear()
        assert facts.unit_balances(books.cache, day) == {}
        books.cache.sync(layout.ledger_files(root))
        assert facts.unit_balances(books.cache, day) == after
    finally:
        books.close()
