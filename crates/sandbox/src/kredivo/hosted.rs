//! The shopper's hosted pages: sign-in (phone + PIN), OTP, tenure confirmation, cancel,
//! and the Kredivo Connect variant of sign-in. Server-rendered, no JavaScript; every POST
//! answers with a page (errors) or a 303 redirect (progress), so a browser's back button
//! and refresh behave.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kredivo_plan::{format_money, Locale, PaymentType};
use kredivo_providers::encoding::with_query;
use kredivo_providers::kredivo::FraudStatus;
use serde::Deserialize;

use super::model::{normalize_phone, Account, State as TxState, Step, Transaction};
use super::pages::{self, OrderSummary, TenureOption};
use super::service::{self, Dispatch};
use super::{pricing, Db, PageRef, Shared};
use crate::html::error_page;

type AppState = State<Arc<Shared>>;

/// `?tk=` of every page.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    tk: String,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    tk: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    pin: String,
}

/// The OTP form.
#[derive(Debug, Deserialize)]
pub(crate) struct OtpForm {
    #[serde(default)]
    tk: String,
    #[serde(default)]
    otp: String,
}

/// The confirmation form.
#[derive(Debug, Deserialize)]
pub(crate) struct ConfirmForm {
    #[serde(default)]
    tk: String,
    #[serde(default)]
    payment_type: String,
}

const WRONG_PIN: &str = "Nomor HP atau PIN salah. Silakan coba lagi.";
const WRONG_OTP: &str = "Kode OTP salah. Silakan coba lagi.";

fn unknown_token() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "Tautan tidak valid",
        "Tautan pembayaran ini tidak dikenal atau sudah tidak berlaku.",
    )
}

fn see_other(location: &str) -> Response {
    // 303 so the browser follows with GET after a form POST.
    Redirect::to(location).into_response()
}

fn page_url(shared: &Shared, path: &str, tk: &str) -> String {
    format!("{}?tk={tk}", shared.url(path))
}

fn summary(shared: &Shared, tx: &Transaction) -> OrderSummary {
    OrderSummary {
        merchant: tx
            .sub_merchant_id
            .clone()
            .unwrap_or_else(|| shared.settings.merchant.name.clone()),
        order_id: tx.order_id.clone(),
        amount: format_money(tx.amount, Locale::Id),
    }
}

fn cancel_href(shared: &Shared, tk: &str) -> String {
    page_url(shared, "/v2/user_cancel", tk)
}

/// Resolves a page token, expiring the transaction first if it is overdue.
fn resolve(shared: &Shared, db: &mut Db, tk: &str) -> (Option<PageRef>, Vec<Dispatch>) {
    let Some(page) = db.by_page.get(tk).copied() else {
        return (None, Vec::new());
    };
    let pushes = match page {
        PageRef::Tx(idx) => service::touch(shared, db, idx),
        PageRef::Connect(_) => Vec::new(),
    };
    (Some(page), pushes)
}

/// The page for a transaction that can no longer be paid.
fn finished_tx(shared: &Shared, tx: &Transaction) -> Response {
    let status = tx.status().to_string();
    let (title, message) = match tx.state {
        TxState::Settlement => ("Pembayaran berhasil", "Transaksi ini sudah dibayar."),
        TxState::Deny => ("Pembayaran ditolak", "Transaksi ini ditolak oleh Kredivo."),
        TxState::Expire => (
            "Transaksi kedaluwarsa",
            "Batas waktu pembayaran telah lewat.",
        ),
        TxState::Cancel => ("Transaksi dibatalkan", "Transaksi ini telah dibatalkan."),
        TxState::Pending => ("Menunggu", "Transaksi belum selesai."),
    };
    let back = tx.back_to_store_uri.as_deref().map(|uri| {
        with_query(
            uri,
            &[
                ("order_id", &tx.order_id),
                ("tr_id", &tx.transaction_id),
                ("tr_status", &status),
            ],
        )
    });
    let _ = shared;
    pages::finished(
        title,
        message,
        &status,
        back.as_deref().map(|b| (b, "Kembali ke toko")),
    )
    .into_response()
}

