"""Real OFAC remarks phrases and what they must become."""

import pytest

from watchkeeper.model import EntityBuilder, PartialDate
from watchkeeper.sources.ofac_remarks import apply_remarks, parse_document, parse_ofac_date, split_remarks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13 May 1965", PartialDate("1965-05-13")),
        ("1962", PartialDate("1962")),
        ("Feb 1961", PartialDate("1961-02")),
        ("circa 1951", PartialDate("1951", circa=True)),
        ("circa 01 Jan 1960", PartialDate("1960-01-01", circa=True)),
        ("1960 to 1962", PartialDate("1960", "1962")),
        ("circa 1979-1982", PartialDate("1979", "1982", circa=True)),
        ("01 Jan 1960 to 31 Dec 1962", PartialDate("1960-01-01", "1962-12-31")),
        ("Jan 1960 to Feb 1962", PartialDate("1960-01", "1962-02")),
        ("31 Feb 1962", None),
        ("sometime in the sixties", None),
    ],
)
def test_ofac_dates(text: str, expected: PartialDate | None) -> None:
    assert parse_ofac_date(text) == expected


@pytest.mark.parametrize(
    ("phrase", "kind", "number", "country", "note"),
    [
        ("Passport AL720622 (Colombia)", "passportNumber", "AL720622", "Colombia", ""),
        ("Diplomatic Passport 008827 (Iran) issued 1999", "passportNumber", "008827", "Iran", "issued 1999"),
        ("Cedula No. 172489729-1 (Ecuador)", "idNumber", "172489729-1", "Ecuador", ""),
        ("Tax ID No. AABA 670850 Y", "taxNumber", "AABA 670850 Y", "", ""),
        ("NIT # 800146749-7 (Colombia)", "taxNumber", "800146749-7", "Colombia", ""),
        (
            "Identification Number AO 2879097 (Italy) expires 30 Oct 2012",
            "idNumber",
            "AO 2879097",
            "Italy",
            "expires 30 Oct 2012",
        ),
        (
            "Unified Social Credit Code (USCC) 91222401MA0Y31E659 (China)",
            "registrationNumber",
            "91222401MA0Y31E659",
            "China",
            "",
        ),
        ("Legal Entity Number 253400WSS48YWMBUA688", "leiCode", "253400WSS48YWMBUA688", "", ""),
        ("Kenyan ID No. 12773667", "idNumber", "12773667", "", ""),
    ],
)
def test_identity_documents(phrase: str, kind: str, number: str, country: str, note: str) -> None:
    doc = parse_document(phrase)
    assert doc is not None
    assert (doc.kind, doc.number, doc.country, doc.note) == (kind, number, country, note)


@pytest.mark.parametrize("phrase", ["Minister of State for Special Affairs", "ICTY indictee at large"])
def test_prose_is_not_an_identifier(phrase: str) -> None:
    assert parse_document(phrase) is None


def test_split_keeps_abbreviations_that_end_a_name() -> None:
    assert split_remarks("DOB 1962; Linked To: ANGLO-CARIBBEAN CO., LTD.") == [
        "DOB 1962",
        "Linked To: ANGLO-CARIBBEAN CO., LTD.",
    ]
    assert split_remarks("DOB 1962; alt. DOB 1963.") == ["DOB 1962", "DOB 1963"]


def test_remarks_of_a_dprk_cyber_actor() -> None:
    # ofac-sdn:28264 (LI, Jiadong), remarks as published with its continuation.
    remarks = (
        "DOB 10 Jan 1987; nationality China; Gender Male; Digital Currency Address - XBT "
        "1EfMVkxQQuZfBdocpJu6RUsCJvenQWbQyE; Secondary sanctions risk: North Korea Sanctions Regulations, "
        "sections 510.201 and 510.210; Phone Number 8613314257947; Identification Number 210302198701102136 "
        "(China); a.k.a. 'blackjack1987'; a.k.a. 'khaleesi'; Linked To: LAZARUS GROUP."
    )
    builder = EntityBuilder("ofac-sdn:28264", "Person")
    builder.add("name", "Jiadong LI")
    apply_remarks(builder, remarks)
    entity = builder.build()
    assert entity.get("birthDate") == ("1987-01-10",)
    assert entity.get("nationality") == ("China",)
    assert entity.get("gender") == ("Male",)
    assert entity.get("cryptoWallet") == ("XBT 1EfMVkxQQuZfBdocpJu6RUsCJvenQWbQyE",)
    assert entity.get("secondarySanctions") == (
        "North Korea Sanctions Regulations, sections 510.201 and 510.210",
    )
    assert entity.get("phone") == ("8613314257947",)
    assert entity.get("idNumber") == ("210302198701102136",)
    assert entity.get("weakAlias") == ("blackjack1987", "khaleesi")
    assert entity.get("linkedTo") == ("LAZARUS GROUP",)
    assert entity.get("notes") == ()


def test_vessel_remarks() -> None:
    builder = EntityBuilder("ofac-sdn:1", "Vessel")
    builder.add("name", "CHON MA SAN")
    apply_remarks(
        builder,
        "Vessel Registration Identification IMO 8660313; MMSI 445539000; Other Vessel Flag Korea, North; "
        "SWIFT/BIC KKBCKPPY; Website www.example.kp; Email Address a@example.kp.",
    )
    entity = builder.build()
    assert entity.get("imoNumber") == ("8660313",)
    assert entity.get("mmsi") == ("445539000",)
    assert entity.get("flag") == ("Korea, North",)
    assert entity.get("swiftBic") == ("KKBCKPPY",)
    assert entity.get("website") == ("www.example.kp",)
    assert entity.get("email") == ("a@example.kp",)
