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
from watchkeeper.model import Entity
from watchkeeper.store.alert_decisions import AlertDecisions
from watchkeeper.store.alert_recording import in_chunks, record_findings
from watchkeeper.store.audit import AuditEvent, AuditLog
from watchkeeper.store.db import connect, transaction
from watchkeeper.store.review_records import (
    FOUR_EYES_OUTCOMES,
    ONE_OFF_KINDS,
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
        subjects = list(customers)
        with self.transaction():  # read inside it: no other writer can add a customer meanwhile
            stored = self._stored_customers(sorted({c.id for c in subjects}))
            added: list[Customer] = []
            amended: list[Customer] = []
            history: list[tuple[str, str, str, str, str, str]] = []
            events: list[AuditEvent] = []
            changed = 0
            for c in subjects:  # in order, so an id given twice is added, then amended, as row by row
                before = stored.get(c.id)
                if before is None:
                    added.append(c)
                elif before != c:
                    amended.append(c)
                    history.append(
                        (c.id, now, actor, run_id, json.dumps(before.__dict__), json.dumps(c.__dict__))
                    )
                    change = {"run": run_id, "before": before.__dict__, "after": c.__dict__}
                    events.append((actor, "customer.change", f"customer:{c.id}", dict(change)))
                else:
                    continue
                stored[c.id] = c
                changed += c.type not in ONE_OFF_KINDS
            self.db.executemany(
                "INSERT INTO customer VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(c.id, c.name, c.type, c.dob, c.country, c.identifier, now) for c in added],
            )
            self.db.executemany(
                "UPDATE customer SET name = ?, type = ?, dob = ?, country = ?, identifier = ?, "
                "updated_at = ? WHERE id = ?",
                [(c.name, c.type, c.dob, c.country, c.identifier, now, c.id) for c in amended],
            )
            self.db.executemany(
                "INSERT INTO customer_history (customer_id, changed_at, actor, run_id, before, "
                "after) VALUES (?, ?, ?, ?, ?, ?)",
                history,
            )
            self.audit.append_many(events)
            self.db.executemany(
                "INSERT INTO run_input VALUES (?, ?, ?) "
                "ON CONFLICT (run_id, customer_id) DO UPDATE SET query = excluded.query",
                [(run_id, c.id, json.dumps(c.__dict__)) for c in subjects],
            )
            if changed:
                state = hashlib.sha256(f"{self.customers_state()}|{run_id}|{now}|{changed}".encode())
                self.db.execute(
                    "INSERT INTO review_meta VALUES ('customers_state', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (state.hexdigest(),),
                )
        return len(subjects)

    def _stored_customers(self, ids: Sequence[str]) -> dict[str, Customer]:
        found: dict[str, Customer] = {}
        for chunk in in_chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.execute(
                f"SELECT id, name, type, dob, country, identifier FROM customer WHERE id IN ({marks})", chunk
            )
            found.update((str(r[0]), Customer(*r)) for r in rows)
        return found

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
        with self.transaction():
            return record_findings(
                self.db,
                self.audit,
                run_id=run_id,
                actor=actor,
                now=_now(),
                found=list(found),
                state_of=self._state,
                previous=previous,
            )

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
