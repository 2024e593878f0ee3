//! The Common Log Format and its "combined" extension, as Apache and nginx
//! write them:
//!
//! ```text
//! addr ident user [dd/Mon/yyyy:HH:MM:SS +hhmm] "METHOD target PROTO" status size "referer" "agent"
//! ```
//!
//! A hand-written byte parser: it is the hot loop of an import (see
//! `benches/import.rs`), and it never needs the line to be UTF-8.

use memchr::memchr;

use super::record::{Record, Shape};
use super::time::parse_clf;

/// Which of the two shapes a line must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Combined,
    Common,
    /// Either, decided line by line.
    Either,
}

/// Parses one line (without its line break).
pub fn parse(line: &[u8], expect: Expect) -> Result<Record<'_>, String> {
    let mut cur = Cursor { rest: line };
    let addr = cur.token().ok_or("truncated line: no client address")?;
    // ident and authuser: present but not used.
    cur.token().ok_or("truncated line: no identity field")?;
    cur.token().ok_or("truncated line: no user field")?;
    let date = cur.bracketed()?;
    let stamp = parse_clf(date)?;
    let request = cur
        .quoted()
        .map_err(|e| e.describe("the request", "truncated line: no request"))?;
    let status = cur.token().ok_or("truncated line: no status")?;
    let status = parse_status(status)?;
    let size = cur.token().ok_or("truncated line: no size")?;
    if size != b"-" && !size.iter().all(u8::is_ascii_digit) {
        return Err(format!(
            "bad size {:?}: expected a number of bytes or -",
            String::from_utf8_lossy(size)
        ));
    }
    let (method, target) = split_request(request);
    let mut record = Record {
        stamp,
        addr,
        method,
        target,
        status: Some(status),
        agent: None,
        xhr: false,
        key_field: None,
        tab: 0,
        shape: Shape::Common,
    };
    if cur.rest.is_empty() {
        return match expect {
            Expect::Combined => {
                Err("truncated line: no referer and user agent (not a combined log line)".into())
            }
            _ => Ok(record),
        };
    }
    if expect == Expect::Common {
        return Err(
            "unexpected text after the size (a combined log line? try --format combined)".into(),
        );
    }
    cur.quoted()
        .map_err(|e| e.describe("the referer", "truncated line: no user agent"))?;
    let agent = cur.quoted().map_err(|e| {
        e.describe(
            "the user agent",
            "truncated line: no user agent after the referer",
        )
    })?;
    // Anything after the agent (cookies, timings, virtual host) is allowed and ignored.
    record.agent = Some(agent);
    record.shape = Shape::Combined;
    Ok(record)
}

/// A three-digit HTTP status, 100 to 599.
pub fn parse_status(text: &[u8]) -> Result<u16, String> {
    match text {
        [a @ b'1'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9'] => {
            Ok(u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'))
        }
        _ => Err(format!(
            "bad status {:?}: expected a three-digit HTTP status (100-599)",
            String::from_utf8_lossy(text)
        )),
    }
}

/// `GET /path HTTP/1.1` into method and target; `-` (no request) gives empty ones.
pub fn split_request(request: &[u8]) -> (&[u8], &[u8]) {
    let mut parts = request.split(|&b| b == b' ').filter(|p| !p.is_empty());
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    (method, target)
}

enum QuoteError {
    Missing,
    Unterminated,
}

impl QuoteError {
    fn describe(&self, what: &str, missing: &str) -> String {
        match self {
            QuoteError::Missing => missing.to_string(),
            QuoteError::Unterminated => format!("truncated line: {what} has no closing quote"),
        }
    }
}

struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn skip_spaces(&mut self) {
        let n = self.rest.iter().take_while(|&&b| b == b' ').count();
        self.rest = &self.rest[n..];
    }

    /// The next run of non-space bytes.
    fn token(&mut self) -> Option<&'a [u8]> {
        self.skip_spaces();
        let end = memchr(b' ', self.rest).unwrap_or(self.rest.len());
        if end == 0 {
            return None;
        }
        let (token, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(token)
    }

    /// `[...]`, its content without the brackets.
    fn bracketed(&mut self) -> Result<&'a [u8], &'static str> {
        self.skip_spaces();
        let inner = self
            .rest
            .strip_prefix(b"[")
            .ok_or("bad date: expected [dd/Mon/yyyy:HH:MM:SS +hhmm]")?;
        let end = memchr(b']', inner).ok_or("truncated line: the date has no closing ]")?;
        self.rest = &inner[end + 1..];
        Ok(&inner[..end])
    }

    /// `"..."`, its content with escapes (`\"`, `\\`) left as written.
    fn quoted(&mut self) -> Result<&'a [u8], QuoteError> {
        self.skip_spaces();
        let inner = self.rest.strip_prefix(b"\"").ok_or(QuoteError::Missing)?;
        let mut from = 0;
        loop {
            let at = from + memchr(b'"', &inner[from..]).ok_or(QuoteError::Unterminated)?;
            if escaped(&inner[..at]) {
                from = at + 1;
                continue;
            }
            self.rest = &inner[at + 1..];
            return Ok(&inner[..at]);
        }
    }
}

