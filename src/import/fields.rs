//! The two self-describing formats, `csv` and `jsonl`. Both name their fields:
//!
//! | field | required | meaning |
//! |---|---|---|
//! | `time` | yes | ISO 8601 with an offset (`2015-05-17T10:05:03+02:00`), the CLF date (`17/May/2015:10:05:03 +0200`) or Unix seconds (`1431857103.25`) |
//! | `method`, `path` | yes, or `request` | the HTTP method and target (path and query) |
//! | `request` | instead of the two above | the request line, `GET /path HTTP/1.1` |
//! | `addr` | for the default user keys | the client address |
//! | `agent` | no | the user agent (crawler filtering and the default user key need it) |
//! | `status` | no | the HTTP status, 100-599 |
//! | `xhr` | no | `true`/`1`/`XMLHttpRequest` when a script on the page sent the request |
//! | `tab` | no | the browser tab, a whole number 0-255, where a team's own analytics record it |
//!
//! Other fields are ignored, unless `--user-key field:NAME` picks one.

use super::clf::{parse_status, split_request};
use super::record::{Record, Shape};
use super::time::{Stamp, parse_any, parse_unix_seconds};

/// Which fields the import needs beyond the fixed ones.
#[derive(Clone, Debug, Default)]
pub struct Wanted {
    /// The user key is built from the client address.
    pub addr: bool,
    /// `--user-key field:NAME`.
    pub key_field: Option<String>,
}

/// `xhr` values: the JSON booleans, 1/0, yes/no, or the header's own value.
fn parse_xhr(text: &[u8]) -> Result<bool, String> {
    let t = text.trim_ascii();
    for yes in ["true", "1", "yes", "xmlhttprequest"] {
        if t.eq_ignore_ascii_case(yes.as_bytes()) {
            return Ok(true);
        }
    }
    for no in ["false", "0", "no", ""] {
        if t.eq_ignore_ascii_case(no.as_bytes()) {
            return Ok(false);
        }
    }
    Err(format!(
        "bad xhr value {:?}: expected true or false",
        String::from_utf8_lossy(text)
    ))
}

/// `tab` values: a whole number 0-255 (SPEC section 2); empty is tab 0.
fn parse_tab(text: &[u8]) -> Result<u8, String> {
    let t = text.trim_ascii();
    if t.is_empty() {
        return Ok(0);
    }
    std::str::from_utf8(t)
        .ok()
        .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse::<u8>().ok())
        .ok_or_else(|| {
            format!(
                "bad tab {:?}: expected a whole number 0-255",
                String::from_utf8_lossy(text)
            )
        })
}

fn parse_time_bytes(text: &[u8]) -> Result<Stamp, String> {
    let text = std::str::from_utf8(text).map_err(|_| "bad date: not valid UTF-8".to_string())?;
    if text.trim().is_empty() {
        return Err("missing time".into());
    }
    parse_any(text).map_err(str::to_string)
}

// ---------------------------------------------------------------------------
// CSV

/// Column positions, from the header.
#[derive(Clone, Debug)]
struct Columns {
    count: usize,
    time: usize,
    method_path: Option<(usize, usize)>,
    request: Option<usize>,
    addr: Option<usize>,
    agent: Option<usize>,
    status: Option<usize>,
    xhr: Option<usize>,
    tab: Option<usize>,
    key: Option<usize>,
}

/// A CSV log: a header naming the columns, then one request a line (RFC 4180
/// quoting, but no line breaks inside fields: one record is one line).
pub struct CsvLog {
    columns: Columns,
    /// The current line's fields, unquoted, back to back.
    buf: Vec<u8>,
    spans: Vec<(usize, usize)>,
    /// Where each field starts in the line (bytes from 0), for messages.
    starts: Vec<usize>,
    /// The column (1-based) of the last line's problem, when one field is to blame.
    error_column: Option<usize>,
}

