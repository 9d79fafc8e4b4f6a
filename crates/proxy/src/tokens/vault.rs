//! Sealing user tokens at rest: AES-256-GCM (RustCrypto `aes-gcm`), a random 96-bit nonce
//! per sealing, the key's id stored beside it, and additional data that binds the sealing to
//! its provider and customer — a row copied to another `client_user_key` fails to open.
//!
//! Keys come from `TOKEN_ENCRYPTION_KEY` (current) and `TOKEN_ENCRYPTION_KEY_PREVIOUS`
//! (during a rotation): 32 bytes each, standard base64. A key's id is the first 8 bytes of
//! SHA-256 over the key (hex), so the store says which key sealed a row without revealing
//! anything usable.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::config::Secret;

/// Why a token could not be sealed or opened. Never carries the token or a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// No `TOKEN_ENCRYPTION_KEY`: tokenization is off.
    #[error("TOKEN_ENCRYPTION_KEY is not set")]
    NoKey,
    /// A configured key is not 32 bytes of base64 (the config checks this first).
    #[error("a token encryption key is not 32 bytes of base64")]
    BadKey,
    /// The row was sealed with a key that is no longer configured.
    #[error("sealed with key {0}, which is not configured (current or previous)")]
    UnknownKey(String),
    /// Authentication failed: another key with the same id (impossible in practice), a row
    /// moved to another customer, or tampered bytes.
    #[error("the sealed token does not open (wrong customer, tampered, or wrong key)")]
    Tampered,
}

/// A sealed token, as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Ciphertext and tag, base64.
    pub ciphertext: String,
    /// The nonce, base64.
    pub nonce: String,
    /// The sealing key's id.
    pub key_id: String,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealed")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

struct VaultKey {
    id: String,
    cipher: Aes256Gcm,
    /// A separate key for tags (SHA-256 of a label and the key): the AES key itself is
    /// never used for anything but AES-GCM.
    mac_key: [u8; 32],
}

