"""The connection every store opens on the one store (file or database), and its write transaction."""

from __future__ import annotations

from pathlib import Path

from watchkeeper.store.database import Database, open_database, reading_store
from watchkeeper.store.migrations import Migration, upgrade
from watchkeeper.store.transaction import transaction

__all__ = ["connect", "prepare", "transaction"]


def connect(location: Path | str, *, create: bool = True) -> Database:
    """A connection in autocommit mode (transactions are explicit), usable from any thread.

    `location` is an SQLite file (or `:memory:`) or a `postgresql://` URL. With `create`, the
    store is prepared (`prepare`: WAL mode, the migrations it lacks applied). A server's
    per-thread connections pass `create=False`: schema statements take locks that a burst of
    new threads would wait on.
    """
    db = open_database(location)
    if create:
        try:
            prepare(db)
        except BaseException:
            db.close()
            raise
    return db


def prepare(db: Database) -> list[Migration]:
    """An SQLite file in WAL mode (readers go on while one writer writes); the store's missing
    migrations applied. Returns those this call applied."""
    if db.engine == "sqlite" and db.where != ":memory:":
        with reading_store(db.where):
            db.execute("PRAGMA journal_mode = WAL")
    return upgrade(db, db.where)
