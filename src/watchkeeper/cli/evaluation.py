"""`watchkeeper eval`: accuracy on labelled queries, and its change against a saved baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from watchkeeper.cli.common import HomeOption, JsonFlag, app, emit_json, err, out, reported_errors
from watchkeeper.cli.screening import AsOfOption, ListsOption, ThresholdOption, load_screener, versions_text
from watchkeeper.errors import InvalidInput
from watchkeeper.match.config import DEFAULT_THRESHOLD


def read_baseline(path: Path) -> dict[str, object]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"--baseline {path}: cannot read it as a saved report ({exc})") from None
    if not isinstance(found, dict):
        raise InvalidInput(f"--baseline {path}: not a saved report")
    return found


def baseline_dict(now: dict[str, object], baseline: dict[str, object]) -> dict[str, object]:
    from watchkeeper.screen.evaluate import compare  # noqa: PLC0415

    deltas = compare(now, baseline)
    return {
        "lists": baseline.get("lists"),
        "same_lists": baseline.get("lists") == now.get("lists"),
        "same_alert_set": baseline.get("alert_set_sha256") == now.get("alert_set_sha256"),
        "same_scores": baseline.get("scores_sha256") == now.get("scores_sha256"),
        "kinds": {
            d.kind: {
                "before": d.before,
                "after": d.after,
                "points": round(d.points, 2),
                "announce": d.announce,
            }
            for d in deltas
        },
    }


def print_baseline(now: dict[str, object], baseline: dict[str, object], path: Path) -> None:
    found = baseline_dict(now, baseline)
    table = Table(title=f"Against the baseline {path}", title_justify="left")
    for column in ("kind", "baseline", "now", "change (points, + better)", ""):
        table.add_column(column, justify="left" if column in ("kind", "") else "right")
    kinds = found["kinds"]
    assert isinstance(kinds, dict)
    flagged = []
    for kind, row in kinds.items():
        before, after = row["before"], row["after"]
        table.add_row(
            kind,
            "new" if before is None else f"{before:.4f}",
            "gone" if after is None else f"{after:.4f}",
            f"{row['points'] or 0.0:+.2f}",
            "ANNOUNCE" if row["announce"] else "",
        )
        if row["announce"]:
            flagged.append(kind)
    out.print(table)
    if not found["same_lists"]:
        err.print(f"[yellow]the baseline was measured on other lists: {found['lists']}[/]")
    out.print(
        f"alert set {'unchanged' if found['same_alert_set'] else 'CHANGED'}, "
        f"scores {'unchanged' if found['same_scores'] else 'CHANGED'}",
        highlight=False,
    )
    if flagged:
        out.print(
            f"{len(flagged)} kinds moved by more than half a point: {', '.join(flagged)}; "
            "say so in the note of the change",
            highlight=False,
        )


@app.command("eval")
def eval_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Labelled query CSVs (query_id,schema,name,birth_date,country,expected,kind)."),
    ],
    lists: ListsOption = None,
    as_of: AsOfOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    baseline: Annotated[
        Path | None,
        typer.Option(help="A saved report (--save-baseline) to compare with: per-kind change in points."),
    ] = None,
    save_baseline: Annotated[
        Path | None, typer.Option(help="Write this run's report (rates, alert-set hashes) to this file.")
    ] = None,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Measure accuracy: recall per kind, false-alert rate on negatives, overall figures.

    An alert is any result at or above the threshold, at most 10 per query. A
    positive is found when one of its expected entities is alerted; a negative
    raises a false alert when anything is. With --baseline, each kind's change
    against the saved report is shown, and a change of more than half a point
    is flagged: it must be announced with the change that made it.
    """
    from watchkeeper.screen.evaluate import evaluate, read_labelled  # noqa: PLC0415

    with reported_errors():
        screener, versions = load_screener(home, lists, as_of, threshold)
        queries = [q for path in files for q in read_labelled(path)]
        columns = (TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=err, disable=as_json) as progress:
            task = progress.add_task("queries", total=len(queries))
            report = evaluate(screener, queries, progress=lambda done: progress.update(task, completed=done))
        saved = {**report.to_dict(), "lists": [v.label for v in versions], "files": [p.name for p in files]}
        if save_baseline is not None:
            save_baseline.write_text(json.dumps(saved, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        against = read_baseline(baseline) if baseline is not None else None
        if as_json:
            emit_json(
                {
                    **report.to_dict(),
                    "lists": [v.to_dict() for v in versions],
                    **({"baseline": baseline_dict(saved, against)} if against is not None else {}),
                }
            )
            return
        table = Table(
            title=f"Accuracy at threshold {threshold} against {versions_text(versions)}",
            title_justify="left",
        )
        for column in ("kind", "queries", "recall", "false alerts"):
            table.add_column(column, justify="left" if column == "kind" else "right")
        for kind in sorted(report.kinds.values(), key=lambda k: (not k.positive, k.kind)):
            table.add_row(
                kind.kind,
                f"{kind.total:,}",
                f"{kind.rate:.3f}" if kind.positive else "",
                "" if kind.positive else f"{kind.rate:.2%}",
            )
        positives = report.overall(True)[1]
        negatives = report.overall(False)[1]
        table.add_section()
        table.add_row("all positives", f"{positives:,}", f"{report.recall:.4f}", "")
        table.add_row("all negatives", f"{negatives:,}", "", f"{report.false_alert_rate:.2%}")
        out.print(table)
        out.print(
            json.dumps(
                {"recall": round(report.recall, 4), "false_alert_rate": round(report.false_alert_rate, 4)}
            )
        )
        if against is not None and baseline is not None:
            print_baseline(saved, against, baseline)
