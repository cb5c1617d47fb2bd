"""The `watchkeeper` command line.

Every command prints a table for people and, with `--json`, one JSON
document for programs. Errors go to stderr with the file and line at fault;
the exit status is 2 for bad input, 1 for anything else that failed, 3 when
something screened is held or needs review.

One module per group of commands, each registering on the app of `common`:
`run` (the main job), `lists` (lists), `entities` (entity), `screening`
(screen, batch), `evaluation` (eval), `service` (serve, keys), `trade`
(payments, vessels, shipments, rules), `review` (alerts, rescreen, runs,
audit, users).
"""

from __future__ import annotations


def main() -> None:
    # Importing the command modules registers their commands on the app.
    from watchkeeper.cli import (  # noqa: F401, PLC0415
        actions,
        ais,
        database,
        entities,
        evaluation,
        lists,
        review,
        run,
        screening,
        service,
        trade,
    )
    from watchkeeper.cli.common import app  # noqa: PLC0415

    app()
