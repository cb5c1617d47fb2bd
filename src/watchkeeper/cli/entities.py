"""`watchkeeper entity`: one listed entity, as listed now or on a past date, with its listing history."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

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
from watchkeeper.model import Entity
from watchkeeper.settings import open_stores

entity_app = typer.Typer(help="Look at one listed entity.", no_args_is_help=True)
app.add_typer(entity_app, name="entity")


def _entity_table(entity: Entity) -> Table:
    table = Table(
        title=f"{entity.id} — {entity.caption} ({entity.schema})", title_justify="left", show_header=False
    )
    table.add_column("field", style="bold")
    table.add_column("values")
    for prop, values in sorted(entity.properties.items()):
        table.add_row(prop, "\n".join(values))
    for doc in entity.documents:
        detail = " ".join(x for x in (doc.number, f"({doc.country})" if doc.country else "", doc.note) if x)
        table.add_row(doc.label or doc.kind, detail)
    return table


@entity_app.command("show")
def entity_show(
    entity_id: Annotated[
        str, typer.Argument(metavar="ID", help="Entity id, e.g. ofac-sdn:26243 or un:KPi.033.")
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Show the entity as listed on this date.")
    ] = None,
    record: Annotated[bool, typer.Option(help="Also print the publisher's original record.")] = False,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """One entity with every field, as listed now or on a past date, and its listing history."""
    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        store = stores.lists
        entity = store.entity(entity_id, parse_date_option(as_of, "--as-of"))
        history = store.history(entity_id)
        if as_json:
            emit_json(
                {
                    "entity": entity.to_dict(),
                    "history": [
                        {"from": f.to_dict(), "until": u.to_dict() if u else None} for f, u, _ in history
                    ],
                }
            )
            return
        out.print(_entity_table(entity))
        for since, until, _ in history:
            out.print(f"  {since.label} → {until.label if until else 'current'}", highlight=False)
        if record:
            out.print(entity.record, highlight=False, markup=False)
