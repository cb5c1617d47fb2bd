"""Precision and recall of party extraction against hand-labelled press releases.

The labels are read where they lie (OpenSanctions' press-release evaluation set, `cases.yml` next
to a `sources/` folder of the releases); they are never copied into the repository. A found party
counts for a labelled one when their names are the same once case, accents and punctuation are
set aside, or nearly so (rapidfuzz ratio ≥ 90: `YasaGolden Bosphorus`, `Khedri Jahan Darya Co.`),
or when a labelled vessel's IMO number is the found one's. Each label is used once.

Where a label gives countries (where the party is based, its nationality), a correctly found
party's countries and nationalities are compared with them as ISO codes: right when they share
one, wrong when the party is placed elsewhere, missing when the text's placing was not read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from watchkeeper.documents.names import fold
from watchkeeper.documents.party import NamedParty
from watchkeeper.documents.places import country_of
from watchkeeper.errors import InvalidInput

NEAR_NAME = 90.0


@dataclass(frozen=True)
class Label:
    name: str
    schema: str
    imos: tuple[str, ...] = ()
    countries: frozenset[str] = frozenset()  # ISO codes of the labelled country and nationality


@dataclass(frozen=True)
class LabelledDocument:
    name: str
    path: Path
    labels: tuple[Label, ...]


@dataclass(frozen=True)
class DocumentScore:
    name: str
    found: int
    expected: int
    correct: int
    missed: tuple[str, ...]
    extra: tuple[str, ...]
    placed: tuple[int, int, int] = (0, 0, 0)  # labelled places read right, read wrong, not read


@dataclass(frozen=True)
class ExtractionScore:
    documents: tuple[DocumentScore, ...]
    seconds: float

    @property
    def correct(self) -> int:
        return sum(d.correct for d in self.documents)

    @property
    def found(self) -> int:
        return sum(d.found for d in self.documents)

    @property
    def expected(self) -> int:
        return sum(d.expected for d in self.documents)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    @property
    def placed(self) -> tuple[int, int, int]:
        """Of the found parties whose label places them: (right, wrong, missing)."""
        return (
            sum(d.placed[0] for d in self.documents),
            sum(d.placed[1] for d in self.documents),
            sum(d.placed[2] for d in self.documents),
        )

    @property
    def documents_per_second(self) -> float:
        return len(self.documents) / self.seconds if self.seconds else 0.0


def read_cases(folder: Path) -> list[LabelledDocument]:
    """The labelled releases of an evaluation folder (`cases.yml` + `sources/`)."""
    path = folder / "cases.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InvalidInput(f"{path}: cannot read the labelled cases ({error})") from None
    cases = []
    for case in data.get("cases", []):
        labels = tuple(
            Label(
                name=str(d.get("name") or ""),
                schema=str(d.get("entity_schema") or ""),
                imos=tuple(str(i) for i in d.get("imo") or ()),
                countries=frozenset(
                    code
                    for place in [*(d.get("country") or ()), *(d.get("nationality") or ())]
                    if (code := country_of(str(place)))
                ),
            )
            for d in case["expected_output"].get("designees") or ()
            if d.get("name")  # one label has an empty name: nothing to find
        )
        cases.append(LabelledDocument(case["name"], folder / case["inputs"]["source_file"], labels))
    return cases


def same_party(found: NamedParty, label: Label) -> bool:
    if found.imo and found.imo in label.imos:
        return True
    names = [found.name, *found.aliases]
    wanted = fold(label.name)
    return any(fold(n) == wanted or fuzz.ratio(fold(n), wanted) >= NEAR_NAME for n in names)


def score_document(name: str, found: Sequence[NamedParty], labels: Sequence[Label]) -> DocumentScore:
    unused = list(labels)
    extra = []
    placed = [0, 0, 0]
    for party in found:
        hit = next((label for label in unused if same_party(party, label)), None)
        if hit is None:
            extra.append(party.name)
            continue
        unused.remove(hit)
        if hit.countries:
            read = set(party.countries) | set(party.nationalities)
            placed[0 if read & hit.countries else 1 if read else 2] += 1
    return DocumentScore(
        name=name,
        found=len(found),
        expected=len(labels),
        correct=len(labels) - len(unused),
        missed=tuple(label.name for label in unused),
        extra=tuple(extra),
        placed=(placed[0], placed[1], placed[2]),
    )


def evaluate_extraction(
    cases: Sequence[LabelledDocument], extract: Callable[[Path], Sequence[NamedParty]]
) -> ExtractionScore:
    """Run `extract` on every labelled document, timed as a whole."""
    started = time.perf_counter()
    scores = [score_document(case.name, extract(case.path), case.labels) for case in cases]
    return ExtractionScore(tuple(scores), time.perf_counter() - started)
