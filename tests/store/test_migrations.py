"""Schema migrations: a store written before them upgrades in place, losing and changing nothing."""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backend import sqlite_only, store_at
from tests.support import ROOT, wk
from watchkeeper.store import migrations
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.database import Database, StoreUnreadable, open_database
from watchkeeper.store.migrations import LATEST, Migration, SchemaTooNew, applied, upgrade
from watchkeeper.store.units import Stores

FIXTURE = ROOT / "tests" / "fixtures" / "store" / "watchkeeper-2026-12-03.sqlite.gz"


def _old_store(folder: Path) -> Path:
    path = folder / "watchkeeper.sqlite"
    path.write_bytes(gzip.decompress(FIXTURE.read_bytes()))
    return path


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(db.execute(f"SELECT * FROM {t}"), key=repr) for t in tables}
    finally:
        db.close()


@sqlite_only
def test_a_store_written_before_migrations_upgrades_in_place_without_losing_a_row(tmp_path: Path) -> None:
    path = _old_store(tmp_path)
    before = _rows(path)
    assert "schema_migration" not in before
    assert before["alert"]
    assert before["audit"]

    with Stores(path) as stores:
        stores.create_all()
        assert len(stores.lists.versions("ofac-sdn")) == 1
        assert {a.state for a in stores.review.alerts(states=None)} == {"open", "false_positive"}
        assert stores.users.user("bob").role == "supervisor"
        assert AuditLog(stores.review.db).verify().ok

    after = _rows(path)
    for table, rows in before.items():
        assert after[table] == rows, table
    assert [(n, name) for n, name, _ in after["schema_migration"]] == [
        (m.number, m.name) for m in migrations.MIGRATIONS
    ]


@sqlite_only
def test_opening_an_upgraded_store_applies_nothing_again(tmp_path: Path) -> None:
    path = _old_store(tmp_path)
    db = open_database(path)
    assert [m.number for m in upgrade(db)] == list(range(1, LATEST + 1))
    assert upgrade(db) == []
    assert [m.number for m in applied(db)] == list(range(1, LATEST + 1))
    db.close()


OPEN_STORE = """
import sys
from watchkeeper.store.units import Stores
with Stores(sys.argv[1]) as stores:
    stores.create_all()
"""


def test_two_processes_opening_a_new_store_at_once_apply_each_migration_once(tmp_path: Path) -> None:
    path = store_at(tmp_path)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_STORE, str(path)], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    for process in processes:
        _, error = process.communicate(timeout=120)
        assert process.returncode == 0, error
    db = open_database(path)
    assert [r[0] for r in db.execute("SELECT number FROM schema_migration ORDER BY number")] == list(
        range(1, LATEST + 1)
    )
    db.close()


def test_a_failing_migration_leaves_the_store_at_the_one_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(store_at(tmp_path))
    upgrade(db)

    def half_done(db: Database) -> None:
        db.execute("CREATE TABLE vessel_event (id INTEGER PRIMARY KEY)")
        db.execute("INSERT INTO vessel_event VALUES (1)")
        raise OSError("disk I/O error")

    monkeypatch.setattr(
        migrations, "MIGRATIONS", (*migrations.MIGRATIONS, Migration(LATEST + 1, "events", half_done))
    )
    with pytest.raises(OSError, match="disk I/O error"):
        upgrade(db)
    assert [m.number for m in applied(db)] == list(range(1, LATEST + 1))
    assert not db.has_table("vessel_event")
    db.close()


def test_a_store_upgraded_by_a_newer_watchkeeper_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = store_at(tmp_path)
    Stores(path).close()
    db = open_database(path)
    upgrade(db)
    db.execute("INSERT INTO schema_migration VALUES (?, 'from the future', '2030-01-01')", (LATEST + 1,))
    db.close()
    with (
        pytest.raises(SchemaTooNew, match=f"migration {LATEST + 1}, this Watchkeeper knows up to {LATEST}"),
        Stores(path) as stores,
    ):
        stores.create_all()
    result = wk(tmp_path, "db", "status", check=False)
    assert result.returncode == 1
    assert "upgrade Watchkeeper" in result.stderr


@sqlite_only
def test_db_upgrade_and_status_from_the_command_line(tmp_path: Path) -> None:
    _old_store(tmp_path)
    status = json.loads(wk(tmp_path, "db", "status", "--json").stdout)
    assert status["applied"] == []
    assert [p["number"] for p in status["pending"]] == list(range(1, LATEST + 1))
    done = json.loads(wk(tmp_path, "db", "upgrade", "--json").stdout)
    assert done["applied"] == list(range(1, LATEST + 1))
    again = json.loads(wk(tmp_path, "db", "upgrade", "--json").stdout)
    assert again["applied"] == []
    status = json.loads(wk(tmp_path, "db", "status", "--json").stdout)
    assert [m["number"] for m in status["applied"]] == list(range(1, LATEST + 1))
    assert status["pending"] == []


@sqlite_only
def test_a_file_that_is_not_a_store_is_refused_by_name_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "watchkeeper.sqlite"
    path.write_bytes(b"not a database: a file someone put here by mistake, long enough for SQLite")
    before = path.read_bytes()
    with pytest.raises(StoreUnreadable, match="not a Watchkeeper store"), Stores(path) as stores:
        stores.create_all()
    for command in (("db", "status"), ("db", "upgrade"), ("lists",)):
        result = wk(tmp_path, *command, check=False)
        assert result.returncode == 1, command
        assert f"{path}: not a Watchkeeper store" in result.stderr.replace("\n", "")
        assert "Traceback" not in result.stderr
    assert path.read_bytes() == before
