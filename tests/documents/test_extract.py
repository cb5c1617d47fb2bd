"""Party extraction on real Treasury releases and on reports written for these tests from the facts
of the 2019-03-21 action (Dalian Haibo International Freight, Liaoning Danxing International
Forwarding), with a wrong name, a name on no list, and in Chinese."""

from __future__ import annotations

import re

import pytest

from tests.documents.test_text import DOCUMENTS
from watchkeeper.documents.claims import action_kind, authority_of, read_claim
from watchkeeper.documents.extract import extract_parties
from watchkeeper.documents.party import NamedParty
from watchkeeper.documents.text import read_document

#: Our own words, from the facts of the action (names and date as Treasury published them).
NEWS_REPORT = """Treasury moves against Chinese freight firms over North Korea

March 21, 2019

The US Treasury on Thursday sanctioned two China-based shipping companies it said helped North
Korea evade sanctions. The Office of Foreign Assets Control designated Dalian Haibo Shipping Co., Ltd.
and Liaoning Danxing International Forwarding Co., Ltd. for their work with North Korean trading
companies. A third firm, Dalian Haiyi International Shipping Co., Ltd., was also sanctioned, the
report said. "We will continue to enforce existing sanctions," said Treasury Secretary Steven Mnuchin.
"""

CHINESE_REPORT = (
    "美国财政部2019年3月21日宣布，对两家中国公司实施制裁：大连海博国际货运有限公司和辽宁丹星国际货运代理有限公司。\n"
    "财政部称这两家公司协助朝鲜规避联合国制裁。"
)


def parties_of(name: str) -> list[NamedParty]:
    path = DOCUMENTS / name
    return extract_parties(read_document(path.read_bytes(), path.name))


def test_vessels_with_their_imo_numbers_as_the_release_gives_them() -> None:
    path = DOCUMENTS / "sm841.html"
    # An independent count: every "(IMO nnnnnnn)" the release prints.
    printed = set(re.findall(r"\(IMO (\d{7})\)", path.read_text(encoding="utf-8")))
    found = {p.imo: p for p in parties_of("sm841.html") if p.imo}
    assert set(found) == printed
    assert len(printed) == 6
    assert {p.schema for p in found.values()} == {"Vessel"}
    assert found["9038842"].name == "Icaro"
    names = {p.name for p in parties_of("sm841.html")}
    # "the vessel Esperanza" is a vessel without an IMO number in the text.
    assert "Esperanza" in names
    assert "Caroil Transport Marine Ltd." in names


def test_targets_are_parties_and_the_authority_and_its_officials_are_not() -> None:
    parties = {p.name: p for p in parties_of("sm668.html")}
    for target in (
        "Wael Bazzi",
        "Hassan Tabaja",
        "Voltra Transcor Energy BVBA",
        "OFFISCOOP NV",
        "BSQRD Limited",
    ):
        assert target in parties, target
    assert parties["Voltra Transcor Energy BVBA"].schema == "Company"
    assert parties["Voltra Transcor Energy BVBA"].countries == ("BE",)
    # "Global Trading Group NV (GTG)": the short form is an alias, not a party of its own.
    assert "GTG" in parties["Global Trading Group NV"].aliases
    assert "designat" in parties["Wael Bazzi"].evidence
    for not_a_party in ("Sigal Mandelker", "OFAC", "Treasury", "Office of Foreign Assets Control", "GTG"):
        assert not_a_party not in parties, not_a_party
    # Mentions of one person merge: `Wael`, `Bazzi` and `Wael Bazzi’s` are no parties of their own.
    assert not any(name in parties for name in ("Wael", "Bazzi", "Wael Bazzi’s"))


def test_a_news_report_with_wrong_and_unlisted_names_gives_them_as_written() -> None:
    document = read_document(NEWS_REPORT.encode(), "report.txt")
    names = {p.name for p in extract_parties(document)}
    assert {
        "Dalian Haibo Shipping Co., Ltd.",
        "Liaoning Danxing International Forwarding Co., Ltd.",
        "Dalian Haiyi International Shipping Co., Ltd.",
    } <= names
    assert "Steven Mnuchin" not in names
    assert document.published is not None
    assert document.published.isoformat() == "2019-03-21"