impl CsvLog {
    /// Reads the header line; a missing required column is a problem of the
    /// whole file, reported at line 1.
    pub fn from_header(line: &[u8], wanted: &Wanted) -> Result<CsvLog, String> {
        let mut buf = Vec::new();
        let mut spans = Vec::new();
        let mut starts = Vec::new();
        split_csv(line, &mut buf, &mut spans, &mut starts)?;
        let names: Vec<String> = spans
            .iter()
            .map(|&(a, b)| String::from_utf8_lossy(&buf[a..b]).trim().to_string())
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let missing = |what: &str| {
            format!(
                "the CSV header ({}) has no `{what}` column",
                names.join(",")
            )
        };
        let time = find("time").ok_or_else(|| missing("time"))?;
        let method_path = find("method").zip(find("path"));
        let request = find("request");
        if method_path.is_none() && request.is_none() {
            return Err(missing("method` and `path` (or `request`)"));
        }
        let addr = find("addr");
        if wanted.addr && addr.is_none() {
            return Err(missing("addr"));
        }
        let key = match &wanted.key_field {
            Some(name) => Some(find(name).ok_or_else(|| missing(name))?),
            None => None,
        };
        Ok(CsvLog {
            columns: Columns {
                count: names.len(),
                time,
                method_path,
                request,
                addr,
                agent: find("agent"),
                status: find("status"),
                xhr: find("xhr"),
                tab: find("tab"),
                key,
            },
            buf,
            spans,
            starts,
            error_column: None,
        })
    }

    /// The column (1-based, in bytes) of the field that made the last
    /// [`CsvLog::parse`] fail, when it was one field's value.
    pub fn error_column(&self) -> Option<usize> {
        self.error_column
    }

    pub fn parse(&mut self, line: &[u8]) -> Result<Record<'_>, String> {
        self.error_column = None;
        split_csv(line, &mut self.buf, &mut self.spans, &mut self.starts)?;
        let c = &self.columns;
        if self.spans.len() != c.count {
            return Err(format!(
                "expected {} fields (as in the header), found {}",
                c.count,
                self.spans.len()
            ));
        }
        let (buf, spans) = (&self.buf, &self.spans);
        let field = |i: usize| &buf[spans[i].0..spans[i].1];
        let stamp = parse_time_bytes(field(c.time))?;
        let (method, target) = match c.method_path {
            Some((m, p)) => (field(m).trim_ascii(), field(p).trim_ascii()),
            None => split_request(c.request.map(field).unwrap_or_default()),
        };
        let status = match c.status.map(field).map(<[u8]>::trim_ascii) {
            None | Some(b"") => None,
            Some(s) => Some(parse_status(s)?),
        };
        let xhr = match c.xhr {
            Some(i) => parse_xhr(field(i))?,
            None => false,
        };
        let tab = match c.tab {
            Some(i) => parse_tab(field(i)).inspect_err(|_| {
                self.error_column = Some(self.starts[i] + 1);
            })?,
            None => 0,
        };
        Ok(Record {
            stamp,
            addr: c.addr.map(field).unwrap_or_default().trim_ascii(),
            method,
            target,
            status,
            agent: c.agent.map(field),
            xhr,
            key_field: c.key.map(field).map(<[u8]>::trim_ascii),
            tab,
            shape: Shape::Csv,
        })
    }
}

/// Splits one CSV line into `buf` (fields unquoted, back to back) and `spans`.
fn split_csv(
    line: &[u8],
    buf: &mut Vec<u8>,
    spans: &mut Vec<(usize, usize)>,
    starts: &mut Vec<usize>,
) -> Result<(), String> {
    buf.clear();
    spans.clear();
    starts.clear();
    let mut i = 0;
    loop {
        let start = buf.len();
        starts.push(i);
        if line.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match line.get(i) {
                    None => {
                        return Err("truncated line: a quoted field has no closing quote".into());
                    }
                    Some(b'"') if line.get(i + 1) == Some(&b'"') => {
                        buf.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(&b) => {
                        buf.push(b);
                        i += 1;
                    }
                }
            }
            if !matches!(line.get(i), None | Some(b',')) {
                return Err(
                    "text after a closing quote: write a quote inside a field as \"\"".into(),
                );
            }
        } else {
            let end = memchr::memchr(b',', &line[i..]).map_or(line.len(), |n| i + n);
            buf.extend_from_slice(&line[i..end]);
            i = end;
        }
        spans.push((start, buf.len()));
        if i >= line.len() {
            return Ok(());
        }
        i += 1; // the comma
    }
}

// ---------------------------------------------------------------------------
// JSON lines

/// JSON lines: one object a line, with the fields above.
pub struct JsonlLog {
    wanted: Wanted,
    value: serde_json::Map<String, serde_json::Value>,
    /// Texts that are numbers in the JSON (status, a numeric key).
    key_text: String,
    /// The column (1-based) of the last line's problem, when one field is to blame.
    error_column: Option<usize>,
}

