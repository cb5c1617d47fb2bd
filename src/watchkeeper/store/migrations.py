"""The store's schema as numbered migrations, applied in order and recorded in the store.

`schema_migration` holds one row per migration applied (number, name, when). Opening a store
for writing applies the ones it lacks, each in its own write transaction, so a store written
by an older Watchkeeper upgrades in place and two processes opening it at once apply each
migration once (the second finds it done inside its transaction). `watchkeeper db upgrade`
does the same on demand; `watchkeeper db status` shows where a store stands.

Migration 1 is the layout every store had before migrations were recorded: its statements
only create what is missing (`IF NOT EXISTS`) and add the columns later versions added, so
it leaves an existing store's rows as they were. A new change to the schema is a new
migration at the end of `MIGRATIONS`; a migration once released is never edited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from watchkeeper.errors import WatchkeeperError
from watchkeeper.store.app_schema import ACTIONS_DDL, AUDIT_DDL, RULES_DDL, SERVICE_DDL, USERS_DDL
from watchkeeper.store.database import Database, reading_store
from watchkeeper.store.list_schema import LIST_DDL, SCHEMA_VERSION
from watchkeeper.store.review_schema import REVIEW_DDL
from watchkeeper.store.transaction import transaction


class SchemaTooNew(WatchkeeperError):
    """The store was upgraded by a newer Watchkeeper than this one."""


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: Callable[[Database], None]


@dataclass(frozen=True)
class AppliedMigration:
    number: int
    name: str
    applied_at: str

    def to_dict(self) -> dict[str, object]:
        return {"number": self.number, "name": self.name, "applied_at": self.applied_at}


def statements(script: str) -> list[str]:
    """A DDL script as single statements (executescript would commit on its own)."""
    return [s.strip() for s in script.split(";") if s.strip()]


def add_missing_columns(db: Database, table: str, columns: dict[str, str]) -> None:
    present = db.columns(table)
    for name, declaration in columns.items():
        if name not in present:
            db.execute(db.ddl(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}"))


def _baseline(db: Database) -> None:
    for script in (LIST_DDL, AUDIT_DDL, REVIEW_DDL, USERS_DDL, SERVICE_DDL, RULES_DDL):
        for statement in statements(script):
            db.execute(db.ddl(statement))
    # Columns added during 2026, before migrations were recorded: stores written earlier lack them.
    add_missing_columns(db, "app_session", {"created_at": "TEXT", "last_seen_at": "TEXT"})
    add_missing_columns(db, "api_key", {"expires_at": "TEXT", "last_used_at": "TEXT", "prefix": "TEXT"})
    db.execute(
        "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING", (str(SCHEMA_VERSION),)
    )


def _sanctions_actions(db: Database) -> None:
    for statement in statements(ACTIONS_DDL):
        db.execute(db.ddl(statement))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1, "lists, review, audit, users, API keys, batch jobs and rule files (layout of 2026-12)", _baseline
    ),
    Migration(2, "sanctions actions: documents, parties and status timelines", _sanctions_actions),
)
LATEST = MIGRATIONS[-1].number

_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migration "
    "(number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def applied(db: Database) -> list[AppliedMigration]:
    """The migrations this store has, oldest first ([] for a store older than migrations)."""
    if not db.has_table("schema_migration"):
        return []
    rows = db.execute("SELECT number, name, applied_at FROM schema_migration ORDER BY number")
    return [AppliedMigration(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def current(db: Database) -> int:
    done = applied(db)
    return done[-1].number if done else 0


def pending(db: Database) -> list[Migration]:
    at = current(db)
    return [m for m in MIGRATIONS if m.number > at]


def check_not_newer(db: Database, where: str) -> None:
    with reading_store(where):
        at = current(db)
    if at > LATEST:
        raise SchemaTooNew(
            f"{where}: the store's schema is at migration {at}, this Watchkeeper knows up to {LATEST}; "
            "upgrade Watchkeeper before opening it"
        )


def upgrade(db: Database, where: str = "store") -> list[Migration]:
    """Apply the migrations the store lacks, in order, each in one write transaction (a failing
    one leaves the store at the one before). Returns those applied by this call."""
    check_not_newer(db, where)
    done: list[Migration] = []
    for migration in MIGRATIONS:
        if migration.number <= current(db):
            continue
        with transaction(db):
            db.execute(db.ddl(_TABLE))
            # Another process may have applied it while this one waited for the write lock.
            if current(db) < migration.number:
                migration.apply(db)
                db.execute(
                    "INSERT INTO schema_migration VALUES (?, ?, ?)",
                    (migration.number, migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
                )
                done.append(migration)
    return done