def test_a_chinese_report_names_the_companies_by_their_legal_form() -> None:
    document = read_document(CHINESE_REPORT.encode(), "report-zh.txt")
    assert document.language == "zh"
    parties = {p.name: p for p in extract_parties(document)}
    assert set(parties) >= {"大连海博国际货运有限公司", "辽宁丹星国际货运代理有限公司"}
    assert all(p.schema == "Company" for p in parties.values() if p.name.endswith("公司"))
    # 日 (day, sun) inside a name is not taken for the end of a date.
    other = read_document("2018年8月21日，美国财政部制裁大连日月星国际物流贸易有限公司。".encode(), "zh.txt")
    assert [p.name for p in extract_parties(other)] == ["大连日月星国际物流贸易有限公司"]


def test_a_statement_without_named_targets_has_no_parties() -> None:
    assert parties_of("2017-09-26_voa_editorial_dprk_banks_designation.txt") == []


def test_the_kind_authority_and_programmes_a_document_claims() -> None:
    release = (DOCUMENTS / "sm668.html").read_bytes()
    claim = read_claim(read_document(release, "sm668.html").text)
    assert (claim.kind, claim.authority) == ("designation", "OFAC")
    assert "E.O. 13224" in claim.programs
    un = (DOCUMENTS / "2018-08-03_usun_statement_dprk_sanctions_actions.txt").read_text(encoding="utf-8")
    assert authority_of(un) == "UN Security Council"
    assert (
        action_kind("The President said he was withdrawing earlier North Korea-related sanctions.")
        == "withdrawal"
    )
    assert (
        action_kind("A package of sanctions on 30 entities has been put on hold while talks go on.")
        == "on-hold"
    )
    assert action_kind("OFAC removed two individuals from the SDN List today.") == "delisting"
    assert action_kind("OFAC issued General License 8 authorizing energy transactions.") == "general-licence"
    assert (
        action_kind("Treasury today published a maritime advisory on ship-to-ship transfers.") == "advisory"
    )


@pytest.mark.parametrize(
    ("document", "url", "voice"),
    [
        ("sm668.html", None, "official"),  # "Today, the U.S. Department of the Treasury’s ..."
        ("jy1795.html", None, "official"),
        ("2018-08-03_usun_statement_dprk_sanctions_actions.txt", None, "official"),
        ("2017-09-26_voa_editorial_dprk_banks_designation.txt", None, "report"),  # "On September 26, ..."
        ("sm668.html", "https://home.treasury.gov/news/press-releases/sm668", "official"),
        (
            "2017-09-26_voa_editorial_dprk_banks_designation.txt",
            "https://editorials.voa.gov/a/4053500.html",
            "report",
        ),
    ],
)
def test_an_authoritys_own_text_is_told_from_a_report_of_it(
    document: str, url: str | None, voice: str
) -> None:
    text = read_document((DOCUMENTS / document).read_bytes(), document).text
    claim = read_claim(text, url)
    assert claim.voice == voice
    assert claim.authority is not None  # a report names the authority that acted, not the outlet


def test_reports_written_for_the_tests_are_reports_and_name_their_site() -> None:
    for text in (NEWS_REPORT, CHINESE_REPORT):
        claim = read_claim(text)
        assert (claim.voice, claim.authority, claim.kind) == ("report", "OFAC", "designation")
    site = read_claim(NEWS_REPORT, "https://www.example-news.com/world/2019/03/21/treasury")
    assert site.reported_by == "example-news.com"
    assert site.describe() == (
        "designation by OFAC, as reported (example-news.com): not the authority's own text"
    )
    assert read_claim(NEWS_REPORT, "https://home.treasury.gov/news").describe() == "designation by OFAC"


def test_officials_after_a_comma_and_companies_at_a_sentences_end() -> None:
    text = (
        "Today, OFAC designated VNIIR Transstroi LLC for acting for JSC VNIIR and Asset Electro LLC. "
        "Finally, OFAC is designating Dominion Nikolski LLC. “These actions hold accountable those who "
        "undermine governance,” said Under Secretary of the Treasury for Terrorism and Financial "
        "Intelligence, Brian E. Nelson."
    )
    names = {p.name for p in extract_parties(read_document(text.encode(), "release.txt"))}
    assert {"VNIIR Transstroi LLC", "JSC VNIIR", "Asset Electro LLC", "Dominion Nikolski LLC"} <= names
    assert not any("Nelson" in n or " and " in n for n in names), names
