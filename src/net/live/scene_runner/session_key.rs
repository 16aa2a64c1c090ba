//! Who may speak for a node: each live session makes a random secret, and each node's token is
//! derived from it. The session's writers open every connection with their node's token; a
//! listener takes frames only from a connection whose token matches the node it claims to be, so
//! another local process cannot pose as, say, the tracker.

use std::hash::{BuildHasher, Hasher};

/// A session's secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SessionKey {
    secret: [u8; 16],
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey(..)")
    }
}

impl SessionKey {
    /// A fresh secret, unknown to every other process (std's hash keys come from the OS's
    /// randomness).
    pub fn random() -> SessionKey {
        let state = std::collections::hash_map::RandomState::new();
        let mut secret = [0u8; 16];
        for (half, chunk) in secret.chunks_mut(8).enumerate() {
            let mut hasher = state.build_hasher();
            hasher.write_usize(half);
            hasher.write_u128(
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()),
            );
            chunk.copy_from_slice(&hasher.finish().to_be_bytes());
        }
        SessionKey { secret }
    }

    /// A key given by the caller (tests that speak for a node themselves).
    pub fn from_secret(secret: [u8; 16]) -> SessionKey {
        SessionKey { secret }
    }

    /// Node `node`'s token: SipHash of the secret and the node, twice over for 128 bits.
    pub fn token(&self, node: usize) -> [u8; 16] {
        let mut token = [0u8; 16];
        for (half, chunk) in token.chunks_mut(8).enumerate() {
            #[allow(deprecated)]
            // SipHasher's output is stable across Rust versions, as a token must be within a session.
            let mut hasher = std::hash::SipHasher::new_with_keys(
                u64::from_be_bytes(self.secret[..8].try_into().unwrap_or_default()),
                u64::from_be_bytes(self.secret[8..].try_into().unwrap_or_default()),
            );
            hasher.write_usize(node);
            hasher.write_usize(half);
            chunk.copy_from_slice(&hasher.finish().to_be_bytes());
        }
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_by_node_and_by_session() {
        let key = SessionKey::from_secret([7; 16]);
        assert_eq!(key.token(3), key.token(3));
        assert_ne!(key.token(3), key.token(4));
        assert_ne!(key.token(3), SessionKey::from_secret([8; 16]).token(3));
        assert_ne!(SessionKey::random(), SessionKey::random(), "two sessions, two secrets");
    }
}
