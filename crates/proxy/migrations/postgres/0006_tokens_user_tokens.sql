-- Kredivo user tokens of tokenized customers (issue 17), one per customer and provider. The
-- token is stored only sealed with AES-256-GCM (base64 ciphertext + nonce, the key's id);
-- the additional data binds a row to its provider and client_user_key, so a row copied to
-- another customer does not decrypt. `active` is 0/1; times are Unix milliseconds.
CREATE TABLE user_tokens (
    client_user_key TEXT NOT NULL,
    provider        TEXT NOT NULL,
    ciphertext      TEXT NOT NULL,
    nonce           TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    active          BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    deactivated_at  BIGINT,
    PRIMARY KEY (client_user_key, provider)
);
CREATE INDEX user_tokens_key_id ON user_tokens (key_id);
