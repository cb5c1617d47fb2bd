"""Recorded sanctions actions: those read from documents and those entered by hand (announced, on
hold, withdrawn). Actions that list versions show are not stored: they are read from the versions'
changes when asked for. Each record and each status change is written with its audit entry in one
transaction.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from watchkeeper.errors import InvalidInput, NotFound
from watchkeeper.model.actions import (
    ACTION_STATUSES,
    ActionDocument,
    ActionParty,
    SanctionsAction,
    StatusChange,
)
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.db import connect, transaction

ID_PREFIX = "A"


def action_number(action_id: str) -> int:
    """`A12` → 12; anything else is not the id of a recorded action."""
    text = action_id.strip().upper()
    if not (text.startswith(ID_PREFIX) and text[1:].isdigit()):
        raise NotFound(f"{action_id!r} is not a recorded action (ids look like A12)")
    return int(text[1:])


class ActionStore:
    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = str(path)
        self._db = connect(path, create=create)
        self._audit = AuditLog(self._db)

    def close(self) -> None:
        self._db.close()

    def record(
        self, action: SanctionsAction, actor: str, texts: dict[str, str] | None = None
    ) -> SanctionsAction:
        """Store a new action (its id is given here), its documents' texts, parties and timeline."""
        texts = texts or {}
        with transaction(self._db):
            row = self._db.execute("SELECT COALESCE(MAX(number), 0) FROM sanctions_action").fetchone()
            number = int(row[0]) + 1
            self._db.execute(
                "INSERT INTO sanctions_action VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    number,
                    action.authority,
                    action.day.isoformat(),
                    action.kind,
                    action.title,
                    action.origin,
                    json.dumps(list(action.programs)),
                    action.note,
                    actor,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            self._db.executemany(
                "INSERT INTO action_document VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (number, i, d.name, d.sha256, d.format, d.title, d.url, texts.get(d.sha256, ""))
                    for i, d in enumerate(action.documents)
                ],
            )
            self._db.executemany(
                "INSERT INTO action_party VALUES (?, ?, ?)",
                [
                    (number, i, json.dumps(p.to_dict(), ensure_ascii=False))
                    for i, p in enumerate(action.parties)
                ],
            )
            for change in action.timeline:
                self._add_status(number, change)
            self._audit.append(
                actor,
                f"action.{action.origin}",
                f"{ID_PREFIX}{number}",
                {
                    "kind": action.kind,
                    "authority": action.authority,
                    "date": action.day.isoformat(),
                    "parties": [p.name for p in action.parties],
                    "documents": [d.sha256 for d in action.documents],
                },
            )
        return self.get(f"{ID_PREFIX}{number}")

    def add_status(self, action_id: str, change: StatusChange, actor: str) -> SanctionsAction:
        if change.status not in ACTION_STATUSES:
            raise InvalidInput(f"unknown status {change.status!r}; one of {', '.join(ACTION_STATUSES)}")
        number = action_number(action_id)
        with transaction(self._db):
            self.get(action_id)  # NotFound before anything is written
            self._add_status(number, change)
            self._audit.append(actor, "action.status", f"{ID_PREFIX}{number}", change.to_dict())
        return self.get(action_id)

    def _add_status(self, number: int, change: StatusChange) -> None:
        row = self._db.execute(
            "SELECT COALESCE(MAX(position), -1) FROM action_status WHERE number = ?", (number,)
        ).fetchone()
        self._db.execute(
            "INSERT INTO action_status VALUES (?, ?, ?, ?, ?, ?)",
            (number, int(row[0]) + 1, change.status, change.day.isoformat(), change.note, change.version),
        )

    def get(self, action_id: str) -> SanctionsAction:
        number = action_number(action_id)
        actions = self._read("WHERE number = ?", (number,))
        if not actions:
            raise NotFound(f"no action {action_id}")
        return actions[0]

    def all(self, since: date | None = None) -> list[SanctionsAction]:
        if since is None:
            return self._read("", ())
        return self._read("WHERE day >= ?", (since.isoformat(),))

    def revision(self) -> str:
        """Changes whenever an action is recorded or moves on (actions and status changes are only
        ever added): what a cached watch screener is checked against."""
        row = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM sanctions_action), (SELECT COUNT(*) FROM action_status)"
        ).fetchone()
        return f"{int(row[0])}.{int(row[1])}"

    def document_text(self, action_id: str, sha256: str) -> str:
        row = self._db.execute(
            "SELECT text FROM action_document WHERE number = ? AND sha256 = ?",
            (action_number(action_id), sha256),
        ).fetchone()
        if row is None:
            raise NotFound(f"no document {sha256[:12]}… in action {action_id}")
        return str(row[0])

    def _read(self, where: str, params: tuple[object, ...]) -> list[SanctionsAction]:
        rows = self._db.execute(
            "SELECT number, authority, day, kind, title, origin, programs, note, recorded_by "
            f"FROM sanctions_action {where} ORDER BY day, number",
            params,
        ).fetchall()
        if not rows:
            return []
        numbers = [int(r[0]) for r in rows]
        marks = ", ".join("?" for _ in numbers)
        documents: dict[int, list[ActionDocument]] = {n: [] for n in numbers}
        for n, name, sha, fmt, title, url in self._db.execute(
            f"SELECT number, name, sha256, format, title, url FROM action_document WHERE number IN ({marks}) "
            "ORDER BY number, position",
            tuple(numbers),
        ):
            documents[int(n)].append(ActionDocument(str(name), str(sha), str(fmt), str(title), url))
        parties: dict[int, list[ActionParty]] = {n: [] for n in numbers}
        for n, body in self._db.execute(
            f"SELECT number, body FROM action_party WHERE number IN ({marks}) ORDER BY number, position",
            tuple(numbers),
        ):
            parties[int(n)].append(_party(json.loads(body)))
        timeline: dict[int, list[StatusChange]] = {n: [] for n in numbers}
        for n, status, day, note, version in self._db.execute(
            f"SELECT number, status, day, note, version FROM action_status WHERE number IN ({marks}) "
            "ORDER BY number, position",
            tuple(numbers),
        ):
            timeline[int(n)].append(
                StatusChange(str(status), date.fromisoformat(str(day)), str(note), version)
            )
        return [
            SanctionsAction(
                id=f"{ID_PREFIX}{int(n)}",
                authority=str(authority),
                day=date.fromisoformat(str(day)),
                kind=str(kind),
                title=str(title),
                origin=str(origin),
                programs=tuple(json.loads(programs)),
                note=str(note),
                parties=tuple(parties[int(n)]),
                documents=tuple(documents[int(n)]),
                timeline=tuple(timeline[int(n)]),
                recorded_by=str(by),
            )
            for n, authority, day, kind, title, origin, programs, note, by in rows
        ]


def _party(body: dict[str, object]) -> ActionParty:
    score = body.get("score")
    return ActionParty(
        name=str(body["name"]),
        schema=str(body.get("schema") or ""),
        aliases=tuple(str(a) for a in body.get("aliases") or ()),  # type: ignore[attr-defined]
        imo=_text(body.get("imo")),
        countries=_codes(body.get("countries")),
        nationalities=_codes(body.get("nationalities")),
        address=_text(body.get("address")),
        standing=str(body.get("standing") or ""),
        entity_id=_text(body.get("entity_id")),
        score=float(score) if isinstance(score, int | float) else None,
        explanation=str(body.get("explanation") or ""),
        version=_text(body.get("version")),
    )


def _codes(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _text(value: object) -> str | None:
    return None if value is None else str(value)
