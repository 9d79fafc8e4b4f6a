//! Stored Kredivo user tokens (issue 17): one row per customer and provider, the token only
//! as AES-256-GCM ciphertext (see `crate::tokens::vault`), never in clear.

use super::{BoxFuture, StoreError};

/// A user token as stored. `ciphertext` and `nonce` are base64; nothing here is the token.
#[derive(Clone, PartialEq, Eq)]
pub struct UserTokenRecord {
    /// The merchant's id of the customer.
    pub client_user_key: String,
    /// `kredivo`.
    pub provider: String,
    /// The sealed token with its GCM tag, base64.
    pub ciphertext: String,
    /// The 96-bit nonce of that sealing, base64.
    pub nonce: String,
    /// Which key sealed it (`crate::tokens::vault::key_id`), so a rotation knows what to
    /// re-seal.
    pub key_id: String,
    /// Whether express checkout may use it.
    pub active: bool,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
    /// Unix ms, once deactivated.
    pub deactivated_at: Option<i64>,
}

impl std::fmt::Debug for UserTokenRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserTokenRecord")
            .field("client_user_key", &self.client_user_key)
            .field("provider", &self.provider)
            .field("key_id", &self.key_id)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// Persistence of user tokens; [`super::Store::user_tokens`] hands it out.
pub trait UserTokenStore: Send + Sync {
    /// Stores (or replaces) the customer's token, active, keeping its first `created_at`.
    fn put_user_token<'a>(
        &'a self,
        token: &'a UserTokenRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// The customer's token row, active or not.
    fn user_token<'a>(
        &'a self,
        provider: &'a str,
        client_user_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<UserTokenRecord>, StoreError>>;

    /// Replaces the sealing of the token that was sealed with `old_nonce` (a key rotation
    /// re-sealing on read); `false` when the row changed meanwhile.
    fn reseal_user_token<'a>(
        &'a self,
        old_nonce: &'a str,
        resealed: &'a UserTokenRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Up to `limit` rows (every provider) not sealed with `key_id`, after the row
    /// `(after_key, after_provider)` in `(client_user_key, provider)` order: a rotation walks
    /// them in pages.
    fn user_tokens_not_sealed_with<'a>(
        &'a self,
        key_id: &'a str,
        after_key: &'a str,
        after_provider: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<UserTokenRecord>, StoreError>>;

    /// Marks the customer's token inactive; when `only_nonce` is given, only if the row
    /// still holds that sealing (so a token stored meanwhile is not deactivated by a verdict
    /// about the old one). `true` when an active row became inactive.
    fn deactivate_user_token<'a>(
        &'a self,
        provider: &'a str,
        client_user_key: &'a str,
        only_nonce: Option<&'a str>,
        at: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
}
