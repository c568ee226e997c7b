"""Derived state in sqlite, rebuilt per file from the ledger text and keyed by each file's sha256.

Nothing here is trusted on its own: every row comes from parsing a ledger file, and a file whose
bytes changed is parsed again. `wuye check` compares the cache with a rebuild from scratch.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from beancount.core import data
from beancount.parser import parser

from ledger.basics import accounts as acc
from ledger.basics.money import to_cents
from ledger.books.files import sha256_bytes
from ledger.books.loading import collector_paused

SCHEMA_VERSION = "12"  # indexes alone need no new version: SCHEMA adds them to an existing cache; 12: + csnap (rate rows through a month end), postings(acct, period); 11: + txns(op); 10: + files.min_date, snap (item sums through a month end), postings(acct, date), derived
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, sha TEXT, entries INTEGER, errors TEXT, stat TEXT,
  min_date TEXT);
CREATE TABLE IF NOT EXISTS snap(key TEXT, unit TEXT, acct TEXT, item TEXT, period TEXT, cents INTEGER);
CREATE TABLE IF NOT EXISTS derived(name TEXT PRIMARY KEY, sha TEXT, value TEXT);
CREATE INDEX IF NOT EXISTS s_key ON snap(key, unit);
-- the receivable rows every collection rate folds (facts.receivable_class_rows), summed through the same
-- month end as snap and kept under its key: (acct, item, period, month of the date, class) -> cents
CREATE TABLE IF NOT EXISTS csnap(key TEXT, acct TEXT, item TEXT, period TEXT, dm TEXT, cls TEXT, cents INTEGER);
CREATE INDEX IF NOT EXISTS cs_key ON csnap(key);
CREATE TABLE IF NOT EXISTS txns(id INTEGER PRIMARY KEY, file TEXT, lineno INTEGER, date TEXT, op TEXT,
  unit TEXT, receipt TEXT, channel TEXT, ref TEXT, links TEXT, narration TEXT, meta TEXT);
CREATE TABLE IF NOT EXISTS postings(txn INTEGER, file TEXT, date TEXT, op TEXT, unit TEXT, account TEXT,
  acct TEXT, item TEXT, period TEXT, cents INTEGER, kind TEXT, debtor TEXT, cls TEXT);
CREATE TABLE IF NOT EXISTS customs(file TEXT, lineno INTEGER, date TEXT, type TEXT, unit TEXT,
  vals TEXT, meta TEXT);
CREATE TABLE IF NOT EXISTS opens(file TEXT, lineno INTEGER, date TEXT, account TEXT, unit TEXT, currencies TEXT,
  booking TEXT);
CREATE TABLE IF NOT EXISTS closes(file TEXT, lineno INTEGER, date TEXT, account TEXT);
CREATE INDEX IF NOT EXISTS o_account ON opens(account);
CREATE INDEX IF NOT EXISTS p_unit ON postings(unit, acct);
CREATE INDEX IF NOT EXISTS p_file ON postings(file);
CREATE INDEX IF NOT EXISTS p_acct_date ON postings(acct, date);
CREATE INDEX IF NOT EXISTS p_acct_period ON postings(acct, period);
CREATE INDEX IF NOT EXISTS p_cls ON postings(cls, acct);
CREATE INDEX IF NOT EXISTS t_file ON txns(file);
CREATE INDEX IF NOT EXISTS t_receipt ON txns(receipt);
-- a unit's transactions (its statement, its detail screen) among a million
CREATE INDEX IF NOT EXISTS t_unit ON txns(unit, date);
-- voids and refunds are few among the payments; a day's takings read one date range of one op
DROP INDEX IF EXISTS t_op;
CREATE INDEX IF NOT EXISTS t_op_date ON txns(op, date);
-- a receipt's legs (facts.postings_of); queue assignments and reopenings are few among a million txns
CREATE INDEX IF NOT EXISTS p_txn ON postings(txn);
CREATE INDEX IF NOT EXISTS t_queue ON txns(json_extract(meta,'$.queue')) WHERE json_extract(meta,'$.queue') IS NOT NULL;
CREATE INDEX IF NOT EXISTS t_reopens ON txns(json_extract(meta,'$.reopens'))
  WHERE json_extract(meta,'$.reopens') IS NOT NULL;
CREATE INDEX IF NOT EXISTS t_ref ON txns(channel, ref);
CREATE INDEX IF NOT EXISTS c_file ON customs(file);
CREATE INDEX IF NOT EXISTS c_type ON customs(type, unit);
"""
TABLES = ("files", "txns", "postings", "customs", "opens", "closes")  # per file
# the indexes of SCHEMA on the per-file tables but those by file (a file's rows are replaced by them)
_READ_INDEXES = tuple(m[1] for m in re.finditer(r"CREATE INDEX IF NOT EXISTS (\w+) ON (\w+)", SCHEMA)
                      if m[2] in TABLES and not m[1].endswith("_file"))
