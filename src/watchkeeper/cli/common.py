"""What every command of the `watchkeeper` command line shares: the app, the consoles, the
common options, error reporting and JSON output. Each command module registers its commands on
`app`; none imports another's package but this one (and `screening` for the screening options)."""

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
from watchkeeper.errors import InvalidInput, WatchkeeperError, exit_status
from watchkeeper.settings import Settings

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


def _fail(exc: WatchkeeperError) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    raise typer.Exit(exit_status(exc))


@contextmanager
def reported_errors() -> Iterator[None]:
    try:
        yield
    except WatchkeeperError as exc:
        _fail(exc)


def emit_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def parse_date_option(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(InvalidInput(f"{option}: {value!r} is not a date (YYYY-MM-DD)"))


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="WATCHKEEPER_DATABASE_URL",
            help="Keep the store in this PostgreSQL database (postgresql://user:password@host/db) "
            "instead of the SQLite file under --home; every command, API worker and batch shares it.",
            show_envvar=True,
        ),
    ] = None,
) -> None:
    if database_url:
        # Read by Settings.from_env here and in every process this one starts (API workers, batches).
        os.environ["WATCHKEEPER_DATABASE_URL"] = database_url
    if version:
        out.print(f"watchkeeper {__version__}")
        raise typer.Exit()
