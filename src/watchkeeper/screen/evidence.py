"""Hits shared by the payment, vessel and shipment channels, and the checks they share:
listed names, BICs against the lists, and embargoed countries and regions."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date

from watchkeeper.match.countries import country_code
from watchkeeper.match.screener import Screener, ScreeningMatch, ScreeningQuery, check_query
from watchkeeper.model import Entity
from watchkeeper.rules.embargoes import Embargo

_IBAN = re.compile(r"^([A-Z]{2})\d{2}[A-Z0-9]{10,30}$")
_BIC = re.compile(r"^[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}([A-Z0-9]{3})?$")


@dataclass(frozen=True)
class Hit:
    """One reason to stop a payment, vessel or shipment, and where it was found."""

    kind: str  # name | identifier | bic | free_text | embargo | vessel | advisory | goods | red_flag
    field: str  # where: an XML path, an MT field, a shipment column
    reason: str  # one sentence for the analyst
    action: str = "hold"  # hold | review
    entity_id: str = ""
    list: str = ""
    matched_name: str = ""
    score: float = 1.0
    rule: dict[str, object] = default(default_factory=dict)  # the rule broken: resolution, paragraph, basis
    explanation: dict[str, object] = default(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "field": self.field,
            "action": self.action,
            "reason": self.reason,
            "entity_id": self.entity_id,
            "list": self.list,
            "matched_name": self.matched_name,
            "score": round(self.score, 4),
            "rule": self.rule,
            "explanation": self.explanation,
        }


def verdict_of(hits: list[Hit]) -> str:
    if any(h.action == "hold" for h in hits):
        return "hold"
    return "review" if hits else "pass"


def party_query(
    name: str, schema: str | None = None, birth_date: str | None = None, country: str | None = None
) -> ScreeningQuery:
    """A screening query for a party as a message or record gives it; what cannot be read is left out
    (an unreadable birth date must not stop the name from being screened)."""
    query = ScreeningQuery(
        name=name,
        schema=schema,
        birth_date=birth_date or None,
        country=country if country and country_code(country) else None,
    )
    try:
        check_query(query)
    except ValueError:
        query = ScreeningQuery(name=name, schema=schema, country=query.country)
    return query


class CachedScreening:
    """Name screening with the answers of recent queries kept.

    Payment and trade traffic repeats itself (the same banks, customers and
    forwarders all day); a repeated party costs a dictionary lookup. The
    cache belongs to one screener, so a list update (a new screener) starts
    afresh.
    """

    def __init__(self, screener: Screener, threshold: float | None = None, size: int = 100_000) -> None:
        self.screener = screener
        self.threshold = threshold
        self.size = size
        self._answers: dict[ScreeningQuery, tuple[ScreeningMatch, ...]] = {}

    def matches(self, query: ScreeningQuery) -> tuple[ScreeningMatch, ...]:
        found = self._answers.get(query)
        if found is None:
            found = tuple(self.screener.screen(query, threshold=self.threshold))
            if len(self._answers) >= self.size:
                self._answers.pop(next(iter(self._answers)))  # oldest first
            self._answers[query] = found
        return found


def name_hits(
    screener: Screener | CachedScreening,
    name: str,
    where: str,
    *,
    schema: str | None = None,
    birth_date: str | None = None,
    country: str | None = None,
    threshold: float | None = None,
    what: str = "party",
) -> list[Hit]:
    """Listed entities a name matches, each as a hit at `where`."""
    if not name.strip():
        return []
    query = party_query(name, schema, birth_date, country)
    if isinstance(screener, CachedScreening):
        matches: tuple[ScreeningMatch, ...] | list[ScreeningMatch] = screener.matches(query)
    else:
        matches = screener.screen(query, threshold=threshold)
    return [_match_hit(m, where, what) for m in matches]


def _match_hit(match: ScreeningMatch, where: str, what: str) -> Hit:
    return Hit(
        kind="name",
        field=where,
        reason=f"{what} {match.explanation.query_name!r} matches {match.entity.caption} ({match.entity.id})",
        entity_id=match.entity.id,
        list=match.source,
        matched_name=match.explanation.listed_name,
        score=match.score,
        explanation=match.explanation.to_dict(),
    )


def listed_hit(kind: str, where: str, reason: str, entity: Entity) -> Hit:
    """A hit on a listed entity found by an exact key (identifier, BIC) rather than by name."""
    return Hit(
        kind=kind,
        field=where,
        reason=reason,
        entity_id=entity.id,
        list=entity.source,
        matched_name=entity.caption,
    )


def identifier_hits(screener: Screener, identifier: str, where: str) -> list[Hit]:
    entities = (screener.index.entities[p] for p in screener.index.by_identifier(identifier))
    return [
        listed_hit("identifier", where, f"identifier {identifier} is listed for {e.caption} ({e.id})", e)
        for e in entities
    ]


def _bic_code(value: str) -> str:
    """A BIC as letters and digits only, upper case (`kkbc kp py` → `KKBCKPPY`)."""
    return re.sub(r"[^A-Z0-9]", "", value.upper())


class BicDirectory:
    """BICs carried by listed entities, by their first eight characters (bank + country + location)."""

    def __init__(self, screener: Screener) -> None:
        self._by_bic8: dict[str, list[int]] = defaultdict(list)
        self.screener = screener
        for position, entity in enumerate(screener.index.entities):
            for value in entity.get("swiftBic"):
                code = _bic_code(value)
                if _BIC.match(code):
                    self._by_bic8[code[:8]].append(position)

    def hits(self, bic: str, where: str) -> list[Hit]:
        entities = (self.screener.index.entities[p] for p in self._by_bic8.get(_bic_code(bic)[:8], ()))
        return [
            listed_hit("bic", where, f"BIC {bic} belongs to {e.caption} ({e.id}), listed", e)
            for e in entities
        ]


def bic_country(bic: str) -> str:
    """Letters 5–6 of a BIC are the country of the institution."""
    found = _BIC.match(_bic_code(bic))
    return found.group(1) if found else ""


def iban_country(account: str) -> str:
    found = _IBAN.match(re.sub(r"\s", "", account.upper()))
    return found.group(1) if found else ""


class EmbargoCheck:
    """Countries and regions under comprehensive embargo on a date."""

    def __init__(self, embargoes: tuple[Embargo, ...]) -> None:
        self.embargoes = embargoes

    def in_force(self, on: date) -> list[Embargo]:
        return [e for e in self.embargoes if e.in_force(on)]

    def country_hits(self, value: str, where: str, on: date, what: str) -> list[Hit]:
        code = country_code(value) if value else None
        if not code:
            return []
        return [
            _embargo_hit(e, where, f"{what} {value} is in {e.jurisdiction}")
            for e in self.in_force(on)
            if not e.is_region and e.country == code
        ]

    def text_hits(self, text: str, where: str, on: date) -> list[Hit]:
        """Regions named in an address or text (`Sevastopol`, `Crimea`), and country names on their own."""
        words = set(re.findall(r"[a-z]+", text.lower()))
        hits = []
        for embargo in self.in_force(on):
            if embargo.is_region and any(w in words for w in embargo.place_words):
                hits.append(_embargo_hit(embargo, where, f"{text!r} names {embargo.jurisdiction}"))
        for part in re.split(r"[,;/\n]", text):
            hits += self.country_hits(part.strip(), where, on, "address") if len(part.strip()) > 3 else []
        return hits


def _embargo_hit(embargo: Embargo, where: str, reason: str) -> Hit:
    return Hit(
        kind="embargo",
        field=where,
        reason=f"{reason}: comprehensive embargo ({embargo.authority}: {embargo.legal_basis})",
        rule=embargo.to_dict(),
    )
