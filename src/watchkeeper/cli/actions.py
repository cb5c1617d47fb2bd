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
from watchkeeper.cli.screening import ListsOption, ThresholdOption, UserOption, acting_user
from watchkeeper.errors import InvalidInput
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.settings import open_stores

if TYPE_CHECKING:
    from watchkeeper.model.actions import SanctionsAction
    from watchkeeper.screen.documents import DocumentReading


actions_app = typer.Typer(
    help="Sanctions actions: designations, delistings, announcements, packages on hold and withdrawals, "
    "with the press releases and articles that report them; `read` checks every party a document "
    "names against the lists. Without a subcommand: the timeline, newest first.",
    invoke_without_command=True,
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
    record: Annotated[
        bool, typer.Option("--record", help="Keep the document and its verified parties as an action.")
    ] = False,
    user: UserOption = "",
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
    NOT-LISTED. With --record the document (its text and SHA-256) and its parties are kept as an
    action in the timeline, and the recording enters the audit trail; otherwise nothing is kept.
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
            recorded = None
            if record:
                from watchkeeper.actions.recording import record_reading  # noqa: PLC0415

                recorded = record_reading(stores.actions, reading, acting_user(user), day)
        if as_json:
            emit_json({**reading.to_dict(), "recorded": recorded.id if recorded else None})
            return
        print_reading(reading)
        if recorded:
            out.print(f"Recorded as action {recorded.id} ({recorded.status}).", highlight=False)


def print_reading(reading: DocumentReading) -> None:
    document, claim = reading.document, reading.claim
    out.print(f"{document.title or document.name}", highlight=False)
    out.print(
        f"{claim.describe()}"
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
    from watchkeeper.documents.places import describe_places  # noqa: PLC0415 - loads country names

    table = Table()
    for column in ("party", "type", "where", "status", "listed entity", "list", "since", "score", "why"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for check in reading.checks:
        party, match = check.party, check.match
        named = party.name + (f" (IMO {party.imo})" if party.imo else "")
        if party.aliases:
            named += f" a.k.a. {', '.join(party.aliases)}"
        table.add_row(
            named,
            party.schema,
            describe_places(party.countries, party.nationalities, party.address),
            Text(check.status, style=_STATUS_STYLE[check.status]),
            f"{match.caption} [{match.entity_id}]" if match else "",
            match.source if match else "",
            f"{match.listed_since} ({match.added_by_version})" if match and match.listed_since else "",
            f"{match.score:.2f}" if match else "",
            match.explanation if match else "",
        )
    out.print(table)


@actions_app.callback()
def actions_timeline(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Only actions on or after this date.")] = None,
    authority: Annotated[
        str | None, typer.Option("--authority", help="OFAC, State, UN Security Council, EU, UK.")
    ] = None,
    origin: Annotated[
        str | None, typer.Option("--origin", help="list (shown by list versions), document or manual.")
    ] = None,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The timeline of actions, newest first: those list versions show (one per version and
    programme, with the entities added, removed and amended), those read from documents and those
    entered by hand, each with its status."""
    if ctx.invoked_subcommand is not None:
        return
    from watchkeeper.actions.recording import timeline  # noqa: PLC0415

    with reported_errors():
        day = parse_date_option(since, "--since")
        with open_stores(settings_for(home)) as stores:
            found = timeline(stores.lists, stores.actions, since=day, authority=authority, origin=origin)
        if as_json:
            emit_json({"actions": [_summary(a) for a in found]})
            return
        table = Table(title=f"{len(found)} actions" + (f" since {day}" if day else ""))
        for column in ("date", "id", "authority", "kind", "status", "title", "parties"):
            table.add_column(column, justify="right" if column == "parties" else "left")
        for action in found:
            table.add_row(
                action.day.isoformat(),
                action.id,
                action.authority,
                action.kind,
                action.status,
                action.title,
                str(len(action.parties)),
            )
        out.print(table)


def _summary(action: SanctionsAction) -> dict[str, object]:
    data = action.to_dict()
    data["parties"] = len(action.parties)
    return data


@actions_app.command("show")
def show(
    action_id: Annotated[
        str, typer.Argument(help="An action id: A12 (recorded) or L:ofac-sdn@7:PROGRAM (a list's).")
    ],
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """One action whole: its documents, its parties with their standing on the lists and the
    entity each resolved to, and its status timeline with the list versions that show it."""
    from watchkeeper.actions.recording import find_action  # noqa: PLC0415

    with reported_errors():
        with open_stores(settings_for(home)) as stores:
            action = find_action(stores.lists, stores.actions, action_id)
        if as_json:
            emit_json(action.to_dict())
            return
        print_action(action)


def print_action(action: SanctionsAction) -> None:
    out.print(f"{action.id}: {action.title}", highlight=False)
    out.print(
        f"{action.kind} by {action.authority} on {action.day}; status {action.status}; "
        f"programmes: {', '.join(action.programs) or 'none named'}; from {action.origin}",
        highlight=False,
    )
    if action.note:
        out.print(f"Note: {action.note}", highlight=False)
    for document in action.documents:
        out.print(f"Document: {document.name} ({document.format}, sha256 {document.sha256})", highlight=False)
    status = Table(title="Status")
    for column in ("date", "status", "list version", "note"):
        status.add_column(column)
    for change in action.timeline:
        status.add_row(change.day.isoformat(), change.status, change.version or "", change.note)
    out.print(status)
    from watchkeeper.documents.places import describe_places  # noqa: PLC0415 - loads country names

    parties = Table(title="Parties")
    for column in ("party", "type", "where", "standing", "entity", "version", "why"):
        parties.add_column(column)
    for party in action.parties:
        parties.add_row(
            party.name + (f" (IMO {party.imo})" if party.imo else ""),
            party.schema,
            describe_places(party.countries, party.nationalities, party.address),
            party.standing,
            party.entity_id or "",
            party.version or "",
            party.explanation,
        )
    out.print(parties)


@actions_app.command("add")
def add(
    kind: Annotated[str, typer.Option("--kind", help="announcement, on-hold or withdrawal.")],
    authority: Annotated[
        str, typer.Option("--authority", help="OFAC, State, UN Security Council, EU or UK.")
    ],
    on: Annotated[str, typer.Option("--date", help="When it was announced (YYYY-MM-DD).")],
    note: Annotated[str, typer.Option("--note", help="What was announced, and where it was reported.")],
    party: Annotated[
        list[str] | None, typer.Option("--party", help="A party the action names (repeat for several).")
    ] = None,
    document: Annotated[
        list[Path] | None, typer.Option("--document", help="A document reporting it (read and verified).")
    ] = None,
    title: Annotated[
        str, typer.Option("--title", help="A short title (default: the note's first line).")
    ] = "",
    closes: Annotated[
        list[str] | None,
        typer.Option(
            "--closes", help="A withdrawal: the action it reverses (A12); its parties leave the watch."
        ),
    ] = None,
    user: UserOption = "",
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Record an action no list file shows: an announced designation, a package put on hold, a
    withdrawal or reversal. The parties named, and those of any document given, are kept with
    their standing on the lists. The recording enters the audit trail."""
    from watchkeeper.actions.recording import manual_action, record_manual  # noqa: PLC0415
    from watchkeeper.screen.documents import check_names, read_and_verify  # noqa: PLC0415

    with reported_errors():
        day = parse_date_option(on, "--date")
        assert day is not None
        settings = settings_for(home)
        cache = settings.home / "index"
        with open_stores(settings) as stores:
            readings = []
            for path in document or ():
                if not path.is_file():
                    raise InvalidInput(f"{path}: no such file")
                readings.append(
                    read_and_verify(stores.lists, path.read_bytes(), path.name, on=day, cache=cache)
                )
            checks = check_names(stores.lists, [p for p in party or () if p.strip()], on=day, cache=cache)
            action = manual_action(kind, authority, day, note, checks, title, readings)
            texts = {r.document.sha256: r.document.text for r in readings}
            recorded = record_manual(
                stores.actions, action, acting_user(user), texts=texts, closes=closes or ()
            )
        if as_json:
            emit_json(recorded.to_dict())
            return
        out.print(f"Recorded action {recorded.id} ({recorded.status}).", highlight=False)


@actions_app.command("link")
def link(
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    user: UserOption = "",
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Link open announced and on-hold actions to the list versions that now list their parties:
    each such action becomes EFFECTIVE in that version, and its parties leave the `announced` watch.
    Run after loading a list (the main job does)."""
    from watchkeeper.actions.watch import link_actions  # noqa: PLC0415

    with reported_errors():
        settings = settings_for(home)
        with open_stores(settings) as stores:
            links = link_actions(
                stores.lists,
                stores.actions,
                acting_user(user),
                threshold=threshold,
                cache=settings.home / "index",
            )
        if as_json:
            emit_json({"links": [item.to_dict() for item in links]})
            return
        if not links:
            out.print("No announced or on-hold action has parties on a list yet.")
            return
        for item in links:
            out.print(
                f"{item.action_id}: {item.party} is listed as {item.entity_id} by {item.version}",
                highlight=False,
            )
