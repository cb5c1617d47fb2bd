"""List parsers, one module per publisher layout, and format detection."""

from __future__ import annotations

import dataclasses
import gzip
from datetime import date
from pathlib import Path

from watchkeeper.errors import ListFormatError
from watchkeeper.sources.base import ListFormat, ListSnapshot, paused_gc
from watchkeeper.sources.ofac_advanced import OfacAdvancedXmlFormat
from watchkeeper.sources.ofac_csv import OfacCsvFormat
from watchkeeper.sources.ofac_enhanced import OfacEnhancedXmlFormat
from watchkeeper.sources.ofac_xml import OfacLegacyXmlFormat
from watchkeeper.sources.opensanctions import OpenSanctionsCsvFormat
from watchkeeper.sources.uk_conlist import UkConListFormat
from watchkeeper.sources.un_xml import UnXmlFormat

__all__ = ["FORMATS", "KNOWN_SOURCES", "ListFormat", "ListSnapshot", "detect_format", "parse_list"]

#: Every layout Watchkeeper reads. An EU FSF parser is one more entry here.
FORMATS: tuple[ListFormat, ...] = (
    OfacCsvFormat(),
    OfacLegacyXmlFormat(),
    OfacAdvancedXmlFormat(),
    OfacEnhancedXmlFormat(),
    UnXmlFormat(),
    UkConListFormat(),
    OpenSanctionsCsvFormat(),
)

#: Sources and the layouts their files come in.
KNOWN_SOURCES: dict[str, str] = {
    "ofac-sdn": "OFAC Specially Designated Nationals (SDN) list",
    "ofac-cons": "OFAC Consolidated (non-SDN) lists",
    "un": "UN Security Council Consolidated List",
    "uk": "UK HM Treasury / OFSI Consolidated List",
    "opensanctions": "OpenSanctions dataset export",
}

_HEAD_BYTES = 4096


def _head(path: Path) -> bytes:
    if path.is_dir():
        return b""
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as handle:
                return handle.read(_HEAD_BYTES)
        with path.open("rb") as handle:
            return handle.read(_HEAD_BYTES)
    except (OSError, EOFError) as exc:
        raise ListFormatError(str(path), "", f"cannot read file: {exc}") from exc


def detect_format(path: Path) -> ListFormat:
    """The layout of a list file or folder, by its name and first bytes."""
    if not path.exists():
        raise ListFormatError(str(path), "", "no such file or folder")
    head = _head(path)
    if not path.is_dir() and not head.strip(b"\x00\x1a \r\n\t"):
        raise ListFormatError(str(path), "", "file is empty (0 records); nothing imported")
    for fmt in FORMATS:
        if fmt.sniff(path, head):
            return fmt
    raise ListFormatError(
        str(path), "", "not a list layout Watchkeeper knows; see `watchkeeper lists formats`"
    )


def parse_list(
    path: Path, *, source: str | None = None, published: date | None = None, partial: bool | None = None
) -> ListSnapshot:
    """Parse one publication completely; raises `ListFormatError` on any bad record."""
    fmt = detect_format(path)
    with paused_gc():
        snapshot = fmt.parse(path, source=source, published=published)
    if partial is not None and partial != snapshot.partial:
        snapshot = dataclasses.replace(snapshot, partial=partial)
    return snapshot
