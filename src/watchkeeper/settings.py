"""Settings as one object, read from the environment once and passed in."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from watchkeeper.store.base import DEFAULT_MAX_SHRINK
from watchkeeper.store.database import shown
from watchkeeper.store.units import Stores

#: Official download addresses; each can be overridden with
#: WATCHKEEPER_URL_<SOURCE> (e.g. WATCHKEEPER_URL_UN), as tests do.
DEFAULT_URLS: dict[str, tuple[str, ...]] = {
    "ofac-sdn": (
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV",
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ALT.CSV",
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADD.CSV",
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_COMMENTS.CSV",
    ),
    "ofac-cons": (
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_PRIM.CSV",
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ALT.CSV",
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ADD.CSV",
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_COMMENTS.CSV",
    ),
    "un": ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
}


@dataclass(frozen=True)
class Settings:
    home: Path
    max_list_age_days: int = 7
    max_shrink: float = DEFAULT_MAX_SHRINK
    urls: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_URLS))
    #: HTTP service: read calls without a key (a trusted network only; off by default).
    open_read: bool = False
    #: Largest JSON request body, and largest upload (batch CSV, list file), in bytes.
    max_body_bytes: int = 1 << 20
    max_upload_bytes: int = 512 << 20
    #: Processes each batch job of the HTTP service may use.
    batch_workers: int = 1
    #: Decisions final only when a second user confirms them: `true_match`, `false_positive`
    #: (WATCHKEEPER_FOUR_EYES=1 means both; or name them, comma-separated).
    four_eyes: tuple[str, ...] = ()
    #: Session cookies marked Secure: set when the service is reached over HTTPS (a TLS proxy).
    secure_cookies: bool = False
    #: A browser session ends after this long without a request, or this long after logging in.
    session_idle_seconds: int = 30 * 60
    session_absolute_seconds: int = 12 * 3600
    #: A gzip upload (list file) may expand to at most this many bytes.
    max_uncompressed_bytes: int = 2 << 30
    #: Finished batch jobs (their uploads and results) are removed after this many days; 0 keeps them.
    retention_days: int = 30
    #: The largest file `lists fetch` downloads.
    max_download_bytes: int = 1 << 30
    #: Indexes of past list versions (`as_of` requests) kept in memory, each the size of a whole index.
    as_of_indexes: int = 2
    #: How often each API worker looks for list or rule versions loaded by another process.
    reload_poll_seconds: float = 1.0
    #: A PostgreSQL database shared by several processes or hosts (`postgresql://user:pw@host/db`);
    #: empty: the embedded SQLite file under `home`.
    database_url: str = ""

    @property
    def store_path(self) -> Path:
        """The embedded store's file (also where it would be when the store is a database)."""
        return self.home / "watchkeeper.sqlite"

    @property
    def store_location(self) -> str:
        """What the stores open: the database URL if one is set, else the SQLite file."""
        return self.database_url or str(self.store_path)

    @property
    def store_shown(self) -> str:
        """The store as messages name it (a database URL without its password)."""
        return shown(self.store_location)

    @property
    def batches(self) -> Path:
        return self.home / "batches"

    @property
    def downloads(self) -> Path:
        return self.home / "downloads"

    @property
    def ais(self) -> Path:
        """The AIS store: day-partitioned Parquet files and the last detection run's events."""
        return self.home / "ais"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        urls = dict(DEFAULT_URLS)
        for key, value in env.items():
            if key.startswith("WATCHKEEPER_URL_"):
                source = key.removeprefix("WATCHKEEPER_URL_").lower().replace("_", "-")
                urls[source] = tuple(u for u in value.split() if u)
        return cls(
            home=Path(env.get("WATCHKEEPER_HOME", "var")),
            max_list_age_days=int(env.get("WATCHKEEPER_MAX_LIST_AGE_DAYS", "7")),
            max_shrink=float(env.get("WATCHKEEPER_MAX_SHRINK", str(DEFAULT_MAX_SHRINK))),
            urls=urls,
            open_read=env.get("WATCHKEEPER_OPEN_READ", "").lower() in {"1", "true", "yes", "on"},
            max_body_bytes=int(env.get("WATCHKEEPER_MAX_BODY_BYTES", str(1 << 20))),
            max_upload_bytes=int(env.get("WATCHKEEPER_MAX_UPLOAD_BYTES", str(512 << 20))),
            batch_workers=int(env.get("WATCHKEEPER_BATCH_WORKERS", "1")),
            four_eyes=_four_eyes(env.get("WATCHKEEPER_FOUR_EYES", "")),
            secure_cookies=_flag(env, "WATCHKEEPER_SECURE_COOKIES"),
            session_idle_seconds=int(env.get("WATCHKEEPER_SESSION_IDLE_SECONDS", str(30 * 60))),
            session_absolute_seconds=int(env.get("WATCHKEEPER_SESSION_SECONDS", str(12 * 3600))),
            max_uncompressed_bytes=int(env.get("WATCHKEEPER_MAX_UNCOMPRESSED_BYTES", str(2 << 30))),
            as_of_indexes=int(env.get("WATCHKEEPER_AS_OF_INDEXES", "2")),
            max_download_bytes=int(env.get("WATCHKEEPER_MAX_DOWNLOAD_BYTES", str(1 << 30))),
            retention_days=int(env.get("WATCHKEEPER_RETENTION_DAYS", "30")),
            reload_poll_seconds=float(env.get("WATCHKEEPER_RELOAD_POLL_SECONDS", "1")),
            database_url=env.get("WATCHKEEPER_DATABASE_URL", "").strip(),
        )


def open_stores(settings: Settings, *, create: bool = True) -> Stores:
    """The unit of work over the settings' store file; use it as a context manager.

    `create=False` (a server's per-thread stores) skips the schema statements, which take
    locks a burst of new threads would wait on; the server creates the tables once at start-up.
    """
    return Stores(
        settings.store_location,
        create=create,
        four_eyes=settings.four_eyes,
        session_idle_seconds=settings.session_idle_seconds,
        session_absolute_seconds=settings.session_absolute_seconds,
    )


def _four_eyes(value: str) -> tuple[str, ...]:
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return ("true_match", "false_positive")
    if value.strip().lower() in {"", "0", "false", "no", "off"}:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _flag(env: dict[str, str], name: str) -> bool:
    return env.get(name, "").lower() in {"1", "true", "yes", "on"}
