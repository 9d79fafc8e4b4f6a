//! [`Store`] on SQLite or PostgreSQL through sqlx's `Any` driver, with runtime-checked
//! queries (no database at build time).
//!
//! One implementation for both engines: the SQL is written for both (numbered `$n`
//! placeholders, `BIGINT` epoch milliseconds, `TEXT` money, portable `ON CONFLICT`), each
//! engine has its own migrations directory, and the few places that differ ask
//! [`Backend`]. Every status change is a compare-and-set in one transaction with its event,
//! which holds on PostgreSQL's READ COMMITTED as on SQLite's single writer.

use std::str::FromStr;
use std::time::Duration;

use kredivo_api::{CartLine, OrderStatus};
use kredivo_plan::Money;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Executor, Row};

use super::*;

mod orders;
mod qr;
mod sessions;
mod stats;
mod tokens;
mod webhooks;

/// How often a compare-and-set retries when another writer got there first.
const CAS_ATTEMPTS: usize = 8;
/// How often opening retries the migrations when another process ran them at the same time.
const MIGRATE_ATTEMPTS: u32 = 5;

/// The database engine behind a [`SqlStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One file (or memory), one process: the zero-setup default.
    Sqlite,
    /// Shared by every replica.
    Postgres,
}

impl Backend {
    /// The engine a `DATABASE_URL` names.
    pub fn of(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            other => Err(StoreError::Unsupported(format!(
                "{other}: expected sqlite:// or postgres://"
            ))),
        }
    }
}

/// The SQL store. On SQLite: one file, WAL journal, full sync, so a killed process loses
/// nothing that was acknowledged. On PostgreSQL: a pool shared by every replica, migrations
/// under PostgreSQL's advisory lock (sqlx's migrator takes it), so replicas may start
/// together.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// Whether state changes write webhook events to the outbox.
    outbox: bool,
}

impl SqlStore {
    /// Opens and migrates the database at `url`: `sqlite://path/to/file.db` (the file and its
    /// directory are created), `sqlite::memory:` (one connection, so one database) or
    /// `postgres://user@host:port/db`.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url)?;
        let (url, pool_options) = match backend {
            Backend::Sqlite => sqlite_pool(url)?,
            Backend::Postgres => (
                url.to_owned(),
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(5)),
            ),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = pool_options.connect_with(options).await?;
        let store = Self {
            pool,
            backend,
            outbox: false,
        };
        store.migrate().await?;
        Ok(store)
    }

    /// The same store writing (or not) a webhook event to the outbox with every state change,
    /// in the change's own transaction. Off by default; the proxy turns it on when
    /// `MERCHANT_WEBHOOK_URL` is set.
    pub fn with_outbox(mut self, on: bool) -> Self {
        self.outbox = on;
        self
    }

    /// A transaction that will write. On SQLite it takes the write lock up front (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads and then writes fails with
    /// `SQLITE_BUSY_SNAPSHOT` when another writer committed in between, and no busy timeout
    /// helps it; taking the lock first makes writers queue instead.
    async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool (tests that reopen the same database call this first).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Applies the engine's migrations. Two processes opening a fresh database at once both
    /// try; on SQLite (which has no advisory lock) the loser fails on a table that now exists
    /// and simply tries again, finding everything applied.
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut attempt = 1;
        loop {
            let result = match self.backend {
                Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.pool).await,
                Backend::Postgres => {
                    sqlx::migrate!("./migrations/postgres")
                        .run(&self.pool)
                        .await
                }
            };
            match result {
                Ok(()) => return Ok(()),
                Err(e) if attempt < MIGRATE_ATTEMPTS => {
                    tracing::warn!(error = %e, attempt, "migrations raced another process; retrying");
                    tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
                    attempt += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// SQLite's URL (created if missing) and pool: pragmas on every connection, exactly one
/// connection for `:memory:` (each connection to it is its own database).
fn sqlite_pool(url: &str) -> Result<(String, AnyPoolOptions), StoreError> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    if in_memory {
        let options = AnyPoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            });
        return Ok((url.to_owned(), options));
    }
    create_parent_dir(url)?;
    let url = if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    };
    let options = AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL",
                )
                .await?;
                Ok(())
            })
        });
    Ok((url, options))
}

fn create_parent_dir(url: &str) -> Result<(), StoreError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.display().to_string(),
                source,
            })?;
        }
    }
    Ok(())
}

