"""The OFAC legacy CSV sets parse completely; counts are checked against the raw files."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from pathlib import Path

from tests.support import BUNDLED, shared
from watchkeeper.model import Entity
from watchkeeper.sources import parse_list
from watchkeeper.sources.ofac_csv import person_name

_TYPE = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "-0-": "Organization"}


def raw_rows(path: Path) -> list[list[str]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle) if len(row) > 1]


def by_id(entities: tuple[Entity, ...]) -> dict[str, Entity]:
    return {e.id: e for e in entities}


def test_sdn_set_counts_by_type_match_the_raw_file() -> None:
    folder = shared("ofac/sdn-2021-07-07")
    rows = raw_rows(folder / "sdn.csv")
    expected = Counter(_TYPE[row[2].strip()] for row in rows)
    snapshot = parse_list(folder)
    assert snapshot.source == "ofac-sdn"
    assert str(snapshot.published) == "2021-07-07"
    assert Counter(e.schema for e in snapshot.entities) == expected
    assert expected == {"Person": 4620, "Organization": 3673, "Vessel": 406, "Airplane": 277}


def test_every_alias_and_address_row_is_attached() -> None:
    folder = shared("ofac/sdn-2021-07-07")
    entities = by_id(parse_list(folder).entities)
    for row in raw_rows(folder / "alt.csv"):
        entity = entities[f"ofac-sdn:{row[0]}"]
        listed = row[3].strip()
        name = person_name(listed)[0] if entity.schema == "Person" else listed
        # Runs of blanks inside a published name are folded to one.
        assert " ".join(name.split()) in entity.names, (row, entity.names)
    addresses = Counter(row[0] for row in raw_rows(folder / "add.csv"))
    for native in list(addresses)[:500]:
        assert entities[f"ofac-sdn:{native}"].record.count("add.csv:") == addresses[native]


def test_remarks_continue_in_the_comments_file() -> None:
    entity = by_id(parse_list(shared("ofac/sdn-2021-07-07")).entities)["ofac-sdn:12300"]
    # sdn.csv cuts "Linked To: PROMO RAI" and sdn_comments.csv carries "Z S.A.S.; ...".
    assert "PROMO RAIZ S.A.S." in entity.get("linkedTo")
    assert "R D I S.A." in entity.get("linkedTo")
    assert entity.get("birthDate") == ("1965-05-13", "1968-04-13", "1964-07-07")
    assert entity.get("passportNumber") == ("AL720622",)
    assert entity.caption == "Jorge Milton CIFUENTES VILLA"
    assert entity.get("lastName") == ("CIFUENTES VILLA",)


def test_dprk4_vessels_carry_imo_flag_and_owner() -> None:
    folder = shared("ofac/sdn-2021-07-07")
    raw = [r for r in raw_rows(folder / "sdn.csv") if "DPRK4" in r[3] and r[2].strip() == "vessel"]
    entities = by_id(parse_list(folder).entities)
    vessels = [entities[f"ofac-sdn:{r[0]}"] for r in raw]
    assert len(vessels) == 65
    for row, vessel in zip(raw, vessels, strict=True):
        assert vessel.schema == "Vessel"
        imo = row[11].split("IMO ")[1].split(";")[0].rstrip(".")
        assert vessel.get("imoNumber") == (imo,)
        if row[9].strip() != "-0-":
            assert vessel.get("flag")[0] == row[9].strip()
    chon_ma_san = next(v for v in vessels if v.caption == "CHON MA SAN")
    assert chon_ma_san.get("imoNumber") == ("8660313",)
    assert chon_ma_san.get("program") == ("DPRK4",)


def test_every_birth_date_in_remarks_is_understood() -> None:
    snapshot = parse_list(shared("ofac/sdn-2021-07-07"))
    unread = [n for e in snapshot.entities for n in e.get("notes") if n.startswith("DOB ")]
    assert unread == []
    dates = Counter(len(d.split("..")) for e in snapshot.entities for d in e.get("birthDate"))
    assert dates[2] == 56 + 55 + 1 + 1  # year, day and month ranges as counted in the raw remarks


def test_multi_program_cells_are_split() -> None:
    entity = by_id(parse_list(shared("ofac/sdn-2021-07-07")).entities)["ofac-sdn:28264"]
    assert entity.get("program") == ("DPRK3", "CYBER2")


def test_consolidated_set_counts_match_the_raw_file() -> None:
    folder = shared("ofac/consolidated-2025-12-19")
    expected = Counter(_TYPE[row[2].strip()] for row in raw_rows(folder / "cons_prim.csv"))
    snapshot = parse_list(folder)
    assert snapshot.source == "ofac-cons"
    assert Counter(e.schema for e in snapshot.entities) == expected == {"Organization": 363, "Person": 79}
    haniya = by_id(snapshot.entities)["ofac-cons:9639"]
    assert haniya.get("birthDate") == ("1962",)
    assert "Ismail HANIYA" in haniya.get("alias")


def test_bundled_copy_parses_to_the_same_entities_as_the_shared_original() -> None:
    bundled = parse_list(BUNDLED / "ofac/sdn-2021-07-07")
    original = parse_list(shared("ofac/sdn-2021-07-07"))
    assert [e.content_hash() for e in bundled.entities] == [e.content_hash() for e in original.entities]


def test_history_file_stands_alone() -> None:
    snapshot = parse_list(shared("ofac/sdn-history/sdn-2022-03-01.csv.gz"))
    assert str(snapshot.published) == "2022-03-01"
    assert len(snapshot.entities) == len(raw_rows(shared("ofac/sdn-history/sdn-2022-03-01.csv.gz")))