/// Whether a quote right after `before` is escaped: an odd run of backslashes.
fn escaped(before: &[u8]) -> bool {
    before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMBINED: &[u8] = br#"83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh)""#;

    #[test]
    fn reads_a_combined_line() {
        let r = parse(COMBINED, Expect::Either).expect("valid");
        assert_eq!(r.addr, b"83.149.9.216");
        assert_eq!(r.method, b"GET");
        assert_eq!(
            r.target,
            b"/presentations/logstash-monitorama-2013/images/kibana-search.png"
        );
        assert_eq!(r.status, Some(200));
        assert_eq!(r.agent, Some(&b"Mozilla/5.0 (Macintosh)"[..]));
        assert_eq!(r.stamp.utc_ms, 1_431_857_103_000);
        assert_eq!(r.shape, Shape::Combined);
        assert!(parse(COMBINED, Expect::Common).is_err());
    }

    #[test]
    fn reads_a_common_line_and_extra_fields() {
        let line =
            br#"10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 -"#;
        let r = parse(line, Expect::Either).expect("valid");
        assert_eq!((r.shape, r.agent), (Shape::Common, None));
        assert_eq!(r.stamp.offset_min, -420);
        assert!(parse(line, Expect::Combined).is_err());
        let extra = [COMBINED, b" \"sid=abc\" 0.023"].concat();
        let r = parse(&extra, Expect::Combined).expect("extra fields are allowed");
        assert_eq!(r.agent, Some(&b"Mozilla/5.0 (Macintosh)"[..]));
    }

    #[test]
    fn escaped_quotes_stay_inside_fields() {
        let line = br#"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /a\"b HTTP/1.1" 200 5 "-" "Agent \"quoted\" \\""#;
        let r = parse(line, Expect::Either).expect("valid");
        assert_eq!(r.target, br#"/a\"b"#);
        assert_eq!(r.agent, Some(&br#"Agent \"quoted\" \\"#[..]));
    }

    #[test]
    fn names_what_is_wrong() {
        let cases: [(&[u8], &str); 7] = [
            (b"83.149.9.216 - - [17/May/2015:10:0", "truncated line"),
            (
                br#"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 2x0 5"#,
                "bad status \"2x0\"",
            ),
            (
                br#"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 700 5"#,
                "bad status \"700\"",
            ),
            (
                br#"1.2.3.4 - - [32/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5"#,
                "bad date",
            ),
            (
                br#"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla"#,
                "the user agent has no closing quote",
            ),
            (
                br#"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1"#,
                "the request has no closing quote",
            ),
            (b"", "no client address"),
        ];
        for (line, want) in cases {
            let e = parse(line, Expect::Either).err().unwrap_or_default();
            assert!(e.contains(want), "{}: {e}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn requests_without_a_target() {
        assert_eq!(split_request(b"-"), (&b"-"[..], &b""[..]));
        assert_eq!(split_request(b"GET /x"), (&b"GET"[..], &b"/x"[..]));
    }
}
