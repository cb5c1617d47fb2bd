"""The candidate index: which listed names a query could match, found fast.

Every listed token is filed under its spelling, its one-deletion variants
(so a typo on either side still meets: SymSpell's trick), its phonetic key,
and adjacent tokens joined (so "Abdulrahman" meets "Abdul Rahman"). A query
looks up the same keys; names sharing rare tokens with it rank first and
only those reach the scorer.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA

from watchkeeper.match._align import CompiledName
from watchkeeper.match._postings import add_token_credit
from watchkeeper.match.countries import entity_countries
from watchkeeper.match.names import ComparableName, NameToken, comparable, servant_article
from watchkeeper.model import IDENTIFIER_PROPERTIES, Entity, PartialDate

#: Name properties screened, and whether a match on them is a strong one.
NAME_PROPERTIES = (("name", True), ("alias", True), ("previousName", True), ("weakAlias", False))
#: Identifier properties an exact query identifier is compared with (the one table of the model).
ID_PROPERTIES = IDENTIFIER_PROPERTIES
MIN_DELETE_LENGTH = 4
#: Keys on more names than this are too common to find candidates by.
MAX_POSTING = 4000
#: Share of the query's token weight a listed name must share to be scored at all.
MIN_SHARED_WEIGHT = 0.35
#: Credit of a token reached through a deletion variant (ranks exact spellings first).
DELETION_CREDIT = 0.6
#: Credit of a listed spelling two typing errors from an unknown query token (below one deletion).
TYPO2_CREDIT = 0.5
#: Shorter tokens are two errors from too many others to search them that way.
TYPO2_MIN_LENGTH = 6
#: Query tokens whose reach is remembered (common tokens recur in every batch).
CREDIT_CACHE_SIZE = 50_000


@dataclass(slots=True)
class ListedName:
    entity: int  # position in NameIndex.entities
    name: ComparableName
    strong: bool
    weights: tuple[float, ...] = ()  # rarity of each token, set once the index is built


def trigrams(spelling: str) -> list[str]:
    """Letter triples of a spelling with its ends marked: `kim` → `^ki`, `kim`, `im$`."""
    padded = f"^{spelling}$"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def _two_typo_searchable(spelling: str) -> bool:
    """A Latin spelling long enough to be looked up two typing errors away."""
    return len(spelling) >= TYPO2_MIN_LENGTH and spelling.isascii() and spelling.isalpha()


def deletes(form: str) -> list[str]:
    if len(form) < MIN_DELETE_LENGTH:
        return []
    return [form[:i] + form[i + 1 :] for i in range(len(form))]


def token_keys(token: NameToken) -> set[str]:
    """Keys a listed token is filed under: `=spelling`, `~deletion variants`, `#phonetic`."""
    keys: set[str] = set()
    for form in token.forms:
        keys.add("=" + form)
        keys.add("~" + form)
        keys.update("~" + d for d in deletes(form))
    for key in token.keys:
        if len(key) >= 3:
            keys.add("#" + key)
    return keys


def join_keys(tokens: Sequence[NameToken]) -> set[str]:
    keys: set[str] = set()
    for a, b in itertools.pairwise(tokens):
        # "Abd" joined to its article (abdal) still has the article before the next word for
        # a query that writes them apart ("al-Munim").
        firsts = (*a.forms[:2], article) if (article := servant_article(a.forms[0])) else a.forms[:2]
        for x in firsts:
            for y in b.forms[:2]:
                keys.add("=" + x + y)
    return keys


_ID_CLEAN = re.compile(r"[^0-9A-Z]")


def normalize_identifier(value: str) -> str:
    """`IMO 9114555` → `9114555`; passports and ids: letters and digits only."""
    text = _ID_CLEAN.sub("", value.upper())
    return text.removeprefix("IMO") if text.startswith("IMO") and text[3:].isdigit() else text


class _SearchBuffers:
    """One thread's candidate-search arrays, kept between queries: a score per listed name (all
    zero between queries), a stamp per name (the last token number that credited it; numbers only
    grow) and the names the current query touched."""

    def __init__(self, size: int) -> None:
        self.scores = np.zeros(size, dtype=np.float32)
        self.stamp = np.zeros(size, dtype=np.int32)
        self.touched = np.zeros(size, dtype=np.int32)
        self._number = 0

    def numbers(self, needed: int) -> int:
        """The first of `needed` token numbers no earlier query of this thread used."""
        if self._number + needed >= 2**31 - 2:
            self.stamp[:] = 0  # restart before int32 overflow; every stamp is then "earlier"
            self._number = 0
        first = self._number + 1
        self._number += needed
        return first


class NameIndex:
    """Listed names of a set of entities, ready for candidate search."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities: list[Entity] = list(entities)
        self.names: list[ListedName] = []
        self._credit_cache: dict[
            tuple[tuple[str, ...], tuple[str, ...]], list[tuple[npt.NDArray[np.int32], float]]
        ] = {}
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.identifiers: dict[str, list[int]] = defaultdict(list)
        forms: Counter[str] = Counter()
        for position, entity in enumerate(self.entities):
            seen: set[str] = set()
            for prop, strong in NAME_PROPERTIES:
                for value in entity.get(prop):
                    name = comparable(value, entity.schema)
                    signature = " ".join(t.forms[0] for t in name.tokens)
                    if not name.tokens or signature in seen:
                        continue
                    seen.add(signature)
                    name_id = len(self.names)
                    self.names.append(ListedName(position, name, strong))
                    keys: set[str] = join_keys(name.tokens)
                    keys.add("=" + name.compact)
                    for token in name.tokens:
                        keys |= token_keys(token)
                        forms.update(set(token.forms[:1]))
                    for key in keys:
                        self.postings[key].append(name_id)
            for prop in ID_PROPERTIES:
                for value in entity.get(prop):
                    normalized = normalize_identifier(value)
                    if len(normalized) >= 4:
                        self.identifiers[normalized].append(position)
        total = max(len(self.names), 1)
        self._idf = {form: math.log((total + 1) / (count + 1)) + 1.0 for form, count in forms.items()}
        self._max_idf = math.log(total + 1) + 1.0
        for listed in self.names:
            listed.weights = tuple(self.weight(t) for t in listed.name.tokens)
        # Listed spellings by their letter triples, for query tokens with two typing errors.
        self._vocabulary = sorted(f for f in forms if _two_typo_searchable(f))
        for number, spelling in enumerate(self._vocabulary):
            for gram in set(trigrams(spelling)):
                self.postings["%" + gram].append(number)
        # Postings as compact arrays: a quarter of the memory of lists, and vector arithmetic.
        self._arrays: dict[str, npt.NDArray[np.int32]] = {
            key: np.fromiter(ids, dtype=np.int32, count=len(ids)) for key, ids in self.postings.items()
        }
        self.postings.clear()
        self._lengths = np.array([len(n.name.tokens) for n in self.names], dtype=np.float32)
        self._compiled: list[CompiledName | None] = [None] * len(self.names)
        self._local = threading.local()
        self._birth_dates = {e.id: e.birth_dates for e in self.entities if e.get("birthDate")}
        # Country names read once here: reading them per comparison (and loading the country-name
        # tables in every process that screens) costs more than the name comparison itself.

        self._countries = {e.id: codes for e in self.entities if (codes := entity_countries(e))}

    def _buffers(self) -> _SearchBuffers:
        """This thread's scratch arrays for candidate search (threads never share them).

        Sized by the name lengths array, which every index keeps (a customer index drops its
        `names` list once built)."""
        found: _SearchBuffers | None = getattr(self._local, "buffers", None)
        if found is None:
            found = self._local.buffers = _SearchBuffers(len(self._lengths))
        return found

    def compiled(self, name_id: int) -> CompiledName:
        """A listed name as the compiled aligner reads it, made on first use and kept.

        Two threads may both make it at once; either result is the same, and the list slot is
        assigned in one step."""
        found = self._compiled[name_id]
        if found is None:
            listed = self.names[name_id]
            found = self._compiled[name_id] = CompiledName(listed.name, listed.weights)
        return found

    def countries(self, entity: Entity) -> frozenset[str]:
        """The entity's country codes (empty when it names none), read when the index was built."""
        return self._countries.get(entity.id, frozenset())

    def birth_dates(self, entity: Entity) -> tuple[PartialDate, ...]:
        """An entity's birth dates, parsed once when the index was built."""
        return self._birth_dates.get(entity.id, ())

    def __getstate__(self) -> dict[str, object]:
        # The per-query cache is not part of the index: a saved index starts without it.
        state = dict(self.__dict__)
        state["_credit_cache"] = {}
        state["_compiled"] = None  # rebuilt on first use after loading
        state["_local"] = None  # per-thread scratch arrays
        # Hundreds of thousands of small arrays pickle and load slowly one by one: they are
        # saved as one array with offsets and come back as views into it.
        keys = list(self._arrays)
        sizes = np.fromiter((len(self._arrays[k]) for k in keys), dtype=np.int64, count=len(keys))
        data = np.concatenate([self._arrays[k] for k in keys]) if keys else np.empty(0, dtype=np.int32)
        # Keys joined into one string: one object to unpickle instead of hundreds of thousands.
        state["_arrays"] = ("\x00".join(keys), sizes, data)
        forms = list(self._idf)
        state["_idf"] = ("\x00".join(forms), np.fromiter((self._idf[f] for f in forms), dtype=np.float64))
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        packed = state.pop("_arrays")
        assert isinstance(packed, tuple)
        joined, sizes, data = packed
        keys = joined.split("\x00") if joined else []
        idf = state.pop("_idf")
        assert isinstance(idf, tuple)
        forms = idf[0].split("\x00") if idf[0] else []
        state["_idf"] = dict(zip(forms, idf[1].tolist(), strict=True))
        ends = np.cumsum(sizes)
        starts = ends - sizes
        state["_arrays"] = {
            k: data[s:e] for k, s, e in zip(keys, starts.tolist(), ends.tolist(), strict=True)
        }
        self.__dict__.update(state)
        self._compiled = [None] * len(self.names)
        self._local = threading.local()

    def weight(self, token: NameToken) -> float:
        """Rarity of a token: common words ("mohammed", "trading", "kim") weigh little."""
        if token.latin and len(token.forms[0]) == 1 and token.forms[0].isalpha():
            return 0.5  # an initial, or a stray letter from split punctuation
        known = [self._idf[f] for f in token.forms if f in self._idf]
        return min(known) if known else self._max_idf

    def candidates(
        self, query: ComparableName, limit: int, min_share: float = MIN_SHARED_WEIGHT
    ) -> list[int]:
        """Listed names sharing the most (rarity-weighted) tokens with the query.

        A token found under its own spelling counts fully, under its phonetic
        key or a one-deletion variant less: "Ivan" must not pull every "Iran".
        """
        if not query.tokens:
            return []
        joined = [
            posting
            for key in {*join_keys(query.tokens), "=" + query.compact}
            if (posting := self._arrays.get(key)) is not None and len(posting) <= MAX_POSTING
        ]
        buffers = self._buffers()
        scores, stamp, touched = buffers.scores, buffers.stamp, buffers.touched
        first = number = buffers.numbers(len(query.tokens) + len(joined))
        count = 0
        total = 0.0
        try:
            for token in query.tokens:
                w = self.weight(token)
                total += w
                credit = self._token_credit(token.forms, token.keys)
                count = add_token_credit(scores, stamp, number, credit, w, first, touched, count)
                number += 1
            for posting in joined:
                count = add_token_credit(
                    scores, stamp, number, [(posting, 1.0)], self._max_idf, first, touched, count
                )
                number += 1
            # Only the names credited are read, in name order as a scan of the whole array would
            # find them; they are cleared for the next query whatever happens.
            reached = np.sort(touched[:count])
            # A name whose shared tokens carry under this share of the query's weight cannot
            # reach an alert even if every shared token matched exactly and typos were kind.
            kept = reached[scores[reached] >= min_share * total]
            # At equal evidence, shorter listed names first: more of them is explained.
            order = scores[kept] - self._lengths[kept] * 1e-4 if len(kept) > limit else None
        finally:
            scores[touched[:count]] = 0.0
        if order is not None:
            kept = kept[np.argpartition(-order, limit)[:limit]]
        return [int(n) for n in kept]

    def _token_credit(
        self, forms: tuple[str, ...], keys: tuple[str, ...]
    ) -> list[tuple[npt.NDArray[np.int32], float]]:
        """The postings a query token reaches, best credit first (1 spelling, 0.8 phonetic, 0.6 deletion).

        A name may be in several; `add_token_credit` counts it once, at the first (best) credit.
        """
        cached = self._credit_cache.get((forms, keys))
        if cached is not None:
            return cached
        credit: list[tuple[npt.NDArray[np.int32], float]] = []
        for key, factor in self._query_keys(forms, keys):
            posting = self._arrays.get(key)
            if posting is not None and len(posting) <= MAX_POSTING:
                credit.append((posting, factor))
        if forms[0] not in self._idf:
            credit += [(posting, TYPO2_CREDIT) for posting in self._two_typo_postings(forms[0])]
        credit.sort(key=lambda found: -found[1])  # stable: keys keep their order within a credit
        if len(self._credit_cache) > CREDIT_CACHE_SIZE:
            self._credit_cache.clear()
        self._credit_cache[(forms, keys)] = credit
        return credit

    def _two_typo_postings(self, spelling: str) -> list[npt.NDArray[np.int32]]:
        """Names with a listed spelling two typing errors from an unknown query spelling.

        One-deletion keys meet one error on either side; two in one word (MUJZHIDEE for
        MUJAHIDEEN, BIRAHM for IBRAHIM) they miss. Two errors spoil at most six of a word's letter
        triples, so listed spellings sharing the rest are checked with the edit distance itself."""
        if not _two_typo_searchable(spelling):
            return []
        grams = set(trigrams(spelling))
        found = [p for g in grams if (p := self._arrays.get("%" + g)) is not None]
        if not found:
            return []
        numbers, shared = np.unique(np.concatenate(found), return_counts=True)
        close = numbers[shared >= max(2, len(grams) - 6)]
        postings = []
        for number in close.tolist():
            listed = self._vocabulary[number]
            if abs(len(listed) - len(spelling)) <= 2 and OSA.distance(spelling, listed, score_cutoff=2) <= 2:
                posting = self._arrays.get("=" + listed)
                if posting is not None and len(posting) <= MAX_POSTING:
                    postings.append(posting)
        return postings

    @staticmethod
    def _query_keys(forms: tuple[str, ...], phonetic: tuple[str, ...]) -> list[tuple[str, float]]:
        keys: dict[str, float] = {}
        for form in forms:
            keys["=" + form] = 1.0
        for key in phonetic:
            if len(key) >= 3:
                keys.setdefault("#" + key, 0.8)
        for form in forms:
            keys.setdefault("~" + form, DELETION_CREDIT)
            for deleted in deletes(form):
                keys.setdefault("~" + deleted, DELETION_CREDIT)
        return list(keys.items())

    def by_identifier(self, value: str) -> list[int]:
        return list(self.identifiers.get(normalize_identifier(value), ()))
