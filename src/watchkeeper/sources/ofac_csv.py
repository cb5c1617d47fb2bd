"""OFAC's legacy CSV sets: SDN (sdn/alt/add/sdn_comments) and non-SDN (cons_*).

Files have no header; `-0-` (often padded, `-0- `) marks an empty field; the
last line may be a DOS end-of-file byte (0x1A). Remarks longer than the
column allows stop mid-word in the main file and continue in the comments
file. Individuals are listed `SURNAME, Given`; the entity's `name` keeps that
order's parts apart in `lastName`/`firstName` and reads `Given SURNAME`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from watchkeeper.errors import ListFormatError
from watchkeeper.model import Entity, EntityBuilder, entity_id
from watchkeeper.sources.base import (
    ListSnapshot,
    date_from_name,
    decode,
    read_bytes,
    require_published,
    sha256_of,
)
from watchkeeper.sources.base import (
    record_key as make_record_key,
)
from watchkeeper.sources.ofac_remarks import apply_remarks

_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}
_ALIAS_PROP = {"aka": "alias", "nka": "alias", "fka": "previousName"}


@dataclass(frozen=True)
class _Layout:
    main: str
    alt: str
    add: str
    comments: str
    source: str


SDN = _Layout("sdn", "alt", "add", "sdn_comments", "ofac-sdn")
CONS = _Layout("cons_prim", "cons_alt", "cons_add", "cons_comments", "ofac-cons")


def empty(value: str) -> str:
    """OFAC's `-0-` marker (padded or not) read as an empty field."""
    value = value.strip()
    return "" if value == "-0-" else value


def person_name(listed: str) -> tuple[str, str, str]:
    """`CIFUENTES VILLA, Jorge Milton` → (full name, first name, last name)."""
    last, sep, first = listed.partition(", ")
    if not sep or "," in first:
        return listed, "", ""
    return f"{first.strip()} {last.strip()}", first.strip(), last.strip()


@dataclass
class _Rows:
    """The rows of one file: start line, fields, and the row's text as published."""

    path: Path
    rows: list[tuple[int, list[str], str]] = field(default_factory=list)


def read_rows(path: Path, width: int) -> _Rows:
    text = decode(path, read_bytes(path))
    lines = text.split("\n")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out = _Rows(path)
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not row or row == ["\x1a"] or (len(row) == 1 and not row[0].strip("\x1a ")):
                continue
            if len(row) != width:
                raise ListFormatError(
                    str(path),
                    f"line {start}",
                    f"expected {width} fields, found {len(row)}; broken row or truncated file",
                )
            if not row[0].strip().isdigit():
                raise ListFormatError(
                    str(path), f"line {start}", f"first field {row[0]!r} is not an OFAC entry number"
                )
            raw = lines[start - 1] if line == start + 1 else "\n".join(lines[start - 1 : line - 1])
            out.rows.append((start, row, raw.rstrip("\r")))
    except csv.Error as exc:
        raise ListFormatError(str(path), f"line {reader.line_num}", f"malformed CSV: {exc}") from exc
    return out


def _find(folder: Path, stem: str) -> Path | None:
    for name in (f"{stem}.csv", f"{stem}.csv.gz", f"{stem.upper()}.CSV"):
        candidate = folder / name
        if candidate.exists():
            return candidate
    return None


