"""The one entity model every list is parsed into (`entity`), and list versions and changes (`changes`)."""

from watchkeeper.model.changes import EntityChange, FieldChange, ListVersion, diff_entities
from watchkeeper.model.entity import (
    FTM_COUNTRY_PROPERTIES,
    FTM_DATE_PROPERTIES,
    IDENTIFIER_PROPERTIES,
    SCHEMATA,
    Entity,
    EntityBuilder,
    IdentityDocument,
    PartialDate,
    entity_id,
    split_entity_id,
)

__all__ = [
    "FTM_COUNTRY_PROPERTIES",
    "FTM_DATE_PROPERTIES",
    "IDENTIFIER_PROPERTIES",
    "SCHEMATA",
    "Entity",
    "EntityBuilder",
    "EntityChange",
    "FieldChange",
    "IdentityDocument",
    "ListVersion",
    "PartialDate",
    "diff_entities",
    "entity_id",
    "split_entity_id",
]
