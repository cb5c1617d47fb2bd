"""`watchkeeper actions read` as a user runs it: a file, a URL on a local server, bad input."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.documents.test_text import DOCUMENTS
from tests.live_server import copy_home
from tests.support import BUNDLED, wk
from watchkeeper.jobs import load_bundled
from watchkeeper.store import SqliteStore


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("actions-home")
    store = SqliteStore(store_at(folder))
    try:
        load_bundled(store, BUNDLED)
    finally:
        store.close()
    return folder


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """A web server on 127.0.0.1 serving the real release as Treasury's site would (HTML)."""
    page = (DOCUMENTS / "sm668.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/news/press-releases/sm668":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_release_file_is_read_and_its_parties_checked(home: Path) -> None:
    result = wk(home, "actions", "read", str(DOCUMENTS / "sm841.html"), "--json")
    reading = json.loads(result.stdout)
    assert reading["action"]["kind"] == "designation"
    assert reading["date"] == "2019-12-03"
    parties = {p["name"]: p for p in reading["parties"]}
    assert parties["Icaro"]["imo"] == "9038842"
    assert parties["Icaro"]["schema"] == "Vessel"
    assert parties["Caroil Transport Marine Ltd."]["status"] == "confirmed"
    assert parties["Caroil Transport Marine Ltd."]["match"]["list"] == "ofac-sdn"
    assert reading["counts"]["confirmed"] >= 5
    table = wk(home, "actions", "read", str(DOCUMENTS / "sm841.html")).stdout
    assert "Caroil Transport Marine" in table
    assert "confirmed" in table


def test_a_release_is_read_from_its_url(home: Path, site: str) -> None:
    url = f"{site}/news/press-releases/sm668"
    reading = json.loads(wk(home, "actions", "read", url, "--json").stdout)
    assert reading["document"]["url"] == url
    assert reading["document"]["format"] == "html"
    assert {"Wael Bazzi", "Hassan Tabaja"} <= {
        p["name"] for p in reading["parties"] if p["status"] == "confirmed"
    }


def test_bad_documents_and_addresses_are_refused_with_the_reason(
    home: Path, site: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4)
    russian = tmp_path / "ru.txt"
    russian.write_text(
        "Министерство финансов США сегодня ввело санкции против двух компаний.", encoding="utf-8"
    )
    cases = [
        (str(empty), "empty"),
        (str(binary), "binary"),
        (str(russian), "not in a supported language"),
        (str(tmp_path / "missing.html"), "no such file"),
        (f"{site}/news/press-releases/nothing-here", "HTTP 404"),
        ("http://127.0.0.1:9/release", "cannot be reached"),
        ("ftp://example.org/release.txt", "no such file"),
    ]
    before = sorted(p.name for p in home.iterdir())
    for source, problem in cases:
        result = wk(home, "actions", "read", source, check=False)
        assert result.returncode != 0, source
        assert problem in result.stderr, (source, result.stderr)
    assert sorted(p.name for p in home.iterdir()) == before  # nothing recorded, nothing written


def test_the_date_option_is_checked(home: Path) -> None:
    result = wk(home, "actions", "read", str(DOCUMENTS / "sm841.html"), "--date", "3 Dec", check=False)
    assert result.returncode == 2
    assert "--date" in result.stderr


def test_record_add_show_and_the_timeline(home: Path, tmp_path: Path) -> None:
    own = copy_home(home, tmp_path / "home")  # the files and, on PostgreSQL, the store's schema
    recorded = json.loads(
        wk(
            own, "actions", "read", str(DOCUMENTS / "sm841.html"), "--record", "--user", "ana", "--json"
        ).stdout
    )["recorded"]
    added = json.loads(
        wk(
            own,
            *("actions", "add", "--kind", "announcement", "--authority", "OFAC", "--date", "2019-03-21"),
            *("--note", "Treasury announced designations of two Chinese shipping firms.", "--json"),
            *("--party", "Dalian Haibo International Freight Co., Ltd.", "--user", "ana"),
        ).stdout
    )
    assert added["status"] == "announced"
    assert added["parties"][0]["standing"] == "confirmed"
    shown = json.loads(wk(own, "actions", "show", recorded, "--json").stdout)
    assert shown["documents"][0]["name"] == "sm841.html"
    assert shown["kind"] == "designation"
    assert any(p["name"] == "Icaro" and p["imo"] == "9038842" for p in shown["parties"])
    listed = json.loads(wk(own, "actions", "--json").stdout)["actions"]
    assert [a["id"] for a in listed] == [recorded, added["id"]]  # 2019-12-03, then 2019-03-21
    assert "A1" in wk(own, "actions", "show", "A1").stdout
    refused = wk(
        own,
        "actions",
        "add",
        "--kind",
        "designation",
        "--authority",
        "OFAC",
        "--date",
        "2019-01-01",
        "--note",
        "x",
        check=False,
    )
    assert refused.returncode == 2
    assert "a manual action is one of" in refused.stderr
    assert wk(own, "actions", "show", "A99", check=False).returncode != 0
    assert len(json.loads(wk(own, "actions", "--json").stdout)["actions"]) == 2  # nothing more recorded
