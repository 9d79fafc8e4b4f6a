//! Writing orders: the insert (once per idempotency key, once per session), the checkout's
//! `created → pending`, and the one compare-and-set every later change goes through.

use kredivo_api::merchant::{Cancellation, WebhookEventType};
use kredivo_api::OrderStatus;

use super::webhooks::insert_outbox;
use super::*;

impl SqlStore {
    pub(super) async fn insert_order_inner(
        &self,
        new: &NewOrder,
    ) -> Result<InsertOutcome, StoreError> {
        let o = &new.order;
        let shopper = o.shopper.as_ref().map(to_json).transpose()?;
        let mut tx = self.write_tx().await?;
        let inserted = insert_order_row(&mut tx, o, shopper).await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                tx.rollback().await?;
                return match self.order_by_key(&o.idempotency_key).await? {
                    Some(existing) => Ok(InsertOutcome::Existing(Box::new(existing))),
                    None => Err(StoreError::Database(e)),
                };
            }
            Err(e) => return Err(e.into()),
        }
        if let Some(session_id) = &o.session_id {
            // A session is paid at most once: the first order to claim it wins, whoever came
            // second gets that order back.
            let claimed = sqlx::query(
                "UPDATE sessions SET order_id = $1 WHERE session_id = $2 AND order_id IS NULL",
            )
            .bind(&o.order_id)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() != 1 {
                tx.rollback().await?;
                let existing = sqlx::query(&format!(
                    "SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = \
                     (SELECT order_id FROM sessions WHERE session_id = $1)"
                ))
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?;
                return match existing.as_ref().map(order_from_row).transpose()? {
                    Some(order) => Ok(InsertOutcome::Existing(Box::new(order))),
                    None => Err(StoreError::Corrupt(format!(
                        "session {session_id} is neither free nor paid by an order"
                    ))),
                };
            }
        }
        insert_lines_and_created_event(&mut tx, new).await?;
        tx.commit().await?;
        Ok(InsertOutcome::Inserted)
    }

    pub(super) async fn checkout_started_inner(
        &self,
        order_id: &str,
        redirect_url: Option<&str>,
        transaction_id: Option<&str>,
        event: &NewEvent,
    ) -> Result<TransitionOutcome, StoreError> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE orders SET status = 'pending', redirect_url = $1, transaction_id = COALESCE(transaction_id, $2), \
             lease_until = NULL, last_error = NULL, updated_at = $3 WHERE order_id = $4 AND status = 'created'",
        )
        .bind(redirect_url)
        .bind(transaction_id)
        .bind(event.at)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            insert_event(
                &mut tx,
                order_id,
                event,
                Some(OrderStatus::Created),
                Some(OrderStatus::Pending),
            )
            .await?;
            if self.outbox {
                insert_outbox(&mut tx, order_id, WebhookEventType::Pending, None, event.at).await?;
            }
            tx.commit().await?;
            return Ok(TransitionOutcome::Applied {
                from: OrderStatus::Created,
                to: OrderStatus::Pending,
            });
        }
        // A confirmed notification overtook our own checkout call: keep its status, but
        // remember the redirect so a retried checkout answers the same.
        sqlx::query(
            "UPDATE orders SET redirect_url = COALESCE(redirect_url, $1), lease_until = NULL WHERE order_id = $2",
        )
        .bind(redirect_url)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
        insert_event(&mut tx, order_id, event, None, None).await?;
        tx.commit().await?;
        let current = self
            .get_order(order_id)
            .await?
            .map(|o| o.status)
            .ok_or_else(|| StoreError::Corrupt(format!("order {order_id} vanished")))?;
        Ok(if current == OrderStatus::Pending {
            TransitionOutcome::Unchanged
        } else {
            TransitionOutcome::Refused { current }
        })
    }

    pub(super) async fn apply_change_inner(
        &self,
        order_id: &str,
        change: &Change<'_>,
    ) -> Result<TransitionOutcome, StoreError> {
        let money_err = |e: kredivo_plan::PlanError| StoreError::Corrupt(e.to_string());
        for _ in 0..CAS_ATTEMPTS {
            let Some(order) = self.get_order(order_id).await? else {
                return Err(StoreError::Corrupt(format!("order {order_id} vanished")));
            };
            let current = order.status;
            let target = change.to.unwrap_or(current);
            if change.to.is_some() && target == current && change.cancelled.is_none() {
                // A replay: at most it teaches us the transaction id.
                if let (Some(tx_id), None) = (change.transaction_id, &order.transaction_id) {
                    sqlx::query(
                        "UPDATE orders SET transaction_id = $1 WHERE order_id = $2 AND transaction_id IS NULL",
                    )
                    .bind(tx_id)
                    .bind(order_id)
                    .execute(&self.pool)
                    .await?;
                }
                return Ok(TransitionOutcome::Unchanged);
            }
            if target != current && !predecessors(target).contains(&current) {
                return Ok(TransitionOutcome::Refused { current });
            }
            if change.to.is_none() && current != OrderStatus::Settled {
                // Only a settled order has money to give back in part.
                return Ok(TransitionOutcome::Refused { current });
            }
            let remaining = order
                .amount
                .checked_sub(order.cancelled_amount)
                .map_err(money_err)?;
            let taken = match (change.cancelled, target) {
                (Some(amount), _) => Some(amount),
                // A settled order cancelled or refunded in full gives back what is left (also
                // when the cancel arrived by push, not through our own cancel call).
                (None, OrderStatus::Cancelled | OrderStatus::Refunded)
                    if current == OrderStatus::Settled =>
                {
                    Some(remaining)
                }
                _ => None,
            };
            if let Some(amount) = taken {
                if amount > remaining {
                    return Ok(TransitionOutcome::ExceedsAmount { remaining });
                }
            }
            let cancelled_after = match taken {
                Some(amount) => order
                    .cancelled_amount
                    .checked_add(amount)
                    .map_err(money_err)?,
                None => order.cancelled_amount,
            };
            let mut tx = self.write_tx().await?;
            let done = sqlx::query(
                "UPDATE orders SET status = $1, cancelled_amount = $2, \
                 transaction_id = COALESCE(transaction_id, $3), \
                 lease_until = CASE WHEN $1 = status THEN lease_until ELSE NULL END, updated_at = $4, \
                 payment_type = COALESCE($8, payment_type) \
                 WHERE order_id = $5 AND status = $6 AND cancelled_amount = $7",
            )
            .bind(target.as_str())
            .bind(cancelled_after.to_string())
            .bind(change.transaction_id)
            .bind(change.event.at)
            .bind(order_id)
            .bind(current.as_str())
            .bind(order.cancelled_amount.to_string())
            .bind(change.payment_type)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                tx.rollback().await?;
                continue;
            }
            let moved = target != current;
            insert_event(
                &mut tx,
                order_id,
                change.event,
                moved.then_some(current),
                moved.then_some(target),
            )
            .await?;
            if self.outbox {
                let event_type = if moved {
                    WebhookEventType::for_status(target)
                } else {
                    Some(WebhookEventType::Cancelled)
                };
                let cancellation = taken.filter(|a| !a.is_zero()).map(|amount| Cancellation {
                    amount: amount.as_decimal(),
                    partial: !moved,
                });
                if let Some(event_type) = event_type {
                    insert_outbox(&mut tx, order_id, event_type, cancellation, change.event.at)
                        .await?;
                }
            }
            tx.commit().await?;
            return Ok(TransitionOutcome::Applied {
                from: current,
                to: target,
            });
        }
        Err(StoreError::Corrupt(format!(
            "order {order_id} kept changing under a change"
        )))
    }
}

