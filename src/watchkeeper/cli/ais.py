"""`watchkeeper ais …`: load AIS files, detect behaviour, read events and tracks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
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
from watchkeeper.cli.screening import ListsOption, ThresholdOption, load_screener
from watchkeeper.errors import InvalidInput
from watchkeeper.jobs import bundled_data_dir
from watchkeeper.match.config import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from watchkeeper.ais.detection import DetectionRun
    from watchkeeper.screen.vessel_activity import ScreenedEvent, VesselActivity
    from watchkeeper.screen.vessels import VesselScreener

ais_app = typer.Typer(
    help="Vessel behaviour from AIS: load position reports, find dark periods (gap), ship-to-ship "
    "transfers (sts), identity tampering (identity), entries into watched zones (zone) and loitering "
    "(loiter); each event shown with the screening of the vessels in it.",
    no_args_is_help=True,
)
app.add_typer(ais_app, name="ais")

KindOption = Annotated[str | None, typer.Option("--kind", help="gap, sts, identity, zone or loiter.")]
VesselOption = Annotated[
    str | None, typer.Option("--vessel", help="IMO number (7 digits) or MMSI (9 digits).")
]
SinceOption = Annotated[str | None, typer.Option("--since", help="Only events ending on or after this date.")]
ScreenFlag = Annotated[
    bool, typer.Option("--screen/--no-screen", help="Screen the vessels of each event against the lists.")
]


def _activity(home: Path | None) -> VesselActivity:
    from watchkeeper.screen.vessel_activity import activity_for  # noqa: PLC0415

    return activity_for(settings_for(home), bundled_data_dir())


def _vessel_screener(home: Path | None, lists: str | None, threshold: float) -> VesselScreener:
    from watchkeeper.screen.vessels import VesselScreener  # noqa: PLC0415
    from watchkeeper.settings import open_stores  # noqa: PLC0415

    screener, _versions = load_screener(home, lists, None, threshold)
    with open_stores(settings_for(home)) as stores:
        rules = stores.rules.book()
    return VesselScreener(screener, rules, threshold)


def _detection_table(run: DetectionRun) -> Table:
    table = Table(title=f"events from {len(run.loads)} load(s)")
    for column in ("kind", "events", "seconds"):
        table.add_column(column, justify="right" if column != "kind" else "left")
    for kind, count in run.counts().items():
        table.add_row(kind, str(count), f"{run.seconds.get(kind, 0):.2f}")
    return table


def _detect(activity: VesselActivity, as_json: bool) -> DetectionRun:
    with Progress(
        TextColumn("detecting {task.description}"), console=err, disable=as_json, transient=True
    ) as bar:
        task = bar.add_task("", total=None)
        run = activity.detect(on_kind=lambda kind: bar.update(task, description=kind))
    if run.zones == 0:
        err.print(
            "warning: no watched zones in force, so no zone events: load them with "
            "`watchkeeper rules load watched-zones data/rules/zones/watched_zones.geojson` (make run does)"
        )
    return run


@ais_app.command("load")
def ais_load(
    files: Annotated[
        list[Path], typer.Argument(help="NMEA 0183 logs, MarineCadastre or Spire CSV; .gz accepted.")
    ],
    at: Annotated[
        str | None,
        typer.Option(
            help="UTC time (YYYY-MM-DDTHH:MM:SS) for NMEA sentences that carry none; else they are refused."
        ),
    ] = None,
    detect: Annotated[
        bool, typer.Option("--detect/--no-detect", help="Run the detectors after loading.")
    ] = True,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Load AIS files into the store under $WATCHKEEPER_HOME/ais, then run the detectors.

    The layout of each file is recognised from its content. Each file is loaded whole or not at
    all; the same file twice is skipped. Reports that fail a check (checksum, unmatched fragment,
    impossible position or speed, invalid MMSI, unreadable row) are counted per reason, with line
    samples, and never kept. Exit status 2 when a file could not be loaded (the others are).
    """
    undated_at = None
    if at is not None:
        try:
            undated_at = datetime.fromisoformat(at)
        except ValueError:
            with reported_errors():
                raise InvalidInput(f"--at: {at!r} is not a time (YYYY-MM-DDTHH:MM:SS)") from None
    activity = _activity(home)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, disable=as_json, transient=True) as bar:
        task = bar.add_task("loading", total=len(files))

        def advance(path: Path) -> None:
            bar.update(task, description=f"loading {path.name}", advance=1)

        outcomes = activity.load(files, undated_at, on_file=advance)
    run = _detect(activity, as_json) if detect and any(o.report for o in outcomes) else None
    if as_json:
        emit_json(
            {
                "files": [
                    {"file": o.path, "error": o.error or None, **(o.report.to_dict() if o.report else {})}
                    for o in outcomes
                ],
                "detection": {"counts": run.counts(), "seconds": run.seconds} if run else None,
            }
        )
    else:
        table = Table(title="AIS files")
        for column in ("file", "layout", "positions", "statics", "vessels", "refused", "days"):
            table.add_column(column, overflow="fold")
        for o in outcomes:
            if o.report is None:
                table.add_row(
                    Text(Path(o.path).name, style="red"), "", "", "", "", Text(o.error, style="red"), ""
                )
                continue
            r = o.report
            refused = ", ".join(f"{reason} {count}" for reason, count in sorted(r.rejected.items())) or "none"
            name = Path(o.path).name + (" (already loaded)" if r.already_loaded else "")
            table.add_row(
                name,
                r.layout,
                f"{r.positions:,}",
                f"{r.statics:,}",
                f"{r.vessels:,}",
                refused,
                ", ".join(r.days),
            )
        out.print(table)
        if run:
            out.print(_detection_table(run))
    if any(o.error for o in outcomes):
        raise typer.Exit(2)


