"""What git says about the books: the operations log and the history of fee standards."""
from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

from ledger.books import layout, git as vcs
from ledger.books.op_titles import classify


@dataclass(frozen=True)
class StandardChange:
    item: str
    name: str
    unit_type: str
    old: str | None
    new: str | None
    effective: str
    commit: str
    author: str
    date: str

    def __str__(self) -> str:
        return f"{self.item} {self.unit_type}: {self.old or '—'} -> {self.new or '—'} from {self.effective}"


@dataclass(frozen=True)
class Operation:
    sha: str
    author: str
    date: str
    subject: str
    body: str
    files: tuple[str, ...]
    standard_changes: tuple[StandardChange, ...] = field(default=())
    value_dates: tuple[str, ...] = field(default=())  # the dates of the entries it recorded, sorted

    @property
    def kind(self) -> str:
        """What the operation was ("pay", "bill", ...; "" when its subject has no known shape): op_titles.py."""
        return classify(self.subject)[0]

    @property
    def params(self) -> dict[str, str]:
        """The data its title is worded from (unit, amount, receipt, ...), as written in the subject."""
        return classify(self.subject)[1]

    @property
    def value_span(self) -> str:
        """The value dates in a few characters: '2025-06-15', '2026-11-01..2026-11-30', or ''."""
        if not self.value_dates:
            return ""
        first, last = self.value_dates[0], self.value_dates[-1]
        return first if first == last else f"{first}..{last}"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["standard_changes"] = [asdict(c) for c in self.standard_changes]
        d["value_dates"] = list(self.value_dates)
        return d


def _rates(text: str | None) -> dict[tuple[str, str, str], tuple[str, str]]:
    """{(item, unit type, effective date): (price, item name)} from a config text."""
    if not text:
        return {}
    try:
        raw = YAML(typ="safe", pure=True).load(text) or {}
    except Exception:  # an unparsable historical config shows as no rates, not a crash
        return {}
    out = {}
    for code, spec in (raw.get("fees") or {}).items():
        for r in spec.get("rates") or []:
            start = str(r.get("from"))
            for t, price in r.items():
                if t != "from":
                    out[(str(code), str(t), start)] = (str(price), str(spec.get("name", code)))
    return out


def standard_changes(root: Path, commit: vcs.Commit) -> list[StandardChange]:
    new = _rates(vcs.show(root, commit.sha, layout.CONFIG))
    parent = vcs.git(root, "rev-parse", "-q", "--verify", f"{commit.sha}^", check=False).strip()
    old = _rates(vcs.show(root, parent, layout.CONFIG)) if parent else {}
    out = []
    for key in sorted(set(old) | set(new)):
        o, n = old.get(key), new.get(key)
        if o == n:
            continue
        item, utype, start = key
        prev = o[0] if o else _price_before(new if n else old, item, utype, start)
        if n and not o and prev == n[0]:
            continue  # a new dated line that repeats the price in force is no change for this unit type
        out.append(StandardChange(item, (n or o)[1], utype, prev if n else o[0], n[0] if n else None, start,
                                  commit.sha, commit.author, commit.date))
    return out


def _price_before(rates: dict, item: str, utype: str, start: str) -> str | None:
    earlier = sorted(k for k in rates if k[0] == item and k[1] == utype and k[2] < start)
    return rates[earlier[-1]][0] if earlier else None


def operations(root: Path, limit: int = 50, cache=None) -> list[Operation]:
    """The last `limit` commits as operations; with the books' fact cache, each commit's value dates are
    read from its diff once and kept there by commit id (a commit never changes; bulk commits' diffs
    are megabytes)."""
    out = []
    commits = vcs.log(root, limit)
    dates = _value_dates(root, [c.sha for c in commits], limit, cache)
    for c in commits:
        changes = tuple(standard_changes(root, c)) if layout.CONFIG in c.files else ()
        out.append(Operation(c.sha, c.author, c.date, c.subject, c.body, c.files, changes, dates.get(c.sha, ())))
    return out


def _value_dates(root: Path, shas: list[str], limit: int, cache) -> dict[str, tuple[str, ...]]:
    if cache is None:
        return vcs.added_dates(root, limit, paths=(layout.TXNS,))
    known = {sha: cache.derived(f"value-dates {sha}", sha) for sha in shas}  # one row a commit
    missing = [sha for sha, v in known.items() if v is None]
    dates = {sha: tuple(v) for sha, v in known.items() if v is not None}
    if missing:
        found = (vcs.added_dates(root, limit, paths=(layout.TXNS,)) if len(missing) == len(shas)
                 else vcs.added_dates(root, paths=(layout.TXNS,), commits=missing))
        for sha in missing:
            dates[sha] = found.get(sha, ())
            try:
                cache.keep_derived(f"value-dates {sha}", sha, list(dates[sha]))
            except sqlite3.Error:  # the cache is derived: a read-only or full one costs a git diff next time
                pass
    return dates


def standards_history(root: Path) -> list[StandardChange]:
    out = []
    for c in reversed(vcs.log(root, 10_000, paths=(layout.CONFIG,))):
        out += standard_changes(root, c)
    return out
