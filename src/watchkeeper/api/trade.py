"""The trade channels over HTTP: payments, vessels, shipments, and the rule files in force."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from watchkeeper.api.auth import ReadCaller
from watchkeeper.api.models import (
    PaymentVerdictModel,
    RuleFileModel,
    ShipmentModel,
    ShipmentVerdictModel,
    VesselRequest,
)
from watchkeeper.api.service import LoadedLists, ScreeningService
from watchkeeper.api.vessel_models import VesselScreeningModel
from watchkeeper.jobs import bundled_data_dir
from watchkeeper.review.jobs import Subject, payment_subject, record_hits, shipment_subject
from watchkeeper.screen.shipments import Shipment
from watchkeeper.screen.vessel_activity import activity_for
from watchkeeper.screen.vessels import VesselQuery

#: Shipments per request.
MAX_SHIPMENTS = 100
RecordParam = Annotated[
    bool, Query(description="Keep this screening as a run; hits on listed entities become alerts")
]


def trade_router(service: ScreeningService) -> APIRouter:
    router = APIRouter()

    @router.post(
        "/payments/screen",
        tags=["Trade"],
        response_model=PaymentVerdictModel,
        responses={
            422: {"model": PaymentVerdictModel, "description": "Malformed message: held, field named"}
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/xml": {"schema": {"type": "string"}},
                    "text/plain": {"schema": {"type": "string"}},
                },
                "description": "One ISO 20022 pacs.008 / pain.001 XML message, or one SWIFT MT103.",
            }
        },
    )
    async def payments_screen(request: Request, caller: ReadCaller, record: RecordParam = False) -> Any:
        """Screen one payment message: every party, agent, BIC and free-text field.

        Verdict `hold` with each hit and the field where it was found, or `pass`.
        A message that cannot be read is held: 422, with the field at fault.
        With `record`, the screening is kept as a run and hits on listed entities become alerts.
        """
        data = await request.body()
        loaded = service.require_lists()
        channels = await run_in_threadpool(service.channels, loaded)
        verdict = await run_in_threadpool(channels.payments.screen_bytes, data, "request")
        body = verdict.to_dict()
        if verdict.error:
            body["detail"] = f"{verdict.error_field or 'message'}: {verdict.error}; the payment is held"
            return JSONResponse(body, status_code=422)
        subject = payment_subject(verdict)
        if record and subject is not None:
            body["run"] = await run_in_threadpool(
                _record_hits, service, loaded, "payment", [subject], caller.name
            )
        return body

    @router.post("/vessels/screen", tags=["Trade"], response_model=VesselScreeningModel)
    def vessels_screen(body: VesselRequest, caller: ReadCaller) -> Any:
        """A vessel by IMO (check digit verified), name, MMSI or call sign; its owner and operator;
        the DPRK shipping advisories."""
        loaded = service.require_lists()
        query = VesselQuery(**body.model_dump())
        query.check()  # ValueError → 400 naming the field
        verdict = service.channels(loaded).vessels.screen(query).to_dict()
        events = activity_for(service.settings, bundled_data_dir()).events_of(query)
        return {**verdict, "events": [e.to_dict() for e in events]}

    @router.post("/shipments/screen", tags=["Trade"], response_model=list[ShipmentVerdictModel])
    def shipments_screen(body: list[ShipmentModel], caller: ReadCaller, record: RecordParam = False) -> Any:
        """Shipments: parties, vessel, goods (HS codes) against the UN DPRK bans and caps,
        embargoed countries and regions, red flags. Each hit cites its rule."""
        if len(body) > MAX_SHIPMENTS:
            raise HTTPException(400, f"at most {MAX_SHIPMENTS} shipments per request, got {len(body)}")
        loaded = service.require_lists()
        shipments = []
        for number, item in enumerate(body):
            try:
                shipments.append(Shipment.from_mapping(item.model_dump(), where=f"[{number}]."))
            except ValueError as exc:
                raise HTTPException(400, str(exc)) from None
        checker = service.channels(loaded).shipments
        verdicts = [checker.screen(s) for s in shipments]
        answers = [v.to_dict() for v in verdicts]
        if record:
            subjects = [shipment_subject(v) for v in verdicts]
            run_id = _record_hits(service, loaded, "shipment", subjects, caller.name)
            for answer in answers:
                answer["run"] = run_id
        return answers

    @router.get("/rules", tags=["Trade"], response_model=list[RuleFileModel])
    def rules(caller: ReadCaller) -> list[RuleFileModel]:
        """Every stored version of every rule file (banned goods, embargoes, advisory vessels, red flags)."""
        return [
            RuleFileModel(kind=f.kind, seq=f.seq, name=f.name, sha256=f.sha256, loaded_at=f.loaded_at)
            for f in service.stores().rules.versions()
        ]

    return router


def _record_hits(
    service: ScreeningService,
    loaded: LoadedLists,
    kind: str,
    subjects: list[Subject],
    actor: str,
) -> str:
    run_id, _ = record_hits(
        service.stores().review,
        kind=kind,
        subjects=subjects,
        entities={e.id: e for e in loaded.screener.index.entities},
        versions=[v.to_dict() for v in loaded.versions],
        threshold=service.threshold,
        actor=actor,
    )
    return run_id
