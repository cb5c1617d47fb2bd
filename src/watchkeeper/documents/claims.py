"""What kind of action a document reports, and whose: read from the words it uses.

The kinds and authorities are the ones a compliance timeline needs. A document may report several
things (a designation with a general licence beside it); the kind is the first rule that its
opening paragraphs satisfy, in the order below, because a release leads with its action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

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
            r"blocked property|added to the sdn|sanctions on)|制裁|列入",
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


#: Sites that publish the authorities' own words (a release, a statement, a notice).
_OFFICIAL_HOSTS = (
    "treasury.gov",
    "state.gov",
    "usmission.gov",
    "whitehouse.gov",
    "federalregister.gov",
    "un.org",
    "gov.uk",
    "europa.eu",
)
_REPORTING = re.compile(
    r"\b(according to|the report said|reports? said|news agency|(?:the )?(?:agency|newspaper|outlet) said|"
    r"sources (?:said|say))\b|据报道|报道称|據報導",
    re.IGNORECASE,
)
_OWN_WORDS = re.compile(r"\b[Tt]oday\b|今天|今日")


@dataclass(frozen=True)
class ActionClaim:
    """What a document says happened: its kind, the authority and the programmes, and whether the
    document is the authority's own text (`official`) or someone's report of it (`report`)."""

    kind: str
    authority: str | None
    programs: tuple[str, ...]
    voice: str = "official"
    reported_by: str | None = None  # the site a report came from, when its address is known

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "authority": self.authority,
            "programs": list(self.programs),
            "voice": self.voice,
            "reported_by": self.reported_by,
        }

    def describe(self) -> str:
        """`designation by OFAC`, or `designation by OFAC, as reported (voa.gov)`."""
        said = f"{self.kind} by {self.authority or 'an authority not named'}"
        if self.voice == "report":
            site = f" ({self.reported_by})" if self.reported_by else ""
            said += f", as reported{site}: not the authority's own text"
        return said


def voice_of(text: str, url: str | None = None) -> tuple[str, str | None]:
    """(`official`, None) for an authority's own release or statement, (`report`, site) for a
    news report or editorial about the action. The address decides when there is one; otherwise
    an authority's own text speaks of `today` in its opening (`Today, OFAC designated …`), where a
    report dates the action (`on Thursday`, `On September 26`) or cites a source (`according to`)."""
    host = (urlsplit(url).hostname or "") if url else ""
    if host:
        official = any(host == h or host.endswith("." + h) for h in _OFFICIAL_HOSTS)
        return ("official", None) if official else ("report", host.removeprefix("www."))
    opening = text[:800]
    if _OWN_WORDS.search(opening) and not _REPORTING.search(opening):
        return "official", None
    return "report", None


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


def read_claim(text: str, url: str | None = None) -> ActionClaim:
    voice, reported_by = voice_of(text, url)
    return ActionClaim(action_kind(text), authority_of(text), programs_of(text), voice, reported_by)
