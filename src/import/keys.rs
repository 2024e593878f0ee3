//! Who is a user: the key each request is filed under, and how keys are
//! written into the trace (salted hashes unless the raw keys are asked for).

use std::collections::HashMap;
use std::fmt;
use std::fmt::Write as _;

use regex::bytes::Regex;
use sha2::{Digest, Sha256};

use super::record::Record;

/// How requests are grouped into users.
#[derive(Clone, Debug)]
pub enum UserKey {
    /// Client address and user agent: two people behind one NAT with
    /// different browsers are two users (the default).
    AddrAgent,
    /// Client address alone.
    Addr,
    /// A named field of a csv or jsonl log (a session cookie, a user id).
    Field(String),
    /// The first capture group of a pattern searched in the raw line (or the
    /// whole match if it has no group): a cookie logged at the end of a
    /// combined line, a header, a query parameter.
    Match(Regex),
}

impl UserKey {
    /// `addr+agent`, `addr`, `field:NAME` or `match:REGEX`.
    pub fn parse_flag(text: &str) -> Result<UserKey, String> {
        match text {
            "addr+agent" => Ok(UserKey::AddrAgent),
            "addr" => Ok(UserKey::Addr),
            _ => {
                if let Some(name) = text.strip_prefix("field:").filter(|n| !n.is_empty()) {
                    Ok(UserKey::Field(name.to_string()))
                } else if let Some(pattern) = text.strip_prefix("match:").filter(|p| !p.is_empty())
                {
                    Regex::new(pattern)
                        .map(UserKey::Match)
                        .map_err(|e| format!("invalid pattern: {e}"))
                } else {
                    Err(format!(
                        "unknown user key {text:?}: expected addr+agent, addr, field:NAME or match:REGEX"
                    ))
                }
            }
        }
    }

    /// Whether the key is built from the client address.
    pub fn needs_addr(&self) -> bool {
        matches!(self, UserKey::AddrAgent | UserKey::Addr)
    }

    /// The key of one request into `out`; `false` when the line has none
    /// (a pattern that does not match, an empty field).
    pub fn extract(&self, line: &[u8], record: &Record<'_>, out: &mut Vec<u8>) -> bool {
        out.clear();
        match self {
            UserKey::AddrAgent => {
                out.extend_from_slice(record.addr);
                // Addresses have no spaces, so "addr agent" splits back unambiguously.
                if let Some(agent) = record.agent {
                    out.push(b' ');
                    out.extend_from_slice(agent);
                }
            }
            UserKey::Addr => out.extend_from_slice(record.addr),
            UserKey::Field(_) => out.extend_from_slice(record.key_field.unwrap_or_default()),
            UserKey::Match(pattern) => {
                if let Some(caps) = pattern.captures(line) {
                    let m = caps.get(1).or_else(|| caps.get(0));
                    out.extend_from_slice(m.map(|m| m.as_bytes()).unwrap_or_default());
                }
            }
        }
        !out.is_empty()
    }
}

impl fmt::Display for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserKey::AddrAgent => f.write_str("client address + user agent"),
            UserKey::Addr => f.write_str("client address"),
            UserKey::Field(name) => write!(f, "field `{name}`"),
            UserKey::Match(p) => write!(f, "first group of pattern {p}"),
        }
    }
}

/// How user keys appear in the written trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOutput {
    /// The first 64 bits of SHA-256(salt || key), as 16 hex digits.
    Hashed { salt: Vec<u8> },
    /// The keys as found (`--keep-keys`); bytes that are not UTF-8 become U+FFFD.
    Raw,
}

impl KeyOutput {
    /// Hashing with a fresh random salt: names from two runs cannot be linked,
    /// and nobody can hash every IPv4 address to undo them.
    pub fn random_salt() -> KeyOutput {
        KeyOutput::Hashed {
            salt: rand::random::<[u8; 16]>().to_vec(),
        }
    }

