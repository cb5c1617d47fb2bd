"""`watchkeeper screen`, `batch` and `eval`: screening from the command line."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from watchkeeper.cli.common import (
    HomeOption,
    JsonFlag,
    app,
    emit_json,
    err,
    out,
    parse_date_option,
    reported_errors,
    settings_for,
)
from watchkeeper.errors import InvalidInput
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.model import ListVersion
from watchkeeper.model.actions import WATCH_LABEL, WATCH_SOURCE, label_of
from watchkeeper.settings import open_stores

if TYPE_CHECKING:
    from watchkeeper.match.merged import PartyScreening
    from watchkeeper.match.screener import Screener

# The matcher, its dictionaries and the batch runner are imported by the commands that screen,
# inside them: `lists`, `audit`, `keys` … start without loading them.

ListsOption = Annotated[
    str | None,
    typer.Option(
        "--lists",
        help="Comma-separated sources to screen against (default: all loaded); add `announced` for the "
        "parties of announced or on-hold actions that no list names yet (`screen` and `batch`; labelled "
        "so, never a designation).",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Screen against the lists as they were on this date (YYYY-MM-DD)."),
]
UserOption = Annotated[
    str,
    typer.Option(
        "--user", envvar="WATCHKEEPER_USER", help="Who acts (named in the audit trail; default $USER)."
    ),
]


def acting_user(user: str) -> str:
    import getpass  # noqa: PLC0415

    return user or getpass.getuser()


ThresholdOption = Annotated[
    float,
    typer.Option(help=f"Alert at or above this score (default {DEFAULT_THRESHOLD}, measured on eval-dev)."),
]


def _lists(value: str | None) -> list[str] | None:
    return [s.strip() for s in value.split(",") if s.strip()] if value else None


def versions_text(versions: list[ListVersion]) -> str:
    return ", ".join(v.label for v in versions)


@dataclass(frozen=True)
class Screening:
    """What `--lists` asks to screen: the list versions, and the `announced` watch source when
    named (`announced`: the action store's revision it was built on)."""

    screener: PartyScreening
    versions: list[ListVersion]
    announced: str | None = None

    @property
    def label(self) -> str:
        watched = [f"{WATCH_SOURCE}@{self.announced}"] if self.announced is not None else []
        return ", ".join([*(v.label for v in self.versions), *watched])

    def lists_json(self) -> list[dict[str, object]]:
        watched: list[dict[str, object]] = (
            [{"source": WATCH_SOURCE, "revision": self.announced}] if self.announced is not None else []
        )
        return [*(v.to_dict() for v in self.versions), *watched]


def load_screening(home: Path | None, lists: str | None, as_of: str | None, threshold: float) -> Screening:
    """The lists' screener, with the parties of open announced and on-hold actions beside it when
    `--lists` names `announced` (then never as of a past date: the watch is what is open now)."""
    from watchkeeper.actions.watch import split_watch, watch_screener, with_announced  # noqa: PLC0415

    listed, watch = split_watch(_lists(lists))
    if not watch:
        return Screening(*load_screener(home, lists, as_of, threshold))
    if as_of:
        raise InvalidInput("--as-of: `announced` is the watch as it is now; screen it without --as-of")
    screener, versions = load_screener(home, ",".join(listed), None, threshold) if listed else (None, [])
    with open_stores(settings_for(home)) as stores:
        revision = stores.actions.revision()
        watched = watch_screener(stores.actions, threshold)
    return Screening(with_announced(screener, watched), versions, revision)


def load_screener(
    home: Path | None, lists: str | None, as_of: str | None, threshold: float
) -> tuple[Screener, list[ListVersion]]:
    from watchkeeper.screen.loader import screener_from_store  # noqa: PLC0415

    settings = settings_for(home)
    day: date | None = parse_date_option(as_of, "--as-of")
    with open_stores(settings) as stores:
        store = stores.lists
        return screener_from_store(store, _lists(lists), day, threshold, cache=settings.home / "index")


@app.command()
def screen(
    name: Annotated[
        str, typer.Argument(help="The name to screen, in any script: 'Kim Jong Un', '김정은', 'IMO 9114555'.")
    ],
    type_: Annotated[
        str | None, typer.Option("--type", help="person, organization, vessel or airplane.")
    ] = None,
    dob: Annotated[str | None, typer.Option(help="Birth date, YYYY or YYYY-MM-DD (persons).")] = None,
    country: Annotated[str | None, typer.Option(help="Nationality or country, ISO code or name.")] = None,
    identifier: Annotated[
        str | None, typer.Option("--id", help="Passport, IMO, registration number...")
    ] = None,
    lists: ListsOption = None,
    as_of: AsOfOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option(help="Show at most this many matches.")] = 10,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Screen one name against the loaded lists: ranked matches, each with its explanation.

    The score runs from 0 to 1. The explanation shows which query token matched
    which listed token and how (exact, spelling, phonetic, variant, joined), what was left
    unmatched, and the evidence from birth date, country and identifiers.
    """
    from watchkeeper.match.screener import ScreeningQuery  # noqa: PLC0415

    with reported_errors():
        query = ScreeningQuery.from_fields(name, type_, dob, country, identifier)
        screening = load_screening(home, lists, as_of, threshold)
        versions, watch = screening.versions, screening.announced is not None
        matches = screening.screener.screen(query, limit=limit)
        if as_json:
            emit_json(
                {
                    "query": {
                        "name": name,
                        "type": query.schema,
                        "dob": dob,
                        "country": country,
                        "id": identifier,
                    },
                    "threshold": threshold,
                    "lists": screening.lists_json(),
                    "matches": [
                        {
                            "entity_id": m.entity.id,
                            "list": m.source,
                            "label": label_of(m.source),
                            "caption": m.entity.caption,
                            "schema": m.entity.schema,
                            "score": m.score,
                            "explanation": m.explanation.to_dict(),
                        }
                        for m in matches
                    ],
                }
            )
            return
        parts = [versions_text(versions), "parties announced, not listed" if watch else ""]
        against = " and ".join(p for p in parts if p)
        out.print(f"Screened against {against}; threshold {threshold}", highlight=False)
        if not matches:
            out.print("[green]No match at or above the threshold.[/]", markup=True)
            return
        table = Table()
        for column in ("#", "score", "entity", "listed name", "type", "why"):
            table.add_column(column, justify="right" if column in {"#", "score"} else "left")
        for rank, match in enumerate(matches, 1):
            table.add_row(
                str(rank),
                f"{match.score:.2f}",
                match.entity.id,
                match.explanation.listed_name,
                match.entity.schema,
                (f"{WATCH_LABEL.upper()}: " if match.source == WATCH_SOURCE else "")
                + match.explanation.summary(),
            )
        out.print(table)
        readings = [t for t in matches[0].explanation.tokens if t.reading]
        if readings:
            out.print("How the best match's spellings were read:", highlight=False)
            for t in readings:
                out.print(f"  {t.query} → {t.listed}: {t.reading}", highlight=False)


def print_alerts(path: Path) -> None:
    """The alerts of a batch output file as a table."""
    from watchkeeper.match.screener import token_summary  # noqa: PLC0415

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = Table(title=f"{len(rows)} alerts", title_justify="left")
    for column in ("query", "score", "entity", "listed name", "why"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for row in rows:
        explanation = json.loads(row["explanation"])
        why = " ".join(
            token_summary(t["query"], t["listed"], t["how"]) for t in explanation["tokens"]
        ) or "; ".join(f"{f['feature']} {f['query']}" for f in explanation["features"])
        table.add_row(row["query_id"], row["score"], row["entity_id"], row["matched_name"], why)
    out.print(table)


@app.command()
def batch(
    input_csv: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help="CSV or Parquet file with columns id,name,type,dob,country,identifier.",
        ),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Alerts CSV to write.")],
    lists: ListsOption = None,
    as_of: AsOfOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    workers: Annotated[int | None, typer.Option(help="Processes to use (default: all cores).")] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="local|tcp://HOST:PORT",
            help="Screen on a Dask cluster: `local` starts one on this machine (2 worker processes); "
            "an address uses a running scheduler (its workers need Watchkeeper installed and the "
            "output's folder on storage they share). The output is the same file as without it.",
        ),
    ] = None,
    restart: Annotated[
        bool, typer.Option(help="Ignore an interrupted run's progress and start over.")
    ] = False,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Keep the run, its customers and results in the store, and raise alerts for review.",
        ),
    ] = False,
    user: UserOption = "",
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Screen a CSV or Parquet file of parties; write one row per alert.

    Output header: query_id,list,entity_id,matched_name,score,explanation (the
    explanation as JSON). Rows are streamed in chunks on every core, so memory
    stays bounded for ten million rows. An interrupted run resumes where it
    stopped when started again with the same input and lists. Rows that cannot
    be screened are listed in OUTPUT.errors.csv with their line; the exit status
    is then 2.
    """
    from watchkeeper.screen.batch import run_batch  # noqa: PLC0415
    from watchkeeper.screen.batch_input import count_rows  # noqa: PLC0415

    with reported_errors():
        screening = load_screening(home, lists, as_of, threshold)
        if record and screening.announced is not None:
            raise InvalidInput("--record: `announced` hits are no designations and are never recorded")
        versions = screening.versions
        total = count_rows(input_csv)
        lists_key = screening.label
        columns = (TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=err, disable=as_json) as progress:
            task = progress.add_task("rows", total=total)
            summary = run_batch(
                screening.screener,
                input_csv,
                output,
                workers=workers,
                resume=not restart,
                lists=lists_key,
                dask=dask,
                on_progress=lambda done: progress.update(task, completed=done),
            )
        report = {
            "rows": summary.rows,
            "alerts": summary.alerts,
            "errors": summary.errors,
            "resumed_from_row": summary.resumed_from,
            "output": str(summary.output),
            "errors_file": str(summary.errors_file) if summary.errors_file else None,
            "lists": screening.lists_json(),
        }
        if as_json:
            emit_json(report)
        else:
            resumed = f" (resumed after row {summary.resumed_from:,})" if summary.resumed_from else ""
            out.print(
                f"Screened {summary.rows:,} rows{resumed} against {lists_key}: {summary.alerts:,} alerts "
                f"→ {summary.output}",
                highlight=False,
            )
            if summary.errors_file:
                where = escape(str(summary.errors_file))
                err.print(f"[red]{summary.errors:,} rows could not be screened[/]: see {where}")
        if record:
            from watchkeeper.review.jobs import record_batch  # noqa: PLC0415

            settings = settings_for(home)
            with open_stores(settings) as stores:
                review = stores.review
                store = stores.lists
                run_id, outcome = record_batch(
                    store,
                    review,
                    input_csv=input_csv,
                    alerts_csv=output,
                    versions=[v.to_dict() for v in versions],
                    threshold=threshold,
                    actor=acting_user(user),
                )
            if not as_json:
                out.print(
                    f"Recorded run {run_id}: {len(outcome.raised)} new alerts, "
                    f"{len(outcome.reopened)} reopened, "
                    f"{outcome.suppressed} suppressed by the good-guy list",
                    highlight=False,
                )
        if summary.errors:
            raise typer.Exit(2)
