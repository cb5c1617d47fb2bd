"""Listed names found inside free text (remittance information, narratives, addresses).

A token-level automaton: listed names are normalised into token sequences
(the same folding as the matcher) and stored in a trie, and a text is
scanned token by token, so a name matches only on whole tokens — "AL" never
matches inside "ALBERTA". Names written in Han script have no spaces between
words and are found as substrings instead.

Text written to slip past such a scan is read as meant as well: a name with
one word misspelt or transliterated differently (`DALIAN HAYBO INTERNATIONAL
FREIGHT`, at most one such word, in a name of three words or more), its words in another
order (`INTERNATIONAL FREIGHT DALIAN HAIBO`), or run together into one long
word (`DALIANHAIBOINTERNATIONALFREIGHT`, as spaced-out letters become once
joined up).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

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
_WORD = re.compile(r"[\w'’\u0300-\u036f]+", re.UNICODE)
#: A listed word read with a spelling difference: from this length one edit, from `LONG_WORD` two.
FUZZY_WORD = 5
LONG_WORD = 8
#: A word run together from several listed words is looked for from this length, in parts of at least 3.
JOINED_WORD = 10
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


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


class NameAutomaton:
    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = list(entities)
        self._root = _Node()
        self._han: list[tuple[str, int, str]] = []
        #: Multi-word names by their words in sorted order, for names written in another order.
        self._bags: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        self._vocabulary: set[str] = set()
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
                        self._vocabulary.update(sequence)
                        if len(sequence) >= 2:
                            bag = self._bags.setdefault(tuple(sorted(sequence)), [])
                            if (position, value) not in bag:
                                bag.append((position, value))
        self._bag_lengths = sorted({len(k) for k in self._bags})
        # Listed words by themselves and with one letter deleted: a word of the text that shares
        # a key with a listed word is within two edits of it (symmetric delete search).
        self._near: dict[str, list[str]] = {}
        for word in self._vocabulary:
            if len(word) >= FUZZY_WORD and not word.isdigit():
                for key in (word, *_deletes(word)):
                    self._near.setdefault(key, []).append(word)
        self._near_cache: dict[str, tuple[str, ...]] = {}

    def near_words(self, token: str) -> tuple[str, ...]:
        """Listed words one edit from `token` (two from a long one); none for a listed word itself."""
        found = self._near_cache.get(token)
        if found is not None:
            return found
        near: set[str] = set()
        if len(token) >= FUZZY_WORD and token not in self._vocabulary and not token.isdigit():
            keys = {token, *_deletes(token)}
            if len(token) >= LONG_WORD:
                keys |= {k for d in list(keys) for k in _deletes(d)}
            limit = 2 if len(token) >= LONG_WORD else 1
            # A short word that differs in its first letter is read as the listed one only when
            # the first letter is all that differs.
            near = {
                word
                for key in keys
                for word in self._near.get(key, ())
                if (word[0] == token[0] or len(token) >= LONG_WORD or word[1:] == token[1:])
                and Levenshtein.distance(token, word, score_cutoff=limit) <= limit
            }
        found = tuple(sorted(near))
        if len(self._near_cache) < 100_000:
            self._near_cache[token] = found
        return found

    def split_joined(self, token: str) -> list[str] | None:
        """A long word made of listed words run together, as those words; None if it is not one."""
        if len(token) < JOINED_WORD or token in self._vocabulary:
            return None
        # best[i]: the fewest listed words spelling token[:i]
        best: list[list[str] | None] = [None] * (len(token) + 1)
        best[0] = []
        for end in range(1, len(token) + 1):
            for start in range(max(0, end - 40), end):
                head = best[start]
                part = token[start:end]
                if head is None or part not in self._vocabulary:
                    continue
                if len(part) < 3 and not part.isdigit():
                    continue
                if best[end] is None or len(head) + 1 < len(best[end] or ()):
                    best[end] = [*head, part]
        parts = best[len(token)]
        return parts if parts is not None and len(parts) >= 2 else None

    def _tokens(self, text: str) -> list[tuple[str, int, int]]:
        out = []
        for token, start, end in text_tokens(text):
            parts = self.split_joined(token)
            out += [(p, start, end) for p in parts] if parts else [(token, start, end)]
        return out

    def scan(self, text: str) -> list[TextHit]:
        """Every listed entity named in the text (longest name per place), in order of appearance."""
        tokens = self._tokens(text)
        hits: dict[int, TextHit] = {}

        def found(position: int, listed: str, first: int, last: int) -> None:
            first_char, last_char = tokens[first][1], tokens[last][2]
            held = hits.get(position)
            if held is None or last_char - first_char > held.end - held.start:
                hits[position] = TextHit(
                    self.entities[position], listed, first_char, last_char, text[first_char:last_char]
                )

        for start in range(len(tokens)):
            for end, node in self._walk(tokens, start):
                for position, listed in node.names:
                    found(position, listed, start, end)
        # Names in another word order, where the name was not found in its own order.
        for start in range(len(tokens)):
            for size in self._bag_lengths:
                if start + size > len(tokens):
                    break
                bag = tuple(sorted(t[0] for t in tokens[start : start + size]))
                for position, listed in self._bags.get(bag, ()):
                    if position not in hits:
                        found(position, listed, start, start + size - 1)
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

    def _walk(self, tokens: list[tuple[str, int, int]], start: int) -> list[tuple[int, _Node]]:
        """The longest name starting at `start`: words as written, or — in a name of three words or
        more — one of them a near spelling of the listed word. (In two generic words, "GLOBAL
        INTERFACES", a near spelling is another name too often.)"""
        longest: tuple[int, _Node] | None = None
        # (next token, node, words read with a spelling difference)
        stack: list[tuple[int, _Node, int]] = [(start, self._root, 0)]
        while stack:
            at, node, fuzzy = stack.pop()
            if at >= len(tokens):
                continue
            token = tokens[at][0]
            steps = [(node.children.get(token), fuzzy)]
            if fuzzy == 0:
                steps += [(node.children.get(word), 1) for word in self.near_words(token)]
            for child, used in steps:
                if child is None:
                    continue
                if child.names and (used == 0 or at - start >= 2) and (longest is None or at > longest[0]):
                    longest = (at, child)
                stack.append((at + 1, child, used))
        return [longest] if longest is not None else []
