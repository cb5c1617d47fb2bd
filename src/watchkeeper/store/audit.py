"""An append-only audit trail, each entry chained by hash to the one before.

Entry n stores the SHA-256 of (entry n-1's hash, its own fields). Editing a
row breaks its own hash; deleting a row breaks the next row's link; both are
found by `verify()`. Deleting the newest rows leaves a shorter valid chain,
and whoever can write the store can also rewrite every row and recompute
every hash after it. A `checkpoint()` — the sequence number and hash of the
chain's head at a moment — kept outside the store (printed, e-mailed, in a
ticket) closes both gaps: `verify(checkpoint)` proves that every entry up to
it is still exactly as it was, because its hash commits to all of them.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from watchkeeper.errors import InvalidInput
from watchkeeper.spreadsheet import safe_row
from watchkeeper.store.database import Database

GENESIS = "0" * 64
#: One entry to append: actor, action, subject, detail.
AuditEvent = tuple[str, str, str, dict[str, object] | None]
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


CHECKPOINT_KIND = "watchkeeper-audit-checkpoint"


@dataclass(frozen=True)
class AuditCheckpoint:
    """The chain's head at one moment: entry `seq` with hash `hash` commits to every entry up to it."""

    seq: int
    hash: str
    at: str  # when the checkpoint was taken
    entry_at: str  # when entry `seq` was written

    def to_dict(self) -> dict[str, object]:
        return {"kind": CHECKPOINT_KIND, **self.__dict__}

    @classmethod
    def from_dict(cls, data: object) -> AuditCheckpoint:
        if not isinstance(data, dict) or data.get("kind") != CHECKPOINT_KIND:
            raise InvalidInput("not an audit checkpoint written by `watchkeeper audit checkpoint`")
        try:
            seq, digest = int(data["seq"]), str(data["hash"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"audit checkpoint: missing or bad field {exc}") from None
        if len(digest) != 64 or seq < 0:
            raise InvalidInput("audit checkpoint: bad sequence number or hash")
        return cls(seq, digest, str(data.get("at", "")), str(data.get("entry_at", "")))


@dataclass(frozen=True)
class AuditReport:
    entries: int
    head: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


#: `LIMIT` for all rows: both engines read a (big) number, neither the other's way of saying none.
NO_LIMIT = 1 << 62


class AuditLog:
    """The audit table of one SQLite connection; callers append inside their own transactions."""

    def __init__(self, db: Database) -> None:
        # The table is made by the store's migrations (`migrations.py`) when it is opened.
        self.db = db

    def append(
        self, actor: str, action: str, subject: str, detail: dict[str, object] | None = None
    ) -> AuditEntry:
        return self.append_many([(actor, action, subject, detail)])[0]

    def append_many(self, events: Sequence[AuditEvent]) -> list[AuditEntry]:
        """Chain several entries in order with one read of the tail and one batched insert.

        The caller holds the store's write lock (it is inside a write transaction), so the tail
        read here stays the tail until the entries are written: a run recording thousands of
        alerts costs two round trips to a database server, not two per alert.
        """
        if not events:
            return []
        row = self.db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (int(row[0]), str(row[1])) if row else (0, GENESIS)
        entries = []
        for actor, action, subject, detail in events:
            seq += 1
            at = datetime.now(UTC).isoformat(timespec="microseconds")
            text = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            digest = entry_hash(prev, seq, at, actor, action, subject, text)
            entries.append(AuditEntry(seq, at, actor, action, subject, text, prev, digest))
            prev = digest
        self.db.executemany(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(e.seq, e.at, e.actor, e.action, e.subject, e.detail, e.prev_hash, e.hash) for e in entries],
        )
        return entries

    def entries(self, limit: int | None = None, offset: int = 0) -> list[AuditEntry]:
        rows = self.db.execute(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit "
            "ORDER BY seq LIMIT ? OFFSET ?",
            (NO_LIMIT if limit is None else limit, offset),
        )
        return [AuditEntry(int(r[0]), *(str(v) for v in r[1:])) for r in rows]

    def checkpoint(self) -> AuditCheckpoint:
        row = self.db.execute("SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, digest, entry_at = (int(row[0]), str(row[1]), str(row[2])) if row else (0, GENESIS, "")
        return AuditCheckpoint(seq, digest, datetime.now(UTC).isoformat(timespec="seconds"), entry_at)

    def verify(self, checkpoint: AuditCheckpoint | None = None) -> AuditReport:
        """Walk the chain; name every row whose content or link does not hold, and — given a
        checkpoint kept elsewhere — whether the chain still passes through it."""
        report = self._walk()
        if checkpoint is None or checkpoint.seq == 0:
            return report
        row = self.db.execute("SELECT hash FROM audit WHERE seq = ?", (checkpoint.seq,)).fetchone()
        if row is None:
            problem = (
                f"entry {checkpoint.seq} of the checkpoint taken {checkpoint.at} is gone: "
                f"the trail has {report.entries} entries (entries were deleted)"
            )
        elif str(row[0]) != checkpoint.hash:
            problem = (
                f"entry {checkpoint.seq} no longer has the checkpoint's hash (taken {checkpoint.at}): "
                "entries up to it were changed and the chain recomputed"
            )
        else:
            return report
        return AuditReport(report.entries, report.head, (*report.problems, problem))

    def _walk(self) -> AuditReport:
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
