"""What the HTTP service keeps besides lists: API keys and batch jobs.

Both live in the same SQLite file as the lists (tables of their own), so a
backup of the store is a backup of the service, and a batch job queued before
a restart is still there after it.

A key's token is `wk_<key id>_<secret>`; the store keeps its SHA-256 and a
short prefix (`wk_<key id>_<first letters>…`) so a key seen in a log or a
config file can be identified without the store knowing the token. A token
is checked by looking its key id up and comparing hashes in constant time.
Keys may expire; rotating a key issues a new token for the same scope and
owner and lets the old one live on for a grace period. Creating, rotating and
revoking keys is audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from watchkeeper.errors import InvalidInput, NotFound
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.db import connect, transaction

#: Each scope may do what the ones before it may: `read` screens (and records new customers),
#: `write` also changes stored customers, `admin` also loads lists.
SCOPES = ("read", "write", "admin")


def scope_allows(held: str, needed: str) -> bool:
    return held in SCOPES and needed in SCOPES and SCOPES.index(held) >= SCOPES.index(needed)


TOKEN_PREFIX = "wk"
#: Letters of the secret kept in the shown prefix: enough to tell keys apart, far from enough to guess.
PREFIX_SECRET_LETTERS = 4
#: How often the last-used time of a key is written (a write per request would contend with imports).
LAST_USED_EVERY = timedelta(seconds=60)


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
    expires_at: str | None = None
    last_used_at: str | None = None
    prefix: str | None = None

    @property
    def shown_prefix(self) -> str:
        return self.prefix or f"{TOKEN_PREFIX}_{self.key_id}_"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= _now()

    def allows(self, scope: str) -> bool:
        return self.revoked_at is None and not self.expired and scope_allows(self.scope, scope)

    def to_dict(self) -> dict[str, object]:
        return {
            "key_id": self.key_id,
            "prefix": self.shown_prefix + "…",
            "scope": self.scope,
            "label": self.label,
            "owner": self.owner,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "last_used_at": self.last_used_at,
            "revoked_at": self.revoked_at,
        }


_KEY_COLUMNS = "key_id, scope, label, owner, created_at, revoked_at, expires_at, last_used_at, prefix"


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
        self._db = connect(path, create=create)
        self.audit = AuditLog(self._db)

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> AbstractContextManager[None]:
        return transaction(self._db)

    # -- API keys -----------------------------------------------------------

    def create_key(
        self,
        scope: str,
        label: str = "",
        owner: str = "",
        *,
        expires_at: datetime | None = None,
        actor: str = "cli",
    ) -> tuple[ApiKey, str]:
        """A new key and its token; only the token's hash is kept, so show it once."""
        if scope not in SCOPES:
            raise InvalidInput(f"scope {scope!r}: choose one of {', '.join(SCOPES)}")
        if expires_at is not None and expires_at <= datetime.now(UTC):
            raise InvalidInput(f"expiry {expires_at.isoformat()} is in the past")
        with self._transaction():
            key, token = self._insert_key(scope, label, owner, expires_at)
            self.audit.append(
                actor,
                "key.create",
                f"key:{key.key_id}",
                {"scope": scope, "owner": owner, "expires": key.expires_at},
            )
        return key, token

    def _insert_key(
        self, scope: str, label: str, owner: str, expires_at: datetime | None
    ) -> tuple[ApiKey, str]:
        key_id = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        token = f"{TOKEN_PREFIX}_{key_id}_{secret}"
        prefix = f"{TOKEN_PREFIX}_{key_id}_{secret[:PREFIX_SECRET_LETTERS]}"
        expires = expires_at.astimezone(UTC).isoformat(timespec="seconds") if expires_at else None
        key = ApiKey(key_id, scope, label, owner, _now(), None, expires, None, prefix)
        self._db.execute(
            f"INSERT INTO api_key (token_sha256, {_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, NULL, ?)",
            (_digest(token), key.key_id, scope, label, owner, key.created_at, expires, prefix),
        )
        return key, token

    def key_for_token(self, token: str) -> ApiKey | None:
        """The key a presented token belongs to, revoked or expired or not; None for an unknown token."""
        kind, _, rest = token.partition("_")
        key_id, _, secret = rest.partition("_")
        if kind != TOKEN_PREFIX or not key_id or not secret:
            return None
        row = self._db.execute(
            f"SELECT token_sha256, {_KEY_COLUMNS} FROM api_key WHERE key_id = ?", (key_id,)
        ).fetchone()
        # Compared in constant time, so the answer's timing says nothing of how much of a guess was right.
        if row is None or not hmac.compare_digest(str(row[0]), _digest(token)):
            return None
        return ApiKey(*row[1:])

    def touch_key(self, key: ApiKey) -> None:
        """Note that a key was used now; at most once a minute, and never waiting for a busy store."""
        now = datetime.now(UTC)
        if key.last_used_at and now - datetime.fromisoformat(key.last_used_at) < LAST_USED_EVERY:
            return
        # A busy store (an import) is not waited for: the time is written on a later call.
        self._db.try_write_now(
            "UPDATE api_key SET last_used_at = ? WHERE key_id = ?",
            (now.isoformat(timespec="seconds"), key.key_id),
        )

    def keys(self) -> list[ApiKey]:
        rows = self._db.execute(f"SELECT {_KEY_COLUMNS} FROM api_key ORDER BY created_at, key_id")
        return [ApiKey(*row) for row in rows]

    def key(self, key_id: str) -> ApiKey:
        row = self._db.execute(f"SELECT {_KEY_COLUMNS} FROM api_key WHERE key_id = ?", (key_id,)).fetchone()
        if row is None:
            raise NotFound(f"no API key {key_id!r}")
        return ApiKey(*row)

    def revoke_key(self, key_id: str, actor: str = "cli") -> ApiKey:
        with self._transaction():
            self.key(key_id)
            cursor = self._db.execute(
                "UPDATE api_key SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (_now(), key_id)
            )
            if cursor.rowcount:
                self.audit.append(actor, "key.revoke", f"key:{key_id}", {})
        return self.key(key_id)

    def rotate_key(
        self, key_id: str, *, grace: timedelta = timedelta(hours=24), actor: str = "cli"
    ) -> tuple[ApiKey, str, ApiKey]:
        """A new token for the same scope, label and owner (and the same lifetime, if the old key had
        one); the old key expires after `grace` (at once for a zero grace). Returns new key, token, old."""
        with self._transaction():
            old = self.key(key_id)
            if old.revoked_at is not None or old.expired:
                raise InvalidInput(f"API key {key_id} is revoked or expired; create a new key instead")
            lifetime = (
                datetime.fromisoformat(old.expires_at) - datetime.fromisoformat(old.created_at)
                if old.expires_at
                else None
            )
            now = datetime.now(UTC)
            key, token = self._insert_key(
                old.scope, old.label, old.owner, now + lifetime if lifetime else None
            )
            ends = (now + grace).isoformat(timespec="seconds")
            if old.expires_at is None or ends < old.expires_at:
                self._db.execute("UPDATE api_key SET expires_at = ? WHERE key_id = ?", (ends, key_id))
            self.audit.append(
                actor, "key.rotate", f"key:{key_id}", {"new_key": key.key_id, "old_key_expires": ends}
            )
        return key, token, self.key(key_id)

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
            raise InvalidInput(f"job state {state!r}: one of {', '.join(JOB_STATES)}")
        self._db.execute(
            "UPDATE batch_job SET state = COALESCE(?, state), done_rows = COALESCE(?, done_rows), "
            "alerts = COALESCE(?, alerts), errors = COALESCE(?, errors), message = COALESCE(?, message), "
            "updated_at = ? WHERE id = ?",
            (state, done_rows, alerts, errors, message, _now(), job_id),
        )

    def finished_jobs_before(self, before: str) -> list[BatchJob]:
        """Done or failed jobs last changed before `before` (ISO time): due for removal."""
        rows = self._db.execute(
            f"SELECT {_JOB_COLUMNS} FROM batch_job WHERE state IN ('done', 'failed') AND updated_at < ? "
            "ORDER BY updated_at",
            (before,),
        )
        return [BatchJob(*row) for row in rows]

    def delete_job(self, job_id: str) -> None:
        self._db.execute("DELETE FROM batch_job WHERE id = ?", (job_id,))

    def requeue_interrupted(self) -> int:
        """Jobs left `running` by a stopped server go back to the queue; they resume where they were."""
        cursor = self._db.execute(
            "UPDATE batch_job SET state = 'queued', updated_at = ? WHERE state = 'running'", (_now(),)
        )
        return cursor.rowcount
