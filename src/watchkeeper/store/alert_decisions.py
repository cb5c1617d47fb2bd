"""Alerts and the decisions on them: the four-eyes rule, the good-guy list, delisting.

A decision and its audit entry are written in one transaction, so there is no alert state without
the record of who set it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from watchkeeper.errors import InvalidInput, NotFound
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.database import Database
from watchkeeper.store.db import transaction
from watchkeeper.store.review_records import OPEN_STATES, OUTCOMES, Alert, Decision

ALERT_COLUMNS = (
    "id, customer_id, entity_id, state, score, entity_hash, raised_run, last_run, created_at, updated_at"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class AlertDecisions:
    """The alert half of the review store; `ReviewStore` opens the connection and audit log."""

    db: Database
    audit: AuditLog
    #: The outcomes a second user must confirm.
    four_eyes: frozenset[str]

    def alert(self, alert_id: int) -> Alert:
        row = self.db.execute(f"SELECT {ALERT_COLUMNS} FROM alert WHERE id = ?", (alert_id,)).fetchone()
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
            f"SELECT {ALERT_COLUMNS} FROM alert {where} ORDER BY id LIMIT ? OFFSET ?",
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
        with transaction(self.db):
            alert = self.alert(alert_id)
            if alert.state not in OPEN_STATES:
                raise InvalidInput(
                    f"alert {alert_id} is {alert.state}; only open or escalated alerts can be decided"
                )
            if alert.state.endswith("_pending"):
                raise InvalidInput(f"alert {alert_id} waits for a second user to confirm its decision")
            state = f"{outcome}_pending" if outcome in self.four_eyes else outcome
            cursor = self.db.execute(
                "INSERT INTO decision (alert_id, at, actor, outcome, reason) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (alert_id, _now(), actor, outcome, reason.strip()),
            )
            decision_id = int(cursor.fetchone()[0])
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
            "INSERT INTO good_guy VALUES (?, ?, ?, ?) ON CONFLICT (customer_id, entity_id) DO UPDATE SET "
            "entity_hash = excluded.entity_hash, decision_id = excluded.decision_id",
            (alert.customer_id, alert.entity_id, alert.entity_hash, decision_id),
        )

    def confirm(self, alert_id: int, actor: str) -> Alert:
        """Four-eyes: a second user makes a pending decision (true match, false positive) final."""
        with transaction(self.db):
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
        with transaction(self.db):
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
