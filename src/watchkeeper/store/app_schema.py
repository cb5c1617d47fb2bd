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

# Migration 2 (2026-12-04): sanctions actions read from documents or entered by hand.
ACTIONS_DDL = """
CREATE TABLE IF NOT EXISTS sanctions_action (
    number INTEGER PRIMARY KEY,
    authority TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    origin TEXT NOT NULL,
    programs TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sanctions_action_by_day ON sanctions_action (day);
CREATE TABLE IF NOT EXISTS action_document (
    number INTEGER NOT NULL REFERENCES sanctions_action (number),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    title TEXT NOT NULL,
    url TEXT,
    text TEXT NOT NULL,
    PRIMARY KEY (number, position)
);
CREATE TABLE IF NOT EXISTS action_party (
    number INTEGER NOT NULL REFERENCES sanctions_action (number),
    position INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (number, position)
);
CREATE TABLE IF NOT EXISTS action_status (
    number INTEGER NOT NULL REFERENCES sanctions_action (number),
    position INTEGER NOT NULL,
    status TEXT NOT NULL,
    day TEXT NOT NULL,
    note TEXT NOT NULL,
    version TEXT,
    PRIMARY KEY (number, position)
);
"""
