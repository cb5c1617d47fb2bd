"""Comparable names: tokens, their Latin spellings, the script, optional particles and patronymics."""

from __future__ import annotations

import pickle

import pytest

from watchkeeper.match.names import comparable, is_patronymic


@pytest.mark.parametrize(
    ("name", "schema", "script", "first_forms"),
    [
        ("Jong Un KIM", "Person", "latin", ["jong", "un", "kim"]),
        ("김정은", "Person", "hangul", ["kim", "jong", "un"]),
        ("Дерипаска Олег Владимирович", "Person", "cyrillic", ["deripaska", "oleg", "vladimirovich"]),
        ("DALIAN HAIBO INTERNATIONAL FREIGHT CO. LTD.", "Organization", "latin", None),
    ],
)
def test_a_name_becomes_tokens_with_latin_spellings(
    name: str, schema: str, script: str, first_forms: list[str] | None
) -> None:
    built = comparable(name, schema)
    assert built.script == script
    assert built.original == name
    if first_forms is not None:
        assert sorted(t.forms[0] for t in built.tokens) == sorted(first_forms)
    assert all(t.forms for t in built.tokens)
    assert built.compact == "".join(t.forms[0] for t in built.tokens)
    assert built.latin_written == (script == "latin")


def test_legal_forms_leave_an_organisation_name() -> None:
    built = comparable("DALIAN HAIBO INTERNATIONAL FREIGHT CO. LTD.", "Organization")
    assert [t.text for t in built.tokens] == ["dalian", "haibo", "international", "freight"]


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("vladimirovich", True),  # DERIPASKA
        ("viktorovich", True),  # PRIGOZHIN
        ("anatoliyovych", True),
        ("ivanovna", True),
        ("ich", False),  # too short to be one
        ("kim", False),
        ("deripaska", False),
    ],
)
def test_patronymics(form: str, expected: bool) -> None:
    assert is_patronymic(form) is expected


def test_particles_and_patronymics_are_optional_in_a_persons_name() -> None:
    deripaska = comparable("Oleg Vladimirovich DERIPASKA", "Person")
    assert {t.text: t.optional for t in deripaska.tokens} == {
        "oleg": False,
        "vladimirovich": True,
        "deripaska": False,
    }
    # Russian order, surname first: the patronymic is last and still optional.
    rotenberg = comparable("Ротенберг Борис Романович", "Person")
    assert [t.optional for t in rotenberg.tokens] == [False, False, True]
    # In a name of two words the second is the surname, whatever its ending.
    assert not any(t.optional for t in comparable("Simon GARWICH", "Person").tokens)
    zawahiri = comparable("Ayman al-Zawahiri", "Person")
    assert any(t.optional for t in zawahiri.tokens if t.forms[0] == "al")


@pytest.mark.parametrize(
    ("name", "schema", "optional"),
    [
        # A connector inside an organisation's name: translations and other writers leave it out.
        ("XINJIANG PRODUCTION AND CONSTRUCTION CORPS", "Organization", ["and"]),
        ("BANK OF KUNLUN", "Organization", ["of"]),
        # Not at either end, where it is a word of the name ("The Hague Group" keeps THE).
        ("THE HAGUE GROUP", "Organization", []),
        # Never in a person's name: "And" and "Of" are not particles there.
        ("Ali AND Hassan KHAN", "Person", []),
    ],
)
def test_connectors_are_optional_inside_an_organisations_name(
    name: str, schema: str, optional: list[str]
) -> None:
    assert [t.text for t in comparable(name, schema).tokens if t.optional] == optional


def test_a_comparable_name_survives_pickling_unchanged() -> None:
    built = comparable("김정은", "Person")
    assert pickle.loads(pickle.dumps(built)) == built