impl JsonlLog {
    pub fn new(wanted: &Wanted) -> JsonlLog {
        JsonlLog {
            wanted: wanted.clone(),
            value: serde_json::Map::new(),
            key_text: String::new(),
            error_column: None,
        }
    }

    /// The column (1-based, in bytes) of the field that made the last
    /// [`JsonlLog::parse`] fail, when it was one field's value.
    pub fn error_column(&self) -> Option<usize> {
        self.error_column
    }

    pub fn parse(&mut self, line: &[u8]) -> Result<Record<'_>, String> {
        self.error_column = None;
        let text = std::str::from_utf8(line).map_err(|e| {
            format!(
                "not valid UTF-8 at byte {} (JSON text must be UTF-8)",
                e.valid_up_to() + 1
            )
        })?;
        self.value = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) => return Err("expected a JSON object {...}".into()),
            Err(e) if e.is_eof() => return Err(format!("truncated line: {}", json_error(&e))),
            Err(e) => return Err(format!("invalid JSON: {}", json_error(&e))),
        };
        let v = &self.value;
        let text_of = |name: &str| -> Result<Option<&str>, String> {
            match v.get(name) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s)),
                Some(other) => Err(format!("field `{name}` must be a string, found {other}")),
            }
        };
        let stamp = match v.get("time") {
            None | Some(serde_json::Value::Null) => return Err("missing field `time`".into()),
            Some(serde_json::Value::String(s)) => parse_time_bytes(s.as_bytes())?,
            Some(serde_json::Value::Number(n)) => {
                parse_unix_seconds(&n.to_string()).map_err(str::to_string)?
            }
            Some(other) => {
                return Err(format!(
                    "field `time` must be a string or a number, found {other}"
                ));
            }
        };
        let (method, target) = match (text_of("method")?, text_of("path")?) {
            (Some(m), Some(p)) => (m.as_bytes(), p.as_bytes()),
            _ => match text_of("request")? {
                Some(r) => split_request(r.as_bytes()),
                None => return Err("missing fields `method` and `path` (or `request`)".into()),
            },
        };
        let addr = text_of("addr")?;
        if self.wanted.addr && addr.is_none() {
            return Err("missing field `addr`".into());
        }
        let status = match v.get("status") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::Number(n)) => Some(parse_status(n.to_string().as_bytes())?),
            Some(serde_json::Value::String(s)) => Some(parse_status(s.as_bytes())?),
            Some(other) => {
                return Err(format!(
                    "bad status {other}: expected a three-digit HTTP status (100-599)"
                ));
            }
        };
        let xhr = match v.get("xhr") {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::String(s)) => parse_xhr(s.as_bytes())?,
            Some(serde_json::Value::Number(n)) => parse_xhr(n.to_string().as_bytes())?,
            Some(other) => return Err(format!("bad xhr value {other}: expected true or false")),
        };
        let tab = match v.get("tab") {
            None | Some(serde_json::Value::Null) => Ok(0),
            Some(serde_json::Value::Number(n)) => parse_tab(n.to_string().as_bytes()),
            Some(serde_json::Value::String(s)) => parse_tab(s.as_bytes()),
            Some(other) => Err(format!("bad tab {other}: expected a whole number 0-255")),
        };
        let tab = match tab {
            Ok(tab) => tab,
            Err(message) => {
                self.error_column = json_field_column(text, "tab");
                return Err(message);
            }
        };
        self.key_text.clear();
        let mut has_key = false;
        if let Some(name) = &self.wanted.key_field {
            match v.get(name) {
                None | Some(serde_json::Value::Null) => {}
                Some(serde_json::Value::String(s)) => {
                    self.key_text.push_str(s.trim());
                    has_key = true;
                }
                Some(other) => {
                    self.key_text.push_str(&other.to_string());
                    has_key = true;
                }
            }
        }
        Ok(Record {
            stamp,
            addr: addr.unwrap_or_default().trim().as_bytes(),
            method,
            target,
            status,
            agent: text_of("agent")?.map(str::as_bytes),
            xhr,
            key_field: has_key.then_some(self.key_text.as_bytes()),
            tab,
            shape: Shape::Jsonl,
        })
    }
}

