"""`watchkeeper alerts`, `rescreen`, `runs` and `audit`: review work on stored screening runs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from watchkeeper.cli.common import (
    HomeOption,
    JsonFlag,
    app,
    emit_json,
    err,
    out,
    reported_errors,
    settings_for,
)
from watchkeeper.cli.screening import ThresholdOption, UserOption, acting_user
from watchkeeper.errors import InvalidInput
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.settings import open_stores
from watchkeeper.store.audit import AuditCheckpoint, AuditLog
from watchkeeper.store.review_records import OPEN_STATES, OUTCOMES

alerts_app = typer.Typer(
    help="Alerts raised by recorded runs: list, show, decide, confirm.", invoke_without_command=True
)
audit_app = typer.Typer(
    help="The tamper-evident audit trail: list, verify, export.", invoke_without_command=True
)
app.add_typer(alerts_app, name="alerts")
app.add_typer(audit_app, name="audit")

#: `audit verify` exit status when the chain is broken.
TAMPERED_EXIT = 4


@alerts_app.callback()
def alerts_overview(
    ctx: typer.Context,
    state: Annotated[list[str] | None, typer.Option(help="Only alerts in these states (repeatable).")] = None,
    entity: Annotated[str | None, typer.Option(help="Only alerts on this listed entity id.")] = None,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Alerts, oldest first: state, customer, listed entity, score. Default: the open ones."""
    if ctx.invoked_subcommand is not None:
        return
    with open_stores(settings_for(home)) as stores:
        review = stores.review
        alerts = review.alerts(state or list(OPEN_STATES), entity_id=entity)
    if as_json:
        emit_json([a.to_dict() for a in alerts])
        return
    table = Table("alert", "state", "customer", "listed entity", "score", "raised by run", "updated")
    for a in alerts:
        table.add_row(
            str(a.id), a.state, a.customer_id, a.entity_id, f"{a.score:.3f}", a.raised_run, a.updated_at
        )
    out.print(table)


