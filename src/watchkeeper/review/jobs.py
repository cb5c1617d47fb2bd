"""Review jobs over the stores: record a batch as a run, and re-screen after a list update."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from watchkeeper.errors import InvalidInput
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.model import Entity
from watchkeeper.review.rescreen import CustomerIndex, delta_rescreen, full_rescreen
from watchkeeper.review.runs import RunRecorder, record_run
from watchkeeper.screen.batch_chunk import OUTPUT_HEADER
from watchkeeper.screen.evidence import Hit
from watchkeeper.screen.loader import matcher_fingerprint, screener_for_versions, screener_from_store
from watchkeeper.screen.payments import PaymentVerdict
from watchkeeper.screen.shipments import ShipmentVerdict
from watchkeeper.spreadsheet import original_cell
from watchkeeper.store.review import ReviewStore
from watchkeeper.store.review_records import ONE_OFF_KINDS, Customer, RecordOutcome, finding
from watchkeeper.store.sqlite import SqliteStore


def read_customers(path: Path) -> list[Customer]:
    """The parties of a batch input file (id,name,type,dob,country,identifier); rows without id skipped."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            Customer(
                id=(row.get("id") or "").strip(),
                name=(row.get("name") or "").strip(),
                type=(row.get("type") or "").strip(),
                dob=(row.get("dob") or "").strip(),
                country=(row.get("country") or "").strip(),
                identifier=(row.get("identifier") or "").strip(),
            )
            for row in csv.DictReader(handle)
            if (row.get("id") or "").strip()
        ]


def record_batch(
    lists: SqliteStore,
    review: ReviewStore,
    *,
    input_csv: Path,
    alerts_csv: Path,
    versions: list[dict[str, object]],
    threshold: float,
    actor: str,
) -> tuple[str, RecordOutcome]:
    """A finished batch becomes a run: its customers, its results and the alerts they raise."""
    customers = read_customers(input_csv)
    entities: dict[str, Entity] = {}
    found = []
    with alerts_csv.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        if next(reader, None) != OUTPUT_HEADER:
            raise InvalidInput(f"{alerts_csv}: not an alerts file written by `watchkeeper batch`")
        for cells in reader:
            query_id, _list, entity_id, _name, score, explanation = (original_cell(c) for c in cells)
            if entity_id not in entities:
                entities[entity_id] = lists.entity(entity_id)
            found.append((query_id, entities[entity_id], float(score), json.loads(explanation)))
    return record_run(
        review,
        kind="batch",
        actor=actor,
        versions=versions,
        threshold=threshold,
        subjects=customers,
        found=found,
    )


@dataclass(frozen=True)
class RescreenReport:
    run_id: str
    mode: str
    changed: int
    removed: int
    customers: int
    screened: int
    results: int
    outcome: RecordOutcome
    delisted: list[int]
    seconds: float
    versions: list[str]

    def to_dict(self) -> dict[str, object]:
        return {
            "run": self.run_id,
            "mode": self.mode,
            "changed_entities": self.changed,
            "removed_entities": self.removed,
            "customers": self.customers,
            "customers_screened": self.screened,
            "results": self.results,
            "alerts_raised": self.outcome.raised,
            "alerts_reopened": [a for a, _ in self.outcome.reopened],
            "suppressed_by_good_guy_list": self.outcome.suppressed,
            "alerts_delisted": self.delisted,
            "seconds": round(self.seconds, 3),
            "against": self.versions,
        }


def rescreen(
    lists: SqliteStore,
    review: ReviewStore,
    *,
    home: Path,
    actor: str,
    since: dict[str, int] | None = None,
    full: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
) -> RescreenReport:
    """Re-screen the stored customers against what changed in each list since it was last re-screened
    (or since the versions given), raise new alerts, reopen changed good-guy pairs, close delisted ones."""
    started = time.perf_counter()
    changed: dict[str, Entity] = {}
    removed: list[tuple[str, str]] = []
    marks: dict[str, int] = {}
    for source in lists.sources():
        latest = lists.version(source)
        base = (since or {}).get(source, review.rescreen_mark(source))
        if base is None:
            base = latest.seq - 1  # never re-screened: the latest change
        marks[source] = latest.seq
        if base >= latest.seq:
            continue
        diff = lists.diff(source, before=base, after=latest.seq)
        for change in diff.changes:
            if change.kind in ("added", "amended"):
                changed[change.entity_id] = lists.entity(change.entity_id)
            elif change.kind == "removed":
                removed.append((change.entity_id, latest.label))
    screener, versions = screener_from_store(lists, threshold=threshold, cache=home / "index")
    run = RunRecorder.start(
        review,
        kind="rescreen-full" if full else "rescreen",
        actor=actor,
        versions=[v.to_dict() for v in versions],
        threshold=threshold,
    )
    targets = list(changed.values())
    if full:
        customers = review.customers()
        findings = full_rescreen(screener, customers)
        results = [(c, m) for c, m in findings.results if m.entity.id in changed]
        screened, stored = findings.screened, len(customers)
    else:
        index = CustomerIndex.cached(review.customers_state(), review.customers, home / "index")
        delta = delta_rescreen(screener, index, targets) if targets else None
        results, screened = (delta.results, delta.screened) if delta else ([], 0)
        stored = len(index)
    outcome = run.findings([finding(c, m) for c, m in results])
    delisted: list[int] = []
    for entity_id, label in removed:
        delisted += review.close_delisted([entity_id], label)
    with review.transaction():
        for source, seq in marks.items():
            review.set_rescreen_mark(source, seq)
    run.finish(rows=stored, alerts=len(results), note=f"{len(targets)} changed entities")
    return RescreenReport(
        run.run_id,
        "full" if full else "delta",
        len(targets),
        len(removed),
        stored,
        screened,
        len(results),
        outcome,
        delisted,
        time.perf_counter() - started,
        [v.label for v in versions],
    )


