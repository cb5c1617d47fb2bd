"""`watchkeeper payments|vessels|shipments screen` and `watchkeeper rules`: the trade channels."""

from __future__ import annotations

from collections.abc import Sequence
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
    reported_errors,
    settings_for,
)
from watchkeeper.cli.screening import ListsOption, ThresholdOption, UserOption, acting_user, load_screener
from watchkeeper.errors import InvalidInput
from watchkeeper.jobs import bundled_data_dir
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.model import ListVersion
from watchkeeper.rules.book import RULE_KINDS, RuleBook
from watchkeeper.rules.vessels import looks_like_imo
from watchkeeper.settings import open_stores

if TYPE_CHECKING:
    from watchkeeper.ais.events import VesselEvent
    from watchkeeper.match.screener import Screener
    from watchkeeper.review.jobs import Subject
    from watchkeeper.screen.evidence import Hit

# The screeners are imported by the commands that screen, inside them: `rules` starts without them.

payments_app = typer.Typer(help="Screen payment messages: ISO 20022 pacs.008 / pain.001, SWIFT MT103.")
vessels_app = typer.Typer(help="Screen vessels by IMO number, name, MMSI or call sign.")
shipments_app = typer.Typer(help="Screen shipments: parties, vessel, goods (HS codes), ports, red flags.")
rules_app = typer.Typer(
    help="Rule files (banned goods, embargoes, advisory vessels, red flags), versioned like lists.",
    invoke_without_command=True,
)
app.add_typer(payments_app, name="payments")
app.add_typer(vessels_app, name="vessels")
app.add_typer(shipments_app, name="shipments")
app.add_typer(rules_app, name="rules")

#: Exit status when anything is held (or needs review): scripts can stop on it.
HELD_EXIT = 3


def _rules(home: Path | None) -> RuleBook:
    with open_stores(settings_for(home)) as stores:
        store = stores.rules
        return store.book()


RecordFlag = Annotated[
    bool,
    typer.Option("--record", help="Keep this screening as a run; hits on listed entities become alerts."),
]


def _record(
    home: Path | None,
    kind: str,
    subjects: Sequence[Subject],
    screener: Screener,
    versions: list[ListVersion],
    threshold: float,
    user: str,
) -> None:
    from watchkeeper.review.jobs import record_hits  # noqa: PLC0415

    settings = settings_for(home)
    with open_stores(settings) as stores:
        review = stores.review
        run_id, outcome = record_hits(
            review,
            kind=kind,
            subjects=subjects,
            entities={e.id: e for e in screener.index.entities},
            versions=[v.to_dict() for v in versions],
            threshold=threshold,
            actor=acting_user(user),
        )
    err.print(f"Recorded run {run_id}: {len(outcome.raised)} new alerts.", highlight=False)


def _events_table(events: list[VesselEvent]) -> Table:
    table = Table(title="behaviour from AIS (watchkeeper ais events)")
    for column in ("kind", "start", "end", "what"):
        table.add_column(column, overflow="fold")
    for event in events:
        table.add_row(event.kind, event.start, event.end, event.summary)
    return table


