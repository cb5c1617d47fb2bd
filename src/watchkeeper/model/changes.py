"""List versions and what changed between them: what a diff, a history and a reopened alert show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from watchkeeper.model.entity import Entity, IdentityDocument


@dataclass(frozen=True, slots=True)
class ListVersion:
    """One imported publication of one source."""

    source: str
    seq: int  # 1, 2, ... in publication order within the source
    published: date
    sha256: str
    imported_at: str  # ISO timestamp, UTC
    record_count: int  # entities in the file
    listed_count: int  # entities listed by the source after this version
    partial: bool
    path: str
    format: str
    added: int = 0
    removed: int = 0
    amended: int = 0

    @property
    def label(self) -> str:
        return f"{self.source}@{self.seq} ({self.published.isoformat()})"

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "seq": self.seq,
            "published": self.published.isoformat(),
            "sha256": self.sha256,
            "imported_at": self.imported_at,
            "record_count": self.record_count,
            "listed_count": self.listed_count,
            "partial": self.partial,
            "path": self.path,
            "format": self.format,
            "added": self.added,
            "removed": self.removed,
            "amended": self.amended,
        }


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One property whose values differ between two states of an entity."""

    field: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"field": self.field, "before": list(self.before), "after": list(self.after)}


@dataclass(frozen=True, slots=True)
class EntityChange:
    """An entity added, removed or amended between two list versions."""

    entity_id: str
    kind: str  # added | removed | amended
    caption: str
    fields: tuple[FieldChange, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "entity_id": self.entity_id,
            "kind": self.kind,
            "caption": self.caption,
            "fields": [f.to_dict() for f in self.fields],
        }


def diff_entities(before: Entity, after: Entity) -> tuple[FieldChange, ...]:
    """Field-level differences; the raw record counts only when nothing else changed."""
    changes: list[FieldChange] = []
    for name, old, new in (
        ("schema", before.schema, after.schema),
        ("caption", before.caption, after.caption),
    ):
        if old != new:
            changes.append(FieldChange(name, (old,), (new,)))
    for prop in sorted(set(before.properties) | set(after.properties)):
        old_values, new_values = before.get(prop), after.get(prop)
        if set(old_values) != set(new_values):
            changes.append(FieldChange(prop, old_values, new_values))
    old_docs = tuple(sorted(_doc_text(d) for d in before.documents))
    new_docs = tuple(sorted(_doc_text(d) for d in after.documents))
    if old_docs != new_docs and not any(c.field in _DOC_KINDS for c in changes):
        changes.append(FieldChange("documents", old_docs, new_docs))
    if not changes and before.record != after.record:
        changes.append(FieldChange("record", (before.record,), (after.record,)))
    return tuple(changes)


_DOC_KINDS = {"passportNumber", "idNumber", "taxNumber", "registrationNumber", "leiCode", "isin"}


def _doc_text(doc: IdentityDocument) -> str:
    parts = [doc.label or doc.kind, doc.number]
    if doc.country:
        parts.append(f"({doc.country})")
    if doc.note:
        parts.append(doc.note)
    return " ".join(parts)
