//! Random identifiers, tokens and codes, and how secrets are kept (hashed, never stored raw).

use sha2::{Digest, Sha256};

/// Bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)?;
    Ok(buf)
}

/// Letters and digits that cannot be mistaken for each other when read aloud or typed
/// (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

/// A short code from the unambiguous alphabet (join codes, recovery codes).
pub fn random_code(len: usize) -> Result<String, getrandom::Error> {
    let n = CODE_ALPHABET.len() as u8;
    // 250 is the largest multiple of 25 below 256: reject above it to stay unbiased.
    let limit = u8::MAX - (u8::MAX % n) - 1;
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<16>()? {
            if b <= limit && out.len() < len {
                out.push(char::from(CODE_ALPHABET[usize::from(b % n)]));
            }
        }
    }
    Ok(out)
}

/// A bearer token: 32 random bytes as 64 hex digits.
pub fn new_token() -> Result<String, getrandom::Error> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// What is stored for a token or code: its SHA-256. Tokens carry 256 bits of entropy, so a fast
/// hash is enough; the admin passphrase, chosen by people, gets argon2 instead.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.trim().as_bytes()).into()
}

/// Normalises a typed code: upper case, without spaces or dashes.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_only_the_alphabet() {
        let code = random_code(64).expect("random");
        assert_eq!(code.len(), 64);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_ne!(random_code(8).expect("random"), random_code(8).expect("random"));
    }

    #[test]
    fn typed_codes_are_normalised() {
        assert_eq!(normalise_code(" abcd-7fg "), "ABCD7FG");
        assert_eq!(token_hash("x"), token_hash(" x\n"));
    }
}
