//! Class codes: short words a teacher reads out, from an alphabet without look-alikes (no 0/O,
//! 1/I/L). The swarm's pre-shared key is derived from the code, so two classes in one building
//! with different codes never merge: a peer with another code fails the private-network
//! handshake before anything else is said.

use sha2::{Digest, Sha256};

/// The letters and digits a code is made of: none that reads as another.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Six characters: 31^6 ≈ 887 million codes, enough that neighbouring classes do not collide.
const LENGTH: usize = 6;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassCode(String);

impl ClassCode {
    /// A fresh random code.
    pub fn generate() -> ClassCode {
        let mut seed = [0u8; LENGTH];
        // The OS's randomness via a fresh libp2p identity would do too; std has none, so read it.
        if std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut seed)).is_err() {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            seed = (nanos as u64 ^ u64::from(std::process::id())).to_le_bytes()[..LENGTH]
                .try_into()
                .unwrap_or([7; LENGTH]);
        }
        ClassCode(seed.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect())
    }

    /// Reads a code as a student types it: case, spaces and dashes do not matter.
    pub fn parse(text: &str) -> Result<ClassCode, String> {
        let code: String =
            text.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        if code.len() != LENGTH {
            return Err(format!("a class code has {LENGTH} letters and digits, not {}", code.chars().count()));
        }
        if let Some(bad) = code.chars().find(|c| !ALPHABET.contains(&(*c as u8)) || !c.is_ascii()) {
            return Err(format!("a class code has no {bad:?} (it uses {})", String::from_utf8_lossy(ALPHABET)));
        }
        Ok(ClassCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The private network's 32-byte key: SHA-256 of the code under a netlens-specific label.
    pub fn network_key(&self) -> [u8; 32] {
        Sha256::new().chain_update(b"netlens class swarm v1\0").chain_update(self.0.as_bytes()).finalize().into()
    }
}

impl std::fmt::Display for ClassCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_typed_and_different_codes_give_different_keys() {
        let code = ClassCode::generate();
        assert_eq!(code.as_str().len(), LENGTH);
        let typed = format!(" {}-{} ", &code.as_str()[..3].to_lowercase(), &code.as_str()[3..]);
        assert_eq!(ClassCode::parse(&typed).unwrap(), code);
        assert_eq!(ClassCode::parse(&typed).unwrap().network_key(), code.network_key());
        assert_ne!(
            ClassCode::parse("ABCDEF").unwrap().network_key(),
            ClassCode::parse("ABCDEG").unwrap().network_key()
        );
        assert!(ClassCode::parse("ABC").unwrap_err().contains("6 letters"));
        assert!(ClassCode::parse("ABCDE0").unwrap_err().contains("'0'"));
        assert!(ClassCode::parse("ABCDEÉ").is_err());
    }
}
