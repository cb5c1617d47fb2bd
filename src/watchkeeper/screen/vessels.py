"""Screening a vessel: listed itself (by IMO, MMSI, call sign, current or former name), owned or
operated by a listed party, or named in a shipping advisory."""

from __future__ import annotations

from dataclasses import dataclass, field

from watchkeeper.errors import InvalidInput
from watchkeeper.match.normalize import raw_tokens
from watchkeeper.match.screener import Screener
from watchkeeper.model import Entity
from watchkeeper.rules.book import RuleBook
from watchkeeper.rules.vessels import AdvisoryVessel, parse_imo
from watchkeeper.screen.evidence import Hit, identifier_hits, name_hits, verdict_of

#: A listed vessel's owner or "Linked To" party is resolved to a listed entity at this score.
LINKED_PARTY_THRESHOLD = 0.95


@dataclass(frozen=True)
class VesselQuery:
    imo: str = ""
    name: str = ""
    mmsi: str = ""
    call_sign: str = ""
    owner: str = ""
    operator: str = ""

    def check(self) -> str:
        """The IMO number as seven digits (check digit verified); ValueError names the field."""
        if not any((self.imo, self.name, self.mmsi, self.call_sign)):
            raise InvalidInput("vessel: give an IMO number, a name, an MMSI or a call sign")
        if self.imo:
            try:
                return parse_imo(self.imo)
            except ValueError as exc:
                raise InvalidInput(f"imo: {exc}") from None
        if self.mmsi and not (self.mmsi.strip().isdigit() and len(self.mmsi.strip()) == 9):
            raise InvalidInput(f"mmsi: {self.mmsi!r} is not nine digits")
        return ""


@dataclass(frozen=True)
class VesselVerdict:
    query: VesselQuery
    imo: str
    verdict: str
    hits: tuple[Hit, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {
            "query": self.query.__dict__,
            "imo": self.imo or None,
            "verdict": self.verdict,
            "hits": [h.to_dict() for h in self.hits],
        }


def _key(name: str) -> str:
    return " ".join(raw_tokens(name))


class VesselScreener:
    def __init__(self, screener: Screener, rules: RuleBook, threshold: float | None = None) -> None:
        self.screener = screener
        self.rules = rules
        self.threshold = threshold
        self._advisory_by_name: dict[str, list[AdvisoryVessel]] = {}
        for vessel in rules.vessels:
            for name in (vessel.name, *vessel.former_names):
                self._advisory_by_name.setdefault(_key(name), []).append(vessel)

    def screen(self, query: VesselQuery, *, prefix: str = "") -> VesselVerdict:
        imo = query.check()
        hits: list[Hit] = []
        listed: dict[str, Entity] = {}
        for value, where in ((imo, "imo"), (query.mmsi, "mmsi"), (query.call_sign, "call_sign")):
            if value:
                for hit in identifier_hits(self.screener, value, prefix + where):
                    hits.append(_as_vessel(hit))
        if query.name:
            for hit in name_hits(
                self.screener,
                query.name,
                prefix + "name",
                schema="Vessel",
                threshold=self.threshold,
                what="vessel",
            ):
                hits.append(_as_vessel(hit))
        for hit in hits:
            listed[hit.entity_id] = self._entity(hit.entity_id)
        for entity in listed.values():
            hits += self._linked_parties(entity, prefix)
        for role, value in (("owner", query.owner), ("operator", query.operator)):
            if value:
                hits += name_hits(
                    self.screener,
                    value,
                    prefix + role,
                    schema="Organization",
                    threshold=self.threshold,
                    what=f"vessel {role}",
                )
        hits += self._advisories(imo, query.name, prefix)
        return VesselVerdict(query, imo, verdict_of(hits), tuple(hits))

    def _entity(self, entity_id: str) -> Entity:
        return next(e for e in self.screener.index.entities if e.id == entity_id)

    def _linked_parties(self, vessel: Entity, prefix: str) -> list[Hit]:
        """A listed vessel's owner and "Linked To" parties, when they are listed themselves."""
        hits = []
        for prop in ("ownerName", "linkedTo"):
            for name in vessel.get(prop):
                for hit in name_hits(
                    self.screener,
                    name,
                    prefix + "imo",
                    threshold=LINKED_PARTY_THRESHOLD,
                    what=f"{prop} of {vessel.caption}",
                ):
                    role = "owner" if prop == "ownerName" else "linked party"
                    hits.append(
                        Hit(
                            kind="owner",
                            field=hit.field,
                            reason=f"the listed vessel {vessel.caption} ({vessel.id}) has {role} {name}, "
                            f"listed as {hit.matched_name} ({hit.entity_id})",
                            entity_id=hit.entity_id,
                            list=hit.list,
                            matched_name=hit.matched_name,
                            score=hit.score,
                        )
                    )
        return hits

    def _advisories(self, imo: str, name: str, prefix: str) -> list[Hit]:
        found: list[tuple[AdvisoryVessel, str]] = []
        by_imo = self.rules.vessel_by_imo(imo) if imo else None
        if by_imo is not None:
            found.append((by_imo, prefix + "imo"))
        if name:
            for vessel in self._advisory_by_name.get(_key(name), ()):
                if vessel is not by_imo and not (imo and vessel.imo and vessel.imo != imo):
                    found.append((vessel, prefix + "name"))
        return [
            Hit(
                kind="advisory",
                field=where,
                reason=f"{vessel.name} (IMO {vessel.imo or 'unknown'}) is {vessel.reason()}",
                matched_name=vessel.name,
                rule=vessel.to_dict(),
            )
            for vessel, where in found
        ]


def _as_vessel(hit: Hit) -> Hit:
    return Hit(
        kind="vessel",
        field=hit.field,
        reason=hit.reason.replace("identifier", "vessel identifier", 1),
        entity_id=hit.entity_id,
        list=hit.list,
        matched_name=hit.matched_name,
        score=hit.score,
        explanation=hit.explanation,
    )
