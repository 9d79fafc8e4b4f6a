-- Written to run unchanged on SQLite and PostgreSQL: TEXT ids and money (exact decimal
-- strings of whole rupiah), BIGINT Unix milliseconds, no AUTOINCREMENT/SERIAL.

CREATE TABLE orders (
    order_id         TEXT PRIMARY KEY,
    idempotency_key  TEXT NOT NULL UNIQUE,
    fingerprint      TEXT NOT NULL,
    cart_id          TEXT,
    payment_type     TEXT NOT NULL,
    amount           TEXT NOT NULL,
    cancelled_amount TEXT NOT NULL DEFAULT '0',
    currency         TEXT NOT NULL,
    status           TEXT NOT NULL,
    gateway          TEXT NOT NULL,
    transaction_id   TEXT,
    redirect_url     TEXT,
    last_error       TEXT,
    lease_until      BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX orders_created_at ON orders (created_at);
CREATE INDEX orders_status ON orders (status);

CREATE TABLE order_lines (
    order_id    TEXT NOT NULL REFERENCES orders (order_id),
    position    INTEGER NOT NULL,
    product_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    unit_price  TEXT NOT NULL,
    line_total  TEXT NOT NULL,
    PRIMARY KEY (order_id, position)
);

-- seq is computed as MAX(seq)+1 inside the inserting statement; the primary key makes a
-- concurrent duplicate fail (PostgreSQL) instead of silently reordering the log.
CREATE TABLE order_events (
    order_id    TEXT NOT NULL REFERENCES orders (order_id),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    detail      TEXT NOT NULL,
    PRIMARY KEY (order_id, seq)
);

CREATE TABLE provider_calls (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    gateway     TEXT NOT NULL,
    operation   TEXT NOT NULL,
    method      TEXT NOT NULL,
    endpoint    TEXT NOT NULL,
    order_id    TEXT,
    request     TEXT NOT NULL,
    response    TEXT,
    http_status INTEGER,
    latency_ms  BIGINT NOT NULL,
    error       TEXT
);
CREATE INDEX provider_calls_order ON provider_calls (order_id, at);

CREATE TABLE notifications (
    id             TEXT PRIMARY KEY,
    at             BIGINT NOT NULL,
    gateway        TEXT NOT NULL,
    order_id       TEXT,
    transaction_id TEXT,
    raw_body       TEXT NOT NULL,
    verdict        TEXT NOT NULL,
    detail         TEXT NOT NULL
);
CREATE INDEX notifications_order ON notifications (order_id, at);

CREATE TABLE carts (
    cart_id    TEXT PRIMARY KEY,
    lines      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
