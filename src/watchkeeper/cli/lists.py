"""`watchkeeper lists ...` and `watchkeeper entity ...`: loading, comparing and reading list versions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

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
from watchkeeper.errors import NotFound
from watchkeeper.fetch import fetch_source
from watchkeeper.jobs import summarise
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.model import EntityChange, ListVersion
from watchkeeper.settings import Settings, open_stores
from watchkeeper.sources import FORMATS, KNOWN_SOURCES, parse_list
from watchkeeper.store import ListDiff, SqliteStore
from watchkeeper.store.units import Stores

if TYPE_CHECKING:
    from watchkeeper.actions.watch import Link

lists_app = typer.Typer(
    help="Load, fetch and compare list versions. Without a subcommand: a table of loaded lists.",
    invoke_without_command=True,
)
app.add_typer(lists_app, name="lists")


# -- lists -------------------------------------------------------------------


def print_summary(settings: Settings, store: SqliteStore) -> None:
    summaries = summarise(store, settings.max_list_age_days)
    table = Table(title="Loaded lists", title_justify="left")
    for column in ("source", "versions", "published", "age", "listed", "by type", "last change"):
        table.add_column(
            column,
            justify="right" if column in {"versions", "listed", "age"} else "left",
            no_wrap=column in {"source", "published"},
            min_width=18 if column == "by type" else None,
        )
    for s in summaries:
        by_type = "\n".join(f"{k} {v:,}" for k, v in sorted(s.counts.items(), key=lambda kv: -kv[1]))
        age = Text(f"{s.age_days} d", style="red") if s.stale else f"{s.age_days} d"
        change = f"+{s.latest.added:,} −{s.latest.removed:,} ~{s.latest.amended:,}"
        if s.latest.partial:
            change += " (partial)"
        table.add_row(
            s.source,
            str(s.versions),
            s.latest.published.isoformat(),
            age,
            f"{s.latest.listed_count:,}",
            by_type,
            change,
        )
    out.print(table)
    for s in summaries:
        if s.stale:
            err.print(
                f"[yellow]warning:[/] {s.source} is {s.age_days} days old (newest version published "
                f"{s.latest.published}); limit {settings.max_list_age_days} days. "
                f"Run `watchkeeper lists fetch {s.source}`.",
                highlight=False,
            )


def print_changes(diff: ListDiff | None, version: ListVersion, limit: int) -> None:
    if diff is None:
        out.print(
            f"{version.label}: first version, {version.listed_count:,} entities listed", highlight=False
        )
        return
    out.print(
        f"{version.label}: {diff.count('added')} added, {diff.count('removed')} removed, "
        f"{diff.count('amended')} amended since {diff.before.label if diff.before else 'nothing'}",
        highlight=False,
    )
    if limit:
        _changes_table(diff.changes[:limit])


def _changes_table(changes: tuple[EntityChange, ...]) -> None:
    table = Table(show_lines=False)
    for column in ("change", "entity", "name", "fields"):
        table.add_column(column)
    for change in changes:
        fields = "; ".join(
            f"{f.field}: {', '.join(f.before) or '—'} → {', '.join(f.after) or '—'}"[:160]
            for f in change.fields
        )
        table.add_row(change.kind, change.entity_id, change.caption, fields)
    out.print(table)


@lists_app.callback()
def lists_overview(ctx: typer.Context, home: HomeOption = None, as_json: JsonFlag = False) -> None:
    """Sources, versions and counts; warns when a list is older than WATCHKEEPER_MAX_LIST_AGE_DAYS (7)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        store = stores.lists
        if as_json:
            emit_json([s.to_dict() for s in summarise(store, settings.max_list_age_days)])
            return
        if not store.sources():
            out.print("No lists loaded. Run `make run` or `watchkeeper lists load PATH`.")
            return
        print_summary(settings, store)