DERIVED = ("snap", "csnap", "derived")  # made from those rows, dropped with them
# a file whose size, mtime and inode match its row is not read again; a stat is recorded only once the
# file's mtime is this many seconds old, so a write in the same clock tick with the same size is still seen
STAT_SETTLED = 2.0
_EMPTY_SHA = sha256_bytes(b"")  # the base of a file that did not exist before a write
_KEEP_META = ("op", "unit", "receipt", "channel", "ref", "payer", "collector", "reason", "approved-by",
              "dispute", "voids", "refunds", "mode", "queue", "source", "period", "doc", "by",
              "accrued-to", "discount", "recorded", "category", "fund", "day", "slip", "basis", "received", "reopens",
              "refund-no", "refunds-part", "receipt-credit")


# The receivable postings dated on or before ?2 summed by (acct, item, period, month of the date, class),
# a charge that is not positive counted as 'other': what facts.receivable_class_rows reads, here kept per
# snapshot (?1) so a rate of the current months sums only the postings after the snapshot's month end.
CLASS_ROWS = ("SELECT ?1, acct, item, period, substr(date, 1, 7), "
              "CASE WHEN cls = 'charge' AND cents <= 0 THEN 'other' ELSE cls END, SUM(cents) FROM postings "
              "WHERE acct IN ('ar', 'dev') AND date <= ?2 AND item IS NOT NULL AND period IS NOT NULL "
              "GROUP BY 2, 3, 4, 5, 6")


def classify(account: str) -> str:
    if account.startswith(acc.RECEIVABLE):
        return "ar"
    if account.startswith(acc.DEVELOPER):
        return "dev"
    if account.startswith(acc.CREDIT):
        return "credit"
    if account.startswith(acc.SUSPENSE):
        return "suspense"
    if account.startswith(("Assets:Cash", "Assets:Bank", "Assets:Clearing")):
        return "money"
    if account.startswith(("Income:", "Liabilities:OwnersFund", "Liabilities:PassThrough")):
        return "income"
    if account.startswith("Expenses:"):
        return "expense"
    return "other"


# What a settlement posting on a receivable is (posting meta `kind` -> class).
SETTLEMENT_CLASSES = {"current": "paid", "arrears": "paid", "prepay": "paid", "credit": "paid",
                      "waived": "waived", "compensated": "compensated", "written_off": "written_off",
                      "discount": "discount"}
# Every class a posting can have; decided once here, read everywhere else (ledger/books/facts/).
CLASSES = ("charge", "paid", "waived", "compensated", "written_off", "discount", "credit_in", "credit_applied",
           "credit_out", "credit_refund", "money", "fee", "suspense", "income", "expense", "other")


def posting_class(acct: str, op: str, kind: str | None, cents: int) -> str:
    """The one decision of what a posting is, from its own account, its entry's op and its `kind`.

    Only the posting and its own entry are read (no state across entries or files), so a file's rows
    can be rebuilt alone.
    """
    if acct in ("ar", "dev"):
        if kind is None:
            return "charge"
        return SETTLEMENT_CLASSES.get(kind, "other")
    if acct == "credit":
        if kind == "refund":
            return "credit_refund"
        if op == "bill":
            return "credit_applied"
        return "credit_in" if cents < 0 else "credit_out"
    if kind == "fee":
        return "fee"
    if acct in ("money", "suspense", "income", "expense"):
        return acct
    return "other"


def stat_key(path: Path) -> str | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def settled_stat(path: Path) -> str | None:
    """The stat to record for a file just read, or None while its mtime is too recent to trust."""
    try:
        st = path.stat()
    except OSError:
        return None
    if time.time() - st.st_mtime < STAT_SETTLED:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _min_date(entries: list) -> str | None:
    return min(e.date for e in entries).isoformat() if entries else None


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _plain(v):
    return str(v) if not isinstance(v, (str, int)) else v


@dataclass
class FileRows:
    """One file's rows for every table, transaction ids counted from 0 (FactCache._store places them)."""
    txns: list = field(default_factory=list)
    postings: list = field(default_factory=list)
    customs: list = field(default_factory=list)
    opens: list = field(default_factory=list)
    closes: list = field(default_factory=list)