def _hits_table(title: str, hits: tuple[Hit, ...]) -> Table:
    table = Table(title=title, show_lines=False)
    for column in ("action", "kind", "field", "reason"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        style = "red" if hit.action == "hold" else "yellow"
        table.add_row(Text(hit.action, style=style), hit.kind, hit.field, hit.reason)
    return table


@payments_app.command("screen")
def payments_screen(
    files: Annotated[list[Path], typer.Argument(help="Message files: ISO 20022 XML or MT103 text.")],
    lists: ListsOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    record: RecordFlag = False,
    user: UserOption = "",
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Screen each party, agent, BIC and free-text field of each message; a verdict per message.

    Verdict `hold` when a listed party, a listed BIC, a listed name in the
    remittance or narrative text, or an embargoed country is found, and for a
    message that cannot be read (the field at fault is named); `pass`
    otherwise. Exit status 3 when any message is held.
    """
    from watchkeeper.review.jobs import payment_subject  # noqa: PLC0415
    from watchkeeper.screen.payments import PaymentScreener  # noqa: PLC0415

    with reported_errors():
        screener, _versions = load_screener(home, lists, None, threshold)
        payments = PaymentScreener(screener, _rules(home), threshold)
        verdicts = []
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InvalidInput(f"{path}: cannot read: {exc.strerror}") from None
            verdicts.append(payments.screen_bytes(data, str(path)))
        if record:
            subjects = [s for s in map(payment_subject, verdicts) if s is not None]
            _record(home, "payment", subjects, screener, _versions, threshold, user)
    if as_json:
        emit_json([v.to_dict() for v in verdicts])
    else:
        for verdict in verdicts:
            message = verdict.message
            head = Text.assemble(f"{verdict.source}: ", (verdict.verdict.upper(), "bold"))
            if message is not None:
                head.append(f"  {message.kind} {message.reference} {message.amount} {message.currency}")
            if verdict.error:
                head.append(f"  error at {verdict.error_field or 'start'}: {verdict.error}")
            out.print(head, highlight=False)
            if verdict.hits and not verdict.error:
                out.print(_hits_table("", verdict.hits))
    if any(v.verdict != "pass" for v in verdicts):
        raise typer.Exit(HELD_EXIT)


@vessels_app.command("screen")
def vessels_screen(
    vessel: Annotated[str, typer.Argument(help="IMO number (IMO 9114555 or 9114555) or vessel name.")],
    name: Annotated[str, typer.Option(help="The vessel's name, when the argument is its IMO.")] = "",
    mmsi: Annotated[str, typer.Option(help="MMSI (nine digits).")] = "",
    call_sign: Annotated[str, typer.Option(help="Call sign.")] = "",
    owner: Annotated[str, typer.Option(help="Registered owner, screened as a party.")] = "",
    operator: Annotated[str, typer.Option(help="Operator or manager, screened as a party.")] = "",
    lists: ListsOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Is this vessel listed, owned or operated by a listed party, or named in a DPRK advisory?

    The IMO number's check digit is verified first. The vessel's behaviour events from AIS (gaps,
    transfers, identity, zones, loitering: `watchkeeper ais events`) follow, when it has any.
    Exit status 3 when held.
    """
    from watchkeeper.screen.vessel_activity import activity_for  # noqa: PLC0415
    from watchkeeper.screen.vessels import VesselQuery, VesselScreener  # noqa: PLC0415

    imo = vessel if looks_like_imo(vessel) else ""
    query = VesselQuery(
        imo=imo,
        name=name or ("" if imo else vessel),
        mmsi=mmsi,
        call_sign=call_sign,
        owner=owner,
        operator=operator,
    )
    with reported_errors():
        query.check()
        screener, _versions = load_screener(home, lists, None, threshold)
        verdict = VesselScreener(screener, _rules(home), threshold).screen(query)
        events = activity_for(settings_for(home), bundled_data_dir()).events_of(query)
    if as_json:
        emit_json({**verdict.to_dict(), "events": [e.to_dict() for e in events]})
    else:
        out.print(f"{escape(vessel)}: [bold]{verdict.verdict.upper()}[/]", highlight=False, markup=True)
        if verdict.hits:
            out.print(_hits_table("", verdict.hits))
        if events:
            out.print(_events_table(events))
    if verdict.verdict != "pass":
        raise typer.Exit(HELD_EXIT)


@shipments_app.command("screen")
def shipments_screen(
    file: Annotated[Path, typer.Argument(help="Shipments as CSV (hs_codes separated by ;) or JSON.")],
    lists: ListsOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    record: RecordFlag = False,
    user: UserOption = "",
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Screen shipments: parties and vessel, goods against the UN DPRK bans and caps, embargoes, red flags.

    Fields: id, date, shipper, shipper_country, shipper_address, consignee,
    consignee_country, consignee_address, notify_party, notify_party_country,
    vessel_imo, vessel_name, port_of_loading, country_of_loading,
    port_of_discharge, country_of_discharge, hs_codes, goods_description,
    quantity, unit, sts_transfer_location, ais_gap_hours. Each hit cites the
    rule, resolution and paragraph. Verdict hold, review (red flags, goods
    named only by description) or pass; exit status 3 unless all pass.
    """
    from watchkeeper.review.jobs import shipment_subject  # noqa: PLC0415
    from watchkeeper.screen.shipments import ShipmentScreener, read_shipments  # noqa: PLC0415

    with reported_errors():
        shipments = read_shipments(file)
        screener, _versions = load_screener(home, lists, None, threshold)
        checker = ShipmentScreener(screener, _rules(home), threshold)
        verdicts = [checker.screen(s) for s in shipments]
        if record:
            _record(
                home,
                "shipment",
                [shipment_subject(v) for v in verdicts],
                screener,
                _versions,
                threshold,
                user,
            )
    if as_json:
        emit_json([v.to_dict() for v in verdicts])
    else:
        for verdict in verdicts:
            out.print(
                Text.assemble(f"shipment {verdict.shipment.id or '?'}: ", (verdict.verdict.upper(), "bold")),
                highlight=False,
            )
            if verdict.hits:
                out.print(_hits_table("", verdict.hits))
    if any(v.verdict != "pass" for v in verdicts):
        raise typer.Exit(HELD_EXIT)


@rules_app.callback()
def rules_overview(ctx: typer.Context, home: HomeOption = None, as_json: JsonFlag = False) -> None:
    """The rule files loaded, every version of each kind; `rules load KIND FILE` adds one."""
    if ctx.invoked_subcommand is not None:
        return
    with open_stores(settings_for(home)) as stores:
        store = stores.rules
        versions = store.versions()
    if as_json:
        emit_json(
            [
                {"kind": v.kind, "seq": v.seq, "name": v.name, "sha256": v.sha256, "loaded_at": v.loaded_at}
                for v in versions
            ]
        )
        return
    table = Table("kind", "version", "file", "loaded", "sha256")
    for v in versions:
        table.add_row(v.kind, str(v.seq), v.name, v.loaded_at, v.sha256[:12])
    out.print(table)


@rules_app.command("load")
def rules_load(
    kind: Annotated[str, typer.Argument(help="; ".join(f"{k}: {d}" for k, d in RULE_KINDS.items()))],
    path: Annotated[Path, typer.Argument(help="The rule file.")],
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Store a new version of a rule file, after reading it completely (a bad line is refused, named)."""
    with reported_errors(), open_stores(settings_for(home)) as stores:
        store = stores.rules
        loaded = store.import_file(kind, path)
    if as_json:
        emit_json({"kind": loaded.kind, "seq": loaded.seq, "name": loaded.name, "sha256": loaded.sha256})
        return
    out.print(f"[green]loaded[/] {escape(loaded.label)}", highlight=False, markup=True)
