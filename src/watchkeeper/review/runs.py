"""The one way a screening becomes a recorded run: started, its subjects and findings kept, finished.

Every channel (batch, re-screening, an API call, payments, shipments) records through here, so a
run always names the lists, the matcher and the threshold it ran with, and its subjects are saved
before the alerts that point at them.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from watchkeeper.screen.loader import matcher_fingerprint
from watchkeeper.store.review import ReviewStore
from watchkeeper.store.review_records import Customer, Finding, RecordOutcome


def new_run_id(kind: str) -> str:
    return f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class RunRecorder:
    """A run started in the review store; the caller adds subjects and findings, then finishes it."""

    review: ReviewStore
    run_id: str
    actor: str

    @classmethod
    def start(
        cls,
        review: ReviewStore,
        *,
        kind: str,
        actor: str,
        versions: Sequence[dict[str, object]],
        threshold: float,
    ) -> RunRecorder:
        run_id = new_run_id(kind)
        review.start_run(
            run_id, kind=kind, actor=actor, lists=versions, matcher=matcher_fingerprint(), threshold=threshold
        )
        return cls(review, run_id, actor)

    def subjects(self, customers: Iterable[Customer]) -> int:
        return self.review.save_customers(customers, self.run_id, self.actor)

    def findings(self, found: Sequence[Finding]) -> RecordOutcome:
        return self.review.record(self.run_id, self.actor, found)

    def finish(self, *, rows: int, alerts: int, note: str = "") -> None:
        self.review.finish_run(self.run_id, self.actor, rows=rows, alerts=alerts, note=note)


def record_run(
    review: ReviewStore,
    *,
    kind: str,
    actor: str,
    versions: Sequence[dict[str, object]],
    threshold: float,
    subjects: Sequence[Customer],
    found: Sequence[Finding],
    note: str = "",
) -> tuple[str, RecordOutcome]:
    """A finished screening recorded whole: its subjects, its findings and the alerts they raise."""
    run = RunRecorder.start(review, kind=kind, actor=actor, versions=versions, threshold=threshold)
    run.subjects(subjects)
    outcome = run.findings(found)
    run.finish(rows=len(subjects), alerts=len(found), note=note)
    return run.run_id, outcome
