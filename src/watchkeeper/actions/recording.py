"""Actions recorded from a verified document or entered by hand, and the timeline of all actions.

A document's action starts `announced` on its date; when parties it names are confirmed on a list,
the list version that added them makes it `effective` (linked automatically by the matcher's
confirmation, and named in the timeline). A manual action starts in the status its kind means
(announcement → announced, on-hold → on hold, withdrawal → withdrawn). What later list versions
did to its listed parties (amended, delisted) is added when it is shown (`followed.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from watchkeeper.actions.followed import followed
from watchkeeper.actions.from_lists import LIST_PREFIX, list_action, list_actions
from watchkeeper.errors import InvalidInput
from watchkeeper.model.actions import (
    AUTHORITIES,
    FIRST_STATUS,
    ActionDocument,
    ActionParty,
    SanctionsAction,
    StatusChange,
)
from watchkeeper.screen.documents import DocumentReading, PartyCheck
from watchkeeper.store.actions import ActionStore
from watchkeeper.store.base import ListStore

MANUAL_KINDS = tuple(FIRST_STATUS)


def parties_of_reading(reading: DocumentReading) -> tuple[ActionParty, ...]:
    return parties_of_checks(reading.checks)


def parties_of_checks(checks: Sequence[PartyCheck]) -> tuple[ActionParty, ...]:
    return tuple(
        ActionParty(
            name=c.party.name,
            schema=c.party.schema,
            aliases=c.party.aliases,
            imo=c.party.imo,
            countries=c.party.countries,
            nationalities=c.party.nationalities,
            address=c.party.address,
            standing=c.status,
            entity_id=c.match.entity_id if c.match else None,
            score=c.match.score if c.match else None,
            explanation=c.match.explanation if c.match else "",
            version=c.match.added_by_version if c.match else None,
        )
        for c in checks
    )


def action_from_reading(reading: DocumentReading, day: date | None = None) -> SanctionsAction:
    """The action a verified document reports, ready to record."""
    on = day or reading.date
    if on is None:
        raise InvalidInput(f"{reading.document.name}: the document gives no date; give one (--date)")
    parties = parties_of_reading(reading)
    claim = reading.claim
    source = f"{reading.document.name}" + (f" ({claim.reported_by})" if claim.reported_by else "")
    said = f"reported by {source}" if claim.voice == "report" else f"published as {source}"
    timeline = [StatusChange("announced", on, said)]
    confirmed = Counter(p.version for p in parties if p.standing == "confirmed" and p.version)
    if confirmed:
        version, count = confirmed.most_common(1)[0]
        timeline.append(
            StatusChange(
                "effective", on, f"{count} of {len(parties)} parties listed by this version", version
            )
        )
    document = reading.document
    return SanctionsAction(
        id="",
        authority=reading.claim.authority or "unknown",
        day=on,
        kind=reading.claim.kind,
        title=document.title or document.name,
        origin="document",
        programs=reading.claim.programs,
        parties=parties,
        documents=(
            ActionDocument(document.name, document.sha256, document.format, document.title, document.url),
        ),
        timeline=tuple(timeline),
    )


def record_reading(
    actions: ActionStore, reading: DocumentReading, actor: str, day: date | None = None
) -> SanctionsAction:
    action = action_from_reading(reading, day)
    return actions.record(action, actor, {reading.document.sha256: reading.document.text})


def manual_action(
    kind: str,
    authority: str,
    day: date,
    note: str,
    parties: Sequence[PartyCheck] = (),
    title: str = "",
    documents: Sequence[DocumentReading] = (),
) -> SanctionsAction:
    """An action no list file shows: an announcement, a package on hold, a withdrawal."""
    if kind not in MANUAL_KINDS:
        raise InvalidInput(f"kind {kind!r}: a manual action is one of {', '.join(MANUAL_KINDS)}")
    if authority not in AUTHORITIES:
        raise InvalidInput(f"authority {authority!r}: one of {', '.join(AUTHORITIES)}")
    if not note.strip():
        raise InvalidInput("a manual action needs a note saying what was announced and where")
    named = list(parties_of_checks(parties))
    names = [p.name for p in named]
    for reading in documents:
        named.extend(p for p in parties_of_reading(reading) if p.name not in names)
    return SanctionsAction(
        id="",
        authority=authority,
        day=day,
        kind=kind,
        title=title.strip() or note.strip().split("\n")[0][:120],
        origin="manual",
        note=note.strip(),
        parties=tuple(named),
        documents=tuple(
            ActionDocument(
                r.document.name, r.document.sha256, r.document.format, r.document.title, r.document.url
            )
            for r in documents
        ),
        timeline=(StatusChange(FIRST_STATUS[kind], day, note.strip().split("\n")[0][:200]),),
    )


def timeline(
    lists: ListStore,
    actions: ActionStore,
    *,
    since: date | None = None,
    authority: str | None = None,
    origin: str | None = None,
) -> list[SanctionsAction]:
    """Every action, recorded (with what the lists did to their parties since) and shown by list
    versions, newest first."""
    recorded = [followed(lists, a) for a in actions.all(since)]
    found = [*recorded, *(list_actions(lists, since) if origin in (None, "list") else [])]
    if origin:
        found = [a for a in found if a.origin == origin]
    if authority:
        found = [a for a in found if a.authority.casefold() == authority.casefold()]
    return sorted(found, key=lambda a: (a.day, a.id), reverse=True)


def find_action(lists: ListStore, actions: ActionStore, action_id: str) -> SanctionsAction:
    if action_id.startswith(f"{LIST_PREFIX}:"):
        return list_action(lists, action_id)
    return followed(lists, actions.get(action_id))


def record_manual(
    actions: ActionStore,
    action: SanctionsAction,
    actor: str,
    *,
    texts: dict[str, str] | None = None,
    closes: Sequence[str] = (),
) -> SanctionsAction:
    """Record a manual action; a withdrawal may name the actions it reverses (`closes`), each checked
    to exist before anything is written, then ended."""
    if closes and action.kind != "withdrawal":
        raise InvalidInput("closes: only a withdrawal closes actions (it names the action withdrawn)")
    for action_id in closes:
        actions.get(action_id)  # an unknown id is refused before anything is recorded
    recorded = actions.record(action, actor, texts)
    close_actions(actions, recorded, closes, actor)
    return recorded


def close_actions(
    actions: ActionStore, withdrawal: SanctionsAction, closes: Sequence[str], actor: str
) -> None:
    """A withdrawal ends the actions it reverses: each gets `withdrawn`, naming the withdrawal, so its
    parties leave the watch source."""
    for action_id in closes:
        actions.add_status(
            action_id, StatusChange("withdrawn", withdrawal.day, f"withdrawn by {withdrawal.id}"), actor
        )
