"""Faults of a database store: a wrong URL, a server that is down, a connection dropped mid-import.
Each is one clear error naming the database (never its password) and leaves the store as it was."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.backend import DATABASE_URL, postgres_only, store_at
from tests.live_server import free_port
from tests.support import shared, wk
from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore
from watchkeeper.store.database import StoreUnreachable, open_database, shown

FEB = "ofac/sdn-history/sdn-2022-02-03.csv.gz"
MAR = "ofac/sdn-history/sdn-2022-03-01.csv.gz"


@pytest.mark.parametrize(
    ("url", "hidden"),
    [
        (
            "postgresql://wk:s3cret@db.internal:5432/watchkeeper",
            "postgresql://wk:***@db.internal:5432/watchkeeper",
        ),
        ("postgres://wk:p%40ss@10.0.0.5/wk?sslmode=require", "postgres://wk:***@10.0.0.5/wk?sslmode=require"),
        ("postgresql://wk@db/watchkeeper", "postgresql://wk@db/watchkeeper"),
        (
            "postgresql:///watchkeeper?host=/var/run/postgresql",
            "postgresql:///watchkeeper?host=/var/run/postgresql",
        ),
        ("var/watchkeeper.sqlite", "var/watchkeeper.sqlite"),
    ],
)
def test_a_database_url_is_shown_without_its_password(url: str, hidden: str) -> None:
    assert shown(url) == hidden


@pytest.mark.parametrize(
    "command",
    [("lists",), ("db", "upgrade"), ("db", "status"), ("serve", "--port", "0")],
)
def test_a_database_that_is_down_is_one_clear_error_naming_it(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    down = f"postgresql://watchkeeper:s3cret@127.0.0.1:{free_port()}/watchkeeper"
    result = wk(tmp_path, "--database-url", down, *command, check=False)
    assert result.returncode == 1, result.stderr
    message = result.stderr.replace("\n", "")
    assert "cannot connect to the database" in message
    assert f"127.0.0.1:{down.rsplit(':', 1)[1].split('/', maxsplit=1)[0]}" in message
    assert "s3cret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "watchkeeper.sqlite").exists()  # no silent fall-back to a file


@postgres_only
@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda url: url.replace(":watchkeeper@", ":wrong-password@"), "password authentication failed"),
        (lambda url: url.replace("/watchkeeper_test", "/no_such_database"), "does not exist"),
    ],
)
def test_a_wrong_password_or_database_is_refused_with_the_servers_reason(
    tmp_path: Path, change: object, problem: str
) -> None:
    assert callable(change)
    url = str(change(DATABASE_URL))
    with pytest.raises(StoreUnreachable, match=problem) as caught:
        open_database(url)
    assert "wrong-password" not in str(caught.value)


@postgres_only
def test_a_connection_dropped_mid_import_leaves_nothing_and_the_import_can_be_retried(tmp_path: Path) -> None:
    location = store_at(tmp_path)
    store = SqliteStore(location)
    store.import_snapshot(parse_list(shared(FEB)))
    before = store.dump()
    march = parse_list(shared(MAR))
    # Hold the audit table: the import writes its version, states and changes, then waits on
    # its audit entry, where its connection is cut.
    holder = open_database(location)
    holder.execute("BEGIN")
    holder.execute("LOCK TABLE audit IN EXCLUSIVE MODE")
    failure: list[BaseException] = []

    def run_import() -> None:
        try:
            store.import_snapshot(march)
        except BaseException as exc:
            failure.append(exc)

    importer = threading.Thread(target=run_import)
    importer.start()
    waiting = None
    deadline = time.monotonic() + 60
    while waiting is None and time.monotonic() < deadline:
        waiting = holder.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() "
            "AND datname = current_database()"
        ).fetchone()
        time.sleep(0.05)
    assert waiting is not None, "the import never reached its audit entry"
    written = holder.execute(
        "SELECT count(*) FROM pg_locks WHERE pid = ? AND mode = 'RowExclusiveLock'", (waiting[0],)
    )
    assert written.fetchone()[0] >= 3  # it had written to list_version, entity_state, membership…
    holder.execute("SELECT pg_terminate_backend(?)", (waiting[0],))
    importer.join(timeout=60)
    holder.execute("ROLLBACK")
    holder.close()
    store.close()

    assert len(failure) == 1
    assert isinstance(failure[0], StoreUnreachable)
    assert "connection to the database was lost" in str(failure[0])
    assert "not committed" in str(failure[0])
    again = SqliteStore(location)
    try:
        assert again.dump() == before
        result = again.import_snapshot(march)  # a retry on a new connection goes through
        assert result.version.seq == 2
        assert result.version.added > 0
    finally:
        again.close()
