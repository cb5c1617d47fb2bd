"""Where a screening spends its time, stage by stage (issue #14: profile first, then build).

    .venv/bin/python bench/profile_screening.py [--queries 3000] [--pyinstrument profile.txt]

Screens the eval-dev queries (queries.csv + cross_script.csv) against the bundled OFAC SDN,
consolidated and UN lists, and times each stage of `Screener.screen` separately over all queries:

- prepare: the query normalised, transliterated and split into tokens (`comparable`), its token
  weights looked up;
- candidates: the index's rarity-weighted candidate search;
- scoring: the token aligner (`compare_weighted`) on every candidate name;
- evidence: birth date, country, weak-alias features and the `MatchExplanation` built around
  the score, for the names whose score evidence could lift to an alert (as `screen()` does);
- output: ranking and the explanation as JSON (what batch files and the API write).

Caches that carry across queries (a token's reach in the index) are emptied
before each stage, so every stage starts as cold as a new batch does. The end-to-end row is
`screen()` plus the JSON of its matches, cold too; the stages add up to about it. With
--pyinstrument, the end-to-end run is also profiled by call stack and written as text.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from watchkeeper.jobs import BUNDLED
from watchkeeper.match import score as score_module
from watchkeeper.match.evidence import CEILING_MARGIN, EVIDENCE_BONUS
from watchkeeper.match.names import ComparableName, comparable
from watchkeeper.match.score import CompiledName, could_alert
from watchkeeper.match.screener import (
    Screener,
    ScreeningQuery,
    query_schema,
)
from watchkeeper.screen.evaluate import read_labelled
from watchkeeper.sources import parse_list

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "data" / "eval-dev"


def cold(screener: Screener) -> None:
    """Empty every cache that outlives one query (the compiled listed names are part of the
    index once used, like the index itself)."""
    screener.index._credit_cache.clear()


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--queries", type=int, default=3000, help="How many eval-dev queries (spread evenly)."
    )
    parser.add_argument("--pyinstrument", type=Path, help="Also write a call-stack profile here.")
    args = parser.parse_args()

    entities = [e for relative in BUNDLED for e in parse_list(ROOT / "data" / relative).entities]
    screener = Screener(entities)
    labelled = [q for name in ("queries.csv", "cross_script.csv") for q in read_labelled(EVAL / name)]
    step = max(1, len(labelled) // args.queries)
    queries: list[ScreeningQuery] = [q.query for q in labelled[::step] if q.query.name][: args.queries]
    index = screener.index

    prepared: list[ComparableName] = []
    weights: list[list[float]] = []
    compiled: list[CompiledName] = []

    def prepare() -> None:
        for query in queries:
            name = comparable(query.name, query_schema(query.schema))
            prepared.append(name)
            weights.append([index.weight(t) for t in name.tokens])
            compiled.append(CompiledName(name, weights[-1]))

    found: list[list[int]] = []

    def candidates() -> None:
        for name in prepared:
            found.append(index.candidates(name, screener.candidate_limit))

    def scoring() -> None:
        for name, ids in zip(compiled, found, strict=True):
            for name_id in ids:
                score_module.name_score(name, index.compiled(name_id))

    def scoring_and_evidence() -> None:
        # As screen() does: evidence only for names it could lift to an alert.
        for query, name, w, c, ids in zip(queries, prepared, weights, compiled, found, strict=True):
            listed_names = [index.compiled(name_id) for name_id in ids]
            passing = could_alert(c, listed_names, screener.threshold, EVIDENCE_BONUS, CEILING_MARGIN)
            for position, _ in passing:
                listed = index.names[ids[position]]
                comparison = score_module.explain_names(c, listed_names[position])
                entity = index.entities[listed.entity]
                screener.score_listed_name(
                    query, name, listed.name, listed.strong, entity, w, listed.weights, comparison
                )

    def end_to_end() -> None:
        for query in queries:
            for match in screener.screen(query):
                match.explanation.to_dict()

    # The compiled form of every listed name is part of the index (made on first use, then kept):
    # made here once, so the stages below measure screening, not index building.
    compile_seconds = timed(lambda: [index.compiled(i) for i in range(len(index.names))])
    stages: dict[str, float] = {}
    cold(screener)
    stages["prepare"] = timed(prepare)
    cold(screener)
    stages["candidates"] = timed(candidates)
    cold(screener)
    stages["scoring"] = timed(scoring)
    cold(screener)
    stages["evidence"] = timed(scoring_and_evidence) - stages["scoring"]
    cold(screener)
    total = timed(end_to_end)
    stages["output and the rest"] = max(0.0, total - sum(stages.values()))
    pairs = sum(len(ids) for ids in found)

    table = Table(
        title=f"{len(queries):,} queries, {pairs / len(queries):.1f} candidate names each, "
        f"{len(index.names):,} listed names; cold caches",
        title_justify="left",
    )
    for column in ("stage", "µs per query", "share", "µs per candidate"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage, seconds in stages.items():
        per_candidate = f"{seconds / pairs * 1e6:.1f}" if stage == "scoring" else ""
        table.add_row(stage, f"{seconds / len(queries) * 1e6:,.0f}", f"{seconds / total:.0%}", per_candidate)
    table.add_section()
    table.add_row("screen() end to end", f"{total / len(queries) * 1e6:,.0f}", "100%", "")
    table.add_row("queries/s, one core", f"{len(queries) / total:,.0f}", "", "")
    table.add_row("(index: compiling every listed name once)", f"{compile_seconds * 1e3:,.0f} ms", "", "")
    Console(width=120).print(table)

    if args.pyinstrument:
        from pyinstrument import Profiler  # noqa: PLC0415

        cold(screener)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        end_to_end()
        profiler.stop()
        args.pyinstrument.write_text(profiler.output_text(show_all=False, color=False), encoding="utf-8")
        print(f"call-stack profile: {args.pyinstrument}")


if __name__ == "__main__":
    main()
