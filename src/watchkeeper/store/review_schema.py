"""The review tables: runs, customers and their history, results, alerts, decisions, the good-guy list."""

REVIEW_DDL = """
CREATE TABLE IF NOT EXISTS run (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    lists TEXT NOT NULL,
    matcher TEXT NOT NULL,
    threshold REAL NOT NULL,
    rows INTEGER NOT NULL DEFAULT 0,
    alerts INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS customer (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    dob TEXT NOT NULL,
    country TEXT NOT NULL,
    identifier TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_input (
    run_id TEXT NOT NULL REFERENCES run (id),
    customer_id TEXT NOT NULL,
    query TEXT NOT NULL,
    PRIMARY KEY (run_id, customer_id)
);
CREATE TABLE IF NOT EXISTS result (
    run_id TEXT NOT NULL REFERENCES run (id),
    customer_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    score REAL NOT NULL,
    explanation TEXT NOT NULL,
    PRIMARY KEY (run_id, customer_id, entity_id)
);
CREATE TABLE IF NOT EXISTS alert (
    id INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    state TEXT NOT NULL,
    score REAL NOT NULL,
    entity_hash TEXT NOT NULL,
    raised_run TEXT NOT NULL,
    last_run TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (customer_id, entity_id)
);
CREATE INDEX IF NOT EXISTS alert_by_state ON alert (state, updated_at);
CREATE INDEX IF NOT EXISTS alert_by_entity ON alert (entity_id);
CREATE TABLE IF NOT EXISTS decision (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alert (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    confirmed_by TEXT,
    confirmed_at TEXT
);
CREATE TABLE IF NOT EXISTS good_guy (
    customer_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    entity_hash TEXT NOT NULL,
    decision_id INTEGER NOT NULL,
    PRIMARY KEY (customer_id, entity_id)
);
CREATE TABLE IF NOT EXISTS rescreen_mark (source TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS review_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customer_history (
    id INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    run_id TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS customer_history_by_customer ON customer_history (customer_id, id);
"""