    pub fn name(&self, key: &[u8]) -> String {
        match self {
            KeyOutput::Raw => String::from_utf8_lossy(key).into_owned(),
            KeyOutput::Hashed { salt } => {
                let digest = Sha256::new_with_prefix(salt).chain_update(key).finalize();
                let mut name = String::with_capacity(16);
                for byte in &digest[..8] {
                    let _ = write!(name, "{byte:02x}");
                }
                name
            }
        }
    }
}

/// Keys seen so far, each with a small number; memory grows with users, not lines.
#[derive(Default)]
pub struct Interner {
    ids: HashMap<Box<[u8]>, u32>,
}

impl Interner {
    /// The key's number, new keys numbered in order of first appearance.
    /// `None` past 2^32 keys.
    pub fn intern(&mut self, key: &[u8]) -> Option<u32> {
        if let Some(&id) = self.ids.get(key) {
            return Some(id);
        }
        let id = u32::try_from(self.ids.len()).ok()?;
        self.ids.insert(key.into(), id);
        Some(id)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The keys, indexed by their numbers.
    pub fn into_keys(self) -> Vec<Box<[u8]>> {
        let mut keys: Vec<Box<[u8]>> = vec![Box::default(); self.ids.len()];
        for (key, id) in self.ids {
            keys[id as usize] = key;
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::clf::{Expect, parse};

    const LINE: &[u8] = br#"10.1.2.3 - - [17/May/2015:10:05:03 +0000] "GET /a?sid=XYZ&b=1 HTTP/1.1" 200 5 "-" "Firefox 27" "session=abc123; theme=dark""#;

    fn key(spec: &str) -> Option<String> {
        let r = parse(LINE, Expect::Combined).expect("valid");
        let mut out = Vec::new();
        UserKey::parse_flag(spec)
            .expect("valid flag")
            .extract(LINE, &r, &mut out)
            .then(|| String::from_utf8(out).expect("utf8"))
    }

    #[test]
    fn key_modes() {
        assert_eq!(key("addr+agent").as_deref(), Some("10.1.2.3 Firefox 27"));
        assert_eq!(key("addr").as_deref(), Some("10.1.2.3"));
        assert_eq!(key("match:session=([^;\"]+)").as_deref(), Some("abc123"));
        assert_eq!(key("match:sid=[A-Z]+").as_deref(), Some("sid=XYZ"));
        assert_eq!(key("match:nothere=(\\w+)"), None);
        assert!(UserKey::parse_flag("cookie").is_err());
        assert!(UserKey::parse_flag("match:(").is_err());
        assert!(UserKey::parse_flag("field:").is_err());
    }

    #[test]
    fn hashed_names_are_salted_sha256() {
        // SHA-256("abc") starts ba7816bf8f01cfea (FIPS 180-2, appendix B.1):
        // salt "a" then key "bc" is the same byte string.
        let out = KeyOutput::Hashed {
            salt: b"a".to_vec(),
        };
        assert_eq!(out.name(b"bc"), "ba7816bf8f01cfea");
        let other = KeyOutput::Hashed {
            salt: b"b".to_vec(),
        };
        assert_ne!(other.name(b"bc"), "ba7816bf8f01cfea");
        assert_eq!(
            KeyOutput::Raw.name(b"1.2.3.4 Agent\xff"),
            "1.2.3.4 Agent\u{fffd}"
        );
        assert_ne!(KeyOutput::random_salt(), KeyOutput::random_salt());
    }

    #[test]
    fn interner_numbers_in_order_of_first_appearance() {
        let mut i = Interner::default();
        assert_eq!(i.intern(b"b"), Some(0));
        assert_eq!(i.intern(b"a"), Some(1));
        assert_eq!(i.intern(b"b"), Some(0));
        assert_eq!(i.len(), 2);
        assert_eq!(
            i.into_keys(),
            vec![Box::from(&b"b"[..]), Box::from(&b"a"[..])]
        );
    }
}
