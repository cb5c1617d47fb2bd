"""OFAC Sanctions List Service ENHANCED_XML (`<sanctionsData>`).

Exports from the list service are often filtered (one program, as the IRGC
file here), so a file is imported as a partial version unless told otherwise.
Features (birth date, gender, website...) carry the same labels and value
formats as the legacy remarks, so they are read by the same phrase rules.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from lxml import etree

from watchkeeper.errors import ListFormatError
from watchkeeper.model import Entity, EntityBuilder, entity_id
from watchkeeper.sources.base import (
    ListSnapshot,
    check_namespace,
    date_from_name,
    eager,
    element_record,
    ofac_source_for_lists,
    parse_xml,
    read_bytes,
    require_published,
    sha256_of,
    text_of,
    where,
)
from watchkeeper.sources.ofac_remarks import apply_phrase

NAMESPACE = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"
_NS = {"e": NAMESPACE}
_SCHEMA = {"individual": "Person", "entity": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}
# Enhanced feature labels that the legacy remarks spell differently.
_FEATURE_PHRASE = {
    "Birthdate": "DOB",
    "Place of Birth": "POB",
    "Nationality Country": "nationality",
    "Citizenship Country": "citizen",
    "Vessel Call Sign": "Other Vessel Call Sign",
    "Vessel Flag": "Other Vessel Flag",
    "Vessel Type": "Other Vessel Type",
}


def _find_text(element: etree._Element, path: str) -> str:
    return text_of(element.find(path, _NS))


class OfacEnhancedXmlFormat:
    name = "ofac-enhanced-xml"
    default_source = "ofac-sdn"
    description = "OFAC Sanctions List Service ENHANCED_XML <sanctionsData> (partial when filtered)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"<sanctionsData" in head

    def parse(self, path: Path, *, source: str | None, published: date | None) -> ListSnapshot:
        root = parse_xml(path, read_bytes(path))
        check_namespace(path, root, [NAMESPACE])
        as_of = _find_text(root, "e:publicationInfo/e:dataAsOf")
        file_date = None
        if as_of:
            try:
                file_date = datetime.fromisoformat(as_of).date()
            except ValueError as exc:
                raise ListFormatError(str(path), where(root), f"bad dataAsOf {as_of!r}") from exc
        entities: list[Entity] = []
        sources: set[str] = set()
        for element in root.iterfind("e:entities/e:entity", _NS):
            lists = [text_of(x) for x in element.iterfind("e:sanctionsLists/e:sanctionsList", _NS)]
            entity_source = source or ofac_source_for_lists(lists)
            sources.add(entity_source)
            entities.append(_parse_entity(path, element, entity_source))
        if not entities:
            raise ListFormatError(str(path), where(root), "no <entity> records")
        if len(sources) > 1:
            raise ListFormatError(
                str(path), "", "file mixes SDN and non-SDN entries; load it with --source to pick one"
            )
        filtered = root.find("e:publicationInfo/e:filters", _NS) is not None
        return ListSnapshot(
            source=sources.pop(),
            published=require_published(path, published, file_date, date_from_name(path)),
            pending=eager(entities),
            sha256=sha256_of(path),
            path=str(path),
            format=self.name,
            partial=filtered,
        )


def _parse_entity(path: Path, element: etree._Element, source: str) -> Entity:
    native = element.get("id", "")
    kind = _find_text(element, "e:generalInfo/e:entityType").lower()
    if not native or kind not in _SCHEMA:
        raise ListFormatError(str(path), where(element), f"entity without id or with type {kind!r}")
    builder = EntityBuilder(entity_id(source, native), _SCHEMA[kind])
    for name in element.iterfind("e:names/e:name", _NS):
        primary = _find_text(name, "e:isPrimary") == "true"
        weak = _find_text(name, "e:isLowQuality") == "true"
        alias_type = _find_text(name, "e:aliasType")
        for translation in name.iterfind("e:translations/e:translation", _NS):
            first = _find_text(translation, "e:formattedFirstName")
            last = _find_text(translation, "e:formattedLastName")
            full = f"{first} {last}".strip() or _find_text(translation, "e:formattedFullName")
            main_script = _find_text(translation, "e:isPrimary") == "true"
            if primary and main_script:
                prop = "name"
                if kind == "individual":
                    builder.add("firstName", first)
                    builder.add("lastName", last)
            elif weak:
                prop = "weakAlias"
            elif alias_type == "F.K.A.":
                prop = "previousName"
            else:
                prop = "alias"
            builder.add(prop, full)
    if not builder.has("name"):
        raise ListFormatError(str(path), where(element, native), "entity without a primary name")
    builder.add("position", _find_text(element, "e:generalInfo/e:title"))
    builder.add("notes", _find_text(element, "e:generalInfo/e:remarks"))
    builder.add_all(
        "program", (text_of(p) for p in element.iterfind("e:sanctionsPrograms/e:sanctionsProgram", _NS))
    )
    for listing in element.iterfind("e:sanctionsLists/e:sanctionsList", _NS):
        builder.add("listingDate", listing.get("datePublished"))
    for address in element.iterfind("e:addresses/e:address", _NS):
        country = _find_text(address, "e:country")
        parts = [
            text_of(v)
            for v in address.iterfind(
                "e:translations/e:translation/e:addressParts/e:addressPart/e:value", _NS
            )
        ]
        if parts:
            builder.add("address", ", ".join([*parts, country] if country else parts))
        builder.add("country", country)
    for feature in element.iterfind("e:features/e:feature", _NS):
        label = _find_text(feature, "e:type")
        value = _find_text(feature, "e:value")
        if value:
            apply_phrase(builder, f"{_FEATURE_PHRASE.get(label, label)} {value}")
    for document in element.iterfind("e:identityDocuments/e:identityDocument", _NS):
        phrase = f"{_find_text(document, 'e:type')} {_find_text(document, 'e:documentNumber')}"
        country = _find_text(document, "e:issuingCountry")
        apply_phrase(builder, f"{phrase} ({country})" if country else phrase)
    for related in element.iterfind("e:relationships/e:relationship/e:relatedEntity", _NS):
        builder.add("linkedTo", text_of(related))
    builder.record = element_record(element)
    return builder.build()
