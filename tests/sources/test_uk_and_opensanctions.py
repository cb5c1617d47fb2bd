"""The UK ConList CSV (partial) and the OpenSanctions targets.simple.csv export."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from tests.support import shared
from watchkeeper.model import PartialDate
from watchkeeper.sources import parse_list
from watchkeeper.sources.uk_conlist import numbered, uk_date


def test_uk_groups_become_entities() -> None:
    path = shared("uk/ConList-2016-02-12-PARTIAL.csv")
    with path.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle))[2:]
    groups = {row[-1]: row[23] for row in rows}
    expected = Counter({"Individual": "Person", "Entity": "Organization"}[t] for t in groups.values())
    snapshot = parse_list(path)
    assert snapshot.partial is True
    assert snapshot.source == "uk"
    assert str(snapshot.published) == "2016-02-12"
    assert Counter(e.schema for e in snapshot.entities) == expected
    assert len(snapshot.entities) == 463
    entities = {e.id: e for e in snapshot.entities}
    abda = entities["uk:7087"]
    assert abda.get("birthDate") == ("1969-02-05",)
    assert abda.get("birthPlace") == ("Tripoli", "Tunis", "Libyan Arab Jamahiriya", "Tunisia")
    assert abda.get("passportNumber") == ("W374031",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/02/1969", PartialDate("1969-02-05")),
        ("00/00/1943", PartialDate("1943")),
        ("00/07/1960", PartialDate("1960-07")),
        ("1969", None),
    ],
)
def test_uk_dates(text: str, expected: PartialDate | None) -> None:
    assert uk_date(text) == expected


def test_uk_numbered_values() -> None:
    assert numbered("(1) Tripoli (2) Tunis") == ["Tripoli", "Tunis"]
    assert numbered("Damascus") == ["Damascus"]


def test_opensanctions_targets() -> None:
    path = shared("opensanctions/ua_war_sanctions-2026-03-13.targets.simple.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        expected = Counter(row["schema"] for row in csv.DictReader(handle))
    snapshot = parse_list(path)
    assert snapshot.source == "opensanctions"
    assert Counter(e.schema for e in snapshot.entities) == expected
    assert expected == {"Person": 1543, "Company": 1524, "Vessel": 1340, "LegalEntity": 1193}
    entities = {e.id: e for e in snapshot.entities}
    rosalin = entities["opensanctions:NK-24cf2zYe7LEKhr2zFck73j"]
    assert rosalin.schema == "Vessel"
    assert rosalin.get("imoNumber") == ("9253325",)
    assert set(rosalin.get("alias")) == {"Ceram Sea", "Gold Sun", "Nurkez"}
    vessels_with_imo = sum(1 for e in snapshot.entities if e.schema == "Vessel" and e.get("imoNumber"))
    assert vessels_with_imo > 1200
