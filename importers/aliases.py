"""The payer alias table: who pays for which unit, kept in the books without personal data.

Each alias is a `custom "wuye-alias"` directive in the ledger:

    2024-03-05 custom "wuye-alias" "nickname" "3f1c…(20 hex)" "3-1502" "清*"

values: kind (openid | nickname | account | name), key, unit, masked display. WeChat merchant openids
are app-scoped pseudonyms and are stored as they are. Nicknames, legal names and (masked) account
numbers are stored only as HMAC-SHA256(salt, normalised text), first 20 hex digits, where the salt is a
per-books secret in `.wuye/alias.salt` (git-ignored, mode 0600, created on first use).

Trade-off: whoever reads the ledger (auditors, a clone on another machine) learns nothing about the
payers, but a fresh clone without the salt file cannot match the old aliases either: it creates a new
salt and re-learns aliases from new confirmed assignments and confident matches. Copy
`.wuye/alias.salt` along with the books to keep them working.

A key that maps to one unit is an alias hit (the row is booked to that unit). A key seen for several
units (one person paying for two flats, a shared nickname) is only a suggestion.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ledger.books import entries as beans, facts, layout
from ledger.community.units import mask_name

ALIAS_TYPE = "wuye-alias"
FORGET_TYPE = "wuye-alias-forget"   # [kind, key, unit]: the alias no longer holds from that day on
KINDS = ("openid", "nickname", "account", "name")
SALT_FILE = "alias.salt"
HASH_LEN = 20


def salt_path(root) -> Path:
    return Path(root) / layout.STATE / SALT_FILE


def load_salt(root, create: bool = True) -> bytes | None:
    """The per-books secret; created (0600, never world-readable even briefly) on first use."""
    path = salt_path(root)
    if path.exists():
        return path.read_text(encoding="ascii").strip().encode()
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)  # first writer wins if two processes race
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip().encode()


def normalise_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def hashed(salt: bytes, kind: str, text: str) -> str:
    """HMAC-SHA256 in base32 (a-z, 2-7): no run of decimal digits, so a key can never look like a
    phone or ID number to the PII scans of the ledger and its exports."""
    msg = f"{kind}\x1f{normalise_key(text)}".encode()
    digest = hmac.new(salt, msg, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:HASH_LEN]


def make_key(salt: bytes, kind: str, text: str) -> str:
    return text.strip() if kind == "openid" else hashed(salt, kind, text)


def display(kind: str, text: str) -> str:
    if kind == "openid":
        t = text.strip()
        return t[:6] + "…" + t[-4:] if len(t) > 12 else t
    if kind == "account":
        return text if "*" in text else ("*" + text[-4:] if len(text) >= 4 else "*")
    return mask_name(text) or "?"


@dataclass(frozen=True)
class AliasKey:
    kind: str
    key: str
    display: str

    def as_text(self) -> str:
        return f"{self.kind}:{self.key}:{self.display.replace(',', ' ')}"


def row_keys(row, salt: bytes) -> list[AliasKey]:
    """The payer identities a statement row carries, as alias keys (hashed where personal)."""
    out: list[AliasKey] = []
    if row.openid:
        out.append(AliasKey("openid", make_key(salt, "openid", row.openid), display("openid", row.openid)))
    party = (row.counterparty or "").strip()
    if party and party != (row.openid or "") and "*" not in party:
        kind = "name" if row.source.startswith("bank_") else "nickname"
        out.append(AliasKey(kind, make_key(salt, kind, party), display(kind, party)))
    if row.account_hint:
        text = f"{row.source}:{row.account_hint}"
        out.append(AliasKey("account", make_key(salt, "account", text), display("account", row.account_hint)))
    return out


def parse_keys(text: str) -> list[AliasKey]:
    """'nickname:ab12…:清*,openid:oXyz:oXyz' (queue item meta) -> keys."""
    out = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        kind, _, rest = part.partition(":")
        if kind == "openid":  # an openid may itself hold ':'; its display is derived again
            key = rest.rsplit(":", 1)[0] if rest.count(":") else rest
            disp = display("openid", key)
        else:
            key, _, disp = rest.partition(":")
        if kind in KINDS and key:
            out.append(AliasKey(kind, key, disp or "?"))
    return out


@dataclass
class AliasTable:
    units: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, books) -> "AliasTable":
        t = cls()
        for a in live_aliases(books):
            t.units.setdefault((a.kind, a.key), set()).add(a.unit)
        return t

    def has(self, k: AliasKey, unit: str) -> bool:
        return unit in self.units.get((k.kind, k.key), ())

    def add(self, k: AliasKey, unit: str) -> None:
        self.units.setdefault((k.kind, k.key), set()).add(unit)

    def lookup(self, keys: list[AliasKey]) -> tuple[str | None, list[str], list[str]]:
        """-> (unit when every known key agrees on one unit, candidate units, why lines)."""
        found: list[str] = []
        why: list[str] = []
        single = set()
        for k in keys:
            units = self.units.get((k.kind, k.key))
            if not units:
                continue
            for u in sorted(units):
                if u not in found:
                    found.append(u)
            why.append(f"{k.kind} {k.display} -> {', '.join(sorted(units))}")
            if len(units) == 1:
                single |= units
        if len(single) == 1 and len(found) == 1:
            return found[0], found, why
        return None, found, why


def alias_entry(date, k: AliasKey, unit: str, source: str):
    return beans.custom(date, ALIAS_TYPE, [k.kind, k.key, unit, k.display], {"learned": source})


def forget_entry(date, kind: str, key: str, unit: str, reason: str):
    return beans.custom(date, FORGET_TYPE, [kind, key, unit], {"reason": reason})


@dataclass(frozen=True)
class LearnedAlias:
    kind: str
    key: str
    unit: str
    display: str
    date: str
    source: str      # what taught it: "assign Q2024-0007", "import ..." (the directive's `learned` meta)

    @property
    def label(self) -> str:
        return f"{self.kind} {self.display} -> {self.unit}"


def live_aliases(books) -> list[LearnedAlias]:
    """The aliases in force: every wuye-alias directive not forgotten by a later wuye-alias-forget
    (ledger order; an alias learned again after it was forgotten holds again)."""
    events = [(c.date, c.file, c.lineno, "learn", c) for c in facts.customs(books.cache, ALIAS_TYPE)]
    events += [(c.date, c.file, c.lineno, "forget", c) for c in facts.customs(books.cache, FORGET_TYPE)]
    live: dict[tuple[str, str, str], LearnedAlias] = {}
    for date, _f, _ln, what, c in sorted(events, key=lambda e: e[:3]):
        v = c.vals
        if len(v) < 3:
            continue
        k = (str(v[0]), str(v[1]), str(v[2]))
        if what == "forget":
            live.pop(k, None)
        elif k not in live:
            live[k] = LearnedAlias(k[0], k[1], k[2], str(v[3]) if len(v) > 3 else "?", date.isoformat(),
                                   str(c.meta.get("learned", "")))
    return list(live.values())
