"""Where a release places a party: sentences of real Treasury releases (and one written for the test:
an address) and what they say of the named party."""

from __future__ import annotations

import pytest

from watchkeeper.documents.places import PartyPlaces, country_name, country_of, places_in, section_country


@pytest.mark.parametrize(
    ("sentence", "name", "expected"),
    [
        ("Treasury designated Belgium-based Wael Bazzi.", "Wael Bazzi", PartyPlaces(countries=("BE",))),
        (
            "majority owner of the designated Lebanon-based real estate development and construction firm "
            "Al-Inmaa Group for Tourism Works and its subsidiaries.",
            "Al-Inmaa Group for Tourism Works",
            PartyPlaces(countries=("LB",)),
        ),
        (
            "a sanctions-evasion facilitator owned and operated by Iranian national Pedram Pirouzan.",
            "Pedram Pirouzan",
            PartyPlaces(nationalities=("IR",)),
        ),
        (
            "relationship with U.S.-designated Serbian arms dealer Slobodan Tesic, helping ensure",
            "Slobodan Tesic",
            PartyPlaces(nationalities=("RS",)),
        ),
        (
            "Gruevski is the owner and director of Hungarian company I.C.I.C. KFT, which is registered as a "
            "limited liability company in Pecel, Hungary.",
            "I.C.I.C. KFT",
            PartyPlaces(countries=("HU",), origin="HU"),
        ),
        (
            "pursued business transactions with Mohamad Noureddine, a Lebanese money launderer, whom",
            "Mohamad Noureddine",
            PartyPlaces(nationalities=("LB",)),
        ),
        (
            "PdVSA invoiced Cubametales, the Cuban state-run oil import and export company, for roughly",
            "Cubametales",
            PartyPlaces(origin="CU"),
        ),
        (
            "exporters such as Iran’s National Iranian Oil Company (NIOC), and",
            "National Iranian Oil Company",
            PartyPlaces(countries=("IR",)),
        ),
        (
            "OFAC is sanctioning Ivanov and Cryptex—a virtual currency exchange registered in "
            "St. Vincent and the Grenadines and operating in Russia.",
            "Cryptex",
            PartyPlaces(countries=("VC",)),
        ),
        (
            "Sergey Samsonenko (Samsonenko) is a dual citizen of Russia and North Macedonia and a wealthy "
            "businessman residing in North Macedonia.",
            "Sergey Samsonenko",
            PartyPlaces(nationalities=("RU", "MK")),
        ),
        (
            "Misa Vacic (Vacic) is the President of the Serbian Right Party in Serbia.",
            "Misa Vacic",
            PartyPlaces(countries=("RS",)),
        ),
        (
            "Dusko Perovic (Perovic) is the long-serving head of RS representational office in "
            "Moscow, Russia.",
            "Dusko Perovic",
            PartyPlaces(countries=("RU",)),
        ),
        (
            "Dalian Haibo International Freight Co., Ltd. is located at No. 5 Gangwan Street, Zhongshan "
            "District, Dalian. It arranged the shipments.",
            "Dalian Haibo International Freight Co., Ltd.",
            PartyPlaces(address="No. 5 Gangwan Street, Zhongshan District, Dalian"),
        ),
        # Nothing is said of where these are: a name that is a country's, a court's district, a plain mention.
        ("from SDN Jordan Kamcev for the construction", "Kamcev", PartyPlaces()),
        (
            "Joaquin Guzman Lopez was first indicted in the U.S. District Court for the District of "
            "Columbia.",
            "Joaquin Guzman Lopez",
            PartyPlaces(),
        ),
        ("The Russian Armed Forces trained with Wael Bazzi.", "Wael Bazzi", PartyPlaces()),
    ],
)
def test_where_a_sentence_places_a_party(sentence: str, name: str, expected: PartyPlaces) -> None:
    assert places_in(sentence, name) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Belgium", "BE"),
        ("Lebanese", "LB"),
        ("Turkiye", "TR"),
        ("Turkey", "TR"),
        ("BiH", "BA"),
        ("UAE", "AE"),
        ("St. Vincent and the Grenadines", "VC"),
        ("Burma", "MM"),
        ("Dubai", "AE"),
        ("Pecel", None),
        ("RS", None),
        ("belgium", None),
    ],
)
def test_country_of_names_demonyms_and_short_forms(text: str, code: str | None) -> None:
    assert country_of(text) == code


def test_country_headings_and_names() -> None:
    assert section_country("Bosnia and Herzegovina:") == "BA"
    assert section_country("PERPETUATING CORRUPTION AND ENABLING MALIGN INFLUENCE IN THE BALKANS") is None
    assert country_name("BE") == "Belgium"
    assert country_name("XX") == "XX"
