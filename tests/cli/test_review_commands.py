"""The review commands as users run them: record, decide, re-screen, verify the audit trail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.backend import store_at, store_env
from tests.support import shared, wk
from watchkeeper.store.database import open_database


def test_record_decide_rescreen_and_audit(tmp_path: Path) -> None:
    wk(tmp_path, "lists", "load", str(shared("ofac/sdn-history/sdn-2022-02-03.csv.gz")))
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,type,dob,country,identifier\nC1,Kim Jong Un,person,,,\n"
        "C2,Acme Widgets Ltd,organization,,,\n",
        encoding="utf-8",
    )
    recorded = wk(
        tmp_path, "batch", str(customers), "-o", str(tmp_path / "alerts.csv"), "--record", "--user", "alice"
    )
    assert "Recorded run batch-" in recorded.stdout
    alerts = json.loads(wk(tmp_path, "alerts", "--json").stdout)
    kim = next(a for a in alerts if a["entity_id"] == "ofac-sdn:20157")
    assert kim["customer_id"] == "C1"

    no_reason = wk(tmp_path, "alerts", "decide", str(kim["id"]), "true_match", "--reason", " ", check=False)
    assert no_reason.returncode == 2
    assert "needs a reason" in no_reason.stderr
    decided = json.loads(
        wk(
            tmp_path,
            "alerts",
            "decide",
            str(kim["id"]),
            "true_match",
            "--reason",
            "same DOB",
            "--user",
            "alice",
            "--json",
        ).stdout
    )
    assert decided["state"] == "true_match"

    wk(tmp_path, "lists", "load", str(shared("ofac/sdn-history/sdn-2022-03-01.csv.gz")))
    batch_run = json.loads(wk(tmp_path, "runs", "--json").stdout)[0]["id"]
    # The run is reproduced against the version it used, not the one loaded since.
    again = json.loads(wk(tmp_path, "runs", "reproduce", batch_run, "--json").stdout)
    assert again["identical"] is True
    assert again["same_matcher"] is True
    assert again["stored_results"] == 2
    report = json.loads(wk(tmp_path, "rescreen", "--user", "ops", "--json").stdout)
    assert report["changed_entities"] == 182
    assert report["customers"] == 2
    runs = json.loads(wk(tmp_path, "runs", "--json").stdout)
    assert [r["kind"] for r in runs] == ["batch", "rescreen"]
    assert runs[0]["lists"][0]["sha256"]

    verified = wk(tmp_path, "audit", "verify")
    assert "audit trail intact" in verified.stdout
    export = tmp_path / "audit.csv"
    wk(tmp_path, "audit", "export", str(export))
    lines = export.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "seq,at,actor,action,subject,detail,prev_hash,hash"
    assert any(",alice,alert.decide," in line for line in lines)

    db = open_database(store_at(tmp_path))
    db.execute("UPDATE audit SET actor = 'mallory' WHERE action = 'alert.decide'")
    db.close()
    tampered = wk(tmp_path, "audit", "verify", check=False)
    assert tampered.returncode == 4
    assert "content changed after it was written (alert.decide" in tampered.stderr


def test_users_create_change_and_the_audit_trail(tmp_path: Path) -> None:
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "watchkeeper",
            "users",
            "create",
            "dora",
            "--role",
            "analyst",
            "--password-stdin",
        ],
        input="a long enough password\n",
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "WATCHKEEPER_HOME": str(tmp_path),
            "WATCHKEEPER_USER": "admin1",
            **store_env(tmp_path),
        },
        check=True,
    )
    assert "Created analyst dora." in created.stdout
    short = wk(tmp_path, "users", "create", "eve", "--role", "analyst", "--password-stdin", check=False)
    assert short.returncode == 2
    assert "at least 10 characters" in short.stderr
    wk(tmp_path, "users", "change", "dora", "--role", "supervisor", "--disable", "--user", "admin1")
    users = json.loads(wk(tmp_path, "users", "list", "--json").stdout)
    assert [(u["username"], u["role"], u["disabled"]) for u in users] == [("dora", "supervisor", True)]
    entries = json.loads(wk(tmp_path, "audit", "--json").stdout)
    assert [(e["actor"], e["action"], e["subject"]) for e in entries] == [
        ("admin1", "user.create", "user:dora"),
        ("admin1", "user.change", "user:dora"),
    ]
    assert entries[1]["detail"] == {"role": "supervisor", "disabled": True}
    bad_key = wk(tmp_path, "keys", "create", "--scope", "read", "--owner", "nobody", check=False)
    assert bad_key.returncode == 2
    assert "no user 'nobody'" in bad_key.stderr


def test_an_audit_checkpoint_catches_a_recomputed_chain(tmp_path: Path) -> None:
    """Whoever can write the store can rewrite an entry and recompute every hash after it: `verify`
    alone then passes, a checkpoint kept elsewhere does not."""
    from watchkeeper.store.audit import entry_hash  # noqa: PLC0415
    from watchkeeper.store.users import UserStore  # noqa: PLC0415

    users = UserStore(store_at(tmp_path))
    users.create("alice", "analyst", "correct horse battery")
    users.create("bob", "admin", "correct horse battery")
    checkpoint = tmp_path / "checkpoint.json"
    printed = json.loads(wk(tmp_path, "audit", "checkpoint", "-o", str(checkpoint)).stdout)
    assert printed == json.loads(checkpoint.read_text(encoding="utf-8"))
    assert printed["seq"] >= 2
    users.change("alice", actor="bob", role="supervisor")  # the trail goes on after it
    users.close()
    intact = wk(tmp_path, "audit", "verify", "--checkpoint", str(checkpoint))
    assert f"entries 1–{printed['seq']} unchanged" in intact.stdout

    db = open_database(store_at(tmp_path))
    rows = db.execute("SELECT seq, at, actor, action, subject, detail FROM audit ORDER BY seq").fetchall()
    prev = "0" * 64
    for seq, at, written_by, action, subject, detail in rows:  # rewrite entry 1, recompute the chain
        actor = "mallory" if seq == 1 else written_by
        digest = entry_hash(prev, seq, at, actor, action, subject, detail)
        db.execute(
            "UPDATE audit SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?", (actor, prev, digest, seq)
        )
        prev = digest
    db.close()
    assert wk(tmp_path, "audit", "verify").returncode == 0  # the chain alone cannot tell
    caught = wk(tmp_path, "audit", "verify", "--checkpoint", str(checkpoint), check=False)
    assert caught.returncode == 4
    assert f"entry {printed['seq']} no longer has the checkpoint's hash" in caught.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{}", encoding="utf-8")
    unreadable = wk(tmp_path, "audit", "verify", "--checkpoint", str(broken), check=False)
    assert unreadable.returncode == 2
    assert "not an audit checkpoint" in unreadable.stderr


def test_user_text_that_looks_like_markup_is_printed_as_written(tmp_path: Path) -> None:
    wk(tmp_path, "lists", "load", str(shared("ofac/sdn-history/sdn-2022-02-03.csv.gz")))
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,type,dob,country,identifier\n[C1],Kim Jong Un,person,,,\n", encoding="utf-8"
    )
    wk(tmp_path, "batch", str(customers), "-o", str(tmp_path / "alerts.csv"), "--record", "--user", "[/]ann")
    (alert,) = [
        a for a in json.loads(wk(tmp_path, "alerts", "--json").stdout) if a["entity_id"] == "ofac-sdn:20157"
    ]
    reason = "[/] not him [bold]really[/bold] [link=http://x]x[/link]"
    wk(
        tmp_path,
        "alerts",
        "decide",
        str(alert["id"]),
        "false_positive",
        "--reason",
        reason,
        "--user",
        "[red]ann",
    )
    for command in (["alerts", "show", str(alert["id"])], ["audit"], ["alerts", "--state", "all"]):
        result = wk(tmp_path, *command)
        assert "Traceback" not in result.stderr
    shown = wk(tmp_path, "alerts", "show", str(alert["id"])).stdout
    assert "[/] not" in shown  # as written, not read as markup (a table may wrap the rest)
    assert "[red]ann" in shown