class OfacCsvFormat:
    """The SDN or consolidated CSV set, from a folder or its main file."""

    name = "ofac-csv"
    default_source = "ofac-sdn"
    description = "OFAC legacy CSV set (sdn.csv + alt/add/sdn_comments, or cons_prim.csv + cons_*)"

    def _main_file(self, path: Path) -> tuple[Path, _Layout] | None:
        if path.is_dir():
            for layout in (SDN, CONS):
                found = _find(path, layout.main)
                if found:
                    return found, layout
            return None
        stem = path.name.lower().removesuffix(".gz")
        if not stem.endswith(".csv"):
            return None
        if stem.startswith(("cons_prim", "cons-prim")):
            return path, CONS
        if stem.startswith("sdn") and "comments" not in stem:
            return path, SDN
        return None

    def sniff(self, path: Path, head: bytes) -> bool:
        found = self._main_file(path)
        if found is None:
            return False
        if path.is_dir():
            return True
        first = head.split(b"\n", 1)[0]
        return first[:1].isdigit() and first.count(b",") >= 11

    def parse(self, path: Path, *, source: str | None, published: date | None) -> ListSnapshot:
        found = self._main_file(path)
        if found is None:
            raise ListFormatError(str(path), "", "no sdn.csv or cons_prim.csv here")
        main, layout = found
        source = source or layout.source
        # Companion files belong to the set only when the main file has its
        # official name; a dated history file (sdn-2022-03-01.csv) stands alone.
        official = main.name.lower().removesuffix(".gz") == f"{layout.main}.csv"
        folder = main.parent
        alt = _find(folder, layout.alt) if official else None
        add = _find(folder, layout.add) if official else None
        comments = _find(folder, layout.comments) if official else None
        files = [p for p in (main, alt, add, comments) if p is not None]

        entries: dict[str, _OfacEntry] = {}
        for line, row, raw in read_rows(main, 12).rows:
            native = row[0].strip()
            if native in entries:
                raise ListFormatError(str(main), f"line {line}", f"entry {native} listed twice")
            kind = empty(row[2]).lower()
            if kind not in _SCHEMA:
                raise ListFormatError(str(main), f"line {line}", f"unknown SDN type {row[2]!r}")
            entries[native] = _OfacEntry(entity_id(source, native), kind, row, [f"{layout.main}.csv: {raw}"])
        if comments is not None:
            for line, row, raw in read_rows(comments, 2).rows:
                entry = _known(entries, row[0], comments, line)
                entry.continuations.append(row[1])
                entry.record.append(f"{layout.comments}.csv: {raw}")
        if alt is not None:
            for line, row, raw in read_rows(alt, 5).rows:
                entry = _known(entries, row[0], alt, line)
                if empty(row[2]).lower() not in _ALIAS_PROP:
                    raise ListFormatError(str(alt), f"line {line}", f"unknown alias type {row[2]!r}")
                entry.aliases.append(row)
                entry.record.append(f"{layout.alt}.csv: {raw}")
        if add is not None:
            for line, row, raw in read_rows(add, 6).rows:
                entry = _known(entries, row[0], add, line)
                entry.addresses.append(row)
                entry.record.append(f"{layout.add}.csv: {raw}")
        return ListSnapshot(
            source=source,
            published=require_published(path, published, date_from_name(main)),
            pending=tuple(entries.values()),
            sha256=sha256_of(*files),
            path=str(path),
            format=self.name,
        )


#: Bump when a change to this module changes the entities it builds, so
#: records the store already holds are built again on the next import.
PARSER_VERSION = 1


@dataclass
class _OfacEntry:
    """One entry's rows from all files of the set; the entity is built on demand."""

    id: str
    kind: str
    main: list[str]
    record: list[str]
    continuations: list[str] = field(default_factory=list)
    aliases: list[list[str]] = field(default_factory=list)
    addresses: list[list[str]] = field(default_factory=list)

    @property
    def record_key(self) -> str:
        return make_record_key("ofac-csv", PARSER_VERSION, "\n".join(self.record))

    def build(self) -> Entity:
        builder = EntityBuilder(self.id, _SCHEMA[self.kind])
        _add_main_fields(builder, self.main, self.kind)
        for row in self.aliases:
            _add_alias(builder, row)
        for row in self.addresses:
            _add_address(builder, row)
        # The comments file continues the remark where the column cut it.
        apply_remarks(builder, empty(self.main[11]) + "".join(c.rstrip() for c in self.continuations))
        builder.record = "\n".join(self.record)
        return builder.build()


def _known(entries: dict[str, _OfacEntry], value: str, path: Path, line: int) -> _OfacEntry:
    entry = entries.get(value.strip())
    if entry is None:
        raise ListFormatError(
            str(path), f"line {line}", f"refers to entry {value.strip()}, not in the main file"
        )
    return entry


def _add_main_fields(builder: EntityBuilder, row: list[str], kind: str) -> None:
    listed = empty(row[1])
    if kind == "individual":
        full, first, last = person_name(listed)
        builder.add("name", full)
        builder.add("firstName", first)
        builder.add("lastName", last)
        builder.add("position", empty(row[4]))
    else:
        builder.add("name", listed)
    for program in empty(row[3]).strip("[]").split("] ["):
        builder.add("program", program)
    if kind == "vessel":
        builder.add("callSign", empty(row[5]))
        builder.add("type", empty(row[6]))
        builder.add("tonnage", empty(row[7]))
        builder.add("grossRegisteredTonnage", empty(row[8]))
        builder.add("flag", empty(row[9]))
        builder.add("ownerName", empty(row[10]))
    elif kind != "individual":
        builder.add("notes", empty(row[4]))


def _add_alias(builder: EntityBuilder, row: list[str]) -> None:
    kind = empty(row[2]).lower()
    listed = empty(row[3])
    name = person_name(listed)[0] if builder.schema == "Person" else listed
    builder.add(_ALIAS_PROP[kind], name)
    builder.add("notes", empty(row[4]))


def _add_address(builder: EntityBuilder, row: list[str]) -> None:
    parts = [empty(v) for v in row[2:5]]
    # A country alone is a country, not an address.
    if parts[0] or parts[1]:
        builder.add("address", ", ".join(p for p in parts if p))
    builder.add("country", parts[2])
    builder.add("notes", empty(row[5]))
