"""`watchkeeper run`: the main job of `make run`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from watchkeeper.cli import screening
from watchkeeper.cli.common import (
    HomeOption,
    JsonFlag,
    app,
    emit_json,
    out,
    reported_errors,
    settings_for,
)
from watchkeeper.cli.lists import print_changes, print_summary
from watchkeeper.jobs import SAMPLE_CUSTOMERS, bundled_data_dir, load_bundled, load_bundled_rules, summarise
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.settings import open_stores


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
    with reported_errors(), open_stores(settings) as stores:
        store = stores.lists
        outcomes = load_bundled(store, data_dir)
        rules = stores.rules
        outcomes += load_bundled_rules(rules, data_dir)
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
        print_summary(settings, store)
        for source in store.sources():
            latest = store.version(source)
            print_changes(store.diff(source, after=latest.seq) if latest.seq > 1 else None, latest, limit=5)
    if customers is not None:
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