@ais_app.command("detect")
def ais_detect(home: HomeOption = None, as_json: JsonFlag = False) -> None:
    """Run every detector over everything loaded, replacing the last run's events.

    Thresholds and the reason for each default are in each event's `thresholds` and in the
    README (Vessel behaviour from AIS).
    """
    with reported_errors():
        run = _detect(_activity(home), as_json)
    if as_json:
        emit_json({"counts": run.counts(), "seconds": run.seconds, "loads": run.loads})
    else:
        out.print(_detection_table(run))


def _events_table(items: list[ScreenedEvent]) -> Table:
    table = Table(title=f"{len(items)} events")
    for column in ("kind", "start", "end", "vessel", "other vessel", "what", "screening"):
        table.add_column(column, overflow="fold")
    for item in items:
        e = item.event
        verdict = item.to_dict()["verdict"]
        style = {"hold": "red", "review": "yellow"}.get(verdict, "")
        table.add_row(
            e.kind,
            e.start,
            e.end,
            e.vessel.label(),
            e.other.label() if e.other else "",
            e.summary,
            Text(verdict, style=style),
        )
    return table


@ais_app.command("events")
def ais_events(
    kind: KindOption = None,
    vessel: VesselOption = None,
    since: SinceOption = None,
    screen: ScreenFlag = True,
    lists: ListsOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The events of the last detection run, each with the screening of its vessels.

    A vessel is screened by its IMO number (when the check digit is right), name, MMSI and call
    sign: listed itself, owned by a listed party, or named in a DPRK shipping advisory. The
    screening column gives the worst verdict of the vessels in the event.
    """
    from watchkeeper.screen.vessel_activity import VesselKey  # noqa: PLC0415

    with reported_errors():
        activity = _activity(home)
        key = VesselKey.parse(vessel) if vessel else None
        events = activity.events(kind, key, parse_date_option(since, "--since"))
        screener = _vessel_screener(home, lists, threshold) if screen and events else None
        items = activity.screened(events, screener)
    if as_json:
        emit_json({"detection": activity.last_detection(), "events": [i.to_dict() for i in items]})
    else:
        out.print(_events_table(items))


@ais_app.command("track")
def ais_track(
    vessel: Annotated[
        str, typer.Argument(help="IMO number (7 digits; every MMSI that broadcast it) or MMSI.")
    ],
    since: SinceOption = None,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """A vessel's positions, oldest first, and its events."""
    from watchkeeper.screen.vessel_activity import VesselKey  # noqa: PLC0415

    with reported_errors():
        key = VesselKey.parse(vessel)
        activity = _activity(home)
        day = parse_date_option(since, "--since")
        track = activity.track(key, day)
        events = activity.events(vessel=key, since=day)
    if as_json:
        emit_json(
            {
                "vessel": vessel,
                "mmsis": activity.mmsis_of(key),
                "positions": track,
                "events": [e.to_dict() for e in events],
            }
        )
        return
    if not track:
        err.print(f"no positions of {vessel} in the AIS store")
        raise typer.Exit(1)
    table = Table(title=f"{vessel}: {len(track)} positions")
    for column in ("time", "mmsi", "lat", "lon", "knots", "course"):
        table.add_column(column, justify="right")
    for p in track:
        table.add_row(
            p["at"],
            str(p["mmsi"]),
            f"{p['lat']:.5f}",
            f"{p['lon']:.5f}",
            "" if p["sog"] is None else f"{p['sog']:.1f}",
            "" if p["cog"] is None else f"{p['cog']:.0f}",
        )
    out.print(table)
    if events:
        out.print(_events_table(activity.screened(events, None)))


@ais_app.command("risk")
def ais_risk(
    since: SinceOption = None,
    lists: ListsOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Vessels with events, riskiest first: listed (hold) before review before pass, then by the
    weighted count of their behaviour (transfers and zone entries 3, gaps and identity 2, loitering 1)."""
    with reported_errors():
        activity = _activity(home)
        ranked = activity.risk_summary(
            _vessel_screener(home, lists, threshold), parse_date_option(since, "--since")
        )
    if as_json:
        emit_json(ranked)
        return
    table = Table(title=f"{len(ranked)} vessels with behaviour events")
    for column in ("vessel", "mmsi", "imo", "screening", "events", "score", "why"):
        table.add_column(column, overflow="fold")
    for entry in ranked:
        vessel = entry["vessel"]
        style = {"hold": "red", "review": "yellow"}.get(entry["verdict"], "")
        events = ", ".join(f"{kind} {count}" for kind, count in entry["events"].items())
        table.add_row(
            vessel["name"] or "(no name)",
            str(vessel["mmsi"]),
            str(vessel["imo"] or ""),
            Text(entry["verdict"], style=style),
            events,
            str(entry["behaviour_score"]),
            "; ".join(entry["hits"]),
        )
    out.print(table)
