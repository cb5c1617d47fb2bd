"""A party named in a document, as the extractors return it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NamedParty:
    """One party a document names, with what the document says of it."""

    name: str
    schema: str  # Person | Organization | Company | Vessel
    aliases: tuple[str, ...] = ()
    imo: str | None = None
    countries: tuple[str, ...] = ()  # ISO codes of where the text places it (based, registered in)
    nationalities: tuple[str, ...] = ()  # ISO codes
    address: str | None = None
    mentions: int = 1
    evidence: str = ""  # the sentence that ties it to the action

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "schema": self.schema,
            "aliases": list(self.aliases),
            "imo": self.imo,
            "countries": list(self.countries),
            "nationalities": list(self.nationalities),
            "address": self.address,
            "mentions": self.mentions,
            "evidence": self.evidence,
        }
