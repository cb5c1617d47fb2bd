"""`lists fetch` against a real HTTP server on 127.0.0.1 serving the real files."""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support import shared, wk


@dataclass
class ServedFile:
    body: bytes
    modified: datetime
    cut_short: bool = False
    no_length: bool = False  # sent without Content-Length, to the end of the connection

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class ListServer:
    files: dict[str, ServedFile] = field(default_factory=dict)
    log: list[tuple[str, int]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def server() -> Iterator[ListServer]:
    state = ListServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served = state.files.get(self.path)
            if served is None:
                state.log.append((self.path, 404))
                self.send_error(404)
                return
            last_modified = email.utils.format_datetime(served.modified, usegmt=True)
            if self.headers.get("If-None-Match") == served.etag:
                state.log.append((self.path, 304))
                self.send_response(304)
                self.end_headers()
                return
            state.log.append((self.path, 200))
            self.send_response(200)
            self.send_header("ETag", served.etag)
            self.send_header("Last-Modified", last_modified)
            if served.no_length:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(served.body)))
            self.end_headers()
            self.wfile.write(served.body[: len(served.body) // 2] if served.cut_short else served.body)

        def log_message(self, format: str, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def history(date: str) -> bytes:
    return gzip.decompress(shared(f"ofac/sdn-history/sdn-{date}.csv.gz").read_bytes())


def fetch(home: Path, server: ListServer, source: str, *extra: str) -> dict[str, object]:
    env_key = f"WATCHKEEPER_URL_{source.upper().replace('-', '_')}"
    urls = " ".join(f"{server.url}{p}" for p in server.files)
    result = wk(home, "lists", "fetch", source, "--json", *extra, check=False, env={env_key: urls})
    if result.returncode != 0:
        return {"exit": result.returncode, "stderr": result.stderr}
    outcome: dict[str, object] = json.loads(result.stdout)[0]
    return outcome


def test_un_fetch_is_conditional(tmp_path: Path, server: ListServer) -> None:
    server.files["/resources/xml/en/consolidated.xml"] = ServedFile(
        shared("un/consolidated-2026-02-27.xml").read_bytes(), datetime(2026, 2, 27, tzinfo=UTC)
    )
    first = fetch(tmp_path, server, "un")
    assert first["status"] == "imported"
    assert first["version"]["published"] == "2026-02-27"  # type: ignore[index]
    second = fetch(tmp_path, server, "un")
    assert second["status"] == "not-modified"
    assert server.log == [
        ("/resources/xml/en/consolidated.xml", 200),
        ("/resources/xml/en/consolidated.xml", 304),
    ]


def test_new_sdn_publication_is_imported_with_its_diff(tmp_path: Path, server: ListServer) -> None:
    server.files["/exports/SDN.CSV"] = ServedFile(history("2022-02-03"), datetime(2022, 2, 3, 18, tzinfo=UTC))
    assert fetch(tmp_path, server, "ofac-sdn")["status"] == "imported"
    server.files["/exports/SDN.CSV"] = ServedFile(history("2022-03-01"), datetime(2022, 3, 1, 18, tzinfo=UTC))
    second = fetch(tmp_path, server, "ofac-sdn")
    assert second["status"] == "imported"
    version = second["version"]
    assert isinstance(version, dict)
    assert (version["published"], version["added"], version["removed"], version["amended"]) == (
        "2022-03-01",
        173,
        0,
        9,
    )


def test_cut_download_imports_nothing(tmp_path: Path, server: ListServer) -> None:
    server.files["/exports/SDN.CSV"] = ServedFile(history("2022-02-03"), datetime(2022, 2, 3, tzinfo=UTC))
    assert fetch(tmp_path, server, "ofac-sdn")["status"] == "imported"
    server.files["/exports/SDN.CSV"] = ServedFile(
        history("2022-03-01"), datetime(2022, 3, 1, tzinfo=UTC), cut_short=True
    )
    failed = fetch(tmp_path, server, "ofac-sdn")
    assert failed["exit"] == 1
    assert "download cut short" in str(failed["stderr"]) or "download failed" in str(failed["stderr"])
    versions = json.loads(wk(tmp_path, "lists", "history", "ofac-sdn", "--json").stdout)
    assert len(versions) == 1


def test_server_error_is_reported(tmp_path: Path, server: ListServer) -> None:
    result = wk(
        tmp_path, "lists", "fetch", "un", check=False, env={"WATCHKEEPER_URL_UN": f"{server.url}/missing.xml"}
    )
    assert result.returncode == 1
    assert "HTTP 404" in result.stderr


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "no content-length"])
def test_a_download_over_the_size_limit_is_refused(
    tmp_path: Path, server: ListServer, announced: bool
) -> None:
    body = history("2022-02-03")
    server.files["/exports/SDN.CSV"] = ServedFile(
        body, datetime(2022, 2, 3, tzinfo=UTC), no_length=not announced
    )
    limit = {"WATCHKEEPER_MAX_DOWNLOAD_BYTES": str(len(body) // 4)}
    urls = f"{server.url}/exports/SDN.CSV"
    refused = wk(
        tmp_path, "lists", "fetch", "ofac-sdn", check=False, env={"WATCHKEEPER_URL_OFAC_SDN": urls, **limit}
    )
    assert refused.returncode == 1
    assert "over the limit" in refused.stderr or "download refused" in refused.stderr
    assert (
        json.loads(wk(tmp_path, "lists", "history", "ofac-sdn", "--json", check=False).stdout or "[]") == []
    )
    assert not list((tmp_path / "downloads").glob("**/*.csv"))
    fetched = wk(tmp_path, "lists", "fetch", "ofac-sdn", "--json", env={"WATCHKEEPER_URL_OFAC_SDN": urls})
    assert json.loads(fetched.stdout)[0]["status"] == "imported"  # within the default limit
