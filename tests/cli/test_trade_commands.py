"""`watchkeeper payments|vessels|shipments screen` and `rules` as users run them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.support import wk

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "payments"


def test_payments_vessels_shipments_from_the_command_line(tmp_path: Path) -> None:
    wk(tmp_path, "run", "--no-screen-sample")
    field_20c = tmp_path / "mt103-20c.txt"
    field_20c.write_bytes((FIXTURES / "mt103-clean.txt").read_bytes().replace(b":20:", b":20C:"))
    held = wk(
        tmp_path,
        "payments",
        "screen",
        str(FIXTURES / "pain001-creditor.xml"),
        str(field_20c),
        str(FIXTURES / "mt103-clean.txt"),
        "--json",
        check=False,
    )
    assert held.returncode == 3
    assert "Traceback" not in held.stderr
    verdicts = json.loads(held.stdout)
    assert [v["verdict"] for v in verdicts] == ["hold", "hold", "pass"]  # every file's verdict
    assert verdicts[1]["error_field"] == ":20:"
    clean = wk(tmp_path, "payments", "screen", str(FIXTURES / "pacs008-clean.xml"))
    assert "PASS" in clean.stdout
    table = wk(tmp_path, "payments", "screen", str(FIXTURES / "mt103-dprk-bank.txt"), check=False)
    assert table.returncode == 3
    assert "FTBDKPPY" in table.stdout
    entity = tmp_path / "entity.xml"
    entity.write_bytes(
        (FIXTURES / "pacs008-clean.xml")
        .read_bytes()
        .replace(b"<Document", b'<!DOCTYPE x [<!ENTITY n "DALIAN HAIBO INTERNATIONAL FREIGHT">]><Document', 1)
        .replace(b"<Nm>Kimberley Hardwoods Pty Ltd</Nm>", b"<Nm>&n;</Nm>", 1)
    )
    refused = wk(tmp_path, "payments", "screen", str(entity), "--json", check=False)
    assert refused.returncode == 3
    (verdict,) = json.loads(refused.stdout)
    assert (verdict["verdict"], verdict["error_field"]) == (
        "hold",
        "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Cdtr/Nm",
    )

    vessel = wk(tmp_path, "vessels", "screen", "IMO 7303803", "--json", check=False)
    assert vessel.returncode == 3
    assert json.loads(vessel.stdout)["imo"] == "7303803"
    bad = wk(tmp_path, "vessels", "screen", "IMO 7303804", check=False)
    assert bad.returncode == 2
    assert "check digit wrong" in bad.stderr

    shipments = tmp_path / "shipments.csv"
    shipments.write_text(
        "id,date,country_of_loading,country_of_discharge,hs_codes,goods_description\n"
        "S1,2018-02-01,KP,VN,2701.12,anthracite\n"
        "S2,2024-06-01,CA,AU,4407.11,spruce lumber\n",
        encoding="utf-8",
    )
    screened = wk(tmp_path, "shipments", "screen", str(shipments), "--json", check=False)
    assert screened.returncode == 3
    assert [(v["id"], v["verdict"]) for v in json.loads(screened.stdout)] == [("S1", "hold"), ("S2", "pass")]

    rules = json.loads(wk(tmp_path, "rules", "--json").stdout)
    assert sorted(r["kind"] for r in rules) == [
        "dprk-goods",
        "dprk-red-flags",
        "dprk-vessels",
        "embargoes",
        "watched-zones",
    ]
    again = wk(tmp_path, "rules", "load", "embargoes", str(tmp_path / "missing.csv"), check=False)
    assert again.returncode == 2
    assert "cannot read" in again.stderr


def test_recorded_payment_screening_raises_alerts(tmp_path: Path) -> None:
    wk(tmp_path, "run", "--no-screen-sample")
    held = wk(
        tmp_path,
        "payments",
        "screen",
        str(FIXTURES / "mt103-person.txt"),
        "--record",
        "--user",
        "ops",
        check=False,
    )
    assert held.returncode == 3
    assert "Recorded run payment-" in held.stderr
    alerts = json.loads(wk(tmp_path, "alerts", "--json").stdout)
    digest = hashlib.sha256((FIXTURES / "mt103-person.txt").read_bytes()).hexdigest()
    assert [(a["customer_id"], a["entity_id"]) for a in alerts] == [
        (f"MT103:{digest[:24]}", "ofac-sdn:24283")
    ]
