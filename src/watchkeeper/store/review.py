"""Screening runs, customers, alerts and decisions, in the store's SQLite file.

Every change here is written together with its audit entry, in one
transaction: there is no alert state without the record of who set it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from watchkeeper.errors import InvalidInput, NotFound
from watchkeeper.model import Entity, diff_entities
from watchkeeper.store.alert_decisions import ALERT_COLUMNS, AlertDecisions
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.db import connect, transaction
from watchkeeper.store.review_records import (
    CLOSED_STATES,
    FOUR_EYES_OUTCOMES,
    ONE_OFF_KINDS,
    Alert,
    Customer,
    Finding,
    RecordOutcome,
    RunRecord,
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ReviewStore(AlertDecisions):
    def __init__(
        self, path: Path | str, *, four_eyes: bool | Iterable[str] = False, create: bool = True
    ) -> None:
        self.path = str(path)
        self.db = connect(path, create=create)
        self.audit = AuditLog(self.db)
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
                    "INSERT INTO run_input VALUES (?, ?, ?) "
                    "ON CONFLICT (run_id, customer_id) DO UPDATE SET query = excluded.query",
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
                    "INSERT INTO result VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, customer_id, entity_id) "
                    "DO UPDATE SET score = excluded.score, explanation = excluded.explanation",
                    (run_id, customer_id, entity.id, score, json.dumps(explanation, ensure_ascii=False)),
                )
                digest = entity.content_hash()
                row = self.db.execute(
                    f"SELECT {ALERT_COLUMNS} FROM alert WHERE customer_id = ? AND entity_id = ?",
                    (customer_id, entity.id),
                ).fetchone()
                if row is None:
                    cursor = self.db.execute(
                        "INSERT INTO alert (customer_id, entity_id, state, score, entity_hash, raised_run, "
                        "last_run, "
                        "created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?) RETURNING id",
                        (customer_id, entity.id, score, digest, run_id, run_id, now, now),
                    )
                    alert_id = int(cursor.fetchone()[0])
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
        row = self.db.execute("SELECT body FROM entity_state WHERE hash = ?", (content_hash,)).fetchone()
        return Entity.from_dict(json.loads(row[0])) if row else None

    def rescreen_mark(self, source: str) -> int | None:
        row = self.db.execute("SELECT seq FROM rescreen_mark WHERE source = ?", (source,)).fetchone()
        return int(row[0]) if row else None

    def set_rescreen_mark(self, source: str, seq: int) -> None:
        self.db.execute(
            "INSERT INTO rescreen_mark VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET seq = excluded.seq",
            (source, seq),
        )
