"""Sanctions actions: what an authority did or announced, the documents behind it, the parties it
names and the status it went through (announced → effective in a list version → amended →
delisted; or announced → on hold → withdrawn)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ACTION_KINDS = (
    "designation",
    "delisting",
    "amendment",
    "general-licence",
    "advisory",
    "announcement",
    "on-hold",
    "withdrawal",
)
AUTHORITIES = ("OFAC", "State", "UN Security Council", "EU", "UK")
#: A status names where an action stands; each change is kept with its date and, when a list
#: version shows it, that version.
ACTION_STATUSES = ("announced", "effective", "amended", "delisted", "on-hold", "withdrawn")
#: The status a manually recorded action of each kind starts in.
FIRST_STATUS = {"announcement": "announced", "on-hold": "on-hold", "withdrawal": "withdrawn"}
#: Where an action's record comes from.
ORIGINS = ("list", "document", "manual")
#: The watch source of the parties of open announced and on-hold actions, and how its hits are shown.
WATCH_SOURCE = "announced"
WATCH_LABEL = "announced, not listed"


def label_of(source: str) -> str:
    """How a hit is shown: `listed`, or `announced, not listed` for the watch source's."""
    return WATCH_LABEL if source == WATCH_SOURCE else "listed"


@dataclass(frozen=True)
class StatusChange:
    status: str
    day: date
    note: str = ""
    version: str | None = None  # `ofac-sdn@7 (2022-03-01)` when a list version shows the change

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "date": self.day.isoformat(),
            "note": self.note,
            "version": self.version,
        }


@dataclass(frozen=True)
class ActionDocument:
    name: str
    sha256: str
    format: str
    title: str = ""
    url: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "sha256": self.sha256,
            "format": self.format,
            "title": self.title,
            "url": self.url,
        }


@dataclass(frozen=True)
class ActionParty:
    """A party an action names, and what the lists said of it when the action was recorded."""

    name: str
    schema: str = ""
    aliases: tuple[str, ...] = ()
    imo: str | None = None
    countries: tuple[str, ...] = ()  # ISO codes of where the document places it
    nationalities: tuple[str, ...] = ()
    address: str | None = None
    standing: str = ""  # confirmed | formerly-listed | possible-misspelling | not-listed | changed
    entity_id: str | None = None
    score: float | None = None
    explanation: str = ""
    version: str | None = None  # the list version that added (or changed) the entity

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "schema": self.schema,
            "aliases": list(self.aliases),
            "imo": self.imo,
            "countries": list(self.countries),
            "nationalities": list(self.nationalities),
            "address": self.address,
            "standing": self.standing,
            "entity_id": self.entity_id,
            "score": None if self.score is None else round(self.score, 3),
            "explanation": self.explanation,
            "version": self.version,
        }


@dataclass(frozen=True)
class SanctionsAction:
    id: str
    authority: str
    day: date
    kind: str
    title: str
    origin: str
    programs: tuple[str, ...] = ()
    note: str = ""
    parties: tuple[ActionParty, ...] = ()
    documents: tuple[ActionDocument, ...] = ()
    timeline: tuple[StatusChange, ...] = ()
    recorded_by: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # list actions: added, removed, amended

    @property
    def status(self) -> str:
        return self.timeline[-1].status if self.timeline else "announced"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "authority": self.authority,
            "date": self.day.isoformat(),
            "kind": self.kind,
            "title": self.title,
            "origin": self.origin,
            "status": self.status,
            "programs": list(self.programs),
            "note": self.note,
            "counts": dict(self.counts),
            "parties": [p.to_dict() for p in self.parties],
            "documents": [d.to_dict() for d in self.documents],
            "timeline": [s.to_dict() for s in self.timeline],
            "recorded_by": self.recorded_by,
        }