@dataclass(frozen=True)
class Subject:
    """A one-off subject of a run (a payment message, a shipment) and its hits.

    Its id is derived from its content, not from the sender's reference: a later, different
    payment that reuses a MsgId is a new subject with alerts of its own, never merged into (or
    suppressed by a decision on) the earlier one's. The reference is kept beside it."""

    id: str
    description: str
    reference: str
    hits: list[Hit]


def payment_subject(verdict: PaymentVerdict) -> Subject | None:
    message = verdict.message
    if message is None:
        return None
    return Subject(
        f"{message.kind}:{verdict.sha256[:24]}",
        f"{message.kind} {message.reference}",
        message.reference,
        list(verdict.hits),
    )


def shipment_subject(verdict: ShipmentVerdict) -> Subject:
    shipment = verdict.shipment
    digest = hashlib.sha256(
        json.dumps(dataclasses.asdict(shipment), sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    return Subject(
        f"shipment:{digest[:24]}",
        f"shipment {shipment.id}" if shipment.id else "shipment (no id)",
        shipment.id,
        list(verdict.hits),
    )


def record_hits(
    review: ReviewStore,
    *,
    kind: str,
    subjects: Sequence[Subject],
    entities: dict[str, Entity],
    versions: list[dict[str, object]],
    threshold: float,
    actor: str,
) -> tuple[str, RecordOutcome]:
    """Payment messages or shipments kept as a run: each (subject, listed entity) hit raises an alert.

    Hits on rules rather than listed entities (embargoes, goods, red flags) are counted in the
    run's note; their verdict is in the screening answer.
    """
    found = []
    other = 0
    for subject in subjects:
        subject_id = subject.id
        for hit in subject.hits:
            entity = entities.get(hit.entity_id) if hit.entity_id else None
            if entity is None:
                other += 1
                continue
            detail: dict[str, object] = {
                "field": hit.field,
                "hit": hit.kind,
                "reason": hit.reason,
                **hit.explanation,
            }
            found.append((subject_id, entity, hit.score, detail))
    return record_run(
        review,
        kind=kind,
        actor=actor,
        versions=versions,
        threshold=threshold,
        subjects=[Customer(id=s.id, name=s.description, type=kind, identifier=s.reference) for s in subjects],
        found=found,
        note=f"{other} hits on rules (embargo, goods, flags)",
    )


@dataclass(frozen=True)
class Reproduction:
    run_id: str
    same_matcher: bool
    inputs: int
    stored: int
    missing: list[tuple[str, str]]  # stored results the re-run does not give
    extra: list[tuple[str, str]]  # results the re-run gives that were not stored

    @property
    def identical(self) -> bool:
        return not self.missing and not self.extra

    def to_dict(self) -> dict[str, object]:
        return {
            "run": self.run_id,
            "identical": self.identical,
            "same_matcher": self.same_matcher,
            "inputs": self.inputs,
            "stored_results": self.stored,
            "missing": [list(p) for p in self.missing],
            "extra": [list(p) for p in self.extra],
        }


def reproduce(lists: SqliteStore, review: ReviewStore, run_id: str, home: Path) -> Reproduction:
    """Screen a recorded run's inputs again against the very list versions it used, and compare."""
    run = review.run(run_id)
    if run.kind in ONE_OFF_KINDS:
        raise InvalidInput(f"run {run_id} screened {run.kind}s; reproduce it by screening the same messages")
    if run.kind.startswith("rescreen"):
        raise InvalidInput(f"run {run_id} is a re-screen of changed entities; reproduce the runs it follows")
    versions = [lists.version(str(v["source"]), int(str(v["seq"]))) for v in run.lists]
    for stored, used in zip(versions, run.lists, strict=True):
        if stored.sha256 != used["sha256"]:
            raise InvalidInput(f"{stored.label}: the stored file differs from the one the run used")
    screener, _ = screener_for_versions(lists, versions, run.threshold, cache=home / "index")
    inputs = review.run_inputs(run_id)
    again = {(c.id, m.entity.id) for c in inputs for m in screener.screen(c.query())}
    before = {(c, e) for c, e, _ in review.results(run_id)}
    return Reproduction(
        run_id,
        run.matcher == matcher_fingerprint(),
        len(inputs),
        len(before),
        sorted(before - again),
        sorted(again - before),
    )