fn render_signin(
    shared: &Shared,
    db: &Db,
    page: PageRef,
    tk: &str,
    phone: &str,
    error: Option<&str>,
) -> Response {
    let action = shared.url("/v2/signin");
    let cancel = cancel_href(shared, tk);
    match page {
        PageRef::Tx(idx) => {
            let tx = &db.txs[idx];
            pages::signin(
                &action,
                tk,
                &summary(shared, tx),
                phone,
                error,
                Some(&cancel),
            )
            .into_response()
        }
        PageRef::Connect(idx) => {
            let c = &db.connects[idx];
            let prefill = if phone.is_empty() {
                c.mobile_number.as_str()
            } else {
                phone
            };
            pages::signin(
                &action,
                tk,
                &OrderSummary::default(),
                prefill,
                error,
                Some(&cancel),
            )
            .into_response()
        }
    }
}

fn render_otp(shared: &Shared, db: &Db, page: PageRef, tk: &str, error: Option<&str>) -> Response {
    let action = shared.url("/v2/otp");
    let cancel = cancel_href(shared, tk);
    let (summary, phone) = match page {
        PageRef::Tx(idx) => (summary(shared, &db.txs[idx]), db.txs[idx].account.clone()),
        PageRef::Connect(idx) => (OrderSummary::default(), db.connects[idx].account.clone()),
    };
    let masked = pages::mask_phone(phone.as_deref().unwrap_or(""));
    pages::otp(&action, tk, &summary, &masked, error, Some(&cancel)).into_response()
}

fn tenure_options(
    shared: &Shared,
    tx: &Transaction,
    account: Option<&Account>,
) -> Vec<TenureOption> {
    pricing::offers(&shared.pricing, tx.amount)
        .into_iter()
        .map(|p| {
            let available = account.is_none_or(|a| {
                (a.account_type != 1 || p.id == PaymentType::ThirtyDays)
                    && a.limit_for(&p.id) >= tx.amount
            });
            TenureOption {
                id: p.id.to_string(),
                label: p.id.label(Locale::Id).into_owned(),
                monthly: format!(
                    "{} / bulan",
                    format_money(p.monthly_installment, Locale::Id)
                ),
                total: format!("Total {}", format_money(p.installment_amount, Locale::Id)),
                available,
            }
        })
        .collect()
}

fn render_confirm(shared: &Shared, db: &Db, idx: usize, tk: &str, error: Option<&str>) -> Response {
    let tx = &db.txs[idx];
    let account = service::account_of(db, tx);
    let options = tenure_options(shared, tx, account);
    let chosen = tx.payment_type.to_string();
    pages::confirm(
        &shared.url("/v2/confirm"),
        tk,
        &summary(shared, tx),
        &options,
        &chosen,
        error,
        Some(&cancel_href(shared, tk)),
    )
    .into_response()
}

/// `GET /v2/signin?tk=` (and `GET /v2/connect?tk=`).
pub(crate) async fn signin_page(State(shared): AppState, Query(q): Query<TokenQuery>) -> Response {
    let (response, pushes) = {
        let mut db = shared.db();
        let (page, pushes) = resolve(&shared, &mut db, &q.tk);
        let response = match page {
            None => unknown_token(),
            Some(PageRef::Tx(idx)) => {
                let tx = &db.txs[idx];
                match (tx.state, tx.step) {
                    (TxState::Pending, Step::Otp) => {
                        see_other(&page_url(&shared, "/v2/otp", &q.tk))
                    }
                    (TxState::Pending, Step::Confirm) => {
                        see_other(&page_url(&shared, "/v2/confirm", &q.tk))
                    }
                    (TxState::Pending, _) => {
                        render_signin(&shared, &db, PageRef::Tx(idx), &q.tk, "", None)
                    }
                    _ => finished_tx(&shared, tx),
                }
            }
            Some(page @ PageRef::Connect(idx)) => match db.connects[idx].step {
                Step::SignIn => render_signin(&shared, &db, page, &q.tk, "", None),
                Step::Otp => see_other(&page_url(&shared, "/v2/otp", &q.tk)),
                _ => pages::finished(
                    "Akun terhubung",
                    "Akun Kredivo Anda sudah terhubung.",
                    "connected",
                    Some((&db.connects[idx].redirect_url, "Kembali ke toko")),
                )
                .into_response(),
            },
        };
        (response, pushes)
    };
    service::dispatch(&shared, pushes);
    response
}

