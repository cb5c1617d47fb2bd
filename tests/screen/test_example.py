"""FtM query examples (yente's `/match` input) turned into screening queries."""

from __future__ import annotations

import pytest

from watchkeeper.match.screener import Screener, ScreeningQuery
from watchkeeper.model import IDENTIFIER_PROPERTIES, EntityBuilder
from watchkeeper.screen.example import example_queries, screen_example


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


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("innCode", "7707083893"),
        ("isin", "RU0009029540"),
        ("dunsCode", "123456789"),
        ("vatCode", "RU7707083893"),
    ],
)
def test_every_identifier_a_query_may_give_is_one_the_index_holds(prop: str, value: str) -> None:
    """One identifier table for the index and for `/match` examples: `innCode` was read from queries
    but never indexed, `isin` and `dunsCode` indexed but ignored in queries."""
    builder = EntityBuilder("ofac-sdn:990001", "Company")
    builder.add("name", "SBERBANK OF RUSSIA")
    builder.add(prop, value)
    screener = Screener([builder.build()])
    example = example_queries("Company", {"name": ["Some Other Name"], prop: [value]})
    found = screen_example(screener, example, cutoff=0.5, limit=5)
    assert [m.entity.id for m in found] == ["ofac-sdn:990001"]
    assert prop in IDENTIFIER_PROPERTIES
