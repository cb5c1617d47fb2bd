"""Screening real queries against the bundled OFAC SDN and UN lists."""

from __future__ import annotations

import pytest

from tests.support import BUNDLED
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.match.names import comparable
from watchkeeper.match.score import compare_names
from watchkeeper.match.screener import Screener, ScreeningQuery
from watchkeeper.sources import parse_list


@pytest.fixture(scope="module")
def screener() -> Screener:
    entities = [
        *parse_list(BUNDLED / "ofac/sdn-2021-07-07").entities,
        *parse_list(BUNDLED / "un/consolidated-2026-02-27.xml.gz").entities,
    ]
    return Screener(entities)


def top(screener: Screener, query: ScreeningQuery) -> list[str]:
    return [m.entity.id for m in screener.screen(query)]


@pytest.mark.parametrize(
    ("name", "schema", "expected"),
    [
        ("Jorge Milton CIFUENTES VILLA", "Person", "ofac-sdn:12300"),
        ("CIFUENTES VILLA, Jorge Milton", "Person", "ofac-sdn:12300"),  # SURNAME, Given
        ("jorge milton cifuentes vila", "Person", "ofac-sdn:12300"),  # a letter missing
        ("Kim Jong-un", "Person", "ofac-sdn:20157"),
        ("김정은", "Person", "ofac-sdn:20157"),  # Hangul, the list spells it in Latin letters
        ("리원호", "Person", "un:KPi.033"),  # RI WON HO
        ("이원호", "Person", "un:KPi.033"),  # the South Korean spelling
        ("大连海博国际货运有限公司", "Organization", "ofac-sdn:26243"),
        ("Dalian Haibo Intl Freight Co Ltd", "Organization", "ofac-sdn:26243"),
        ("Дерипаска Олег", "Person", "ofac-sdn:24283"),
        ("Пригожин Евгений Викторович", "Person", "ofac-sdn:21171"),
        ("Evgeny PRIGOZHIN", "Person", "ofac-sdn:21171"),
        ("Abdulrahman YASIN", "Person", "ofac-sdn:6931"),  # Abdul Rahman YASIN, joined
        ("MT DESTINY", "Vessel", "ofac-sdn:15725"),
        ("DAIHONGDAN", "Vessel", "ofac-sdn:17086"),  # DAI HONG DAN written together
    ],
)
def test_finds_the_listed_party(screener: Screener, name: str, schema: str, expected: str) -> None:
    assert expected in top(screener, ScreeningQuery(name=name, schema=schema))


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("Hans-Josef Klemt", "Person"),
        ("Spencer Petroleum Co., Ltd.", "Organization"),
        ("ARCTIC PROSPERITY", "Vessel"),
        ("김민준", "Person"),  # a common South Korean name, not listed
        ("Смирнова Елена Викторовна", "Person"),
        ("浙江吉利控股集团有限公司", "Organization"),
    ],
)
def test_clean_parties_raise_no_alert(screener: Screener, name: str, schema: str) -> None:
    assert top(screener, ScreeningQuery(name=name, schema=schema)) == []


@pytest.mark.parametrize(
    ("name", "schema", "not_expected"),
    [
        # One-word company names against listed names of more words, or one short word.
        ("Rose", "Organization", "ROSE GROUP LIMITED"),
        ("Flores PLC", "Organization", "FLORES DRUG TRAFFICKING ORGANIZATION"),
        ("Koch KG", "Organization", "KAHANE CHAI"),  # KACH
        # A name ending in a legal form is a company, whatever the caller said: not a person.
        ("Khan PLC", None, "Nasir Ali KHAN"),
        ("Khan PLC", "LegalEntity", "Khan SAID"),
        # A low-quality a.k.a. of one word is a common given name.
        ("Martin", None, "Parviz KHAKI"),
        ("Nicolas", None, "Carlos Antonio MORENO TUBERQUIA"),
        # The second of two words is a surname, not an optional patronymic.
        ("Simon", None, "Simon Gatwech DUAL"),
    ],
)
def test_partial_names_do_not_alert(
    screener: Screener, name: str, schema: str | None, not_expected: str
) -> None:
    captions = {m.entity.caption for m in screener.screen(ScreeningQuery(name=name, schema=schema))}
    assert not_expected not in captions