/// `POST /v2/signin` (form: `tk`, `phone`, `pin`).
pub(crate) async fn signin_submit(
    State(shared): AppState,
    Form(form): Form<SignInForm>,
) -> Response {
    let (response, mut pushes) = {
        let mut db = shared.db();
        let (page, mut pushes) = resolve(&shared, &mut db, &form.tk);
        let Some(page) = page else {
            return unknown_token();
        };
        if let PageRef::Tx(idx) = page {
            if db.txs[idx].state != TxState::Pending {
                let response = finished_tx(&shared, &db.txs[idx]);
                drop(db);
                service::dispatch(&shared, pushes);
                return response;
            }
        }
        let phone = normalize_phone(&form.phone);
        let ok = db
            .account_index(&phone)
            .is_some_and(|i| db.accounts[i].pin == form.pin.trim());
        if !ok {
            tracing::info!("hosted sign-in: wrong phone or PIN");
            let response =
                render_signin(&shared, &db, page, &form.tk, &form.phone, Some(WRONG_PIN));
            (response, pushes)
        } else {
            match page {
                PageRef::Tx(idx) => {
                    let tx = &mut db.txs[idx];
                    tx.account = Some(phone);
                    tx.step = Step::Otp;
                    // Kredivo tells the merchant the shopper is in, transaction pending.
                    pushes.extend(service::pending_push(&shared, tx));
                }
                PageRef::Connect(idx) => {
                    let c = &mut db.connects[idx];
                    c.account = Some(phone);
                    c.step = Step::Otp;
                }
            }
            (see_other(&page_url(&shared, "/v2/otp", &form.tk)), pushes)
        }
    };
    service::dispatch(&shared, std::mem::take(&mut pushes));
    response
}

/// `GET /v2/otp?tk=`.
pub(crate) async fn otp_page(State(shared): AppState, Query(q): Query<TokenQuery>) -> Response {
    let (response, pushes) = {
        let mut db = shared.db();
        let (page, pushes) = resolve(&shared, &mut db, &q.tk);
        let response = match page {
            None => unknown_token(),
            Some(page @ PageRef::Tx(idx)) => {
                let tx = &db.txs[idx];
                match (tx.state, tx.step) {
                    (TxState::Pending, Step::Otp) => render_otp(&shared, &db, page, &q.tk, None),
                    (TxState::Pending, Step::Confirm) => {
                        see_other(&page_url(&shared, "/v2/confirm", &q.tk))
                    }
                    (TxState::Pending, _) => see_other(&page_url(&shared, "/v2/signin", &q.tk)),
                    _ => finished_tx(&shared, tx),
                }
            }
            Some(page @ PageRef::Connect(idx)) => match db.connects[idx].step {
                Step::Otp => render_otp(&shared, &db, page, &q.tk, None),
                _ => see_other(&page_url(&shared, "/v2/connect", &q.tk)),
            },
        };
        (response, pushes)
    };
    service::dispatch(&shared, pushes);
    response
}

/// `POST /v2/otp` (form: `tk`, `otp`).
pub(crate) async fn otp_submit(State(shared): AppState, Form(form): Form<OtpForm>) -> Response {
    let (response, pushes) = {
        let mut db = shared.db();
        let (page, mut pushes) = resolve(&shared, &mut db, &form.tk);
        let Some(page) = page else {
            return unknown_token();
        };
        let (step, phone) = match page {
            PageRef::Tx(idx) => {
                let tx = &db.txs[idx];
                if tx.state != TxState::Pending {
                    let response = finished_tx(&shared, tx);
                    drop(db);
                    service::dispatch(&shared, pushes);
                    return response;
                }
                (tx.step, tx.account.clone())
            }
            PageRef::Connect(idx) => (db.connects[idx].step, db.connects[idx].account.clone()),
        };
        let account_otp = phone
            .as_deref()
            .and_then(|p| db.account_index(p))
            .map(|i| db.accounts[i].otp.clone());
        let response = if step != Step::Otp {
            see_other(&page_url(&shared, "/v2/signin", &form.tk))
        } else if account_otp.as_deref() != Some(form.otp.trim()) {
            tracing::info!("hosted OTP: wrong code");
            render_otp(&shared, &db, page, &form.tk, Some(WRONG_OTP))
        } else {
            match page {
                PageRef::Tx(idx) => {
                    db.txs[idx].step = Step::Confirm;
                    see_other(&page_url(&shared, "/v2/confirm", &form.tk))
                }
                PageRef::Connect(idx) => {
                    let (_, callback) = service::complete_connect(&shared, &mut db, idx);
                    pushes.push(callback);
                    see_other(&db.connects[idx].redirect_url.clone())
                }
            }
        };
        (response, pushes)
    };
    service::dispatch(&shared, pushes);
    response
}

