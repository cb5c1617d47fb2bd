"""The tables beside the lists and the review: audit trail, users and sessions, API keys and
batch jobs, rule files. Created by the first migration (`migrations.py`), as of 2026-12."""

AUDIT_DDL = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""

USERS_DDL = """
CREATE TABLE IF NOT EXISTS app_user (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS app_session (
    token_sha256 TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES app_user (username),
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failure (
    at TEXT NOT NULL,
    username TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failure_by_user ON login_failure (username, at);
CREATE INDEX IF NOT EXISTS login_failure_by_address ON login_failure (address, at);
"""

SERVICE_DDL = """
CREATE TABLE IF NOT EXISTS api_key (
    key_id TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    label TEXT NOT NULL,
    owner TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS batch_job (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    lists TEXT NOT NULL,
    threshold REAL NOT NULL,
    total_rows INTEGER NOT NULL,
    done_rows INTEGER NOT NULL,
    alerts INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    message TEXT NOT NULL,
    folder TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS batch_job_by_state ON batch_job (state, created_at);
"""

RULES_DDL = """
CREATE TABLE IF NOT EXISTS rule_file (
    kind TEXT NOT NULL,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (kind, seq),
    UNIQUE (kind, sha256)
);
"""
