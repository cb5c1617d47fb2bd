"""Shipping red flags (`red_flags.md`): the numbered flags and the named STS hot-spot areas.

The file is prose for people; the parts a rule needs are its numbered items
(`1. **AIS disabled or manipulated** – …`) and the hot-spot bullets under the
"hot-spot" heading (`- **Gulf of Tonkin** – …`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from watchkeeper.errors import ListFormatError

_ITEM = re.compile(r"^(\d+)\.\s+\*\*(.+?)\*\*\s*[–—-]\s*(.+)$")
_SPOT = re.compile(r"^-\s+(?:\*\*)?(.+?)(?:\*\*)?\s+[–—]\s+(.+)$")
_SOURCES = re.compile(r"\[([^\]]+)\]")
_SOURCE_ID = re.compile(r"\b(ADV\d{4}|S\d{1,2})\b")


@dataclass(frozen=True)
class RedFlag:
    number: int
    title: str
    text: str
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"number": self.number, "title": self.title, "sources": list(self.sources)}


@dataclass(frozen=True)
class HotSpot:
    name: str
    text: str

    @property
    def uncertain(self) -> bool:
        return "UNCERTAIN" in self.text.upper()

    def place_names(self) -> tuple[str, ...]:
        """`East China Sea / Yellow Sea` names two places."""
        return tuple(p.strip() for p in self.name.split("/") if p.strip())


@dataclass(frozen=True)
class RedFlags:
    flags: tuple[RedFlag, ...]
    hot_spots: tuple[HotSpot, ...]

    def flag(self, words: str) -> RedFlag:
        """The flag whose title contains `words` (e.g. "AIS", "Ship-to-ship")."""
        for flag in self.flags:
            if words.lower() in flag.title.lower():
                return flag
        raise KeyError(f"no red flag titled with {words!r}")


def parse_red_flags(text: str, path: str) -> RedFlags:
    flags: list[RedFlag] = []
    spots: list[HotSpot] = []
    open_item = ""  # "flag" or "spot": what a continuation line belongs to
    in_spots = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            in_spots = "hot-spot" in stripped.lower() or "hot spot" in stripped.lower()
            open_item = ""
            continue
        if not stripped:
            continue
        item = _ITEM.match(stripped)
        spot = _SPOT.match(stripped) if in_spots else None
        if item:
            flags.append(RedFlag(int(item.group(1)), item.group(2).strip(), item.group(3), ()))
            open_item = "flag"
        elif spot:
            spots.append(HotSpot(spot.group(1).strip(), spot.group(2).strip()))
            open_item = "spot"
        elif open_item == "flag":
            last = flags[-1]
            flags[-1] = RedFlag(last.number, last.title, f"{last.text} {stripped}", ())
        elif open_item == "spot":
            spots[-1] = HotSpot(spots[-1].name, f"{spots[-1].text} {stripped}")
    if not flags:
        raise ListFormatError(path, "", "no numbered red flags (`1. **Title** – text`) found")
    cited = []
    for flag in flags:
        ids = [i for group in _SOURCES.findall(flag.text) for i in _SOURCE_ID.findall(group)]
        cited.append(RedFlag(flag.number, flag.title, flag.text, tuple(dict.fromkeys(ids))))
    return RedFlags(tuple(cited), tuple(spots))
