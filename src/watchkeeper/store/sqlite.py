"""The embedded SQLite list store.

Entity states are stored once per distinct content (keyed by SHA-256 of
their canonical JSON), and listing is kept as periods: a `membership` row
says "entity E had state H from version F until version T (exclusive)".
A version that leaves an entity unchanged writes nothing for it, and the
state of any entity in any version is one indexed lookup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from hashlib import sha256
from pathlib import Path

from watchkeeper.errors import AlreadyImported, ImportRejected, ListFormatError, NotFound
from watchkeeper.model import Entity, EntityChange, FieldChange, ListVersion, diff_entities, split_entity_id
from watchkeeper.sources.base import ListSnapshot, PendingEntity, paused_gc
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.base import DEFAULT_MAX_SHRINK, ImportResult, ListDiff, ListingAnswer
from watchkeeper.store.db import connect, transaction
from watchkeeper.store.list_schema import SCHEMA_VERSION, VERSION_COLUMNS, version_from_row


class SqliteStore:
    """`ListStore` over one SQLite file (or `:memory:`)."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        """Open (and with `create`, set up) the store. A server opens one connection per
        thread with `create=False`: no schema statements, which take locks that would make
        a burst of new threads wait on each other."""
        self.path = str(path)
        self._db = connect(path, create=create)
        self._audit = AuditLog(self._db)
        if not create:
            return
        with self._transaction():
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) != SCHEMA_VERSION:
                raise ImportRejected(
                    f"{self.path}: store schema {row[0]}, this Watchkeeper needs {SCHEMA_VERSION}"
                )

    def _transaction(self) -> AbstractContextManager[None]:
        return transaction(self._db)

    def close(self) -> None:
        self._db.close()

    # -- import -----------------------------------------------------------

    def import_snapshot(
        self,
        snapshot: ListSnapshot,
        *,
        allow_shrink: bool = False,
        max_shrink: float = DEFAULT_MAX_SHRINK,
        actor: str = "system",
    ) -> ImportResult:
        pending: dict[str, PendingEntity] = {}
        prefix = f"{snapshot.source}:"
        for item in snapshot.pending:
            if not item.id.startswith(prefix):
                raise ImportRejected(
                    f"{snapshot.path}: entity {item.id} is not from source {snapshot.source}"
                )
            if item.id in pending:
                raise ListFormatError(snapshot.path, item.id, "entity listed twice in one file")
            pending[item.id] = item
        if not pending:
            raise ListFormatError(snapshot.path, "", "file holds no records; nothing imported")
        with self._transaction(), paused_gc():
            source = snapshot.source
            self._reject_duplicate(snapshot)
            latest = self._latest(source)
            if latest is not None and snapshot.published < latest.published:
                raise ImportRejected(
                    f"{snapshot.path}: published {snapshot.published}, older than the newest "
                    f"version {latest.label}; import versions in publication order"
                )
            current: dict[str, tuple[str, str]] = {
                entity_id: (content_hash, key)
                for entity_id, content_hash, key in self._db.execute(
                    "SELECT entity_id, hash, record_key FROM membership WHERE source = ? AND to_seq IS NULL",
                    (source,),
                )
            }
            if not snapshot.partial and current and not allow_shrink:
                floor = len(current) * (1 - max_shrink)
                if len(pending) < floor:
                    raise ImportRejected(
                        f"{snapshot.path}: {len(pending)} records against {len(current)} listed now "
                        f"(a drop of {1 - len(pending) / len(current):.0%}, more than {max_shrink:.0%}); "
                        "a truncated download? Use --allow-shrink if the drop is real"
                    )
            # Only records the store does not already hold are built and hashed.
            incoming: dict[str, Entity] = {}
            bodies: dict[str, str] = {}
            hashes: dict[str, str] = {}
            keys: dict[str, str] = {}
            for entity_id, item in pending.items():
                key = item.record_key
                held = current.get(entity_id)
                if held is not None and held[1] == key:
                    continue
                keys[entity_id] = key
                entity = item.build()
                incoming[entity_id] = entity
                bodies[entity_id] = entity.canonical_json()
                hashes[entity_id] = sha256(bodies[entity_id].encode()).hexdigest()
            added = [i for i in incoming if i not in current]
            amended = [i for i in incoming if i in current and current[i][0] != hashes[i]]
            # Same content under a new record key (a reformatted row, a new parser): no new state.
            rekeyed = [i for i in incoming if i in current and current[i][0] == hashes[i]]
            removed = [] if snapshot.partial else [i for i in current if i not in pending]
            seq = latest.seq + 1 if latest is not None else 1
            version = ListVersion(
                source=source,
                seq=seq,
                published=snapshot.published,
                sha256=snapshot.sha256,
                imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
                record_count=len(pending),
                listed_count=len(current) + len(added) - len(removed),
                partial=snapshot.partial,
                path=snapshot.path,
                format=snapshot.format,
                added=len(added),
                removed=len(removed),
                amended=len(amended),
            )
            self._db.execute(
                f"INSERT INTO list_version ({VERSION_COLUMNS}) VALUES ({','.join('?' * 13)})",
                tuple(version.to_dict().values()),
            )
            self._db.executemany(
                "INSERT INTO entity_state VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                (
                    (hashes[i], i, incoming[i].schema, incoming[i].caption, bodies[i])
                    for i in (*added, *amended)
                ),
            )
            before = self._states({current[i][0] for i in (*amended, *removed)})
            self._db.executemany(
                "UPDATE membership SET to_seq = ? WHERE entity_id = ? AND to_seq IS NULL",
                ((seq, i) for i in (*amended, *removed)),
            )
            self._db.executemany(
                "UPDATE membership SET record_key = ? WHERE entity_id = ? AND to_seq IS NULL",
                ((keys[i], i) for i in rekeyed),
            )
            self._db.executemany(
                "INSERT INTO membership (source, entity_id, hash, record_key, from_seq) "
                "VALUES (?, ?, ?, ?, ?)",
                ((source, i, hashes[i], keys[i], seq) for i in (*added, *amended)),
            )
            changes = [EntityChange(i, "added", incoming[i].caption) for i in added]
            changes += [
                EntityChange(
                    i, "amended", incoming[i].caption, diff_entities(before[current[i][0]], incoming[i])
                )
                for i in amended
            ]
            changes += [EntityChange(i, "removed", before[current[i][0]].caption) for i in removed]
            self._db.executemany(
                "INSERT INTO change VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (
                        source,
                        seq,
                        c.entity_id,
                        c.kind,
                        c.caption,
                        json.dumps([f.to_dict() for f in c.fields]) if c.fields else "[]",
                    )
                    for c in changes
                ),
            )
            self._db.notify_change()
            self._audit.append(
                actor,
                "list.import",
                version.label,
                {
                    "sha256": version.sha256,
                    "records": version.record_count,
                    "added": version.added,
                    "removed": version.removed,
                    "amended": version.amended,
                    "file": Path(version.path).name,
                },
            )
        return ImportResult(version=version, changes=tuple(changes))

    def _reject_duplicate(self, snapshot: ListSnapshot) -> None:
        row = self._db.execute(
            f"SELECT {VERSION_COLUMNS} FROM list_version WHERE source = ? AND sha256 = ?",
            (snapshot.source, snapshot.sha256),
        ).fetchone()
        if row is not None:
            version = version_from_row(row)
            raise AlreadyImported(
                f"{snapshot.path}: this file (sha256 {snapshot.sha256[:12]}…) was already imported "
                f"as {version.label} on {version.imported_at}"
            )

    def _states(self, hashes: set[str]) -> dict[str, Entity]:
        out: dict[str, Entity] = {}
        ordered = list(hashes)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            rows = self._db.execute(
                f"SELECT hash, body FROM entity_state WHERE hash IN ({','.join('?' * len(chunk))})", chunk
            )
            for content_hash, body in rows:
                out[content_hash] = Entity.from_dict(json.loads(body))
        return out

    # -- versions ---------------------------------------------------------

    def _latest(self, source: str) -> ListVersion | None:
        row = self._db.execute(
            f"SELECT {VERSION_COLUMNS} FROM list_version WHERE source = ? ORDER BY seq DESC LIMIT 1",
            (source,),
        ).fetchone()
        return version_from_row(row) if row else None

    def sources(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT source FROM list_version ORDER BY source")]

    def versions(self, source: str) -> list[ListVersion]:
        rows = self._db.execute(
            f"SELECT {VERSION_COLUMNS} FROM list_version WHERE source = ? ORDER BY seq", (source,)
        ).fetchall()
        return [version_from_row(r) for r in rows]

    def version(self, source: str, seq: int | None = None) -> ListVersion:
        if seq is None:
            latest = self._latest(source)
            if latest is None:
                raise NotFound(f"no versions of source {source!r} in the store")
            return latest
        if not 0 <= seq < 1 << 62:  # SQLite integers are 64-bit; no version has such a number
            raise NotFound(f"source {source!r} has no version {seq}")
        row = self._db.execute(
            f"SELECT {VERSION_COLUMNS} FROM list_version WHERE source = ? AND seq = ?", (source, seq)
        ).fetchone()
        if row is None:
            raise NotFound(f"source {source!r} has no version {seq}")
        return version_from_row(row)

    def version_on(self, source: str, on: date) -> ListVersion | None:
        """The version in force on a date: the newest published on or before it."""
        row = self._db.execute(
            f"SELECT {VERSION_COLUMNS} FROM list_version WHERE source = ? AND published <= ? "
            "ORDER BY seq DESC LIMIT 1",
            (source, on.isoformat()),
        ).fetchone()
        return version_from_row(row) if row else None

    # -- entities ---------------------------------------------------------

    def _members(self, source: str, seq: int) -> dict[str, str]:
        return dict(
            self._db.execute(
                "SELECT entity_id, hash FROM membership WHERE source = ? AND from_seq <= ? "
                "AND (to_seq IS NULL OR to_seq > ?)",
                (source, seq, seq),
            ).fetchall()
        )

    def entities(self, source: str, seq: int | None = None) -> Iterator[Entity]:
        at = self.version(source, seq).seq
        rows = self._db.execute(
            "SELECT s.body FROM membership m JOIN entity_state s ON s.hash = m.hash "
            "WHERE m.source = ? AND m.from_seq <= ? AND (m.to_seq IS NULL OR m.to_seq > ?) "
            "ORDER BY m.entity_id",
            (source, at, at),
        )
        for (body,) in rows:
            yield Entity.from_dict(json.loads(body))

    def counts_by_schema(self, source: str, seq: int | None = None) -> dict[str, int]:
        at = self.version(source, seq).seq
        rows = self._db.execute(
            "SELECT s.schema, COUNT(*) FROM membership m JOIN entity_state s ON s.hash = m.hash "
            "WHERE m.source = ? AND m.from_seq <= ? AND (m.to_seq IS NULL OR m.to_seq > ?) GROUP BY s.schema",
            (source, at, at),
        )
        return {str(schema): int(count) for schema, count in rows}

    def _state_at(self, entity_id: str, seq: int) -> tuple[Entity, int] | None:
        row = self._db.execute(
            "SELECT s.body, m.from_seq FROM membership m JOIN entity_state s ON s.hash = m.hash "
            "WHERE m.entity_id = ? AND m.from_seq <= ? AND (m.to_seq IS NULL OR m.to_seq > ?)",
            (entity_id, seq, seq),
        ).fetchone()
        return (Entity.from_dict(json.loads(row[0])), int(row[1])) if row else None

    def entity(self, entity_id: str, as_of: date | None = None) -> Entity:
        source, _ = split_entity_id(entity_id)
        if as_of is None:
            row = self._db.execute(
                "SELECT s.body FROM membership m JOIN entity_state s ON s.hash = m.hash "
                "WHERE m.entity_id = ? ORDER BY m.from_seq DESC LIMIT 1",
                (entity_id,),
            ).fetchone()
            if row is None:
                raise NotFound(f"{entity_id} is not in the store")
            return Entity.from_dict(json.loads(row[0]))
        version = self.version_on(source, as_of)
        found = self._state_at(entity_id, version.seq) if version else None
        if found is None:
            raise NotFound(f"{entity_id} was not listed on {as_of.isoformat()}")
        return found[0]

    def was_listed(self, entity_id: str, on: date) -> ListingAnswer:
        source, _ = split_entity_id(entity_id)
        version = self.version_on(source, on)
        if version is None:
            return ListingAnswer(entity_id, on, False, None, None, None)
        found = self._state_at(entity_id, version.seq)
        if found is None:
            return ListingAnswer(entity_id, on, False, version, None, None)
        entity, from_seq = found
        # Walk back over amendments to the version that started this listing period.
        while True:
            row = self._db.execute(
                "SELECT from_seq FROM membership WHERE entity_id = ? AND to_seq = ?", (entity_id, from_seq)
            ).fetchone()
            if row is None:
                break
            from_seq = int(row[0])
        return ListingAnswer(entity_id, on, True, version, entity, self.version(source, from_seq))

    def history(self, entity_id: str) -> list[tuple[ListVersion, ListVersion | None, Entity]]:
        """Every state of an entity: (from version, until version or None, state)."""
        source, _ = split_entity_id(entity_id)
        rows = self._db.execute(
            "SELECT m.from_seq, m.to_seq, s.body FROM membership m JOIN entity_state s ON s.hash = m.hash "
            "WHERE m.entity_id = ? ORDER BY m.from_seq",
            (entity_id,),
        ).fetchall()
        return [
            (
                self.version(source, int(f)),
                self.version(source, int(t)) if t is not None else None,
                Entity.from_dict(json.loads(b)),
            )
            for f, t, b in rows
        ]

    # -- diffs ------------------------------------------------------------

    def diff(self, source: str, before: int | None = None, after: int | None = None) -> ListDiff:
        after_version = self.version(source, after)
        before_seq = before if before is not None else after_version.seq - 1
        if before_seq >= after_version.seq:
            raise NotFound(f"diff needs an earlier FROM than TO (got {before_seq} → {after_version.seq})")
        before_version = self.version(source, before_seq) if before_seq >= 1 else None
        if before_seq == after_version.seq - 1:
            rows = self._db.execute(
                "SELECT entity_id, kind, caption, fields FROM change WHERE source = ? AND seq = ? "
                "ORDER BY kind, entity_id",
                (source, after_version.seq),
            )
            changes = tuple(
                EntityChange(
                    str(i),
                    str(k),
                    str(c),
                    tuple(
                        FieldChange(f["field"], tuple(f["before"]), tuple(f["after"]))
                        for f in json.loads(fields)
                    ),
                )
                for i, k, c, fields in rows
            )
            return ListDiff(source, before_version, after_version, changes)
        old = self._members(source, before_seq) if before_version else {}
        new = self._members(source, after_version.seq)
        states = self._states(
            {h for i, h in old.items() if new.get(i) != h} | {h for i, h in new.items() if old.get(i) != h}
        )
        result: list[EntityChange] = []
        for entity_id in sorted(set(old) | set(new)):
            if entity_id not in old:
                result.append(EntityChange(entity_id, "added", states[new[entity_id]].caption))
            elif entity_id not in new:
                result.append(EntityChange(entity_id, "removed", states[old[entity_id]].caption))
            elif old[entity_id] != new[entity_id]:
                after_state = states[new[entity_id]]
                fields = diff_entities(states[old[entity_id]], after_state)
                result.append(EntityChange(entity_id, "amended", after_state.caption, fields))
        result.sort(key=lambda c: (c.kind, c.entity_id))
        return ListDiff(source, before_version, after_version, tuple(result))

    def dump(self) -> list[str]:
        """Every row of every table of the store as text, in a fixed order, to compare states in tests."""
        return [
            f"{table}: {line}"
            for table in self._db.tables()
            for line in sorted(repr(tuple(row)) for row in self._db.execute(f"SELECT * FROM {table}"))
        ]