@alerts_app.command("decide")
def alerts_decide(
    alert_id: Annotated[int, typer.Argument(help="The alert number.")],
    outcome: Annotated[str, typer.Argument(help=f"One of {', '.join(OUTCOMES)}.")],
    reason: Annotated[str, typer.Option(help="Why: the evidence the decision rests on (required).")],
    user: UserOption = "",
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Decide an alert. A false positive puts the pair on the good-guy list until the entity changes;
    with four-eyes review (WATCHKEEPER_FOUR_EYES=1) a true match or a false positive waits for a second
    user's `confirm`."""
    with reported_errors(), open_stores(settings_for(home)) as stores:
        review = stores.review
        alert = review.decide(alert_id, outcome, reason, acting_user(user))
    if as_json:
        emit_json(alert.to_dict())
        return
    out.print(f"alert {alert.id} is now {alert.state}", highlight=False)


@alerts_app.command("confirm")
def alerts_confirm(
    alert_id: Annotated[int, typer.Argument(help="The alert number.")],
    user: UserOption = "",
    home: HomeOption = None,
) -> None:
    """Confirm another user's true-match decision (four-eyes review)."""
    with reported_errors(), open_stores(settings_for(home)) as stores:
        review = stores.review
        alert = review.confirm(alert_id, acting_user(user))
    out.print(f"alert {alert.id} is now {alert.state}", highlight=False)


@alerts_app.command("show")
def alerts_show(
    alert_id: Annotated[int, typer.Argument(help="The alert number.")],
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """One alert with its decisions."""
    with reported_errors(), open_stores(settings_for(home)) as stores:
        review = stores.review
        alert = review.alert(alert_id)
        decisions = review.decisions(alert_id)
    if as_json:
        emit_json({**alert.to_dict(), "decisions": [d.__dict__ for d in decisions]})
        return
    out.print(
        f"alert {alert.id}: {alert.state} — customer {alert.customer_id} / {alert.entity_id} "
        f"({alert.score:.3f})",
        highlight=False,
    )
    for d in decisions:
        confirmed = f", confirmed by {d.confirmed_by} {d.confirmed_at}" if d.confirmed_by else ""
        out.print(f"  {d.at} {d.actor}: {d.outcome} — {d.reason}{confirmed}", highlight=False)


_SINCE = re.compile(r"^([a-z][a-z0-9-]+)@(\d+)$")


@app.command("rescreen")
def rescreen_command(
    since: Annotated[
        list[str] | None,
        typer.Option(help="Re-screen against changes after this version, e.g. ofac-sdn@3 (repeatable)."),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Screen every customer against everything (slow).")
    ] = False,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    user: UserOption = "",
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Re-screen the stored customers against the entities added or amended since the last re-screen.

    Only customers who could match a changed entity are screened (an index of
    the customers finds them); new alerts are raised, good-guy pairs whose
    listed entity changed are reopened, alerts on delisted entities are closed
    with the version as evidence.
    """
    from watchkeeper.review.jobs import rescreen  # noqa: PLC0415

    settings = settings_for(home)
    marks: dict[str, int] = {}
    for item in since or []:
        found = _SINCE.match(item)
        if found is None:
            err.print(
                f"[bold red]error:[/] --since {escape(repr(item))}: write SOURCE@VERSION, e.g. ofac-sdn@3"
            )
            raise typer.Exit(2)
        marks[found.group(1)] = int(found.group(2))
    with reported_errors(), open_stores(settings) as stores:
        store = stores.lists
        review = stores.review
        report = rescreen(
            store,
            review,
            home=settings.home,
            actor=acting_user(user),
            since=marks or None,
            full=full,
            threshold=threshold,
        )
    if as_json:
        emit_json(report.to_dict())
        return
    out.print(
        f"Re-screened {report.customers:,} customers ({report.mode}: {report.screened:,} screened) against "
        f"{report.changed} changed entities in {report.seconds:.2f} s: "
        f"{len(report.outcome.raised)} new alerts, "
        f"{len(report.outcome.reopened)} reopened, {report.outcome.suppressed} suppressed, "
        f"{len(report.delisted)} closed as delisted. Run {report.run_id}.",
        highlight=False,
    )


runs_app = typer.Typer(help="Recorded screening runs: list them, reproduce one.", invoke_without_command=True)
app.add_typer(runs_app, name="runs")


@runs_app.command("reproduce")
def runs_reproduce(
    run_id: Annotated[str, typer.Argument(help="The run, as `watchkeeper runs` lists it.")],
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Screen a recorded run's inputs again against the very list versions it used and compare.

    Exit status 0 when the results are the same, 1 when they differ (with the
    pairs that differ, and whether the matching code changed since).
    """
    from watchkeeper.review.jobs import reproduce  # noqa: PLC0415

    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        store = stores.lists
        review = stores.review
        found = reproduce(store, review, run_id, settings.home)
    if as_json:
        emit_json(found.to_dict())
    else:
        matcher = "same matching code" if found.same_matcher else "the matching code has changed since"
        verdict = "identical results" if found.identical else "DIFFERENT results"
        out.print(
            f"run {run_id}: {found.inputs} inputs, {found.stored} stored results — {verdict} ({matcher})",
            highlight=False,
        )
        for customer, entity in found.missing:
            out.print(f"  no longer found: {customer} → {entity}", highlight=False)
        for customer, entity in found.extra:
            out.print(f"  found now: {customer} → {entity}", highlight=False)
    if not found.identical:
        raise typer.Exit(1)


@runs_app.callback()
def runs_command(ctx: typer.Context, home: HomeOption = None, as_json: JsonFlag = False) -> None:
    """Recorded screening runs: kind, who, list versions, matcher, threshold, rows, alerts."""
    if ctx.invoked_subcommand is not None:
        return
    with open_stores(settings_for(home)) as stores:
        review = stores.review
        runs = review.runs()
    if as_json:
        emit_json([r.__dict__ for r in runs])
        return
    table = Table("run", "kind", "started", "by", "lists", "matcher", "threshold", "rows", "alerts")
    for r in runs:
        lists = ", ".join(f"{v['source']}@{v['seq']}" for v in r.lists)
        table.add_row(
            r.id,
            r.kind,
            r.started_at,
            r.actor,
            lists,
            r.matcher,
            f"{r.threshold}",
            str(r.rows),
            str(r.alerts),
        )
    out.print(table)


@audit_app.callback()
def audit_overview(
    ctx: typer.Context,
    last: Annotated[int, typer.Option(help="How many of the newest entries to show.")] = 20,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The newest audit entries: when, who, what, on what."""
    if ctx.invoked_subcommand is not None:
        return
    with open_stores(settings_for(home)) as stores:
        review = stores.review
        log = AuditLog(review.db)
        entries = log.entries()[-last:]
    if as_json:
        emit_json([e.to_dict() for e in entries])
        return
    table = Table("seq", "at", "actor", "action", "subject", "detail")
    for e in entries:
        table.add_row(str(e.seq), e.at, e.actor, e.action, e.subject, e.detail[:80])
    out.print(table)


@audit_app.command("checkpoint")
def audit_checkpoint(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write the checkpoint to this JSON file.")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Print the chain's head (entry number and hash) to keep outside the store.

    Whoever can write the store could rewrite entries and recompute every hash
    after them; they cannot change a hash already printed, e-mailed or filed
    in a ticket. `audit verify --checkpoint FILE` proves nothing before it changed.
    """
    with open_stores(settings_for(home)) as stores:
        review = stores.review
        checkpoint = AuditLog(review.db).checkpoint()
    text = json.dumps(checkpoint.to_dict(), indent=2)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
    out.print(text, highlight=False)


@audit_app.command("verify")
def audit_verify(
    checkpoint_file: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint", help="A checkpoint from `audit checkpoint`: prove nothing before it changed."
        ),
    ] = None,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Check the hash chain: any edited or deleted entry is named. Exit status 4 when broken."""
    checkpoint = None
    if checkpoint_file is not None:
        with reported_errors():
            try:
                checkpoint = AuditCheckpoint.from_dict(
                    json.loads(checkpoint_file.read_text(encoding="utf-8"))
                )
            except (OSError, json.JSONDecodeError) as exc:
                raise InvalidInput(f"{checkpoint_file}: cannot read the checkpoint: {exc}") from None
    with open_stores(settings_for(home)) as stores:
        review = stores.review
        report = AuditLog(review.db).verify(checkpoint)
    if as_json:
        emit_json(
            {
                "ok": report.ok,
                "entries": report.entries,
                "head": report.head,
                "problems": list(report.problems),
            }
        )
    elif report.ok:
        out.print(f"audit trail intact: {report.entries} entries, head {report.head}", highlight=False)
        if checkpoint is not None:
            out.print(
                f"entries 1–{checkpoint.seq} unchanged since the checkpoint of {checkpoint.at}",
                highlight=False,
            )
    else:
        for problem in report.problems:
            err.print(f"[bold red]tampered:[/] {escape(problem)}", highlight=False)
    if not report.ok:
        raise typer.Exit(TAMPERED_EXIT)


@audit_app.command("export")
def audit_export(
    path: Annotated[Path, typer.Argument(help="CSV file to write.")],
    home: HomeOption = None,
) -> None:
    """Write every audit entry, with its hashes, to a CSV file."""
    with open_stores(settings_for(home)) as stores:
        review = stores.review
        count = AuditLog(review.db).export_csv(path)
    out.print(f"{count} entries → {path}", highlight=False)
