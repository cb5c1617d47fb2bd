"""One connection to the store: an SQLite file (the default) or a PostgreSQL database.

Every store writes its SQL once, in the subset both engines read the same way: `?`
placeholders, `INSERT … ON CONFLICT`, `RETURNING`, no engine functions. A `Database` runs that
text on its engine; what cannot be one text (table DDL types, the write lock, looking up a
table's columns) is a method here, so the stores never ask which engine they are on.

Why psycopg 3 behind the existing stores rather than SQLAlchemy Core: the stores' SQL is
already portable and hand-tuned (bulk `executemany` of an import, the periods of `membership`);
Core would rewrite every query for no change in what runs, while psycopg gives PostgreSQL's own
tools directly — advisory locks, `LISTEN/NOTIFY`, pipelined `executemany`.

Writes are serialised on both engines: SQLite by `BEGIN IMMEDIATE`, PostgreSQL by a
transaction-scoped advisory lock on the store's schema, taken first in every write
transaction. So the invariants the stores were written for hold on both — one import at a
time computes the next version number, the audit chain's tail is read and extended by one
writer at a time — and readers never wait.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from watchkeeper.errors import InvalidInput, WatchkeeperError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
#: A write transaction waits this long for the writer before it (SQLite's busy timeout, PostgreSQL's
#: lock_timeout): an import of a whole list takes seconds, not this.
WRITE_WAIT_SECONDS = 30
#: First half of the advisory-lock key of every Watchkeeper write lock ("WK"); the second half is the
#: schema's CRC, so stores in several schemas of one database do not wait on each other.
LOCK_CLASS = 0x574B

Params = Sequence[Any]


class StoreUnreachable(WatchkeeperError):
    """The database server cannot be reached, refuses the login, or dropped the connection."""


class StoreUnreadable(WatchkeeperError):
    """The store file is not an SQLite database (or is damaged): nothing is read or changed."""


@contextmanager
def reading_store(where: str) -> Iterator[None]:
    """SQLite's "file is not a database" as a clear error naming the file; a busy or locked
    store (OperationalError) stays what it is, for the callers that wait and retry."""
    try:
        yield
    except sqlite3.OperationalError:
        raise
    except sqlite3.DatabaseError as exc:
        raise StoreUnreadable(
            f"{where}: not a Watchkeeper store, or damaged ({exc}); nothing was changed"
        ) from exc


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(POSTGRES_SCHEMES)


def shown(location: str | Path) -> str:
    """The location as it may be printed: a database URL without its password."""
    text = str(location)
    if not is_postgres(text):
        return text
    return re.sub(r"(//[^:/@]+):[^@/]*@", r"\1:***@", text)


class Database:
    """A connection in autocommit mode; `transaction()` makes a write transaction."""

    engine: str
    where: str

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def begin_write(self) -> None:
        raise NotImplementedError

    def ddl(self, statement: str) -> str:
        """A table statement written in SQLite's types, as this engine declares them."""
        return statement

    def has_table(self, name: str) -> bool:
        raise NotImplementedError

    def columns(self, table: str) -> set[str]:
        raise NotImplementedError

    def tables(self) -> list[str]:
        """The store's tables, by name."""
        raise NotImplementedError

    def notify_change(self) -> None:
        """Tell other processes' watchers that lists or rules changed (on commit); SQLite's
        watchers look for themselves."""

    def wait_for_change(self, seconds: float, stop: threading.Event) -> bool:
        """Wait up to `seconds` (or until `stop` is set) for another process to say the lists or
        rules changed; True if one did. SQLite has no such signal: this only waits, and the
        caller looks for itself."""
        stop.wait(seconds)
        return False

    def try_write_now(self, sql: str, params: Params) -> bool:
        """One statement, given up at once (False) rather than waiting for a busy store."""
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction: the write lock taken first, rolled back on any error."""
        self.begin_write()
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        self.execute("COMMIT")

    def _rollback(self) -> None:
        self.execute("ROLLBACK")


class SqliteDatabase(Database):
    engine = "sqlite"

    def __init__(self, path: str, *, read_only: bool = False) -> None:
        self.where = path
        if read_only:
            # Looking must not create the file, nor write to it.
            target, uri = f"file:{path}?mode=ro", True
        else:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            target, uri = path, False
        self.raw = sqlite3.connect(
            target, isolation_level=None, check_same_thread=False, timeout=WRITE_WAIT_SECONDS, uri=uri
        )
        with reading_store(path):
            # As PostgreSQL does: a row naming another that does not exist is refused.
            self.raw.execute("PRAGMA foreign_keys = ON")
            self.raw.execute("PRAGMA synchronous = NORMAL")

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self.raw.executemany(sql, rows)

    def close(self) -> None:
        self.raw.close()

    def begin_write(self) -> None:
        # Taken at once, so two writers never deadlock upgrading a read lock.
        self.raw.execute("BEGIN IMMEDIATE")

    def has_table(self, name: str) -> bool:
        row = self.raw.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return row.fetchone() is not None

    def columns(self, table: str) -> set[str]:
        return {str(row[1]) for row in self.raw.execute(f"PRAGMA table_info({table})")}

    def tables(self) -> list[str]:
        rows = self.raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [str(r[0]) for r in rows]

    def try_write_now(self, sql: str, params: Params) -> bool:
        self.raw.execute("PRAGMA busy_timeout = 0")
        try:
            self.raw.execute(sql, params)
        except sqlite3.OperationalError:
            return False
        finally:
            self.raw.execute(f"PRAGMA busy_timeout = {WRITE_WAIT_SECONDS * 1000}")
        return True


# -- PostgreSQL -------------------------------------------------------------

#: SQLite type names in the stores' DDL, as PostgreSQL declares them. Text compares byte by byte
#: (collation "C"), as SQLite's does, so lists, tables and exports sort the same on both engines.
_PG_TYPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
)


def postgres_ddl(statement: str) -> str:
    for pattern, replacement in _PG_TYPES:
        statement = pattern.sub(replacement, statement)
    return statement


@lru_cache(maxsize=2048)
def postgres_sql(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (and a literal `%` doubled), outside quoted text."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)


def _postgres_value(value: object) -> object:
    # Stored as SQLite stores them: flags as 0/1 in INTEGER columns, dates as ISO text.
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def postgres_params(params: Params) -> Params:
    """The values as PostgreSQL takes them; text holding NUL, which it cannot, is refused here
    rather than as a driver error (a 500)."""
    convert = False
    for value in params:
        if isinstance(value, str):
            if "\x00" in value:
                raise InvalidInput(
                    f"text with a NUL character (\\x00) cannot be stored or searched: {value!r}"
                )
        elif isinstance(value, (bool, date)):
            convert = True
    return tuple(_postgres_value(v) for v in params) if convert else params


class PostgresDatabase(Database):
    engine = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg  # noqa: PLC0415 - only stores on PostgreSQL load the driver

        self._psycopg = psycopg
        self.where = shown(url)
        try:
            self.raw = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreUnreachable(
                f"{self.where}: cannot connect to the database ({_first_line(exc)})"
            ) from exc
        schema = self.raw.execute("SELECT current_schema()").fetchone()
        if schema is None or schema[0] is None:
            self.raw.close()
            raise StoreUnreachable(
                f"{self.where}: no schema to write in (is search_path set to a missing schema?)"
            )
        self.schema = str(schema[0])
        self._lock_key = zlib.crc32(self.schema.encode()) - (1 << 31)
        self.channel = f"watchkeeper_{self.schema}"
        self._listening = False
        self.raw.execute(f"SET lock_timeout = '{WRITE_WAIT_SECONDS}s'")

    def _guarded(self, work: Callable[[], Any]) -> Any:
        try:
            return work()
        except self._psycopg.OperationalError as exc:
            if self.raw.closed or self.raw.broken:
                raise StoreUnreachable(
                    f"{self.where}: the connection to the database was lost ({_first_line(exc)}); "
                    "the transaction was not committed"
                ) from exc
            raise

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        text = postgres_sql(sql)
        values = postgres_params(params)
        cursor: Cursor = self._guarded(lambda: self.raw.execute(text, values))
        return cursor

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        text = postgres_sql(sql)
        values = [postgres_params(r) for r in rows]
        if values:
            self._guarded(lambda: self.raw.cursor().executemany(text, values))

    def close(self) -> None:
        self.raw.close()

    def begin_write(self) -> None:
        self.execute("BEGIN")
        self.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_CLASS, self._lock_key))

    def _rollback(self) -> None:
        if not (self.raw.closed or self.raw.broken):
            self.execute("ROLLBACK")

    def ddl(self, statement: str) -> str:
        return postgres_ddl(statement)

    def has_table(self, name: str) -> bool:
        row = self.execute(
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ?",
            (name,),
        )
        return row.fetchone() is not None

    def columns(self, table: str) -> set[str]:
        rows = self.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        )
        return {str(r[0]) for r in rows}

    def tables(self) -> list[str]:
        rows = self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "ORDER BY table_name"
        )
        return [str(r[0]) for r in rows]

    def notify_change(self) -> None:
        self.execute("SELECT pg_notify(?, 'changed')", (self.channel,))

    def try_write_now(self, sql: str, params: Params) -> bool:
        self.execute("BEGIN")
        try:
            self.execute("SET LOCAL lock_timeout = 1")
            self.execute(sql, params)
        except self._psycopg.errors.LockNotAvailable:
            self._rollback()
            return False
        except BaseException:
            self._rollback()
            raise
        self.execute("COMMIT")
        return True

    def wait_for_change(self, seconds: float, stop: threading.Event) -> bool:
        if not self._listening:
            self.execute(f'LISTEN "{self.channel}"')
            self._listening = True
        notified = self._guarded(lambda: list(self.raw.notifies(timeout=seconds, stop_after=1)))
        return bool(notified)


def is_busy(error: BaseException) -> bool:
    """Whether `error` is another writer holding the store past the wait (worth trying again later)."""
    text = str(error).lower()
    if isinstance(error, sqlite3.OperationalError):
        return "locked" in text or "busy" in text
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(error, psycopg.errors.LockNotAvailable)


def store_errors() -> tuple[type[Exception], ...]:
    """The errors either engine's driver raises (for code that must survive any store fault)."""
    psycopg = sys.modules.get("psycopg")
    found: tuple[type[Exception], ...] = (sqlite3.Error, StoreUnreachable)
    return (*found, psycopg.Error) if psycopg is not None else found


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def open_database(location: str | Path, *, read_only: bool = False) -> Database:
    """The store at `location`: a `postgresql://` URL, or an SQLite file path (or `:memory:`).
    `read_only` opens an SQLite file without creating it (a database is opened as it is)."""
    text = str(location)
    if is_postgres(text):
        return PostgresDatabase(text)
    return SqliteDatabase(text, read_only=read_only)
