"""Every endpoint on a real server: shapes, answers, errors, keys."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.live_server import Keys, LiveServer
from watchkeeper.store import SqliteStore
from watchkeeper.store.service import ServiceStore

KIM = {"schema": "Person", "properties": {"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"]}}
HAIBO = {"schema": "Company", "properties": {"name": ["大连海博国际货运有限公司"]}}


def _store(server: LiveServer) -> SqliteStore:
    return SqliteStore(store_at(server.home))


# -- health --------------------------------------------------------------------


def test_health_and_readiness_name_the_loaded_lists(server: LiveServer) -> None:
    with server.client() as client:
        health = client.get("/healthz").json()
        ready = client.get("/readyz")
    assert ready.status_code == 200
    store = _store(server)
    try:
        expected = sorted(store.version(s).label for s in store.sources())
    finally:
        store.close()
    assert sorted(ready.json()["lists"]) == expected
    # Health names the answering process and its index (several workers: each its own).
    assert health["status"] == "ok"
    assert sorted(health["lists"]) == expected
    assert server.process is not None
    assert health["worker"] == ready.json()["worker"] == server.process.pid  # one worker: the server
    assert health["generation"] == 1


def test_not_ready_without_lists(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "empty")
    live.home.mkdir()
    live.start()
    try:
        with live.client() as client:
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["detail"] == "no lists loaded"
            token = make_read_key(live.home)
            screened = client.post(
                "/screen", json={"name": "x"}, headers={"Authorization": f"ApiKey {token}"}
            )
            assert screened.status_code == 404
            assert "no lists are loaded" in screened.json()["detail"]
    finally:
        live.stop()


def make_read_key(home: Path) -> str:
    store = ServiceStore(store_at(home))
    try:
        return store.create_key("read")[1]
    finally:
        store.close()


# -- yente-compatible /match -------------------------------------------------------


def test_match_answers_in_yente_shape(server: LiveServer, keys: Keys) -> None:
    with server.client(keys.read) as client:
        response = client.post("/match/default", json={"queries": {"kim": KIM, "haibo": HAIBO}})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"responses", "limit"}
    assert body["limit"] == 5
    kim = body["responses"]["kim"]
    assert kim["status"] == 200
    assert kim["query"]["schema"] == "Person"
    assert kim["query"]["properties"]["name"] == ["Kim Jong Un"]
    top = kim["results"][0]
    assert top["id"] == "ofac-sdn:20157"
    assert top["match"] is True
    assert kim["total"] == {"value": sum(r["match"] for r in kim["results"]), "relation": "eq"}
    for key in ("id", "caption", "schema", "properties", "datasets", "score", "match", "features"):
        assert key in top
    assert top["datasets"] == ["ofac-sdn"]
    assert top["features"]["dob_exact"] > 0
    assert top["explanations"]["name_similarity"]["score"] == top["features"]["name_similarity"]
    assert top["explanation"]["listed_name"] == "Jong Un KIM"
    # The entity in the result is the stored one, in FtM form (countries as codes).
    store = _store(server)
    try:
        stored = store.entity("ofac-sdn:20157")
    finally:
        store.close()
    assert top["caption"] == stored.caption
    assert top["properties"]["name"] == list(stored.get("name"))
    assert top["properties"]["country"] == ["kp"]
    assert body["responses"]["haibo"]["results"][0]["id"] == "ofac-sdn:26243"


def test_match_dataset_limits_and_filters(server: LiveServer, keys: Keys) -> None:
    query = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}
    with server.client(keys.read) as client:
        everything = client.post("/match/default", json=query, params={"limit": 20, "cutoff": 0.5}).json()
        only_un = client.post("/match/un", json=query, params={"limit": 20, "cutoff": 0.5}).json()
        strict = client.post("/match/default", json=query, params={"threshold": 0.99, "limit": 20}).json()
        excluded = client.post(
            "/match/default", json=query, params={"exclude_entity_ids": "ofac-sdn:20157", "limit": 20}
        ).json()
        unknown = client.post("/match/eu", json=query)
    results = everything["responses"]["q"]["results"]
    assert len(results) > 1
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert {r["datasets"][0] for r in only_un["responses"]["q"]["results"]} <= {"un"}
    assert all(r["match"] == (r["score"] >= 0.99) for r in strict["responses"]["q"]["results"])
    assert "ofac-sdn:20157" not in {r["id"] for r in excluded["responses"]["q"]["results"]}
    assert unknown.status_code == 404
    assert "'eu' is not loaded" in unknown.json()["detail"]


def test_match_by_identifier_and_name_parts(server: LiveServer, keys: Keys) -> None:
    queries = {
        "vessel": {"schema": "Vessel", "properties": {"imoNumber": ["IMO 9114555"]}},
        "parts": {"schema": "Person", "properties": {"firstName": ["Oleg"], "lastName": ["Deripaska"]}},
    }
    with server.client(keys.read) as client:
        body = client.post("/match/default", json={"queries": queries}).json()
    vessel = body["responses"]["vessel"]["results"]
    assert vessel
    assert vessel[0]["schema"] == "Vessel"
    assert "9114555" in " ".join(vessel[0]["properties"]["imoNumber"])
    assert vessel[0]["features"]["identifier_match"] == 1.0
    parts = body["responses"]["parts"]["results"]
    assert "DERIPASKA" in parts[0]["caption"]


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"queries": {"q": {"schema": "Address", "properties": {"full": ["x"]}}}}, 400, "queries.q.schema"),
        ({"queries": {"q": {"schema": "Person", "properties": {}}}}, 400, "give a name"),
        (
            {
                "queries": {
                    "q": {"schema": "Person", "properties": {"name": ["x"], "birthDate": ["1984-13-45"]}}
                }
            },
            400,
            "birthDate",
        ),
        (
            {"queries": {"q": {"schema": "Person", "properties": {"name": [{"a": 1}]}}}},
            400,
            "properties.name",
        ),
        ({"queries": {"q": {"properties": {"name": ["x"]}}}}, 422, "queries.q.schema: Field required"),
        ({"queries": []}, 422, "queries"),
        ({}, 422, "queries: Field required"),
    ],
)
def test_bad_match_requests_get_a_4xx_naming_the_field(
    server: LiveServer, keys: Keys, payload: dict[str, object], status: int, message: str
) -> None:
    with server.client(keys.read) as client:
        response = client.post("/match/default", json=payload)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]


def test_too_many_queries_and_bad_json(server: LiveServer, keys: Keys) -> None:
    queries = {f"q{i}": {"schema": "Person", "properties": {"name": [f"name {i}"]}} for i in range(101)}
    with server.client(keys.read) as client:
        many = client.post("/match/default", json={"queries": queries})
        broken = client.post(
            "/match/default", content=b'{"queries": {', headers={"content-type": "application/json"}
        )
    assert many.status_code == 400
    assert "at most 100" in many.json()["detail"]
    assert broken.status_code == 422
    assert "JSON" in broken.json()["detail"]


# -- /screen --------------------------------------------------------------------------


def test_screen_ranks_hits_with_explanations(server: LiveServer, keys: Keys) -> None:
    with server.client(keys.read) as client:
        response = client.post("/screen", json={"name": "Deripaska Oleg", "type": "person", "dob": "1968"})
    assert response.status_code == 200
    body = response.json()
    top = body["results"][0]
    assert top["entity_id"] == "ofac-sdn:24283"
    assert top["list"] == "ofac-sdn"
    assert "dob_year" in top["summary"]
    assert [t["query"] for t in top["explanation"]["tokens"]] == ["deripaska", "oleg"]
    assert body["threshold"] == 0.8


def test_screen_on_a_past_date_and_single_list(server: LiveServer, keys: Keys) -> None:
    with server.client(keys.read) as client:
        before = client.post("/screen", json={"name": "Kim Jong Un", "as_of": "2020-01-01"})
        un_only = client.post("/screen", json={"name": "Kim Jong Un", "lists": ["un"]})
        missing = client.post("/screen", json={"name": "Kim Jong Un", "lists": ["eu"]})
    # No bundled list was published by 2020: nothing to screen against on that date.
    assert before.status_code == 404
    assert "on 2020-01-01" in before.json()["detail"]
    assert all(hit["list"] == "un" for hit in un_only.json()["results"])
    assert missing.status_code == 404
    assert "eu" in missing.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"name": "Kim", "dob": "1984-13-45"}, 400, "dob"),
        ({"name": "Kim", "country": "Narnia"}, 400, "country"),
        ({"name": "Kim", "type": "spaceship"}, 400, "type"),
        ({"name": "  "}, 400, "give a name or an identifier"),
        ({"name": 5}, 422, "name: Input should be a valid string"),
        ({"name": "Kim", "limit": 0}, 422, "limit"),
        ({"name": "Kim", "as_of": "yesterday"}, 400, "as_of"),
    ],
)
def test_bad_screen_requests_name_the_field(
    server: LiveServer, keys: Keys, payload: dict[str, object], status: int, message: str
) -> None:
    with server.client(keys.read) as client:
        response = client.post("/screen", json=payload)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]


# -- entities and lists -------------------------------------------------------------------


def test_entity_in_yente_shape_with_listing_dates(server: LiveServer, keys: Keys) -> None:
    with server.client(keys.read) as client:
        found = client.get("/entities/ofac-sdn:26243")
        past = client.get("/entities/ofac-sdn:26243", params={"as_of": "2020-01-01"})
        missing = client.get("/entities/ofac-sdn:999999999")
        malformed = client.get("/entities/nonsense")
    assert found.status_code == 200
    body = found.json()
    store = _store(server)
    try:
        version = store.version("ofac-sdn")
        stored = store.entity("ofac-sdn:26243")
    finally:
        store.close()
    assert body["caption"] == stored.caption == "DALIAN HAIBO INTERNATIONAL FREIGHT CO. LTD."
    assert body["schema"] == stored.schema
    assert body["first_seen"] == body["last_seen"] == version.published.isoformat()
    assert body["listed"] is True
    assert past.status_code == 404
    assert "not listed on 2020-01-01" in past.json()["detail"]
    assert missing.status_code == 404
    assert malformed.status_code == 404


def test_lists_versions_and_diff(server: LiveServer, keys: Keys) -> None:
    with server.client(keys.read) as client:
        lists = client.get("/lists").json()
        versions = client.get("/lists/un/versions").json()
        diff = client.get("/lists/un/diff").json()
        added = client.get("/lists/un/diff", params={"kind": "added", "limit": 3}).json()
        unknown = client.get("/lists/eu/versions")
        bad_range = client.get("/lists/un/diff", params={"from": 1, "to": 1})
        huge = client.get("/lists/un/diff", params={"to": 2**70})  # found by schemathesis: was a 500
    store = _store(server)
    try:
        counts = store.counts_by_schema("un")
    finally:
        store.close()
    by_source = {entry["source"]: entry for entry in lists["lists"]}
    assert set(by_source) == {"ofac-sdn", "ofac-cons", "un"}
    assert by_source["un"]["counts"] == counts
    assert all(entry["screening"] for entry in lists["lists"])
    assert [v["seq"] for v in versions] == [1]
    assert diff["counts"]["added"] == sum(counts.values())
    assert len(added["changes"]) == 3
    assert unknown.status_code == 404
    assert bad_range.status_code == 404
    assert huge.status_code == 422
    assert huge.json()["detail"].startswith("query.to:")


# -- keys ----------------------------------------------------------------------------------


def test_keys_scopes_and_revocation(server: LiveServer, keys: Keys) -> None:
    store = ServiceStore(store_at(server.home))
    try:
        revoked_key, revoked = store.create_key("read")
        store.revoke_key(revoked_key.key_id)
    finally:
        store.close()
    with server.client() as anonymous:
        missing = anonymous.post("/screen", json={"name": "Kim"})
        wrong_kind = anonymous.post("/screen", json={"name": "Kim"}, headers={"Authorization": "Basic abc"})
        unknown = anonymous.post("/screen", json={"name": "Kim"}, headers={"Authorization": "ApiKey wk_nope"})
        gone = anonymous.post("/screen", json={"name": "Kim"}, headers={"Authorization": f"ApiKey {revoked}"})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "ApiKey"
    assert "missing API key" in missing.json()["detail"]
    assert wrong_kind.status_code == 401
    assert unknown.json()["detail"] == "unknown API key"
    assert gone.status_code == 401
    assert "revoked" in gone.json()["detail"]
    with server.client(keys.read) as reader:
        forbidden = reader.post("/lists/un/import", files={"files": ("x.xml", b"<x/>")})
    assert forbidden.status_code == 403
    assert "needs 'admin'" in forbidden.json()["detail"]
    with server.client(keys.admin) as admin:
        assert admin.post("/screen", json={"name": "Kim"}).status_code == 200  # admin may read too


def test_open_read_lets_reads_in_but_not_imports(loaded_home: Path, tmp_path: Path) -> None:
    from tests.live_server import copy_home  # noqa: PLC0415

    live = LiveServer(copy_home(loaded_home, tmp_path / "home"), env={"WATCHKEEPER_OPEN_READ": "1"})
    live.start()
    try:
        with live.client() as client:
            assert client.post("/screen", json={"name": "Kim Jong Un"}).status_code == 200
            assert client.post("/lists/un/import", files={"files": ("x.xml", b"<x/>")}).status_code == 401
    finally:
        live.stop()


# -- limits and docs ---------------------------------------------------------------------


def test_oversized_bodies_are_refused_with_413(server: LiveServer, keys: Keys) -> None:
    big = json.dumps({"name": "x" * (2 << 20)}).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    with server.client(keys.read) as client:
        declared = client.post("/screen", content=big, headers={"content-type": "application/json"})
        streamed = client.post(
            "/screen",
            content=chunks(),
            headers={"content-type": "application/json"},
        )
    assert declared.status_code == 413
    assert "over the limit" in declared.json()["detail"]
    assert streamed.status_code == 413


def test_openapi_docs_are_served(server: LiveServer) -> None:
    with server.client() as client:
        schema = client.get("/openapi.json").json()
        docs = client.get("/docs")
        # Every file the page loads comes from the server itself (an air-gapped bank has no CDN).
        referenced = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: *["']([^"']+)["']""", docs.text)
        assets = [a or b for a, b in referenced]
        fetched = {asset: client.get(asset) for asset in assets}
    assert docs.status_code == 200
    assert len(assets) >= 3, assets
    assert all(asset.startswith("/") and not asset.startswith("//") for asset in assets), assets
    assert {asset: r.status_code for asset, r in fetched.items()} == dict.fromkeys(assets, 200)
    assert "SwaggerUIBundle" in fetched["/docs/assets/swagger-ui-bundle.js"].text
    assert {
        "/match/{dataset}",
        "/screen",
        "/entities/{entity_id}",
        "/batches",
        "/lists/{source}/import",
    } <= set(schema["paths"])
    assert "ApiKey" in json.dumps(schema["components"]["securitySchemes"])


def test_unknown_routes_and_methods(server: LiveServer, keys: Keys) -> None:
    with server.client(keys.read) as client:
        assert client.get("/nope").status_code == 404
        assert client.get("/screen").status_code == 405
