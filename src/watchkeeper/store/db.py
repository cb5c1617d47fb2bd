"""The SQLite connection every store opens on the one store file, and its write transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from watchkeeper.store.migrations import Migration, reading_store, upgrade
from watchkeeper.store.transaction import transaction

__all__ = ["connect", "prepare", "transaction"]


def connect(path: Path | str, *, create: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), usable from any thread.

    With `create`, the store is prepared (`prepare`: WAL mode, the migrations it lacks applied).
    A server's per-thread connections pass
    `create=False`: schema statements take locks that a burst of new threads would wait on.
    """
    text = str(path)
    if text != ":memory:":
        Path(text).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(text, isolation_level=None, check_same_thread=False, timeout=30)
    if create:
        prepare(db, text)
    return db


def prepare(db: sqlite3.Connection, where: str) -> list[Migration]:
    """The file in WAL mode (readers go on while one writer writes), its missing migrations
    applied; returns those this call applied."""
    if where != ":memory:":
        with reading_store(where):
            db.execute("PRAGMA journal_mode = WAL")
    return upgrade(db, where)
