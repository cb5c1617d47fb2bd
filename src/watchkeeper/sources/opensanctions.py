"""OpenSanctions `targets.simple.csv`: any OpenSanctions dataset's export.

Multi-valued cells are `;`-separated. Countries are ISO codes, identifiers a
mix (IMO numbers carry an `IMO` prefix). OpenSanctions data is CC BY-NC 4.0.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from watchkeeper.errors import ListFormatError
from watchkeeper.model import SCHEMATA, Entity, EntityBuilder, PartialDate, entity_id
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
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "countries",
    "addresses",
    "identifiers",
    "sanctions",
    "phones",
    "emails",
    "program_ids",
    "dataset",
    "first_seen",
    "last_seen",
    "last_change",
]


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


class OpenSanctionsCsvFormat:
    name = "opensanctions-csv"
    default_source = "opensanctions"
    description = "OpenSanctions targets.simple.csv export of any dataset"

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf").startswith(b'"id","schema","name","aliases"') or head.startswith(
            b"id,schema,name,aliases"
        )

    def parse(self, path: Path, *, source: str | None, published: date | None) -> ListSnapshot:
        source = source or self.default_source
        text = decode(path, read_bytes(path))
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        entities: list[Entity] = []
        last_seen = ""
        try:
            header = next(reader, [])
            if header != HEADER:
                raise ListFormatError(str(path), "line 1", "header is not targets.simple.csv")
            line = reader.line_num + 1
            for row in reader:
                start, line = line, reader.line_num + 1
                if not any(row):
                    continue
                if len(row) != len(HEADER):
                    raise ListFormatError(
                        str(path), f"line {start}", f"expected {len(HEADER)} fields, found {len(row)}"
                    )
                rec = dict(zip(HEADER, row, strict=True))
                entities.append(_parse_row(path, start, source, rec))
                last_seen = max(last_seen, rec["last_seen"])
        except csv.Error as exc:
            raise ListFormatError(str(path), f"line {reader.line_num}", f"malformed CSV: {exc}") from exc
        if not entities:
            raise ListFormatError(str(path), "", "no records")
        seen_date = date.fromisoformat(last_seen[:10]) if last_seen else None
        return ListSnapshot(
            source=source,
            published=require_published(path, published, date_from_name(path), seen_date),
            pending=eager(entities),
            sha256=sha256_of(path),
            path=str(path),
            format=self.name,
        )


def _parse_row(path: Path, line: int, source: str, rec: dict[str, str]) -> Entity:
    schema = rec["schema"]
    if schema not in SCHEMATA:
        raise ListFormatError(str(path), f"line {line}", f"schema {schema!r} is not one Watchkeeper screens")
    builder = EntityBuilder(entity_id(source, rec["id"]), schema)
    builder.add("name", rec["name"])
    builder.add_all("alias", _split(rec["aliases"]))
    for value in _split(rec["birth_date"]):
        try:
            builder.add_date("birthDate", PartialDate(value[:10]))
        except ValueError as exc:
            raise ListFormatError(str(path), f"line {line}", f"bad birth_date {value!r}") from exc
    builder.add_all("country", _split(rec["countries"]))
    builder.add_all("address", _split(rec["addresses"]))
    for identifier in _split(rec["identifiers"]):
        if identifier.upper().startswith("IMO") and identifier[3:].strip().isdigit():
            builder.add("imoNumber", identifier[3:].strip())
        else:
            builder.add("idNumber", identifier)
    builder.add_all("notes", (s for s in _split(rec["sanctions"]) if s != '""'))
    builder.add_all("phone", _split(rec["phones"]))
    builder.add_all("email", _split(rec["emails"]))
    builder.add_all("program", _split(rec["program_ids"]))
    builder.add("listingDate", rec["first_seen"][:10])
    builder.add("modifiedAt", rec["last_change"][:10])
    # last_seen moves every day; keeping it would mark every entity amended.
    builder.record = ",".join(rec[h] for h in HEADER if h != "last_seen")
    return builder.build()