fn money(row: &AnyRow, col: &str) -> Result<Money, StoreError> {
    let text: String = row.try_get(col)?;
    Money::parse(&text).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

fn status(row: &AnyRow, col: &str) -> Result<OrderStatus, StoreError> {
    let text: String = row.try_get(col)?;
    parse_status(&text)
        .ok_or_else(|| StoreError::Corrupt(format!("{col}: unknown status {text:?}")))
}

fn opt_status(row: &AnyRow, col: &str) -> Result<Option<OrderStatus>, StoreError> {
    let text: Option<String> = row.try_get(col)?;
    text.map(|t| {
        parse_status(&t).ok_or_else(|| StoreError::Corrupt(format!("{col}: unknown status {t:?}")))
    })
    .transpose()
}

fn order_from_row(row: &AnyRow) -> Result<OrderRecord, StoreError> {
    Ok(OrderRecord {
        order_id: row.try_get("order_id")?,
        idempotency_key: row.try_get("idempotency_key")?,
        fingerprint: row.try_get("fingerprint")?,
        cart_id: row.try_get("cart_id")?,
        payment_type: row.try_get("payment_type")?,
        amount: money(row, "amount")?,
        cancelled_amount: money(row, "cancelled_amount")?,
        currency: row.try_get("currency")?,
        status: status(row, "status")?,
        gateway: row.try_get("gateway")?,
        transaction_id: row.try_get("transaction_id")?,
        redirect_url: row.try_get("redirect_url")?,
        last_error: row.try_get("last_error")?,
        lease_until: row.try_get("lease_until")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        session_id: row.try_get("session_id")?,
        reference: row.try_get("reference")?,
        shopper: json_column(row, "customer")?,
        expires_at: row.try_get("expires_at")?,
        next_check_at: row.try_get("next_check_at")?,
        checks: row.try_get("checks")?,
        source: row.try_get("source")?,
    })
}

/// An optional JSON column.
fn json_column<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    col: &str,
) -> Result<Option<T>, StoreError> {
    let text: Option<String> = row.try_get(col)?;
    text.map(|t| serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(format!("{col}: {e}"))))
        .transpose()
}

