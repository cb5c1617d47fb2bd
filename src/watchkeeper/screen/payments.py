"""Screening payment messages: every party and agent, every BIC, every free-text field.

A message gets `hold` when anything is found (a listed party or BIC, a listed
name in remittance text, an embargoed country) and `pass` otherwise. A
message that cannot be read is held too, with the field at fault: a payment
is never passed because it could not be screened. So is one with a party
that has nothing to screen (no name with letters, no BIC, no identifier),
or with a field read but not trusted (a character outside the SWIFT set).

Every name and text is screened as written and, when it was disguised
(invisible characters, look-alike letters, letters spelled out), as meant.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from watchkeeper.match.automaton import NameAutomaton, TextHit
from watchkeeper.match.disguise import undisguise
from watchkeeper.match.normalize import raw_tokens
from watchkeeper.match.screener import Screener
from watchkeeper.payments.message import MessageError, PaymentMessage, PaymentParty
from watchkeeper.payments.reader import parse_message
from watchkeeper.rules.book import RuleBook
from watchkeeper.screen.evidence import (
    BicDirectory,
    CachedScreening,
    EmbargoCheck,
    Hit,
    bic_country,
    iban_country,
    identifier_hits,
    name_hits,
    verdict_of,
)

_SCHEMA = {"person": "Person", "organization": "Organization"}


@dataclass(frozen=True)
class PaymentVerdict:
    source: str
    verdict: str  # pass | hold
    hits: tuple[Hit, ...]
    message: PaymentMessage | None = None
    error: str = ""
    error_field: str = ""
    sha256: str = ""  # of the message as received: what a recorded payment is known by

    def to_dict(self) -> dict[str, object]:
        message = self.message
        return {
            "source": self.source,
            "verdict": self.verdict,
            "kind": message.kind if message else None,
            "reference": message.reference if message else None,
            "sha256": self.sha256 or None,
            "amount": f"{message.amount} {message.currency}".strip() if message else None,
            "error": self.error or None,
            "error_field": self.error_field or None,
            "hits": [h.to_dict() for h in self.hits],
            "parties": [p.to_dict() for p in message.parties] if message else [],
        }


class PaymentScreener:
    def __init__(self, screener: Screener, rules: RuleBook, threshold: float | None = None) -> None:
        self.screener = screener
        self.threshold = threshold
        self.names = CachedScreening(screener, threshold)
        self.automaton = NameAutomaton(screener.index.entities)
        self.bics = BicDirectory(screener)
        self.embargoes = EmbargoCheck(rules.embargoes)
        self._scans: dict[str, list[TextHit]] = {}

    def screen_bytes(self, data: bytes, source: str = "") -> PaymentVerdict:
        digest = hashlib.sha256(data).hexdigest()
        try:
            message = parse_message(data, source)
        except MessageError as exc:
            hit = Hit(kind="malformed", field=exc.field, reason=f"message cannot be screened: {exc.problem}")
            return PaymentVerdict(source, "hold", (hit,), None, exc.problem, exc.field, digest)
        except Exception as exc:  # a reader's own fault: the message is held, never passed or lost
            problem = f"the message could not be read ({type(exc).__name__}: {exc})"
            hit = Hit(kind="malformed", field="", reason=problem)
            return PaymentVerdict(source, "hold", (hit,), None, problem, "", digest)
        return dataclasses.replace(self.screen(message), sha256=digest)

    def screen(self, message: PaymentMessage) -> PaymentVerdict:
        on = _message_date(message)
        hits = [
            Hit(kind="malformed", field=p.path, reason=f"field cannot be screened as read: {p.problem}")
            for p in message.problems
        ]
        for party in message.parties:
            hits += self._party(party, on)
        for text in message.texts:
            hits += self._text(text.text, text.path, on)
        hits = _unique(hits)
        return PaymentVerdict(message.source, verdict_of(hits), tuple(hits), message)

    def _scan(self, text: str) -> list[TextHit]:
        """The automaton's finds in a text, remembered: parties and their texts repeat all day."""
        found = self._scans.get(text)
        if found is None:
            found = self.automaton.scan(text)
            if len(self._scans) >= 50_000:
                self._scans.clear()
            self._scans[text] = found
        return found

    def _text(self, text: str, path: str, on: date, kind: str = "free_text") -> list[Hit]:
        """Listed names in a text, and (for free text, not a party's name) embargoed places."""
        hits: list[Hit] = []
        meant = undisguise(text)
        for variant in (text, meant.text) if meant.changed else (text,):
            disguised = f" (written disguised: {', '.join(meant.undone)})" if variant is not text else ""
            for found in self._scan(variant):
                entity = found.entity
                hits.append(
                    Hit(
                        kind=kind,
                        field=path,
                        reason=f"text names {entity.caption} ({entity.id}): {found.found!r}{disguised}",
                        entity_id=entity.id,
                        list=entity.source,
                        matched_name=found.listed_name,
                        explanation={
                            "text": variant,
                            "start": found.start,
                            "end": found.end,
                            "undone": list(meant.undone) if disguised else [],
                        },
                    )
                )
            if kind == "free_text":
                hits += self.embargoes.text_hits(variant, path, on)
        return hits

    def _party(self, party: PaymentParty, on: date) -> list[Hit]:
        hits: list[Hit] = []
        name_field = party.path + ("/Nm" if party.path.count("/") else "")
        meant = undisguise(party.name)
        if not (raw_tokens(meant.text) or party.bic or party.identifiers):
            what = f"name {party.name!r} has no letters to screen" if party.name.strip() else "no name"
            hits.append(
                Hit(
                    kind="malformed",
                    field=name_field,
                    reason=f"the {party.role.replace('_', ' ')} cannot be screened: {what}, no BIC, "
                    "no identifier",
                )
            )
        if party.name:
            # A party to a payment is a person or an organisation, never a vessel or an aircraft.
            schema = "Organization" if party.is_agent else _SCHEMA.get(party.kind, "LegalEntity")
            # The matcher folds full-width letters and combining marks itself.
            rescreen = set(meant.undone) - {"full-width letters", "combining marks"}
            for name in (party.name, meant.text) if rescreen else (party.name,):
                hits += name_hits(
                    self.names,
                    name,
                    name_field,
                    schema=schema,
                    birth_date=party.birth_date,
                    country=party.country,
                    threshold=self.threshold,
                    what=party.role.replace("_", " ")
                    + (f" (written disguised: {', '.join(meant.undone)})" if name is not party.name else ""),
                )
            # Names the matcher scores low once disguised (run together, words reordered) are
            # still found whole by the text scan; an entity the matcher found too is kept once
            # (`_unique`), with the matcher's explanation.
            hits += self._text(party.name, name_field, on, kind="name")
        if party.bic:
            where = party.path + ("/FinInstnId/BICFI" if party.path.count("/") and party.is_agent else "")
            hits += self.bics.hits(party.bic, where)
            country = bic_country(party.bic)
            if country:
                hits += self.embargoes.country_hits(
                    country, where, on, f"BIC {party.bic}: institution country"
                )
        if party.country:
            hits += self.embargoes.country_hits(party.country, party.path, on, f"{party.role} country")
        account_country = iban_country(party.account)
        if account_country:
            hits += self.embargoes.country_hits(
                account_country, party.path, on, f"account {party.account}: country"
            )
        for identifier in party.identifiers:
            hits += identifier_hits(self.screener, identifier, party.path)
        return hits


def _message_date(message: PaymentMessage) -> date:
    try:
        return date.fromisoformat(message.value_date[:10])
    except ValueError:
        return datetime.now(UTC).date()


def _unique(hits: list[Hit]) -> list[Hit]:
    """One hit per finding: the same entity or rule found again in a field's joined lines, or a
    name found again by the text scan, is not repeated."""
    named = {(h.field, h.entity_id) for h in hits if h.kind == "name"}
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for hit in hits:
        field = hit.field.split(" ")[0]  # `:59F: line 3` is field :59F:
        if hit.kind == "free_text" and (hit.field, hit.entity_id) in named:
            continue
        what = hit.entity_id or str(hit.rule.get("code", "")) or hit.reason
        key = (hit.kind, field, what, hit.reason if hit.kind == "malformed" else "")
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out
