"""Review over HTTP: the alerts recorded runs raised, decisions as the key's user, and recording
a one-off screening (`POST /screen` with `record`) as a run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from watchkeeper.api.auth import Caller, ReadCaller
from watchkeeper.api.models import DecisionRequest, ScreenRequest
from watchkeeper.api.service import ScreeningService
from watchkeeper.api.shapes import MAX_SEQ
from watchkeeper.match.screener import ScreeningMatch
from watchkeeper.review.runs import record_run
from watchkeeper.store.review_records import OPEN_STATES, Alert, Customer, finding


def review_router(service: ScreeningService) -> APIRouter:
    router = APIRouter()

    @router.get("/alerts", tags=["Review"], response_model=list[Alert])
    def alerts(
        caller: ReadCaller,
        state: Annotated[list[str] | None, Query(max_length=10, description="Default: the open ones")] = None,
        entity_id: Annotated[str | None, Query(max_length=100)] = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
        offset: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    ) -> list[Alert]:
        """Alerts raised by recorded runs, oldest first."""
        states = state or list(OPEN_STATES)
        return service.stores().review.alerts(states, entity_id=entity_id, limit=limit, offset=offset)

    @router.post("/alerts/{alert_id}/decision", tags=["Review"], response_model=Alert)
    def decide(alert_id: int, body: DecisionRequest, caller: ReadCaller) -> Alert:
        """Decide an alert (reason required) as the user the API key belongs to."""
        if not caller.owner:
            raise HTTPException(
                403, "this API key acts for no user; create one with `keys create --owner USER`"
            )
        return service.stores().review.decide(alert_id, body.outcome, body.reason, caller.owner)

    return router


def record_screening(
    service: ScreeningService,
    caller: Caller,
    body: ScreenRequest,
    matches: list[ScreeningMatch],
    threshold: float,
) -> tuple[str, list[int]]:
    """One API screening kept as a run: the customer, the results, the alerts they raise.

    Changing a stored customer's data (which later re-screens use) needs a key with scope `write`;
    the change is kept in the customer's history and audited."""
    loaded = service.require_lists()
    review = service.stores().review
    actor = caller.name
    customer = Customer(
        id=str(body.customer_id).strip(),
        name=body.name,
        type=body.type or "",
        dob=body.dob or "",
        country=body.country or "",
        identifier=body.identifier or "",
    )
    if review.changes_customer(customer) and not caller.allows("write"):
        raise HTTPException(
            403,
            f"customer_id: customer {customer.id!r} is stored with other data; changing a stored "
            "customer needs a key with scope 'write'",
        )
    versions = [v.to_dict() for v in loaded.versions if not body.lists or v.source in body.lists]
    run_id, outcome = record_run(
        review,
        kind="api",
        actor=actor,
        versions=versions,
        threshold=threshold,
        subjects=[customer],
        found=[finding(customer.id, m) for m in matches],
    )
    return run_id, outcome.raised
