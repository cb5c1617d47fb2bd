"""The parties a document names, by the extractor for its language."""

from __future__ import annotations

from watchkeeper.documents.chinese import chinese_parties
from watchkeeper.documents.english import english_parties
from watchkeeper.documents.party import NamedParty
from watchkeeper.documents.text import Document


def extract_parties(document: Document) -> list[NamedParty]:
    """The parties the document ties to its action (designated, sanctioned, identified, blocked)."""
    if document.language == "zh":
        return chinese_parties(document.text)
    return english_parties(document)
