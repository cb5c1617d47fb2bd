"""Nothing unscreenable passes: DTDs and entities, processing instructions, markup inside a
name, parties with nothing to screen, MT103 text outside the SWIFT X set or fields not read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from watchkeeper.match.screener import Screener
from watchkeeper.rules.book import RuleBook
from watchkeeper.screen.payments import PaymentScreener

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "payments"
CLEAN_PACS = (FIXTURES / "pacs008-clean.xml").read_bytes()
CLEAN_MT = (FIXTURES / "mt103-clean.txt").read_bytes()
TX = "FIToFICstmrCdtTrf/CdtTrfTxInf[1]"


@pytest.fixture(scope="module")
def payments(bundled_screener: Screener, bundled_rules: RuleBook) -> PaymentScreener:
    return PaymentScreener(bundled_screener, bundled_rules)


def _with_dtd(declaration: str, role: str) -> bytes:
    """The clean pacs.008 with the debtor's or creditor's name replaced by the entity `&n;`."""
    data = CLEAN_PACS.replace(b"<Document", f"<!DOCTYPE x [{declaration}]>\n<Document".encode(), 1)
    return re.sub(rf"(<{role}>\s*<Nm>)[^<]*(</Nm>)".encode(), rb"\1&n;\2", data, count=1)


@pytest.mark.parametrize("role", ["Dbtr", "Cdtr"])
@pytest.mark.parametrize(
    "declaration",
    [
        '<!ENTITY n "DALIAN HAIBO INTERNATIONAL FREIGHT CO LTD">',
        '<!ENTITY n SYSTEM "file:///etc/hostname">',
        '<!ENTITY n SYSTEM "http://127.0.0.1:9/name.txt">',
    ],
    ids=["internal", "file", "network"],
)
def test_a_name_given_through_an_xml_entity_is_held_naming_the_field(
    payments: PaymentScreener, declaration: str, role: str
) -> None:
    result = payments.screen_bytes(_with_dtd(declaration, role))
    assert result.verdict == "hold"
    assert result.error_field == f"{TX}/{role}/Nm"
    assert "entity reference &n;" in result.error
    assert "DTD" in result.error


def test_a_dtd_without_entities_is_refused_too(payments: PaymentScreener) -> None:
    data = CLEAN_PACS.replace(b"<Document", b'<!DOCTYPE Document SYSTEM "pacs.008.dtd">\n<Document', 1)
    result = payments.screen_bytes(data)
    assert (result.verdict, result.error_field) == ("hold", "line 4")
    assert "DOCTYPE" in result.error


def test_an_entity_expansion_bomb_is_held(payments: PaymentScreener) -> None:
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    data = CLEAN_PACS.replace(
        b"<Document", f'<!DOCTYPE x [<!ENTITY l0 "lol">{levels}]>\n<Document'.encode(), 1
    ).replace(b"Northern Timber Supply Ltd", b"&l9;")
    result = payments.screen_bytes(data)
    assert result.verdict == "hold"
    assert "DTD" in result.error or "DOCTYPE" in result.error


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        (b"<Nm>Kimberley", b"<Nm><?hide x?>Kimberley", f"{TX}/Cdtr/Nm", "processing instruction"),
        (b"Northern Timber", b"Northern <b>Timber</b>", f"{TX}/Dbtr/Nm", "holds markup"),
    ],
    ids=["processing instruction", "markup in a name"],
)
def test_a_screened_field_that_cannot_be_read_as_one_value_is_held(
    payments: PaymentScreener, old: bytes, new: bytes, field: str, problem: str
) -> None:
    result = payments.screen_bytes(CLEAN_PACS.replace(old, new, 1))
    assert (result.verdict, result.error_field) == ("hold", field)
    assert problem in result.error


@pytest.mark.parametrize(
    "name",
    [b"", b"\xe2\x80\x8b\xe2\x80\x8b", b"- . -"],
    ids=["empty", "zero-width only", "punctuation only"],
)
def test_a_party_with_nothing_to_screen_is_held(payments: PaymentScreener, name: bytes) -> None:
    data = CLEAN_PACS.replace(b"Kimberley Hardwoods Pty Ltd", name, 1)
    result = payments.screen_bytes(data)
    assert result.verdict == "hold"
    assert [(h.kind, h.field) for h in result.hits] == [("malformed", f"{TX}/Cdtr/Nm")]
    assert "creditor cannot be screened" in result.hits[0].reason


def test_a_party_without_a_name_but_with_an_identifier_is_screened(payments: PaymentScreener) -> None:
    data = CLEAN_PACS.replace(b"<Nm>Northern Timber Supply Ltd</Nm>", b"", 1)
    assert payments.screen_bytes(data).verdict == "pass"  # its LEI is screened


def test_mt103_letters_outside_the_swift_set_are_held_and_still_screened(payments: PaymentScreener) -> None:
    cyrillic = "DАLIАN HАIBO INTERNATIONAL FREIGHT CO LTD".encode()  # two Cyrillic А
    data = re.sub(rb"(:59F?:[^\n]*\n)[^\n]*", lambda m: m.group(1) + b"1/" + cyrillic, CLEAN_MT, count=1)
    result = payments.screen_bytes(data)
    assert result.verdict == "hold"
    found = {(h.kind, h.field.split(" ")[0], h.entity_id) for h in result.hits}
    assert ("malformed", ":59F:", "") in found
    assert any(kind == "name" and entity == "ofac-sdn:26243" for kind, _, entity in found)
    (problem,) = [h for h in result.hits if h.kind == "malformed"]
    assert "CYRILLIC CAPITAL LETTER A" in problem.reason


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        (b":70:", b":99Z:ANYTHING\n:70:", ":99Z:", "not a field of an MT103"),
        (b":57A:", b":57Z:", ":57Z:", "option Z is not defined"),
        (b":20:", b"SOMETHING\n:20:", "{4:}", "text before the first field"),
        (b":20:", b":20C:", ":20:", "mandatory field missing"),
        (b":71A:", b":71Z:", ":71A:", "mandatory field missing"),
    ],
    ids=["unknown field", "unknown option", "text before the fields", "20C for 20", "71Z for 71A"],
)
def test_mt103_fields_the_parser_cannot_read_are_held(
    payments: PaymentScreener, old: bytes, new: bytes, field: str, problem: str
) -> None:
    assert old in CLEAN_MT
    result = payments.screen_bytes(CLEAN_MT.replace(old, new, 1))
    assert result.verdict == "hold"
    reasons = [(h.field, h.reason) for h in result.hits if h.kind == "malformed"]
    assert any(f == field and problem in r for f, r in reasons), reasons


def test_clean_messages_still_pass(payments: PaymentScreener) -> None:
    assert payments.screen_bytes(CLEAN_PACS).verdict == "pass"
    assert payments.screen_bytes(CLEAN_MT).verdict == "pass"
