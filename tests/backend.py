"""Which store the tests run on: the SQLite file (default) or PostgreSQL.

`WATCHKEEPER_TEST_BACKEND=postgresql` runs the tests that use a store against the PostgreSQL
server at `WATCHKEEPER_TEST_DATABASE_URL` (`make test` starts one: `scripts/test-postgres`).
Each store folder a test uses gets a schema of its own in that database, named from the
folder, so a test, the `watchkeeper` commands it runs and the server it starts all open the
same store, and no two tests see each other's rows. The schemas are dropped after the test.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import quote

import pytest

BACKEND = os.environ.get("WATCHKEEPER_TEST_BACKEND", "sqlite")
DATABASE_URL = os.environ.get(
    "WATCHKEEPER_TEST_DATABASE_URL", "postgresql://watchkeeper:watchkeeper@127.0.0.1:5432/watchkeeper_test"
)
ON_POSTGRES = BACKEND == "postgresql"
_created: set[str] = set()


def schema_url(schema: str) -> str:
    """The test database, its search path set to `schema` (libpq's `options`)."""
    joiner = "&" if "?" in DATABASE_URL else "?"
    return f"{DATABASE_URL}{joiner}options={quote(f'-csearch_path={schema}')}"


def fresh_schema(schema: str) -> str:
    """Create `schema` (empty) in the test database; its URL."""
    import psycopg  # noqa: PLC0415

    with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.execute(f"CREATE SCHEMA {schema}")
    _created.add(schema)
    return schema_url(schema)


def created_schemas() -> frozenset[str]:
    return frozenset(_created)


def drop_created_schemas(keep: frozenset[str] = frozenset()) -> None:
    """Drop the schemas made since `keep` was taken (those of wider-scoped fixtures stay)."""
    gone = _created - keep
    if not gone:
        return
    import psycopg  # noqa: PLC0415

    with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
        for schema in gone:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            _created.discard(schema)


def store_at(folder: Path, name: str = "watchkeeper.sqlite") -> str:
    """The store of `folder` on the backend under test: the SQLite file `folder/name`, or the
    PostgreSQL schema that stands for it."""
    if not ON_POSTGRES:
        return str(folder / name)
    folder.mkdir(parents=True, exist_ok=True)  # as opening the SQLite file would
    schema = _schema(folder, name)
    if schema in _created:
        return schema_url(schema)
    return fresh_schema(schema)


def store_env(home: Path) -> dict[str, str]:
    """Environment for a command or server using `home`'s store on the backend under test."""
    return {"WATCHKEEPER_DATABASE_URL": store_at(home)} if ON_POSTGRES else {}


sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="about the SQLite file itself")
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="PostgreSQL only (WATCHKEEPER_TEST_BACKEND=postgresql)"
)


#: Tables whose rows others name (foreign keys): copied first.
_PARENTS = ("entity_state", "run", "alert", "app_user")


def clone_store(template: Path, target: Path) -> None:
    """Give `target` a copy of `template`'s store. On SQLite copying the folder did it; on
    PostgreSQL the template's schema is copied into a fresh one, made by the migrations."""
    if not ON_POSTGRES:
        return
    import psycopg  # noqa: PLC0415

    from watchkeeper.store.db import connect  # noqa: PLC0415

    source = _schema(template)
    connect(store_at(target)).close()  # the tables, by the migrations
    target_schema = _schema(target)
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
        tables = [
            str(r[0])
            for r in admin.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (source,)
            )
        ]
        tables.sort(key=lambda t: (t not in _PARENTS, _PARENTS.index(t) if t in _PARENTS else 0, t))
        with admin.transaction():
            for table in tables:
                admin.execute(f"DELETE FROM {target_schema}.{table}")
            for table in tables:
                admin.execute(f"INSERT INTO {target_schema}.{table} SELECT * FROM {source}.{table}")
            identities = admin.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = %s AND is_identity = 'YES'",
                (target_schema,),
            ).fetchall()
            for table, column in identities:
                admin.execute(
                    f"SELECT setval(pg_get_serial_sequence('{target_schema}.{table}', '{column}'), "
                    f"COALESCE((SELECT max({column}) FROM {target_schema}.{table}), 0) + 1, false)"
                )


def _schema(folder: Path, name: str = "watchkeeper.sqlite") -> str:
    return "wk_t" + hashlib.sha1(str(folder / name).encode()).hexdigest()[:16]