@lists_app.command("load")
def lists_load(
    path: Annotated[
        Path, typer.Argument(help="A list file (.csv, .xml, optionally .gz) or an OFAC CSV folder.")
    ],
    source: Annotated[
        str | None, typer.Option(help=f"Source name: {', '.join(KNOWN_SOURCES)} (sniffed when absent).")
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD when the file has none.")
    ] = None,
    partial: Annotated[
        bool | None,
        typer.Option("--partial/--full", help="A partial file adds and amends but never delists."),
    ] = None,
    allow_shrink: Annotated[
        bool, typer.Option(help="Import even if the list shrank by more than the limit.")
    ] = False,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Import one publication of a list as a new version.

    The whole file is parsed before anything is stored; any bad record stops
    the import with the file and line, and the store stays as it was. The
    same file twice, or a list that shrank by more than 10%, is refused.
    """
    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        store = stores.lists
        snapshot = parse_list(
            path, source=source, published=parse_date_option(published, "--published"), partial=partial
        )
        result = store.import_snapshot(snapshot, allow_shrink=allow_shrink, max_shrink=settings.max_shrink)
        links = link_announced(stores, settings.home / "index")
        if as_json:
            emit_json(
                {
                    "version": result.version.to_dict(),
                    "changes": [c.to_dict() for c in result.changes],
                    "linked_actions": [item.to_dict() for item in links],
                }
            )
            return
        v = result.version
        out.print(
            f"[green]imported[/] {escape(v.label)}: {v.record_count:,} records, {v.added:,} added, "
            f"{v.removed:,} removed, {v.amended:,} amended" + (" (partial)" if v.partial else ""),
            highlight=False,
            markup=True,
        )
        for item in links:
            out.print(_effective(item), highlight=False)


def _effective(link: Link) -> str:
    return f"action {link.action_id} is effective: {link.party} listed as {link.entity_id}"


def link_announced(stores: Stores, cache: Path) -> list[Link]:
    from watchkeeper.actions.watch import link_after_import  # noqa: PLC0415

    return link_after_import(stores.lists, stores.actions, threshold=DEFAULT_THRESHOLD, cache=cache)


@lists_app.command("history")
def lists_history(
    source: Annotated[str, typer.Argument(help="Source name, e.g. ofac-sdn.")],
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Every version of one source, oldest first."""
    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        store = stores.lists
        versions = store.versions(source)
        if not versions:
            raise NotFound(f"no versions of source {source!r}")
        if as_json:
            emit_json([v.to_dict() for v in versions])
            return
        table = Table(title=f"{source}: {len(versions)} versions", title_justify="left")
        for column in (
            "#",
            "published",
            "records",
            "listed",
            "added",
            "removed",
            "amended",
            "sha256",
            "imported",
        ):
            table.add_column(
                column, justify="right" if column not in {"published", "sha256", "imported"} else "left"
            )
        for v in versions:
            table.add_row(
                str(v.seq),
                v.published.isoformat() + (" (partial)" if v.partial else ""),
                f"{v.record_count:,}",
                f"{v.listed_count:,}",
                f"{v.added:,}",
                f"{v.removed:,}",
                f"{v.amended:,}",
                v.sha256[:12],
                v.imported_at,
            )
        out.print(table)


@lists_app.command("diff")
def lists_diff(
    source: Annotated[str, typer.Argument(help="Source name, e.g. ofac-sdn.")],
    from_version: Annotated[
        int | None, typer.Argument(metavar="FROM", help="Version number (default: TO − 1).")
    ] = None,
    to_version: Annotated[
        int | None, typer.Argument(metavar="TO", help="Version number (default: newest).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many changes (0: all).")] = 50,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """What changed between two versions: a summary, then each entity added, removed or amended."""
    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        store = stores.lists
        diff = store.diff(source, from_version, to_version)
        if as_json:
            emit_json(
                {
                    "source": source,
                    "from": diff.before.to_dict() if diff.before else None,
                    "to": diff.after.to_dict(),
                    "added": diff.count("added"),
                    "removed": diff.count("removed"),
                    "amended": diff.count("amended"),
                    "changes": [c.to_dict() for c in diff.changes],
                }
            )
            return
        print_changes(diff, diff.after, limit=0)
        _changes_table(diff.changes[:limit] if limit else diff.changes)
        if limit and len(diff.changes) > limit:
            out.print(f"… {len(diff.changes) - limit} more; use --limit 0 or --json for all")


@lists_app.command("was-listed")
def lists_was_listed(
    entity_id: Annotated[
        str, typer.Argument(metavar="ID", help="Entity id, e.g. ofac-sdn:26243 or un:KPi.033.")
    ],
    on: Annotated[str, typer.Option(help="The date in question, YYYY-MM-DD.")],
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Was this entity listed on that date? Answers with the list version that proves it.

    Exit status 0 when it was listed, 3 when it was not.
    """
    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        store = stores.lists
        day = parse_date_option(on, "--on")
        assert day is not None
        answer = store.was_listed(entity_id, day)
        if as_json:
            emit_json(
                {
                    "entity_id": entity_id,
                    "on": day.isoformat(),
                    "listed": answer.listed,
                    "version": answer.version.to_dict() if answer.version else None,
                    "listed_since": answer.first_listed.to_dict() if answer.first_listed else None,
                    "entity": answer.entity.to_dict() if answer.entity else None,
                }
            )
        elif answer.version is None:
            out.print(f"{entity_id}: no version of its list was in force on {day} (none published before)")
        elif answer.listed and answer.entity is not None and answer.first_listed is not None:
            out.print(
                f"[bold red]LISTED[/] {escape(entity_id)} ({escape(answer.entity.caption)}) on {day}: "
                f"in {escape(answer.version.label)}, "
                f"sha256 {answer.version.sha256[:12]}…, listed since {escape(answer.first_listed.label)}",
                highlight=False,
                markup=True,
            )
        else:
            out.print(
                f"[green]NOT LISTED[/] {escape(entity_id)} on {day}: "
                f"absent from {escape(answer.version.label)}, sha256 {answer.version.sha256[:12]}…",
                highlight=False,
                markup=True,
            )
        if not answer.listed:
            raise typer.Exit(3)


@lists_app.command("fetch")
def lists_fetch(
    sources: Annotated[
        list[str] | None,
        typer.Argument(metavar="[SOURCE]...", help="Sources to fetch (default: all with a URL)."),
    ] = None,
    allow_shrink: Annotated[
        bool, typer.Option(help="Import even if a list shrank by more than the limit.")
    ] = False,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Download lists from their official URLs and import what changed.

    Uses conditional GET (ETag / Last-Modified): an unchanged list is not
    downloaded again. Files go to a temporary folder, are parsed completely,
    and only then imported. URLs: WATCHKEEPER_URL_<SOURCE>, space-separated.
    """
    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        store = stores.lists
        results = []
        for source in sources or sorted(settings.urls):
            outcome = fetch_source(
                store,
                source,
                settings.urls.get(source, ()),
                settings.downloads,
                allow_shrink=allow_shrink,
                max_shrink=settings.max_shrink,
                max_bytes=settings.max_download_bytes,
            )
            results.append(outcome)
            if outcome.result is not None:
                for item in link_announced(stores, settings.home / "index"):
                    err.print(_effective(item), highlight=False)
            if not as_json:
                out.print(f"{outcome.source}: {outcome.status} — {outcome.detail}", highlight=False)
        if as_json:
            emit_json(
                [
                    {
                        "source": r.source,
                        "status": r.status,
                        "detail": r.detail,
                        "version": r.result.version.to_dict() if r.result else None,
                    }
                    for r in results
                ]
            )


@lists_app.command("formats")
def lists_formats() -> None:
    """The list layouts Watchkeeper reads, and the source each loads into by default."""
    table = Table()
    for column in ("format", "default source", "description"):
        table.add_column(column)
    for fmt in FORMATS:
        table.add_row(fmt.name, fmt.default_source, fmt.description)
    out.print(table)
