-- Request ids of notifications already applied, per gateway (DOKU's Request-Id): a captured
-- notification replayed later is recognised (issue 15). Pruned with the notifications.
CREATE TABLE notification_keys (
    gateway TEXT NOT NULL,
    key     TEXT NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (gateway, key)
);
CREATE INDEX notifications_at ON notifications (at);
