"""The actions list versions show: each imported version's changes, grouped by programme.

Nothing is stored for them: a version's changes are in the store already, so the action is read
from them and can never disagree with the lists. A version never changes once imported, so its
actions are read once per process and kept (keyed by the version's file checksum and import time,
and the previous version's checksum). The first version of a source is where the store's
history starts, not an action, and is left out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from datetime import date

from watchkeeper.errors import NotFound
from watchkeeper.model import EntityChange, ListVersion
from watchkeeper.model.actions import ActionParty, SanctionsAction, StatusChange
from watchkeeper.store.base import ListStore

#: The authority behind each source the store can hold.
SOURCE_AUTHORITY = {
    "ofac-sdn": "OFAC",
    "ofac-cons": "OFAC",
    "un": "UN Security Council",
    "uk": "UK",
    "eu": "EU",
}
_KIND_OF_CHANGE = {"added": "designation", "removed": "delisting", "amended": "amendment"}
_STATUS_OF_CHANGE = {"added": "effective", "removed": "delisted", "amended": "amended"}
NO_PROGRAM = "(no programme)"
LIST_PREFIX = "L"
#: Versions whose actions are kept in memory (a year of weekly versions of five sources).
CACHED_VERSIONS = 512

_read: OrderedDict[tuple[str, int, str, str], tuple[SanctionsAction, ...]] = OrderedDict()
_read_lock = threading.Lock()


def list_action_id(version: ListVersion, program: str) -> str:
    return f"{LIST_PREFIX}:{version.source}@{version.seq}:{program}"


def actions_of_version(store: ListStore, version: ListVersion) -> list[SanctionsAction]:
    """One action per programme the version changed, with the entities added, removed, amended."""
    if version.seq <= 1:
        return []
    # The version before decides the diff: two stores may hold the same file after different ones.
    before = store.version(version.source, version.seq - 1)
    key = (version.source, version.seq, version.sha256, before.sha256 + version.imported_at)
    with _read_lock:
        found = _read.get(key)
        if found is not None:
            _read.move_to_end(key)
            return list(found)
    actions = _read_actions(store, version, before)
    with _read_lock:
        _read[key] = tuple(actions)
        while len(_read) > CACHED_VERSIONS:
            _read.popitem(last=False)
    return actions


def _read_actions(store: ListStore, version: ListVersion, before: ListVersion) -> list[SanctionsAction]:
    diff = store.diff(version.source, after=version.seq)
    groups: dict[str, list[EntityChange]] = defaultdict(list)
    for change in diff.changes:
        # A removed entity's programmes are those it was listed under before it went.
        on = before.published if change.kind == "removed" else version.published
        try:
            programs = store.entity(change.entity_id, as_of=on).get("program") or (NO_PROGRAM,)
        except NotFound:
            programs = (NO_PROGRAM,)
        for program in programs:
            groups[program].append(change)
    return [_action(version, program, changes) for program, changes in sorted(groups.items())]


def _action(version: ListVersion, program: str, changes: list[EntityChange]) -> SanctionsAction:
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in ("added", "removed", "amended")}
    main = max(counts, key=lambda k: (counts[k], k == "added"))
    kind = _KIND_OF_CHANGE["added" if counts["added"] else main]
    parts = [
        f"{counts[k]} {word}"
        for k, word in (("added", "added"), ("removed", "removed"), ("amended", "amended"))
        if counts[k]
    ]
    return SanctionsAction(
        id=list_action_id(version, program),
        authority=SOURCE_AUTHORITY.get(version.source, version.source),
        day=version.published,
        kind=kind,
        title=f"{version.source} {program}: {', '.join(parts)}",
        origin="list",
        programs=(program,),
        parties=tuple(
            ActionParty(
                name=c.caption,
                standing=c.kind,
                entity_id=c.entity_id,
                version=version.label,
                explanation=", ".join(f.field for f in c.fields),
            )
            for c in changes
        ),
        timeline=(
            StatusChange(
                _STATUS_OF_CHANGE["added" if counts["added"] else main],
                version.published,
                version=version.label,
            ),
        ),
        counts=counts,
    )


def list_actions(
    store: ListStore, since: date | None = None, until: date | None = None
) -> list[SanctionsAction]:
    """The actions of every version published in the period, oldest first."""
    found: list[SanctionsAction] = []
    for source in store.sources():
        for version in store.versions(source):
            if (since and version.published < since) or (until and version.published > until):
                continue
            found.extend(actions_of_version(store, version))
    return sorted(found, key=lambda a: (a.day, a.id))


def list_action(store: ListStore, action_id: str) -> SanctionsAction:
    """`L:ofac-sdn@7:RUSSIA-EO14024` → that action."""
    try:
        _, rest = action_id.split(":", 1)
        label, program = rest.split(":", 1)
        source, seq = label.rsplit("@", 1)
        version = store.version(source, int(seq))
    except (ValueError, NotFound):
        raise NotFound(f"no list action {action_id}") from None
    for action in actions_of_version(store, version):
        if action.id == action_id:
            return action
    raise NotFound(f"no list action {action_id}: {version.label} changed nothing under {program}")
