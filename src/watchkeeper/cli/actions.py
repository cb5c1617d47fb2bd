"""`watchkeeper actions …`: sanctions actions, and the press releases and articles behind them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from watchkeeper.cli.common import (
    HomeOption,
    JsonFlag,
    app,
    emit_json,
    out,
    parse_date_option,
    reported_errors,
    settings_for,
)
from watchkeeper.cli.screening import ListsOption, ThresholdOption
from watchkeeper.errors import InvalidInput
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.settings import open_stores

if TYPE_CHECKING:
    from watchkeeper.screen.documents import DocumentReading

actions_app = typer.Typer(
    help="Sanctions actions: designations, delistings, announcements, packages on hold and withdrawals, "
    "with the press releases and articles that report them; `read` checks every party a document "
    "names against the lists.",
    no_args_is_help=True,
)
app.add_typer(actions_app, name="actions")

_STATUS_STYLE = {
    "confirmed": "bold red",
    "formerly-listed": "yellow",
    "possible-misspelling": "yellow",
    "not-listed": "green",
}


def _document_bytes(source: str) -> tuple[bytes, str, str | None]:
    from watchkeeper.documents.text import MAX_DOCUMENT_BYTES  # noqa: PLC0415

    if source.startswith(("http://", "https://")):
        from watchkeeper.fetch import fetch_document  # noqa: PLC0415

        return fetch_document(source, MAX_DOCUMENT_BYTES), source.rstrip("/").rsplit("/", 1)[-1], source
    path = Path(source)
    if not path.is_file():
        raise InvalidInput(f"{source}: no such file")
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            f"{source}: {path.stat().st_size:,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit"
        )
    return path.read_bytes(), path.name, None


@actions_app.command("read")
def read(
    source: Annotated[str, typer.Argument(help="A file (HTML, PDF, plain text) or an http(s) URL.")],
    on: Annotated[
        str | None,
        typer.Option("--date", help="The document's date, when it gives none or another (YYYY-MM-DD)."),
    ] = None,
    lists: ListsOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Read a press release or news article and check every party it names against the lists.

    The document's action (designation, delisting, advisory …), authority and date are read from
    its words; persons, companies, organisations and vessels it ties to the action are extracted
    (with aliases, IMO numbers and where they are based) and each is screened, today and as of
    the document's date. A party is CONFIRMED (listed: entity, list, the version that added it,
    score and why), FORMERLY-LISTED (listed on the document's date, not today), a POSSIBLE
    MISSPELLING of a listed entity (a candidate under the alert threshold, shown as such) or
    NOT-LISTED. Nothing is recorded.
    """
    from watchkeeper.screen.documents import read_and_verify  # noqa: PLC0415

    with reported_errors():
        day = parse_date_option(on, "--date")
        data, name, url = _document_bytes(source)
        settings = settings_for(home)
        chosen = [s.strip() for s in lists.split(",") if s.strip()] if lists else None
        with open_stores(settings) as stores:
            reading = read_and_verify(
                stores.lists,
                data,
                name,
                url=url,
                on=day,
                sources=chosen,
                threshold=threshold,
                cache=settings.home / "index",
            )
        if as_json:
            emit_json(reading.to_dict())
            return
        print_reading(reading)


def print_reading(reading: DocumentReading) -> None:
    document, claim = reading.document, reading.claim
    out.print(f"{document.title or document.name}", highlight=False)
    out.print(
        f"{claim.kind} by {claim.authority or 'an authority not named'}"
        f" on {reading.date or 'an unstated date'}; programmes: {', '.join(claim.programs) or 'none named'}",
        highlight=False,
    )
    out.print(
        f"Checked against {', '.join(v.label for v in reading.lists)}"
        + (
            f" and, as of {reading.date}, {', '.join(v.label for v in reading.lists_then)}"
            if reading.lists_then
            else ""
        )
        + f"; alert threshold {reading.threshold}",
        highlight=False,
    )
    if not reading.checks:
        out.print("The document names no party tied to a sanctions action.")
        return
    table = Table()
    for column in ("party", "type", "status", "listed entity", "list", "since", "score", "why"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for check in reading.checks:
        party, match = check.party, check.match
        named = party.name + (f" (IMO {party.imo})" if party.imo else "")
        if party.aliases:
            named += f" a.k.a. {', '.join(party.aliases)}"
        table.add_row(
            named,
            party.schema,
            Text(check.status, style=_STATUS_STYLE[check.status]),
            f"{match.caption} [{match.entity_id}]" if match else "",
            match.source if match else "",
            f"{match.listed_since} ({match.added_by_version})" if match and match.listed_since else "",
            f"{match.score:.2f}" if match else "",
            match.explanation if match else "",
        )
    out.print(table)
