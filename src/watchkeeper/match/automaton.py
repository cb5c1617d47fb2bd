"""Listed names found inside free text (remittance information, narratives, addresses).

A token-level automaton: listed names are normalised into token sequences
(the same folding as the matcher) and stored in a trie, and a text is
scanned token by token, so a name matches only on whole tokens — "AL" never
matches inside "ALBERTA". Names written in Han script have no spaces between
words and are found as substrings instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from watchkeeper.match.normalize import (
    expand_abbreviations,
    fold,
    raw_tokens,
    reorder_listed,
    strip_legal_forms,
)
from watchkeeper.model import Entity

#: Which names of an entity are searched for in text (weak aliases are too loose for free text).
TEXT_NAME_PROPERTIES = ("name", "alias", "previousName")
#: A one-word name is searched for only when it is at least this long: "HAMAS" yes, "M23" no.
#: One-word vessel names are ordinary words ("FORTUNE", "CRYSTAL", "FREEDOM"): in free text a
#: vessel needs two words ("AN SAN 1"); its IMO number finds it elsewhere.
MIN_SINGLE_TOKEN = {"Person": 7, "Vessel": 10_000, "default": 5}
#: Han-script names shorter than this are too ambiguous as substrings.
MIN_HAN_CHARS = 3
_WORD = re.compile(r"[\w'’]+", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class TextHit:
    """A listed name found in a text, with where it is."""

    entity: Entity
    listed_name: str
    start: int
    end: int
    found: str  # the text as written between start and end

    def to_dict(self) -> dict[str, object]:
        return {
            "entity_id": self.entity.id,
            "listed_name": self.listed_name,
            "start": self.start,
            "end": self.end,
            "found": self.found,
        }


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    names: list[tuple[int, str]] = field(default_factory=list)  # (entity position, listed name)


def name_sequences(name: str, schema: str) -> set[tuple[str, ...]]:
    """The token sequences a listed name may appear as in text."""
    tokens = raw_tokens(reorder_listed(name) if schema == "Person" else name)
    if not tokens:
        return set()
    found = {tuple(tokens)}
    if schema == "Person" and len(tokens) >= 2:
        found.add((tokens[-1], *tokens[:-1]))  # SURNAME Given, as payment forms often write it
        found.add(tuple(raw_tokens(name)))  # as published (e.g. "KIM, Jong Un" → kim jong un)
    if schema != "Person":
        core = strip_legal_forms(expand_abbreviations(tokens))
        if len(core) >= 2:
            found.add(tuple(core))  # "DALIAN HAIBO INTERNATIONAL FREIGHT" without "CO. LTD."
    minimum = MIN_SINGLE_TOKEN.get(schema, MIN_SINGLE_TOKEN["default"])
    return {s for s in found if len(s) >= 2 or (len(s) == 1 and len(s[0]) >= minimum and not s[0].isdigit())}


def text_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Folded tokens of a text with their character spans in the original."""
    for match in _WORD.finditer(text):
        for token in raw_tokens(match.group()):
            yield token, match.start(), match.end()


class NameAutomaton:
    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = list(entities)
        self._root = _Node()
        self._han: list[tuple[str, int, str]] = []
        for position, entity in enumerate(self.entities):
            for prop in TEXT_NAME_PROPERTIES:
                for value in entity.get(prop):
                    if _HAN.search(value):
                        compact = fold(value).replace(" ", "")
                        if len(compact) >= MIN_HAN_CHARS:
                            self._han.append((compact, position, value))
                        continue
                    for sequence in name_sequences(value, entity.schema):
                        node = self._root
                        for token in sequence:
                            node = node.children.setdefault(token, _Node())
                        if (position, value) not in node.names:
                            node.names.append((position, value))

    def scan(self, text: str) -> list[TextHit]:
        """Every listed entity named in the text (longest name per place), in order of appearance."""
        tokens = list(text_tokens(text))
        hits: dict[int, TextHit] = {}
        for start in range(len(tokens)):
            node = self._root
            last: tuple[int, _Node] | None = None
            for end in range(start, len(tokens)):
                child = node.children.get(tokens[end][0])
                if child is None:
                    break
                node = child
                if node.names:
                    last = (end, node)
            if last is None:
                continue
            end, node = last
            first_char, last_char = tokens[start][1], tokens[end][2]
            for position, listed in node.names:
                held = hits.get(position)
                if held is None or last_char - first_char > held.end - held.start:
                    hits[position] = TextHit(
                        self.entities[position], listed, first_char, last_char, text[first_char:last_char]
                    )
        if self._han and _HAN.search(text):
            folded = fold(text)
            same_length = len(folded) == len(text)
            for compact, position, listed in self._han:
                at = folded.replace(" ", "").find(compact) if not same_length else folded.find(compact)
                if at >= 0 and position not in hits:
                    start = at if same_length else 0
                    end = at + len(compact) if same_length else len(text)
                    hits[position] = TextHit(self.entities[position], listed, start, end, text[start:end])
        return sorted(hits.values(), key=lambda h: (h.start, h.entity.id))
