"""The one shape every payment message is read into: parties, free texts, amount."""

from __future__ import annotations

from dataclasses import dataclass, field


class MessageError(ValueError):
    """A message that cannot be screened as it stands; `field` says where (e.g. `:59:` or
    `FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Cdtr`). Such a message is held, never passed."""

    def __init__(self, field_path: str, problem: str) -> None:
        self.field = field_path
        self.problem = problem
        super().__init__(f"{field_path}: {problem}" if field_path else problem)


@dataclass(frozen=True)
class PaymentParty:
    role: str  # debtor, creditor, ultimate_debtor, debtor_agent, intermediary_agent …
    path: str  # where in the message: an XML path or an MT field tag
    name: str = ""
    bic: str = ""
    account: str = ""
    address: tuple[str, ...] = ()
    country: str = ""  # ISO code given in the message (PstlAdr/Ctry, 59F line 3 …)
    identifiers: tuple[str, ...] = ()
    is_agent: bool = False
    kind: str = ""  # person | organization when the message says (PrvtId / OrgId), else unknown
    birth_date: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "role": self.role,
            "path": self.path,
            "name": self.name,
            "bic": self.bic,
            "account": self.account,
            "address": list(self.address),
            "country": self.country,
            "identifiers": list(self.identifiers),
            "kind": self.kind,
            "birth_date": self.birth_date,
        }


@dataclass(frozen=True)
class FreeText:
    path: str
    text: str


@dataclass(frozen=True)
class FieldProblem:
    """Part of a message that was read but cannot be trusted as read (a character outside the
    SWIFT set, a field the parser does not know): the rest is screened, the message is held."""

    path: str
    problem: str


@dataclass(frozen=True)
class PaymentMessage:
    kind: str  # pacs.008 | pain.001 | MT103
    reference: str
    parties: tuple[PaymentParty, ...]
    texts: tuple[FreeText, ...]
    amount: str = ""
    currency: str = ""
    value_date: str = ""
    source: str = ""  # the file it came from
    extra: dict[str, str] = field(default_factory=dict)
    problems: tuple[FieldProblem, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "reference": self.reference,
            "amount": self.amount,
            "currency": self.currency,
            "value_date": self.value_date,
            "parties": [p.to_dict() for p in self.parties],
            "texts": [{"path": t.path, "text": t.text} for t in self.texts],
            "problems": [{"path": p.path, "problem": p.problem} for p in self.problems],
        }
