//! The simulator's own state: transactions and their state machine, accounts and their
//! limits, user tokens, connect requests. Plain data, no I/O; the service layer
//! (`service.rs`) locks it, mutates it and then sends pushes.

use std::collections::BTreeMap;

use kredivo_plan::{Money, PaymentType};
use kredivo_providers::kredivo::{FraudStatus, TransactionStatus};
use serde::Serialize;
use serde_json::Value;

/// Where a transaction is in its life. Closed on purpose: the simulator only ever produces
/// these five (the wire enum from the plan crate is the open, forward-compatible one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Created; the shopper has not finished.
    Pending,
    /// Paid (possibly partly cancelled since).
    Settlement,
    /// Refused by Kredivo (fraud check or insufficient limit).
    Deny,
    /// Fully cancelled (by the merchant through the API, or by the shopper on the hosted page).
    Cancel,
    /// Not finished before `expiration_time`.
    Expire,
}

impl State {
    /// The wire value.
    pub fn wire(self) -> TransactionStatus {
        match self {
            State::Pending => TransactionStatus::Pending,
            State::Settlement => TransactionStatus::Settlement,
            State::Deny => TransactionStatus::Deny,
            State::Cancel => TransactionStatus::Cancel,
            State::Expire => TransactionStatus::Expire,
        }
    }

    /// The transitions the real service allows: a pending transaction ends exactly once;
    /// a settled one can only be cancelled. Nothing ever goes back to `pending`.
    pub fn can_become(self, next: State) -> bool {
        matches!(
            (self, next),
            (
                State::Pending,
                State::Settlement | State::Deny | State::Cancel | State::Expire
            ) | (State::Settlement, State::Cancel)
        )
    }

    /// `true` once no further transition is possible.
    pub fn is_final(self) -> bool {
        matches!(self, State::Deny | State::Cancel | State::Expire)
    }
}

/// How the transaction was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `POST /v2/checkout_url`, shopper goes through the hosted pages.
    Checkout,
    /// `POST /v2/checkout_url` with a valid `user_token`: no pages, settled by push.
    Express,
    /// QR checkout (`init_checkout`), paid on the QR's page.
    Qr,
}

/// How far the shopper got on the hosted pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Phone and PIN wanted.
    SignIn,
    /// Signed in; OTP wanted.
    Otp,
    /// OTP accepted; tenure confirmation wanted.
    Confirm,
    /// Nothing left to do on the pages.
    Done,
}

/// A partial or full cancellation, remembered for `cancellation_id` idempotency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cancellation {
    /// The merchant's `cancellation_id`, when sent.
    pub cancellation_id: Option<String>,
    /// How much was cancelled.
    pub amount: Money,
    /// `cancellation_reason`.
    pub reason: String,
    /// `cancelled_by`.
    pub cancelled_by: String,
    /// `cancellation_date` as sent.
    pub cancellation_date: String,
    /// Whether Kredivo would charge the merchant a fee (requested after 14 days).
    pub fee_charged: bool,
    /// The response body, replayed verbatim for a repeated `cancellation_id`.
    #[serde(skip)]
    pub response: Value,
}

/// One transaction.
#[derive(Debug, Clone, Serialize)]
pub struct Transaction {
    /// Kredivo's id (a UUID).
    pub transaction_id: String,
    /// The merchant's id.
    pub order_id: String,
    /// Index of the accepted server key that created it (never the key itself).
    #[serde(skip)]
    pub merchant: usize,
    /// How it was created.
    pub source: Source,
    /// The amount at creation.
    pub amount: Money,
    /// The sum of cancellations so far.
    pub cancelled_amount: Money,
    /// The shopping items as sent (echoed by the status endpoint).
    #[serde(skip)]
    pub items: Vec<Value>,
    /// The payment type (the merchant's choice until the shopper confirms another).
    pub payment_type: PaymentType,
    /// Where it is.
    pub state: State,
    /// Fraud check result.
    pub fraud: FraudStatus,
    /// Creation time, Unix seconds.
    pub transaction_time: i64,
    /// Expiry time, Unix seconds.
    pub expires_at: i64,
    /// Merchant's push URI.
    pub push_uri: Option<String>,
    /// Merchant's back-to-store URI.
    pub back_to_store_uri: Option<String>,
    /// Merchant's cancel URI.
    pub user_cancel_uri: Option<String>,
    /// Whether the merchant asked for a user token.
    pub tokenize_user: bool,
    /// The merchant's user key (for tokenization).
    pub client_user_key: Option<String>,
    /// The user token issued on settlement, or used for express checkout.
    pub user_token: Option<String>,
    /// Phone (normalised) of the Kredivo account that paid, once known.
    pub account: Option<String>,
    /// Token in the hosted pages' URLs (`tk`).
    pub page_token: String,
    /// How far the shopper got on the pages.
    pub step: Step,
    /// Every signature key issued for this transaction (pushes and `sign_key`).
    pub signature_keys: Vec<String>,
    /// The shipping address as sent (echoed in pushes, reshaped).
    #[serde(skip)]
    pub shipping_address: Option<Value>,
    /// QR checkout's sub-merchant.
    pub sub_merchant_id: Option<String>,
    /// Cancellations so far.
    pub cancellations: Vec<Cancellation>,
    /// The body of the last push built (for out-of-order re-sends).
    #[serde(skip)]
    pub last_push: Option<Value>,
}

