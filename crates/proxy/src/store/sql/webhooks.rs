//! The webhook outbox: rows written inside a state change's transaction, claimed by workers
//! with a lease (plus `FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas do not even wait
//! for each other), delivered in order per order.

use std::collections::BTreeMap;

use kredivo_api::merchant::{Cancellation, WebhookEvent, WebhookEventType, WebhookOrder};

use super::*;

const WEBHOOK_COLUMNS: &str = "event_id, order_id, seq, event_type, payload, created_at, status, \
     attempts, next_attempt_at, delivered_at, last_error, last_http_status";

/// Longest merchant answer kept per attempt.
const MAX_STORED_RESPONSE: usize = 1024;

fn webhook_from_row(row: &AnyRow) -> Result<WebhookRecord, StoreError> {
    let event_type: String = row.try_get("event_type")?;
    let status: String = row.try_get("status")?;
    let http: Option<i64> = row.try_get("last_http_status")?;
    Ok(WebhookRecord {
        event_id: row.try_get("event_id")?,
        order_id: row.try_get("order_id")?,
        seq: row.try_get("seq")?,
        event_type: serde_json::from_value(serde_json::Value::String(event_type.clone()))
            .map_err(|_| StoreError::Corrupt(format!("event_type: {event_type:?}")))?,
        payload: row.try_get("payload")?,
        created_at: row.try_get("created_at")?,
        status: WebhookStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("webhook status {status:?}")))?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        delivered_at: row.try_get("delivered_at")?,
        last_error: row.try_get("last_error")?,
        last_http_status: http.and_then(|s| u16::try_from(s).ok()),
    })
}

/// A new random event id: `evt_` and 26 characters of Crockford base32 (130 bits).
fn event_id() -> String {
    crate::clock::RandomIds.id_with_len("evt", 26)
}

