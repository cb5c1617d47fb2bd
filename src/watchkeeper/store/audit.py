"""An append-only audit trail, each entry chained by hash to the one before.

Entry n stores the SHA-256 of (entry n-1's hash, its own fields). Editing a
row breaks its own hash; deleting a row breaks the next row's link; both are
found by `verify()`. Deleting the newest rows leaves a shorter valid chain:
`head()` (count and last hash) is what to copy somewhere else — a ticket, a
daily e-mail — to detect that too.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from watchkeeper.spreadsheet import safe_row

_DDL = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""
GENESIS = "0" * 64
COLUMNS = ("seq", "at", "actor", "action", "subject", "detail", "prev_hash", "hash")


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    detail: str  # canonical JSON
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, object]:
        return {**self.__dict__, "detail": json.loads(self.detail)}


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, detail: str) -> str:
    payload = json.dumps([prev_hash, seq, at, actor, action, subject, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class AuditReport:
    entries: int
    head: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class AuditLog:
    """The audit table of one SQLite connection; callers append inside their own transactions."""

    def __init__(self, db: sqlite3.Connection, *, create: bool = True) -> None:
        # Create the table here, outside any transaction: executescript would commit one.
        self.db = db
        if create:
            self.db.executescript(_DDL)

    def append(
        self, actor: str, action: str, subject: str, detail: dict[str, object] | None = None
    ) -> AuditEntry:
        row = self.db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (int(row[0]) + 1, str(row[1])) if row else (1, GENESIS)
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        text = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = entry_hash(prev, seq, at, actor, action, subject, text)
        self.db.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, at, actor, action, subject, text, prev, digest),
        )
        return AuditEntry(seq, at, actor, action, subject, text, prev, digest)

    def entries(self, limit: int | None = None, offset: int = 0) -> list[AuditEntry]:
        rows = self.db.execute(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit "
            "ORDER BY seq LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [AuditEntry(int(r[0]), *(str(v) for v in r[1:])) for r in rows]

    def verify(self) -> AuditReport:
        """Walk the chain; name every row whose content or link does not hold."""
        problems: list[str] = []
        prev = GENESIS
        expected_seq = 1
        count = 0
        for entry in self.entries():
            count += 1
            if entry.seq != expected_seq:
                problems.append(f"entries {expected_seq}–{entry.seq - 1} are missing (deleted)")
            if entry.prev_hash != prev:
                problems.append(
                    f"entry {entry.seq}: does not follow the entry before it (a row was deleted or replaced)"
                )
            recomputed = entry_hash(
                entry.prev_hash, entry.seq, entry.at, entry.actor, entry.action, entry.subject, entry.detail
            )
            if recomputed != entry.hash:
                problems.append(
                    f"entry {entry.seq}: content changed after it was written "
                    f"({entry.action} {entry.subject})"
                )
            prev = entry.hash
            expected_seq = entry.seq + 1
        return AuditReport(count, prev, tuple(problems))

    def export_csv(self, path: Path) -> int:
        entries = self.entries()
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for e in entries:
                writer.writerow(
                    safe_row([e.seq, e.at, e.actor, e.action, e.subject, e.detail, e.prev_hash, e.hash])
                )
        return len(entries)