def file_rows(rel: str, entries: list) -> FileRows:
    """The rows of one file's entries: the one place an entry becomes cache rows."""
    out = FileRows()
    tid = 0
    for e in entries:
        if isinstance(e, data.Transaction):
            m = e.meta
            keep = {k: _plain(m[k]) for k in _KEEP_META if k in m}
            unit = m.get("unit")
            out.txns.append((tid, rel, m.get("lineno", 0), e.date.isoformat(), m.get("op", ""), unit,
                             m.get("receipt"), m.get("channel"), _plain(m.get("ref")) if m.get("ref") else None,
                             " ".join(sorted(e.links)), e.narration, json.dumps(keep, ensure_ascii=False)))
            for p in e.postings:
                if p.units is None or p.units.number is None:
                    continue
                pm = p.meta or {}
                kind = classify(p.account)
                punit = acc.unit_of(p.account) or pm.get("unit") or unit
                debtor = "developer" if kind == "dev" else ("unit" if kind == "ar" else None)
                cents = to_cents(p.units.number)
                out.postings.append((tid, rel, e.date.isoformat(), m.get("op", ""), punit, p.account, kind,
                                     pm.get("item"), pm.get("period"), cents, pm.get("kind"),
                                     debtor, posting_class(kind, m.get("op", ""), pm.get("kind"), cents)))
            tid += 1
        elif isinstance(e, data.Custom):
            vals = [_plain(v.value) for v in e.values]
            meta = {k: _plain(v) for k, v in e.meta.items() if k not in ("filename", "lineno")}
            unit = vals[0] if vals and isinstance(vals[0], str) else None
            out.customs.append((rel, e.meta.get("lineno", 0), e.date.isoformat(), e.type, unit,
                                json.dumps(vals, ensure_ascii=False), json.dumps(meta, ensure_ascii=False)))
        elif isinstance(e, data.Open):
            out.opens.append((rel, e.meta.get("lineno", 0), e.date.isoformat(), e.account, e.meta.get("unit"),
                              ",".join(e.currencies or ()), e.booking.name if e.booking else None))
        elif isinstance(e, data.Close):
            out.closes.append((rel, e.meta.get("lineno", 0), e.date.isoformat(), e.account))
    return out


def rows_digest(rows: FileRows) -> str:
    """What a file's rows say, whatever their transaction ids: every row, each posting by the line of its
    transaction (`wuye check` compares the cache with a parse of the files by this, ledger/books/integrity.py)."""
    import hashlib

    line_of = {t[0]: t[2] for t in rows.txns}
    h = hashlib.sha256()
    for name, items in (("t", [t[1:] for t in rows.txns]), ("p", [(line_of.get(p[0]),) + tuple(p[1:]) for p in rows.postings]),
                        ("c", rows.customs), ("o", rows.opens), ("x", rows.closes)):
        for r in sorted(repr(tuple(x)) for x in items):
            h.update(f"{name}{r}\n".encode("utf-8"))
    return h.hexdigest()


@dataclass
class ParsedFile:
    """A file parsed into rows (in a worker process when many bytes are to be read: PARALLEL_BYTES)."""
    rel: str
    sha: str
    text_bytes: int
    entries: int
    errors: str
    min_date: str | None
    rows: FileRows


def parse_file(rel: str, text: str, sha: str) -> ParsedFile:
    with collector_paused():  # a file's entries and rows all live until its rows are made
        entries, errors, _ = parser.parse_string(text, report_filename=rel)
        errs = json.dumps([f"{e.source.get('lineno', 0)}: {e.message}" for e in errors], ensure_ascii=False)
        return ParsedFile(rel, sha, len(text), len(entries), errs, _min_date(entries), file_rows(rel, entries))


def _parse_path(root: str, rel: str) -> ParsedFile:
    """Worker: read and parse one file (the parent checks its bytes again before it stores the rows)."""
    raw = (Path(root) / rel).read_bytes()
    return parse_file(rel, raw.decode("utf-8"), sha256_bytes(raw))


# A sync that must parse more than this many bytes (a fresh clone of large books) parses files in worker
# processes, one per core (ledger/books/parse_worker.py); smaller syncs parse in the process itself
# (starting workers costs ~0.5 s).
PARALLEL_BYTES = 32_000_000


