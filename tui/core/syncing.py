"""Sync with the other offices (ledger/books/sync.py) for the header, Ctrl+Y, and the configured
automatic syncs (config.yaml `sync: {on_start: true, after_write: true}`)."""
from __future__ import annotations

from dataclasses import dataclass

from ledger.books import git as vcs, sync as syncing
from ledger.books.folder import Books

__all__ = ["SyncState", "sync_state", "run_sync", "sync_wanted"]


@dataclass
class SyncState:
    ahead: int
    behind: int
    last_sync: str | None
    conflicts: int
    pull_only: bool


def sync_state(books: Books) -> SyncState | None:
    """None when the books have no remote (nothing to show: single-clone books look as they always did)."""
    if not vcs.remote_url(books.root, syncing.REMOTE):
        return None
    st = syncing.status(books)
    return SyncState(st["ahead"], st["behind"], st["last_sync"], len(st["conflicts"]), st["pull_only"])


def run_sync(books: Books) -> str:
    result = syncing.sync(books)
    books.reload()
    return result.summary


def sync_wanted(books: Books, when: str) -> bool:
    """when: on_start | after_write; only for books with a remote."""
    return bool(books.config.sync.get(when)) and vcs.remote_url(books.root, syncing.REMOTE) is not None
