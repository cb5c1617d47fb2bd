"""Screening payment messages: every party and agent, every BIC, every free-text field.

A message gets `hold` when anything is found (a listed party or BIC, a listed
name in remittance text, an embargoed country) and `pass` otherwise. A
message that cannot be read is held too, with the field at fault: a payment
is never passed because it could not be screened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from watchkeeper.match.automaton import NameAutomaton
from watchkeeper.match.screener import Screener
from watchkeeper.payments.message import MessageError, PaymentMessage, PaymentParty, parse_message
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

    def to_dict(self) -> dict[str, object]:
        message = self.message
        return {
            "source": self.source,
            "verdict": self.verdict,
            "kind": message.kind if message else None,
            "reference": message.reference if message else None,
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

    def screen_bytes(self, data: bytes, source: str = "") -> PaymentVerdict:
        try:
            message = parse_message(data, source)
        except MessageError as exc:
            hit = Hit(kind="malformed", field=exc.field, reason=f"message cannot be screened: {exc.problem}")
            return PaymentVerdict(source, "hold", (hit,), None, exc.problem, exc.field)
        return self.screen(message)

    def screen(self, message: PaymentMessage) -> PaymentVerdict:
        on = _message_date(message)
        hits: list[Hit] = []
        for party in message.parties:
            hits += self._party(party, on)
        for text in message.texts:
            for found in self.automaton.scan(text.text):
                entity = found.entity
                hits.append(
                    Hit(
                        kind="free_text",
                        field=text.path,
                        reason=f"text names {entity.caption} ({entity.id}): {found.found!r}",
                        entity_id=entity.id,
                        list=entity.source,
                        matched_name=found.listed_name,
                        explanation={"text": text.text, "start": found.start, "end": found.end},
                    )
                )
            hits += self.embargoes.text_hits(text.text, text.path, on)
        hits = _unique(hits)
        return PaymentVerdict(message.source, verdict_of(hits), tuple(hits), message)

    def _party(self, party: PaymentParty, on: date) -> list[Hit]:
        hits: list[Hit] = []
        name_field = party.path + ("/Nm" if party.path.count("/") else "")
        if party.name:
            # A party to a payment is a person or an organisation, never a vessel or an aircraft.
            schema = "Organization" if party.is_agent else _SCHEMA.get(party.kind, "LegalEntity")
            hits += name_hits(
                self.names,
                party.name,
                name_field,
                schema=schema,
                birth_date=party.birth_date,
                country=party.country,
                threshold=self.threshold,
                what=party.role.replace("_", " "),
            )
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
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for hit in hits:
        key = (hit.kind, hit.field, hit.entity_id, hit.reason)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out
