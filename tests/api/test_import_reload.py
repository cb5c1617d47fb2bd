"""Loading a new list version through the API while screening goes on: none fails, the index swaps."""

from __future__ import annotations

import gzip
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.live_server import Keys, LiveServer, make_keys
from tests.support import shared
from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore

FIRST = "ofac/sdn-history/sdn-2021-08-18.csv.gz"
SECOND = "ofac/sdn-history/sdn-2021-11-08.csv.gz"


@pytest.fixture(scope="module")
def sdn_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Keys]]:
    home = tmp_path_factory.mktemp("import") / "home"
    store = SqliteStore(store_at(home))
    try:
        store.import_snapshot(parse_list(shared(FIRST)))
    finally:
        store.close()
    live = LiveServer(home)
    live.start()
    yield live, make_keys(home)
    live.stop()


def _upload(path: Path, name: str | None = None) -> dict[str, tuple[str, bytes]]:
    return {"files": (name or path.name, path.read_bytes())}


def test_bad_files_are_refused_and_change_nothing(
    sdn_server: tuple[LiveServer, Keys], tmp_path: Path
) -> None:
    live, keys = sdn_server
    whole = gzip.decompress(shared(SECOND).read_bytes())
    cut = tmp_path / "sdn-2021-11-08.csv"
    cut.write_bytes(whole[: len(whole) // 2].rsplit(b"\n", 1)[0] + b'\n123,"UNFINISHED')
    with live.client(keys.admin) as client:
        before = client.get("/lists/ofac-sdn/versions").json()
        truncated = client.post("/lists/ofac-sdn/import", files=_upload(cut))
        wrong_list = client.post("/lists/un/import", files=_upload(shared(SECOND)))
        duplicate = client.post("/lists/ofac-sdn/import", files=_upload(shared(FIRST)))
        unknown = client.post("/lists/eu/import", files=_upload(shared(SECOND)))
        after = client.get("/lists/ofac-sdn/versions").json()
    assert truncated.status_code == 400
    detail = truncated.json()["detail"]
    assert detail.startswith("sdn-2021-11-08.csv, line ")
    assert "nothing was imported" in detail
    assert str(live.home) not in detail  # no server paths leak to clients
    assert wrong_list.status_code == 409
    assert "is a ofac-sdn list, not un" in wrong_list.json()["detail"]
    assert duplicate.status_code == 409
    assert unknown.status_code == 404
    assert after == before


def test_import_during_traffic_swaps_the_index_and_no_request_fails(
    sdn_server: tuple[LiveServer, Keys],
) -> None:
    live, keys = sdn_server
    store = SqliteStore(store_at(live.home))
    try:
        old_ids = {e.id for e in store.entities("ofac-sdn")}
    finally:
        store.close()
    incoming = parse_list(shared(SECOND))
    added = sorted(
        (e for e in incoming.entities if e.id not in old_ids and e.schema == "Person"), key=lambda e: e.id
    )
    assert added, "the second version adds people"
    newcomer = added[0]

    statuses: Counter[int] = Counter()
    stop = threading.Event()

    def traffic() -> None:
        with live.client(keys.read) as client:
            while not stop.is_set():
                response = client.post(
                    "/match/default",
                    json={"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}},
                )
                statuses[response.status_code] += 1

    with live.client(keys.admin) as admin:
        generation = admin.get("/lists").json()["index_generation"]
        before = admin.post("/screen", json={"name": newcomer.caption, "type": "person"}).json()
        threads = [threading.Thread(target=traffic) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            imported = admin.post("/lists/ofac-sdn/import", files=_upload(shared(SECOND)))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        lists = admin.get("/lists").json()
        after = admin.post("/screen", json={"name": newcomer.caption, "type": "person"}).json()

    assert imported.status_code == 201, imported.text
    version = imported.json()
    assert version["version"]["seq"] == 2
    assert version["counts"]["added"] == sum(1 for e in incoming.entities if e.id not in old_ids)
    assert version["index_generation"] == generation + 1
    assert lists["index_generation"] == generation + 1
    assert statuses[200] > 0
    assert set(statuses) == {200}, statuses
    assert newcomer.id not in {hit["entity_id"] for hit in before["results"]}
    assert newcomer.id in {hit["entity_id"] for hit in after["results"]}
