"""A books folder opened for reading and writing: config, units, the fact cache, git state."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ledger.books import layout, git as vcs
from ledger.books.cache import FactCache
from ledger.community.config import Config, load_config, units_path
from ledger.basics.errors import InputError, WuyeError
from ledger.community.units import Owner, Unit, load_owners, load_units
from ledger.books.writer import Change, WriteResult, write


class Books:
    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not (self.root / layout.MAIN).exists():
            raise WuyeError(f"{self.root}: not a books folder (no {layout.MAIN}); create one with `wuye init`")
        if not (self.root / ".git").exists():
            raise WuyeError(f"{self.root}: not a git repository")
        self.cache = FactCache(self.root)
        self.reload()

    def reload(self) -> None:
        self.config: Config = load_config(self.root / layout.CONFIG)
        self.units: dict[str, Unit] = load_units(units_path(self.root, self.config))
        self.head = vcs.head(self.root)
        self.shas = self.cache.sync(layout.ledger_files(self.root))
        for rel in (layout.CONFIG, self.config.units_file, layout.MAIN):
            from ledger.books.files import sha256_file

            self.shas[rel] = sha256_file(self.root / rel)

    def close(self) -> None:
        self.cache.close()

    # --- reading helpers ------------------------------------------------------------------
    def unit(self, uid: str) -> Unit:
        from ledger.basics.parse import normalise_unit_id

        key = normalise_unit_id(uid)
        if key not in self.units:
            raise InputError(f"unknown unit '{uid}' (not in {self.config.units_file})")
        return self.units[key]

    def owners(self) -> dict[str, Owner]:
        return load_owners(self.root)

    def text(self, rel: str) -> str:
        path = self.root / rel
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def collector(self, by: str | None = None, what: str = "--by") -> str:
        """Who records: `by`, else $WUYE_USER, else the program; always an operator id from config.yaml."""
        from ledger.community.privacy import operator

        return operator(self.config, by, what)

    @property
    def author(self) -> str | None:
        """The commit author from $WUYE_AUTHOR ('OPERATOR <email>'), checked when a commit is made."""
        from ledger.community.privacy import commit_author

        return commit_author(self.config, os.environ.get("WUYE_AUTHOR"))

    def today(self) -> dt.date:
        fixed = os.environ.get("WUYE_TODAY")  # lets demos and tests pin "today"
        return dt.date.fromisoformat(fixed) if fixed else dt.date.today()

    # --- writing --------------------------------------------------------------------------
    def append_changes(self, by_file: dict[str, str]) -> list[Change]:
        """Changes that append rendered text to each file (creating month files as needed)."""
        out = []
        for rel, added in sorted(by_file.items()):
            old = self.text(rel)
            sep = "" if not old or old.endswith("\n\n") else ("\n" if old.endswith("\n") else "\n\n")
            out.append(Change(rel, old + sep + added, added))
        return out

    def write(self, changes: list[Change], message: str) -> WriteResult:
        _ = self.author  # a wrong $WUYE_AUTHOR is refused before any file is touched
        return write(self, changes, message)

    def after_write(self, changes: list[Change], sha: str) -> None:
        self.head = sha
        from ledger.books.files import sha256_bytes

        for ch in changes:
            data = ch.text.encode("utf-8")
            self.shas[ch.path] = sha256_bytes(data)
            if ch.path.endswith(".beancount"):
                self.cache.ingest(ch.path, ch.text, self.shas[ch.path])
        if any(ch.path in (layout.CONFIG, self.config.units_file) for ch in changes):
            self.config = load_config(self.root / layout.CONFIG)
            self.units = load_units(units_path(self.root, self.config))
