"""A books folder opened for reading and writing: config, units, the fact cache, git state."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from ledger.books import layout, git as vcs, recovery
from ledger.books.cache import FactCache
from ledger.books.files import sha256_bytes, sha256_file
from ledger.books.plan import Operation, Plan
from ledger.books.writer import NOT_SHOWN, WriteResult, books_lock, commit, lock_state
from ledger.community.config import Config, load_config, units_path
from ledger.basics.errors import BooksStateError, InputError, WuyeError
from ledger.community.units import Owner, Unit, load_owners, load_units


BOOKS_TZ = dt.timezone(dt.timedelta(hours=8), "CST")  # the office's clock: 物业 books are kept in China time


def books_now() -> dt.datetime:
    fixed = os.environ.get("WUYE_NOW")
    if fixed:
        try:
            value = dt.datetime.fromisoformat(fixed.strip())
        except ValueError:
            raise InputError("bad_date", what="WUYE_NOW", text=fixed) from None
        return value if value.tzinfo else value.replace(tzinfo=BOOKS_TZ)
    day = os.environ.get("WUYE_TODAY")
    if day:
        return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9, 0), BOOKS_TZ)
    return dt.datetime.now(BOOKS_TZ).replace(microsecond=0)


class Books:
    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not (self.root / layout.MAIN).exists():
            raise WuyeError(f"{self.root}: not a books folder (no {layout.MAIN}); create one with `wuye init`")
        if not (self.root / ".git").exists():
            raise WuyeError(f"{self.root}: not a git repository")
        self.cache_stale = False
        # who is working in this session (the TUI's operator picker, the CLI's --by): the default `by`,
        # receipt 收款人 and commit author; None until someone is named
        self.operator: str | None = None
        self.recover()
        self.cache = self._open_cache()
        self.reload()

    # --- opening ------------------------------------------------------------------------------
    def recover(self) -> None:
        """Finish or undo a write a dead process left (any command does this first, reads too)."""
        if not recovery.pending(self.root):
            return
        try:
            with books_lock(self.root) as locked:
                said = recovery.recover(self.root) if locked else None
        except (OSError, BooksStateError):
            print(f"wuye: {self.root} has an unfinished write, and the books are read-only so it cannot be "
                  "recovered here; what is read may include its uncommitted text", file=sys.stderr)
            return
        if said:
            print(f"wuye: {said}", file=sys.stderr)

    def _open_cache(self) -> FactCache:
        state = self.root / layout.STATE
        db = state / "cache.sqlite"
        writable = (os.access(state, os.W_OK) and (not db.exists() or os.access(db, os.W_OK))
                    if state.exists() else os.access(self.root, os.W_OK))
        if writable:
            try:
                return FactCache(self.root)
            except (OSError, sqlite3.Error):
                pass
        return self._memory_cache(f"{state} is not writable")

    def _memory_cache(self, why: str) -> FactCache:
        print(f"wuye: {why}; the fact cache is kept in memory for this command", file=sys.stderr)
        return FactCache(self.root, db_path=Path(":memory:"))

    def reload(self) -> None:
        """Read config, units, HEAD and every ledger file into the cache, as one consistent state:
        a write that overlaps the read (seen in lock.info) makes it read again, under a shared lock."""
        for _ in range(3):
            before = lock_state(self.root)
            if before[0]:
                break
            self._read_all()
            if lock_state(self.root) == before:
                return
        with books_lock(self.root, shared=True):
            self._read_all()

    def _read_all(self) -> None:
        self.config: Config = load_config(self.root / layout.CONFIG)
        self.units: dict[str, Unit] = self._load_units()
        self.head = vcs.head(self.root)
        self._sync_cache(layout.ledger_files(self.root))
        self.cache_stale = False
        for rel in (layout.CONFIG, self.config.units_file, layout.MAIN):
            self.shas[rel] = sha256_file(self.root / rel)

    def _load_units(self) -> dict[str, Unit]:
        """The unit register, checked once per version of its file: the checked rows are kept in the cache
        by the file's sha256 (5,000 rows take a quarter of a second to check, a hundredth to read back)."""
        path = units_path(self.root, self.config)
        try:
            sha = sha256_file(path)
            rows = self.cache.derived("units", sha) if sha else None
        except sqlite3.Error:
            sha = rows = None
        if rows is not None:
            return {r["unit"]: Unit.from_row(r) for r in rows}
        units = load_units(path)
        if sha and sha256_file(path) == sha:  # what was checked is still the file's content
            try:
                self.cache.keep_derived("units", sha, [u.row() for u in units.values()])
            except sqlite3.Error:
                pass
        return units

    def refresh(self) -> None:
        """Re-read what moved since the last read (the writer calls this under the lock). The cache is
        brought in line with the files every time, by their stat and bytes: it is shared with other
        processes, and what one of them read during a write that was then rolled back stays in it."""
        head = vcs.head(self.root)
        changed = vcs.changed_between(self.root, self.head, head) if head != self.head else []
        ledger = layout.ledger_files(self.root)
        if self.cache_stale or changed is None:
            self._read_all()  # nothing to compare with: read everything
            return
        if {layout.CONFIG, self.config.units_file} & set(changed):
            self.config = load_config(self.root / layout.CONFIG)
            self.units = self._load_units()
        self._sync_cache(ledger)
        for rel in (layout.CONFIG, self.config.units_file, layout.MAIN):
            self.shas[rel] = sha256_file(self.root / rel)
        self.head = head

    def _sync_cache(self, ledger: list[str]) -> None:
        try:
            self.shas = self.cache.sync(ledger)
        except sqlite3.Error as exc:  # a cache that cannot be written (disk full, read-only) is not fatal
            self.cache = self._memory_cache(f"the fact cache cannot be updated ({exc})")
            self.shas = self.cache.sync(ledger)

    def close(self) -> None:
        self.cache.close()

    # --- reading helpers ------------------------------------------------------------------
    def unit(self, uid: str) -> Unit:
        """The unit a typed text names: its id, or a spelling of it (4-103, 4栋103, S01; see
        ledger/basics/unitref.py); otherwise refused with the units it may have meant."""
        from ledger.basics.parse import normalise_unit_id, resolve_unit_id

        key = normalise_unit_id(uid)
        if key in self.units:
            return self.units[key]
        return self.units[resolve_unit_id(uid, self.unit_names(), file=self.config.units_file)]

    def unit_names(self):
        """The register's ids by their parts, built again when the register changed."""
        from ledger.basics.unitref import UnitNames

        cached = getattr(self, "_unit_names", None)
        if cached is None or cached[0] is not self.units:
            cached = (self.units, UnitNames(self.units))
            self._unit_names = cached
        return cached[1]

    def owners(self) -> dict[str, Owner]:
        return load_owners(self.root)

    def text(self, rel: str) -> str:
        path = self.root / rel
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def collector(self, by: str | None = None, what: str = "--by") -> str:
        """Who records: `by`, else the session's operator, else $WUYE_USER, else the program; always an
        operator id from config.yaml."""
        from ledger.community.privacy import operator

        if (by is None or not str(by).strip()) and self.operator:
            by, what = self.operator, "operator"
        return operator(self.config, by, what)

    def person(self, by: str | None = None, what: str = "--by") -> str:
        """The person working (`by`, the session's operator or $WUYE_USER), never the program: a receipt
        names who took the money, so it is refused without one. Books whose config lists no operator at
        all have no one to name: there the program signs, as before."""
        from ledger.community.privacy import SYSTEM_OPERATOR

        given = (by and str(by).strip()) or self.operator
        if not given:
            given, what = (os.environ.get("WUYE_USER") or "").strip(), "WUYE_USER"
        if not given and not self.operator_ids():
            return self.collector(None, what)
        if not given:
            raise InputError("no_operator", known=", ".join(self.operator_ids()))
        who = self.collector(given, what)
        if who == SYSTEM_OPERATOR:
            raise InputError("no_operator", known=", ".join(self.operator_ids()))
        return who

    def operator_ids(self) -> list[str]:
        """The people who may work at the desk, in config order: staff, then the collectors."""
        out = list(self.config.staff) + [c.name for c in self.config.collectors]
        return list(dict.fromkeys(out))

    @property
    def author(self) -> str | None:
        """The commit author: $WUYE_AUTHOR ('OPERATOR <email>'), else the session's operator (with the
        program's own address, as `wuye init` gives a machine without a git identity: no personal email
        enters the permanent history); checked when a commit is made."""
        from ledger.community.privacy import commit_author, operator

        given = commit_author(self.config, os.environ.get("WUYE_AUTHOR"))
        if given is None and self.operator:
            return f"{operator(self.config, self.operator, 'operator')} <wuye@localhost>"
        return given

    def today(self) -> dt.date:
        fixed = os.environ.get("WUYE_TODAY")  # lets demos and tests pin "today"
        return dt.date.fromisoformat(fixed) if fixed else self.now().date()

    def now(self) -> dt.datetime:
        """The books' clock (China time), stamped on every entry as `recorded`.

        WUYE_NOW pins it (ISO, e.g. 2026-12-01T10:22:03+08:00); WUYE_TODAY alone pins it to 09:00 of
        that day, so tests, goldens and the demo stay the same bytes."""
        return books_now()

    # --- writing --------------------------------------------------------------------------
    def commit(self, operation: Operation, expect: Any = NOT_SHOWN) -> WriteResult | None:
        """Plan `operation` under the lock on the current books and commit it (see ledger.books.writer)."""
        return commit(self, operation, expect)

    def after_write(self, plan: Plan, new_bytes: dict[str, bytes], sha: str, chunks: dict | None = None) -> None:
        """Bring this object in line with the commit just made. The cache is derived: a failure here
        (disk full, unwritable cache) leaves the write committed and the cache marked stale. Entries
        only appended (`chunks`, parsed by the writer) are added as rows; other files are parsed again."""
        from ledger.books.writer import fault

        self.head = sha
        try:
            fault("cache")
            for rel, data in new_bytes.items():
                self.shas[rel] = sha256_bytes(data)
                if not rel.endswith(".beancount"):
                    continue
                if not (chunks and rel in chunks
                        and self.cache.append(rel, chunks[rel].entries, self.shas[rel], chunks[rel].base)):
                    self.cache.ingest(rel, data.decode("utf-8"), self.shas[rel])
            if any(rel in (layout.CONFIG, self.config.units_file) for rel in new_bytes):
                self.config = load_config(self.root / layout.CONFIG)
                self.units = self._load_units()
        except (OSError, sqlite3.Error, WuyeError) as exc:
            self.cache_stale = True
            print(f"wuye: committed {sha[:10]}; the fact cache could not be updated ({exc}); "
                  "it is rebuilt on the next read", file=sys.stderr)
