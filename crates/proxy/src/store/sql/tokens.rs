//! User tokens (issue 17): sealed rows, never the token in clear.

use super::*;

const COLUMNS: &str = "client_user_key, provider, ciphertext, nonce, key_id, active, created_at, \
     updated_at, deactivated_at";

fn token_from_row(row: &AnyRow) -> Result<UserTokenRecord, StoreError> {
    let active: i64 = row.try_get("active")?;
    Ok(UserTokenRecord {
        client_user_key: row.try_get("client_user_key")?,
        provider: row.try_get("provider")?,
        ciphertext: row.try_get("ciphertext")?,
        nonce: row.try_get("nonce")?,
        key_id: row.try_get("key_id")?,
        active: active != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        deactivated_at: row.try_get("deactivated_at")?,
    })
}

impl UserTokenStore for SqlStore {
    fn put_user_token<'a>(
        &'a self,
        t: &'a UserTokenRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO user_tokens (client_user_key, provider, ciphertext, nonce, key_id, \
                 active, created_at, updated_at, deactivated_at) \
                 VALUES ($1, $2, $3, $4, $5, 1, $6, $6, NULL) \
                 ON CONFLICT (client_user_key, provider) DO UPDATE SET \
                 ciphertext = excluded.ciphertext, nonce = excluded.nonce, \
                 key_id = excluded.key_id, active = 1, updated_at = excluded.updated_at, \
                 deactivated_at = NULL",
            )
            .bind(&t.client_user_key)
            .bind(&t.provider)
            .bind(&t.ciphertext)
            .bind(&t.nonce)
            .bind(&t.key_id)
            .bind(t.updated_at)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }

    fn user_token<'a>(
        &'a self,
        provider: &'a str,
        client_user_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<UserTokenRecord>, StoreError>> {
        Box::pin(async move {
            let row = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM user_tokens WHERE provider = $1 AND client_user_key = $2"
            ))
            .bind(provider)
            .bind(client_user_key)
            .fetch_optional(&self.pool)
            .await?;
            row.as_ref().map(token_from_row).transpose()
        })
    }

    fn reseal_user_token<'a>(
        &'a self,
        old_nonce: &'a str,
        t: &'a UserTokenRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE user_tokens SET ciphertext = $1, nonce = $2, key_id = $3, updated_at = $4 \
                 WHERE provider = $5 AND client_user_key = $6 AND nonce = $7",
            )
            .bind(&t.ciphertext)
            .bind(&t.nonce)
            .bind(&t.key_id)
            .bind(t.updated_at)
            .bind(&t.provider)
            .bind(&t.client_user_key)
            .bind(old_nonce)
            .execute(&self.pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    fn user_tokens_not_sealed_with<'a>(
        &'a self,
        key_id: &'a str,
        after_key: &'a str,
        after_provider: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<UserTokenRecord>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM user_tokens WHERE key_id <> $1 \
                 AND (client_user_key > $2 OR (client_user_key = $2 AND provider > $3)) \
                 ORDER BY client_user_key, provider LIMIT $4"
            ))
            .bind(key_id)
            .bind(after_key)
            .bind(after_provider)
            .bind(i64::from(limit.clamp(1, 10_000)))
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(token_from_row).collect()
        })
    }

    fn deactivate_user_token<'a>(
        &'a self,
        provider: &'a str,
        client_user_key: &'a str,
        only_nonce: Option<&'a str>,
        at: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let done = match only_nonce {
                Some(nonce) => {
                    sqlx::query(
                        "UPDATE user_tokens SET active = 0, updated_at = $1, deactivated_at = $1 \
                         WHERE provider = $2 AND client_user_key = $3 AND active = 1 AND nonce = $4",
                    )
                    .bind(at)
                    .bind(provider)
                    .bind(client_user_key)
                    .bind(nonce)
                    .execute(&self.pool)
                    .await?
                }
                None => {
                    sqlx::query(
                        "UPDATE user_tokens SET active = 0, updated_at = $1, deactivated_at = $1 \
                         WHERE provider = $2 AND client_user_key = $3 AND active = 1",
                    )
                    .bind(at)
                    .bind(provider)
                    .bind(client_user_key)
                    .execute(&self.pool)
                    .await?
                }
            };
            Ok(done.rows_affected() == 1)
        })
    }
}
