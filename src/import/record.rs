//! One log line, parsed: the fields an import needs, borrowed from the line.

use super::time::Stamp;

/// Which format a line was read as (the summary reports the mix).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    Combined,
    Common,
    Csv,
    Jsonl,
}

impl Shape {
    pub const ALL: [Shape; 4] = [Shape::Combined, Shape::Common, Shape::Csv, Shape::Jsonl];

    pub fn name(self) -> &'static str {
        match self {
            Shape::Combined => "combined",
            Shape::Common => "common",
            Shape::Csv => "csv",
            Shape::Jsonl => "jsonl",
        }
    }
}

/// What a line says about one HTTP request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    pub stamp: Stamp,
    /// The client address.
    pub addr: &'a [u8],
    /// `GET`, `POST`, ... (empty when the log has no request, `-`).
    pub method: &'a [u8],
    /// The request target: path and query.
    pub target: &'a [u8],
    pub status: Option<u16>,
    /// The user agent; `None` when the format does not carry one.
    pub agent: Option<&'a [u8]>,
    /// Sent by a script on the page (`X-Requested-With: XMLHttpRequest`).
    pub xhr: bool,
    /// The value of the field named by `--user-key field:NAME`, if present.
    pub key_field: Option<&'a [u8]>,
    /// The browser tab (0-255) where a team's own analytics record it
    /// (`tab` of a csv or jsonl log); 0 otherwise.
    pub tab: u8,
    pub shape: Shape,
}

impl Record<'_> {
    /// The target's path: the query and fragment cut off, and a proxy-style
    /// absolute URL (`http://host/path`) reduced to its path.
    pub fn path(&self) -> &[u8] {
        let mut t = self.target;
        for scheme in [&b"http://"[..], b"https://"] {
            if t.len() > scheme.len() && t[..scheme.len()].eq_ignore_ascii_case(scheme) {
                let after = &t[scheme.len()..];
                t = memchr::memchr(b'/', after).map_or(&b"/"[..], |i| &after[i..]);
                break;
            }
        }
        let end = memchr::memchr2(b'?', b'#', t).unwrap_or(t.len());
        &t[..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_target(target: &[u8]) -> Record<'_> {
        Record {
            stamp: Stamp {
                utc_ms: 0,
                offset_min: 0,
            },
            addr: b"",
            method: b"GET",
            target,
            status: None,
            agent: None,
            xhr: false,
            key_field: None,
            tab: 0,
            shape: Shape::Common,
        }
    }

    #[test]
    fn path_drops_query_and_host() {
        assert_eq!(with_target(b"/a/b.css?v=3").path(), b"/a/b.css");
        assert_eq!(with_target(b"/page#top").path(), b"/page");
        assert_eq!(with_target(b"http://example.com/x.js?y").path(), b"/x.js");
        assert_eq!(with_target(b"HTTPS://example.com").path(), b"/");
        assert_eq!(with_target(b"").path(), b"");
    }
}
