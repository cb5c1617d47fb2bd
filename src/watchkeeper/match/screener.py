"""Screening one party against every loaded list: candidates, scores, explanations.

`Screener(entities).screen(ScreeningQuery(...))` returns the listed entities
at or above the threshold, best first, each with a `MatchExplanation`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from watchkeeper.errors import InvalidInput
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.match.countries import country_code
from watchkeeper.match.evidence import (
    CEILING_MARGIN,
    EVIDENCE_BONUS,
    Feature,
    apply_features,
    birth_date_feature,
    country_feature,
    query_date,
)
from watchkeeper.match.index import ID_PROPERTIES, NameIndex, normalize_identifier
from watchkeeper.match.names import ComparableName, comparable
from watchkeeper.match.normalize import names_a_company
from watchkeeper.match.reading import read_pairs
from watchkeeper.match.score import (
    CompiledName,
    NameComparison,
    TokenPair,
    compare_weighted,
    could_alert,
    explain_names,
)
from watchkeeper.model import Entity

#: Listed names fully scored per query, after the index has ranked them.
CANDIDATES_PER_QUERY = 40

#: Which listed schemata a query of each schema may hit: a vessel never hits a person.
COMPATIBLE: dict[str, frozenset[str]] = {
    "Person": frozenset({"Person", "LegalEntity"}),
    "Organization": frozenset({"Organization", "Company", "LegalEntity"}),
    "Company": frozenset({"Organization", "Company", "LegalEntity"}),
    "LegalEntity": frozenset({"Person", "Organization", "Company", "LegalEntity"}),
    "Vessel": frozenset({"Vessel"}),
    "Airplane": frozenset({"Airplane"}),
}
_SCHEMA_ALIASES = {
    "person": "Person",
    "individual": "Person",
    "organization": "Organization",
    "organisation": "Organization",
    "company": "Company",
    "entity": "Organization",
    "legalentity": "LegalEntity",
    "vessel": "Vessel",
    "ship": "Vessel",
    "airplane": "Airplane",
    "aircraft": "Airplane",
}
_IMO_QUERY = re.compile(r"^\s*IMO[\s:#-]*(\d{7})\s*$", re.IGNORECASE)
WEAK_ALIAS_FACTOR = 0.92
LONE_WEAK_ALIAS_FACTOR = 0.75


def query_schema(value: str | None) -> str | None:
    """`person` / `Person` / `individual` → `Person`; empty → any schema."""
    if not value:
        return None
    key = value.strip().replace(" ", "").lower()
    if key not in _SCHEMA_ALIASES:
        raise InvalidInput(f"unknown type {value!r}: use person, organization, vessel or airplane")
    return _SCHEMA_ALIASES[key]


@dataclass(frozen=True)
class ScreeningQuery:
    name: str
    schema: str | None = None
    birth_date: str | None = None
    country: str | None = None
    identifier: str | None = None
    id: str = ""

    @classmethod
    def from_fields(
        cls,
        name: str | None,
        type: str | None = None,
        dob: str | None = None,
        country: str | None = None,
        identifier: str | None = None,
        id: str = "",
    ) -> ScreeningQuery:
        """The one way a party given as plain fields (CLI option, CSV row, form, JSON body) becomes a
        query: surrounding blanks dropped, an empty field is no field, the type read by `query_schema`
        (an unknown type is refused). `check_query` judges the rest when it is screened."""

        def field(value: str | None) -> str | None:
            return (value or "").strip() or None

        return cls(
            name=(name or "").strip(),
            schema=query_schema(field(type)),
            birth_date=field(dob),
            country=field(country),
            identifier=field(identifier),
            id=(id or "").strip(),
        )


def check_query(query: ScreeningQuery) -> None:
    """Refuse a query that cannot be screened as asked, naming the field.

    A blank name or an unreadable birth date must never pass as "no match".
    """
    if not (query.name or "").strip() and not (query.identifier or "").strip():
        raise InvalidInput("nothing to screen: give a name or an identifier")
    if query.birth_date and query_date(query.birth_date) is None:
        raise InvalidInput(f"dob {query.birth_date!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if query.country and country_code(query.country) is None:
        raise InvalidInput(f"country {query.country!r} is not a country name or ISO code")
    query_schema(query.schema)


def token_summary(query: str, listed: str, how: str) -> str:
    """One aligned token pair for people: `kim`, `김=kim`, `hrenndez≈hernandez`."""
    if how == "exact":
        return query if query == listed else f"{query}={listed}"
    return f"{query}≈{listed}"


@dataclass(frozen=True)
class MatchExplanation:
    """Why a listed entity was returned: the names aligned, token by token, and other evidence."""

    query_name: str
    listed_name: str
    listed_strength: str  # strong | weak
    name_score: float
    tokens: tuple[TokenPair, ...]
    unmatched_query: tuple[str, ...]
    unmatched_listed: tuple[str, ...]
    features: tuple[Feature, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "query_name": self.query_name,
            "listed_name": self.listed_name,
            "listed_strength": self.listed_strength,
            "name_score": round(self.name_score, 3),
            "tokens": [p.to_dict() for p in self.tokens],
            "unmatched_query": list(self.unmatched_query),
            "unmatched_listed": list(self.unmatched_listed),
            "features": [f.to_dict() for f in self.features],
        }

    def summary(self) -> str:
        """One line for tables: `김=jong`, `hrenndez≈hernandez`, unmatched tokens, evidence."""
        parts = [token_summary(p.query, p.listed, p.how) for p in self.tokens]
        text = f"{self.listed_name}: " + " ".join(parts) if parts else self.listed_name
        if self.unmatched_query:
            text += f"; unmatched {' '.join(self.unmatched_query)}"
        for feature in self.features:
            detail = f" ({feature.query} / {feature.listed})" if feature.name == "identifier_match" else ""
            text += f"; {feature.name} {feature.effect}{detail}"
        return text


@dataclass(frozen=True)
class ScreeningMatch:
    entity: Entity
    score: float
    explanation: MatchExplanation = field(compare=False)

    @property
    def source(self) -> str:
        return self.entity.source


class Screener:
    """Screens queries against a fixed set of listed entities (one or more list versions)."""

    def __init__(
        self,
        entities: list[Entity] | tuple[Entity, ...],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        candidates: int = CANDIDATES_PER_QUERY,
    ) -> None:
        self.index = NameIndex(entities)
        self.threshold = threshold
        self.candidate_limit = candidates

    def screen(
        self,
        query: ScreeningQuery,
        *,
        threshold: float | None = None,
        limit: int = 10,
        sources: frozenset[str] | None = None,
    ) -> list[ScreeningMatch]:
        check_query(query)
        floor = self.threshold if threshold is None else threshold
        schema = query_schema(query.schema)
        if schema in (None, "LegalEntity") and query.name and names_a_company(query.name):
            schema = "Organization"  # "Khan PLC" is not Nasir Ali KHAN
        allowed = COMPATIBLE.get(schema) if schema else None
        results: dict[int, ScreeningMatch] = {}
        identifier = query.identifier
        imo_only = _IMO_QUERY.match(query.name or "")
        if imo_only:
            identifier = imo_only.group(1)
        if identifier:
            for position in self.index.by_identifier(identifier):
                entity = self.index.entities[position]
                if (allowed is None or entity.schema in allowed) and (
                    sources is None or entity.source in sources
                ):
                    results[position] = self._identifier_match(query, entity, identifier)
        prepared: ComparableName | None = None
        matched_names: dict[str, ComparableName] = {}
        if query.name and not imo_only:
            prepared = comparable(query.name, schema)
            weights = [self.index.weight(t) for t in prepared.tokens]
            compiled = CompiledName(prepared, weights)
            found = self.index.candidates(prepared, self.candidate_limit)
            listed_names = [self.index.compiled(name_id) for name_id in found]
            # Every candidate scored in one compiled pass; only names whose score evidence could
            # lift to an alert go on (the others' explanations would never be shown).
            for position, _ in could_alert(compiled, listed_names, floor, EVIDENCE_BONUS, CEILING_MARGIN):
                name_id = found[position]
                listed = self.index.names[name_id]
                held = results.get(listed.entity)
                if held is not None and held.score >= 1.0:
                    continue  # another name of this entity already matched fully
                entity = self.index.entities[listed.entity]
                if allowed is not None and entity.schema not in allowed:
                    continue
                if sources is not None and entity.source not in sources:
                    continue
                comparison = explain_names(compiled, listed_names[position])
                match = self.score_listed_name(
                    query,
                    prepared,
                    listed.name,
                    listed.strong,
                    entity,
                    weights,
                    listed.weights,
                    comparison,
                    with_readings=False,
                )
                if held is None or match.score > held.score:
                    results[listed.entity] = match
                    matched_names[entity.id] = listed.name
        ranked = sorted(
            (m for m in results.values() if m.score >= floor), key=lambda m: (-m.score, m.entity.id)
        )[:limit]
        if prepared is None:
            return ranked
        # How each spelling was read is worked out for the matches returned only.
        return [
            _with_readings(m, prepared, matched_names[m.entity.id]) if m.entity.id in matched_names else m
            for m in ranked
        ]

    def score_listed_name(
        self,
        query: ScreeningQuery,
        prepared: ComparableName,
        listed: ComparableName,
        strong: bool,
        entity: Entity,
        query_weights: Sequence[float] | None = None,
        listed_weights: Sequence[float] | None = None,
        comparison: NameComparison | None = None,
        *,
        with_readings: bool = True,
    ) -> ScreeningMatch:
        """Score one listed name of an entity against a prepared query, with the evidence."""
        weight = self.index.weight
        if comparison is None:
            comparison = compare_weighted(
                prepared,
                listed,
                query_weights if query_weights is not None else [weight(t) for t in prepared.tokens],
                listed_weights if listed_weights is not None else [weight(t) for t in listed.tokens],
            )
        features: list[Feature] = []
        if not strong:
            # A low-quality a.k.a. of one word (MARTIN, NICOLAS) is a common name: alone it does
            # not alert; a matching birth date and country can still lift it.
            factor = LONE_WEAK_ALIAS_FACTOR if len(listed.tokens) == 1 else WEAK_ALIAS_FACTOR
            features.append(Feature("weak_alias", f"×{factor}", "", listed.original))
        if entity.schema == "Person":
            dob = birth_date_feature(query.birth_date, self.index.birth_dates(entity))
            if dob is not None:
                features.append(dob)
        country = (
            country_feature(query.country, entity, self.index.countries(entity)) if query.country else None
        )
        if country is not None:
            features.append(country)
        score = apply_features(comparison.score, features)
        explanation = MatchExplanation(
            query_name=prepared.original
            if prepared.script == "latin"
            else f"{prepared.original} ({prepared.latin})",
            listed_name=listed.original,
            listed_strength="strong" if strong else "weak",
            name_score=comparison.score,
            tokens=read_pairs(prepared, listed, comparison.pairs) if with_readings else comparison.pairs,
            unmatched_query=comparison.unmatched_query,
            unmatched_listed=comparison.unmatched_listed,
            features=tuple(features),
        )
        return ScreeningMatch(entity, round(score, 4), explanation)

    def _identifier_match(self, query: ScreeningQuery, entity: Entity, identifier: str) -> ScreeningMatch:
        wanted = normalize_identifier(identifier)
        found = ""
        for prop in ID_PROPERTIES:
            for value in entity.get(prop):
                if normalize_identifier(value) == wanted:
                    found = f"{prop} {value}"
        feature = Feature("identifier_match", "=1.0", identifier, found)
        explanation = MatchExplanation(
            query_name=query.name,
            listed_name=entity.caption,
            listed_strength="strong",
            name_score=0.0,
            tokens=(),
            unmatched_query=(),
            unmatched_listed=(),
            features=(feature,),
        )
        return ScreeningMatch(entity, 1.0, explanation)


def _with_readings(match: ScreeningMatch, query: ComparableName, listed: ComparableName) -> ScreeningMatch:
    was = match.explanation
    explanation = MatchExplanation(
        was.query_name,
        was.listed_name,
        was.listed_strength,
        was.name_score,
        read_pairs(query, listed, was.tokens),
        was.unmatched_query,
        was.unmatched_listed,
        was.features,
    )
    return ScreeningMatch(match.entity, match.score, explanation)
