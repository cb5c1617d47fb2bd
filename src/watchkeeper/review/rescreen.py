"""Re-screening stored customers after a list update: only against what changed.

A full re-screen runs every customer through the whole index. A delta
re-screen turns the question round: the names of the added and amended
entities are looked up in an index of the customers (built once, kept with
the store), which yields the few customers that could match them; only those
are screened, by the same screener, and only their results on the changed
entities are kept. The customers' index is searched more loosely than the
lists' index is, so it finds every customer a full re-screen would alert on;
tests compare the two on real list versions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from watchkeeper.match.evidence import EVIDENCE_BONUS
from watchkeeper.match.index import ID_PROPERTIES, NAME_PROPERTIES, NameIndex, normalize_identifier
from watchkeeper.match.names import comparable
from watchkeeper.match.score import CompiledName, explain_names, name_score
from watchkeeper.match.screener import (
    COMPATIBLE,
    Screener,
    ScreeningMatch,
    ScreeningQuery,
    query_schema,
)
from watchkeeper.model import Entity, EntityBuilder
from watchkeeper.screen.loader import load_pickle, save_pickle
from watchkeeper.store.review_records import Customer

#: Customers a changed name may pull in, and how much of the listed name's weight they must share
#: (screening asks 0.35 of the query's): chosen so that a delta re-screen raises exactly the alerts
#: of a full one — checked by the tests on the real 2022-03-01 change and by bench/rescreen.py.
DELTA_CANDIDATES = 5000
DELTA_MIN_SHARE = 0.35


def customer_entity(customer: Customer) -> Entity | None:
    """A customer in the shape the name index takes (schema from the type; any when unknown)."""
    schema = query_schema(customer.type) or "LegalEntity"
    if schema == "Company":
        schema = "Organization"
    builder = EntityBuilder(f"customer:{customer.id}", schema)
    if customer.name.strip():
        builder.add("name", customer.name)
    else:
        builder.add("name", customer.identifier or customer.id)
    return builder.build()


class CustomerIndex:
    """The stored customers' names and identifiers, searchable by a listed entity's names."""

    def __init__(self, customers: Sequence[Customer]) -> None:
        # Kept as one string, a line per customer: it saves and loads as one object, where
        # 100,000 dataclasses would take most of the time a delta re-screen needs.
        self._packed = "\x1e".join(
            "\x1f".join((c.id, c.name, c.type, c.dob, c.country, c.identifier)) for c in customers
        )
        self._count = len(customers)
        self._rows: list[str] | None = None
        self.names = NameIndex(e for e in (customer_entity(c) for c in customers) if e is not None)
        # Only the postings are searched: which customer each name is of is kept as one array,
        # and the per-name objects are dropped, so the saved index loads in a fraction of the time.
        self.customer_of = np.array([n.entity for n in self.names.names], dtype=np.int32)
        self.names.names = []
        self.names.entities = []
        self.identifiers: dict[str, list[int]] = {}
        for position, customer in enumerate(customers):
            if customer.identifier:
                self.identifiers.setdefault(normalize_identifier(customer.identifier), []).append(position)

    @classmethod
    def cached(cls, key: str, customers: Callable[[], Sequence[Customer]], folder: Path) -> CustomerIndex:
        """The index of the stored customers in the state `key` names, from `folder` when it was
        built before; `customers` is read only when it must be built."""
        path = folder / f"customers-{key}.pickle"
        found = load_pickle(path, cls)
        if found is None:
            found = cls(customers())
            save_pickle(path, found, keep=1)
        return found

    def __len__(self) -> int:
        return self._count

    def customer(self, position: int) -> Customer:
        if self._rows is None:
            self._rows = self._packed.split("\x1e")
        return Customer(*self._rows[position].split("\x1f"))

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_rows": None}

    def pairs(self, entities: Iterable[Entity]) -> dict[int, set[str]]:
        """For each customer (by position) that shares enough of a changed entity's names or an
        identifier, the changed entities it may match."""
        found: dict[int, set[str]] = {}
        for entity in entities:
            for prop, _strong in NAME_PROPERTIES:
                for value in entity.get(prop):
                    name = comparable(value, entity.schema)
                    for name_id in self.names.candidates(name, DELTA_CANDIDATES, min_share=DELTA_MIN_SHARE):
                        found.setdefault(int(self.customer_of[name_id]), set()).add(entity.id)
            for prop in ID_PROPERTIES:
                for value in entity.get(prop):
                    for position in self.identifiers.get(normalize_identifier(value), ()):
                        found.setdefault(position, set()).add(entity.id)
        return found


@dataclass(frozen=True)
class RescreenFindings:
    screened: int
    results: list[tuple[str, ScreeningMatch]]


def delta_rescreen(
    screener: Screener, index: CustomerIndex, changed: Sequence[Entity], limit: int = 10
) -> RescreenFindings:
    """Results of the customers a changed entity could hit, on the changed entities only.

    Each (customer, changed entity) pair the customers' index proposes is scored
    name against name with the screener's own scorer and weights; a customer
    with a pair at or above the threshold (or sharing an identifier) is then
    screened in full, and its results on the changed entities are the answer.
    A pair below the threshold here is below it in a full screening too, which
    takes the best of the same scores over fewer candidate names.
    """
    wanted = {e.id for e in changed}
    names_of: dict[str, list[int]] = {}
    positions = {entity.id: position for position, entity in enumerate(screener.index.entities)}
    for name_id, listed in enumerate(screener.index.names):
        entity_id = screener.index.entities[listed.entity].id
        if entity_id in wanted:
            names_of.setdefault(entity_id, []).append(name_id)
    results = []
    scored = 0
    for position, entity_ids in index.pairs(changed).items():
        customer = index.customer(position)
        query = customer.query()
        if _may_alert(screener, query, entity_ids, names_of, positions):
            scored += 1
            for match in screener.screen(query, limit=limit):
                if match.entity.id in wanted:
                    results.append((customer.id, match))
    return RescreenFindings(scored, results)


def _may_alert(
    screener: Screener,
    query: ScreeningQuery,
    entity_ids: set[str],
    names_of: dict[str, list[int]],
    positions: dict[str, int],
) -> bool:
    if query.identifier:
        wanted = normalize_identifier(query.identifier)
        for entity_id in entity_ids:
            entity = screener.index.entities[positions[entity_id]]
            if any(normalize_identifier(v) == wanted for p in ID_PROPERTIES for v in entity.get(p)):
                return True
    if not query.name:
        return False
    schema = query_schema(query.schema)
    prepared = comparable(query.name, schema)
    weights = [screener.index.weight(t) for t in prepared.tokens]
    allowed = COMPATIBLE.get(schema) if schema else None
    # Evidence beyond the name adds at most this much (it otherwise only discounts), so a
    # name score below the threshold minus it cannot make an alert: the full scoring,
    # with the evidence, is done only for the pairs that pass this bound.
    floor = screener.threshold - EVIDENCE_BONUS
    compiled = CompiledName(prepared, weights)
    for entity_id in entity_ids:
        entity = screener.index.entities[positions[entity_id]]
        if allowed is not None and entity.schema not in allowed:
            continue
        for name_id in names_of.get(entity_id, ()):
            listed = screener.index.names[name_id]
            listed_compiled = screener.index.compiled(name_id)
            if name_score(compiled, listed_compiled) < floor:
                continue
            comparison = explain_names(compiled, listed_compiled)
            match = screener.score_listed_name(
                query, prepared, listed.name, listed.strong, entity, weights, listed.weights, comparison
            )
            if match.score >= screener.threshold:
                return True
    return False


def full_rescreen(screener: Screener, customers: Sequence[Customer], limit: int = 10) -> RescreenFindings:
    """Every customer against everything listed: the baseline a delta re-screen must agree with."""
    results = [(c.id, m) for c in customers for m in screener.screen(c.query(), limit=limit)]
    return RescreenFindings(len(customers), results)