/// The column (1-based, in bytes) where the value of the top-level field
/// `name` starts in `text` (serde_json keeps no positions): after the key's
/// colon and any spaces.
fn json_field_column(text: &str, name: &str) -> Option<usize> {
    let key = format!("\"{name}\"");
    let mut from = 0;
    while let Some(at) = text[from..].find(&key) {
        let after = from + at + key.len();
        let rest = text[after..].trim_start();
        if let Some(value) = rest.strip_prefix(':') {
            let value = value.trim_start();
            return Some(text.len() - value.len() + 1);
        }
        from = after;
    }
    None
}

/// serde_json's message without "at line 1" (the log's line is named already).
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => format!("{} (column {})", &text[..at], e.column()),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr_wanted() -> Wanted {
        Wanted {
            addr: true,
            key_field: None,
        }
    }

    #[test]
    fn csv_fields_follow_the_header() {
        let mut log =
            CsvLog::from_header(b"time,addr,method,path,status,agent,xhr", &addr_wanted())
                .expect("header");
        let r = log
            .parse(br#"2015-05-17T10:05:03Z,10.0.0.1,POST,/form?x=1,303,"Mozilla/5.0 (X11; ""quoted"")",false"#)
            .expect("valid");
        assert_eq!(r.stamp.utc_ms, 1_431_857_103_000);
        assert_eq!(
            (r.addr, r.method, r.target),
            (&b"10.0.0.1"[..], &b"POST"[..], &b"/form?x=1"[..])
        );
        assert_eq!(r.status, Some(303));
        assert_eq!(r.agent, Some(&br#"Mozilla/5.0 (X11; "quoted")"#[..]));
        assert!(!r.xhr);
    }

    #[test]
    fn csv_problems() {
        let e = CsvLog::from_header(b"when,addr,method,path", &addr_wanted()).err();
        assert_eq!(
            e.as_deref(),
            Some("the CSV header (when,addr,method,path) has no `time` column")
        );
        let e = CsvLog::from_header(b"time,method,path", &addr_wanted()).err();
        assert!(e.is_some_and(|e| e.contains("`addr`")));
        let mut log =
            CsvLog::from_header(b"time,addr,request,status", &addr_wanted()).expect("header");
        let r = log
            .parse(b"1431857103,1.2.3.4,GET /x HTTP/1.1,")
            .expect("valid");
        assert_eq!(
            (r.method, r.target, r.status),
            (&b"GET"[..], &b"/x"[..], None)
        );
        for (line, want) in [
            (
                &b"1431857103,1.2.3.4,GET /x HTTP/1.1"[..],
                "expected 4 fields",
            ),
            (b"1431857103,1.2.3.4,GET /x HTTP/1.1,2000", "bad status"),
            (
                b"31/Apr/2015:10:05:03 +0000,1.2.3.4,GET /x,200",
                "no such day",
            ),
            (b"1431857103,\"1.2.3.4,GET /x,200", "no closing quote"),
        ] {
            let e = log.parse(line).err().unwrap_or_default();
            assert!(e.contains(want), "{}: {e}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn jsonl_fields_and_types() {
        let mut log = JsonlLog::new(&Wanted {
            addr: false,
            key_field: Some("session".into()),
        });
        let r = log
            .parse(br#"{"time": 1431857103.5, "request": "GET /api/x HTTP/1.1", "status": "200", "xhr": "XMLHttpRequest", "session": 42}"#)
            .expect("valid");
        assert_eq!(r.stamp.utc_ms, 1_431_857_103_500);
        assert_eq!((r.method, r.target), (&b"GET"[..], &b"/api/x"[..]));
        assert_eq!((r.status, r.xhr), (Some(200), true));
        assert_eq!(r.key_field, Some(&b"42"[..]));
        assert_eq!(r.agent, None);
        for (line, want) in [
            (
                &br#"{"time": "2015-05-17T10:05:03Z", "method": "GET""#[..],
                "truncated line",
            ),
            (br#"["time"]"#, "expected a JSON object"),
            (br#"{"method": "GET", "path": "/"}"#, "missing field `time`"),
            (
                br#"{"time": "2015-02-30T10:05:03Z", "method": "GET", "path": "/"}"#,
                "no such day",
            ),
            (
                br#"{"time": 1431857103, "method": "GET", "path": "/", "status": 99}"#,
                "bad status",
            ),
            (
                b"{\"time\": 1431857103, \"method\": \"GET\", \"path\": \"/\xff\"}",
                "not valid UTF-8 at byte 49",
            ),
        ] {
            let e = log.parse(line).err().unwrap_or_default();
            assert!(e.contains(want), "{}: {e}", String::from_utf8_lossy(line));
        }
    }
}
