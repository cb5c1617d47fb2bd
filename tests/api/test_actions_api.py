"""Sanctions actions over HTTP on a real server with the bundled lists: a release uploaded and
verified, recorded by an admin, an announced action entered by hand, the timeline, bad requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.documents.test_extract import NEWS_REPORT
from tests.documents.test_text import DOCUMENTS
from tests.live_server import Keys, LiveServer, copy_home, make_keys
from tests.support import BUNDLED, shared
from watchkeeper.sources import parse_list


@pytest.fixture(scope="module")
def actions_server(
    loaded_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Keys]]:
    with LiveServer(copy_home(loaded_home, tmp_path_factory.mktemp("actions") / "home")) as live:
        yield live, make_keys(live.home)


def test_a_release_uploaded_is_read_verified_and_recorded_by_an_admin(
    actions_server: tuple[LiveServer, Keys],
) -> None:
    live, keys = actions_server
    release = (DOCUMENTS / "sm668.html").read_bytes()
    with live.client(keys.read) as client:
        read = client.post("/actions/read", files={"file": ("sm668.html", release, "text/html")})
        refused = client.post(
            "/actions/read", params={"record": "true"}, files={"file": ("sm668.html", release, "text/html")}
        )
    assert read.status_code == 200, read.text
    reading = read.json()
    assert reading["recorded"] is None
    assert reading["action"]["kind"] == "designation"
    parties = {p["name"]: p for p in reading["parties"]}
    assert parties["Wael Bazzi"]["status"] == "confirmed"
    assert parties["Wael Bazzi"]["match"]["list"] == "ofac-sdn"
    assert refused.status_code == 403
    with live.client(keys.admin) as client:
        recorded = client.post(
            "/actions/read", params={"record": "true"}, files={"file": ("sm668.html", release, "text/html")}
        )
        action_id = recorded.json()["recorded"]
        shown = client.get(f"/actions/{action_id}")
    assert recorded.status_code == 200
    assert action_id == "A1"
    assert shown.json()["documents"][0]["sha256"] == reading["document"]["sha256"]
    assert shown.json()["status"] == "effective"


def test_an_announced_action_by_hand_and_the_timeline(actions_server: tuple[LiveServer, Keys]) -> None:
    live, keys = actions_server
    body = {
        "kind": "announcement",
        "authority": "OFAC",
        "date": "2019-03-21",
        "note": "Treasury announced the designation of two Chinese shipping companies.",
        "parties": ["Liaoning Danxing International Forwarding Co., Ltd."],
    }
    with live.client(keys.read) as client:
        forbidden = client.post("/actions", json=body)
    with live.client(keys.admin) as client:
        created = client.post("/actions", json=body)
        report = client.post(
            "/actions/read", files={"file": ("report.txt", NEWS_REPORT.encode(), "text/plain")}
        )
        wrong_kind = client.post("/actions", json={**body, "kind": "designation"})
        no_date = client.post("/actions", json={k: v for k, v in body.items() if k != "date"})
        timeline = client.get("/actions", params={"origin": "manual"})
        bad_origin = client.get("/actions", params={"origin": "rumour"})
        missing = client.get("/actions/A999")
    assert forbidden.status_code == 403
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "announced"
    assert created.json()["parties"][0]["standing"] == "confirmed"
    standings = {p["name"]: p["status"] for p in report.json()["parties"]}
    assert standings["Dalian Haibo Shipping Co., Ltd."] == "possible-misspelling"
    assert wrong_kind.status_code == 400
    assert "a manual action is one of" in wrong_kind.json()["detail"]
    assert no_date.status_code == 422
    assert [a["id"] for a in timeline.json()] == [created.json()["id"]]
    assert bad_origin.status_code == 400
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("content", "status", "problem"),
    [
        (b"", 400, "empty"),
        (b"\x00\x01\x02\x03binary" * 100, 400, "binary"),
        ("Министерство финансов США ввело санкции против компаний.".encode(), 400, "supported language"),
        (b"x" * 5_000_001, 413, "over the limit"),  # the request body limit refuses it first
    ],
)
def test_documents_that_cannot_be_read_are_refused_and_nothing_recorded(
    actions_server: tuple[LiveServer, Keys], content: bytes, status: int, problem: str
) -> None:
    live, keys = actions_server
    with live.client(keys.admin) as client:
        before = client.get("/actions", params={"origin": "document"}).json()
        answer = client.post(
            "/actions/read", params={"record": "true"}, files={"file": ("doc.txt", content, "text/plain")}
        )
        after = client.get("/actions", params={"origin": "document"}).json()
    assert answer.status_code == status
    assert problem in answer.json()["detail"]
    assert after == before


def test_screening_includes_announced_parties_only_when_asked(
    actions_server: tuple[LiveServer, Keys],
) -> None:
    live, keys = actions_server
    party = "Qingdao Blue Harbour Logistics Co., Ltd."  # on no list
    body = {
        "kind": "on-hold",
        "authority": "OFAC",
        "date": "2018-11-20",
        "note": "A package put on hold.",
        "parties": [party],
    }
    with live.client(keys.admin) as client:
        assert client.post("/actions", json=body).status_code == 201
        asked = client.post("/screen", json={"name": party, "lists": ["ofac-sdn", "announced"]})
        only = client.post("/screen", json={"name": party, "lists": ["announced"]})
        default = client.post("/screen", json={"name": party})
        recorded = client.post(
            "/screen", json={"name": party, "lists": ["announced"], "record": True, "customer_id": "c1"}
        )
    assert asked.status_code == 200, asked.text
    (hit,) = asked.json()["results"]
    assert (hit["list"], hit["label"], hit["caption"]) == ("announced", "announced, not listed", party)
    assert asked.json()["lists"][-1] == "announced"
    assert len(asked.json()["lists"]) == 2
    assert [h["list"] for h in only.json()["results"]] == ["announced"]
    assert only.json()["lists"] == ["announced"]
    assert default.json()["results"] == []
    assert recorded.status_code == 400


def test_match_includes_announced_parties_only_when_asked_and_drops_them_once_withdrawn(
    actions_server: tuple[LiveServer, Keys],
) -> None:
    live, keys = actions_server
    party = "Yantai Northern Star Shipping Co., Ltd."  # on no list
    body = {
        "kind": "announcement",
        "authority": "OFAC",
        "date": "2019-03-21",
        "note": "Announced.",
        "parties": [party],
    }
    example = {"queries": {"q1": {"schema": "Company", "properties": {"name": [party]}}}}
    with live.client(keys.admin) as client:
        created = client.post("/actions", json=body)
        assert created.status_code == 201, created.text
        default = client.post("/match/default", json=example).json()
        both = client.post(
            "/match/default", params={"include_dataset": ["ofac-sdn", "announced"]}, json=example
        ).json()
        watch_only = client.post("/match/announced", json=example).json()
        past = client.post("/match/announced", params={"as_of": "2019-01-01"}, json=example)
        withdrawal = {
            "kind": "withdrawal",
            "authority": "OFAC",
            "date": "2019-03-22",
            "note": "The announced sanctions were withdrawn.",
            "closes": [created.json()["id"]],
        }
        assert client.post("/actions", json=withdrawal).status_code == 201
        after = client.post("/match/announced", json=example).json()
        screened_after = client.post("/screen", json={"name": party, "lists": ["announced"]}).json()
    assert default["responses"]["q1"]["results"] == []
    for answer in (both, watch_only):
        (hit,) = answer["responses"]["q1"]["results"]
        assert (hit["datasets"], hit["label"], hit["listed"], hit["match"]) == (
            ["announced"],
            "announced, not listed",
            False,
            True,
        )
        assert answer["lists"][-1] == "announced"
    assert watch_only["lists"] == ["announced"]
    assert past.status_code == 400
    assert "as_of" in past.json()["detail"]
    # The watch screener the server keeps is rebuilt when an action moves on: the withdrawn party is gone.
    assert after["responses"]["q1"]["results"] == []
    assert screened_after["results"] == []


def test_a_list_imported_over_http_makes_an_announced_action_effective(
    actions_server: tuple[LiveServer, Keys],
) -> None:
    live, keys = actions_server
    later = shared("ofac/sdn-history/sdn-2021-08-18.csv.gz")
    before = {e.id for e in parse_list(BUNDLED / "ofac/sdn-2021-07-07").entities}
    name = sorted(e.caption for e in parse_list(later).entities if e.id not in before)[0]
    body = {
        "kind": "announcement",
        "authority": "OFAC",
        "date": "2021-08-10",
        "note": "Announced.",
        "parties": [name],
    }
    with live.client(keys.admin) as client:
        created = client.post("/actions", json=body).json()
        assert created["parties"][0]["standing"] != "confirmed"
        imported = client.post(
            "/lists/ofac-sdn/import", files={"files": (later.name, later.read_bytes(), "application/gzip")}
        )
        after = client.get(f"/actions/{created['id']}").json()
    assert imported.status_code == 201, imported.text
    assert after["status"] == "effective"
    assert after["timeline"][-1]["version"] == "ofac-sdn@2 (2021-08-18)"
