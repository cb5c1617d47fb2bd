"""A press release or article read and its parties checked against the lists: the verified claims.

Each party the document names is screened with the matcher against the lists in force today, and,
when the document has a date, against those in force on that date too, so a party delisted since
shows as such. The outcome per party is one of:

- `confirmed` — listed now at or above the alert threshold: the entity, its list, the version
  that added it, the score and the explanation;
- `formerly-listed` — listed on the document's date, no longer today;
- `possible-misspelling` — no listed entity reaches the threshold, but one comes close (at or above
  `CANDIDATE_FLOOR`): shown as a candidate, never as a confirmation;
- `not-listed` — on no loaded list.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from watchkeeper.documents.claims import ActionClaim, read_claim
from watchkeeper.documents.extract import extract_parties
from watchkeeper.documents.names import is_company
from watchkeeper.documents.party import NamedParty
from watchkeeper.documents.text import Document, read_document
from watchkeeper.errors import NotFound
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.match.screener import Screener, ScreeningMatch, ScreeningQuery
from watchkeeper.model import ListVersion
from watchkeeper.screen.loader import chosen_versions, screener_for_versions, screener_from_store
from watchkeeper.store.base import ListStore

#: A candidate this close is shown as a possible mis-spelling of a listed name: a lead for a person
#: to look at, never an alert. Low enough that a report keeping a listed company's distinctive words
#: shows it (`Dalian Haibo Shipping Co., Ltd.` for DALIAN HAIBO INTERNATIONAL FREIGHT scores 0.61).
CANDIDATE_FLOOR = 0.60
STATUSES = ("confirmed", "formerly-listed", "possible-misspelling", "not-listed")
#: Only types the extractor knows from a pattern narrow the search: a legal form makes a company, an
#: IMO number or "the vessel" a ship. The model's PERSON/ORG guess is wrong too often (`Adham
#: Tabaja` as an organisation) to rule listed entities out by it.
_QUERY_SCHEMA = {"Company": "Organization", "Vessel": "Vessel"}


@dataclass(frozen=True)
class ListedMatch:
    """The listed entity a party resolved to, with why and since when."""

    entity_id: str
    caption: str
    schema: str
    source: str
    score: float
    explanation: str
    listed_since: date | None = None
    added_by_version: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "entity_id": self.entity_id,
            "caption": self.caption,
            "schema": self.schema,
            "list": self.source,
            "score": round(self.score, 3),
            "explanation": self.explanation,
            "listed_since": self.listed_since.isoformat() if self.listed_since else None,
            "added_by_version": self.added_by_version,
        }


@dataclass(frozen=True)
class PartyCheck:
    party: NamedParty
    status: str
    match: ListedMatch | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            **self.party.to_dict(),
            "status": self.status,
            "match": self.match.to_dict() if self.match else None,
        }


@dataclass(frozen=True)
class DocumentReading:
    """A document read and verified: what it claims and each party's standing on the lists."""

    document: Document
    claim: ActionClaim
    checks: tuple[PartyCheck, ...]
    lists: tuple[ListVersion, ...]
    lists_then: tuple[ListVersion, ...] = ()
    threshold: float = DEFAULT_THRESHOLD
    seconds: float = field(default=0.0, compare=False)

    @property
    def date(self) -> date | None:
        return self.document.published

    def to_dict(self) -> dict[str, object]:
        counts = {s: sum(1 for c in self.checks if c.status == s) for s in STATUSES}
        return {
            "document": self.document.to_dict(),
            "action": self.claim.to_dict(),
            "date": self.date.isoformat() if self.date else None,
            "threshold": self.threshold,
            "lists": [v.label for v in self.lists],
            "lists_on_document_date": [v.label for v in self.lists_then],
            "counts": counts,
            "parties": [c.to_dict() for c in self.checks],
        }


def query_for(party: NamedParty) -> ScreeningQuery:
    return ScreeningQuery(
        name=party.name,
        schema=_QUERY_SCHEMA.get(party.schema),
        identifier=party.imo,
        country=None,  # "Belgium-based" says where a party works, not its nationality
    )


