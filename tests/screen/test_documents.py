"""Documents checked against a real store: the bundled lists plus the real SDN of 2023-11-02, so a
party designated in October 2023 resolves to the version that added it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.documents.test_extract import CHINESE_REPORT, NEWS_REPORT
from tests.documents.test_text import DOCUMENTS
from tests.support import BUNDLED, shared
from watchkeeper.jobs import load_bundled
from watchkeeper.screen.documents import DocumentReading, read_and_verify
from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore


@pytest.fixture(scope="module")
def history_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("documents-home")
    store = SqliteStore(store_at(home))
    try:
        load_bundled(store, BUNDLED)
        store.import_snapshot(parse_list(shared("ofac/sdn-history/sdn-2023-11-02.csv.gz")), allow_shrink=True)
    finally:
        store.close()
    return home


@pytest.fixture
def store(history_home: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(store_at(history_home))
    yield opened
    opened.close()


def verified(store: SqliteStore, home: Path, data: bytes, name: str) -> DocumentReading:
    return read_and_verify(store, data, name, cache=home / "index")


def by_name(reading: DocumentReading) -> dict[str, tuple[str, str | None, str | None]]:
    return {
        c.party.name: (
            c.status,
            c.match.entity_id if c.match else None,
            c.match.added_by_version if c.match else None,
        )
        for c in reading.checks
    }


def test_every_named_target_of_a_2019_release_resolves_to_its_listed_entity(
    store: SqliteStore, history_home: Path
) -> None:
    reading = verified(store, history_home, (DOCUMENTS / "sm668.html").read_bytes(), "sm668.html")
    found = by_name(reading)
    # The SDN entries of the targets, read from the bundled SDN file itself (an independent lookup).
    sdn = {e.caption.casefold(): e.id for e in parse_list(BUNDLED / "ofac/sdn-2021-07-07").entities}
    for target in (
        "Wael Bazzi",
        "Hassan Tabaja",
        "OFFISCOOP NV",
        "BSQRD Limited",
        "Voltra Transcor Energy BVBA",
    ):
        status, entity_id, _ = found[target]
        assert status == "confirmed", target
        assert entity_id == sdn[target.casefold()], target
    assert reading.claim.kind == "designation"
    assert reading.date is not None
    # The store's oldest versions are of 2021: no list it holds was in force on the release's date,
    # so the check as of that date is not made (rather than made against later lists).
    assert reading.lists_then == ()


def test_a_2023_designation_names_the_version_that_added_it(store: SqliteStore, history_home: Path) -> None:
    reading = verified(store, history_home, (DOCUMENTS / "jy1795.html").read_bytes(), "jy1795.html")
    found = by_name(reading)
    status, entity_id, added = found["SCF Primorye"]
    assert status == "confirmed"
    assert entity_id is not None
    assert added == "ofac-sdn@2 (2023-11-02)"
    assert reading.date is not None
    assert store.was_listed(entity_id, reading.date).listed is False  # not yet listed on its own date


def test_wrong_names_are_possible_misspellings_never_confirmations(
    store: SqliteStore, history_home: Path
) -> None:
    found = by_name(verified(store, history_home, NEWS_REPORT.encode(), "report.txt"))
    dalian = next(
        e.id
        for e in parse_list(BUNDLED / "ofac/sdn-2021-07-07").entities
        if e.caption.startswith("DALIAN HAIBO INTERNATIONAL FREIGHT")
    )
    assert found["Dalian Haibo Shipping Co., Ltd."][:2] == ("possible-misspelling", dalian)
    assert found["Liaoning Danxing International Forwarding Co., Ltd."][0] == "confirmed"
    # A name on no list that is one spelling away from a listed one is a lead, never a hit.
    assert found["Dalian Haiyi International Shipping Co., Ltd."][:2] == ("possible-misspelling", dalian)
    reading = verified(store, history_home, NEWS_REPORT.encode(), "report.txt")
    assert all(c.status != "confirmed" for c in reading.checks if "Dalian" in c.party.name)


def test_a_chinese_report_resolves_to_the_same_entities(store: SqliteStore, history_home: Path) -> None:
    found = by_name(verified(store, history_home, CHINESE_REPORT.encode(), "report-zh.txt"))
    assert found["大连海博国际货运有限公司"][0] == "confirmed"
    assert found["辽宁丹星国际货运代理有限公司"][0] == "confirmed"
    traditional = "美國財政部2019年3月21日宣布制裁大連海博國際貨運有限公司。".encode()
    (check,) = verified(store, history_home, traditional, "report-zh-hant.txt").checks
    assert (check.status, check.match and check.match.entity_id) == (
        "confirmed",
        found["大连海博国际货运有限公司"][1],
    )
    unrelated = "美国财政部2019年3月21日宣布制裁青岛蓝港物流有限公司。".encode()  # a company on no list
    assert by_name(verified(store, history_home, unrelated, "other.txt")) == {
        "青岛蓝港物流有限公司": ("not-listed", None, None)
    }
