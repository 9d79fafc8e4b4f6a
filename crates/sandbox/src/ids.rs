//! Ids, tokens and signature keys: random by default, seeded for deterministic tests.

use std::fmt;
use std::sync::Mutex;

use base64::Engine as _;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

/// Where the sandbox's randomness comes from. Everything a client sees that the sandbox
/// invents (transaction ids, page tokens, user tokens, signature keys) is drawn from here.
pub trait IdSource: Send + Sync + fmt::Debug {
    /// Fills `buf` with bytes.
    fn fill_bytes(&self, buf: &mut [u8]);
}

/// Operating-system randomness (the default).
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn fill_bytes(&self, buf: &mut [u8]) {
        rand::thread_rng().fill_bytes(buf);
    }
}

/// A seeded generator: the same seed gives the same ids in the same order.
#[derive(Debug)]
pub struct SeededIds {
    rng: Mutex<StdRng>,
}

impl SeededIds {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }
}

impl IdSource for SeededIds {
    fn fill_bytes(&self, buf: &mut [u8]) {
        self.rng
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .fill_bytes(buf);
    }
}

/// Formats drawn from an [`IdSource`].
pub(crate) trait IdSourceExt: IdSource {
    /// A lowercase UUID v4 such as Kredivo's `transaction_id`
    /// (`fadee4e5-99a2-48d6-952d-007f3fa508e8`).
    fn uuid(&self) -> String {
        let mut b = [0u8; 16];
        self.fill_bytes(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// `len` characters of `[A-Za-z0-9]`, for page tokens and user tokens.
    fn alnum(&self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut out = String::with_capacity(len);
        let mut byte = [0u8; 1];
        while out.len() < len {
            self.fill_bytes(&mut byte);
            // Rejection sampling keeps the alphabet uniform.
            if usize::from(byte[0]) < ALPHABET.len() * 4 {
                out.push(char::from(ALPHABET[usize::from(byte[0]) % ALPHABET.len()]));
            }
        }
        out
    }

    /// An opaque signature key shaped like doc 000's example: standard base64 (so it holds
    /// `+`, `/` and `=`, which clients must URL-encode — the point of the double-encoding
    /// tolerance in `/v2/update`).
    fn signature_key(&self) -> String {
        let mut b = [0u8; 80];
        self.fill_bytes(&mut b);
        // 80 bytes → 108 characters ending in one '=', like the doc's `…%2FhQ%3D`.
        base64::engine::general_purpose::STANDARD.encode(b)
    }
}

impl<T: IdSource + ?Sized> IdSourceExt for T {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_ids() {
        let (a, b) = (SeededIds::new(7), SeededIds::new(7));
        assert_eq!(a.uuid(), b.uuid());
        assert_eq!(a.signature_key(), b.signature_key());
        assert_ne!(a.uuid(), SeededIds::new(8).uuid());
    }

    #[test]
    fn a_uuid_has_the_v4_shape() {
        let id = RandomIds.uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(id
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn a_signature_key_needs_url_encoding() {
        let key = SeededIds::new(1).signature_key();
        assert!(key.ends_with('='), "{key}");
        assert_eq!(key.len(), 108);
    }
}
