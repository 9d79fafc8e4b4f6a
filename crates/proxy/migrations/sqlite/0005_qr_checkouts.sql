-- QR checkout (issue 17, doc 000 "Initiate QR Checkout"): an order a POS shows as a QR code.
-- orders.source says where an order came from: NULL for the web checkout (widget, session,
-- no-JavaScript form), 'QR' for a QR checkout.
ALTER TABLE orders ADD COLUMN source TEXT;

-- One row per QR order. qr_id is the POS screen's capability (128 random bits, url-safe);
-- request_hash makes a retried create with the same order id and body return the same QR
-- and one with another body a 409. qr_image is the provider's image URL, svg the image once
-- fetched (a transaction's code never changes).
CREATE TABLE qr_checkouts (
    qr_id           TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL UNIQUE REFERENCES orders (order_id),
    request_hash    TEXT NOT NULL,
    sub_merchant_id TEXT NOT NULL,
    language        TEXT NOT NULL,
    qr_image        TEXT,
    svg             TEXT,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
