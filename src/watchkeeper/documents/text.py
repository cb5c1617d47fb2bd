"""A press release or news article as plain text: HTML stripped of page furniture, PDF text, plain text.

What later steps need besides the text: the title, the date the document gives for itself, the
strings it sets in bold or as headings (Treasury sets each target's name that way), its SHA-256
and its language. Anything that cannot be read as text is refused here with the reason, before
anything downstream sees it or anything is recorded.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import lxml.html
import trafilatura
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from watchkeeper.errors import InvalidInput

#: A press release is a few kB; a long report some hundreds. Beyond this it is not a document to read.
MAX_DOCUMENT_BYTES = 5_000_000
LANGUAGES = ("en", "zh")
_ENGLISH_WORDS = frozenset(
    "the of and to in a is for on that by with as was has its are be or from this at which an "
    "were have their it".split()
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
_LONG_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{1,2}),\s+(\d{4})\b"
)
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")  # also inside 2023-10-12T13:30:00Z
_HAN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Document:
    """The readable content of one document, with what it says about itself."""

    text: str
    name: str
    format: str  # text | html | pdf
    sha256: str
    language: str  # en | zh
    title: str = ""
    published: date | None = None
    emphasised: tuple[str, ...] = field(default=())
    url: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "url": self.url,
            "format": self.format,
            "sha256": self.sha256,
            "language": self.language,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "characters": len(self.text),
        }


def read_document(data: bytes, name: str, *, url: str | None = None) -> Document:
    """The text of a document given as bytes (HTML, PDF or plain text, sniffed); refused with the
    reason when it is empty, too large, binary or in a language the extractor does not read."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(f"{name}: {len(data):,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit")
    if not data.strip():
        raise InvalidInput(f"{name}: the document is empty")
    digest = hashlib.sha256(data).hexdigest()
    emphasised: tuple[str, ...] = ()
    if data.lstrip().startswith(b"%PDF-"):
        text, title, published, kind = _pdf_text(data, name), "", None, "pdf"
    else:
        decoded = _decode(data, name)
        if _looks_like_html(decoded):
            text, title, emphasised, published = _html_text(decoded, name)
            kind = "html"
        else:
            text, title, published, kind = decoded, "", None, "text"
    text = _tidy(text)
    if not text:
        raise InvalidInput(f"{name}: no readable text in the document")
    return Document(
        text=text,
        name=name,
        format=kind,
        sha256=digest,
        language=language_of(text, name),
        title=title or _first_line(text),
        published=published or date_in(text),
        emphasised=emphasised,
        url=url,
    )


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise InvalidInput(f"{name}: binary data, not a text, HTML or PDF document")
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{name}: not text in UTF-8 or Windows-1252 (byte {error.start})") from None
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\r\n\t\f")
    if controls > 8:
        raise InvalidInput(f"{name}: binary data, not a text, HTML or PDF document")
    return text


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2048].lower()
    return head.startswith("<") and bool(re.search(r"<(html|body|article|div|p|!doctype)\b", head))


def _html_text(markup: str, name: str) -> tuple[str, str, tuple[str, ...], date | None]:
    # trafilatura drops navigation, footers and share buttons from a whole page; a bare fragment
    # (an <article> as some archives keep it) is given a page around it so it is read too.
    page = markup if re.search(r"<html\b", markup[:4096], re.I) else f"<html><body>{markup}</body></html>"
    extracted = trafilatura.extract(page, favor_recall=True, include_tables=True, deduplicate=False)
    try:
        tree = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError) as error:
        raise InvalidInput(f"{name}: the HTML cannot be parsed ({error})") from None
    # trafilatura marks bold as **…** even unasked; the strings in bold are taken from the tree.
    text = (extracted or _block_text(tree)).replace("**", "")
    titles = _found(tree, "//title/text() | //h1//text()")
    title = " ".join(str(t) for t in titles).strip()
    emphasised = tuple(
        dict.fromkeys(
            " ".join(e.text_content().split())
            for e in _found(tree, "//strong | //b | //h2 | //h3 | //h4")
            if e.text_content().strip()
        )
    )
    published = None
    for stamp in _found(tree, "//time/@datetime | //meta[@property='article:published_time']/@content"):
        published = date_in(str(stamp))
        if published:
            break
    return text, title, emphasised, published


def _found(tree: lxml.html.HtmlElement, path: str) -> list[Any]:
    """The nodes or strings an XPath selects (lxml types the answer as any XPath result)."""
    answer = tree.xpath(path)
    return list(answer) if isinstance(answer, list) else []


def _block_text(tree: lxml.html.HtmlElement) -> str:
    for bad in _found(tree, "//script | //style | //nav | //footer | //header"):
        bad.drop_tree()
    blocks = _found(tree, "//p | //li | //h1 | //h2 | //h3 | //h4 | //td")
    if not blocks:
        return str(tree.text_content())
    return "\n\n".join(" ".join(b.text_content().split()) for b in blocks)


def _pdf_text(data: bytes, name: str) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, OSError) as error:
        raise InvalidInput(f"{name}: the PDF cannot be read ({error})") from None


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", line)) for line in lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _first_line(text: str) -> str:
    for raw in text.split("\n"):
        line = raw.strip()
        if line and not re.match(r"^(URL|DATE|NOTE):", line):
            return line if len(line) <= 160 else line[:160].rsplit(" ", 1)[0] + " …"
    return ""


def date_in(text: str) -> date | None:
    """The first date written in the text: `March 21, 2019`, `2019-03-21` or `2019年3月21日`."""
    found: list[tuple[int, date]] = []
    readers: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[int, int, int]]], ...] = (
        (_LONG_DATE, _long_date_parts),
        (_ISO_DATE, _numeric_date_parts),
        (_HAN_DATE, _numeric_date_parts),
    )
    for pattern, parts in readers:
        match = pattern.search(text)
        if match:
            try:
                found.append((match.start(), date(*parts(match))))
            except ValueError:
                continue
    return min(found)[1] if found else None


def _long_date_parts(match: re.Match[str]) -> tuple[int, int, int]:
    return int(match[3]), _MONTHS[match[1].lower()], int(match[2])


def _numeric_date_parts(match: re.Match[str]) -> tuple[int, int, int]:
    return int(match[1]), int(match[2]), int(match[3])


def language_of(text: str, name: str = "document") -> str:
    """`en` or `zh`; any other language is refused (the extractor would read it as noise)."""
    sample = text[:20_000]
    han = len(_HAN.findall(sample))
    words = [w.lower() for w in _LATIN_WORD.findall(sample)]
    letters = sum(1 for c in sample if c.isalpha())
    if han >= 20 and han >= 0.3 * letters:
        return "zh"
    if words:
        english = sum(1 for w in words if w in _ENGLISH_WORDS) / len(words)
        latin_share = sum(len(w) for w in words) / max(letters, 1)
        if english >= 0.08 and latin_share >= 0.6:
            return "en"
    raise InvalidInput(
        f"{name}: the text is not in a supported language ({', '.join(LANGUAGES)}): "
        "party extraction would not be reliable"
    )
