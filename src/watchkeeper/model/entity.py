"""The one entity model every list is parsed into.

Property names follow FollowTheMoney (FtM) where FtM has them, so an entity
exports to an FtM-shaped dict without a mapping table. The internal model is
our own frozen dataclasses, not FtM proxies: FtM dates cannot say "circa" or
"between X and Y", and building proxies costs far more per record than a
dataclass when a list of 15,000 records is parsed every week.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from watchkeeper.errors import InvalidInput

#: The FollowTheMoney properties that hold identifiers: what the index keeps for exact lookups and
#: what a query (an FtM example at `/match`, a payment party) may give. One table, so that an
#: identifier read from a query is always one the index holds.
IDENTIFIER_PROPERTIES = (
    "imoNumber",
    "mmsi",
    "callSign",
    "passportNumber",
    "idNumber",
    "taxNumber",
    "registrationNumber",
    "leiCode",
    "swiftBic",
    "isin",
    "dunsCode",
    "innCode",
    "ogrnCode",
    "vatCode",
)


#: FtM schemata an entity can take. `Organization` is used when a list does not
#: say whether an entity is a company; `LegalEntity` when it may be a person too.
SCHEMATA = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")

_SOURCE_RE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def entity_id(source: str, native_id: str) -> str:
    """The one id of a listed entity everywhere: `<source>:<native id>`.

    Whitespace is removed from the native id because publishers pad fields
    (OFAC's `-0- ` and trailing blanks) and the id must be the same whichever
    file of the same source it was read from.
    """
    if not _SOURCE_RE.match(source):
        raise InvalidInput(f"invalid source name {source!r}")
    native = "".join(native_id.split())
    if not native:
        raise InvalidInput(f"empty native id for source {source!r}")
    return f"{source}:{native}"


@lru_cache(maxsize=64)
def _valid_source(source: str) -> bool:
    return _SOURCE_RE.match(source) is not None


def split_entity_id(value: str) -> tuple[str, str]:
    source, sep, native = value.partition(":")
    if not sep or not native or not _valid_source(source):
        raise InvalidInput(f"not an entity id (expected <source>:<native id>): {value!r}")
    return source, native


_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date as precise as the list gave it.

    `start` is an ISO prefix (`1962`, `1962-05`, `1962-05-13`). `end` is set
    for "between X and Y" ranges and `circa` for "approximately". The string
    form (`1962`, `~1962`, `1960..1962`) is what the store keeps.
    """

    start: str
    end: str | None = None
    circa: bool = False

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if value is None or (len(value) == 4 and value.isdigit()):
                continue
            if not _DATE_RE.match(value):
                raise InvalidInput(f"not an ISO date prefix: {value!r}")
            _check_calendar(value)

    def __str__(self) -> str:
        text = self.start if self.end is None else f"{self.start}..{self.end}"
        return f"~{text}" if self.circa else text

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        circa = text.startswith("~")
        body = text[1:] if circa else text
        start, sep, end = body.partition("..")
        return cls(start=start, end=end if sep else None, circa=circa)

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.start)]

    def earliest(self) -> date:
        return _expand(self.start, first=True)

    def latest(self) -> date:
        return _expand(self.end or self.start, first=False)


def _check_calendar(value: str) -> None:
    parts = [int(p) for p in value.split("-")]
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        raise InvalidInput(f"month out of range in {value!r}")
    if len(parts) == 3:
        date(parts[0], parts[1], parts[2])


def _expand(prefix: str, *, first: bool) -> date:
    parts = [int(p) for p in prefix.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return date(year, 1, 1) if first else date(year, 12, 31)
    month = parts[1]
    if len(parts) == 3:
        return date(year, month, parts[2])
    if first:
        return date(year, month, 1)
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(next_month.toordinal() - 1)


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    """A passport, national id, tax or registration number as listed."""

    kind: str  # FtM property the number is also filed under, e.g. passportNumber
    number: str
    label: str = ""  # the publisher's own label, e.g. "Cedula No."
    country: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "number": self.number,
            "label": self.label,
            "country": self.country,
            "note": self.note,
        }


