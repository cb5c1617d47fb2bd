"""Reading press releases: party-extraction precision and recall on the labelled Treasury releases,
documents per second, and the same against a baseline in the same run.

    make bench-documents    # or: .venv/bin/python bench/documents.py [--cases DIR]

The labels are OpenSanctions' hand-checked designees of 20 Treasury releases, read from
`../shared/data/news/ofac-press-releases/` (never copied into the repository). Baseline: the
spaCy English model alone — every PERSON and ORG entity it finds, de-duplicated by name — which is
what a tool that "runs NER over the release" reports. Watchkeeper's extractor adds the patterns
(vessels with IMO numbers, legal forms, short forms, a.k.a.) and keeps only the parties the text
ties to the action. Verification (screening every party against the bundled lists, today and on
the release's date) is timed too, with the screener loaded once as a server holds it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from watchkeeper.actions.from_lists import list_actions  # noqa: E402
from watchkeeper.documents.english import english_model  # noqa: E402
from watchkeeper.documents.evaluation import (  # noqa: E402
    LabelledDocument,
    evaluate_extraction,
    read_cases,
    same_party,
)
from watchkeeper.documents.extract import extract_parties  # noqa: E402
from watchkeeper.documents.names import fold  # noqa: E402
from watchkeeper.documents.party import NamedParty  # noqa: E402
from watchkeeper.documents.text import read_document  # noqa: E402
from watchkeeper.jobs import load_bundled  # noqa: E402
from watchkeeper.screen.documents import DocumentReading, verify_document  # noqa: E402
from watchkeeper.screen.loader import screener_from_store  # noqa: E402
from watchkeeper.sources import parse_list  # noqa: E402
from watchkeeper.store import SqliteStore  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
CASES = SHARED / "news" / "ofac-press-releases"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=Path, default=CASES)
    args = parser.parse_args()
    cases = read_cases(args.cases)
    english_model()  # loaded once, outside the timings

    def spacy_only(path: Path) -> list[NamedParty]:
        document = read_document(path.read_bytes(), path.name)
        seen: dict[str, NamedParty] = {}
        for doc in english_model().pipe(p for p in document.text.split("\n") if p.strip()):
            for entity in doc.ents:
                if entity.label_ in ("PERSON", "ORG"):
                    seen.setdefault(fold(entity.text), NamedParty(entity.text, entity.label_))
        return list(seen.values())

    def watchkeeper(path: Path) -> list[NamedParty]:
        return extract_parties(read_document(path.read_bytes(), path.name))

    baseline = evaluate_extraction(cases, spacy_only)
    ours = evaluate_extraction(cases, watchkeeper)

    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "store.sqlite")
        load_bundled(store, ROOT / "data")
        current = screener_from_store(store, cache=Path(folder) / "index")  # built once, outside the timing
        started = time.perf_counter()
        parties = 0
        readings = {}
        for case in cases:
            document = read_document(case.path.read_bytes(), case.path.name)
            readings[case.name] = verify_document(
                store, document, cache=Path(folder) / "index", current=current
            )
            parties += len(readings[case.name].checks)
        verified = time.perf_counter() - started
        store.close()
    resolution = resolved_right(cases, readings)

    table = Table(
        title=f"Party extraction on {len(cases)} labelled Treasury releases ({ours.expected} labels)"
    )
    for column in ("extractor", "found", "correct", "precision", "recall", "docs/s", "ratio"):
        table.add_column(column, justify="left" if column == "extractor" else "right")
    for name, score in (("spaCy PERSON/ORG (baseline)", baseline), ("watchkeeper", ours)):
        table.add_row(
            name,
            str(score.found),
            str(score.correct),
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.documents_per_second:.1f}",
            f"{score.seconds / baseline.seconds:.2f}×",
        )
    table.add_row(
        "watchkeeper read + verify (bundled lists)",
        str(parties),
        "",
        "",
        "",
        f"{len(cases) / verified:.1f}",
        f"{verified / baseline.seconds:.2f}×",
    )
    console = Console(width=130)
    console.print(table)
    placed_right, placed_wrong, placed_missing = ours.placed
    console.print(
        f"Placing (country based in, nationality) of the correctly found parties whose label gives one: "
        f"{placed_right + placed_wrong + placed_missing} labelled, {placed_right} read right, "
        f"{placed_wrong} contradict the label, {placed_missing} not read."
    )
    timeline_timings(console, SHARED / "ofac" / "sdn-history")
    labels, found, known, right, wrong = resolution
    console.print(
        f"Resolution, releases published before the bundled SDN (2021-07-07): {labels} labelled designees, "
        f"{found} extracted; {known} of those have one entity found independently (an exact name or alias "
        f"in the SDN file); confirmed as that entity: {right} ({right / max(known, 1):.1%}), "
        f"as another: {wrong}."
    )


def timeline_timings(console: Console, history: Path) -> None:
    """The list versions' actions read from the stored changes (the first timeline a process shows)
    and again (kept in memory: a version never changes), on the real SDN versions of ../shared."""
    files = sorted(history.glob("sdn-*.csv.gz"))
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "store.sqlite")
        for path in files:
            store.import_snapshot(parse_list(path))
        started = time.perf_counter()
        first = list_actions(store)
        read = time.perf_counter() - started
        started = time.perf_counter()
        again = list_actions(store)
        kept = time.perf_counter() - started
        store.close()
    assert again == first
    console.print(
        f"Timeline of {len(files)} SDN versions ({len(first)} list actions): read from the changes "
        f"{read * 1000:.0f} ms, again from memory {kept * 1000:.1f} ms "
        f"({read / max(kept, 1e-9):.0f}× faster)."
    )


def resolved_right(
    cases: list[LabelledDocument], readings: dict[str, DocumentReading]
) -> tuple[int, int, int, int, int]:
    """Of the labelled designees of releases the bundled SDN can know, those extracted whose listed
    entity can be told independently (their exact name or alias names one SDN entity), and how many
    the verification confirmed as that very entity."""
    by_name: dict[str, set[str]] = {}
    for entity in parse_list(ROOT / "data" / "ofac" / "sdn-2021-07-07").entities:
        for name in entity.names:
            by_name.setdefault(fold(name), set()).add(entity.id)
    labels = found = known = right = wrong = 0
    for case in cases:
        reading = readings[case.name]
        if reading.date is None or reading.date > date(2021, 7, 7):
            continue
        for label in case.labels:
            labels += 1
            check = next((c for c in reading.checks if same_party(c.party, label)), None)
            if check is None:
                continue
            found += 1
            ids = by_name.get(fold(label.name), set())
            if len(ids) != 1:
                continue
            known += 1
            confirmed = check.match.entity_id if check.match and check.status == "confirmed" else None
            right += confirmed in ids
            wrong += confirmed is not None and confirmed not in ids
    return labels, found, known, right, wrong


if __name__ == "__main__":
    main()
