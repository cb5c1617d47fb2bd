"""`watchkeeper serve` and `watchkeeper keys`: the HTTP service and its API keys."""

from __future__ import annotations

import logging
import os
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

import typer
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
from watchkeeper.errors import InvalidInput
from watchkeeper.settings import open_stores
from watchkeeper.store.service import SCOPES

keys_app = typer.Typer(
    help="API keys for the HTTP service: `Authorization: ApiKey <token>`.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    open_read: Annotated[
        bool,
        typer.Option(
            "--open-read",
            envvar="WATCHKEEPER_OPEN_READ",
            help="Let read calls in without a key (a trusted network only).",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes, each with its own screening index; a list loaded through any "
            "of them (or the command line) is picked up by all within a second.",
        ),
    ] = 1,
    home: HomeOption = None,
) -> None:
    """Run the HTTP API (FastAPI under uvicorn): screening, yente-style /match, lists, batch jobs.

    Docs at /docs; /healthz answers when the process is up (naming the worker process),
    /readyz once lists are loaded. Every call but the health checks needs an API key
    (`watchkeeper keys create`) unless --open-read is given for reads. Sessions, CSRF tokens
    and API keys live in the store, so any worker answers any caller; one worker at a time
    runs the batch jobs.
    """
    import dataclasses  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415 - only the server needs it

    from watchkeeper.api.app import create_app  # noqa: PLC0415

    settings = settings_for(home)
    if open_read:
        settings = dataclasses.replace(settings, open_read=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The store reached and its migrations applied once, before any worker starts: a database
    # that is down or refuses the login is one clear error here, not a traceback per worker.
    with reported_errors(), open_stores(settings) as stores:
        stores.create_all()
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=False)
        return
    # Each worker process builds its app from the environment (uvicorn imports it by name).
    os.environ["WATCHKEEPER_HOME"] = str(settings.home)
    if settings.open_read:
        os.environ["WATCHKEEPER_OPEN_READ"] = "1"
    uvicorn.run(
        "watchkeeper.api.app:app_from_env",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        access_log=False,
    )


def parse_duration(text: str) -> timedelta:
    """`90d`, `12h`, `30m` → a duration."""
    found = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", text)
    if not found:
        raise InvalidInput(f"{text!r}: write a duration as 90d, 12h or 30m")
    number, unit = int(found.group(1)), found.group(2)
    return {"d": timedelta(days=number), "h": timedelta(hours=number), "m": timedelta(minutes=number)}[unit]


def parse_expiry(text: str) -> datetime:
    """A duration from now (`90d`) or a date (`2027-03-31`, the end of that day UTC)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return datetime.now(UTC) + parse_duration(text)
    return datetime.combine(day, time(23, 59, 59), UTC)


@keys_app.command("create")
def keys_create(
    scope: Annotated[
        str,
        typer.Option(
            help=f"One of {', '.join(SCOPES)}; write may also change stored customers, admin also load lists."
        ),
    ],
    label: Annotated[str, typer.Option(help="What the key is for, e.g. 'onboarding system'.")] = "",
    owner: Annotated[str, typer.Option(help="The user the key acts for (named in the audit trail).")] = "",
    expires: Annotated[
        str | None,
        typer.Option(help="When the key stops working: a duration (90d, 12h) or a date (2027-03-31)."),
    ] = None,
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Create an API key and print its token once; only a hash of it is stored.

    A key acting for a user stops working when that user is disabled. Give
    keys an expiry and rotate them (`keys rotate`) before it comes.
    """
    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        if owner:
            stores.users.user(owner)  # a key acts for an existing user, named in the audit trail
        key, token = stores.service.create_key(
            scope, label, owner, expires_at=parse_expiry(expires) if expires else None
        )
    if as_json:
        emit_json({**key.to_dict(), "token": token})
        return
    until = f", valid until {key.expires_at}" if key.expires_at else ""
    out.print(f"Created {key.scope} key {key.key_id}{until}. Send it as:", highlight=False)
    out.print(f"  Authorization: ApiKey {token}", highlight=False, soft_wrap=True)
    err.print("[yellow]The token is shown only now; store it safely.[/]")


