"""Comprehensive embargoes by jurisdiction (`comprehensive.csv`): countries and regions."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from watchkeeper.errors import ListFormatError

EMBARGO_COLUMNS = ("jurisdiction", "code", "authority", "legal_basis", "valid_from", "valid_to", "notes")
_CODE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
#: Words of a region's name that do not identify it ("so-called X People's Republic", "X region of Ukraine").
_GENERIC_WORDS = frozenset(
    {"so", "called", "region", "of", "people", "peoples", "republic", "the", "ukraine"}
)


@dataclass(frozen=True)
class Embargo:
    jurisdiction: str
    code: str  # ISO 3166-1 country (KP) or 3166-2 subdivision (UA-43)
    authority: str
    legal_basis: str
    valid_from: date
    valid_to: date | None
    notes: str

    @property
    def country(self) -> str:
        return self.code[:2]

    @property
    def is_region(self) -> bool:
        return "-" in self.code

    @cached_property
    def place_words(self) -> tuple[str, ...]:
        """The words that name a region in an address (`Crimea`, `Sevastopol`, `Donetsk`)."""
        words = re.findall(r"[a-z]+", self.jurisdiction.lower().replace("'", ""))
        return tuple(w for w in words if w not in _GENERIC_WORDS and len(w) > 3)

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    def to_dict(self) -> dict[str, object]:
        return {
            "jurisdiction": self.jurisdiction,
            "code": self.code,
            "authority": self.authority,
            "legal_basis": self.legal_basis,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
        }


def parse_embargoes(text: str, path: str) -> tuple[Embargo, ...]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in EMBARGO_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ListFormatError(path, "line 1", f"missing columns: {', '.join(missing)}")
    embargoes = []
    for record in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in record.items() if k is not None}
        if not _CODE.match(row["code"]):
            raise ListFormatError(path, f"line {line}", f"code {row['code']!r} is not an ISO 3166 code")
        try:
            valid_from = date.fromisoformat(row["valid_from"])
            valid_to = date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
        except ValueError as exc:
            raise ListFormatError(path, f"line {line}", f"bad date: {exc}") from None
        embargoes.append(
            Embargo(
                row["jurisdiction"],
                row["code"],
                row["authority"],
                row["legal_basis"],
                valid_from,
                valid_to,
                row["notes"],
            )
        )
    if not embargoes:
        raise ListFormatError(path, "", "no embargoes in the file")
    return tuple(embargoes)
