"""The review workflow's records: runs, customers, alerts, decisions, and the states of an alert."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from watchkeeper.model import Entity, FieldChange

if TYPE_CHECKING:
    from watchkeeper.match.screener import ScreeningMatch, ScreeningQuery

#: Alert states. `…_pending` waits for a second user when four-eyes review covers that decision.
OPEN_STATES = ("open", "escalated", "true_match_pending", "false_positive_pending")
CLOSED_STATES = ("true_match", "false_positive", "closed", "delisted")
OUTCOMES = ("true_match", "false_positive", "escalated", "closed")
#: Decisions four-eyes review can cover; by default both: a true match is final, and a false
#: positive suppresses every later alert on the pair (the good-guy list).
FOUR_EYES_OUTCOMES = ("true_match", "false_positive")
#: Subjects of a run that are not customers: screened once, never re-screened.
ONE_OFF_KINDS = ("payment", "shipment")


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    type: str = ""
    dob: str = ""
    country: str = ""
    identifier: str = ""

    def query(self) -> ScreeningQuery:
        # Imported here: the store's users (lists, audit, keys commands) never load the matcher.
        from watchkeeper.match.screener import ScreeningQuery  # noqa: PLC0415

        return ScreeningQuery.from_fields(
            self.name, self.type, self.dob, self.country, self.identifier, self.id
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
