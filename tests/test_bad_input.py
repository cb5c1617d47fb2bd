"""Bad input gets a clear error naming file and place, and the store stays exactly as it was."""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import shared
from watchkeeper.errors import ImportRejected, ListFormatError, WatchkeeperError
from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore

SDN_2021_08 = "ofac/sdn-history/sdn-2021-08-18.csv.gz"
SDN_2021_11 = "ofac/sdn-history/sdn-2021-11-08.csv.gz"


@pytest.fixture
def loaded(store: SqliteStore) -> SqliteStore:
    store.import_snapshot(parse_list(shared(SDN_2021_08)))
    store.import_snapshot(parse_list(shared("un/consolidated-2026-02-27.xml")))
    return store


def sdn_text() -> bytes:
    return gzip.decompress(shared(SDN_2021_11).read_bytes())


def un_text() -> bytes:
    return shared("un/consolidated-2026-02-27.xml").read_bytes()


def _import(store: SqliteStore, path: Path) -> None:
    store.import_snapshot(
        parse_list(path, source="un" if path.suffix == ".xml" else "ofac-sdn", published=None)
    )


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _cut_mid_row(data: bytes) -> bytes:
    middle = data.index(b"\n", len(data) // 2) + 1
    return data[: middle + 40]  # stops inside the next row


def _bad_encoding(data: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[1200] = lines[1200].replace(b"-0-", b"caf\xe9", 1)
    return b"\n".join(lines)


def _broken_row(data: bytes) -> bytes:
    lines = data.split(b"\n")
    assert lines[504].endswith(b",-0- \r")
    lines[504] = lines[504][: -len(b",-0- \r")] + b"\r"  # the remarks field is missing
    return b"\n".join(lines)


def _truncated_gzip(data: bytes) -> bytes:
    packed = gzip.compress(data)
    return packed[: len(packed) // 2]


def _broken_xml(data: bytes) -> bytes:
    return data.replace(b"<FIRST_NAME>", b"<FIRST NAME>", 1)


def _truncated_xml(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _other_namespace(data: bytes) -> bytes:
    return data


def _entity_in_a_name(data: bytes) -> bytes:
    """A DTD whose entity stands for a file's content, used as a listed person's first name."""
    start = data.index(b"<CONSOLIDATED_LIST")
    dtd = b'<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY n SYSTEM "file:///etc/hostname">]>\n'
    data = data[:start] + dtd + data[start:]
    at = data.index(b"<FIRST_NAME>") + len(b"<FIRST_NAME>")
    return data[:at] + b"&n;" + data[data.index(b"</FIRST_NAME>", at) :]


def _processing_instruction(data: bytes) -> bytes:
    return data.replace(b"<FIRST_NAME>", b"<FIRST_NAME><?x hidden?>", 1)


CASES: list[tuple[str, str, Callable[[], bytes], Callable[[bytes], bytes], str]] = [
    ("empty", "sdn-2024-05-04.csv", lambda: b"", lambda d: d, r"file is empty"),
    (
        "truncated csv",
        "sdn-2021-11-08.csv",
        sdn_text,
        _cut_mid_row,
        r"line \d+: expected 12 fields|line \d+: malformed",
    ),
    (
        "wrong encoding",
        "sdn-2021-11-08.csv",
        sdn_text,
        _bad_encoding,
        r"line 1201: byte 0xe9 is not valid utf-8",
    ),
    ("broken row", "sdn-2021-11-08.csv", sdn_text, _broken_row, r"line 505: expected 12 fields, found 11"),
    ("truncated gzip", "sdn-2021-11-08.csv.gz", sdn_text, _truncated_gzip, r"truncated gzip"),
    ("malformed xml", "consolidated-2026-03-01.xml", un_text, _broken_xml, r"line \d+, column \d+"),
    ("truncated xml", "consolidated-2026-03-01.xml", un_text, _truncated_xml, r"line \d+, column \d+"),
    (
        "xml entity",
        "consolidated-2026-03-01.xml",
        un_text,
        _entity_in_a_name,
        r"FIRST_NAME: entity reference &n; \(line \d+\) refused: the document declares a DTD",
    ),
    (
        "processing instruction",
        "consolidated-2026-03-01.xml",
        un_text,
        _processing_instruction,
        r"FIRST_NAME: processing instruction <\?x …\?> \(line \d+\) refused",
    ),
]


@pytest.mark.parametrize(
    ("name", "filename", "content", "damage", "message"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_file_is_refused_and_store_unchanged(
    loaded: SqliteStore,
    tmp_path: Path,
    name: str,
    filename: str,
    content: Callable[[], bytes],
    damage: Callable[[bytes], bytes],
    message: str,
) -> None:
    path = _write(tmp_path, filename, damage(content()))
    before = loaded.dump()
    with pytest.raises(ListFormatError) as caught:
        _import(loaded, path)
    assert str(path) in str(caught.value)
    assert re.search(message, str(caught.value)), str(caught.value)
    assert loaded.dump() == before


def test_file_cut_at_a_row_boundary_is_caught_by_the_shrink_check(
    loaded: SqliteStore, tmp_path: Path
) -> None:
    data = sdn_text()
    cut = data[: data.index(b"\n", len(data) // 2) + 1]
    path = _write(tmp_path, "sdn-2021-11-08.csv", cut)
    before = loaded.dump()
    with pytest.raises(ImportRejected, match=r"a drop of \d+%, more than 10%.*--allow-shrink"):
        _import(loaded, path)
    assert loaded.dump() == before
    result = loaded.import_snapshot(parse_list(path), allow_shrink=True)
    assert result.version.removed > 4000


def test_same_file_twice_is_refused(loaded: SqliteStore) -> None:
    before = loaded.dump()
    with pytest.raises(ImportRejected, match=r"already imported as ofac-sdn@1 \(2021-08-18\)"):
        loaded.import_snapshot(parse_list(shared(SDN_2021_08)))
    assert loaded.dump() == before


def test_older_version_after_a_newer_one_is_refused(loaded: SqliteStore, tmp_path: Path) -> None:
    older = _write(tmp_path, "sdn-2021-01-01.csv", sdn_text())
    before = loaded.dump()
    with pytest.raises(ImportRejected, match=r"older than the newest version"):
        loaded.import_snapshot(parse_list(older))
    assert loaded.dump() == before


def test_legacy_xml_record_count_mismatch(loaded: SqliteStore, tmp_path: Path) -> None:
    data = shared("ofac_xml/consolidated-2026-01-08.xml").read_bytes()
    start = data.rindex(b"<sdnEntry>")
    end = data.index(b"</sdnEntry>", start) + len(b"</sdnEntry>")
    path = _write(tmp_path, "consolidated.xml", data[:start] + data[end:])
    before = loaded.dump()
    with pytest.raises(ListFormatError, match="Record_Count says 442 entries but the file holds 441"):
        loaded.import_snapshot(parse_list(path))
    assert loaded.dump() == before


def test_enhanced_xml_in_another_namespace(tmp_path: Path) -> None:
    data = shared("ofac_xml/enhanced-IRGC-program-2024-08-28.xml").read_bytes()
    path = _write(tmp_path, "enhanced.xml", data.replace(b'exports/ENHANCED_XML"', b'exports/OTHER"', 1))
    with pytest.raises(ListFormatError, match=r"unexpected XML namespace .*OTHER"):
        parse_list(path)


def test_un_record_without_reference_number(tmp_path: Path) -> None:
    data = un_text().replace(b"<REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>", b"", 1)
    path = _write(tmp_path, "un.xml", data)
    with pytest.raises(ListFormatError, match=r"line \d+, <INDIVIDUAL>: record without <REFERENCE_NUMBER>"):
        parse_list(path)


def test_alias_row_for_an_unknown_entry(tmp_path: Path) -> None:
    folder = tmp_path / "sdn-2021-07-07"
    shutil.copytree(shared("ofac/sdn-2021-07-07"), folder)
    alt = folder / "alt.csv"
    # The new row goes before the DOS end-of-file byte that closes OFAC's files.
    alt.write_bytes(alt.read_bytes().rstrip(b"\x1a") + b'99999999,1,"aka","GHOST",-0- \r\n\x1a')
    with pytest.raises(ListFormatError, match=r"alt.csv, line 11911: refers to entry 99999999"):
        parse_list(folder)


def test_unknown_layout(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt", b"hello\n")
    with pytest.raises(WatchkeeperError, match="not a list layout"):
        parse_list(path)


def test_partial_versions_never_delist(store: SqliteStore) -> None:
    store.import_snapshot(parse_list(shared("ofac/sdn-2021-07-07")))
    result = store.import_snapshot(parse_list(shared("ofac_xml/enhanced-IRGC-program-2024-08-28.xml")))
    assert result.version.partial
    assert result.version.removed == 0
    assert result.version.added > 0
    assert result.version.listed_count == 8976 + result.version.added
    entities = {e.id for e in store.entities("ofac-sdn")}
    assert "ofac-sdn:36" in entities  # a Cuba entry the IRGC file does not mention
