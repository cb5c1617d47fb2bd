from datetime import date

import pytest

from watchkeeper.model import Entity, EntityBuilder, PartialDate, diff_entities, entity_id, split_entity_id


@pytest.mark.parametrize(
    ("text", "start", "end", "circa", "earliest", "latest"),
    [
        ("1965-05-13", "1965-05-13", None, False, date(1965, 5, 13), date(1965, 5, 13)),
        ("1962", "1962", None, False, date(1962, 1, 1), date(1962, 12, 31)),
        ("1961-02", "1961-02", None, False, date(1961, 2, 1), date(1961, 2, 28)),
        ("~1951", "1951", None, True, date(1951, 1, 1), date(1951, 12, 31)),
        ("1973..1974", "1973", "1974", False, date(1973, 1, 1), date(1974, 12, 31)),
        ("~1960..1962", "1960", "1962", True, date(1960, 1, 1), date(1962, 12, 31)),
    ],
)
def test_partial_date_round_trips_and_keeps_precision(
    text: str, start: str, end: str | None, circa: bool, earliest: date, latest: date
) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.start, parsed.end, parsed.circa) == (start, end, circa)
    assert str(parsed) == text
    assert (parsed.earliest(), parsed.latest()) == (earliest, latest)


@pytest.mark.parametrize("bad", ["1965-13", "1965-02-30", "65", "1965/05/13"])
def test_partial_date_rejects_impossible_dates(bad: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        PartialDate.parse(bad)


@pytest.mark.parametrize(
    ("source", "native", "expected"),
    [
        ("ofac-sdn", "26243", "ofac-sdn:26243"),
        ("un", "KPe.023 ", "un:KPe.023"),
        ("uk", " 12 345 ", "uk:12345"),
    ],
)
def test_entity_id_strips_whitespace(source: str, native: str, expected: str) -> None:
    assert entity_id(source, native) == expected
    assert split_entity_id(expected) == (source, expected.split(":", 1)[1])


@pytest.mark.parametrize("bad", ["26243", "OFAC:1", "ofac-sdn:", ":12"])
def test_split_entity_id_rejects_malformed_ids(bad: str) -> None:
    with pytest.raises(ValueError, match="entity id"):
        split_entity_id(bad)


def _entity(**props: tuple[str, ...]) -> Entity:
    builder = EntityBuilder("ofac-sdn:1", "Person")
    for key, values in props.items():
        builder.add(key, *values)
    return builder.build()


def test_builder_drops_aliases_equal_to_the_name_and_json_round_trips() -> None:
    entity = _entity(name=("KIM Jong Un",), alias=("KIM Jong Un", "Kim Jong-un"))
    assert entity.get("alias") == ("Kim Jong-un",)
    assert Entity.from_dict(entity.to_dict()) == entity
    assert entity.content_hash() == Entity.from_dict(entity.to_dict()).content_hash()


def test_diff_reports_fields_not_the_raw_record() -> None:
    before = _entity(name=("Igor SECHIN",), program=("UKRAINE-EO13661",))
    after = _entity(name=("Igor Ivanovich SECHIN",), program=("UKRAINE-EO13661", "RUSSIA-EO14024"))
    fields = {c.field: (c.before, c.after) for c in diff_entities(before, after)}
    assert fields["name"] == (("Igor SECHIN",), ("Igor Ivanovich SECHIN",))
    assert fields["program"] == (("UKRAINE-EO13661",), ("UKRAINE-EO13661", "RUSSIA-EO14024"))
    assert "record" not in fields


def test_ftm_export_uses_ftm_schema_and_property_names() -> None:
    entity = _entity(name=("Jorge CIFUENTES",), birthDate=("1965-05-13",))
    ftm = entity.to_ftm()
    assert ftm["schema"] == "Person"
    assert ftm["properties"] == {"name": ["Jorge CIFUENTES"], "birthDate": ["1965-05-13"]}


@pytest.mark.parametrize(
    ("prop", "value", "expected"),
    [
        ("country", "Korea, North", {"country": ["kp"]}),
        ("nationality", "Russia", {"nationality": ["ru"]}),
        ("flag", "KP", {"flag": ["kp"]}),
        ("country", "Region: Crimea", {"notes": ["country: Region: Crimea"]}),
        ("birthDate", "~1951", {"birthDate": ["1951"]}),
        ("birthDate", "1960..1962", {"birthDate": ["1960", "1962"]}),
        ("birthDate", "1961-04", {"birthDate": ["1961-04"]}),
    ],
)
def test_ftm_export_writes_countries_as_codes_and_dates_as_ftm_prefixes(
    prop: str, value: str, expected: dict[str, list[str]]
) -> None:
    ftm = _entity(name=("X",), **{prop: (value,)}).to_ftm()
    props = dict(ftm["properties"])  # type: ignore[call-overload]
    props.pop("name")
    assert props == expected
