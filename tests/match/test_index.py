"""The candidate index loses nothing against scoring every listed name."""

from __future__ import annotations

import pickle
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support import BUNDLED, shared
from watchkeeper.match.names import comparable
from watchkeeper.match.screener import COMPATIBLE, Screener, query_schema
from watchkeeper.model import Entity
from watchkeeper.screen.evaluate import read_labelled
from watchkeeper.sources import parse_list


@pytest.fixture(scope="module")
def sample() -> tuple[Screener, list[Entity]]:
    entities = [
        *parse_list(BUNDLED / "ofac/sdn-2021-07-07").entities,
        *parse_list(BUNDLED / "un/consolidated-2026-02-27.xml.gz").entities,
    ]
    rng = random.Random(4)
    return Screener(rng.sample(entities, 1500)), entities


def test_index_reaches_every_name_brute_force_would_alert_on(sample: tuple[Screener, list[Entity]]) -> None:
    screener, _ = sample
    queries = read_labelled(shared("eval-dev/queries.csv"))
    rng = random.Random(11)
    # Queries made from the sampled entities (positives) and others (negatives, near misses).
    ids = {e.id for e in screener.index.entities}
    chosen = [q for q in queries if q.expected & ids][:90] + rng.sample(queries, 90)
    brute_force_alerts = 0
    for labelled in chosen:
        query = labelled.query
        schema = query_schema(query.schema)
        allowed = COMPATIBLE.get(schema) if schema else None
        from_index = {m.entity.id for m in screener.screen(query, limit=1000)}
        prepared = comparable(query.name, schema)
        expected: set[str] = set()
        for listed in screener.index.names:
            entity = screener.index.entities[listed.entity]
            if allowed is not None and entity.schema not in allowed:
                continue
            match = screener.score_listed_name(query, prepared, listed.name, listed.strong, entity)
            if match.score >= screener.threshold:
                expected.add(entity.id)
        brute_force_alerts += len(expected)
        assert expected <= from_index, (query.name, expected - from_index)
    assert brute_force_alerts > 60  # the comparison saw real alerts, not only empty sets


def test_candidate_search_leaves_nothing_behind_for_the_next_query_or_thread(
    sample: tuple[Screener, list[Entity]],
) -> None:
    """Search arrays are kept per thread between queries: each query must find what it finds on
    an index that never searched before, whatever ran before it, in this thread or another."""
    screener, _ = sample
    index = screener.index
    rng = random.Random(5)
    names = [
        labelled.query.name for labelled in rng.sample(read_labelled(shared("eval-dev/queries.csv")), 40)
    ]
    queries = [comparable(name, None) for name in names]
    blob = pickle.dumps(index)
    fresh = [pickle.loads(blob).candidates(query, 12) for query in queries]
    assert sum(map(len, fresh)) > 40  # the queries reach listed names: the comparison has content
    again = [index.candidates(query, 12) for query in [*queries, *queries]]
    assert again[: len(queries)] == fresh
    assert again[len(queries) :] == fresh
    forward = list(range(len(queries)))
    orders = [forward, forward[::-1], forward, forward[::-1]]
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda order: [index.candidates(queries[i], 12) for i in order], orders))
    assert runs[0] == runs[2] == fresh
    assert runs[1][::-1] == runs[3][::-1] == fresh


@pytest.mark.parametrize(
    ("query", "listed_id"),
    [
        ("INDIAN MUJZHIDEE", "ofac-sdn:12914"),  # MUJAHIDEEN: a letter changed, one missing
        ("RUTSNAKER LLC", "ofac-sdn:29507"),  # RUSTANKER: two swaps
        ("RPBIREPUESTSO", "ofac-sdn:17206"),  # ROBIREPUESTOS
    ],
)
def test_two_typing_errors_in_one_word_still_reach_the_name(
    sample: tuple[Screener, list[Entity]], query: str, listed_id: str
) -> None:
    _, entities = sample
    # The listed entity among others sharing its common words, so the typo is what must find it.
    chosen = [e for e in entities if e.id == listed_id]
    others = [e for e in entities if e.schema == "Organization" and e.id != listed_id][:3000]
    index = Screener([*chosen, *others]).index
    reached = {
        index.entities[index.names[n].entity].id for n in index.candidates(comparable(query, None), 40)
    }
    assert listed_id in reached