impl Transaction {
    /// What can still be cancelled.
    pub fn remaining(&self) -> Money {
        self.amount
            .checked_sub(self.cancelled_amount)
            .unwrap_or(Money::ZERO)
    }

    /// The current status on the wire.
    pub fn status(&self) -> TransactionStatus {
        self.state.wire()
    }
}

/// A Kredivo account the hosted pages accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Phone without country prefix or leading zero: `81513114262`.
    pub phone: String,
    /// Six-digit PIN.
    #[serde(skip)]
    pub pin: String,
    /// The OTP that succeeds.
    #[serde(skip)]
    pub otp: String,
    /// `legal_name` in `/v2/update` and credit details.
    pub legal_name: String,
    /// `external_userid` in transaction status.
    pub external_userid: String,
    /// 1 basic (30 days only), 2 premium (every payment type).
    pub account_type: u8,
    /// Remaining limit per payment type (`remaining_user_limit`).
    pub limits: BTreeMap<String, Money>,
}

impl Account {
    /// Doc 000's sandbox account: phone 81513114262, PIN 663482, OTP 4567, premium, with
    /// limits large enough for the doc's 6,505,000 cart.
    pub fn doc_test_account() -> Self {
        let mut limits = BTreeMap::new();
        limits.insert("30_days".to_owned(), Money::from_rupiah(20_000_000));
        limits.insert("3_months".to_owned(), Money::from_rupiah(30_000_000));
        limits.insert("6_months".to_owned(), Money::from_rupiah(30_000_000));
        limits.insert("12_months".to_owned(), Money::from_rupiah(30_000_000));
        Self {
            phone: "81513114262".into(),
            pin: "663482".into(),
            otp: "4567".into(),
            legal_name: "OEMANG TANDRA".into(),
            external_userid: "SbmEaX1fdr".into(),
            account_type: 2,
            limits,
        }
    }

    /// A sandbox-only basic account (30 days only, Rp 1,000,000 limit) to exercise denials:
    /// phone 81200000001, PIN 111111, OTP 4567.
    pub fn basic_test_account() -> Self {
        let mut limits = BTreeMap::new();
        limits.insert("30_days".to_owned(), Money::from_rupiah(1_000_000));
        Self {
            phone: "81200000001".into(),
            pin: "111111".into(),
            otp: "4567".into(),
            legal_name: "BUDI BASIC".into(),
            external_userid: "BasicUser01".into(),
            account_type: 1,
            limits,
        }
    }

    /// Remaining limit for a payment type (zero when the account cannot use it).
    pub fn limit_for(&self, payment_type: &PaymentType) -> Money {
        self.limits
            .get(payment_type.as_str())
            .copied()
            .unwrap_or(Money::ZERO)
    }
}

/// Normalises a phone as shoppers type it: `+62 815-1311-4262`, `081513114262`,
/// `6281513114262` and `81513114262` all become `81513114262`.
pub fn normalize_phone(input: &str) -> String {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    if let Some(rest) = digits.strip_prefix("62").filter(|r| r.starts_with('8')) {
        return rest.to_owned();
    }
    if let Some(rest) = digits.strip_prefix('0').filter(|r| r.starts_with('8')) {
        return rest.to_owned();
    }
    digits
}

/// A user token issued by tokenization or Kredivo Connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserToken {
    /// The token.
    pub token: String,
    /// Account phone.
    pub account: String,
    /// The merchant's user key.
    pub client_user_key: Option<String>,
    /// Which accepted server key it belongs to.
    #[serde(skip)]
    pub merchant: usize,
    /// `false` after `deactive_user_token`.
    pub is_active: bool,
}

/// A pending `POST /v2/connect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectRequest {
    /// Page token.
    pub page_token: String,
    /// Which accepted server key asked.
    #[serde(skip)]
    pub merchant: usize,
    /// `mobile_number` as sent.
    pub mobile_number: String,
    /// `client_user_key`.
    pub client_user_key: String,
    /// `callback_url`.
    pub callback_url: String,
    /// `redirect_url` (the merchant's page, after connecting).
    pub redirect_url: String,
    /// How far the user got.
    pub step: Step,
    /// Account phone once signed in.
    pub account: Option<String>,
    /// Token issued on success.
    pub user_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transaction_ends_once_and_never_goes_back_to_pending() {
        use State::*;
        let rows = [
            (Pending, Settlement, true),
            (Pending, Deny, true),
            (Pending, Expire, true),
            (Pending, Cancel, true),
            (Settlement, Cancel, true),
            (Settlement, Pending, false),
            (Settlement, Expire, false),
            (Deny, Settlement, false),
            (Expire, Settlement, false),
            (Cancel, Settlement, false),
            (Pending, Pending, false),
        ];
        for (from, to, ok) in rows {
            assert_eq!(from.can_become(to), ok, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn phones_normalise_from_every_common_spelling() {
        for input in [
            "81513114262",
            "081513114262",
            "6281513114262",
            "+62 815-1311-4262",
        ] {
            assert_eq!(normalize_phone(input), "81513114262", "{input}");
        }
    }
}
