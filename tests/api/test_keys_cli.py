"""`watchkeeper keys` and `watchkeeper serve --help`, as users run them."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.backend import ON_POSTGRES, store_at
from tests.live_server import LiveServer, copy_home
from tests.support import wk
from watchkeeper.store.database import open_database
from watchkeeper.store.service import ServiceStore


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    created = json.loads(
        wk(tmp_path, "keys", "create", "--scope", "admin", "--label", "onboarding", "--json").stdout
    )
    token = created["token"]
    assert token.startswith(f"wk_{created['key_id']}_")
    assert created["scope"] == "admin"
    # Only a hash is kept: the token itself appears nowhere in the store.
    db = open_database(store_at(tmp_path))
    rows = [repr(r) for table in db.tables() for r in db.execute(f"SELECT * FROM {table}")]
    db.close()
    assert rows
    assert not [r for r in rows if token in r]
    if not ON_POSTGRES:
        assert token.encode() not in (tmp_path / "watchkeeper.sqlite").read_bytes()
    store = ServiceStore(store_at(tmp_path))
    try:
        assert store.key_for_token(token) is not None
        assert store.key_for_token(token + "x") is None
    finally:
        store.close()
    listed = json.loads(wk(tmp_path, "keys", "list", "--json").stdout)
    assert [(k["key_id"], k["label"], k["revoked_at"]) for k in listed] == [
        (created["key_id"], "onboarding", None)
    ]
    table = wk(tmp_path, "keys", "list").stdout
    assert created["key_id"] in table
    assert token not in table
    revoked = json.loads(wk(tmp_path, "keys", "revoke", created["key_id"], "--json").stdout)
    assert revoked["revoked_at"]


def test_bad_scope_and_unknown_key_are_clear_errors(tmp_path: Path) -> None:
    bad = wk(tmp_path, "keys", "create", "--scope", "root", check=False)
    assert bad.returncode == 2
    assert "scope 'root': choose one of read, write, admin" in bad.stderr
    missing = wk(tmp_path, "keys", "revoke", "deadbeef", check=False)
    assert missing.returncode == 2
    assert "no API key 'deadbeef'" in missing.stderr


def test_serve_help_reads_like_a_manual(tmp_path: Path) -> None:
    result = wk(tmp_path, "serve", "--help")
    assert "/readyz once" in result.stdout
    assert "--open-read" in result.stdout


def test_a_key_made_on_the_command_line_opens_the_api(loaded_home: Path, tmp_path: Path) -> None:
    home = copy_home(loaded_home, tmp_path / "home")
    token = json.loads(wk(home, "keys", "create", "--scope", "read", "--json").stdout)["token"]
    live = LiveServer(home)
    live.start()
    try:
        answer = httpx.post(
            f"{live.url}/screen", json={"name": "Kim Jong Un"}, headers={"Authorization": f"ApiKey {token}"}
        )
        assert answer.status_code == 200
        key_id = token.split("_")[1]
        wk(home, "keys", "revoke", key_id)
        again = httpx.post(
            f"{live.url}/screen", json={"name": "Kim Jong Un"}, headers={"Authorization": f"ApiKey {token}"}
        )
        assert again.status_code == 401
    finally:
        live.stop()


def test_keys_expire_and_rotate_on_the_command_line(tmp_path: Path) -> None:
    created = json.loads(
        wk(
            tmp_path, "keys", "create", "--scope", "read", "--expires", "90d", "--label", "crm", "--json"
        ).stdout
    )
    assert created["expires_at"] > created["created_at"]
    assert created["token"].startswith(created["prefix"].removesuffix("…"))
    table = wk(tmp_path, "keys", "list").stdout
    assert created["prefix"].removesuffix("…") in table  # identifiable without the token
    assert created["token"] not in table
    rotated = json.loads(wk(tmp_path, "keys", "rotate", created["key_id"], "--grace", "2h", "--json").stdout)
    assert (rotated["scope"], rotated["label"]) == ("read", "crm")
    assert rotated["key_id"] != created["key_id"]
    assert rotated["replaces"]["expires_at"] < created["expires_at"]  # the old one lapses after the grace
    past = wk(tmp_path, "keys", "create", "--scope", "read", "--expires", "2001-01-01", check=False)
    assert past.returncode == 2
    assert "in the past" in past.stderr
    bad = wk(tmp_path, "keys", "create", "--scope", "read", "--expires", "soon", check=False)
    assert bad.returncode == 2
    assert "90d, 12h or 30m" in bad.stderr