def test_a_birth_date_can_still_lift_a_one_word_weak_alias(screener: Screener) -> None:
    khaki = next(e for e in screener.index.entities if e.id == "ofac-sdn:15911")
    dob = khaki.get("birthDate")[0]
    alone = screener.screen(ScreeningQuery(name="Martin"), threshold=0.0, limit=200)
    lifted = screener.screen(ScreeningQuery(name="Martin", birth_date=dob), threshold=0.0, limit=200)
    score_alone = next(m.score for m in alone if m.entity.id == khaki.id)
    score_lifted = next(m.score for m in lifted if m.entity.id == khaki.id)
    assert score_alone < DEFAULT_THRESHOLD <= score_lifted


def test_imo_number_alone_finds_the_vessel(screener: Screener) -> None:
    [match] = screener.screen(ScreeningQuery(name="IMO 9114555"))
    assert match.entity.id == "ofac-sdn:23525"
    assert match.score == 1.0
    assert match.explanation.features[0].name == "identifier_match"


def test_a_vessel_query_never_hits_a_person(screener: Screener) -> None:
    as_person = top(screener, ScreeningQuery(name="Jorge Milton CIFUENTES VILLA", schema="Person"))
    as_vessel = top(screener, ScreeningQuery(name="Jorge Milton CIFUENTES VILLA", schema="Vessel"))
    assert as_person
    assert as_vessel == []


def test_birth_date_confirms_or_discounts(screener: Screener) -> None:
    name = "Jorge Milton CIFUENTES VILLA"
    same = screener.screen(ScreeningQuery(name=name, schema="Person", birth_date="1965-05-13"), threshold=0)[
        0
    ]
    other = screener.screen(ScreeningQuery(name=name, schema="Person", birth_date="1990-01-01"), threshold=0)[
        0
    ]
    assert same.entity.id == other.entity.id == "ofac-sdn:12300"
    assert same.score > other.score
    assert other.score < DEFAULT_THRESHOLD
    assert [f.name for f in same.explanation.features] == ["dob_exact"]
    assert [f.name for f in other.explanation.features] == ["dob_conflict"]


def test_explanation_aligns_tokens(screener: Screener) -> None:
    [match, *_] = screener.screen(ScreeningQuery(name="김정은", schema="Person"))
    pairs = [(p.query, p.listed, p.how) for p in match.explanation.tokens]
    assert ("김", "kim", "exact") in pairs
    assert ("정", "jong", "exact") in pairs
    assert match.explanation.to_dict()["listed_name"] == "Jong Un KIM"


@pytest.mark.parametrize(
    ("common", "rare", "schema"),
    [
        ("Mohammed", "Cifuentes", "Person"),
        ("Kim", "Kwangson", "Person"),
        ("Trading", "Haibo", "Organization"),
    ],
)
def test_rare_tokens_weigh_more_than_common_ones(
    screener: Screener, common: str, rare: str, schema: str
) -> None:
    [common_token] = comparable(common, schema).tokens
    [rare_token] = comparable(rare, schema).tokens
    assert screener.index.weight(common_token) < 0.7 * screener.index.weight(rare_token)


@pytest.mark.parametrize(
    ("query", "listed", "alert"),
    [
        ("Ali Hassan", "Ali Hassan Abd Al-Majid Al-Tikriti", False),  # the rare tokens are missing
        ("Hassan Al-Majid", "Ali Hassan Al-Majid", True),  # only a common one is
        ("Florindo TANTOUSH", "Abdullah TANTOUSH", False),  # one name part shared
        (
            "Abd Al Hamid Sulaiman AL-MUJIL",
            "Abd Al Hamid Sulaiman Muhammed AL-MUJIL",
            True,
        ),  # middle name dropped
    ],
)
def test_name_scores(screener: Screener, query: str, listed: str, alert: bool) -> None:
    score = compare_names(
        comparable(query, "Person"), comparable(listed, "Person"), screener.index.weight
    ).score
    assert (score >= DEFAULT_THRESHOLD) is alert, score
