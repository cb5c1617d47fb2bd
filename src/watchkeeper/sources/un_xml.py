"""UN Security Council Consolidated List XML (`<CONSOLIDATED_LIST>`).

Ids are the UN reference numbers (`un:KPi.033`), which the file pads with
trailing blanks for some entities. Alias quality `Good` is a strong alias,
`Low` a weak one; `f.k.a.` a previous name.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from lxml import etree

from watchkeeper.errors import ListFormatError
from watchkeeper.model import Entity, EntityBuilder, IdentityDocument, PartialDate, entity_id
from watchkeeper.sources.base import (
    ListSnapshot,
    date_from_name,
    eager,
    element_record,
    parse_xml,
    read_bytes,
    require_published,
    sha256_of,
    text_of,
    where,
)

_ALIAS_PROP = {"good": "alias", "a.k.a.": "alias", "": "alias", "low": "weakAlias", "f.k.a.": "previousName"}


class UnXmlFormat:
    name = "un-xml"
    default_source = "un"
    description = "UN Security Council Consolidated List XML"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"<CONSOLIDATED_LIST" in head

    def parse(self, path: Path, *, source: str | None, published: date | None) -> ListSnapshot:
        source = source or self.default_source
        root = parse_xml(path, read_bytes(path))
        if root.tag != "CONSOLIDATED_LIST":
            raise ListFormatError(str(path), where(root), "root element is not <CONSOLIDATED_LIST>")
        generated = root.get("dateGenerated", "")
        file_date: date | None = None
        if generated:
            try:
                file_date = datetime.fromisoformat(generated.replace("Z", "+00:00")).date()
            except ValueError as exc:
                raise ListFormatError(str(path), where(root), f"bad dateGenerated {generated!r}") from exc
        entities: list[Entity] = []
        seen: set[str] = set()
        for element in root.iter("INDIVIDUAL", "ENTITY"):
            entity = _parse_record(path, element, source)
            if entity.id in seen:
                raise ListFormatError(str(path), where(element), f"{entity.id} listed twice")
            seen.add(entity.id)
            entities.append(entity)
        if not entities:
            raise ListFormatError(str(path), where(root), "no <INDIVIDUAL> or <ENTITY> records")
        return ListSnapshot(
            source=source,
            published=require_published(path, published, file_date, date_from_name(path)),
            pending=eager(entities),
            sha256=sha256_of(path),
            path=str(path),
            format=self.name,
        )


def _parse_record(path: Path, element: etree._Element, source: str) -> Entity:
    reference = text_of(element.find("REFERENCE_NUMBER"))
    if not reference:
        raise ListFormatError(str(path), where(element), "record without <REFERENCE_NUMBER>")
    individual = element.tag == "INDIVIDUAL"
    builder = EntityBuilder(entity_id(source, reference), "Person" if individual else "Organization")
    parts = [text_of(element.find(tag)) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    name = " ".join(p for p in parts if p)
    if not name:
        raise ListFormatError(str(path), where(element, reference), "record without a name")
    builder.add("name", name)
    builder.add("alias", text_of(element.find("NAME_ORIGINAL_SCRIPT")))
    builder.add("program", text_of(element.find("UN_LIST_TYPE")))
    builder.add("listingDate", text_of(element.find("LISTED_ON"))[:10])
    builder.add("gender", text_of(element.find("GENDER")))
    builder.add("notes", text_of(element.find("COMMENTS1")))
    builder.add_all("position", (text_of(v) for v in element.iterfind("DESIGNATION/VALUE")))
    builder.add_all("title", (text_of(v) for v in element.iterfind("TITLE/VALUE")))
    builder.add_all("nationality", (text_of(v) for v in element.iterfind("NATIONALITY/VALUE")))
    builder.add_all("modifiedAt", (text_of(v)[:10] for v in element.iterfind("LAST_DAY_UPDATED/VALUE")))

    prefix = "INDIVIDUAL" if individual else "ENTITY"
    for alias in element.iterfind(f"{prefix}_ALIAS"):
        value = text_of(alias.find("ALIAS_NAME"))
        quality = text_of(alias.find("QUALITY")).lower()
        if value:
            builder.add(_ALIAS_PROP.get(quality, "alias"), value)
    for address in element.iterfind(f"{prefix}_ADDRESS"):
        _add_address(builder, address)
    for dob in element.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        _add_birth_date(path, builder, dob)
    for pob in element.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        place = [text_of(pob.find(t)) for t in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
        builder.add("birthPlace", ", ".join(p for p in place if p))
    for document in element.iterfind("INDIVIDUAL_DOCUMENT"):
        _add_document(builder, document)
    builder.record = element_record(element)
    return builder.build()


def _add_address(builder: EntityBuilder, address: etree._Element) -> None:
    parts = [text_of(address.find(t)) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
    if any(parts[:4]):
        builder.add("address", ", ".join(p for p in parts if p))
    builder.add("country", parts[4])


def _add_birth_date(path: Path, builder: EntityBuilder, dob: etree._Element) -> None:
    kind = text_of(dob.find("TYPE_OF_DATE")).upper()
    exact, year = text_of(dob.find("DATE")), text_of(dob.find("YEAR"))
    low, high = text_of(dob.find("FROM_YEAR")), text_of(dob.find("TO_YEAR"))
    try:
        if kind == "BETWEEN" and low and high:
            builder.add_date("birthDate", PartialDate(start=low, end=high))
        elif exact or year:
            start = exact[:10] if exact else year
            builder.add_date("birthDate", PartialDate(start=start, circa=kind == "APPROXIMATELY"))
    except ValueError as exc:
        raise ListFormatError(str(path), where(dob), f"unreadable date of birth: {exc}") from exc
    note = text_of(dob.find("NOTE"))
    if note:
        builder.add("notes", f"Date of birth: {note}")


def _add_document(builder: EntityBuilder, document: etree._Element) -> None:
    number = text_of(document.find("NUMBER"))
    if not number:
        return
    label = text_of(document.find("TYPE_OF_DOCUMENT"))
    kind = "passportNumber" if "pas" in label.lower() else "idNumber"
    country = text_of(document.find("ISSUING_COUNTRY")) or text_of(document.find("COUNTRY_OF_ISSUE"))
    note = "; ".join(
        x
        for x in (
            text_of(document.find("TYPE_OF_DOCUMENT2")),
            text_of(document.find("DATE_OF_ISSUE")) and f"issued {text_of(document.find('DATE_OF_ISSUE'))}",
            text_of(document.find("CITY_OF_ISSUE")),
            text_of(document.find("NOTE")),
        )
        if x
    )
    builder.add_document(IdentityDocument(kind=kind, number=number, label=label, country=country, note=note))
