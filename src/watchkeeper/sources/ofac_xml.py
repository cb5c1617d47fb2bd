"""OFAC legacy XML (`<sdnList>`): the layout of sdn.xml and consolidated.xml.

The `idList` holds identifiers and, in the same element, facts the CSV puts
in remarks (website, gender, secondary sanctions risk...). Each id item is
written back as the phrase the CSV would carry and read by the remarks rules,
so CSV and XML of the same list give the same fields.
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
    local,
    parse_xml,
    read_bytes,
    require_published,
    sha256_of,
    text_of,
    where,
)
from watchkeeper.sources.ofac_remarks import apply_phrase, apply_remarks, parse_ofac_date

NAMESPACES = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML",
    "http://tempuri.org/sdnList.xsd",
    "",
)
_SCHEMA = {"individual": "Person", "entity": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}


def _children(element: etree._Element, path: str) -> list[etree._Element]:
    """Namespace-blind `findall` over a `/`-separated path of local names."""
    found = [element]
    for step in path.split("/"):
        found = [c for e in found for c in e if local(c.tag) == step]
    return found


def _text(element: etree._Element, path: str) -> str:
    found = _children(element, path)
    return text_of(found[0]) if found else ""


class OfacLegacyXmlFormat:
    name = "ofac-xml"
    default_source = "ofac-sdn"
    description = "OFAC legacy XML <sdnList> (sdn.xml, consolidated.xml)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"<sdnList" in head

    def parse(self, path: Path, *, source: str | None, published: date | None) -> ListSnapshot:
        root = parse_xml(path, read_bytes(path))
        check_namespace(path, root, NAMESPACES)
        if local(root.tag) != "sdnList":
            raise ListFormatError(str(path), where(root), "root element is not <sdnList>")
        if source is None:
            # consolidated.xml and sdn.xml share the schema; the file name tells them apart.
            source = "ofac-cons" if "cons" in path.name.lower() else self.default_source
        file_date: date | None = None
        publish = _text(root, "publshInformation/Publish_Date")
        if publish:
            try:
                file_date = datetime.strptime(publish, "%m/%d/%Y").date()
            except ValueError as exc:
                raise ListFormatError(str(path), where(root), f"bad Publish_Date {publish!r}") from exc
        expected = _text(root, "publshInformation/Record_Count")
        entries = _children(root, "sdnEntry")
        if expected and int(expected) != len(entries):
            raise ListFormatError(
                str(path),
                where(root),
                f"Record_Count says {expected} entries but the file holds {len(entries)}; truncated?",
            )
        entities = [_parse_entry(path, e, source) for e in entries]
        if not entities:
            raise ListFormatError(str(path), where(root), "no <sdnEntry> records")
        return ListSnapshot(
            source=source,
            published=require_published(path, published, file_date, date_from_name(path)),
            pending=eager(entities),
            sha256=sha256_of(path),
            path=str(path),
            format=self.name,
        )


def _full_name(element: etree._Element) -> str:
    first, last = _text(element, "firstName"), _text(element, "lastName")
    return f"{first} {last}".strip()


def _parse_entry(path: Path, entry: etree._Element, source: str) -> Entity:
    uid = _text(entry, "uid")
    kind = _text(entry, "sdnType").lower()
    if not uid or kind not in _SCHEMA:
        raise ListFormatError(str(path), where(entry), f"entry without uid or with sdnType {kind!r}")
    builder = EntityBuilder(entity_id(source, uid), _SCHEMA[kind])
    if not _text(entry, "lastName"):
        raise ListFormatError(str(path), where(entry, uid), "entry without <lastName>")
    builder.add("name", _full_name(entry))
    if kind == "individual":
        builder.add("firstName", _text(entry, "firstName"))
        builder.add("lastName", _text(entry, "lastName"))
        builder.add("position", _text(entry, "title"))
    else:
        builder.add("notes", _text(entry, "title"))
    builder.add_all("program", (text_of(p) for p in _children(entry, "programList/program")))
    for aka in _children(entry, "akaList/aka"):
        weak = _text(aka, "category").lower() == "weak"
        kind_aka = _text(aka, "type").lower()
        prop = "weakAlias" if weak else ("previousName" if kind_aka == "f.k.a." else "alias")
        builder.add(prop, _full_name(aka))
    for address in _children(entry, "addressList/address"):
        parts = [
            _text(address, t)
            for t in ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode", "country")
        ]
        if any(parts[:6]):
            builder.add("address", ", ".join(p for p in parts if p))
        builder.add("country", parts[6])
    for item in _children(entry, "dateOfBirthList/dateOfBirthItem"):
        value = _text(item, "dateOfBirth")
        parsed = parse_ofac_date(value)
        if parsed is None:
            raise ListFormatError(str(path), where(item, uid), f"unreadable date of birth {value!r}")
        builder.add_date("birthDate", parsed)
    builder.add_all(
        "birthPlace",
        (_text(i, "placeOfBirth") for i in _children(entry, "placeOfBirthList/placeOfBirthItem")),
    )
    builder.add_all(
        "nationality", (_text(i, "country") for i in _children(entry, "nationalityList/nationality"))
    )
    builder.add_all(
        "citizenship", (_text(i, "country") for i in _children(entry, "citizenshipList/citizenship"))
    )
    for item in _children(entry, "idList/id"):
        phrase = f"{_text(item, 'idType')} {_text(item, 'idNumber')}".strip()
        country = _text(item, "idCountry")
        if country:
            phrase += f" ({country})"
        for label, tag in (("issued", "issueDate"), ("expires", "expirationDate")):
            if _text(item, tag):
                phrase += f" {label} {_text(item, tag)}"
        apply_phrase(builder, phrase)
    for vessel in _children(entry, "vesselInfo"):
        builder.add("callSign", _text(vessel, "callSign"))
        builder.add("type", _text(vessel, "vesselType"))
        builder.add("flag", _text(vessel, "vesselFlag"))
        builder.add("ownerName", _text(vessel, "vesselOwner"))
        builder.add("tonnage", _text(vessel, "tonnage"))
        builder.add("grossRegisteredTonnage", _text(vessel, "grossRegisteredTonnage"))
    apply_remarks(builder, _text(entry, "remarks"))
    builder.record = element_record(entry)
    return builder.build()