/// Writes the webhook event announcing the change just made to `order_id`, inside the
/// change's transaction: the payload is the order as it is now, with its session's reference
/// and metadata.
pub(super) async fn insert_outbox(
    conn: &mut AnyConnection,
    order_id: &str,
    event_type: WebhookEventType,
    cancellation: Option<Cancellation>,
    at: i64,
) -> Result<(), StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = $1"
    ))
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?;
    let order = order_from_row(&row)?;
    let metadata = match &order.session_id {
        Some(session_id) => {
            let body: Option<String> =
                sqlx::query_scalar("SELECT body FROM sessions WHERE session_id = $1")
                    .bind(session_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            body.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
                .and_then(|v| {
                    serde_json::from_value::<BTreeMap<String, String>>(v.get("metadata")?.clone())
                        .ok()
                })
        }
        None => None,
    };
    let event = WebhookEvent {
        id: event_id(),
        event_type,
        created: at.div_euclid(1000),
        data: WebhookOrder {
            order_id: order.order_id.clone(),
            session_id: order.session_id.clone(),
            reference: order.reference.clone(),
            status: order.status,
            amount: order.amount.as_decimal(),
            cancelled_amount: order.cancelled_amount.as_decimal(),
            currency: order.currency.clone(),
            payment_type: order.payment_type.clone(),
            gateway: order.gateway.clone(),
            transaction_id: order.transaction_id.clone(),
            metadata,
            cancellation,
            source: order.source.clone(),
        },
    };
    sqlx::query(
        "INSERT INTO webhook_events (event_id, order_id, seq, event_type, payload, created_at, \
         status, attempts, next_attempt_at) \
         SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, 'pending', 0, $5 \
         FROM webhook_events WHERE order_id = $2",
    )
    .bind(&event.id)
    .bind(order_id)
    .bind(event_type.as_str())
    .bind(to_json(&event)?)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl SqlStore {
    pub(super) async fn claim_webhooks_inner(
        &self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<WebhookRecord>, StoreError> {
        // Only an order's oldest undelivered event is due: later ones wait for it, so the
        // merchant sees every order's events in order. A given-up event no longer blocks.
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE OF e SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT {cols} FROM webhook_events e \
             WHERE e.status = 'pending' AND e.next_attempt_at <= $1 \
             AND (e.lease_until IS NULL OR e.lease_until < $1) \
             AND NOT EXISTS (SELECT 1 FROM webhook_events p WHERE p.order_id = e.order_id \
                 AND p.status = 'pending' AND p.seq < e.seq) \
             ORDER BY e.next_attempt_at, e.created_at, e.event_id LIMIT $2{lock}",
            cols = WEBHOOK_COLUMNS
                .split(", ")
                .map(|c| format!("e.{c}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(&sql)
            .bind(now)
            .bind(i64::from(limit.min(1000)))
            .fetch_all(&mut *tx)
            .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let record = webhook_from_row(row)?;
            let taken = sqlx::query(
                "UPDATE webhook_events SET lease_until = $1 WHERE event_id = $2 \
                 AND status = 'pending' AND (lease_until IS NULL OR lease_until < $3)",
            )
            .bind(lease_until)
            .bind(&record.event_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if taken.rows_affected() == 1 {
                claimed.push(record);
            }
        }
        tx.commit().await?;
        Ok(claimed)
    }

    pub(super) async fn record_webhook_attempt_inner(
        &self,
        event_id: &str,
        attempt: &WebhookAttempt,
        result: &AttemptResult,
    ) -> Result<(), StoreError> {
        let response = attempt.response.as_deref().map(|r| {
            let mut cut = r.len().min(MAX_STORED_RESPONSE);
            while !r.is_char_boundary(cut) {
                cut -= 1;
            }
            r[..cut].to_owned()
        });
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO webhook_attempts (event_id, attempt, at, http_status, latency_ms, error, response) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(event_id)
        .bind(attempt.attempt)
        .bind(attempt.at)
        .bind(attempt.http_status.map(i64::from))
        .bind(attempt.latency_ms)
        .bind(&attempt.error)
        .bind(response)
        .execute(&mut *tx)
        .await?;
        let (status, next, delivered_at) = match result {
            AttemptResult::Delivered => (WebhookStatus::Delivered, attempt.at, Some(attempt.at)),
            AttemptResult::RetryAt(at) => (WebhookStatus::Pending, *at, None),
            AttemptResult::GiveUp => (WebhookStatus::Failed, attempt.at, None),
        };
        sqlx::query(
            "UPDATE webhook_events SET status = $1, attempts = $2, next_attempt_at = $3, \
             delivered_at = COALESCE($4, delivered_at), last_error = $5, last_http_status = $6, \
             lease_until = NULL WHERE event_id = $7",
        )
        .bind(status.as_str())
        .bind(attempt.attempt)
        .bind(next)
        .bind(delivered_at)
        .bind(&attempt.error)
        .bind(attempt.http_status.map(i64::from))
        .bind(event_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn webhooks_inner(
        &self,
        filter: &WebhookFilter,
    ) -> Result<Vec<WebhookRecord>, StoreError> {
        let limit = i64::from(filter.limit.unwrap_or(100).min(1000));
        let mut sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhook_events WHERE 1 = 1");
        let mut values = Vec::new();
        if let Some(status) = filter.status {
            values.push(status.as_str().to_owned());
            sql.push_str(&format!(" AND status = ${}", values.len()));
        }
        if let Some(order_id) = &filter.order_id {
            values.push(order_id.clone());
            sql.push_str(&format!(" AND order_id = ${}", values.len()));
        }
        sql.push_str(&format!(
            " ORDER BY created_at, order_id, seq LIMIT ${}",
            values.len() + 1
        ));
        let mut query = sqlx::query(&sql);
        for v in &values {
            query = query.bind(v);
        }
        let rows = query.bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(webhook_from_row).collect()
    }

    pub(super) async fn webhook_attempts_inner(
        &self,
        event_id: &str,
    ) -> Result<Vec<WebhookAttempt>, StoreError> {
        let rows = sqlx::query(
            "SELECT attempt, at, http_status, latency_ms, error, response FROM webhook_attempts \
             WHERE event_id = $1 ORDER BY attempt",
        )
        .bind(event_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let http: Option<i64> = row.try_get("http_status")?;
                Ok(WebhookAttempt {
                    attempt: row.try_get("attempt")?,
                    at: row.try_get("at")?,
                    http_status: http.and_then(|s| u16::try_from(s).ok()),
                    latency_ms: row.try_get("latency_ms")?,
                    error: row.try_get("error")?,
                    response: row.try_get("response")?,
                })
            })
            .collect()
    }

    pub(super) async fn redeliver_webhook_inner(
        &self,
        event_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE webhook_events SET status = 'pending', next_attempt_at = $1, lease_until = NULL \
             WHERE event_id = $2",
        )
        .bind(now)
        .bind(event_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn webhook_backlog_inner(&self) -> Result<(u64, Option<i64>), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM webhook_events WHERE status = 'pending'",
        )
        .fetch_one(&self.pool)
        .await?;
        let n: i64 = row.try_get("n")?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        Ok((u64::try_from(n).unwrap_or(0), oldest))
    }
}
