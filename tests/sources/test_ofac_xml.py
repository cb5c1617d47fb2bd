"""OFAC XML layouts: legacy sdnList, advanced Sanctions, list-service enhanced."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date

import pytest

from tests.support import shared
from watchkeeper.model import PartialDate, diff_entities
from watchkeeper.sources import parse_list
from watchkeeper.sources.ofac_advanced import period_to_date

_TYPE = {"Individual": "Person", "Entity": "Organization", "Vessel": "Vessel", "Aircraft": "Airplane"}


def test_legacy_xml_counts_by_type_match_the_raw_file() -> None:
    path = shared("ofac_xml/consolidated-2026-01-08.xml")
    raw = path.read_text(encoding="utf-8")
    expected = Counter(_TYPE[t] for t in re.findall(r"<sdnType>(\w+)</sdnType>", raw))
    snapshot = parse_list(path)
    assert snapshot.source == "ofac-cons"
    assert str(snapshot.published) == "2026-01-08"
    assert Counter(e.schema for e in snapshot.entities) == expected == {"Organization": 363, "Person": 79}


def test_csv_and_xml_of_the_consolidated_list_agree() -> None:
    csv_set = {e.id: e for e in parse_list(shared("ofac/consolidated-2025-12-19")).entities}
    xml = {e.id: e for e in parse_list(shared("ofac_xml/consolidated-2026-01-08.xml")).entities}
    assert set(csv_set) == set(xml)
    differing: Counter[str] = Counter()
    moved: list[str] = []
    for entity_id, from_csv in csv_set.items():
        from_xml = xml[entity_id]
        assert from_csv.schema == from_xml.schema
        for prop in (
            "name",
            "birthDate",
            "program",
            "passportNumber",
            "idNumber",
            "taxNumber",
            "registrationNumber",
            "swiftBic",
            "linkedTo",
            "weakAlias",
            "country",
        ):
            assert set(from_csv.get(prop)) == set(from_xml.get(prop)), (entity_id, prop)
        for change in diff_entities(from_csv, from_xml):
            differing[change.field] += 1
        # The CSV writes "Moscow 117420" where the XML has city and postal code apart.
        if {a.replace(",", "") for a in from_csv.get("address")} != {
            a.replace(",", "") for a in from_xml.get("address")
        }:
            moved.append(entity_id)
    # What does differ, as measured: address punctuation, the raw record, a trailing stop in
    # four notes, and one alias that the CSV quotes with ' where the XML uses ".
    assert set(differing) <= {"address", "record", "notes", "alias"}
    assert differing["alias"] == 1
    assert differing["notes"] == 4
    # Beyond punctuation, addresses differ where OFAC amended them between the two dates.
    assert moved == ["ofac-cons:17018"]  # postal code 40051 corrected to 400051


def test_advanced_xml_counts_and_fields() -> None:
    path = shared("ofac_xml/cons_advanced-2020-03-17.xml")
    root = ET.parse(path).getroot()
    ns = {"s": "http://www.un.org/sanctions/1.0"}
    subtype = {"4": "Person", "3": "Organization", "1": "Vessel", "2": "Airplane"}
    expected = Counter(subtype[p.get("PartySubTypeID", "")] for p in root.iterfind(".//s:Profile", ns))
    snapshot = parse_list(path)
    assert snapshot.source == "ofac-cons"
    assert str(snapshot.published) == "2020-03-17"
    assert len(snapshot.entities) == len(root.findall(".//s:DistinctParty", ns)) == 375
    assert Counter(e.schema for e in snapshot.entities) == expected
    entities = {e.id: e for e in snapshot.entities}
    mansour = entities["ofac-cons:9643"]
    assert mansour.caption == "Yasser Daoud MANSOUR"
    assert mansour.get("birthDate") == ("1967",)
    assert mansour.get("birthPlace") == ("Nablus, West Bank",)
    assert "NS-PLC" in mansour.get("program")
    rabai = entities["ofac-cons:9644"]
    assert "Khalil Mussa RABBAI" in rabai.get("alias")


def test_advanced_and_csv_consolidated_share_most_entities() -> None:
    advanced = {e.id for e in parse_list(shared("ofac_xml/cons_advanced-2020-03-17.xml")).entities}
    current = {e.id for e in parse_list(shared("ofac/consolidated-2025-12-19")).entities}
    # Five years apart: the overlap is the long-standing NS-PLC and SSI entries.
    assert len(advanced & current) > 250


def test_enhanced_xml_is_a_partial_sdn_export() -> None:
    path = shared("ofac_xml/enhanced-IRGC-program-2024-08-28.xml")
    raw = path.read_text(encoding="utf-8")
    expected = Counter(_TYPE[t] for t in re.findall(r'<entityType refId="\d+">(\w+)</entityType>', raw))
    snapshot = parse_list(path)
    assert snapshot.partial is True
    assert snapshot.source == "ofac-sdn"
    assert str(snapshot.published) == "2024-08-28"
    assert (
        Counter(e.schema for e in snapshot.entities)
        == expected
        == {"Person": 165, "Organization": 84, "Airplane": 44}
    )
    entities = {e.id: e for e in snapshot.entities}
    ground = entities["ofac-sdn:26719"]
    assert ground.caption == "IRGC GROUND FORCES"
    assert "ISLAMIC REVOLUTION GUARDS CORPS GROUND FORCE" in ground.get("alias")
    assert set(ground.get("program")) == {"FTO", "IRGC"}
    assert ground.get("secondarySanctions") == ("Subject to Secondary Sanctions",)
    assert entities["ofac-sdn:26526"].get("linkedTo") == ("ANSAR BANK",)
    ranged = [e for e in snapshot.entities if "1960..1962" in e.get("birthDate")]
    assert ranged
    assert "1961-04" in ranged[0].get("birthDate")


def test_enhanced_and_bundled_sdn_agree_on_shared_entities() -> None:
    enhanced = {e.id: e for e in parse_list(shared("ofac_xml/enhanced-IRGC-program-2024-08-28.xml")).entities}
    sdn = {e.id: e for e in parse_list(shared("ofac/sdn-2021-07-07")).entities}
    shared_ids = set(enhanced) & set(sdn)
    assert len(shared_ids) > 100
    same_name = sum(1 for i in shared_ids if enhanced[i].caption.upper() == sdn[i].caption.upper())
    assert same_name / len(shared_ids) > 0.9


@pytest.mark.parametrize(
    ("start", "end", "approximate", "expected"),
    [
        ("1967-01-01", "1967-12-31", False, PartialDate("1967")),
        ("1961-04-01", "1961-04-30", False, PartialDate("1961-04")),
        ("1965-02-15", "1965-02-15", False, PartialDate("1965-02-15")),
        ("1960-01-01", "1962-12-31", True, PartialDate("1960", "1962", circa=True)),
        ("1960-03-05", "1960-07-09", False, PartialDate("1960-03-05", "1960-07-09")),
    ],
)
def test_period_to_date(start: str, end: str, approximate: bool, expected: PartialDate) -> None:
    assert period_to_date(date.fromisoformat(start), date.fromisoformat(end), approximate) == expected