/// A value as a JSON column.
fn to_json(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

const ORDER_COLUMNS: &str =
    "order_id, idempotency_key, fingerprint, cart_id, payment_type, amount, \
     cancelled_amount, currency, status, gateway, transaction_id, redirect_url, last_error, \
     lease_until, created_at, updated_at, session_id, reference, customer, expires_at, \
     next_check_at, checks, source";

/// Appends an event with the next sequence number, inside the caller's transaction. The
/// order's row is locked first (a no-op update), so two transactions appending to one order
/// take turns instead of both reading the same `MAX(seq)` (PostgreSQL's READ COMMITTED would
/// let them; SQLite has one writer anyway).
async fn insert_event(
    conn: &mut AnyConnection,
    order_id: &str,
    event: &NewEvent,
    from: Option<OrderStatus>,
    to: Option<OrderStatus>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE orders SET updated_at = updated_at WHERE order_id = $1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO order_events (order_id, seq, at, kind, from_status, to_status, detail) \
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6 FROM order_events WHERE order_id = $1",
    )
    .bind(order_id)
    .bind(event.at)
    .bind(&event.kind)
    .bind(from.map(OrderStatus::as_str))
    .bind(to.map(OrderStatus::as_str))
    .bind(&event.detail)
    .execute(conn)
    .await?;
    Ok(())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl SqlStore {
    /// Rows of an append-only log table (`base` is its SELECT … FROM), for one order or all,
    /// oldest first.
    async fn log_rows(
        &self,
        base: &str,
        order_id: Option<&str>,
    ) -> Result<Vec<AnyRow>, StoreError> {
        let rows = match order_id {
            Some(id) => {
                sqlx::query(&format!("{base} WHERE order_id = $1 ORDER BY at, id"))
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(&format!("{base} ORDER BY at, id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        Ok(rows)
    }

    async fn order_by_key(&self, key: &str) -> Result<Option<OrderRecord>, StoreError> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE idempotency_key = $1");
        let row = sqlx::query(&sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(order_from_row).transpose()
    }

    async fn get_order(&self, order_id: &str) -> Result<Option<OrderRecord>, StoreError> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = $1");
        let row = sqlx::query(&sql)
            .bind(order_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(order_from_row).transpose()
    }
}

impl Store for SqlStore {
    fn insert_order<'a>(
        &'a self,
        order: &'a NewOrder,
    ) -> BoxFuture<'a, Result<InsertOutcome, StoreError>> {
        Box::pin(self.insert_order_inner(order))
    }

    fn order_by_idempotency_key<'a>(
        &'a self,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Option<OrderRecord>, StoreError>> {
        Box::pin(self.order_by_key(key))
    }

    fn order<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<OrderRecord>, StoreError>> {
        Box::pin(self.get_order(order_id))
    }

    fn order_lines<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<LineRecord>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT product_id, name, category, quantity, unit_price, line_total FROM order_lines \
                 WHERE order_id = $1 ORDER BY position",
            )
            .bind(order_id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let quantity: i64 = row.try_get("quantity")?;
                    Ok(LineRecord {
                        product_id: row.try_get("product_id")?,
                        name: row.try_get("name")?,
                        category: row.try_get("category")?,
                        quantity: u32::try_from(quantity)
                            .map_err(|_| StoreError::Corrupt(format!("quantity {quantity}")))?,
                        unit_price: money(row, "unit_price")?,
                        line_total: money(row, "line_total")?,
                    })
                })
                .collect()
        })
    }

    fn list_orders<'a>(
        &'a self,
        filter: &'a OrderFilter,
    ) -> BoxFuture<'a, Result<Vec<OrderRecord>, StoreError>> {
        Box::pin(async move {
            let limit = i64::from(filter.limit.unwrap_or(100).min(1000));
            let rows = match filter.status {
                Some(st) => {
                    let sql = format!(
                        "SELECT {ORDER_COLUMNS} FROM orders WHERE status = $1 ORDER BY created_at DESC, order_id LIMIT $2"
                    );
                    sqlx::query(&sql)
                        .bind(st.as_str())
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?
                }
                None => {
                    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders ORDER BY created_at DESC, order_id LIMIT $1");
                    sqlx::query(&sql).bind(limit).fetch_all(&self.pool).await?
                }
            };
            rows.iter().map(order_from_row).collect()
        })
    }

    fn claim_checkout<'a>(
        &'a self,
        order_id: &'a str,
        now: i64,
        lease_until: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE orders SET lease_until = $1, updated_at = $2 WHERE order_id = $3 AND status = 'created' \
                 AND redirect_url IS NULL AND (lease_until IS NULL OR lease_until < $2)",
            )
            .bind(lease_until)
            .bind(now)
            .bind(order_id)
            .execute(&self.pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    fn checkout_started<'a>(
        &'a self,
        order_id: &'a str,
        redirect_url: Option<&'a str>,
        transaction_id: Option<&'a str>,
        event: &'a NewEvent,
    ) -> BoxFuture<'a, Result<TransitionOutcome, StoreError>> {
        Box::pin(self.checkout_started_inner(order_id, redirect_url, transaction_id, event))
    }

    fn checkout_failed<'a>(
        &'a self,
        order_id: &'a str,
        event: &'a NewEvent,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut tx = self.write_tx().await?;
            sqlx::query("UPDATE orders SET lease_until = NULL, last_error = $1, updated_at = $2 WHERE order_id = $3")
                .bind(&event.detail)
                .bind(event.at)
                .bind(order_id)
                .execute(&mut *tx)
                .await?;
            insert_event(&mut tx, order_id, event, None, None).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn apply_change<'a>(
        &'a self,
        order_id: &'a str,
        change: &'a Change<'a>,
    ) -> BoxFuture<'a, Result<TransitionOutcome, StoreError>> {
        Box::pin(self.apply_change_inner(order_id, change))
    }

    fn append_event<'a>(
        &'a self,
        order_id: &'a str,
        event: &'a NewEvent,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut tx = self.write_tx().await?;
            insert_event(&mut tx, order_id, event, None, None).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn events<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<EventRecord>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT seq, at, kind, from_status, to_status, detail FROM order_events WHERE order_id = $1 ORDER BY seq",
            )
            .bind(order_id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(EventRecord {
                        seq: row.try_get("seq")?,
                        at: row.try_get("at")?,
                        kind: row.try_get("kind")?,
                        from_status: opt_status(row, "from_status")?,
                        to_status: opt_status(row, "to_status")?,
                        detail: row.try_get("detail")?,
                    })
                })
                .collect()
        })
    }

    fn record_call<'a>(&'a self, c: &'a ProviderCall) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO provider_calls (id, at, gateway, operation, method, endpoint, order_id, request, \
                 response, http_status, latency_ms, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(&c.id)
            .bind(c.at)
            .bind(&c.gateway)
            .bind(&c.operation)
            .bind(&c.method)
            .bind(&c.endpoint)
            .bind(&c.order_id)
            .bind(&c.request)
            .bind(&c.response)
            .bind(c.http_status.map(i64::from))
            .bind(c.latency_ms)
            .bind(&c.error)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }

    fn calls<'a>(
        &'a self,
        order_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<ProviderCall>, StoreError>> {
        Box::pin(async move {
            let base = "SELECT id, at, gateway, operation, method, endpoint, order_id, request, response, \
                        http_status, latency_ms, error FROM provider_calls";
            let rows = self.log_rows(base, order_id).await?;
            rows.iter()
                .map(|row| {
                    let http_status: Option<i64> = row.try_get("http_status")?;
                    Ok(ProviderCall {
                        id: row.try_get("id")?,
                        at: row.try_get("at")?,
                        gateway: row.try_get("gateway")?,
                        operation: row.try_get("operation")?,
                        method: row.try_get("method")?,
                        endpoint: row.try_get("endpoint")?,
                        order_id: row.try_get("order_id")?,
                        request: row.try_get("request")?,
                        response: row.try_get("response")?,
                        http_status: http_status.and_then(|s| u16::try_from(s).ok()),
                        latency_ms: row.try_get("latency_ms")?,
                        error: row.try_get("error")?,
                    })
                })
                .collect()
        })
    }

    fn record_notification<'a>(
        &'a self,
        n: &'a NotificationRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO notifications (id, at, gateway, order_id, transaction_id, raw_body, verdict, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&n.id)
            .bind(n.at)
            .bind(&n.gateway)
            .bind(&n.order_id)
            .bind(&n.transaction_id)
            .bind(&n.raw_body)
            .bind(&n.verdict)
            .bind(&n.detail)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }

    fn notifications<'a>(
        &'a self,
        order_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<NotificationRecord>, StoreError>> {
        Box::pin(async move {
            let base = "SELECT id, at, gateway, order_id, transaction_id, raw_body, verdict, detail FROM notifications";
            let rows = self.log_rows(base, order_id).await?;
            rows.iter()
                .map(|row| {
                    Ok(NotificationRecord {
                        id: row.try_get("id")?,
                        at: row.try_get("at")?,
                        gateway: row.try_get("gateway")?,
                        order_id: row.try_get("order_id")?,
                        transaction_id: row.try_get("transaction_id")?,
                        raw_body: row.try_get("raw_body")?,
                        verdict: row.try_get("verdict")?,
                        detail: row.try_get("detail")?,
                    })
                })
                .collect()
        })
    }

    fn put_cart<'a>(&'a self, cart: &'a CartRecord) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let lines = serde_json::to_string(&cart.lines)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // Portable upsert: both SQLite (3.24+) and PostgreSQL speak ON CONFLICT.
            sqlx::query(
                "INSERT INTO carts (cart_id, lines, created_at, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (cart_id) DO UPDATE SET lines = excluded.lines, updated_at = excluded.updated_at",
            )
            .bind(&cart.cart_id)
            .bind(lines)
            .bind(cart.created_at)
            .bind(cart.updated_at)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }

    fn cart<'a>(
        &'a self,
        cart_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CartRecord>, StoreError>> {
        Box::pin(async move {
            let row = sqlx::query(
                "SELECT cart_id, lines, created_at, updated_at FROM carts WHERE cart_id = $1",
            )
            .bind(cart_id)
            .fetch_optional(&self.pool)
            .await?;
            row.map(|row| {
                let lines: String = row.try_get("lines")?;
                let lines: Vec<CartLine> = serde_json::from_str(&lines)
                    .map_err(|e| StoreError::Corrupt(format!("cart lines: {e}")))?;
                Ok(CartRecord {
                    cart_id: row.try_get("cart_id")?,
                    lines,
                    created_at: row.try_get("created_at")?,
                    updated_at: row.try_get("updated_at")?,
                })
            })
            .transpose()
        })
    }

    fn insert_session<'a>(
        &'a self,
        session: &'a SessionRecord,
        secret_hash: &'a str,
    ) -> BoxFuture<'a, Result<SessionInsert, StoreError>> {
        Box::pin(self.insert_session_inner(session, secret_hash))
    }

    fn add_session_secret<'a>(
        &'a self,
        session_id: &'a str,
        secret_hash: &'a str,
        at: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.add_session_secret_inner(session_id, secret_hash, at))
    }

    fn session<'a>(
        &'a self,
        session_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, StoreError>> {
        Box::pin(self.session_where("session_id = $1", session_id))
    }

    fn session_by_secret<'a>(
        &'a self,
        secret_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, StoreError>> {
        Box::pin(self.session_where(
            "session_id = (SELECT session_id FROM session_secrets WHERE secret_hash = $1)",
            secret_hash,
        ))
    }

    fn claim_webhooks<'a>(
        &'a self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<WebhookRecord>, StoreError>> {
        Box::pin(self.claim_webhooks_inner(now, lease_until, limit))
    }

    fn record_webhook_attempt<'a>(
        &'a self,
        event_id: &'a str,
        attempt: &'a WebhookAttempt,
        result: &'a AttemptResult,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.record_webhook_attempt_inner(event_id, attempt, result))
    }

    fn webhooks<'a>(
        &'a self,
        filter: &'a WebhookFilter,
    ) -> BoxFuture<'a, Result<Vec<WebhookRecord>, StoreError>> {
        Box::pin(self.webhooks_inner(filter))
    }

    fn webhook_attempts<'a>(
        &'a self,
        event_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<WebhookAttempt>, StoreError>> {
        Box::pin(self.webhook_attempts_inner(event_id))
    }

    fn redeliver_webhook<'a>(
        &'a self,
        event_id: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(self.redeliver_webhook_inner(event_id, now))
    }

    fn webhook_backlog(&self) -> BoxFuture<'_, Result<(u64, Option<i64>), StoreError>> {
        Box::pin(self.webhook_backlog_inner())
    }

    fn notification_key_seen<'a>(
        &'a self,
        gateway: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let row = sqlx::query(
                "SELECT 1 AS one FROM notification_keys WHERE gateway = $1 AND key = $2",
            )
            .bind(gateway)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.is_some())
        })
    }

    fn remember_notification_key<'a>(
        &'a self,
        gateway: &'a str,
        key: &'a str,
        at: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO notification_keys (gateway, key, at) VALUES ($1, $2, $3) \
                 ON CONFLICT (gateway, key) DO NOTHING",
            )
            .bind(gateway)
            .bind(key)
            .bind(at)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }

    fn prune_notifications(
        &self,
        before: i64,
        keep: u32,
    ) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(async move {
            let mut removed = 0;
            let old =
                sqlx::query("DELETE FROM notifications WHERE verdict <> 'applied' AND at < $1")
                    .bind(before)
                    .execute(&self.pool)
                    .await?;
            removed += old.rows_affected();
            // Beyond the newest `keep` non-applied rows (a flood within the window).
            let excess = sqlx::query(
                "DELETE FROM notifications WHERE verdict <> 'applied' AND id IN ( \
                 SELECT id FROM notifications WHERE verdict <> 'applied' \
                 ORDER BY at DESC, id DESC LIMIT -1 OFFSET $1)",
            );
            let excess = match self.backend {
                Backend::Sqlite => excess,
                Backend::Postgres => sqlx::query(
                    "DELETE FROM notifications WHERE verdict <> 'applied' AND id IN ( \
                     SELECT id FROM notifications WHERE verdict <> 'applied' \
                     ORDER BY at DESC, id DESC OFFSET $1)",
                ),
            };
            removed += excess
                .bind(i64::from(keep))
                .execute(&self.pool)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM notification_keys WHERE at < $1")
                .bind(before)
                .execute(&self.pool)
                .await?;
            Ok(removed)
        })
    }

    fn claim_checks<'a>(
        &'a self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<OrderRecord>, StoreError>> {
        Box::pin(self.claim_checks_inner(now, lease_until, limit))
    }

    fn schedule_check<'a>(
        &'a self,
        order_id: &'a str,
        next_at: Option<i64>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.schedule_check_inner(order_id, next_at))
    }

    fn order_counts(&self) -> BoxFuture<'_, Result<Vec<(OrderStatus, u64)>, StoreError>> {
        Box::pin(self.order_counts_inner())
    }

    fn migrations_applied(&self) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(self.migrations_applied_inner())
    }

    fn user_tokens(&self) -> &dyn UserTokenStore {
        self
    }

    fn insert_qr<'a>(
        &'a self,
        order: &'a NewOrder,
        qr: &'a QrRecord,
    ) -> BoxFuture<'a, Result<QrInsert, StoreError>> {
        self.insert_qr_boxed(order, qr)
    }

    fn qr<'a>(&'a self, qr_id: &'a str) -> BoxFuture<'a, Result<Option<QrRecord>, StoreError>> {
        self.qr_boxed("qr_id", qr_id)
    }

    fn qr_by_order<'a>(
        &'a self,
        order_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<QrRecord>, StoreError>> {
        self.qr_boxed("order_id", order_id)
    }

    fn set_qr_image<'a>(
        &'a self,
        qr_id: &'a str,
        qr_image: Option<&'a str>,
        svg: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.set_qr_image_boxed(qr_id, qr_image, svg)
    }
}

#[cfg(test)]
mod tests;