/// `GET /v2/confirm?tk=`.
pub(crate) async fn confirm_page(State(shared): AppState, Query(q): Query<TokenQuery>) -> Response {
    let (response, pushes) = {
        let mut db = shared.db();
        let (page, pushes) = resolve(&shared, &mut db, &q.tk);
        let response = match page {
            Some(PageRef::Tx(idx)) => {
                let tx = &db.txs[idx];
                match (tx.state, tx.step) {
                    (TxState::Pending, Step::Confirm) => {
                        render_confirm(&shared, &db, idx, &q.tk, None)
                    }
                    (TxState::Pending, _) => see_other(&page_url(&shared, "/v2/signin", &q.tk)),
                    _ => finished_tx(&shared, tx),
                }
            }
            Some(PageRef::Connect(_)) => see_other(&page_url(&shared, "/v2/connect", &q.tk)),
            None => unknown_token(),
        };
        (response, pushes)
    };
    service::dispatch(&shared, pushes);
    response
}

/// `POST /v2/confirm` (form: `tk`, `payment_type`): pays, then 303 to `back_to_store_uri`
/// with `order_id, tr_id, tr_status, sign_key` (QR: a final page instead).
pub(crate) async fn confirm_submit(
    State(shared): AppState,
    Form(form): Form<ConfirmForm>,
) -> Response {
    let (response, pushes) = {
        let mut db = shared.db();
        let (page, mut pushes) = resolve(&shared, &mut db, &form.tk);
        let Some(PageRef::Tx(idx)) = page else {
            return unknown_token();
        };
        let tx = &db.txs[idx];
        let response = if tx.state != TxState::Pending {
            finished_tx(&shared, tx)
        } else if tx.step != Step::Confirm {
            see_other(&page_url(&shared, "/v2/signin", &form.tk))
        } else {
            let chosen = if form.payment_type.trim().is_empty() {
                tx.payment_type.clone()
            } else {
                PaymentType::from(form.payment_type.trim())
            };
            let account = service::account_of(&db, tx);
            let allowed = tenure_options(&shared, tx, account)
                .iter()
                .any(|o| o.id == chosen.as_str() && o.available);
            if !allowed {
                render_confirm(
                    &shared,
                    &db,
                    idx,
                    &form.tk,
                    Some("Tenor ini tidak tersedia untuk transaksi ini. Pilih tenor lain."),
                )
            } else {
                db.txs[idx].payment_type = chosen;
                match service::settle_or_deny(&shared, &mut db, idx) {
                    Ok(more) => pushes.extend(more),
                    Err(err) => tracing::warn!(%err, "confirm: transition refused"),
                }
                back_to_store(&shared, &mut db.txs[idx])
            }
        };
        (response, pushes)
    };
    service::dispatch(&shared, pushes);
    response
}

/// The 303 to `back_to_store_uri` with a fresh `sign_key`, or a final page (QR).
fn back_to_store(shared: &Shared, tx: &mut Transaction) -> Response {
    match service::back_to_store_url(shared, tx) {
        Some(url) => see_other(&url),
        None => finished_tx(shared, tx),
    }
}

/// `GET /v2/user_cancel?tk=`: the shopper gives up. The transaction becomes `cancel`
/// (pushed), then the shopper goes to `user_cancel_uri`, or to `back_to_store_uri` with
/// `tr_status=cancel`. (What production does with the transaction: UNCONFIRMED.)
pub(crate) async fn user_cancel(State(shared): AppState, Query(q): Query<TokenQuery>) -> Response {
    let (response, pushes) = {
        let mut db = shared.db();
        let (page, mut pushes) = resolve(&shared, &mut db, &q.tk);
        let response = match page {
            None => unknown_token(),
            Some(PageRef::Connect(idx)) => {
                let c = &mut db.connects[idx];
                c.step = Step::Done;
                see_other(&c.redirect_url.clone())
            }
            Some(PageRef::Tx(idx)) => {
                if db.txs[idx].state == TxState::Pending {
                    match service::transition(
                        &shared,
                        &mut db,
                        idx,
                        TxState::Cancel,
                        FraudStatus::Accept,
                    ) {
                        Ok(more) => pushes.extend(more),
                        Err(err) => tracing::warn!(%err, "user cancel refused"),
                    }
                }
                let tx = &mut db.txs[idx];
                match tx.user_cancel_uri.clone() {
                    Some(uri) if tx.state == TxState::Cancel => see_other(&uri),
                    _ if tx.state == TxState::Cancel => back_to_store(&shared, tx),
                    _ => finished_tx(&shared, tx),
                }
            }
        };
        (response, pushes)
    };
    service::dispatch(&shared, pushes);
    response
}