def best_match(screener: Screener, party: NamedParty, floor: float) -> ScreeningMatch | None:
    """The best listed entity for the party's name or any alias it is given."""
    best: ScreeningMatch | None = None
    query = query_for(party)
    for name in (party.name, *party.aliases):
        for match in screener.screen(replace(query, name=name), threshold=floor, limit=1):
            if best is None or match.score > best.score:
                best = match
    return best


def check_party(
    store: ListStore,
    party: NamedParty,
    now: Screener,
    then: Screener | None,
    on: date | None,
    threshold: float,
) -> PartyCheck:
    found = best_match(now, party, CANDIDATE_FLOOR)
    if found is not None and found.score >= threshold:
        return PartyCheck(party, "confirmed", _listed(store, found))
    if then is not None and on is not None:
        earlier = best_match(then, party, threshold)
        if earlier is not None:
            return PartyCheck(party, "formerly-listed", _listed(store, earlier, on))
    if found is not None:
        return PartyCheck(party, "possible-misspelling", _listed(store, found))
    return PartyCheck(party, "not-listed")


def _listed(store: ListStore, match: ScreeningMatch, on: date | None = None) -> ListedMatch:
    answer = store.was_listed(match.entity.id, on or date.today())
    added = answer.first_listed
    return ListedMatch(
        entity_id=match.entity.id,
        caption=match.entity.caption,
        schema=match.entity.schema,
        source=match.source,
        score=match.score,
        explanation=match.explanation.summary(),
        listed_since=added.published if added else None,
        added_by_version=added.label if added else None,
    )


def verify_document(
    store: ListStore,
    document: Document,
    *,
    on: date | None = None,
    sources: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    cache: Path | None = None,
    current: tuple[Screener, list[ListVersion]] | None = None,
) -> DocumentReading:
    """Extract the document's parties and check each against the lists today and on its date.
    `current`: a screener over today's lists already loaded (a server's), used instead of loading one."""
    started = time.perf_counter()
    day = on or document.published
    now, versions = current or screener_from_store(store, sources, None, threshold, cache)
    then, versions_then = _screener_on(store, day, sources, threshold, cache, now, versions)
    checks = tuple(check_party(store, p, now, then, day, threshold) for p in extract_parties(document))
    return DocumentReading(
        document=document,
        claim=read_claim(document.text, document.url),
        checks=checks,
        lists=tuple(versions),
        lists_then=tuple(versions_then),
        threshold=threshold,
        seconds=time.perf_counter() - started,
    )


def _screener_on(
    store: ListStore,
    day: date | None,
    sources: Sequence[str] | None,
    threshold: float,
    cache: Path | None,
    now: Screener,
    versions: list[ListVersion],
) -> tuple[Screener | None, list[ListVersion]]:
    """The screener over the lists in force on `day` (None when no list held was in force then);
    today's when those are the same versions."""
    if day is None or day >= date.today():
        return None, []
    try:
        then_versions = chosen_versions(store, sources, day)
    except NotFound:
        return None, []  # no list loaded was in force on that date
    if [v.label for v in then_versions] == [v.label for v in versions]:
        return now, then_versions
    return screener_for_versions(store, then_versions, threshold, cache)


def check_names(
    store: ListStore,
    names: Sequence[str],
    *,
    on: date | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    cache: Path | None = None,
    current: tuple[Screener, list[ListVersion]] | None = None,
) -> tuple[PartyCheck, ...]:
    """Names given by hand (an announced action's parties) checked as a document's parties are."""
    if not names:
        return ()
    now, versions = current or screener_from_store(store, None, None, threshold, cache)
    then, _ = _screener_on(store, on, None, threshold, cache, now, versions)
    parties = [NamedParty(n, "Company" if is_company(n) else "") for n in names]
    return tuple(check_party(store, p, now, then, on, threshold) for p in parties)


def read_and_verify(
    store: ListStore,
    data: bytes,
    name: str,
    *,
    url: str | None = None,
    on: date | None = None,
    sources: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    cache: Path | None = None,
    current: tuple[Screener, list[ListVersion]] | None = None,
) -> DocumentReading:
    """The one entry point front ends call: bytes in, verified claims out (nothing is recorded)."""
    document = read_document(data, name, url=url)
    return verify_document(
        store, document, on=on, sources=sources, threshold=threshold, cache=cache, current=current
    )