/// The configured keys; the first seals, any opens.
pub struct Vault {
    keys: Vec<VaultKey>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field(
                "key_ids",
                &self.keys.iter().map(|k| &k.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The id of a raw key: hex of the first 8 bytes of its SHA-256.
pub fn key_id(raw: &[u8]) -> String {
    hex::encode(&Sha256::digest(raw)[..8])
}

/// What the sealing authenticates besides the token: its purpose, provider and customer.
fn aad(provider: &str, client_user_key: &str) -> Vec<u8> {
    format!("kredivo-proxy/user_token/v1\n{provider}\n{client_user_key}").into_bytes()
}

impl Vault {
    /// The vault of base64 keys, current first; an empty list is a vault that refuses
    /// everything with [`VaultError::NoKey`].
    pub fn new(keys: &[Secret]) -> Result<Vault, VaultError> {
        let keys = keys
            .iter()
            .map(|k| {
                let raw = B64
                    .decode(k.expose().trim())
                    .map_err(|_| VaultError::BadKey)?;
                if raw.len() != 32 {
                    return Err(VaultError::BadKey);
                }
                let mut mac = Sha256::new();
                mac.update(b"kredivo-proxy/tag-key/v1\n");
                mac.update(&raw);
                Ok(VaultKey {
                    id: key_id(&raw),
                    cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&raw)),
                    mac_key: mac.finalize().into(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Vault { keys })
    }

    /// Whether a key is configured (tokenization possible).
    pub fn enabled(&self) -> bool {
        !self.keys.is_empty()
    }

    /// The current key's id.
    pub fn current_key_id(&self) -> Option<&str> {
        self.keys.first().map(|k| k.id.as_str())
    }

    /// Seals `token` for this provider and customer with the current key and a fresh nonce.
    pub fn seal(
        &self,
        provider: &str,
        client_user_key: &str,
        token: &str,
    ) -> Result<Sealed, VaultError> {
        let key = self.keys.first().ok_or(VaultError::NoKey)?;
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = aad(provider, client_user_key);
        let ciphertext = key
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: token.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Tampered)?;
        Ok(Sealed {
            ciphertext: B64.encode(ciphertext),
            nonce: B64.encode(nonce),
            key_id: key.id.clone(),
        })
    }

    /// Opens a sealing made for this provider and customer. The key is chosen by the
    /// stored id; a row moved to another customer, or altered, fails with
    /// [`VaultError::Tampered`].
    pub fn open(
        &self,
        provider: &str,
        client_user_key: &str,
        sealed: &Sealed,
    ) -> Result<Secret, VaultError> {
        if self.keys.is_empty() {
            return Err(VaultError::NoKey);
        }
        let key = self
            .keys
            .iter()
            .find(|k| k.id == sealed.key_id)
            .ok_or_else(|| VaultError::UnknownKey(sealed.key_id.clone()))?;
        let nonce = B64
            .decode(&sealed.nonce)
            .map_err(|_| VaultError::Tampered)?;
        if nonce.len() != 12 {
            return Err(VaultError::Tampered);
        }
        let ciphertext = B64
            .decode(&sealed.ciphertext)
            .map_err(|_| VaultError::Tampered)?;
        let aad = aad(provider, client_user_key);
        let plain = key
            .cipher
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Tampered)?;
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| VaultError::Tampered)
    }

    /// A tag over `message` with the current key (hex HMAC-SHA256): the Connect callback URL
    /// carries one, so only a URL this proxy made can deliver a token for a customer.
    pub fn tag(&self, message: &str) -> Result<String, VaultError> {
        let key = self.keys.first().ok_or(VaultError::NoKey)?;
        Ok(hex::encode(mac(&key.mac_key, message)))
    }

    /// Whether `tag` is [`Vault::tag`] of `message` under any configured key (constant time).
    pub fn verify_tag(&self, message: &str, tag: &str) -> bool {
        let Ok(given) = hex::decode(tag) else {
            return false;
        };
        self.keys.iter().any(|k| {
            let want = mac(&k.mac_key, message);
            want.len() == given.len()
                && want
                    .iter()
                    .zip(&given)
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        })
    }

    /// Whether a sealing was made with an older key and should be re-sealed.
    pub fn is_stale(&self, sealed: &Sealed) -> bool {
        self.current_key_id() != Some(sealed.key_id.as_str())
    }
}

fn mac(key: &[u8; 32], message: &str) -> Vec<u8> {
    use hmac::{Hmac, Mac};
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    m.update(message.as_bytes());
    m.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Secret {
        Secret::new(B64.encode([byte; 32]))
    }

    #[test]
    fn a_sealed_token_opens_for_its_customer_only() {
        let vault = Vault::new(&[key(1)]).unwrap();
        let sealed = vault.seal("kredivo", "cust-1", "ABCD-SECRET").unwrap();
        assert!(!sealed.ciphertext.contains("ABCD-SECRET"));
        assert_eq!(
            vault.open("kredivo", "cust-1", &sealed).unwrap().expose(),
            "ABCD-SECRET"
        );
        assert_eq!(
            vault.open("kredivo", "cust-2", &sealed),
            Err(VaultError::Tampered),
            "a row moved to another customer"
        );
        assert_eq!(
            vault.open("doku", "cust-1", &sealed),
            Err(VaultError::Tampered)
        );
    }

    #[test]
    fn every_sealing_has_its_own_nonce() {
        let vault = Vault::new(&[key(1)]).unwrap();
        let a = vault.seal("kredivo", "c", "T").unwrap();
        let b = vault.seal("kredivo", "c", "T").unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }

    #[test]
    fn a_wrong_key_cannot_open_and_a_previous_key_still_can() {
        let old = Vault::new(&[key(1)]).unwrap();
        let sealed = old.seal("kredivo", "c", "TOKEN").unwrap();
        let other = Vault::new(&[key(2)]).unwrap();
        assert!(matches!(
            other.open("kredivo", "c", &sealed),
            Err(VaultError::UnknownKey(_))
        ));
        // Same id, different key bytes: authentication fails.
        let forged = Sealed {
            key_id: other.current_key_id().unwrap().to_owned(),
            ..sealed.clone()
        };
        assert_eq!(
            other.open("kredivo", "c", &forged),
            Err(VaultError::Tampered)
        );
        let rotated = Vault::new(&[key(2), key(1)]).unwrap();
        assert_eq!(
            rotated.open("kredivo", "c", &sealed).unwrap().expose(),
            "TOKEN"
        );
        assert!(rotated.is_stale(&sealed));
        let resealed = rotated.seal("kredivo", "c", "TOKEN").unwrap();
        assert!(!rotated.is_stale(&resealed));
    }

    #[test]
    fn tags_verify_under_any_configured_key_only() {
        let old = Vault::new(&[key(1)]).unwrap();
        let tag = old.tag("cust-1\n100").unwrap();
        assert!(old.verify_tag("cust-1\n100", &tag));
        assert!(!old.verify_tag("cust-2\n100", &tag));
        assert!(!old.verify_tag("cust-1\n100", "zz"));
        assert!(Vault::new(&[key(2), key(1)])
            .unwrap()
            .verify_tag("cust-1\n100", &tag));
        assert!(!Vault::new(&[key(2)])
            .unwrap()
            .verify_tag("cust-1\n100", &tag));
    }

    #[test]
    fn no_key_refuses_and_bad_keys_are_refused() {
        let none = Vault::new(&[]).unwrap();
        assert!(!none.enabled());
        assert_eq!(none.seal("kredivo", "c", "T"), Err(VaultError::NoKey));
        assert!(Vault::new(&[Secret::new("c2hvcnQ=")]).is_err());
        assert!(Vault::new(&[Secret::new("not base64!")]).is_err());
    }
}
