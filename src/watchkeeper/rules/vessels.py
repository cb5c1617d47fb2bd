"""IMO numbers, and vessels named in advisories (`advisory_vessels.csv`)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from watchkeeper.errors import InvalidInput, ListFormatError

ADVISORY_COLUMNS = ("vessel_name", "imo", "flag", "former_names", "source", "date", "notes")
_IMO = re.compile(r"^(?:IMO)?[\s:#.-]*(\d{7})$", re.IGNORECASE)


def imo_check_digit_ok(number: str) -> bool:
    """IMO ship numbers: the 7th digit is the sum of the first six times 7..2, modulo 10."""
    if len(number) != 7 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(number[6])


def parse_imo(text: str) -> str:
    """`IMO 9114555` / `9114555` → `9114555`; ValueError saying what is wrong otherwise."""
    found = _IMO.match(text.strip())
    if found is None:
        raise InvalidInput(f"IMO number {text!r}: seven digits expected, e.g. IMO 9114555")
    number = found.group(1)
    if not imo_check_digit_ok(number):
        raise InvalidInput(f"IMO number {text!r}: check digit wrong (not a valid IMO ship number)")
    return number


def looks_like_imo(text: str) -> bool:
    return _IMO.match(text.strip()) is not None


@dataclass(frozen=True)
class AdvisoryVessel:
    name: str
    imo: str
    flag: str
    former_names: tuple[str, ...]
    sources: tuple[str, ...]
    dates: tuple[str, ...]
    notes: str

    def reason(self) -> str:
        cited = ", ".join(f"{s} ({d})" if d else s for s, d in zip(self.sources, self.dates, strict=False))
        return f"named in {cited}"

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "imo": self.imo,
            "flag": self.flag,
            "former_names": list(self.former_names),
            "sources": list(self.sources),
            "dates": list(self.dates),
            "notes": self.notes,
        }


def parse_advisory_vessels(text: str, path: str) -> tuple[AdvisoryVessel, ...]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ADVISORY_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ListFormatError(path, "line 1", f"missing columns: {', '.join(missing)}")
    vessels = []
    for record in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in record.items() if k is not None}
        if not row["vessel_name"]:
            raise ListFormatError(path, f"line {line}", "empty vessel_name")
        imo = row["imo"]
        if imo and not imo_check_digit_ok(imo):
            raise ListFormatError(path, f"line {line}", f"IMO {imo!r} has a wrong check digit")
        vessels.append(
            AdvisoryVessel(
                name=row["vessel_name"],
                imo=imo,
                flag=row["flag"],
                former_names=tuple(n.strip() for n in row["former_names"].split(";") if n.strip()),
                sources=tuple(s.strip() for s in row["source"].split(";") if s.strip()),
                dates=tuple(d.strip() for d in row["date"].split(";") if d.strip()),
                notes=row["notes"],
            )
        )
    if not vessels:
        raise ListFormatError(path, "", "no vessels in the file")
    return tuple(vessels)
