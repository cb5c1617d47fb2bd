"""The `announced` watch source: parties of announced or on-hold actions that no list names yet.

Screening may include it (`screen`/`batch --lists ofac-sdn,announced`, `/screen` and `/match`;
never by default). A hit on it is a party
an authority announced, not a designation, and is labelled so everywhere it is shown. An entry
closes when its action is withdrawn or becomes effective: `link_actions` moves an action to
`effective` as soon as a list version lists its parties (the matcher confirms the name at the alert
threshold, and an IMO number, when the action gives one, must be the listed vessel's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from watchkeeper.match.merged import MergedScreening
from watchkeeper.match.screener import Screener
from watchkeeper.model import Entity
from watchkeeper.model.actions import WATCH_LABEL, WATCH_SOURCE, SanctionsAction, StatusChange
from watchkeeper.screen.documents import check_names
from watchkeeper.store.actions import ActionStore
from watchkeeper.store.base import ListStore

#: Actions whose parties are watched while the action is in one of these statuses.
WATCHED_KINDS = ("announcement", "on-hold", "designation")
OPEN_STATUSES = ("announced", "on-hold")
_SCHEMA = {"Person": "Person", "Company": "Company", "Organization": "Organization", "Vessel": "Vessel"}


def watched_actions(actions: Sequence[SanctionsAction]) -> list[SanctionsAction]:
    return [a for a in actions if a.kind in WATCHED_KINDS and a.status in OPEN_STATUSES]


def watch_entities(actions: Sequence[SanctionsAction]) -> list[Entity]:
    """One entity per party of an open announced or on-hold action that no list confirmed."""
    entities = []
    for action in watched_actions(actions):
        for position, party in enumerate(action.parties, 1):
            if party.standing == "confirmed":
                continue  # listed already: screening finds it on its list
            properties: dict[str, tuple[str, ...]] = {"name": (party.name,)}
            if party.aliases:
                properties["alias"] = party.aliases
            if party.imo:
                properties["imoNumber"] = (party.imo,)
            properties["notes"] = (
                f"{WATCH_LABEL}: {action.id} {action.kind} by {action.authority} on {action.day}",
            )
            entities.append(
                Entity(
                    id=f"{WATCH_SOURCE}:{action.id}.{position}",
                    schema=_SCHEMA.get(party.schema, "LegalEntity"),
                    caption=party.name,
                    properties=properties,
                )
            )
    return entities


def watch_screener(actions: ActionStore, threshold: float) -> Screener | None:
    """A screener over the open watch entries (None when there are none)."""
    entities = watch_entities(actions.all())
    return Screener(entities, threshold=threshold) if entities else None


def split_watch(lists: Sequence[str] | None) -> tuple[list[str] | None, bool]:
    """`[ofac-sdn, announced]` → (`[ofac-sdn]`, True): the lists to screen, and whether the watch
    source is asked for too; (None, True) when it alone is."""
    if not lists or WATCH_SOURCE not in lists:
        return (list(lists) if lists else None), False
    return [s for s in lists if s != WATCH_SOURCE] or None, True


def with_announced(listed: Screener | None, watched: Screener | None) -> MergedScreening:
    """The lists' screener and the watch source's as one (either may be missing: no list asked
    for, no announced party open)."""
    return MergedScreening(tuple(s for s in (listed, watched) if s is not None))


@dataclass(frozen=True)
class Link:
    action_id: str
    party: str
    entity_id: str
    version: str
    listed_since: date | None = None

    def describe(self) -> str:
        return f"{self.party} listed as {self.entity_id} by {self.version}"

    def to_dict(self) -> dict[str, str | None]:
        return {
            "action": self.action_id,
            "party": self.party,
            "entity_id": self.entity_id,
            "version": self.version,
            "listed_since": self.listed_since.isoformat() if self.listed_since else None,
        }


def link_actions(
    lists: ListStore, actions: ActionStore, actor: str, *, threshold: float, cache: Path | None = None
) -> list[Link]:
    """Move each open announced or on-hold action whose parties a list version now lists to
    `effective`, naming that version; returns the links made."""
    links: list[Link] = []
    for action in watched_actions(actions.all()):
        waiting = [p for p in action.parties if p.standing != "confirmed"]
        if not waiting:
            continue
        checks = check_names(lists, [p.name for p in waiting], threshold=threshold, cache=cache)
        found = []
        for party, check in zip(waiting, checks, strict=True):
            match = check.match
            if check.status != "confirmed" or match is None or match.added_by_version is None:
                continue
            if party.imo and not _same_imo(lists, match.entity_id, party.imo):
                continue  # a name alone does not link a vessel whose IMO number differs
            found.append(
                Link(action.id, party.name, match.entity_id, match.added_by_version, match.listed_since)
            )
        if found:
            latest = max(found, key=lambda link: link.listed_since or date.min)
            actions.add_status(
                action.id,
                StatusChange(
                    "effective",
                    latest.listed_since or date.today(),
                    "listed: " + "; ".join(f"{link.party} as {link.entity_id}" for link in found),
                    latest.version,
                ),
                actor,
            )
            links.extend(found)
    return links


def _same_imo(lists: ListStore, entity_id: str, imo: str) -> bool:
    return imo in lists.entity(entity_id).get("imoNumber")


def link_after_import(
    lists: ListStore, actions: ActionStore, *, threshold: float, cache: Path | None
) -> list[Link]:
    """The step after every list import: link open announced and on-hold actions to the version if
    it lists their parties (nothing is screened when no such action is open: `link_actions` checks
    only the parties of open actions)."""
    return link_actions(lists, actions, "system", threshold=threshold, cache=cache)
