"""Screening runs, customers, alerts and decisions, in the store's SQLite file.

Every change here is written together with its audit entry, in one
transaction: there is no alert state without the record of who set it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from watchkeeper.errors import InvalidInput, NotFound
from watchkeeper.match.screener import ScreeningMatch, ScreeningQuery, query_schema
from watchkeeper.model import Entity, FieldChange, diff_entities
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.db import connect, transaction

_DDL = """
CREATE TABLE IF NOT EXISTS run (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    lists TEXT NOT NULL,
    matcher TEXT NOT NULL,
    threshold REAL NOT NULL,
    rows INTEGER NOT NULL DEFAULT 0,
    alerts INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS customer (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    dob TEXT NOT NULL,
    country TEXT NOT NULL,
    identifier TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_input (
    run_id TEXT NOT NULL REFERENCES run (id),
    customer_id TEXT NOT NULL,
    query TEXT NOT NULL,
    PRIMARY KEY (run_id, customer_id)
);
CREATE TABLE IF NOT EXISTS result (
    run_id TEXT NOT NULL REFERENCES run (id),
    customer_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    score REAL NOT NULL,
    explanation TEXT NOT NULL,
    PRIMARY KEY (run_id, customer_id, entity_id)
);
CREATE TABLE IF NOT EXISTS alert (
    id INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    state TEXT NOT NULL,
    score REAL NOT NULL,
    entity_hash TEXT NOT NULL,
    raised_run TEXT NOT NULL,
    last_run TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (customer_id, entity_id)
);
CREATE INDEX IF NOT EXISTS alert_by_state ON alert (state, updated_at);
CREATE INDEX IF NOT EXISTS alert_by_entity ON alert (entity_id);
CREATE TABLE IF NOT EXISTS decision (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alert (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    confirmed_by TEXT,
    confirmed_at TEXT
);
CREATE TABLE IF NOT EXISTS good_guy (
    customer_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    entity_hash TEXT NOT NULL,
    decision_id INTEGER NOT NULL,
    PRIMARY KEY (customer_id, entity_id)
);
CREATE TABLE IF NOT EXISTS rescreen_mark (source TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS review_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customer_history (
    id INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    run_id TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS customer_history_by_customer ON customer_history (customer_id, id);
"""

#: Alert states. `…_pending` waits for a second user when four-eyes review covers that decision.
OPEN_STATES = ("open", "escalated", "true_match_pending", "false_positive_pending")
CLOSED_STATES = ("true_match", "false_positive", "closed", "delisted")
OUTCOMES = ("true_match", "false_positive", "escalated", "closed")
#: Decisions four-eyes review can cover; by default both: a true match is final, and a false
#: positive suppresses every later alert on the pair (the good-guy list).
FOUR_EYES_OUTCOMES = ("true_match", "false_positive")
#: Subjects of a run that are not customers: screened once, never re-screened.
ONE_OFF_KINDS = ("payment", "shipment")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    type: str = ""
    dob: str = ""
    country: str = ""
    identifier: str = ""

    def query(self) -> ScreeningQuery:
        return ScreeningQuery(
            name=self.name,
            schema=query_schema(self.type),
            birth_date=self.dob or None,
            country=self.country or None,
            identifier=self.identifier or None,
            id=self.id,
        )


@dataclass(frozen=True)
class Alert:
    id: int
    customer_id: str
    entity_id: str
    state: str
    score: float
    entity_hash: str
    raised_run: str
    last_run: str
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Decision:
    id: int
    alert_id: int
    at: str
    actor: str
    outcome: str
    reason: str
    confirmed_by: str | None
    confirmed_at: str | None


@dataclass(frozen=True)
class RunRecord:
    id: str
    kind: str
    started_at: str
    actor: str
    lists: list[dict[str, object]]
    matcher: str
    threshold: float
    rows: int
    alerts: int
    note: str


#: One result to record: customer id, the listed entity as screened, score, explanation.
Finding = tuple[str, Entity, float, dict[str, object]]


def finding(customer_id: str, match: ScreeningMatch) -> Finding:
    return (customer_id, match.entity, match.score, match.explanation.to_dict())


@dataclass
class RecordOutcome:
    """What recording one run's results did to the alerts."""

    raised: list[int]
    reopened: list[tuple[int, tuple[FieldChange, ...]]]
    suppressed: int
    updated: int


_ALERT_COLUMNS = (
    "id, customer_id, entity_id, state, score, entity_hash, raised_run, last_run, created_at, updated_at"
)


class ReviewStore:
    def __init__(
        self, path: Path | str, *, four_eyes: bool | Iterable[str] = False, create: bool = True
    ) -> None:
        self.path = str(path)
        self.db = connect(path, _DDL, create=create)
        self.audit = AuditLog(self.db, create=create)
        #: The outcomes a second user must confirm (True: all that four-eyes can cover).
        self.four_eyes: frozenset[str] = (
            frozenset(FOUR_EYES_OUTCOMES if four_eyes else ())
            if isinstance(four_eyes, bool)
            else frozenset(four_eyes)
        )
        unknown = self.four_eyes - set(FOUR_EYES_OUTCOMES)
        if unknown:
            raise InvalidInput(
                f"four-eyes review covers {', '.join(FOUR_EYES_OUTCOMES)}, not {sorted(unknown)}"
            )

    def close(self) -> None:
        self.db.close()

    def transaction(self) -> AbstractContextManager[None]:
        return transaction(self.db)

    # -- runs and customers -------------------------------------------------------

    def start_run(
        self,
        run_id: str,
        *,
        kind: str,
        actor: str,
        lists: Sequence[dict[str, object]],
        matcher: str,
        threshold: float,
    ) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO run (id, kind, started_at, actor, lists, matcher, threshold) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, kind, _now(), actor, json.dumps(list(lists)), matcher, threshold),
            )
            self.audit.append(
                actor, "run.start", run_id, {"kind": kind, "lists": list(lists), "threshold": threshold}
            )

    def finish_run(self, run_id: str, actor: str, rows: int, alerts: int, note: str = "") -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE run SET rows = ?, alerts = ?, note = ? WHERE id = ?", (rows, alerts, note, run_id)
            )
            self.audit.append(actor, "run.finish", run_id, {"rows": rows, "alerts": alerts, "note": note})

    def run(self, run_id: str) -> RunRecord:
        row = self.db.execute(
            "SELECT id, kind, started_at, actor, lists, matcher, threshold, rows, alerts, note "
            "FROM run WHERE id = ?",
            (run_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no run {run_id!r}")
        return RunRecord(
            row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], row[7], row[8], row[9]
        )

    def runs(self) -> list[RunRecord]:
        ids = [r[0] for r in self.db.execute("SELECT id FROM run ORDER BY started_at, id")]
        return [self.run(i) for i in ids]

    def save_customers(self, customers: Iterable[Customer], run_id: str, actor: str = "system") -> int:
        """Keep the screened parties by their ids, and each run's input as screened (to reproduce it).

        A stored customer whose data changes keeps its earlier data in its history, with an audit
        entry (before and after); any new or changed customer moves `customers_state`, so the
        customers' index for delta re-screening is rebuilt.
        """
        now = _now()
        count = 0
        changed = 0
        with self.transaction():
            for c in customers:
                before = self._stored_customer(c.id)
                if before is None:
                    self.db.execute(
                        "INSERT INTO customer VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (c.id, c.name, c.type, c.dob, c.country, c.identifier, now),
                    )
                    changed += c.type not in ONE_OFF_KINDS
                elif before != c:
                    self.db.execute(
                        "UPDATE customer SET name = ?, type = ?, dob = ?, country = ?, identifier = ?, "
                        "updated_at = ? WHERE id = ?",
                        (c.name, c.type, c.dob, c.country, c.identifier, now, c.id),
                    )
                    self.db.execute(
                        "INSERT INTO customer_history (customer_id, changed_at, actor, run_id, before, "
                        "after) VALUES (?, ?, ?, ?, ?, ?)",
                        (c.id, now, actor, run_id, json.dumps(before.__dict__), json.dumps(c.__dict__)),
                    )
                    self.audit.append(
                        actor,
                        "customer.change",
                        f"customer:{c.id}",
                        {"run": run_id, "before": before.__dict__, "after": c.__dict__},
                    )
                    changed += c.type not in ONE_OFF_KINDS
                self.db.execute(
                    "INSERT OR REPLACE INTO run_input VALUES (?, ?, ?)",
                    (run_id, c.id, json.dumps(c.__dict__)),
                )
                count += 1
            if changed:
                state = hashlib.sha256(f"{self.customers_state()}|{run_id}|{now}|{changed}".encode())
                self.db.execute(
                    "INSERT INTO review_meta VALUES ('customers_state', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (state.hexdigest(),),
                )
        return count

    def _stored_customer(self, customer_id: str) -> Customer | None:
        row = self.db.execute(
            "SELECT id, name, type, dob, country, identifier FROM customer WHERE id = ?", (customer_id,)
        ).fetchone()
        return Customer(*row) if row else None

    def changes_customer(self, customer: Customer) -> bool:
        """Whether saving `customer` would change a stored customer's data (a new one changes nothing)."""
        before = self._stored_customer(customer.id)
        return before is not None and before != customer

    def customer_history(self, customer_id: str) -> list[dict[str, object]]:
        """Every change of a customer's data: when, by whom, in which run, before and after."""
        rows = self.db.execute(
            "SELECT changed_at, actor, run_id, before, after FROM customer_history "
            "WHERE customer_id = ? ORDER BY id",
            (customer_id,),
        )
        return [
            {"at": r[0], "actor": r[1], "run": r[2], "before": json.loads(r[3]), "after": json.loads(r[4])}
            for r in rows
        ]

    def customers_state(self) -> str:
        """A key that changes whenever the stored customers change."""
        row = self.db.execute("SELECT value FROM review_meta WHERE key = 'customers_state'").fetchone()
        return hashlib.sha256(str(row[0] if row else "").encode()).hexdigest()[:24]

    def customers(self) -> list[Customer]:
        """The parties kept for re-screening (payment messages and shipments are one-off subjects)."""
        rows = self.db.execute(
            "SELECT id, name, type, dob, country, identifier FROM customer "
            f"WHERE type NOT IN ({', '.join('?' for _ in ONE_OFF_KINDS)}) ORDER BY id",
            ONE_OFF_KINDS,
        )
        return [Customer(*r) for r in rows]

    def customer(self, customer_id: str) -> Customer:
        row = self.db.execute(
            "SELECT id, name, type, dob, country, identifier FROM customer WHERE id = ?", (customer_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no customer {customer_id!r}")
        return Customer(*row)

    def customer_name(self, customer_id: str) -> str:
        row = self.db.execute("SELECT name FROM customer WHERE id = ?", (customer_id,)).fetchone()
        return str(row[0]) if row else customer_id

    def latest_explanation(self, customer_id: str, entity_id: str) -> dict[str, object]:
        """The explanation of the newest stored result for a pair (empty when none was stored)."""
        row = self.db.execute(
            "SELECT r.explanation FROM result r JOIN run ON run.id = r.run_id "
            "WHERE r.customer_id = ? AND r.entity_id = ? ORDER BY run.started_at DESC, run.id DESC LIMIT 1",
            (customer_id, entity_id),
        ).fetchone()
        found = json.loads(row[0]) if row else {}
        return found if isinstance(found, dict) else {}

    def run_inputs(self, run_id: str) -> list[Customer]:
        rows = self.db.execute("SELECT query FROM run_input WHERE run_id = ? ORDER BY customer_id", (run_id,))
        return [Customer(**json.loads(r[0])) for r in rows]

    def results(self, run_id: str) -> set[tuple[str, str, float]]:
        rows = self.db.execute("SELECT customer_id, entity_id, score FROM result WHERE run_id = ?", (run_id,))
        return {(str(c), str(e), float(s)) for c, e, s in rows}

    # -- alerts --------------------------------------------------------------------

    def record(
        self,
        run_id: str,
        actor: str,
        found: Iterable[Finding],
        previous: dict[str, Entity] | None = None,
    ) -> RecordOutcome:
        """Store a run's results and raise, update, suppress or reopen alerts.

        `previous` maps entity ids to the state a false-positive decision was
        taken on, when the caller has it; otherwise it is read from the list store.
        """
        outcome = RecordOutcome([], [], 0, 0)
        now = _now()
        with self.transaction():
            for customer_id, entity, score, explanation in found:
                self.db.execute(
                    "INSERT OR REPLACE INTO result VALUES (?, ?, ?, ?, ?)",
                    (run_id, customer_id, entity.id, score, json.dumps(explanation, ensure_ascii=False)),
                )
                digest = entity.content_hash()
                row = self.db.execute(
                    f"SELECT {_ALERT_COLUMNS} FROM alert WHERE customer_id = ? AND entity_id = ?",
                    (customer_id, entity.id),
                ).fetchone()
                if row is None:
                    cursor = self.db.execute(
                        "INSERT INTO alert (customer_id, entity_id, state, score, entity_hash, raised_run, "
                        "last_run, "
                        "created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?)",
                        (customer_id, entity.id, score, digest, run_id, run_id, now, now),
                    )
                    alert_id = int(cursor.lastrowid or 0)
                    outcome.raised.append(alert_id)
                    self.audit.append(
                        actor,
                        "alert.raise",
                        f"alert:{alert_id}",
                        {"customer": customer_id, "entity": entity.id, "score": score, "run": run_id},
                    )
                    continue
                alert = Alert(*row)
                good_guy = self.db.execute(
                    "SELECT entity_hash FROM good_guy WHERE customer_id = ? AND entity_id = ?",
                    (customer_id, entity.id),
                ).fetchone()
                if good_guy is not None and good_guy[0] == digest:
                    outcome.suppressed += 1  # decided a false positive on this very listing
                    self.db.execute("UPDATE alert SET last_run = ? WHERE id = ?", (run_id, alert.id))
                    continue
                if good_guy is not None or (alert.state in CLOSED_STATES and alert.entity_hash != digest):
                    before = (previous or {}).get(entity.id) or self._state(
                        str(good_guy[0]) if good_guy else alert.entity_hash
                    )
                    changes = diff_entities(before, entity) if before is not None else ()
                    self.db.execute(
                        "DELETE FROM good_guy WHERE customer_id = ? AND entity_id = ?",
                        (customer_id, entity.id),
                    )
                    self.db.execute(
                        "UPDATE alert SET state = 'open', score = ?, entity_hash = ?, last_run = ?, "
                        "updated_at = ? "
                        "WHERE id = ?",
                        (score, digest, run_id, now, alert.id),
                    )
                    outcome.reopened.append((alert.id, changes))
                    self.audit.append(
                        actor,
                        "alert.reopen",
                        f"alert:{alert.id}",
                        {
                            "run": run_id,
                            "reason": "the listed entity changed",
                            "changes": [c.to_dict() for c in changes],
                        },
                    )
                    continue
                self.db.execute(
                    "UPDATE alert SET score = ?, last_run = ?, updated_at = ? WHERE id = ?",
                    (score, run_id, now, alert.id),
                )
                outcome.updated += 1
        return outcome

    def _state(self, content_hash: str) -> Entity | None:
        try:
            row = self.db.execute("SELECT body FROM entity_state WHERE hash = ?", (content_hash,)).fetchone()
        except sqlite3.OperationalError:
            return None  # no list store in this file
        return Entity.from_dict(json.loads(row[0])) if row else None

    def alert(self, alert_id: int) -> Alert:
        row = self.db.execute(f"SELECT {_ALERT_COLUMNS} FROM alert WHERE id = ?", (alert_id,)).fetchone()
        if row is None:
            raise NotFound(f"no alert {alert_id}")
        return Alert(*row)

    def alerts(
        self,
        states: Sequence[str] | None = None,
        entity_id: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[Alert]:
        clauses, params = [], []
        if states:
            clauses.append(f"state IN ({', '.join('?' for _ in states)})")
            params += list(states)
        if entity_id:
            clauses.append("entity_id = ?")
            params.append(entity_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(
            f"SELECT {_ALERT_COLUMNS} FROM alert {where} ORDER BY id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [Alert(*r) for r in rows]

    def decisions(self, alert_id: int) -> list[Decision]:
        rows = self.db.execute(
            "SELECT id, alert_id, at, actor, outcome, reason, confirmed_by, confirmed_at FROM decision "
            "WHERE alert_id = ? ORDER BY id",
            (alert_id,),
        )
        return [Decision(*r) for r in rows]

    def decide(self, alert_id: int, outcome: str, reason: str, actor: str) -> Alert:
        """An analyst's decision; a reason is required. A false positive goes on the good-guy list."""
        if outcome not in OUTCOMES:
            raise InvalidInput(f"decision {outcome!r}: one of {', '.join(OUTCOMES)}")
        if not reason.strip():
            raise InvalidInput("a decision needs a reason")
        if not actor.strip():
            raise InvalidInput("a decision needs the deciding user")
        with self.transaction():
            alert = self.alert(alert_id)
            if alert.state not in OPEN_STATES:
                raise InvalidInput(
                    f"alert {alert_id} is {alert.state}; only open or escalated alerts can be decided"
                )
            if alert.state.endswith("_pending"):
                raise InvalidInput(f"alert {alert_id} waits for a second user to confirm its decision")
            state = f"{outcome}_pending" if outcome in self.four_eyes else outcome
            cursor = self.db.execute(
                "INSERT INTO decision (alert_id, at, actor, outcome, reason) VALUES (?, ?, ?, ?, ?)",
                (alert_id, _now(), actor, outcome, reason.strip()),
            )
            decision_id = int(cursor.lastrowid or 0)
            self.db.execute(
                "UPDATE alert SET state = ?, updated_at = ? WHERE id = ?", (state, _now(), alert_id)
            )
            if state == "false_positive":  # final: later alerts on the pair are suppressed
                self._add_good_guy(alert, decision_id)
            self.audit.append(
                actor,
                "alert.decide",
                f"alert:{alert_id}",
                {"outcome": outcome, "state": state, "reason": reason.strip(), "decision": decision_id},
            )
        return self.alert(alert_id)

    def _add_good_guy(self, alert: Alert, decision_id: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO good_guy VALUES (?, ?, ?, ?)",
            (alert.customer_id, alert.entity_id, alert.entity_hash, decision_id),
        )

    def confirm(self, alert_id: int, actor: str) -> Alert:
        """Four-eyes: a second user makes a pending decision (true match, false positive) final."""
        with self.transaction():
            alert = self.alert(alert_id)
            if not alert.state.endswith("_pending"):
                raise InvalidInput(f"alert {alert_id} is {alert.state}; only a pending decision is confirmed")
            outcome = alert.state.removesuffix("_pending")
            pending = [
                d for d in self.decisions(alert_id) if d.outcome == outcome and d.confirmed_by is None
            ][-1]
            if pending.actor == actor:
                raise InvalidInput(f"{actor} made the decision; a second user must confirm it")
            self.db.execute(
                "UPDATE decision SET confirmed_by = ?, confirmed_at = ? WHERE id = ?",
                (actor, _now(), pending.id),
            )
            self.db.execute(
                "UPDATE alert SET state = ?, updated_at = ? WHERE id = ?", (outcome, _now(), alert_id)
            )
            if outcome == "false_positive":
                self._add_good_guy(alert, pending.id)
            self.audit.append(actor, "alert.confirm", f"alert:{alert_id}", {"decision": pending.id})
        return self.alert(alert_id)

    def close_delisted(
        self, entity_ids: Iterable[str], version_label: str, actor: str = "system"
    ) -> list[int]:
        """Open alerts on entities removed from their list are closed as delisted, the version as evidence."""
        closed = []
        with self.transaction():
            for entity_id in entity_ids:
                for alert in self.alerts(OPEN_STATES, entity_id=entity_id):
                    self.db.execute(
                        "UPDATE alert SET state = 'delisted', updated_at = ? WHERE id = ?", (_now(), alert.id)
                    )
                    self.audit.append(
                        actor,
                        "alert.delisted",
                        f"alert:{alert.id}",
                        {"entity": entity_id, "evidence": f"removed in {version_label}"},
                    )
                    closed.append(alert.id)
        return closed

    def rescreen_mark(self, source: str) -> int | None:
        row = self.db.execute("SELECT seq FROM rescreen_mark WHERE source = ?", (source,)).fetchone()
        return int(row[0]) if row else None

    def set_rescreen_mark(self, source: str, seq: int) -> None:
        self.db.execute(
            "INSERT INTO rescreen_mark VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET seq = excluded.seq",
            (source, seq),
        )
