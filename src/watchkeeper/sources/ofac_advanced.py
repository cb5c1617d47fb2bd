"""OFAC advanced XML (`<Sanctions>`, the schema of sdn_advanced.xml).

Everything is normalised into lookup tables: reference values, locations and
identity documents are defined once and referred to by id from each
`DistinctParty`; list membership and programs come from `SanctionsEntries`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from watchkeeper.errors import ListFormatError
from watchkeeper.model import EntityBuilder, PartialDate, entity_id
from watchkeeper.sources.base import (
    ListSnapshot,
    date_from_name,
    eager,
    element_record,
    local,
    ofac_source_for_lists,
    parse_xml,
    read_bytes,
    require_published,
    sha256_of,
    text_of,
    where,
)
from watchkeeper.sources.ofac_remarks import apply_phrase

NAMESPACES = ("http://www.un.org/sanctions/1.0",)
_SCHEMA = {"Individual": "Person", "Entity": "Organization", "Vessel": "Vessel", "Aircraft": "Airplane"}
_FEATURE_PHRASE = {
    "Place of Birth": "POB",
    "Nationality Country": "nationality",
    "Citizenship Country": "citizen",
}


def _kids(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if local(c.tag) == name]


def _kid(element: etree._Element, name: str) -> etree._Element | None:
    found = _kids(element, name)
    return found[0] if found else None


def _under(element: etree._Element, name: str) -> list[etree._Element]:
    """Children of the named child, or none when it is absent."""
    child = _kid(element, name)
    return list(child) if child is not None else []


def _ymd(element: etree._Element | None) -> date | None:
    if element is None:
        return None
    values = [text_of(_kid(element, p)) for p in ("Year", "Month", "Day")]
    if not all(values):
        return None
    return date(int(values[0]), int(values[1]), int(values[2]))


def period_to_date(start: date, end: date, approximate: bool) -> PartialDate:
    """A date period as precise as it is: whole years, a whole month, one day, or a range."""
    circa = approximate
    if start == end:
        return PartialDate(start.isoformat(), circa=circa)
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        if start.year == end.year:
            return PartialDate(str(start.year), circa=circa)
        return PartialDate(str(start.year), str(end.year), circa=circa)
    next_day = date.fromordinal(end.toordinal() + 1)
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) and next_day.day == 1:
        return PartialDate(f"{start.year}-{start.month:02d}", circa=circa)
    return PartialDate(start.isoformat(), end.isoformat(), circa=circa)


@dataclass
class _Tables:
    refs: dict[str, dict[str, etree._Element]]
    locations: dict[str, tuple[str, str]]
    documents: dict[str, list[etree._Element]]

    def ref(self, table: str, ref_id: str | None) -> str:
        element = self.refs.get(table, {}).get(ref_id or "")
        return text_of(element) if element is not None else ""


def _tables(root: etree._Element) -> _Tables:
    refs: dict[str, dict[str, etree._Element]] = {}
    for value_set in _under(root, "ReferenceValueSets"):
        refs[local(value_set.tag)] = {v.get("ID", ""): v for v in value_set}
    tables = _Tables(refs=refs, locations={}, documents=defaultdict(list))
    for location in _under(root, "Locations"):
        parts = []
        for part in _kids(location, "LocationPart"):
            for value in _kids(part, "LocationPartValue"):
                parts.append(text_of(_kid(value, "Value")))
        country = ""
        for item in _kids(location, "LocationCountry"):
            country = tables.ref("CountryValues", item.get("CountryID"))
        if not country:
            for item in _kids(location, "LocationAreaCode"):
                area = refs.get("AreaCodeValues", {}).get(item.get("AreaCodeID", ""))
                country = area.get("Description", "") if area is not None else ""
        address = ", ".join(p for p in [*parts, country] if p) if any(parts) else ""
        tables.locations[location.get("ID", "")] = (address, country)
    for document in _under(root, "IDRegDocuments"):
        tables.documents[document.get("IdentityID", "")].append(document)
    return tables


class OfacAdvancedXmlFormat:
    name = "ofac-advanced-xml"
    default_source = "ofac-sdn"
    description = "OFAC advanced XML <Sanctions> (sdn_advanced.xml, cons_advanced.xml)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"<Sanctions" in head and b"un.org/sanctions/1.0" in head

    def parse(self, path: Path, *, source: str | None, published: date | None) -> ListSnapshot:
        root = parse_xml(path, read_bytes(path))
        if local(root.tag) != "Sanctions" or etree.QName(root).namespace not in NAMESPACES:
            raise ListFormatError(
                str(path), where(root), "root is not <Sanctions> in the OFAC advanced namespace"
            )
        tables = _tables(root)
        entries: dict[str, list[etree._Element]] = defaultdict(list)
        for entry in _under(root, "SanctionsEntries"):
            entries[entry.get("ProfileID", "")].append(entry)
        parties = [p for p in _under(root, "DistinctParties") if local(p.tag) == "DistinctParty"]
        if not parties:
            raise ListFormatError(str(path), where(root), "no <DistinctParty> records")
        builders: dict[str, EntityBuilder] = {}
        sources: set[str] = set()
        for party in parties:
            profile = _kid(party, "Profile")
            if profile is None:
                raise ListFormatError(str(path), where(party), "DistinctParty without <Profile>")
            profile_id = profile.get("ID", "")
            lists = {tables.ref("ListValues", e.get("ListID")) for e in entries[profile_id]}
            party_source = source or ofac_source_for_lists(lists)
            sources.add(party_source)
            builder = _parse_profile(path, profile, party_source, tables)
            for entry in entries[profile_id]:
                _add_entry(builder, entry, tables)
            builder.record = element_record(party)
            builders[profile_id] = builder
        for relation in _under(root, "ProfileRelationships"):
            source_party = builders.get(relation.get("From-ProfileID", ""))
            target = builders.get(relation.get("To-ProfileID", ""))
            if source_party is not None and target is not None:
                source_party.add("linkedTo", target.build().caption)
        if len(sources) > 1:
            raise ListFormatError(str(path), "", "file mixes SDN and non-SDN entries; load it with --source")
        issued = _ymd(_kid(root, "DateOfIssue"))
        return ListSnapshot(
            source=sources.pop(),
            published=require_published(path, published, issued, date_from_name(path)),
            pending=eager([b.build() for b in builders.values()]),
            sha256=sha256_of(path),
            path=str(path),
            format=self.name,
        )


def _party_schema(profile: etree._Element, tables: _Tables) -> str:
    subtype = tables.refs.get("PartySubTypeValues", {}).get(profile.get("PartySubTypeID", ""))
    if subtype is None:
        return ""
    label = text_of(subtype)
    if label in _SCHEMA:
        return _SCHEMA[label]
    return _SCHEMA.get(tables.ref("PartyTypeValues", subtype.get("PartyTypeID")), "")


def _parse_profile(path: Path, profile: etree._Element, source: str, tables: _Tables) -> EntityBuilder:
    schema = _party_schema(profile, tables)
    if not schema:
        raise ListFormatError(
            str(path), where(profile), f"unknown PartySubTypeID {profile.get('PartySubTypeID')!r}"
        )
    builder = EntityBuilder(entity_id(source, profile.get("ID", "")), schema)
    for identity in _kids(profile, "Identity"):
        groups = {
            g.get("ID", ""): tables.ref("NamePartTypeValues", g.get("NamePartTypeID"))
            for m in _under(identity, "NamePartGroups")
            for g in _kids(m, "NamePartGroup")
        }
        for alias in _kids(identity, "Alias"):
            alias_type = tables.ref("AliasTypeValues", alias.get("AliasTypeID"))
            for documented in _kids(alias, "DocumentedName"):
                parts: dict[str, str] = {}
                for part in _kids(documented, "DocumentedNamePart"):
                    for value in _kids(part, "NamePartValue"):
                        parts[groups.get(value.get("NamePartGroupID", ""), "")] = text_of(value)
                first, last = parts.pop("First Name", ""), parts.pop("Last Name", "")
                full = " ".join(p for p in (first, *parts.values(), last) if p)
                if alias.get("Primary") == "true" and not builder.has("name"):
                    builder.add("name", full)
                    if schema == "Person":
                        builder.add("firstName", first)
                        builder.add("lastName", last)
                elif alias.get("LowQuality") == "true":
                    builder.add("weakAlias", full)
                else:
                    builder.add("previousName" if alias_type == "F.K.A." else "alias", full)
        for document in tables.documents.get(identity.get("ID", ""), []):
            label = tables.ref("IDRegDocTypeValues", document.get("IDRegDocTypeID"))
            phrase = f"{label} {text_of(_kid(document, 'IDRegistrationNo'))}"
            country = tables.ref("CountryValues", document.get("IssuedBy-CountryID"))
            apply_phrase(builder, f"{phrase} ({country})" if country else phrase)
    if not builder.has("name"):
        raise ListFormatError(str(path), where(profile), "profile without a primary name")
    for feature in _kids(profile, "Feature"):
        _add_feature(path, builder, feature, tables)
    return builder


def _add_feature(path: Path, builder: EntityBuilder, feature: etree._Element, tables: _Tables) -> None:
    label = tables.ref("FeatureTypeValues", feature.get("FeatureTypeID"))
    for version in _kids(feature, "FeatureVersion"):
        period = _kid(version, "DatePeriod")
        if period is not None:
            start, end = _kid(period, "Start"), _kid(period, "End")
            begin = _ymd(_kid(start, "From")) if start is not None else None
            finish = _ymd(_kid(end, "To")) if end is not None else None
            if begin is None or finish is None:
                raise ListFormatError(str(path), where(period), "date period without start or end")
            approximate = any(x is not None and x.get("Approximate") == "true" for x in (start, end))
            period_date = period_to_date(begin, finish, approximate)
            if label == "Birthdate":
                builder.add_date("birthDate", period_date)
            else:
                builder.add("notes", f"{label} {period_date}")
            continue
        for located in _kids(version, "VersionLocation"):
            address, country = tables.locations.get(located.get("LocationID", ""), ("", ""))
            if label == "Location":
                builder.add("address", address)
                builder.add("country", country)
            elif country:
                apply_phrase(builder, f"{_FEATURE_PHRASE.get(label, label)} {country}")
        for detail in _kids(version, "VersionDetail"):
            value = text_of(detail) or tables.ref("DetailReferenceValues", detail.get("DetailReferenceID"))
            if value and not _kids(version, "VersionLocation"):
                apply_phrase(builder, f"{_FEATURE_PHRASE.get(label, label)} {value}")


def _add_entry(builder: EntityBuilder, entry: etree._Element, tables: _Tables) -> None:
    for event in _kids(entry, "EntryEvent"):
        listed = _ymd(_kid(event, "Date"))
        if listed is not None:
            builder.add("listingDate", listed.isoformat())
    for measure in _kids(entry, "SanctionsMeasure"):
        if tables.ref("SanctionsTypeValues", measure.get("SanctionsTypeID")) == "Program":
            builder.add("program", text_of(_kid(measure, "Comment")))
