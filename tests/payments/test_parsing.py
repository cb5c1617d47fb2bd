"""ISO 20022 and MT103 messages read into parties and free texts; bad messages named by field."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.payments import MessageError, parse_message

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "payments"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_pacs008_parties_agents_and_texts() -> None:
    message = parse_message(_read("pacs008-forwarder.xml"))
    assert (message.kind, message.reference) == ("pacs.008", "BKCHCNBJ-20190318-000417")
    assert (message.amount, message.currency, message.value_date) == ("184250.00", "USD", "2019-03-18")
    roles = {(p.role, p.path) for p in message.parties}
    assert ("debtor", "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Dbtr") in roles
    assert ("creditor", "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Cdtr") in roles
    assert ("instructing_agent", "FIToFICstmrCdtTrf/GrpHdr/InstgAgt") in roles
    debtor = next(p for p in message.parties if p.role == "debtor")
    assert debtor.name == "LIAONING DANXING INTERNATIONAL FORWARDING CO., LTD."
    assert debtor.country == "CN"
    assert debtor.account == "621661280000417"
    assert debtor.address == ("Ganglong Road 11", "Dalian")
    agent = next(p for p in message.parties if p.role == "debtor_agent")
    assert (agent.bic, agent.name, agent.is_agent) == ("BKCHCNBJ800", "BANK OF CHINA DALIAN BRANCH", True)
    texts = {t.path: t.text for t in message.texts}
    assert texts["FIToFICstmrCdtTrf/CdtTrfTxInf[1]/RmtInf/Ustrd"].startswith(
        "Bunker fuel delivered to AN SAN 1"
    )


def test_pain001_reads_every_payment_block_and_transaction() -> None:
    message = parse_message(_read("pain001-creditor.xml"))
    assert message.kind == "pain.001"
    creditors = [p for p in message.parties if p.role == "creditor"]
    assert [p.path for p in creditors] == [
        "CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]/Cdtr",
        "CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]/Cdtr",
    ]
    assert creditors[0].address == ("Fortune Plaza No. 20, Harbour Street", "Zhongshan District, Dalian")
    assert (
        next(p for p in message.parties if p.role == "initiating_party").name
        == "Eastern Ocean Trading Co Ltd"
    )
    assert message.value_date == "2019-03-25"


def test_mt103_fields_and_header_bics() -> None:
    message = parse_message(_read("mt103-dprk-bank.txt"))
    assert (message.kind, message.reference, message.amount, message.currency) == (
        "MT103",
        "FTB20190318417",
        "250000.00",
        "USD",
    )
    by_path = {p.path: p for p in message.parties}
    assert by_path["{1:}"].bic == "BKCHCNBJ800"
    assert by_path["{2:}"].bic == "DBSSSGSG"
    assert by_path[":50K:"].name == "EASTERN OCEAN TRADING CO LTD"
    assert by_path[":50K:"].account == "621661280000999"
    assert by_path[":56A:"].bic == "FTBDKPPY"
    assert by_path[":57D:"].name == "SHIPPING AGENCY ACCOUNT"
    assert by_path[":59:"].name == "KOREA MARINE SERVICES"
    assert {t.path: t.text for t in message.texts}[":70:"] == "CHARTER HIRE MV AN SAN 1 MARCH 2019"


def test_mt103_option_f_structured_party() -> None:
    message = parse_message(_read("mt103-person.txt"))
    ordering = next(p for p in message.parties if p.path == ":50F:")
    assert ordering.name == "DERIPASKA OLEG"
    assert ordering.country == "RU"
    assert ordering.birth_date == "1968-01-02"
    assert ordering.kind == "person"
    assert ordering.account == "AT611904300234573201"


PACS = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">{}</Document>'
GOOD_TX = (
    "<IntrBkSttlmAmt Ccy='USD'>1.00</IntrBkSttlmAmt><Dbtr><Nm>A</Nm></Dbtr>"
    "<DbtrAgt><FinInstnId><BICFI>DEUTDEFF</BICFI></FinInstnId></DbtrAgt>"
    "<CdtrAgt><FinInstnId><BICFI>BNPAFRPP</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>B</Nm></Cdtr>"
)


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        (b"", "", "empty message"),
        (b"hello", "", "neither ISO 20022 XML nor a SWIFT MT"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf><GrpHdr>',
            "line 1",
            "malformed XML",
        ),
        (b"<Document xmlns='urn:example:other'><X/></Document>", "Document", "not an ISO 20022 message"),
        (
            b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.08'><BkToCstmrStmt/></Document>",
            "Document",
            "only pacs.008 and pain.001",
        ),
        (
            PACS.format("<FIToFICstmrCdtTrf><GrpHdr/></FIToFICstmrCdtTrf>").encode(),
            "FIToFICstmrCdtTrf/GrpHdr/MsgId",
            "missing",
        ),
        (
            PACS.format("<FIToFICstmrCdtTrf><GrpHdr><MsgId>1</MsgId></GrpHdr></FIToFICstmrCdtTrf>").encode(),
            "FIToFICstmrCdtTrf/CdtTrfTxInf",
            "no transaction",
        ),
        (
            PACS.format(
                "<FIToFICstmrCdtTrf><GrpHdr><MsgId>1</MsgId></GrpHdr><CdtTrfTxInf>"
                + GOOD_TX.replace("<Cdtr><Nm>B</Nm></Cdtr>", "")
                + "</CdtTrfTxInf></FIToFICstmrCdtTrf>"
            ).encode(),
            "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Cdtr",
            "mandatory element missing",
        ),
        (
            PACS.format(
                "<FIToFICstmrCdtTrf><GrpHdr><MsgId>1</MsgId></GrpHdr><CdtTrfTxInf>"
                + GOOD_TX.replace("<BICFI>DEUTDEFF</BICFI>", "")
                + "</CdtTrfTxInf></FIToFICstmrCdtTrf>"
            ).encode(),
            "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/DbtrAgt/FinInstnId",
            "needs a BIC",
        ),
    ],
)
def test_bad_iso_messages_name_the_field(data: bytes, field: str, problem: str) -> None:
    with pytest.raises(MessageError) as caught:
        parse_message(data)
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_the_good_minimal_pacs008_reads() -> None:
    message = parse_message(
        PACS.format(
            f"<FIToFICstmrCdtTrf><GrpHdr><MsgId>1</MsgId></GrpHdr><CdtTrfTxInf>{GOOD_TX}</CdtTrfTxInf></FIToFICstmrCdtTrf>"
        ).encode()
    )
    assert [p.name for p in message.parties if not p.is_agent] == ["A", "B"]


def _mt(block4: str) -> bytes:
    return ("{1:F01DEUTDEFFAXXX0000000000}{2:I103BNPAFRPPXXXXN}{4:\n" + block4 + "\n-}").encode()


GOOD_MT = (
    ":20:REF1\n:23B:CRED\n:32A:240611EUR15400,00\n:50K:/DE89\nMUELLER GMBH\n:59:/FR76\nDUPONT SA\n:71A:SHA"
)


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        (_mt(GOOD_MT.replace(":59:/FR76\nDUPONT SA\n", "")), ":59a:", "mandatory field missing"),
        (_mt(GOOD_MT.replace(":32A:240611EUR15400,00", ":32A:11JUN24 EUR 15400")), ":32A:", "is not YYMMDD"),
        (_mt(GOOD_MT.replace(":50K:/DE89\nMUELLER GMBH", ":50A:/DE89\nNOT A BIC")), ":50A:", "needs a BIC"),
        (_mt(GOOD_MT)[:-3], "{4:}", "not closed"),
        (_mt(GOOD_MT).replace(b"I103", b"I202"), "{2:}", "not an MT103"),
        (b"{1:F01DEUTDEFFAXXX0000000000}{4:\n:20:\xff\xfe\n-}", "byte 37", "not UTF-8"),  # offset of \xff
        (_mt("no fields at all"), "{4:}", "no fields"),
    ],
)
def test_bad_mt103_messages_name_the_field(data: bytes, field: str, problem: str) -> None:
    with pytest.raises(MessageError) as caught:
        parse_message(data)
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_good_minimal_mt103() -> None:
    message = parse_message(_mt(GOOD_MT))
    assert [p.role for p in message.parties] == ["sender", "receiver", "ordering_customer", "beneficiary"]
    assert message.value_date == "2024-06-11"
