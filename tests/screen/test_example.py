"""FtM query examples (yente's `/match` input) turned into screening queries."""

from __future__ import annotations

import pytest

from watchkeeper.match.screener import ScreeningQuery
from watchkeeper.screen.example import example_queries


@pytest.mark.parametrize(
    ("schema", "properties", "expected"),
    [
        (
            "Person",
            {"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"], "nationality": ["kp"]},
            [ScreeningQuery("Kim Jong Un", "Person", "1984-01-08", "kp", None)],
        ),
        (
            "Person",
            {"firstName": "Oleg", "lastName": ["Deripaska"]},  # a bare string, as yente also accepts
            [ScreeningQuery("Oleg Deripaska", "Person", None, None, None)],
        ),
        (
            "Company",
            {"name": ["DALIAN HAIBO"], "alias": ["大连海博国际货运有限公司"], "jurisdiction": ["China"]},
            [
                ScreeningQuery("DALIAN HAIBO", "Company", None, "China", None),
                ScreeningQuery("大连海博国际货运有限公司", "Company", None, "China", None),
            ],
        ),
        (
            "Vessel",
            {"imoNumber": ["IMO 9114555"], "flag": ["kp"]},
            [ScreeningQuery("", "Vessel", None, "kp", "IMO 9114555")],
        ),
        (
            "PublicBody",
            {"name": ["Korea Mining Development Trading Corporation"]},
            [
                ScreeningQuery(
                    "Korea Mining Development Trading Corporation", "Organization", None, None, None
                )
            ],
        ),
        (
            "Thing",
            {"name": ["Pak Chol"], "birthDate": ["1962-03-11T00:00:00"]},
            [ScreeningQuery("Pak Chol", None, "1962-03-11", None, None)],
        ),
        (
            "Person",
            {"name": ["Ri Won Ho", "Ri Won Ho"], "country": ["Narnia", "North Korea"]},
            [ScreeningQuery("Ri Won Ho", "Person", None, "North Korea", None)],
        ),
    ],
)
def test_examples_become_queries(
    schema: str, properties: dict[str, object], expected: list[ScreeningQuery]
) -> None:
    assert list(example_queries(schema, properties).queries) == expected


@pytest.mark.parametrize(
    ("schema", "properties", "message"),
    [
        ("Address", {"full": ["Pyongyang"]}, "schema 'Address' cannot be screened"),
        ("Person", {"birthDate": ["1984"]}, "give a name"),
        ("Person", {"name": ["Kim"], "birthDate": ["1984-13-45"]}, "birthDate: dob"),
        ("Person", {"name": ["Kim"], "country": ["Narnia"]}, "'Narnia' is not a country"),
        ("Person", {"name": [["nested"]]}, "properties.name: values must be strings"),
        ("Person", {"name": ["x" * 501]}, "longer than 500"),
        ("Person", {"name": [f"n{i}" for i in range(51)]}, "more than 50 values"),
    ],
)
def test_bad_examples_name_the_property(schema: str, properties: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        example_queries(schema, properties)
