"""What kind of action a document reports, and whose: read from the words it uses.

The kinds and authorities are the ones a compliance timeline needs. A document may report several
things (a designation with a general licence beside it); the kind is the first rule that its
opening paragraphs satisfy, in the order below, because a release leads with its action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from watchkeeper.model.actions import ACTION_KINDS, AUTHORITIES

__all__ = ["ACTION_KINDS", "AUTHORITIES", "ActionClaim", "read_claim"]


_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "withdrawal",
        re.compile(r"\b(withdr[ae]w\w*|revers\w+|rescind\w*|revok\w+|lift\w* (the )?sanctions)\b", re.I),
    ),
    ("on-hold", re.compile(r"\b(on hold|put off|held back|postpone\w*|suspend\w*|delay\w*)\b", re.I)),
    (
        "delisting",
        re.compile(r"\b(delist\w*|remov\w+ (\w+ ){0,4}from (the )?(sdn|list|sanctions)|unblock\w*)\b", re.I),
    ),
    (
        "designation",
        re.compile(
            r"\b(designat\w*|sanctioned|imposing sanctions|imposed sanctions|identif\w+ as blocked|"
            r"blocked property|added to the sdn|sanctions on|制裁|列入)",
            re.I,
        ),
    ),
    ("general-licence", re.compile(r"\bgeneral licen[cs]e\w*\b", re.I)),
    ("amendment", re.compile(r"\b(amend\w*|updat\w+ (the )?(entry|entries|listing))\b", re.I)),
    ("advisory", re.compile(r"\b(advisory|alert|guidance|red flags?)\b", re.I)),
)
_AUTHORITY_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("OFAC", re.compile(r"\b(OFAC|Office of Foreign Assets Control|Treasury)\b|财政部|財政部")),
    ("State", re.compile(r"\b(Department of State|State Department|Secretary of State)\b|国务院|國務院")),
    (
        "UN Security Council",
        re.compile(r"\b(Security Council|1718 Committee|UN Mission|U\.S\. Mission to the UN)\b|安理会"),
    ),
    ("EU", re.compile(r"\b(European Union|Council of the EU|EU Council)\b|欧盟")),
    ("UK", re.compile(r"\b(OFSI|HM Treasury|Foreign, Commonwealth)\b")),
)
_PROGRAMS = re.compile(
    r"\b(E\.O\.\s*\d{5}|Executive Order\s*\d{5}|North Korea|DPRK|Iran|Russia|Venezuela|Belarus|Syria|"
    r"Counter ?Terrorism|Global Magnitsky|Western Balkans|Cyber|Narcotics|Burma|Cuba)\b"
)


@dataclass(frozen=True)
class ActionClaim:
    """What a document says happened: its kind, the authority and the programmes."""

    kind: str
    authority: str | None
    programs: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "authority": self.authority, "programs": list(self.programs)}


def action_kind(text: str) -> str:
    """The action the opening of a text reports; `announcement` when no rule fits."""
    opening = text[:1500]
    for kind, rule in _KIND_RULES:
        if rule.search(opening):
            return kind
    return "announcement"


def authority_of(text: str) -> str | None:
    """The authority named first in the opening of the text."""
    opening = text[:3000]
    found = [(m.start(), name) for name, rule in _AUTHORITY_RULES if (m := rule.search(opening))]
    return min(found)[1] if found else None


def programs_of(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for match in _PROGRAMS.finditer(text):
        seen[" ".join(match.group(1).replace("Executive Order", "E.O.").split())] = None
    return tuple(seen)


def read_claim(text: str) -> ActionClaim:
    return ActionClaim(action_kind(text), authority_of(text), programs_of(text))