impl SqlStore {
    pub(super) async fn claim_checks_inner(
        &self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<OrderRecord>, StoreError> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE status IN ('created', 'pending') \
             AND next_check_at IS NOT NULL AND next_check_at <= $1 \
             AND (check_lease_until IS NULL OR check_lease_until < $1) \
             ORDER BY next_check_at, order_id LIMIT $2{lock}"
        ))
        .bind(now)
        .bind(i64::from(limit.min(1000)))
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let order = order_from_row(row)?;
            let taken = sqlx::query(
                "UPDATE orders SET check_lease_until = $1 WHERE order_id = $2 \
                 AND (check_lease_until IS NULL OR check_lease_until < $3)",
            )
            .bind(lease_until)
            .bind(&order.order_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if taken.rows_affected() == 1 {
                claimed.push(order);
            }
        }
        tx.commit().await?;
        Ok(claimed)
    }

    pub(super) async fn schedule_check_inner(
        &self,
        order_id: &str,
        next_at: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE orders SET next_check_at = $1, checks = checks + 1, check_lease_until = NULL \
             WHERE order_id = $2",
        )
        .bind(next_at)
        .bind(order_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// The order's row, inside the caller's transaction (a unique violation is the caller's to
/// interpret: same idempotency key, or the same order id).
pub(super) async fn insert_order_row(
    conn: &mut AnyConnection,
    o: &OrderRecord,
    shopper: Option<String>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO orders (order_id, idempotency_key, fingerprint, cart_id, payment_type, amount, \
         cancelled_amount, currency, status, gateway, transaction_id, redirect_url, last_error, \
         lease_until, created_at, updated_at, session_id, reference, customer, expires_at, \
         next_check_at, checks, source) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
         $20, $21, $22, $23)",
    )
    .bind(&o.order_id)
    .bind(&o.idempotency_key)
    .bind(&o.fingerprint)
    .bind(&o.cart_id)
    .bind(&o.payment_type)
    .bind(o.amount.to_string())
    .bind(o.cancelled_amount.to_string())
    .bind(&o.currency)
    .bind(o.status.as_str())
    .bind(&o.gateway)
    .bind(&o.transaction_id)
    .bind(&o.redirect_url)
    .bind(&o.last_error)
    .bind(o.lease_until)
    .bind(o.created_at)
    .bind(o.updated_at)
    .bind(&o.session_id)
    .bind(&o.reference)
    .bind(shopper)
    .bind(o.expires_at)
    .bind(o.next_check_at)
    .bind(o.checks)
    .bind(&o.source)
    .execute(conn)
    .await?;
    Ok(())
}

/// The order's lines and its `created` event, inside the caller's transaction.
pub(super) async fn insert_lines_and_created_event(
    conn: &mut AnyConnection,
    new: &NewOrder,
) -> Result<(), StoreError> {
    let o = &new.order;
    for (position, line) in new.lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO order_lines (order_id, position, product_id, name, category, quantity, \
             unit_price, line_total) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&o.order_id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(&line.product_id)
        .bind(&line.name)
        .bind(&line.category)
        .bind(i64::from(line.quantity))
        .bind(line.unit_price.to_string())
        .bind(line.line_total.to_string())
        .execute(&mut *conn)
        .await?;
    }
    let event = NewEvent::new(
        o.created_at,
        "created",
        format!(
            "{} line(s), {} {}, {}",
            new.lines.len(),
            o.amount,
            o.currency,
            o.payment_type
        ),
    );
    insert_event(conn, &o.order_id, &event, None, Some(o.status)).await?;
    Ok(())
}
