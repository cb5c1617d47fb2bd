"""`watchkeeper db ...`: the store's schema migrations."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from watchkeeper.cli.common import HomeOption, JsonFlag, app, emit_json, out, reported_errors, settings_for
from watchkeeper.errors import NotFound
from watchkeeper.store.database import open_database
from watchkeeper.store.db import connect, prepare
from watchkeeper.store.migrations import LATEST, MIGRATIONS, applied, check_not_newer

db_app = typer.Typer(help="The store's schema: which migrations it has, and applying the missing ones.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(home: HomeOption = None, as_json: JsonFlag = False) -> None:
    """Apply the schema migrations the store lacks, in order, each in one transaction.

    A store written by an older Watchkeeper is upgraded in place, its rows kept; a store
    that does not exist yet is created. Opening a store for writing does the same, so this
    is for doing it at a chosen moment (before starting several API workers, say).
    """
    with reported_errors():
        settings = settings_for(home)
        path = settings.store_shown
        db = connect(settings.store_location, create=False)
        try:
            done = prepare(db)
        finally:
            db.close()
    if as_json:
        emit_json({"store": str(path), "applied": [m.number for m in done], "at": LATEST})
        return
    if not done:
        out.print(f"{path}: up to date at migration {LATEST}.", highlight=False)
    for migration in done:
        out.print(f"{path}: applied migration {migration.number}: {migration.name}", highlight=False)


@db_app.command("status")
def db_status(home: HomeOption = None, as_json: JsonFlag = False) -> None:
    """The migrations the store has (number, name, when applied) and those it lacks."""
    with reported_errors():
        settings = settings_for(home)
        path = settings.store_shown
        if not settings.database_url and not settings.store_path.exists():
            raise NotFound(f"{path}: no store here (run `watchkeeper db upgrade` or `make run`)")
        db = open_database(settings.store_location, read_only=True)
        try:
            check_not_newer(db, path)
            done = applied(db)
        finally:
            db.close()
    have = {m.number for m in done}
    missing = [m for m in MIGRATIONS if m.number not in have]
    if as_json:
        emit_json(
            {
                "store": str(path),
                "applied": [m.to_dict() for m in done],
                "pending": [{"number": m.number, "name": m.name} for m in missing],
            }
        )
        return
    table = Table(title=f"{path}: schema migrations", title_justify="left")
    for column in ("#", "migration", "applied"):
        table.add_column(column)
    for m in done:
        table.add_row(str(m.number), m.name, m.applied_at)
    for pending in missing:
        table.add_row(str(pending.number), pending.name, Text("pending", style="yellow"))
    out.print(table)
