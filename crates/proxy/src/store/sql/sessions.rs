//! Checkout sessions and their client secrets (stored only as hashes).

use super::*;

const SESSION_COLUMNS: &str = "session_id, reference, idempotency_key, request_hash, amount, \
     currency, body, expires_at, order_id, created_at";

fn session_from_row(row: &AnyRow) -> Result<SessionRecord, StoreError> {
    let body: String = row.try_get("body")?;
    Ok(SessionRecord {
        session_id: row.try_get("session_id")?,
        reference: row.try_get("reference")?,
        idempotency_key: row.try_get("idempotency_key")?,
        request_hash: row.try_get("request_hash")?,
        amount: money(row, "amount")?,
        currency: row.try_get("currency")?,
        body: serde_json::from_str(&body)
            .map_err(|e| StoreError::Corrupt(format!("session body: {e}")))?,
        expires_at: row.try_get("expires_at")?,
        order_id: row.try_get("order_id")?,
        created_at: row.try_get("created_at")?,
    })
}

impl SqlStore {
    pub(super) async fn insert_session_inner(
        &self,
        s: &SessionRecord,
        secret_hash: &str,
    ) -> Result<SessionInsert, StoreError> {
        let mut tx = self.write_tx().await?;
        let inserted = sqlx::query(
            "INSERT INTO sessions (session_id, reference, idempotency_key, request_hash, amount, \
             currency, body, expires_at, order_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)",
        )
        .bind(&s.session_id)
        .bind(&s.reference)
        .bind(&s.idempotency_key)
        .bind(&s.request_hash)
        .bind(s.amount.to_string())
        .bind(&s.currency)
        .bind(to_json(&s.body)?)
        .bind(s.expires_at)
        .bind(s.created_at)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) && s.idempotency_key.is_some() => {
                tx.rollback().await?;
                let key = s.idempotency_key.as_deref().unwrap_or_default();
                return match self.session_where("idempotency_key = $1", key).await? {
                    Some(existing) => Ok(SessionInsert::Existing(Box::new(existing))),
                    None => Err(StoreError::Database(e)),
                };
            }
            Err(e) => return Err(e.into()),
        }
        sqlx::query(
            "INSERT INTO session_secrets (secret_hash, session_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(secret_hash)
        .bind(&s.session_id)
        .bind(s.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(SessionInsert::Inserted)
    }

    pub(super) async fn add_session_secret_inner(
        &self,
        session_id: &str,
        secret_hash: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO session_secrets (secret_hash, session_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(secret_hash)
        .bind(session_id)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session matching `condition` (with one `$1`).
    pub(super) async fn session_where(
        &self,
        condition: &str,
        value: &str,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE {condition}"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(session_from_row).transpose()
    }
}
