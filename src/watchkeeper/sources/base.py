"""What every list parser shares: the snapshot it returns and safe file reading.

A parser turns the publisher's file(s) into a `ListSnapshot` and knows nothing
of the store. Adding a list (e.g. the EU FSF XML) is one module with a
`ListFormat` object registered in `watchkeeper.sources`.
"""

from __future__ import annotations

import gc
import hashlib
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Protocol

from lxml import etree

from watchkeeper.errors import ListFormatError
from watchkeeper.model import Entity
from watchkeeper.xml_input import XMLRefused, parse_untrusted


class PendingEntity(Protocol):
    """One record of a list file, read and checked, whose entity can be built.

    `record_key` changes whenever the publisher's record or the parser that
    reads it changes, so the store can skip building entities whose record
    it already holds: a weekly SDN update parses a few hundred entries, not
    all fifteen thousand.
    """

    @property
    def id(self) -> str: ...

    @property
    def record_key(self) -> str: ...

    def build(self) -> Entity: ...


@dataclass(frozen=True, slots=True)
class ParsedEntity:
    """A record whose entity was built while the file was read (XML layouts)."""

    entity: Entity
    record_key: str

    @property
    def id(self) -> str:
        return self.entity.id

    def build(self) -> Entity:
        return self.entity


def eager(entities: Sequence[Entity]) -> tuple[ParsedEntity, ...]:
    return tuple(ParsedEntity(e, "content:" + e.content_hash()) for e in entities)


def record_key(layout: str, parser_version: int, record: str) -> str:
    return hashlib.sha256(f"{layout}/{parser_version}\n{record}".encode()).hexdigest()


@dataclass(frozen=True)
class ListSnapshot:
    """One publication of one list, read completely."""

    source: str
    published: date
    pending: tuple[PendingEntity, ...]
    sha256: str
    path: str
    format: str
    #: A partial file (one program, a test subset) adds and updates, never delists.
    partial: bool = False

    @cached_property
    def entities(self) -> tuple[Entity, ...]:
        """Every entity of the file, built now (the store builds only what changed)."""
        with paused_gc():
            return tuple(p.build() for p in self.pending)


class ListFormat(Protocol):
    """A publisher's file layout."""

    name: str
    default_source: str
    description: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when `path` (whose first bytes are `head`) is in this layout."""
        ...

    def parse(self, path: Path, *, source: str | None, published: date | None) -> ListSnapshot:
        """Parse every record or raise `ListFormatError` naming where it failed."""
        ...


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a list is parsed or stored.

    A parse allocates hundreds of thousands of small acyclic objects that stay
    alive; each automatic collection would walk all of them again (measured:
    about 30% of the parse time of the SDN set).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: The most a gzip list file may expand to: far above any published list (the OFAC advanced
#: XML is ~100 MB), far below what would exhaust memory (a decompression bomb).
MAX_UNCOMPRESSED_BYTES = 2 << 30


class ExpandsTooFar(ValueError):
    """Compressed data that would expand beyond the allowed size."""


#: The most one decompression step may produce: bounds memory while a stream is only being measured.
_PIECE = 1 << 24


def _inflated(blocks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    """The decompressed pieces of the gzip data in `blocks`, every member, `limit` bytes at most.

    Raises `ExpandsTooFar`, or `EOFError` for a stream that stops before its end."""
    inflater = zlib.decompressobj(wbits=31)
    size = 0
    read_any = False
    for block in blocks:
        data = block
        while data:
            if inflater.eof:  # a further member, after any NUL padding
                data = data.lstrip(b"\x00")
                if not data:
                    break
                inflater = zlib.decompressobj(wbits=31)
            read_any = True
            piece = inflater.decompress(data, min(limit + 1 - size, _PIECE))
            size += len(piece)
            if size > limit:
                raise ExpandsTooFar(f"expands beyond {limit:,} bytes: refused (a decompression bomb?)")
            yield piece
            data = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
    if read_any and not inflater.eof:
        raise EOFError("compressed file ended before the end-of-stream marker")


def gunzip(raw: bytes, limit: int = MAX_UNCOMPRESSED_BYTES) -> bytes:
    """Un-gzip every member of `raw`, refusing to expand beyond `limit` bytes.

    Raises `ExpandsTooFar`, or `EOFError` for a stream that stops before its end.
    """
    return b"".join(_inflated([raw], limit))


def check_expansion(path: Path, limit: int) -> None:
    """Raise `ExpandsTooFar` if the gzip file at `path` expands beyond `limit` bytes (`EOFError` if it
    is cut short); reads it in chunks and keeps nothing, so an upload can be refused before it is parsed."""
    with path.open("rb") as handle:
        for _ in _inflated(iter(lambda: handle.read(1 << 16), b""), limit):
            pass


def read_bytes(path: Path, limit: int = MAX_UNCOMPRESSED_BYTES) -> bytes:
    """The file's content, un-gzipped when it ends in `.gz`.

    A truncated gzip stream is an error here: gzip's own reader would return
    what it could decompress and the list would silently lose its tail.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ListFormatError(str(path), "", f"cannot read file: {exc.strerror}") from exc
    if path.name.endswith(".gz"):
        try:
            raw = gunzip(raw, limit)
        except ExpandsTooFar as exc:
            raise ListFormatError(str(path), "", str(exc)) from exc
        except (EOFError, OSError, zlib.error) as exc:
            raise ListFormatError(str(path), "", f"broken or truncated gzip data: {exc}") from exc
    if not raw.strip(b"\x00\x1a \r\n\t"):
        raise ListFormatError(str(path), "", "file is empty (0 records); nothing imported")
    return raw


