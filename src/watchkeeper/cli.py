"""The `watchkeeper` command line.

Every command prints a table for people and, with `--json`, one JSON
document for programs. Errors go to stderr with the file and line at fault;
the exit status is 2 for bad input, 1 for anything else that failed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from watchkeeper import __version__
from watchkeeper.errors import ImportRejected, ListFormatError, NotFound, WatchkeeperError
from watchkeeper.jobs import SAMPLE_CUSTOMERS, bundled_data_dir, load_bundled, load_bundled_rules, summarise
from watchkeeper.match.screener import DEFAULT_THRESHOLD
from watchkeeper.settings import Settings
from watchkeeper.store import SqliteStore
from watchkeeper.store.rules import RuleStore

app = typer.Typer(
    name="watchkeeper",
    help="Screen people, companies and vessels against official sanctions lists.\n\n"
    "Lists are kept in a versioned store under $WATCHKEEPER_HOME (default ./var): every "
    "import is a version, so you can ask what changed and what was listed on any date.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
# Standard output never reads markup: names, reasons and file paths printed there are user text
# (a decision reason "[/]" would crash a table, a "[link=…]" would become a link). Messages that
# style themselves pass markup=True and escape what they interpolate.
out = Console(markup=False)
err = Console(stderr=True)
if not out.is_terminal and "COLUMNS" not in os.environ:
    # Piped or logged output: Rich would squeeze tables into 80 columns.
    out = Console(width=120, markup=False)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of tables.")]
HomeOption = Annotated[
    Path | None,
    typer.Option("--home", envvar="WATCHKEEPER_HOME", help="Folder of the store (default ./var)."),
]


def settings_for(home: Path | None) -> Settings:
    settings = Settings.from_env()
    return dataclasses.replace(settings, home=home) if home is not None else settings


@contextmanager
def open_store(settings: Settings) -> Iterator[SqliteStore]:
    store = SqliteStore(settings.store_path)
    try:
        yield store
    finally:
        store.close()


def _fail(exc: Exception) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    code = 2 if isinstance(exc, ListFormatError | ImportRejected | NotFound | ValueError) else 1
    raise typer.Exit(code)


@contextmanager
def reported_errors() -> Iterator[None]:
    try:
        yield
    except (WatchkeeperError, ValueError) as exc:
        _fail(exc)


def emit_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def parse_date_option(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(ValueError(f"{option}: {value!r} is not a date (YYYY-MM-DD)"))


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"watchkeeper {__version__}")
        raise typer.Exit()


# -- the main job ------------------------------------------------------------


@app.command()
def run(
    home: HomeOption = None,
    data: Annotated[Path | None, typer.Option(help="Folder of bundled lists (default ./data).")] = None,
    screen_sample: Annotated[bool, typer.Option(help="Then screen the bundled sample customer file.")] = True,
    as_json: JsonFlag = False,
) -> None:
    """Load the bundled OFAC and UN lists and DPRK rules, show what is loaded, screen the sample customers.

    Lists already in the store are not imported twice. Run `watchkeeper lists
    fetch` to get today's lists: the bundled ones are old, and the table says so.
    """
    settings = settings_for(home)
    data_dir = data or bundled_data_dir()
    customers = data_dir / SAMPLE_CUSTOMERS if screen_sample and not as_json else None
    with reported_errors(), open_store(settings) as store:
        outcomes = load_bundled(store, data_dir)
        rules = RuleStore(settings.store_path)
        try:
            outcomes += load_bundled_rules(rules, data_dir)
        finally:
            rules.close()
        summaries = summarise(store, settings.max_list_age_days)
        if as_json:
            emit_json(
                {
                    "loaded": [{"path": o.path, "status": o.status, "detail": o.detail} for o in outcomes],
                    "lists": [s.to_dict() for s in summaries],
                }
            )
            return
        for outcome in outcomes:
            style = {"imported": "green", "already-loaded": "dim"}.get(outcome.status, "yellow")
            out.print(
                f"[{style}]{outcome.status:>14}[/] {escape(str(outcome.path))}  {escape(outcome.detail)}",
                highlight=False,
                markup=True,
            )
        from watchkeeper.cli_lists import print_changes, print_summary  # noqa: PLC0415 - registered on import

        print_summary(settings, store)
        for source in store.sources():
            latest = store.version(source)
            print_changes(store.diff(source, after=latest.seq) if latest.seq > 1 else None, latest, limit=5)
    if customers is not None:
        import watchkeeper.cli_screening as screening  # noqa: PLC0415 - imports the matcher only when needed

        out.print(f"\nScreening the sample customer file {customers}:")
        screening.batch(
            customers,
            settings.home / "sample-alerts.csv",
            lists=None,
            as_of=None,
            threshold=DEFAULT_THRESHOLD,
            workers=None,
            restart=True,
            home=home,
            as_json=False,
        )
        screening.print_alerts(settings.home / "sample-alerts.csv")


def main() -> None:
    # Importing these registers their commands on the app (lists, entity; screen, batch, eval; serve, keys;
    # payments, vessels, shipments, rules; alerts, rescreen, runs, audit).
    import watchkeeper.cli_lists  # noqa: PLC0415
    import watchkeeper.cli_review  # noqa: PLC0415
    import watchkeeper.cli_screening  # noqa: PLC0415
    import watchkeeper.cli_service  # noqa: PLC0415
    import watchkeeper.cli_trade  # noqa: F401, PLC0415

    app()
