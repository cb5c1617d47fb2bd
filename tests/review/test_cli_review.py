"""The review commands as users run them: record, decide, re-screen, verify the audit trail."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import shared
from tests.test_cli import wk


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

    db = sqlite3.connect(tmp_path / "watchkeeper.sqlite")
    db.execute("UPDATE audit SET actor = 'mallory' WHERE action = 'alert.decide'")
    db.commit()
    db.close()
    tampered = wk(tmp_path, "audit", "verify", check=False)
    assert tampered.returncode == 4
    assert "content changed after it was written (alert.decide" in tampered.stderr
