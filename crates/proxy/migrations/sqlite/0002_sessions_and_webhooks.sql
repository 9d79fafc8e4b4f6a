-- Checkout sessions created by the merchant's server, and the webhook outbox (issue 14).
-- Same SQL on both engines (see ../postgres/0002_sessions_and_webhooks.sql).

CREATE TABLE sessions (
    session_id      TEXT PRIMARY KEY,
    reference       TEXT NOT NULL,
    -- The merchant's Idempotency-Key and a hash of the body it came with: a replay with the
    -- same key and body returns the session, another body is refused.
    idempotency_key TEXT UNIQUE,
    request_hash    TEXT NOT NULL,
    amount          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    -- The validated CreateSession body (JSON): items, fees, customer, addresses, sellers,
    -- metadata, URLs, payment types.
    body            TEXT NOT NULL,
    expires_at      BIGINT NOT NULL,
    -- Set once, when the shopper checks out: a session is paid at most once.
    order_id        TEXT UNIQUE REFERENCES orders (order_id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Client secrets are never stored, only their SHA-256; a session may have several (an
-- idempotent replay of the create issues a fresh one).
CREATE TABLE session_secrets (
    secret_hash TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions (session_id),
    created_at  BIGINT NOT NULL
);

ALTER TABLE orders ADD COLUMN session_id TEXT;
ALTER TABLE orders ADD COLUMN reference TEXT;
-- The shopper's details for a catalogue-mode checkout (JSON); sessions keep theirs.
ALTER TABLE orders ADD COLUMN customer TEXT;

-- The transactional outbox: one row per state change, written in the same transaction as
-- the change; a worker delivers them (at least once, in order per order).
CREATE TABLE webhook_events (
    event_id        TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders (order_id),
    seq             BIGINT NOT NULL,
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    -- pending | delivered | failed (gave up; redeliver resets it)
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    delivered_at    BIGINT,
    last_error      TEXT,
    last_http_status BIGINT,
    UNIQUE (order_id, seq)
);
CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at);

CREATE TABLE webhook_attempts (
    event_id    TEXT NOT NULL REFERENCES webhook_events (event_id),
    attempt     BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    http_status BIGINT,
    latency_ms  BIGINT NOT NULL,
    error       TEXT,
    response    TEXT,
    PRIMARY KEY (event_id, attempt)
);
