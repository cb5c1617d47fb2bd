"""Screening a FollowTheMoney entity example, as yente's `/match` receives them.

An example is a schema and properties (`{"schema": "Person", "properties":
{"name": [...], "birthDate": [...]}}`). It may carry several names, countries
and identifiers; each name and each identifier is screened, and each listed
entity keeps its best result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from watchkeeper.errors import InvalidInput
from watchkeeper.match.countries import country_code
from watchkeeper.match.merged import PartyScreening
from watchkeeper.match.screener import (
    ScreeningMatch,
    ScreeningQuery,
    check_query,
)
from watchkeeper.model import IDENTIFIER_PROPERTIES

#: FtM schemata a query example may use, and the schema we screen it as.
EXAMPLE_SCHEMATA: dict[str, str | None] = {
    "Thing": None,
    "LegalEntity": "LegalEntity",
    "Person": "Person",
    "Organization": "Organization",
    "Company": "Company",
    "PublicBody": "Organization",
    "Vessel": "Vessel",
    "Airplane": "Airplane",
}
NAME_PROPERTIES = ("name", "alias", "previousName", "weakAlias", "abbreviation")
NAME_PART_PROPERTIES = ("firstName", "secondName", "middleName", "fatherName", "lastName")
DATE_PROPERTIES = ("birthDate", "incorporationDate", "buildDate")
COUNTRY_PROPERTIES = ("nationality", "citizenship", "country", "jurisdiction", "flag", "mainCountry")
#: Names, identifiers and values an example may carry before it is refused as abuse.
MAX_VALUES = 50
MAX_VALUE_LENGTH = 500


@dataclass(frozen=True)
class ExampleQueries:
    """The screening queries one example stands for."""

    schema: str | None
    queries: tuple[ScreeningQuery, ...]


def _values(properties: Mapping[str, Sequence[object] | object], prop: str) -> list[str]:
    raw = properties.get(prop)
    if raw is None:
        return []
    items = raw if isinstance(raw, list | tuple) else [raw]
    values = []
    for item in items:
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise InvalidInput(f"properties.{prop}: values must be strings, not {type(item).__name__}")
        text = str(item).strip()
        if len(text) > MAX_VALUE_LENGTH:
            raise InvalidInput(f"properties.{prop}: a value is longer than {MAX_VALUE_LENGTH} characters")
        if text:
            values.append(text)
    return values


def example_queries(
    schema: str, properties: Mapping[str, Sequence[object] | object], query_id: str = ""
) -> ExampleQueries:
    """The queries for one example; ValueError names the property at fault."""
    if schema not in EXAMPLE_SCHEMATA:
        raise InvalidInput(
            f"schema {schema!r} cannot be screened; use one of {', '.join(sorted(EXAMPLE_SCHEMATA))}"
        )
    screen_as = EXAMPLE_SCHEMATA[schema]
    names: list[str] = []
    for prop in NAME_PROPERTIES:
        names.extend(v for v in _values(properties, prop) if v not in names)
    parts = [" ".join(_values(properties, p)) for p in NAME_PART_PROPERTIES]
    joined = " ".join(p for p in parts if p)
    if joined and joined not in names:
        names.append(joined)  # yente's combine_names: first, middle and last name as one
    birth_dates = [v for p in DATE_PROPERTIES for v in _values(properties, p)]
    countries = [v for p in COUNTRY_PROPERTIES for v in _values(properties, p)]
    identifiers = [v for p in IDENTIFIER_PROPERTIES for v in _values(properties, p)]
    if len(names) + len(identifiers) + len(countries) + len(birth_dates) > MAX_VALUES:
        raise InvalidInput(f"properties: more than {MAX_VALUES} values in one example")
    if not names and not identifiers:
        raise InvalidInput("properties: give a name (name, alias, firstName/lastName …) or an identifier")
    birth_date = birth_dates[0][:10] if birth_dates else None
    # The first value we can read as a country; FtM codes (`kp`) and names both work.
    country = next((c for c in countries if country_code(c) is not None), None)
    if countries and country is None:
        raise InvalidInput(f"properties: {countries[0]!r} is not a country name or ISO code")
    queries: list[ScreeningQuery] = []
    for name in names:
        queries.append(ScreeningQuery(name, screen_as, birth_date, country, None, query_id))
    for identifier in identifiers:
        queries.append(ScreeningQuery("", screen_as, birth_date, country, identifier, query_id))
    for query in queries:
        try:
            check_query(query)
        except ValueError as exc:
            prop = "birthDate" if "dob" in str(exc) else "properties"
            raise InvalidInput(f"{prop}: {exc}") from exc
    return ExampleQueries(screen_as, tuple(queries))


def screen_example(
    screener: PartyScreening,
    example: ExampleQueries,
    *,
    cutoff: float,
    limit: int,
    sources: frozenset[str] | None = None,
) -> list[ScreeningMatch]:
    """Every listed entity any of the example's queries finds at or above `cutoff`, best first."""
    best: dict[str, ScreeningMatch] = {}
    for query in example.queries:
        for match in screener.screen(query, threshold=cutoff, limit=max(limit, 10), sources=sources):
            held = best.get(match.entity.id)
            if held is None or match.score > held.score:
                best[match.entity.id] = match
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.entity.id))
    return ranked[:limit]
