"""Listed names in free text: whole tokens only, legal forms optional, surname first or last."""

from __future__ import annotations

import pytest

from watchkeeper.match.automaton import NameAutomaton, name_sequences
from watchkeeper.model import Entity, EntityBuilder


def _entity(native: str, schema: str, *names: str) -> Entity:
    builder = EntityBuilder(f"ofac-sdn:{native}", schema)
    builder.add("name", names[0])
    builder.add("alias", *names[1:])
    return builder.build()


ENTITIES = [
    _entity("1", "Organization", "DALIAN HAIBO INTERNATIONAL FREIGHT CO. LTD."),
    _entity("2", "Person", "KIM, Jong Un"),
    _entity("3", "Organization", "HAMAS", "AL"),
    _entity("4", "Vessel", "AN SAN 1"),
    _entity("5", "Vessel", "FORTUNE"),
    _entity("6", "Organization", "AL QAIDA"),
    _entity("7", "Organization", "朝鲜光鲜银行", "KORYO BANK"),
]
AUTOMATON = NameAutomaton(ENTITIES)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "Freight to Dalian Haibo International Freight Co., Ltd. inv 7",
            [("ofac-sdn:1", "Dalian Haibo International Freight Co., Ltd")],
        ),
        (
            "freight DALIAN HAIBO INTERNATIONAL FREIGHT per contract",
            [("ofac-sdn:1", "DALIAN HAIBO INTERNATIONAL FREIGHT")],
        ),
        ("attn Kim Jong Un", [("ofac-sdn:2", "Kim Jong Un")]),
        ("attn JONG UN KIM", [("ofac-sdn:2", "JONG UN KIM")]),
        ("donation to hamas", [("ofac-sdn:3", "hamas")]),
        ("bunker for AN SAN 1 at Nampo", [("ofac-sdn:4", "AN SAN 1")]),
        ("office at Fortune Plaza", []),  # one-word vessel names are ordinary words
        ("Edmonton, ALBERTA", []),  # "AL" never inside a longer word
        ("AL RASHID TRADING", []),  # a two-letter one-word name is never searched for
        ("payment AL-QAIDA", [("ofac-sdn:6", "AL-QAIDA")]),
        ("收款人 朝鲜光鲜银行 平壤", [("ofac-sdn:7", "朝鲜光鲜银行")]),
        ("KORYO BANKING SERVICES", []),  # BANKING is not BANK
        ("", []),
    ],
)
def test_names_in_text(text: str, found: list[tuple[str, str]]) -> None:
    assert [(h.entity.id, h.found) for h in AUTOMATON.scan(text)] == found


def test_a_hit_says_where_it_is() -> None:
    text = "Ref 42: to KORYO BANK, Pyongyang"
    (hit,) = AUTOMATON.scan(text)
    assert text[hit.start : hit.end] == "KORYO BANK"
    assert hit.listed_name == "KORYO BANK"


def test_name_sequences_of_a_person_and_a_company() -> None:
    assert name_sequences("KIM, Jong Un", "Person") == {("jong", "un", "kim"), ("kim", "jong", "un")}
    assert ("dalian", "haibo", "international", "freight") in name_sequences(
        "DALIAN HAIBO INTERNATIONAL FREIGHT CO. LTD.", "Organization"
    )
    assert name_sequences("M23", "Organization") == set()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # one word spelt another way, in a name of three words or more
        ("to DALIAN HAYBO INTERNATIONAL FREIGHT", [("ofac-sdn:1", "DALIAN HAYBO INTERNATIONAL FREIGHT")]),
        ("to DALIAN HAYBO INTERNATIONEL FREIGHT", []),  # two words spelt another way: not read as it
        ("KORYA BANK", []),  # a near spelling in a two-word name is another name too often
        # words in another order
        ("INTERNATIONAL FREIGHT DALIAN HAIBO", [("ofac-sdn:1", "INTERNATIONAL FREIGHT DALIAN HAIBO")]),
        # words run together, as spaced-out letters become once joined
        ("pay DALIANHAIBOINTERNATIONALFREIGHT now", [("ofac-sdn:1", "DALIANHAIBOINTERNATIONALFREIGHT")]),
        ("ALBERTAHOLDINGS", []),  # a long word that is not made of listed words
        # combining accents do not split a word
        (
            "D\u0301ALIAN HAIBO INTERNATIONAL FREIGHT",
            [("ofac-sdn:1", "D\u0301ALIAN HAIBO INTERNATIONAL FREIGHT")],
        ),
    ],
)
def test_names_written_to_slip_past_an_exact_scan(text: str, found: list[tuple[str, str]]) -> None:
    assert [(h.entity.id, h.found) for h in AUTOMATON.scan(text)] == found
