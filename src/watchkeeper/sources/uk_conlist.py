"""HM Treasury (OFSI) Consolidated List CSV, original `ConList` layout.

A `Last Updated,DD/MM/YYYY` line, a header, then one row per name: rows with
the same `Group ID` are one listed person or entity. `Name 6` is the surname.
The file is Windows-1252 text. Dates use `00` for an unknown day or month.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

from watchkeeper.errors import ListFormatError
from watchkeeper.model import Entity, EntityBuilder, IdentityDocument, PartialDate, entity_id
from watchkeeper.sources.base import (
    ListSnapshot,
    date_from_name,
    decode,
    eager,
    read_bytes,
    require_published,
    sha256_of,
)

HEADER = [
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Title",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Details",
    "NI Number",
    "Position",
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Last Updated",
    "Group ID",
]
_SCHEMA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_ALIAS = {"prime alias": "name", "primary name": "name", "aka": "alias", "fka": "previousName"}
_NUMBERED = re.compile(r"\(\d+\)\s*")
_PASSPORT = re.compile(r"^([A-Z]{0,3}\d[A-Z0-9]{4,})\b")


def uk_date(value: str) -> PartialDate | None:
    """`05/02/1969` → 1969-02-05; `00/00/1969` → 1969; `00/02/1969` → 1969-02."""
    match = re.match(r"^(\d{2})/(\d{2})/(\d{4})$", value.strip())
    if not match:
        return None
    day, month, year = match.groups()
    if month == "00":
        return PartialDate(year)
    if day == "00":
        return PartialDate(f"{year}-{month}")
    return PartialDate(f"{year}-{month}-{day}")


def numbered(value: str) -> list[str]:
    """`(1) Tripoli (2) Tunis` → [Tripoli, Tunis]."""
    return [p.strip(" ,;") for p in _NUMBERED.split(value) if p.strip(" ,;")]


class UkConListFormat:
    name = "uk-conlist"
    default_source = "uk"
    description = "HM Treasury / OFSI Consolidated List CSV (ConList layout)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.startswith((b"Last Updated,", b"\xef\xbb\xbfLast Updated,")) and b"Group ID" in head

    def parse(self, path: Path, *, source: str | None, published: date | None) -> ListSnapshot:
        source = source or self.default_source
        text = decode(path, read_bytes(path), "cp1252")
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            first = next(reader, [])
            header = next(reader, [])
            if len(first) < 2 or first[0] != "Last Updated":
                raise ListFormatError(str(path), "line 1", "expected 'Last Updated,DD/MM/YYYY'")
            if header != HEADER:
                raise ListFormatError(str(path), "line 2", "header is not the ConList layout")
            groups: dict[str, list[tuple[int, list[str]]]] = {}
            line = reader.line_num + 1
            for row in reader:
                start, line = line, reader.line_num + 1
                if not any(row):
                    continue
                if len(row) != len(HEADER):
                    raise ListFormatError(
                        str(path), f"line {start}", f"expected {len(HEADER)} fields, found {len(row)}"
                    )
                group = row[-1].strip()
                if not group.isdigit():
                    raise ListFormatError(str(path), f"line {start}", f"Group ID {group!r} is not a number")
                groups.setdefault(group, []).append((start, row))
        except csv.Error as exc:
            raise ListFormatError(str(path), f"line {reader.line_num}", f"malformed CSV: {exc}") from exc
        file_date = None
        try:
            file_date = datetime.strptime(first[1].strip(), "%d/%m/%Y").date()
        except ValueError as exc:
            raise ListFormatError(str(path), "line 1", f"bad Last Updated date {first[1]!r}") from exc
        entities = [_parse_group(path, source, gid, rows) for gid, rows in groups.items()]
        if not entities:
            raise ListFormatError(str(path), "", "no records")
        return ListSnapshot(
            source=source,
            published=require_published(path, published, file_date, date_from_name(path)),
            pending=eager(entities),
            sha256=sha256_of(path),
            path=str(path),
            format=self.name,
            partial="PARTIAL" in path.name.upper(),
        )


def _parse_group(path: Path, source: str, group: str, rows: list[tuple[int, list[str]]]) -> Entity:
    records = [dict(zip(HEADER, row, strict=True)) for _, row in rows]
    kind = records[0]["Group Type"].strip().lower()
    if kind not in _SCHEMA:
        raise ListFormatError(str(path), f"line {rows[0][0]}", f"unknown Group Type {kind!r}")
    builder = EntityBuilder(entity_id(source, group), _SCHEMA[kind])
    names: list[tuple[str, str]] = []
    for (line, _), rec in zip(rows, records, strict=True):
        given = [rec[f"Name {i}"] for i in range(1, 6)]
        full = " ".join(" ".join(p.split()) for p in [*given, rec["Name 6"]] if p.strip())
        alias_type = rec["Alias Type"].strip().lower()
        if alias_type not in _ALIAS:
            raise ListFormatError(str(path), f"line {line}", f"unknown Alias Type {rec['Alias Type']!r}")
        names.append((_ALIAS[alias_type], full))
        dob = rec["DOB"].strip()
        if dob:
            parsed = uk_date(dob)
            if parsed is None:
                raise ListFormatError(str(path), f"line {line}", f"unreadable DOB {dob!r}")
            builder.add_date("birthDate", parsed)
        builder.add("title", rec["Title"])
        builder.add_all("birthPlace", numbered(rec["Town of Birth"]))
        builder.add_all("birthPlace", numbered(rec["Country of Birth"]))
        builder.add_all("nationality", numbered(rec["Nationality"]))
        builder.add("position", rec["Position"])
        address = [rec[f"Address {i}"] for i in range(1, 7)] + [rec["Post/Zip Code"], rec["Country"]]
        if any(a.strip() for a in address[:7]):
            builder.add("address", ", ".join(a.strip() for a in address if a.strip()))
        builder.add("country", rec["Country"])
        builder.add("notes", rec["Other Information"])
        builder.add("program", rec["Regime"])
        listed = uk_date(rec["Listed On"])
        builder.add("listingDate", str(listed) if listed else None)
        passport = " ".join(rec["Passport Details"].split())
        if passport:
            number = _PASSPORT.match(passport)
            if number:
                builder.add_document(
                    IdentityDocument("passportNumber", number.group(1), "Passport Details", note=passport)
                )
            else:
                builder.add("notes", f"Passport details: {passport}")
        ni_number = " ".join(rec["NI Number"].split())
        if ni_number:
            builder.add_document(
                IdentityDocument("idNumber", ni_number.split(",")[0], "NI Number", note=ni_number)
            )
    # A partial file may hold only the aliases of a group; the first stands as its name.
    if not any(prop == "name" for prop, _ in names):
        names[0] = ("name", names[0][1])
    for prop, value in names:
        builder.add(prop, value)
    builder.record = "\n".join(",".join(row) for _, row in rows)
    return builder.build()
