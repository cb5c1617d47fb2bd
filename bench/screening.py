"""Screening speed and accuracy: Watchkeeper against brute force and the yente pipeline.

    make bench        # or: .venv/bin/python bench/screening.py [--synthetic 500000] [--large-queries 6063]

All methods screen the same queries (eval-dev queries.csv + cross_script.csv)
against the same lists (OFAC SDN 2021-07-07 + UN), in the same run:

- Watchkeeper: `watchkeeper batch` on 2 processes (index + scorer).
- Brute force: rapidfuzz `process.cdist`, token_sort_ratio of every query
  against every listed name, all cores, alert at 85 (Watchman-style).
- yente pipeline: the same candidates as Watchkeeper's index, scored with
  nomenklatura's logic-v1 (yente's default matcher), alert at 0.7 (yente's
  default threshold). nomenklatura is a bench-only extra (`pip install .[bench]`).

A second row adds synthetic entities (Faker names in several locales) to the
lists, to show how each method's cost grows with list size; on that row a
subset of the queries is run (`--large-queries`).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils
from rich.console import Console
from rich.table import Table

from watchkeeper.match.names import comparable
from watchkeeper.match.screener import COMPATIBLE, Screener, query_schema
from watchkeeper.model import Entity, EntityBuilder
from watchkeeper.screen.batch import run_batch
from watchkeeper.screen.evaluate import ALERTS_PER_QUERY, LabelledQuery, read_labelled
from watchkeeper.sources import parse_list

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "data" / "eval-dev"
BRUTE_FORCE_THRESHOLD = 85
LOGIC_V1_THRESHOLD = 0.7


@dataclass
class Accuracy:
    recall: float
    false_alerts: float


def accuracy(queries: Sequence[LabelledQuery], alerts: Sequence[set[str]]) -> Accuracy:
    found = sum(1 for q, a in zip(queries, alerts, strict=True) if q.positive and a & q.expected)
    positives = sum(1 for q in queries if q.positive)
    false = sum(1 for q, a in zip(queries, alerts, strict=True) if not q.positive and a)
    negatives = len(queries) - positives
    return Accuracy(found / positives if positives else 0.0, false / negatives if negatives else 0.0)


def listed_entities() -> list[Entity]:
    return [
        *parse_list(ROOT / "data/ofac/sdn-2021-07-07").entities,
        *parse_list(ROOT / "data/un/consolidated-2026-02-27.xml.gz").entities,
    ]


def synthetic_entities(count: int) -> list[Entity]:
    from faker import Faker  # noqa: PLC0415 - a dev dependency, only this benchmark row needs it

    locales = ["en_US", "de_DE", "fr_FR", "es_ES", "ru_RU", "ar_AA", "tr_TR", "it_IT", "pt_BR", "pl_PL"]
    fakers = [Faker(locale) for locale in locales]
    for i, fake in enumerate(fakers):
        fake.seed_instance(i)
    out = []
    for i in range(count):
        fake = fakers[i % len(fakers)]
        person = i % 4 != 0
        builder = EntityBuilder(f"synthetic:{i}", "Person" if person else "Organization")
        builder.add("name", fake.name() if person else fake.company())
        out.append(builder.build())
    return out


# -- Watchkeeper ---------------------------------------------------------------


def watchkeeper_batch(
    screener: Screener, queries: Sequence[LabelledQuery], workers: int
) -> tuple[float, list[set[str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "queries.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "name", "type", "dob", "country", "identifier"])
            for q in queries:
                query = q.query
                writer.writerow(
                    [
                        query.id,
                        query.name,
                        query.schema or "",
                        query.birth_date or "",
                        query.country or "",
                        "",
                    ]
                )
        output = Path(tmp) / "alerts.csv"
        start = time.perf_counter()
        run_batch(screener, source, output, workers=workers, chunk_rows=250, resume=False)
        elapsed = time.perf_counter() - start
        alerts: dict[str, set[str]] = {}
        with output.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                alerts.setdefault(row["query_id"], set()).add(row["entity_id"])
    return len(queries) / elapsed, [alerts.get(q.query.id, set()) for q in queries]


def single_query_latency(screener: Screener, queries: Sequence[LabelledQuery]) -> list[float]:
    times = []
    for q in queries:
        start = time.perf_counter()
        screener.screen(q.query)
        times.append(time.perf_counter() - start)
    return times


# -- brute force ---------------------------------------------------------------


@dataclass
class NameTable:
    names: list[str]
    owners: list[int]  # entity position of each name
    schemas: list[str]


def name_table(entities: Sequence[Entity]) -> NameTable:
    names, owners, schemas = [], [], []
    for position, entity in enumerate(entities):
        for name in entity.names:
            names.append(utils.default_process(name))
            owners.append(position)
            schemas.append(entity.schema)
    return NameTable(names, owners, schemas)


def brute_force(
    entities: Sequence[Entity], table: NameTable, queries: Sequence[LabelledQuery]
) -> tuple[float, list[set[str]], float]:
    processed = [utils.default_process(q.query.name) for q in queries]
    schema_codes = {s: i for i, s in enumerate(sorted(set(table.schemas)))}
    name_schema = np.array([schema_codes[s] for s in table.schemas])
    owners = np.array(table.owners)
    alerts: list[set[str]] = []
    start = time.perf_counter()
    batch = 500
    for offset in range(0, len(queries), batch):
        scores = process.cdist(
            processed[offset : offset + batch],
            table.names,
            scorer=fuzz.token_sort_ratio,
            workers=-1,
            dtype=np.uint8,
            score_cutoff=BRUTE_FORCE_THRESHOLD,
        )
        for row, labelled in zip(scores, queries[offset : offset + batch], strict=True):
            schema = query_schema(labelled.query.schema)
            allowed = COMPATIBLE.get(schema) if schema else None
            hits = np.nonzero(row >= BRUTE_FORCE_THRESHOLD)[0]
            if allowed is not None and len(hits):
                codes = [schema_codes[s] for s in allowed if s in schema_codes]
                hits = hits[np.isin(name_schema[hits], codes)]
            best: dict[int, int] = {}
            for h in hits:
                owner = int(owners[h])
                best[owner] = max(best.get(owner, 0), int(row[h]))
            top = sorted(best, key=lambda o: -best[o])[:ALERTS_PER_QUERY]
            alerts.append({entities[o].id for o in top})
    elapsed = time.perf_counter() - start
    # One query against every name, on one core: the budget a single Watchkeeper query must beat.
    singles = []
    for name in processed[:200]:
        t = time.perf_counter()
        process.cdist([name], table.names, scorer=fuzz.token_sort_ratio, workers=1, dtype=np.uint8)
        singles.append(time.perf_counter() - t)
    return len(queries) / elapsed, alerts, statistics.median(singles)


# -- yente pipeline (nomenklatura logic-v1 over Watchkeeper's candidates) -------

_V1_STATE: dict[str, object] = {}


def _v1_worker(
    chunk: list[tuple[dict[str, object], list[dict[str, object]]]],
) -> list[list[tuple[str, float]]]:
    from followthemoney import model  # noqa: PLC0415 - bench-only dependency
    from nomenklatura.matching import get_algorithm  # noqa: PLC0415

    algorithm = get_algorithm("logic-v1")
    assert algorithm is not None
    config = algorithm.default_config()
    out = []
    for query_data, candidates in chunk:
        query = model.get_proxy(query_data)
        scored = []
        for data in candidates:
            candidate = model.get_proxy(data)
            scored.append((str(candidate.id), algorithm.compare(query, candidate, config).score))
        out.append(scored)
    return out


def _ftm_query(labelled: LabelledQuery) -> dict[str, object]:
    query = labelled.query
    schema = query_schema(query.schema) or "LegalEntity"
    properties: dict[str, list[str]] = {"name": [query.name]}
    if query.birth_date and schema == "Person":
        properties["birthDate"] = [query.birth_date]
    if query.country:
        properties["country"] = [query.country.lower()]
    return {"id": query.id, "schema": schema, "properties": properties}


def _ftm_entity(entity: Entity) -> dict[str, object]:
    data = entity.to_ftm()
    props = data["properties"]
    assert isinstance(props, dict)
    keep = {
        "name",
        "alias",
        "weakAlias",
        "previousName",
        "birthDate",
        "nationality",
        "country",
        "imoNumber",
        "passportNumber",
        "idNumber",
    }
    data["properties"] = {k: v for k, v in props.items() if k in keep}
    return data


def yente_pipeline(
    screener: Screener, queries: Sequence[LabelledQuery], workers: int
) -> tuple[float, list[set[str]]]:
    index = screener.index
    jobs = []
    start = time.perf_counter()
    for labelled in queries:
        schema = query_schema(labelled.query.schema)
        prepared = comparable(labelled.query.name, schema)
        seen: dict[int, None] = {}
        for name_id in index.candidates(prepared, screener.candidate_limit):
            seen.setdefault(index.names[name_id].entity, None)
        jobs.append((_ftm_query(labelled), [_ftm_entity(index.entities[p]) for p in seen]))
    context = multiprocessing.get_context("fork")
    chunks = [jobs[i : i + 200] for i in range(0, len(jobs), 200)]
    with context.Pool(workers) as pool:
        results = [r for part in pool.map(_v1_worker, chunks) for r in part]
    elapsed = time.perf_counter() - start
    alerts = []
    for scored in results:
        hits = sorted((s for s in scored if s[1] >= LOGIC_V1_THRESHOLD), key=lambda s: -s[1])[
            :ALERTS_PER_QUERY
        ]
        alerts.append({entity_id for entity_id, _ in hits})
    return len(queries) / elapsed, alerts


# -- the table -----------------------------------------------------------------


def _resident_bytes() -> int:
    """This process's resident memory now (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_row(
    label: str, entities: list[Entity], queries: list[LabelledQuery], workers: int, console: Console
) -> list[list[str]]:
    console.print(f"[dim]{label}: building the index over {len(entities):,} entities…[/]")
    resident = _resident_bytes()
    start = time.perf_counter()
    screener = Screener(entities)
    build = time.perf_counter() - start
    # What the index adds to the process, its compiled names included (the entities themselves were
    # parsed before): the memory target is per listed entity.
    for name_id in range(len(screener.index.names)):
        screener.index.compiled(name_id)
    per_entity = (_resident_bytes() - resident) / max(len(entities), 1)
    console.print(f"[dim]{label}: Watchkeeper…[/]")
    wk_rate, wk_alerts = watchkeeper_batch(screener, queries, workers)
    latency = single_query_latency(screener, queries[:2000])
    console.print(f"[dim]{label}: brute force…[/]")
    table = name_table(entities)
    bf_rate, bf_alerts, bf_single = brute_force(entities, table, queries)
    console.print(f"[dim]{label}: yente pipeline (logic-v1)…[/]")
    v1_rate, v1_alerts = yente_pipeline(screener, queries, workers)
    wk_acc = accuracy(queries, wk_alerts)
    bf_acc = accuracy(queries, bf_alerts)
    v1_acc = accuracy(queries, v1_alerts)
    p50 = statistics.median(latency) * 1000
    p99 = float(np.percentile(latency, 99)) * 1000

    def row(name: str, rate: float, acc: Accuracy, extra: str) -> list[str]:
        return [
            label,
            name,
            f"{len(queries):,}",
            f"{rate:,.0f}",
            f"{wk_rate / rate:.1f}×" if rate != wk_rate else "—",
            f"{acc.recall:.4f}",
            f"{acc.false_alerts:.2%}",
            extra,
        ]

    return [
        row(
            "Watchkeeper (2 processes)",
            wk_rate,
            wk_acc,
            f"index {build:.1f} s, {per_entity / 1024:.1f} KB/entity; single query p50 {p50:.2f} ms, "
            f"p99 {p99:.2f} ms "
            f"(one brute-force query: {bf_single * 1000:.2f} ms)",
        ),
        row(
            f"brute force rapidfuzz cdist (≥{BRUTE_FORCE_THRESHOLD})",
            bf_rate,
            bf_acc,
            f"{len(table.names):,} names",
        ),
        row(f"yente pipeline, logic-v1 (≥{LOGIC_V1_THRESHOLD})", v1_rate, v1_acc, "same candidates"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--synthetic", type=int, default=500_000, help="extra synthetic entities for row 2 (0: skip)"
    )
    parser.add_argument("--large-queries", type=int, default=6063, help="queries run on the large row")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    if not EVAL.is_dir():
        print(f"{EVAL} is missing: the benchmark screens the eval-dev queries", file=sys.stderr)
        return 2
    console = Console(stderr=True)
    queries = read_labelled(EVAL / "queries.csv") + read_labelled(EVAL / "cross_script.csv")
    entities = listed_entities()
    rows = run_row("SDN + UN", entities, queries, args.workers, console)
    if args.synthetic:
        extra = synthetic_entities(args.synthetic)
        step = max(len(queries) // args.large_queries, 1)
        rows += run_row(
            f"+{args.synthetic:,} synthetic", entities + extra, queries[::step], args.workers, console
        )
    table = Table(
        title="Screening: queries/s, accuracy (same queries, same lists, same run)", title_justify="left"
    )
    for column in (
        "lists",
        "method",
        "queries",
        "queries/s",
        "Watchkeeper is",
        "recall",
        "false alerts",
        "notes",
    ):
        table.add_column(
            column,
            justify="right"
            if column in {"queries", "queries/s", "Watchkeeper is", "recall", "false alerts"}
            else "left",
        )
    for r in rows:
        table.add_row(*r)
    Console(width=200).print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
