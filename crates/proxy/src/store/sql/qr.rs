//! QR checkouts: the order and its QR row written together, so a crash never leaves an order
//! a retried create cannot find.

use super::orders::{insert_lines_and_created_event, insert_order_row};
use super::*;

const QR_COLUMNS: &str = "qr_id, order_id, request_hash, sub_merchant_id, language, qr_image, \
                          svg, created_at, expires_at";

fn qr_from_row(row: &AnyRow) -> Result<QrRecord, StoreError> {
    Ok(QrRecord {
        qr_id: row.try_get("qr_id")?,
        order_id: row.try_get("order_id")?,
        request_hash: row.try_get("request_hash")?,
        sub_merchant_id: row.try_get("sub_merchant_id")?,
        language: row.try_get("language")?,
        qr_image: row.try_get("qr_image")?,
        svg: row.try_get("svg")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

impl SqlStore {
    async fn qr_where(&self, column: &str, value: &str) -> Result<Option<QrRecord>, StoreError> {
        let sql = format!("SELECT {QR_COLUMNS} FROM qr_checkouts WHERE {column} = $1");
        let row = sqlx::query(&sql)
            .bind(value)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(qr_from_row).transpose()
    }

    async fn taken(&self, order_id: &str) -> Result<QrInsert, StoreError> {
        Ok(match self.qr_where("order_id", order_id).await? {
            Some(existing) => QrInsert::Existing(Box::new(existing)),
            None => QrInsert::OrderIdTaken,
        })
    }

    async fn insert_qr_inner(&self, new: &NewOrder, qr: &QrRecord) -> Result<QrInsert, StoreError> {
        let o = &new.order;
        // The common retry answers without taking the write lock.
        if self.get_order(&o.order_id).await?.is_some() {
            return self.taken(&o.order_id).await;
        }
        let mut tx = self.write_tx().await?;
        match insert_order_row(&mut tx, o, None).await {
            Ok(()) => {}
            Err(e) if is_unique_violation(&e) => {
                tx.rollback().await?;
                return self.taken(&o.order_id).await;
            }
            Err(e) => return Err(e.into()),
        }
        insert_lines_and_created_event(&mut tx, new).await?;
        sqlx::query(&format!(
            "INSERT INTO qr_checkouts ({QR_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&qr.qr_id)
        .bind(&qr.order_id)
        .bind(&qr.request_hash)
        .bind(&qr.sub_merchant_id)
        .bind(&qr.language)
        .bind(&qr.qr_image)
        .bind(&qr.svg)
        .bind(qr.created_at)
        .bind(qr.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(QrInsert::Inserted)
    }

    async fn set_qr_image_inner(
        &self,
        qr_id: &str,
        qr_image: Option<&str>,
        svg: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE qr_checkouts SET qr_image = COALESCE($1, qr_image), svg = COALESCE($2, svg) \
             WHERE qr_id = $3",
        )
        .bind(qr_image)
        .bind(svg)
        .bind(qr_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// The [`Store`] methods of QR checkout, called from `impl Store for SqlStore`.
impl SqlStore {
    pub(super) fn insert_qr_boxed<'a>(
        &'a self,
        order: &'a NewOrder,
        qr: &'a QrRecord,
    ) -> BoxFuture<'a, Result<QrInsert, StoreError>> {
        Box::pin(self.insert_qr_inner(order, qr))
    }

    pub(super) fn qr_boxed<'a>(
        &'a self,
        column: &'static str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<Option<QrRecord>, StoreError>> {
        Box::pin(self.qr_where(column, value))
    }

    pub(super) fn set_qr_image_boxed<'a>(
        &'a self,
        qr_id: &'a str,
        qr_image: Option<&'a str>,
        svg: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.set_qr_image_inner(qr_id, qr_image, svg))
    }
}
