"""Our records in the API's shapes: yente's scored entities and entities, list versions, dates."""

from __future__ import annotations

from datetime import date

from fastapi import HTTPException

from watchkeeper.api.models import (
    EntityResponse,
    FeatureResult,
    ScoredEntityResponse,
)
from watchkeeper.match.evidence import Feature
from watchkeeper.match.screener import ScreeningMatch
from watchkeeper.model import Entity
from watchkeeper.model.actions import WATCH_SOURCE, label_of

#: Largest version number or offset a request may name (SQLite integers are 64-bit).
MAX_SEQ = 1 << 31


def _feature_value(feature: Feature) -> float:
    effect = feature.effect.lstrip("+×=")
    try:
        return float(effect)
    except ValueError:
        return 0.0


def _feature_sentence(feature: Feature) -> str:
    return f"{feature.name}: query {feature.query or '-'} / listed {feature.listed or '-'} ({feature.effect})"


def scored_entity(match: ScreeningMatch, threshold: float) -> ScoredEntityResponse:
    entity = match.entity
    explanation = match.explanation
    features: dict[str, float] = {"name_similarity": round(explanation.name_score, 4)}
    explanations = {
        "name_similarity": FeatureResult(
            score=round(explanation.name_score, 4), explanation=explanation.summary()
        )
    }
    for feature in explanation.features:
        features[feature.name] = _feature_value(feature)
        explanations[feature.name] = FeatureResult(
            score=_feature_value(feature), explanation=_feature_sentence(feature)
        )
    return ScoredEntityResponse(
        id=entity.id,
        caption=entity.caption,
        schema_=entity.schema,
        properties=_ftm_properties(entity),
        datasets=[entity.source],
        score=match.score,
        match=match.score >= threshold,
        features=features,
        explanations=explanations,
        explanation=explanation.to_dict(),
        listed=entity.source != WATCH_SOURCE,
        label=label_of(entity.source),
    )


def _ftm_properties(entity: Entity) -> dict[str, list[str]]:
    properties = entity.to_ftm()["properties"]
    assert isinstance(properties, dict)
    return properties


def entity_response(
    entity: Entity, *, first_seen: str, last_seen: str, last_change: str, listed: bool
) -> EntityResponse:
    return EntityResponse(
        id=entity.id,
        caption=entity.caption,
        schema_=entity.schema,
        properties=_ftm_properties(entity),
        datasets=[entity.source],
        first_seen=first_seen,
        last_seen=last_seen,
        last_change=last_change,
        listed=listed,
    )


def parse_date_param(value: str | None, field: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{field}: {value!r} is not a date (YYYY-MM-DD)") from None
