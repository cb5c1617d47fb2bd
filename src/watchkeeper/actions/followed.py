"""What the lists did later to the parties of a recorded action: amended, delisted, listed again.

A recorded action's own timeline ends where the recording or the link left it (announced,
effective in a version, on hold, withdrawn). What later list versions did to its listed parties
(confirmed, or formerly listed when it was recorded) is read from the store's history of those
entities whenever the action is shown, so it is never out of step with the lists and never
stored twice. A version that changes some of the parties makes the action `amended` (the note
names who was amended or delisted); one after which none is listed any more makes it `delisted`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from watchkeeper.errors import NotFound
from watchkeeper.model import ListVersion
from watchkeeper.model.actions import SanctionsAction, StatusChange
from watchkeeper.store.base import ListStore


def followed(lists: ListStore, action: SanctionsAction) -> SanctionsAction:
    """The action with what later list versions did to its listed parties added to its timeline."""
    if action.origin == "list" or action.status == "withdrawn":
        return action
    since = _since(action)
    changes: dict[ListVersion, list[str]] = defaultdict(list)
    # A party listed on the action's day is followed whether or not it was still listed when recorded.
    followed_ids = {
        p.entity_id: p.name
        for p in action.parties
        if p.entity_id and p.standing in ("confirmed", "formerly-listed")
    }
    ended: dict[str, ListVersion] = {}
    for entity_id, name in followed_ids.items():
        try:
            spans = lists.history(entity_id)
        except NotFound:
            continue
        for position, (start, end, _state) in enumerate(spans):
            if position > 0 and start.published > since:
                change = "listed again" if spans[position - 1][1] != start else "amended"
                changes[start].append(f"{name} {change}")
            following = spans[position + 1][0] if position + 1 < len(spans) else None
            if end is not None and end != following:
                ended[entity_id] = end
                if end.published > since:
                    changes[end].append(f"{name} delisted")
            elif end is None:
                ended.pop(entity_id, None)
    if not changes:
        return action
    added = []
    for version in sorted(changes, key=_order):
        # Delisted when, after this version, none of the followed parties is listed any more.
        gone = all(
            entity_id in ended and _order(ended[entity_id])[:2] <= _order(version)[:2]
            for entity_id in followed_ids
        )
        status = "delisted" if gone else "amended"
        added.append(StatusChange(status, version.published, "; ".join(changes[version]), version.label))
    return replace(action, timeline=(*action.timeline, *added))


def _order(version: ListVersion) -> tuple[date, int, str]:
    return version.published, version.seq, version.source


def _since(action: SanctionsAction) -> date:
    """The day from which list changes are news to the action: when it became effective, else its own day."""
    effective = [c.day for c in action.timeline if c.status == "effective"]
    return max([action.day, *effective])
