"""UN Security Council consolidated list XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.support import BUNDLED, shared
from watchkeeper.sources import parse_list


def test_counts_match_the_raw_file() -> None:
    path = shared("un/consolidated-2026-02-27.xml")
    root = ET.parse(path).getroot()
    snapshot = parse_list(path)
    schemas = [e.schema for e in snapshot.entities]
    assert schemas.count("Person") == len(root.findall("INDIVIDUALS/INDIVIDUAL")) == 730
    assert schemas.count("Organization") == len(root.findall("ENTITIES/ENTITY")) == 273
    assert str(snapshot.published) == "2026-02-27"


def test_ids_are_stripped_reference_numbers() -> None:
    entities = {e.id: e for e in parse_list(shared("un/consolidated-2026-02-27.xml")).entities}
    assert "un:KPe.023" in entities  # published as "KPe.023 " with a trailing blank
    assert all(" " not in i for i in entities)


def test_between_birth_dates_and_alias_quality() -> None:
    entities = {e.id: e for e in parse_list(shared("un/consolidated-2026-02-27.xml")).entities}
    root = ET.parse(shared("un/consolidated-2026-02-27.xml")).getroot()
    between = [
        (i.findtext("REFERENCE_NUMBER", "").strip(), d.findtext("FROM_YEAR"), d.findtext("TO_YEAR"))
        for i in root.iter("INDIVIDUAL")
        for d in i.iter("INDIVIDUAL_DATE_OF_BIRTH")
        if d.findtext("TYPE_OF_DATE") == "BETWEEN"
    ]
    assert len(between) == 31
    for reference, low, high in between:
        assert f"{low}..{high}" in entities[f"un:{reference}"].get("birthDate")
    circa = sum(1 for e in entities.values() for d in e.get("birthDate") if d.startswith("~"))
    assert circa == 116
    low_quality = sum(1 for a in root.iter("INDIVIDUAL_ALIAS") if a.findtext("QUALITY") == "Low")
    low_quality += sum(1 for a in root.iter("ENTITY_ALIAS") if a.findtext("QUALITY") == "Low")
    weak = sum(len(e.get("weakAlias")) for e in entities.values())
    assert weak <= low_quality
    assert weak > 0.9 * low_quality


def test_dprk_individual_with_documents_and_original_script() -> None:
    entities = {e.id: e for e in parse_list(shared("un/consolidated-2026-02-27.xml")).entities}
    korean = [e for e in entities.values() if e.id.startswith("un:KPi.")]
    assert len(korean) == 80
    with_script = [e for e in entities.values() if any(not a.isascii() for a in e.get("alias"))]
    assert len(with_script) >= 300
    passports = [e for e in korean if e.get("passportNumber")]
    assert passports
    for entity in korean:
        assert entity.get("program") == ("DPRK",)
        assert entity.get("listingDate")


def test_bundled_gzip_equals_the_original() -> None:
    bundled = parse_list(BUNDLED / "un/consolidated-2026-02-27.xml.gz")
    original = parse_list(shared("un/consolidated-2026-02-27.xml"))
    assert bundled.sha256 != original.sha256  # gzip bytes differ, content does not
    assert [e.content_hash() for e in bundled.entities] == [e.content_hash() for e in original.entities]
