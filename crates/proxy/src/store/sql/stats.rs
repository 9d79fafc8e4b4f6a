//! What the operator's surface reads: orders by status (`/metrics`) and whether every
//! migration this build carries is applied (`/readyz`).

use sqlx::migrate::Migrator;

use super::*;

impl SqlStore {
    pub(super) async fn order_counts_inner(&self) -> Result<Vec<(OrderStatus, u64)>, StoreError> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM orders GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let n: i64 = row.try_get("n")?;
                Ok((status(row, "status")?, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
    }

    /// Every migration embedded in this build is recorded as applied. A replica of an older
    /// build may run on a newer schema (migrations only add), so extra rows are fine.
    pub(super) async fn migrations_applied_inner(&self) -> Result<bool, StoreError> {
        let rows = sqlx::query("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&self.pool)
            .await?;
        let applied: Vec<i64> = rows
            .iter()
            .map(|row| row.try_get("version"))
            .collect::<Result<_, _>>()?;
        let migrator: Migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        Ok(migrator.iter().all(|m| applied.contains(&m.version)))
    }
}
