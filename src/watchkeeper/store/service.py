"""What the HTTP service keeps besides lists: API keys and batch jobs.

Both live in the same SQLite file as the lists (tables of their own), so a
backup of the store is a backup of the service, and a batch job queued before
a restart is still there after it.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from watchkeeper.errors import NotFound
from watchkeeper.store.db import connect, transaction

#: `admin` may do everything `read` may, and load lists.
SCOPES = ("read", "admin")
TOKEN_PREFIX = "wk"

_DDL = """
CREATE TABLE IF NOT EXISTS api_key (
    key_id TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    label TEXT NOT NULL,
    owner TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS batch_job (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    lists TEXT NOT NULL,
    threshold REAL NOT NULL,
    total_rows INTEGER NOT NULL,
    done_rows INTEGER NOT NULL,
    alerts INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    message TEXT NOT NULL,
    folder TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS batch_job_by_state ON batch_job (state, created_at);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _digest(token: str) -> str:
    # Keys are 256-bit random secrets, not passwords: a fast hash cannot be
    # brute-forced, and lets every request be checked in microseconds.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    scope: str
    label: str
    owner: str
    created_at: str
    revoked_at: str | None

    def allows(self, scope: str) -> bool:
        return self.revoked_at is None and self.scope in {"admin", scope}

    def to_dict(self) -> dict[str, object]:
        return {
            "key_id": self.key_id,
            "scope": self.scope,
            "label": self.label,
            "owner": self.owner,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
        }


#: Job states: queued → running → done | failed. A job found `running` at
#: start-up was cut off by a restart and is queued again (it resumes).
JOB_STATES = ("queued", "running", "done", "failed")


@dataclass(frozen=True)
class BatchJob:
    id: str
    state: str
    created_at: str
    updated_at: str
    created_by: str
    lists: str
    threshold: float
    total_rows: int
    done_rows: int
    alerts: int
    errors: int
    message: str
    folder: str

    @property
    def input_path(self) -> Path:
        return Path(self.folder) / "input.csv"

    @property
    def output_path(self) -> Path:
        return Path(self.folder) / "alerts.csv"

    @property
    def errors_path(self) -> Path:
        return Path(self.folder) / "alerts.errors.csv"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "state": self.state,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "created_by": self.created_by,
            "lists": self.lists.split(",") if self.lists else [],
            "threshold": self.threshold,
            "total_rows": self.total_rows,
            "done_rows": self.done_rows,
            "alerts": self.alerts,
            "errors": self.errors,
            "message": self.message,
        }


_JOB_COLUMNS = (
    "id, state, created_at, updated_at, created_by, lists, threshold, total_rows, done_rows, alerts, "
    "errors, message, folder"
)


class ServiceStore:
    """API keys and batch jobs in the store's SQLite file."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = str(path)
        self._db = connect(path, _DDL, create=create)

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> AbstractContextManager[None]:
        return transaction(self._db)

    # -- API keys -----------------------------------------------------------

    def create_key(self, scope: str, label: str = "", owner: str = "") -> tuple[ApiKey, str]:
        """A new key and its token; only the token's hash is kept, so show it once."""
        if scope not in SCOPES:
            raise ValueError(f"scope {scope!r}: choose one of {', '.join(SCOPES)}")
        key_id = secrets.token_hex(4)
        token = f"{TOKEN_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        key = ApiKey(key_id, scope, label, owner, _now(), None)
        self._db.execute(
            "INSERT INTO api_key VALUES (?, ?, ?, ?, ?, ?, NULL)",
            (key.key_id, _digest(token), scope, label, owner, key.created_at),
        )
        return key, token

    def key_for_token(self, token: str) -> ApiKey | None:
        """The key a presented token belongs to, revoked or not; None for an unknown token."""
        row = self._db.execute(
            "SELECT key_id, scope, label, owner, created_at, revoked_at FROM api_key WHERE token_sha256 = ?",
            (_digest(token),),
        ).fetchone()
        return ApiKey(*row) if row else None

    def keys(self) -> list[ApiKey]:
        rows = self._db.execute(
            "SELECT key_id, scope, label, owner, created_at, revoked_at FROM api_key "
            "ORDER BY created_at, key_id"
        )
        return [ApiKey(*row) for row in rows]

    def revoke_key(self, key_id: str) -> ApiKey:
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE api_key SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (_now(), key_id)
            )
            if cursor.rowcount == 0 and not any(k.key_id == key_id for k in self.keys()):
                raise NotFound(f"no API key {key_id!r}")
        return next(k for k in self.keys() if k.key_id == key_id)

    # -- batch jobs ---------------------------------------------------------

    def add_job(
        self, job_id: str, *, created_by: str, lists: str, threshold: float, total_rows: int, folder: Path
    ) -> BatchJob:
        now = _now()
        self._db.execute(
            f"INSERT INTO batch_job ({_JOB_COLUMNS}) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, 0, 0, 0, '', ?)",
            (job_id, now, now, created_by, lists, threshold, total_rows, str(folder)),
        )
        return self.job(job_id)

    def job(self, job_id: str) -> BatchJob:
        row = self._db.execute(f"SELECT {_JOB_COLUMNS} FROM batch_job WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise NotFound(f"no batch job {job_id!r}")
        return BatchJob(*row)

    def jobs(self, states: tuple[str, ...] = JOB_STATES) -> list[BatchJob]:
        marks = ", ".join("?" for _ in states)
        rows = self._db.execute(
            f"SELECT {_JOB_COLUMNS} FROM batch_job WHERE state IN ({marks}) ORDER BY created_at, id", states
        )
        return [BatchJob(*row) for row in rows]

    def update_job(
        self,
        job_id: str,
        *,
        state: str | None = None,
        done_rows: int | None = None,
        alerts: int | None = None,
        errors: int | None = None,
        message: str | None = None,
    ) -> None:
        if state is not None and state not in JOB_STATES:
            raise ValueError(f"job state {state!r}: one of {', '.join(JOB_STATES)}")
        self._db.execute(
            "UPDATE batch_job SET state = COALESCE(?, state), done_rows = COALESCE(?, done_rows), "
            "alerts = COALESCE(?, alerts), errors = COALESCE(?, errors), message = COALESCE(?, message), "
            "updated_at = ? WHERE id = ?",
            (state, done_rows, alerts, errors, message, _now(), job_id),
        )

    def requeue_interrupted(self) -> int:
        """Jobs left `running` by a stopped server go back to the queue; they resume where they were."""
        cursor = self._db.execute(
            "UPDATE batch_job SET state = 'queued', updated_at = ? WHERE state = 'running'", (_now(),)
        )
        return cursor.rowcount