@keys_app.command("list")
def keys_list(home: HomeOption = None, as_json: JsonFlag = False) -> None:
    """Every key: id, the token's first letters (to recognise a key seen in a config file), scope,
    label, owner, created, expires, last used, revoked. Tokens are never shown again."""
    settings = settings_for(home)
    with open_stores(settings) as stores:
        store = stores.service
        keys = store.keys()
    if as_json:
        emit_json([k.to_dict() for k in keys])
        return
    table = Table(
        "key", "token starts", "scope", "label", "owner", "created", "expires", "last used", "revoked"
    )
    for key in keys:
        table.add_row(
            key.key_id,
            key.shown_prefix + "…",
            key.scope,
            key.label,
            key.owner,
            key.created_at,
            (key.expires_at or "") + (" (expired)" if key.expired else ""),
            key.last_used_at or "never",
            key.revoked_at or "",
        )
    out.print(table)


@keys_app.command("rotate")
def keys_rotate(
    key_id: Annotated[str, typer.Argument(help="The key id shown by `keys list`.")],
    grace: Annotated[
        str, typer.Option(help="How long the old token keeps working (e.g. 24h; 0m ends it now).")
    ] = "24h",
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Issue a new token for a key's scope, label and owner; the old one expires after --grace.

    Deploy the new token, then let the old one lapse: no call fails in between.
    """
    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        store = stores.service
        key, token, old = store.rotate_key(key_id, grace=parse_duration(grace))
    if as_json:
        emit_json({**key.to_dict(), "token": token, "replaces": old.to_dict()})
        return
    out.print(f"New {key.scope} key {key.key_id} replaces {old.key_id}. Send it as:", highlight=False)
    out.print(f"  Authorization: ApiKey {token}", highlight=False, soft_wrap=True)
    out.print(f"Key {old.key_id} works until {old.expires_at}.", highlight=False)
    err.print("[yellow]The token is shown only now; store it safely.[/]")


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key id shown by `keys list`.")],
    home: HomeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Revoke a key: calls with it get 401 from now on."""
    settings = settings_for(home)
    with reported_errors(), open_stores(settings) as stores:
        store = stores.service
        key = store.revoke_key(key_id)
    if as_json:
        emit_json(key.to_dict())
        return
    out.print(f"Revoked key {key.key_id} ({key.scope}) at {key.revoked_at}.", highlight=False)


users_app = typer.Typer(help="Users of the web pages (analyst, supervisor, admin).", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Lower-case login name, e.g. alice.")],
    role: Annotated[
        str, typer.Option(help="analyst (decides alerts), supervisor (also confirms, re-screens), admin.")
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (scripts).")
    ] = False,
    user: Annotated[
        str, typer.Option("--user", envvar="WATCHKEEPER_USER", help="Who creates it (audit).")
    ] = "",
    home: HomeOption = None,
) -> None:
    """Create a user; the password is asked for (or read from stdin) and stored as a scrypt hash."""
    import getpass  # noqa: PLC0415
    import sys  # noqa: PLC0415

    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("Password: ")
    with reported_errors(), open_stores(settings_for(home)) as stores:
        store = stores.users
        created = store.create(username, role, password, actor=user or getpass.getuser())
    out.print(f"Created {created.role} {created.username}.", highlight=False)


@users_app.command("list")
def users_list(home: HomeOption = None, as_json: JsonFlag = False) -> None:
    """Every user with role and creation date."""

    with open_stores(settings_for(home)) as stores:
        store = stores.users
        users = store.users()
    if as_json:
        emit_json([u.__dict__ for u in users])
        return
    table = Table("user", "role", "created", "disabled")
    for u in users:
        table.add_row(u.username, u.role, u.created_at, "yes" if u.disabled else "")
    out.print(table)


@users_app.command("change")
def users_change(
    username: Annotated[str, typer.Argument(help="The user to change.")],
    role: Annotated[str | None, typer.Option(help="New role: analyst, supervisor or admin.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Set a new password read from standard input.")
    ] = False,
    disable: Annotated[
        bool | None, typer.Option("--disable/--enable", help="Stop (or restore) the user's access.")
    ] = None,
    user: Annotated[
        str, typer.Option("--user", envvar="WATCHKEEPER_USER", help="Who changes it (audit).")
    ] = "",
    home: HomeOption = None,
) -> None:
    """Change a user's role, password or access; written to the audit trail. Sessions end on a
    new password or when the user is disabled."""
    import getpass  # noqa: PLC0415
    import sys  # noqa: PLC0415

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with reported_errors(), open_stores(settings_for(home)) as stores:
        store = stores.users
        changed = store.change(
            username, actor=user or getpass.getuser(), role=role, password=password, disabled=disable
        )
    state = "disabled" if changed.disabled else "active"
    out.print(f"{changed.username}: {changed.role}, {state}.", highlight=False)
