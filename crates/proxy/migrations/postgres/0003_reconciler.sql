-- The reconciler's work queue (issue 15): orders still created or pending are checked with
-- the provider from next_check_at on, one checker at a time per order (check_lease_until).
ALTER TABLE orders ADD COLUMN next_check_at BIGINT;
ALTER TABLE orders ADD COLUMN check_lease_until BIGINT;
ALTER TABLE orders ADD COLUMN checks BIGINT NOT NULL DEFAULT 0;
-- When the order can no longer be paid (the session's expiry, else 24 h after creation,
-- Kredivo's own default), Unix ms.
ALTER TABLE orders ADD COLUMN expires_at BIGINT;
CREATE INDEX orders_due_checks ON orders (status, next_check_at);
