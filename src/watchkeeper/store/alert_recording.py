"""A run's findings turned into alerts: raised, updated, suppressed by a good-guy decision, or reopened.

Written in batches, not row by row: the alerts and good-guy decisions of the run's pairs are read in
a few `IN (…)` queries, the plan is made in memory, and results, alerts and audit entries are
written with one `executemany` each. On SQLite that changes little; on a database server, where a
statement is a network round trip, it is the difference between seconds and minutes for a
nightly batch of tens of thousands of alerts. The caller holds the write transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from watchkeeper.model import Entity, diff_entities
from watchkeeper.store.alert_decisions import ALERT_COLUMNS
from watchkeeper.store.audit import AuditEvent, AuditLog
from watchkeeper.store.database import Database
from watchkeeper.store.review_records import CLOSED_STATES, Alert, Finding, RecordOutcome

#: Customers per `IN (…)` query: far below SQLite's and PostgreSQL's parameter limits.
CHUNK = 500

Pair = tuple[str, str]


@dataclass
class _Plan:
    """What recording will write, in the order the findings came."""

    alerts: dict[Pair, Alert]
    good_guys: dict[Pair, str]
    new: dict[Pair, Alert] = field(default_factory=dict)
    changed: dict[int, Alert] = field(default_factory=dict)
    cleared: list[Pair] = field(default_factory=list)
    #: Audit events; a raised alert's id is unknown until it is inserted, so its subject waits.
    events: list[tuple[Pair | None, AuditEvent]] = field(default_factory=list)


def in_chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _known(db: Database, customers: Sequence[str]) -> tuple[dict[Pair, Alert], dict[Pair, str]]:
    alerts: dict[Pair, Alert] = {}
    good_guys: dict[Pair, str] = {}
    for chunk in in_chunks(customers):
        marks = ", ".join("?" for _ in chunk)
        for row in db.execute(f"SELECT {ALERT_COLUMNS} FROM alert WHERE customer_id IN ({marks})", chunk):
            alert = Alert(*row)
            alerts[(alert.customer_id, alert.entity_id)] = alert
        rows = db.execute(
            f"SELECT customer_id, entity_id, entity_hash FROM good_guy WHERE customer_id IN ({marks})", chunk
        )
        for customer_id, entity_id, digest in rows:
            good_guys[(str(customer_id), str(entity_id))] = str(digest)
    return alerts, good_guys


def record_findings(
    db: Database,
    audit: AuditLog,
    *,
    run_id: str,
    actor: str,
    now: str,
    found: Sequence[Finding],
    state_of: Callable[[str], Entity | None],
    previous: dict[str, Entity] | None = None,
) -> RecordOutcome:
    outcome = RecordOutcome([], [], 0, 0)
    if not found:
        return outcome
    db.executemany(
        "INSERT INTO result VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, customer_id, entity_id) "
        "DO UPDATE SET score = excluded.score, explanation = excluded.explanation",
        [
            (run_id, customer_id, entity.id, score, json.dumps(explanation, ensure_ascii=False))
            for customer_id, entity, score, explanation in found
        ],
    )
    plan = _Plan(*_known(db, sorted({f[0] for f in found})))
    for customer_id, entity, score, _ in found:
        pair = (customer_id, entity.id)
        _plan_one(plan, outcome, run_id, actor, now, pair, entity, score, state_of, previous)
    _write(db, audit, plan, outcome)
    return outcome


def _plan_one(
    plan: _Plan,
    outcome: RecordOutcome,
    run_id: str,
    actor: str,
    now: str,
    pair: Pair,
    entity: Entity,
    score: float,
    state_of: Callable[[str], Entity | None],
    previous: dict[str, Entity] | None,
) -> None:
    digest = entity.content_hash()
    if pair in plan.new:  # the same pair twice in one call: the later score stands
        plan.new[pair] = replace(plan.new[pair], score=score)
        outcome.updated += 1
        return
    alert = plan.alerts.get(pair)
    if alert is None:
        plan.new[pair] = Alert(0, *pair, "open", score, digest, run_id, run_id, now, now)
        detail: dict[str, object] = {"customer": pair[0], "entity": pair[1], "score": score, "run": run_id}
        plan.events.append((pair, (actor, "alert.raise", "", detail)))
        return
    good_guy = plan.good_guys.get(pair)
    if good_guy is not None and good_guy == digest:
        outcome.suppressed += 1  # decided a false positive on this very listing
        changed = replace(alert, last_run=run_id)
    elif good_guy is not None or (alert.state in CLOSED_STATES and alert.entity_hash != digest):
        before = (previous or {}).get(entity.id) or state_of(good_guy or alert.entity_hash)
        changes = diff_entities(before, entity) if before is not None else ()
        plan.good_guys.pop(pair, None)
        plan.cleared.append(pair)
        changed = replace(alert, state="open", score=score, entity_hash=digest, last_run=run_id)
        changed = replace(changed, updated_at=now)
        outcome.reopened.append((alert.id, changes))
        reopen: dict[str, object] = {
            "run": run_id,
            "reason": "the listed entity changed",
            "changes": [c.to_dict() for c in changes],
        }
        plan.events.append((None, (actor, "alert.reopen", f"alert:{alert.id}", reopen)))
    else:
        changed = replace(alert, score=score, last_run=run_id, updated_at=now)
        outcome.updated += 1
    plan.alerts[pair] = changed
    plan.changed[alert.id] = changed


def _write(db: Database, audit: AuditLog, plan: _Plan, outcome: RecordOutcome) -> None:
    db.executemany("DELETE FROM good_guy WHERE customer_id = ? AND entity_id = ?", plan.cleared)
    db.executemany(
        "UPDATE alert SET state = ?, score = ?, entity_hash = ?, last_run = ?, updated_at = ? WHERE id = ?",
        [(a.state, a.score, a.entity_hash, a.last_run, a.updated_at, a.id) for a in plan.changed.values()],
    )
    # Inserted in the findings' order, so alert ids rise in that order as they did row by row.
    db.executemany(
        "INSERT INTO alert (customer_id, entity_id, state, score, entity_hash, raised_run, last_run, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                a.customer_id,
                a.entity_id,
                a.state,
                a.score,
                a.entity_hash,
                a.raised_run,
                a.last_run,
                a.created_at,
                a.updated_at,
            )
            for a in plan.new.values()
        ],
    )
    ids: dict[Pair, int] = {}
    customers = sorted({pair[0] for pair in plan.new})
    for chunk in in_chunks(customers):
        marks = ", ".join("?" for _ in chunk)
        query = f"SELECT id, customer_id, entity_id FROM alert WHERE customer_id IN ({marks})"
        rows = db.execute(query, chunk)
        for alert_id, customer_id, entity_id in rows:
            if (str(customer_id), str(entity_id)) in plan.new:
                ids[(str(customer_id), str(entity_id))] = int(alert_id)
    outcome.raised.extend(ids[pair] for pair in plan.new)
    audit.append_many(
        [
            (event[0], event[1], f"alert:{ids[pair]}", event[3]) if pair is not None else event
            for pair, event in plan.events
        ]
    )