def decode(path: Path, data: bytes, encoding: str = "utf-8") -> str:
    """Decode strictly, naming the line of the first undecodable byte."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ListFormatError(
            str(path),
            f"line {line}",
            f"byte 0x{data[exc.start]:02x} is not valid {encoding}; wrong encoding?",
        ) from exc
    return text.removeprefix("\ufeff")


def sha256_of(*paths: Path) -> str:
    """SHA-256 of one file, or of the member hashes of a multi-file set."""
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


_NAME_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def date_from_name(path: Path) -> date | None:
    """A publication date written into the file or folder name (`sdn-2022-03-01.csv`)."""
    for part in (path.name, path.parent.name):
        match = _NAME_DATE_RE.search(part)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    return None


def require_published(path: Path, *candidates: date | None) -> date:
    for candidate in candidates:
        if candidate is not None:
            return candidate
    raise ListFormatError(
        str(path), "", "no publication date in the file or its name; pass --published YYYY-MM-DD"
    )


def parse_xml(path: Path, data: bytes) -> etree._Element:
    """Parse a list file's XML, naming line and column of a syntax error. A list file may be
    uploaded by a user, so it is read as untrusted XML: no DTD, no entities, no network."""
    try:
        return parse_untrusted(data, remove_comments=False, huge_tree=True)
    except XMLRefused as exc:
        raise ListFormatError(str(path), exc.where, exc.problem) from exc


def local(tag: object) -> str:
    """An element's tag without its namespace."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def text_of(element: etree._Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return " ".join(element.text.split())


def check_namespace(path: Path, root: etree._Element, expected: Sequence[str]) -> None:
    ns = etree.QName(root).namespace or ""
    if ns not in expected:
        raise ListFormatError(
            str(path),
            f"line {root.sourceline}, <{local(root.tag)}>",
            f"unexpected XML namespace {ns!r}; expected one of {list(expected)!r}",
        )


def element_record(element: etree._Element) -> str:
    """The publisher's XML for one record, kept as evidence with the entity."""
    text = etree.tostring(element, encoding="unicode")
    # Drop the namespace declarations lxml copies onto a serialised child.
    return re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", text, count=3)


def where(element: etree._Element, label: str = "") -> str:
    tag = local(element.tag)
    return f"line {element.sourceline}, <{tag}>" + (f" {label}" if label else "")


def ofac_source_for_lists(lists: set[str] | list[str]) -> str:
    """Which Watchkeeper source an OFAC list-service entry belongs to.

    Entries of the non-SDN consolidated list carry "Consolidated List" (some
    are also on the SDN list); everything else in an SDN export is SDN.
    """
    if "Consolidated List" in lists or "SDN List" not in lists:
        return "ofac-cons"
    return "ofac-sdn"
