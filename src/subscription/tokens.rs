//! Opaque tokens for confirmation and unsubscribe links.
//!
//! Input: the system's randomness. Output: a token (64 hex digits) to put in a link, and the
//! hash the database keeps instead. Must not: derive a token from anything about the
//! subscriber, or accept text that is not a token's shape (it goes into a database lookup).

use sha2::Digest;

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirm a pending subscription (the confirmation mail).
    Confirm,
    /// Unsubscribe or change the language (every digest).
    Unsubscribe,
}

impl Purpose {
    /// As stored.
    pub fn code(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Unsubscribe => "unsubscribe",
        }
    }

    /// How long a token stays valid: a confirmation a week, an unsubscribe link two years (a
    /// reader may find an old digest).
    pub fn lifetime_secs(self) -> i64 {
        match self {
            Purpose::Confirm => 7 * 86_400,
            Purpose::Unsubscribe => 2 * 366 * 86_400,
        }
    }
}

/// A new random token.
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness from the system: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The token's hash as stored, or `None` when `text` is not a token's shape.
pub fn hash(text: &str) -> Option<String> {
    let shaped = text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    shaped.then(|| sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_shape_is_hashed() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        let h = hash(&a).unwrap();
        assert_ne!(h, a);
        assert_eq!(hash(&a), Some(h));
        assert_eq!(hash(&a.to_uppercase()), None);
        assert_eq!(hash(&a[1..]), None);
        assert_eq!(hash("' OR 1=1 --"), None);
    }
}
