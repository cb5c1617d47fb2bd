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
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from watchkeeper.documents.english import english_model  # noqa: E402
from watchkeeper.documents.evaluation import evaluate_extraction, read_cases  # noqa: E402
from watchkeeper.documents.extract import extract_parties  # noqa: E402
from watchkeeper.documents.names import fold  # noqa: E402
from watchkeeper.documents.party import NamedParty  # noqa: E402
from watchkeeper.documents.text import read_document  # noqa: E402
from watchkeeper.jobs import load_bundled  # noqa: E402
from watchkeeper.screen.documents import verify_document  # noqa: E402
from watchkeeper.screen.loader import screener_from_store  # noqa: E402
from watchkeeper.store import SqliteStore  # noqa: E402

CASES = ROOT.parent / "shared" / "data" / "news" / "ofac-press-releases"


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
        for case in cases:
            document = read_document(case.path.read_bytes(), case.path.name)
            parties += len(
                verify_document(store, document, cache=Path(folder) / "index", current=current).checks
            )
        verified = time.perf_counter() - started
        store.close()

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
    Console(width=130).print(table)


if __name__ == "__main__":
    main()
