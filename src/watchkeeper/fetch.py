"""Download official list files: conditional GET, temp file, verify, then import.

A source may be several files (OFAC's CSV set). Validators (ETag and
Last-Modified) are remembered per URL in `downloads/state.json` only after
the import succeeded, so a failed import is retried in full next time.
"""

from __future__ import annotations

import email.utils
import json
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

from watchkeeper.errors import AlreadyImported, WatchkeeperError
from watchkeeper.sources import parse_list
from watchkeeper.store.base import ImportResult, ListStore

USER_AGENT = "watchkeeper/0.1 (+https://github.com/watchkeeper)"
TIMEOUT_SECONDS = 60
#: The largest file a download may bring: far above any official list (the OFAC advanced XML is
#: ~100 MB), far below what would fill the disk if a server or a proxy sent without end.
MAX_DOWNLOAD_BYTES = 1 << 30


class FetchError(WatchkeeperError):
    """A download failed; nothing was imported."""


@dataclass(frozen=True)
class FetchOutcome:
    source: str
    status: str  # not-modified | imported | unchanged
    detail: str
    result: ImportResult | None = None


@dataclass(frozen=True)
class _Download:
    url: str
    path: Path
    etag: str
    last_modified: str
    modified: bool


def _file_name(url: str) -> str:
    name = Path(urlparse(url).path).name.lower()
    if not name:
        raise FetchError(f"{url}: URL names no file")
    return name


def _copy_limited(response: BinaryIO, target: Path, url: str, limit: int) -> int:
    """Stream the response into `target`, refusing more than `limit` bytes."""
    size = 0
    with target.open("wb") as handle:
        while chunk := response.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise FetchError(
                    f"{url}: more than {limit:,} bytes; download refused (a list is never so big)"
                )
            handle.write(chunk)
    return size


def _get(
    url: str, target: Path, validators: dict[str, str], cached: Path | None, limit: int = MAX_DOWNLOAD_BYTES
) -> _Download:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if cached is not None and cached.exists():
        if validators.get("etag"):
            request.add_header("If-None-Match", validators["etag"])
        if validators.get("last_modified"):
            request.add_header("If-Modified-Since", validators["last_modified"])
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            expected = response.headers.get("Content-Length")
            if expected is not None and expected.isdigit() and int(expected) > limit:
                raise FetchError(f"{url}: announces {int(expected):,} bytes, over the limit of {limit:,}")
            size = _copy_limited(response, target, url, limit)
            if expected is not None and int(expected) != size:
                raise FetchError(f"{url}: received {size} bytes of {expected}; download cut short")
            return _Download(
                url, target, response.headers.get("ETag", ""), response.headers.get("Last-Modified", ""), True
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and cached is not None:
            shutil.copyfile(cached, target)
            return _Download(
                url, target, validators.get("etag", ""), validators.get("last_modified", ""), False
            )
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise FetchError(f"{url}: download failed: {exc}") from exc


def _published(downloads: list[_Download]) -> date:
    """The newest Last-Modified of the files, or today when the server gives none."""
    dates = []
    for item in downloads:
        if item.last_modified:
            parsed = email.utils.parsedate_to_datetime(item.last_modified)
            dates.append(parsed.astimezone(UTC).date())
    return max(dates) if dates else datetime.now(UTC).date()


def fetch_source(
    store: ListStore,
    source: str,
    urls: tuple[str, ...],
    downloads_dir: Path,
    *,
    allow_shrink: bool = False,
    max_shrink: float = 0.10,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> FetchOutcome:
    if not urls:
        raise FetchError(f"no download URL configured for {source}")
    state_file = downloads_dir / "state.json"
    state: dict[str, dict[str, str]] = json.loads(state_file.read_text()) if state_file.exists() else {}
    current = downloads_dir / source
    downloads_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=downloads_dir, prefix=f".{source}-") as tmp:
        folder = Path(tmp)
        fetched = [
            _get(
                url,
                folder / _file_name(url),
                state.get(url, {}),
                current / _file_name(url) if current.exists() else None,
                max_bytes,
            )
            for url in urls
        ]
        if not any(d.modified for d in fetched):
            return FetchOutcome(source, "not-modified", "server reports no change since the last fetch")
        target = folder if len(fetched) > 1 else fetched[0].path
        # Last-Modified is the best date the server gives for files (OFAC CSV) with none inside.
        snapshot = parse_list(
            target, source=source, published=None if _has_own_date(target) else _published(fetched)
        )
        try:
            result = store.import_snapshot(snapshot, allow_shrink=allow_shrink, max_shrink=max_shrink)
            outcome = FetchOutcome(source, "imported", f"imported as {result.version.label}", result)
        except AlreadyImported:
            outcome = FetchOutcome(source, "unchanged", "content identical to a version already stored")
        if current.exists():
            shutil.rmtree(current)
        current.mkdir(parents=True)
        for item in fetched:
            shutil.copyfile(item.path, current / item.path.name)
            state[item.url] = {"etag": item.etag, "last_modified": item.last_modified}
        state_file.write_text(json.dumps(state, indent=2))
        return outcome


def _has_own_date(path: Path) -> bool:
    """XML lists state their publication date; OFAC's CSV files do not."""
    return path.is_file() and path.name.endswith((".xml", ".xml.gz"))


def fetch_document(url: str, limit: int) -> bytes:
    """A press release or article from the web, as bytes (refused over `limit`, or not http(s))."""
    if urlparse(url).scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https addresses are read")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            data: bytes = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise FetchError(f"{url}: cannot be reached: {exc}") from exc
    if len(data) > limit:
        raise FetchError(f"{url}: more than {limit:,} bytes; not a document to read")
    return data
