//! Signed seals: who wrote a log, not only in what order.
//!
//! A hash chain proves the order and integrity of lines, but anyone can recompute one; a seal
//! signed with an Ed25519 key (ed25519-dalek) proves that the holder of the key wrote the log
//! as it is. The signature covers the seal line's bytes with `signature` null: the hash of the
//! header, the hash of the last line before the seal (which the chain ties to every line) and
//! the seal's own fields.
//!
//! Keys: the drill server keeps one in its data directory; `play` keeps one per installation
//! (the user's data directory, or the file named by `CYBERDRILL_KEY`). A key file holds the
//! 32-byte secret in hex and is readable only by its owner.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::record::{SealLine, SealSignature, hex, line_bytes};

/// The environment variable naming the installation's key file.
pub const KEY_ENV: &str = "CYBERDRILL_KEY";

/// Domain separation: a seal signature can never be mistaken for a signature of anything else.
const CONTEXT: &[u8] = b"cyberdrill replay seal\n";

/// Why a key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file cannot be read or written.
    #[error("key file {file}: {message}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        message: String,
    },
    /// The text is not a key.
    #[error("{what} is not a key: {message}")]
    Invalid {
        /// What was read (a file, an argument).
        what: String,
        /// Why.
        message: String,
    },
    /// No place to keep the installation's key.
    #[error("there is no data directory for the installation's key; set {KEY_ENV}")]
    NoHome,
}

/// The message a seal's signature signs.
fn message(seal: &SealLine) -> Vec<u8> {
    let unsigned = SealLine {
        signature: None,
        ..seal.clone()
    };
    let mut m = CONTEXT.to_vec();
    m.extend_from_slice(&line_bytes(&unsigned));
    m
}

/// Signs a seal (its `signature` is ignored).
pub fn sign_seal(key: &SigningKey, seal: &SealLine) -> SealSignature {
    let sig: Signature = key.sign(&message(seal));
    SealSignature {
        key: hex(key.verifying_key().as_bytes()),
        sig: hex(&sig.to_bytes()),
    }
}

/// Checks a seal's signature against the key it names; returns that key.
pub fn verify_seal(seal: &SealLine) -> Result<VerifyingKey, String> {
    let Some(signed) = &seal.signature else {
        return Err("the seal is not signed".into());
    };
    let key = parse_public_key(&signed.key).map_err(|e| e.to_string())?;
    let bytes = unhex(&signed.sig).ok_or("the signature is not hex")?;
    let sig = Signature::from_slice(&bytes).map_err(|_| "the signature is not 64 bytes")?;
    key.verify_strict(&message(seal), &sig)
        .map_err(|_| "the signature does not match the log".to_owned())?;
    Ok(key)
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// A public key written in hex (64 digits).
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, KeyError> {
    let invalid = |message: &str| KeyError::Invalid {
        what: format!(
            "`{}`",
            text.trim()
                .chars()
                .take(80)
                .collect::<String>()
                .escape_debug()
        ),
        message: message.to_owned(),
    };
    let bytes = unhex(text).ok_or_else(|| invalid("expected 64 hexadecimal digits"))?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| invalid("expected 64 hexadecimal digits (32 bytes)"))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| invalid("not a valid Ed25519 public key"))
}

/// A public key given on the command line: 64 hex digits, or a file holding them.
pub fn public_key_arg(arg: &str) -> Result<VerifyingKey, KeyError> {
    let trimmed = arg.trim();
    if trimmed.len() == 64 && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        return parse_public_key(trimmed);
    }
    let text = std::fs::read_to_string(arg).map_err(|e| KeyError::Io {
        file: arg.to_owned(),
        message: e.to_string(),
    })?;
    parse_public_key(&text)
}

/// The hex form of a public key.
pub fn public_hex(key: &SigningKey) -> String {
    hex(key.verifying_key().as_bytes())
}

/// Reads the key in `path`, or makes a new one there (from the operating system's random
/// source) if there is none.
pub fn load_or_create(path: &Path) -> Result<SigningKey, KeyError> {
    let io = |e: std::io::Error| KeyError::Io {
        file: path.display().to_string(),
        message: e.to_string(),
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let bytes = unhex(&text).ok_or_else(|| KeyError::Invalid {
                what: path.display().to_string(),
                message: "expected 64 hexadecimal digits".into(),
            })?;
            let secret: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Invalid {
                what: path.display().to_string(),
                message: "expected 64 hexadecimal digits (32 bytes)".into(),
            })?;
            Ok(SigningKey::from_bytes(&secret))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).map_err(|e| KeyError::Io {
                file: path.display().to_string(),
                message: format!("no randomness for a new key: {e}"),
            })?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(path) {
                Ok(mut file) => {
                    writeln!(file, "{}", hex(&secret)).map_err(io)?;
                    file.sync_all().map_err(io)?;
                    Ok(SigningKey::from_bytes(&secret))
                }
                // Another process made it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create(path),
                Err(e) => Err(io(e)),
            }
        }
        Err(e) => Err(io(e)),
    }
}

/// Where this installation's key lives: `CYBERDRILL_KEY`, or `signing.key` in the user's data
/// directory.
pub fn installation_key_path() -> Result<PathBuf, KeyError> {
    if let Some(path) = std::env::var_os(KEY_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "cyberdrill")
        .map(|d| d.data_dir().join("signing.key"))
        .ok_or(KeyError::NoHome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::record::SealReason;

    fn seal() -> SealLine {
        SealLine {
            kind: "seal".into(),
            reason: SealReason::Completed,
            turns: vec![6],
            header: "ab".repeat(32),
            ended: None,
            signature: None,
            prev: "cd".repeat(32),
        }
    }

    #[test]
    fn a_signed_seal_verifies_and_any_change_breaks_it() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let mut s = seal();
        s.signature = Some(sign_seal(&key, &s));
        let found = verify_seal(&s).unwrap();
        assert_eq!(found, key.verifying_key());
        let mut changed = s.clone();
        changed.turns = vec![5];
        assert!(verify_seal(&changed).is_err());
        let mut changed = s.clone();
        changed.prev = "ce".repeat(32);
        assert!(verify_seal(&changed).is_err());
        assert!(verify_seal(&seal()).is_err(), "unsigned");
    }

    #[test]
    fn keys_are_made_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("cyberdrill-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("k/signing.key");
        let a = load_or_create(&path).unwrap();
        let b = load_or_create(&path).unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner may read the key");
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            load_or_create(&path),
            Err(KeyError::Invalid { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn public_keys_parse_from_hex_only() {
        let key = SigningKey::from_bytes(&[9u8; 32]);
        let text = public_hex(&key);
        assert_eq!(parse_public_key(&text).unwrap(), key.verifying_key());
        assert!(parse_public_key("zz").is_err());
        assert!(parse_public_key(&text[..62]).is_err());
    }
}
