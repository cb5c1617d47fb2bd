"""OpenSanctions' own yente client (nomenklatura's YenteEnricher), unchanged, against `watchkeeper serve`."""

from __future__ import annotations

from pathlib import Path

from followthemoney import Dataset, StatementEntity
from nomenklatura.cache import Cache
from nomenklatura.db import make_session
from nomenklatura.enrich.yente import YenteEnricher

from tests.live_server import Keys, LiveServer


def test_yente_client_matches_and_expands(server: LiveServer, keys: Keys, tmp_path: Path) -> None:
    dataset = Dataset.make({"name": "customers", "title": "Customers"})
    cache = Cache(make_session(f"sqlite:///{tmp_path / 'client-cache.sqlite'}"), dataset, create=True)
    enricher = YenteEnricher(
        dataset, cache, {"api": f"{server.url}/", "api_key": keys.read, "dataset": "default", "cache_days": 0}
    )
    customer = StatementEntity.from_data(
        dataset,
        {
            "id": "customer-1",
            "schema": "Person",
            "properties": {"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"], "nationality": ["kp"]},
        },
    )
    matches = list(enricher.match(customer))
    assert matches, "the client read no results"
    top = matches[0]
    assert top.id == "ofac-sdn:20157"
    assert top.schema.name == "Person"
    assert top.get("birthDate") == ["1984-01-08"]
    assert top.get("country") == ["kp"]  # a valid FtM country code, kept by the client

    expanded = list(enricher.expand(customer, top))
    assert [e.id for e in expanded] == ["ofac-sdn:20157"]
    assert "Jong Un KIM" in expanded[0].get("name")
    assert expanded[0].get("program") == ["DPRK3"]


def test_yente_client_against_one_list_finds_a_company_written_in_han(
    server: LiveServer, keys: Keys, tmp_path: Path
) -> None:
    dataset = Dataset.make({"name": "counterparties", "title": "Counterparties"})
    cache = Cache(make_session(f"sqlite:///{tmp_path / 'client-cache.sqlite'}"), dataset, create=True)
    enricher = YenteEnricher(
        dataset, cache, {"api": f"{server.url}/", "api_key": keys.read, "dataset": "ofac-sdn"}
    )
    forwarder = StatementEntity.from_data(
        dataset, {"id": "cp-7", "schema": "Company", "properties": {"name": ["大连海博国际货运有限公司"]}}
    )
    found = [m.id for m in enricher.match(forwarder)]
    assert found[:1] == ["ofac-sdn:26243"]
