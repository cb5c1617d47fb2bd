"""The small rules about names in sanctions texts, on names from real releases."""

from __future__ import annotations

import pytest

from watchkeeper.documents.names import clean_mention, fold, is_company, is_government, is_heading, is_place


@pytest.mark.parametrize(
    ("mention", "name", "short"),
    [
        ("the Belgium-based Voltra Transcor Energy BVBA (Voltra)", "Voltra Transcor Energy BVBA", "Voltra"),
        ("Mohammad Bazzi’s", "Mohammad Bazzi", None),
        ("Nikola Gruevski (Gruevski", "Nikola Gruevski", None),
        ("Joaquin “El Chapo", "Joaquin", None),
        ("Branislav “Brano” Micunovic", "Branislav Micunovic", None),
        ("SCF Primorye (IMO 9421960)", "SCF Primorye", None),
        ("Businessman Jordan Kamcev", "Jordan Kamcev", None),
        ("BACKGROUND ON ADHAM TABAJA", "ADHAM TABAJA", None),
        ("Khedri Jahan Darya Co.", "Khedri Jahan Darya Co.", None),
        ("Through Asset Electro LLC", "Asset Electro LLC", None),  # a sentence's first word
    ],
)
def test_a_mention_cleaned_to_a_name(mention: str, name: str, short: str | None) -> None:
    assert clean_mention(mention) == (name, short)


@pytest.mark.parametrize(
    ("name", "company"),
    [
        ("Dalian Haibo International Freight Co., Ltd.", True),
        ("OFFISCOOP NV", True),
        ("Open Joint Stock Company Minsk Automobile Plant", True),
        ("Kamchev Konsalting Skopje DOOEL", True),
        ("大连海博国际货运有限公司", True),
        ("Wael Bazzi", False),
        ("Company", False),
        ("Hizballah", False),
    ],
)
def test_a_company_by_its_legal_form(name: str, company: bool) -> None:
    assert is_company(name) is company


@pytest.mark.parametrize(
    ("name", "government"),
    [
        ("Office of Foreign Assets Control", True),
        ("U.S. Government", True),
        ("E.O. 13757", True),
        ("Deputy Secretary Justin Muzinich", True),
        ("Specially Designated Nationals", True),
        ("Foreign Terrorist Organization", True),
        ("Central Bank of Iran", False),
        ("Sky Aviator Company Limited", False),
        ("Corps of Inspectors of the Presidency", False),
    ],
)
def test_the_authority_and_its_officials_are_not_parties(name: str, government: bool) -> None:
    assert is_government(name) is government


@pytest.mark.parametrize(
    ("name", "place", "heading"),
    [
        ("Belarus", True, False),
        ("BiH", True, False),
        ("DESIGNATIONS BUILD ON REWARDS", False, True),
        ("OFFISCOOP NV", False, False),
        ("Sinaloa Cartel", False, False),
    ],
)
def test_places_and_headings(name: str, place: bool, heading: bool) -> None:
    assert (is_place(name), is_heading(name)) == (place, heading)


def test_fold_sets_aside_case_accents_and_punctuation() -> None:
    assert fold("Petróleos de Venezuela, S.A.") == fold("PETROLEOS DE VENEZUELA S A")
    assert fold("Serbian People’s Party") == "serbian peoples party"