Properties = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Entity:
    """A listed person, organisation, vessel or aircraft, as one source lists it."""

    id: str
    schema: str
    caption: str
    properties: Properties = field(default_factory=dict)
    documents: tuple[IdentityDocument, ...] = ()
    #: The publisher's own record (CSV rows or XML element), kept for evidence.
    record: str = ""

    def __post_init__(self) -> None:
        if self.schema not in SCHEMATA:
            raise InvalidInput(f"{self.id}: unknown schema {self.schema!r}")
        split_entity_id(self.id)

    @property
    def source(self) -> str:
        return self.id.partition(":")[0]

    def get(self, prop: str) -> tuple[str, ...]:
        return self.properties.get(prop, ())

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the entity is listed under, strong ones first."""
        seen: dict[str, None] = {}
        for prop in ("name", "alias", "previousName", "weakAlias"):
            for value in self.get(prop):
                seen.setdefault(value, None)
        return tuple(seen)

    @property
    def birth_dates(self) -> tuple[PartialDate, ...]:
        return tuple(PartialDate.parse(v) for v in self.get("birthDate"))

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "schema": self.schema,
            "caption": self.caption,
            "properties": {k: list(v) for k, v in sorted(self.properties.items())},
            "documents": [d.to_dict() for d in self.documents],
            "record": self.record,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Entity:
        props = data.get("properties", {})
        docs = data.get("documents", [])
        if not isinstance(props, dict) or not isinstance(docs, list):
            raise InvalidInput(f"malformed stored entity {data.get('id')!r}")
        return cls(
            id=str(data["id"]),
            schema=str(data["schema"]),
            caption=str(data["caption"]),
            properties={str(k): tuple(str(x) for x in v) for k, v in props.items()},
            documents=tuple(IdentityDocument(**d) for d in docs),
            record=str(data.get("record", "")),
        )

    def canonical_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def content_hash(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def to_ftm(self) -> dict[str, object]:
        """Export as a FollowTheMoney entity dict (the shape yente serves).

        FtM country properties hold ISO codes and dates are plain prefixes
        (`1951`, `1961-04`): a country we cannot code and the circa/between
        forms are rewritten so an FtM client keeps them instead of dropping
        them as invalid.
        """
        props: dict[str, list[str]] = {}
        for prop, values in self.properties.items():
            for value in values:
                for ftm_prop, ftm_value in _ftm_values(prop, value):
                    found = props.setdefault(ftm_prop, [])
                    if ftm_value not in found:
                        found.append(ftm_value)
        for doc in self.documents:
            numbers = props.setdefault(doc.kind, [])
            if doc.number not in numbers:
                numbers.append(doc.number)
        return {"id": self.id, "schema": self.schema, "caption": self.caption, "properties": props}


#: FtM properties of type country, and of type date, that our entities use.
FTM_COUNTRY_PROPERTIES = frozenset(
    {"country", "nationality", "citizenship", "jurisdiction", "flag", "birthCountry", "mainCountry"}
)
FTM_DATE_PROPERTIES = frozenset({"birthDate", "deathDate", "incorporationDate", "buildDate", "modifiedAt"})


def _ftm_values(prop: str, value: str) -> list[tuple[str, str]]:
    if prop in FTM_COUNTRY_PROPERTIES:
        code = _country_code(value)
        return [(prop, code)] if code else [("notes", f"{prop}: {value}")]
    if prop in FTM_DATE_PROPERTIES:
        # `~1951` (circa) → 1951; `1960..1962` (between) → both ends.
        return [(prop, part) for part in value.lstrip("~").split("..") if part]
    return [(prop, value)]


@lru_cache(maxsize=2048)
def _country_code(value: str) -> str | None:
    import countrynames  # noqa: PLC0415 - only the FtM export needs it

    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return text.lower()
    code = countrynames.to_code(text)
    return code.lower() if code else None


class EntityBuilder:
    """Collects property values for one entity while a parser walks its record."""

    def __init__(self, id: str, schema: str) -> None:
        self.id = id
        self.schema = schema
        self.caption = ""
        self._props: dict[str, dict[str, None]] = {}
        self._docs: dict[IdentityDocument, None] = {}
        self.record = ""

    def add(self, prop: str, *values: str | None) -> None:
        for value in values:
            if not value:
                continue
            text = value.strip()
            if "  " in text or "\n" in text or "\t" in text or "\r" in text:
                text = " ".join(text.split())
            if text:
                self._props.setdefault(prop, {}).setdefault(text, None)

    def add_all(self, prop: str, values: Iterable[str | None]) -> None:
        self.add(prop, *values)

    def add_date(self, prop: str, value: PartialDate | None) -> None:
        if value is not None:
            self.add(prop, str(value))

    def add_document(self, doc: IdentityDocument) -> None:
        number = " ".join(doc.number.split())
        if not number:
            return
        self._docs.setdefault(doc, None)
        self.add(doc.kind, number)

    def has(self, prop: str) -> bool:
        return bool(self._props.get(prop))

    def build(self) -> Entity:
        props = {k: tuple(v) for k, v in self._props.items() if v}
        names = props.get("name", ())
        caption = self.caption or (names[0] if names else "")
        if not caption:
            raise InvalidInput(f"{self.id}: entity has no name")
        # A name already listed as primary is not repeated as an alias.
        primary = set(names)
        for prop in ("alias", "weakAlias", "previousName"):
            if prop in props:
                rest = tuple(v for v in props[prop] if v not in primary)
                if rest:
                    props[prop] = rest
                else:
                    del props[prop]
        return Entity(
            id=self.id,
            schema=self.schema,
            caption=caption,
            properties=props,
            documents=tuple(self._docs),
            record=self.record,
        )
