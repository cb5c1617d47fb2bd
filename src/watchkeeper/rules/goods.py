"""Banned and capped goods by HS code (`banned_goods.csv`), each valid between two dates."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from watchkeeper.errors import ListFormatError

GOODS_COLUMNS = (
    "category",
    "hs_codes",
    "direction",
    "measure",
    "cap_quantity",
    "cap_unit",
    "un_resolution",
    "paragraph",
    "valid_from",
    "valid_to",
    "superseded_by",
    "notes",
)
#: `export_from_dprk` / `import_to_dprk`: which way the goods move, and the sanctioned country.
_DIRECTION = re.compile(r"^(export_from|import_to)_([a-z]+)$")
_COUNTRY_WORDS = {"dprk": "KP", "kp": "KP", "iran": "IR", "ir": "IR", "syria": "SY", "russia": "RU"}


@dataclass(frozen=True)
class GoodsRule:
    category: str
    hs_prefixes: tuple[str, ...]  # empty: no HS list (e.g. luxury goods), matched by description
    flow: str  # export | import
    country: str  # ISO code of the sanctioned country
    measure: str  # ban | cap
    cap_quantity: str
    cap_unit: str
    resolution: str
    paragraph: str
    valid_from: date
    valid_to: date | None
    superseded_by: str
    notes: str
    line: int

    @property
    def uncertain(self) -> bool:
        """The compiler marked the HS mapping or paragraph as uncertain: say so in every hit."""
        return "UNCERTAIN" in self.notes.upper()

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    def matching_prefix(self, hs_code: str) -> str | None:
        """The longest of the rule's HS prefixes that the code starts with."""
        digits = normalize_hs(hs_code)
        found = [p for p in self.hs_prefixes if digits.startswith(p)]
        return max(found, key=len) if found else None

    def citation(self) -> str:
        resolution = "; ".join(f"UNSCR {r}" for r in self.resolution.split(";") if r)
        paragraph = (
            self.paragraph if "(" in self.paragraph or ";" in self.paragraph else f"para {self.paragraph}"
        )
        return f"{resolution} {paragraph}".strip()

    def to_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "hs_prefixes": list(self.hs_prefixes),
            "direction": f"{self.flow} {'from' if self.flow == 'export' else 'to'} {self.country}",
            "measure": self.measure,
            "cap": f"{self.cap_quantity} {self.cap_unit}".strip(),
            "resolution": self.resolution,
            "paragraph": self.paragraph,
            "citation": self.citation(),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "uncertain": self.uncertain,
            "notes": self.notes,
        }


def normalize_hs(code: str) -> str:
    """`2709.00.10` / `2709 00` / `HS 2709` → `27090010`: HS codes compare as digit prefixes."""
    return "".join(c for c in code if c.isdigit())


def _date(value: str, path: str, line: int, column: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ListFormatError(
            path, f"line {line}", f"{column} {value!r} is not a date (YYYY-MM-DD)"
        ) from None


def parse_goods(text: str, path: str) -> tuple[GoodsRule, ...]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in GOODS_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ListFormatError(path, "line 1", f"missing columns: {', '.join(missing)}")
    rules = []
    for record in reader:
        line = reader.line_num
        if None in record:
            raise ListFormatError(path, f"line {line}", "more fields than the header has")
        row = {k: (v or "").strip() for k, v in record.items()}
        direction = _DIRECTION.match(row["direction"])
        if direction is None or direction.group(2) not in _COUNTRY_WORDS:
            raise ListFormatError(
                path, f"line {line}", f"direction {row['direction']!r}: export_from_X or import_to_X"
            )
        if row["measure"] not in {"ban", "cap"}:
            raise ListFormatError(path, f"line {line}", f"measure {row['measure']!r}: ban or cap")
        prefixes = tuple(normalize_hs(p) for p in row["hs_codes"].split(";") if normalize_hs(p))
        if any(len(p) < 2 for p in prefixes):
            raise ListFormatError(
                path, f"line {line}", f"HS codes {row['hs_codes']!r}: at least a chapter (2 digits)"
            )
        if not row["category"]:
            raise ListFormatError(path, f"line {line}", "empty category")
        rules.append(
            GoodsRule(
                category=row["category"],
                hs_prefixes=prefixes,
                flow="export" if direction.group(1) == "export_from" else "import",
                country=_COUNTRY_WORDS[direction.group(2)],
                measure=row["measure"],
                cap_quantity=row["cap_quantity"],
                cap_unit=row["cap_unit"],
                resolution=row["un_resolution"],
                paragraph=row["paragraph"],
                valid_from=_date(row["valid_from"], path, line, "valid_from"),
                valid_to=_date(row["valid_to"], path, line, "valid_to") if row["valid_to"] else None,
                superseded_by=row["superseded_by"],
                notes=row["notes"],
                line=line,
            )
        )
    if not rules:
        raise ListFormatError(path, "", "no rules in the file")
    return tuple(rules)
