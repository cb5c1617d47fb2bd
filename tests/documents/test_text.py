"""Reading documents: HTML stripped to its text, dates and bold names kept, bad input refused."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support import ROOT
from watchkeeper.documents.text import MAX_DOCUMENT_BYTES, date_in, language_of, read_document
from watchkeeper.errors import InvalidInput

DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"


def _pdf_with_text(line: str) -> bytes:
    """A one-page PDF that shows `line` in Helvetica, written by hand (offsets computed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def test_a_treasury_release_reads_as_its_body_with_its_own_date_and_bold_names() -> None:
    path = DOCUMENTS / "sm668.html"
    document = read_document(path.read_bytes(), path.name)
    assert document.format == "html"
    assert document.language == "en"
    assert document.published == date(2019, 4, 24)  # from <time datetime>, not a date in the body
    assert "<p>" not in document.text
    assert "OFAC designated Belgium-based Wael Bazzi" in document.text
    assert "Wael Bazzi" in " ".join(document.emphasised) or "WAEL BAZZI" in " ".join(document.emphasised)
    assert len(document.sha256) == 64


def test_plain_text_and_pdf_text_are_read() -> None:
    path = DOCUMENTS / "2018-08-03_usun_statement_dprk_sanctions_actions.txt"
    text = read_document(path.read_bytes(), path.name)
    assert text.format == "text"
    assert text.published == date(2018, 8, 3)
    pdf = read_document(
        _pdf_with_text(
            "On March 21, 2019 OFAC designated Dalian Haibo International Freight Co. Ltd. and the"
            " company was added to the SDN list."
        ),
        "release.pdf",
    )
    assert pdf.format == "pdf"
    assert "Dalian Haibo International Freight" in pdf.text
    assert pdf.published == date(2019, 3, 21)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WASHINGTON — On March 21, 2019, the Treasury designated", date(2019, 3, 21)),
        ("DATE: 2018-08-03 (stated in text)", date(2018, 8, 3)),
        ('<time datetime="2023-10-12T13:30:00Z">', date(2023, 10, 12)),
        ("美国财政部2019年3月21日宣布", date(2019, 3, 21)),
        ("Issued in February 30, 2019 and again on 2019-03-01", date(2019, 3, 1)),  # no 30 February
        ("no date at all", None),
    ],
)
def test_the_first_date_a_text_gives(text: str, expected: date | None) -> None:
    assert date_in(text) == expected


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (b"%PDF-1.4\n1 0 obj garbage", "PDF cannot be read"),
        (b"<html><body><script>var a = 1;</script></body></html>", "no readable text"),
        (
            "Министерство финансов США сегодня ввело санкции против двух компаний и судов.".encode(),
            "not in a supported language",
        ),
        (
            b"Le Tresor americain a sanctionne aujourd'hui deux societes et deux navires "
            b"qui transportaient du petrole russe au-dessus du plafond",
            "not in a supported language",
        ),
    ],
)
def test_what_cannot_be_read_is_refused_with_the_reason(data: bytes, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        read_document(data, "upload")


def test_an_oversized_document_is_refused_before_it_is_read() -> None:
    with pytest.raises(InvalidInput, match="over the"):
        read_document(b"a " * (MAX_DOCUMENT_BYTES // 2 + 1), "huge.txt")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Today, the U.S. Department of the Treasury designated two companies in China.", "en"),
        ("美国财政部今天宣布对两家中国航运公司实施制裁，这两家公司协助朝鲜规避联合国制裁。", "zh"),
        ("美國財政部今天宣布對兩家中國航運公司實施制裁，這兩家公司協助朝鮮規避聯合國制裁。", "zh"),
    ],
)
def test_languages_read(text: str, language: str) -> None:
    assert language_of(text) == language