class FactCache:
    def __init__(self, books: Path, db_path: Path | None = None):
        self.books = Path(books)
        path = db_path or self.books / ".wuye" / "cache.sqlite"
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self._memo: dict = {}
        self.db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # sqlite sorts a large index build or GROUP BY with helper threads (0 by default): a fresh clone's
        # index builds and first snapshot, 5,000 x 120: 26.9 -> 22.1 s and 26.6 -> 20.4 s in two runs
        self.db.execute(f"PRAGMA threads={min(os.cpu_count() or 1, 4)}")
        self._ensure_schema()

    def _ensure_schema(self) -> None:
        with self.lock:
            self.db.executescript(SCHEMA)
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if not row or row[0] != SCHEMA_VERSION:
                for t in TABLES + DERIVED:  # an older layout: dropped, made again, filled by the next sync
                    self.db.execute(f"DROP TABLE IF EXISTS {t}")
                self.db.executescript(SCHEMA)
                self.db.execute("INSERT OR REPLACE INTO meta VALUES('schema', ?)", (SCHEMA_VERSION,))

    def clear(self) -> None:
        """Forget every file (the next sync parses them all again)."""
        with self.lock:
            for t in TABLES + DERIVED:
                self.db.execute(f"DELETE FROM {t}")

    def close(self) -> None:
        self.db.close()

    # --- sync -------------------------------------------------------------------------
    def known(self) -> dict[str, str]:
        with self.lock:
            return dict(self.db.execute("SELECT path, sha FROM files"))

    def sync(self, files: list[str], workers: int | None = None) -> dict[str, str]:
        """Bring the cache in line with the files on disk; returns {path: sha}.

        A file whose stat (size, mtime, inode) is the one recorded with its row is taken as unchanged
        without reading it (git's own rule for its index); any other file is read and hashed."""
        with self.lock:
            rows = {p: (sha, st) for p, sha, st in self.db.execute("SELECT path, sha, stat FROM files")}
        known = {p: sha for p, (sha, _) in rows.items()}
        shas = {}
        settled = []
        stale: list[tuple[str, str | None]] = []  # (file, its stat before it was read)
        for rel in files:
            path = self.books / rel
            st = stat_key(path)
            row = rows.get(rel)
            if row is not None and st is not None and row[1] == st:
                shas[rel] = row[0]
            elif row is not None and st is not None and self._same_bytes(path, row[0], st):
                # a copied, restored or touched file with the bytes of its row: hashed, not parsed again
                shas[rel] = row[0]
                settled.append((settled_stat(path), rel))
            else:
                stale.append((rel, st))
        settled = [(stat, rel) for stat, rel in settled if stat]
        if workers is None:
            big = sum((self.books / rel).stat().st_size for rel, _ in stale if (self.books / rel).exists())
            workers = min(os.cpu_count() or 1, 8) if big > PARALLEL_BYTES else 1
        bulk = workers > 1  # many bytes to store: the rows go in without the read indexes, made after
        if bulk:
            self._drop_read_indexes()
        try:
            with collector_paused() if bulk else contextlib.nullcontext():  # rows stored as they come
                self._sync_stale(stale, workers, known, shas, settled)
        finally:
            if bulk:
                with self.lock:
                    self.db.executescript(SCHEMA)  # every index again, each built in one sorted pass
        with self.lock:
            self.db.executemany("UPDATE files SET stat=? WHERE path=?", settled)
        with self.lock:
            for gone in set(known) - set(files):
                self._drop(gone)
        return shas

    def _drop_read_indexes(self) -> None:
        """Drop the indexes the rows' own upkeep does not read: kept up row by row, they cost a fresh
        clone most of its sync; made again from SCHEMA at the end (or by the next open, if this one dies)."""
        with self.lock:
            for name in _READ_INDEXES:
                self.db.execute(f"DROP INDEX IF EXISTS {name}")

    def _sync_stale(self, stale, workers: int, known: dict, shas: dict, settled: list) -> None:
        work = self._parsed_in_workers(stale, workers) if workers > 1 else ((rel, st, None) for rel, st in stale)
        for rel, st, done in work:
            path = self.books / rel
            for _ in range(20):  # another process's write may move the file while it is read
                raw = path.read_bytes()
                sha = sha256_bytes(raw)
                # the stat is kept only if the file did not move while it was read
                after = settled_stat(path)
                stat = after if after == st else None
                if known.get(rel) == sha:
                    break
                if done is not None and done.sha == sha:  # parsed by a worker from these very bytes
                    if self._ingest_parsed(done, stat) is not None:
                        break
                elif self.ingest(rel, raw.decode("utf-8"), sha, stat) is not None:
                    break
                done, st = None, stat_key(path)
            shas[rel] = sha
            if known.get(rel) == sha and stat:
                settled.append((stat, rel))

    def _same_bytes(self, path: Path, sha: str, st: str) -> bool:
        """Whether the file holds the bytes with this sha256 and did not move while it was read."""
        try:
            same = sha256_bytes(path.read_bytes()) == sha
        except OSError:
            return False
        return same and stat_key(path) == st

    def _parsed_in_workers(self, stale: list[tuple[str, str | None]], workers: int):
        """(file, stat, its rows or None) as `workers` child processes parse them, largest first
        (ledger/books/parse_worker.py); None where a worker could not (the caller parses it itself)."""
        from ledger.books.parse_worker import Workers

        def size(rel: str) -> int:
            try:
                return (self.books / rel).stat().st_size
            except OSError:
                return 0

        with Workers(self.books, workers) as pool:
            for (rel, st), done in pool.parsed(sorted(stale, key=lambda r: -size(r[0])), lambda r: r[0]):
                yield rel, st, done

    def _drop(self, rel: str) -> None:
        for t in TABLES[1:]:
            self.db.execute(f"DELETE FROM {t} WHERE file=?", (rel,))
        self.db.execute("DELETE FROM files WHERE path=?", (rel,))

    def _on_disk(self, rel: str, sha: str) -> bool:
        """Whether the file holds the bytes with this sha256 now. Asked inside the cache's write
        transaction: several processes share the cache, and one that read a file before another's write
        must not put the older rows back after the newer ones (a writer would number from them)."""
        try:
            return sha256_bytes((self.books / rel).read_bytes()) == sha
        except OSError:
            return False

    def ingest(self, rel: str, text: str, sha: str, stat: str | None = None) -> int | None:
        """Parse one file's text and replace its rows; returns its entry count, or None when the file
        no longer holds that text (nothing is recorded; the next sync reads it again). `stat` is the
        file's settled stat when the text was read from it (sync), else None (the next sync hashes it)."""
        return self._ingest_parsed(parse_file(rel, text, sha), stat)

    def _ingest_parsed(self, parsed: ParsedFile, stat: str | None = None) -> int | None:
        rel, sha = parsed.rel, parsed.sha
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if not self._on_disk(rel, sha):
                    self.db.execute("ROLLBACK")
                    return None
                self._drop(rel)
                self._store(parsed.rows)
                self.db.execute("INSERT INTO files VALUES(?,?,?,?,?,?)",
                                (rel, sha, parsed.entries, parsed.errors, stat, parsed.min_date))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return parsed.entries

    def _insert(self, rel: str, entries: list) -> None:
        self._store(file_rows(rel, entries))

    def _store(self, rows: "FileRows") -> None:
        """Insert one file's rows; their transaction ids (from 0) go after the highest here."""
        cur = self.db.cursor()
        (base,) = cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM txns").fetchone()
        base = int(base)  # an int, so safe to write into the statement
        cur.executemany(f"INSERT INTO txns VALUES(?+{base},?,?,?,?,?,?,?,?,?,?,?)", rows.txns)
        cur.executemany(f"INSERT INTO postings VALUES(?+{base},?,?,?,?,?,?,?,?,?,?,?,?)", rows.postings)
        cur.executemany("INSERT INTO customs VALUES(?,?,?,?,?,?,?)", rows.customs)
        cur.executemany("INSERT INTO opens VALUES(?,?,?,?,?,?,?)", rows.opens)
        cur.executemany("INSERT INTO closes VALUES(?,?,?,?)", rows.closes)

    def append(self, rel: str, entries: list, sha: str, base: str) -> bool:
        """Rows for entries appended to a file whose rows here are those of the bytes `base` (a wuye
        write that only appends: ledger/books/appended.py parsed them once, with the line numbers they
        have in the new file). False, with nothing changed, when the rows here are of other bytes
        (another process read the file meanwhile): the caller parses the whole file instead."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                row = self.db.execute("SELECT sha FROM files WHERE path=?", (rel,)).fetchone()
                if row is None and base == _EMPTY_SHA:  # a new file (a bill run's new month): rows from nothing
                    self._insert(rel, entries)
                    self.db.execute("INSERT INTO files VALUES(?,?,?,0,NULL,?)", (rel, sha, len(entries), _min_date(entries)))
                    self.db.execute("COMMIT")
                    return True
                if row is None or row[0] != base:
                    self.db.execute("ROLLBACK")
                    return False
                self._insert(rel, entries)
                # no stat: the file was just written, its mtime is too recent to vouch for its bytes
                self.db.execute("UPDATE files SET sha=?, entries=entries+?, stat=NULL, "
                                "min_date=CASE WHEN min_date IS NULL OR min_date > ? THEN ? ELSE min_date END "
                                "WHERE path=?", (sha, len(entries), _min_date(entries), _min_date(entries), rel))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return True

    # --- the item sums through a month end (the snapshot that arrears of all units start from) -----

    def snapshot_basis(self, through: dt.date) -> str:
        """What the sums of postings dated on or before `through` depend on: every file holding an entry
        dated then or earlier, by its bytes. Entries later than `through` do not change them."""
        import hashlib

        h = hashlib.sha256(SCHEMA_VERSION.encode())
        with self.lock:
            for path, sha in self.db.execute("SELECT path, sha FROM files WHERE min_date <= ? ORDER BY path",
                                             (through.isoformat(),)):
                h.update(f"{path}\0{sha}\n".encode("utf-8"))
        return f"{through.isoformat()}:{h.hexdigest()[:16]}"

    def latest_first_date(self) -> dt.date | None:
        """The first date of the file that starts latest (about the start of the books' last month)."""
        row = self.q("SELECT MAX(min_date) FROM files")
        return _date(row[0][0]) if row and row[0][0] else None

    def snapshot(self, through: dt.date) -> str:
        """The key of the snapshot of item sums through `through`, made now if the books changed under it:
        per (unit, receivable, item, period) and per unit's credit, the sum of postings dated on or before
        `through` when not zero. Only the two newest snapshots are kept."""
        key = self.snapshot_basis(through)
        with self.lock:
            if self.db.execute("SELECT 1 FROM snap WHERE key=? LIMIT 1", (key,)).fetchone():
                return key
            self.db.execute("BEGIN IMMEDIATE")
            try:
                key = self.snapshot_basis(through)  # the sums below are of the rows as they are in this transaction
                if not self.db.execute("SELECT 1 FROM snap WHERE key=? LIMIT 1", (key,)).fetchone():
                    base = self._earlier_snapshot(through)
                    if base is None:
                        self._snapshot_from_postings(key, through)
                    else:
                        self._snapshot_from_earlier(key, through, *base)
                    keep = [k for (k,) in self.db.execute("SELECT DISTINCT key FROM snap WHERE key != ? "
                                                           "ORDER BY key DESC LIMIT 1", (key,))] + [key]
                    marks = ','.join('?' * len(keep))
                    self.db.execute(f"DELETE FROM snap WHERE key NOT IN ({marks})", keep)
                    self.db.execute(f"DELETE FROM csnap WHERE key NOT IN ({marks})", keep)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return key

    def _earlier_snapshot(self, through: dt.date) -> tuple[str, dt.date] | None:
        """(key, month end) of the latest stored snapshot before `through` that is still of the books' bytes
        (its basis unchanged: no file with an entry dated through its month end changed since)."""
        for (key,) in self.db.execute("SELECT DISTINCT key FROM snap ORDER BY key DESC").fetchall():
            day = _date(key.partition(":")[0])
            if day < through and self.snapshot_basis(day) == key:
                return key, day
        return None

    def _snapshot_from_postings(self, key: str, through: dt.date) -> None:
        self.db.execute(
            "INSERT INTO snap SELECT ?, unit, acct, item, period, SUM(cents) FROM postings "
            "WHERE acct IN ('ar', 'dev') AND date <= ? GROUP BY unit, acct, item, period "
            "HAVING SUM(cents) != 0", (key, through.isoformat()))
        self.db.execute(
            "INSERT INTO snap SELECT ?, unit, acct, NULL, NULL, SUM(cents) FROM postings "
            "WHERE acct = 'credit' AND date <= ? GROUP BY unit HAVING SUM(cents) != 0",
            (key, through.isoformat()))
        # an empty snapshot still needs a row to be found
        self.db.execute("INSERT INTO snap VALUES(?, NULL, 'none', NULL, NULL, 0)", (key,))
        self.db.execute(f"INSERT INTO csnap {CLASS_ROWS}", (key, through.isoformat()))

    def _snapshot_from_earlier(self, key: str, through: dt.date, before: str, since: dt.date) -> None:
        """The snapshot through `through` as the stored one through `since` plus the postings dated after
        it: the same rows as summing every posting (sums add up; the zero sums left out add nothing; the
        class rows after `since` are of later months than any stored one), read in a month, not a decade."""
        args = (key, before, since.isoformat(), through.isoformat())
        self.db.execute(
            "INSERT INTO snap SELECT ?1, unit, acct, item, period, SUM(c) FROM ("
            "SELECT unit, acct, item, period, cents AS c FROM snap WHERE key=?2 AND acct IN ('ar', 'dev') "
            "UNION ALL SELECT unit, acct, item, period, cents FROM postings "
            "WHERE acct IN ('ar', 'dev') AND date > ?3 AND date <= ?4) "
            "GROUP BY unit, acct, item, period HAVING SUM(c) != 0", args)
        self.db.execute(
            "INSERT INTO snap SELECT ?1, unit, acct, NULL, NULL, SUM(c) FROM ("
            "SELECT unit, acct, cents AS c FROM snap WHERE key=?2 AND acct = 'credit' "
            "UNION ALL SELECT unit, acct, cents FROM postings WHERE acct = 'credit' AND date > ?3 AND date <= ?4) "
            "GROUP BY unit HAVING SUM(c) != 0", args)
        self.db.execute("INSERT INTO snap VALUES(?, NULL, 'none', NULL, NULL, 0)", (key,))
        self.db.execute(
            "INSERT INTO csnap SELECT ?1, acct, item, period, dm, cls, SUM(c) FROM ("
            "SELECT acct, item, period, dm, cls, cents AS c FROM csnap WHERE key=?2 UNION ALL "
            "SELECT acct, item, period, substr(date, 1, 7), "
            "CASE WHEN cls = 'charge' AND cents <= 0 THEN 'other' ELSE cls END, cents FROM postings "
            "WHERE acct IN ('ar', 'dev') AND date > ?3 AND date <= ?4 AND item IS NOT NULL AND period IS NOT NULL) "
            "GROUP BY 2, 3, 4, 5, 6", args)

    def with_snapshot(self, through: dt.date, sql: str, args: tuple = ()) -> list[tuple]:
        """Run `sql` (its first parameter is the snapshot key) in one read transaction that also finds the
        snapshot there: another process may replace an old snapshot meanwhile, never under this read."""
        for _ in range(3):
            key = self.snapshot(through)
            with self.lock:
                self.db.execute("BEGIN")
                try:
                    # the snapshot is of the rows this read sees (no file was ingested since it was made)
                    if self.snapshot_basis(through) == key and self.db.execute(
                            "SELECT 1 FROM snap WHERE key=? LIMIT 1", (key,)).fetchone():
                        return self.db.execute(sql, (key,) + tuple(args)).fetchall()
                finally:
                    self.db.execute("COMMIT")
        raise sqlite3.OperationalError("the item snapshot kept changing under the read")

    def snapshot_differences(self) -> list[tuple[str, int, int]]:
        """(key, rows in the snapshot not in a fresh sum, rows of a fresh sum not in the snapshot) for each
        stored snapshot whose basis is the books' current one and whose rows are not the sums again."""
        out = []
        for key in self.snapshot_keys():
            through = key.split(":")[0]
            if self.snapshot_basis(_date(through)) != key:
                continue  # a snapshot of other bytes: never read, replaced when asked for
            fresh = ("SELECT unit, acct, item, period, SUM(cents) FROM postings WHERE acct IN ('ar','dev') AND date <= ?1 "
                     "GROUP BY unit, acct, item, period HAVING SUM(cents) != 0 UNION ALL SELECT unit, acct, NULL, NULL, "
                     "SUM(cents) FROM postings WHERE acct='credit' AND date <= ?1 GROUP BY unit HAVING SUM(cents) != 0")
            stored = "SELECT unit, acct, item, period, cents FROM snap WHERE key=?2 AND acct != 'none'"
            fresh = f"SELECT * FROM ({fresh})"  # a compound inside a compound: EXCEPT binds to its first part
            extra = self.q(f"SELECT COUNT(*) FROM ({stored} EXCEPT {fresh})", (through, key))[0][0]
            missing = self.q(f"SELECT COUNT(*) FROM ({fresh} EXCEPT {stored})", (through, key))[0][0]
            cls_stored = "SELECT * FROM csnap WHERE key=?1"
            cls_fresh = f"SELECT * FROM ({CLASS_ROWS})"
            extra += self.q(f"SELECT COUNT(*) FROM ({cls_stored} EXCEPT {cls_fresh})", (key, through))[0][0]
            missing += self.q(f"SELECT COUNT(*) FROM ({cls_fresh} EXCEPT {cls_stored})", (key, through))[0][0]
            if extra or missing:
                out.append((key, extra, missing))
        return out

    # --- values kept in memory while the cache is unchanged ------------------------------------------

    def _state(self) -> tuple[int, int]:
        # data_version moves when another connection commits, total_changes when this one writes
        with self.lock:
            return self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes

    def memo(self, key, compute):
        """compute(), or the value it gave for this key while nothing in the cache has changed since (the
        TUI's units list and dashboard read the same per-unit sums at once). A value whose computation saw
        the cache change (its own snapshot, another writer) is not kept."""
        before = self._state()
        hit = self._memo.get(key)
        if hit is not None and hit[0] == before:
            return hit[1]
        value = compute()
        if self._state() == before:
            self._memo[key] = (before, value)
        return value

    # --- values derived from one file's bytes (the checked unit register) ---------------------------

    def derived(self, name: str, sha: str):
        """The value kept under `name` if it was made from bytes with this sha256, else None."""
        row = self.q("SELECT value FROM derived WHERE name=? AND sha=?", (name, sha))
        return json.loads(row[0][0]) if row else None

    def keep_derived(self, name: str, sha: str, value) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO derived VALUES(?,?,?)", (name, sha, json.dumps(value, ensure_ascii=False)))

    def snapshot_keys(self) -> list[str]:
        return [k for (k,) in self.q("SELECT DISTINCT key FROM snap ORDER BY key")]

    def account_directives(self, accounts: set[str]) -> list:
        """The Open and Close directives of these accounts, wherever they are in the books."""
        out: list = []
        names = sorted(accounts)
        with self.lock:
            for i in range(0, len(names), 500):
                part = names[i:i + 500]
                marks = ",".join("?" * len(part))
                for f, ln, d, a, cur, booking in self.db.execute(
                        f"SELECT file, lineno, date, account, currencies, booking FROM opens WHERE account IN ({marks})",
                        part):
                    meta = data.new_metadata(str(self.books / f), ln)
                    out.append(data.Open(meta, _date(d), a, cur.split(",") if cur else None,
                                         data.Booking[booking] if booking else None))
                for f, ln, d, a in self.db.execute(
                        f"SELECT file, lineno, date, account FROM closes WHERE account IN ({marks})", part):
                    out.append(data.Close(data.new_metadata(str(self.books / f), ln), _date(d), a))
        return out

    def insert_parsed(self, by_file: dict[str, list]) -> None:
        """Rows for entries already parsed elsewhere (the full load of `wuye check`), per file."""
        with self.lock:
            self.db.execute("BEGIN")
            for rel, entries in by_file.items():
                self._insert(rel, entries)
            self.db.execute("COMMIT")

    def differences(self, other: Path, files: list[str] | None = None) -> list[tuple[str, int, int, int, int]]:
        """(table, rows here, rows there, extra here, missing here) for each table that differs from
        the cache at `other` (a rebuild from scratch; of `files` only, when given)."""
        out = []
        where, args = "", ()
        if files is not None:
            where, args = f" WHERE file IN ({','.join('?' * len(files))})", tuple(files)
        with self.lock:
            db = self.db
            db.execute("ATTACH DATABASE ? AS fresh", (str(other),))
            try:
                for table, cols in (("postings", "file,date,op,unit,account,item,period,cents,kind,cls"),
                                    ("txns", "file,lineno,date,op,unit,receipt,channel,ref"),
                                    ("customs", "file,lineno,date,type,vals"),
                                    ("opens", "file,lineno,date,account,currencies"),
                                    ("closes", "file,lineno,date,account")):
                    n1 = db.execute(f"SELECT COUNT(*) FROM main.{table}{where}", args).fetchone()[0]
                    n2 = db.execute(f"SELECT COUNT(*) FROM fresh.{table}{where}", args).fetchone()[0]
                    extra = db.execute(f"SELECT COUNT(*) FROM (SELECT {cols} FROM main.{table}{where} "
                                       f"EXCEPT SELECT {cols} FROM fresh.{table}{where})", args + args).fetchone()[0]
                    missing = db.execute(f"SELECT COUNT(*) FROM (SELECT {cols} FROM fresh.{table}{where} "
                                         f"EXCEPT SELECT {cols} FROM main.{table}{where})", args + args).fetchone()[0]
                    if n1 != n2 or extra or missing:
                        out.append((table, n1, n2, extra, missing))
                # each posting with its own transaction (the rows above could all be there, paired wrongly)
                pw = where.replace("file", "p.file")
                pair = ("SELECT p.file, t.lineno, p.account, p.item, p.period, p.cents, p.cls FROM {db}.postings p "
                        "JOIN {db}.txns t ON t.id = p.txn" + pw)
                n1 = db.execute(f"SELECT COUNT(*) FROM ({pair.format(db='main')})", args).fetchone()[0]
                n2 = db.execute(f"SELECT COUNT(*) FROM ({pair.format(db='fresh')})", args).fetchone()[0]
                extra = db.execute(f"SELECT COUNT(*) FROM ({pair.format(db='main')} EXCEPT "
                                   f"{pair.format(db='fresh')})", args + args).fetchone()[0]
                missing = db.execute(f"SELECT COUNT(*) FROM ({pair.format(db='fresh')} EXCEPT "
                                     f"{pair.format(db='main')})", args + args).fetchone()[0]
                if n1 != n2 or extra or missing:
                    out.append(("postings of transactions", n1, n2, extra, missing))
            finally:
                db.execute("DETACH DATABASE fresh")
        return out

    # --- queries ------------------------------------------------------------------------
    def q(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    def file_digests(self) -> dict[str, tuple[str, str]]:
        """{file: (its sha256, rows_digest of its rows here)}, read in one transaction."""
        out = {}
        with self.lock:
            self.db.execute("BEGIN")
            try:
                for (rel, sha) in self.db.execute("SELECT path, sha FROM files").fetchall():
                    rows = FileRows(*(self.db.execute(f"SELECT * FROM {t} WHERE file=?", (rel,)).fetchall()
                                      for t in ("txns", "postings", "customs", "opens", "closes")))
                    out[rel] = (sha, rows_digest(rows))
            finally:
                self.db.execute("COMMIT")
        return out

    def entry_count(self, rel: str) -> int:
        row = self.q("SELECT entries FROM files WHERE path=?", (rel,))
        return row[0][0] if row else 0

    def file_errors(self) -> list[str]:
        out = []
        for path, errs in self.q("SELECT path, errors FROM files"):
            out += [f"{path}:{e}" for e in json.loads(errs or "[]")]
        return out
