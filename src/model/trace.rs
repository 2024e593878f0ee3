//! Traces: per user, a time-ordered list of events, and the canonical CSV
//! (`user,time_ms,kind`) that carries them.
//!
//! Storage is compact: every event is one `u64` (time in the high bits, kind in
//! the low three), users' events lie back to back in one array. A loaded trace
//! costs 8 bytes an event plus the user names.

use std::collections::HashMap;
use std::fmt;
use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::duration::MAX_MS;
use super::error::{Diagnostic, Diagnostics, io_diagnostic};

/// What a user did. See SPEC section 2 for what each one means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    View = 0,
    Request = 1,
    Submit = 2,
    Input = 3,
    Activity = 4,
    Close = 5,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::View,
        EventKind::Request,
        EventKind::Submit,
        EventKind::Input,
        EventKind::Activity,
        EventKind::Close,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EventKind::View => "view",
            EventKind::Request => "request",
            EventKind::Submit => "submit",
            EventKind::Input => "input",
            EventKind::Activity => "activity",
            EventKind::Close => "close",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// Whether the event reaches the server as an HTTP request.
    pub fn reaches_server(self) -> bool {
        matches!(
            self,
            EventKind::View | EventKind::Request | EventKind::Submit
        )
    }

    /// Whether the user is at the keyboard when it happens (all but `close`).
    pub fn is_present(self) -> bool {
        self != EventKind::Close
    }

    /// The kind stored in an event's low 3 bits (6 and 7 are never written).
    /// A table, not a match: this runs once per event in the engine's loop.
    #[inline]
    fn from_bits(bits: u64) -> EventKind {
        const KINDS: [EventKind; 8] = [
            EventKind::View,
            EventKind::Request,
            EventKind::Submit,
            EventKind::Input,
            EventKind::Activity,
            EventKind::Close,
            EventKind::Close,
            EventKind::Close,
        ];
        KINDS[(bits & 7) as usize]
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One event packed into a `u64`: `time_ms << 3 | kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Event(u64);

impl Event {
    /// `time_ms` must be at most [`MAX_MS`].
    pub fn new(time_ms: u64, kind: EventKind) -> Self {
        debug_assert!(time_ms <= MAX_MS);
        Event(time_ms << 3 | kind as u64)
    }
    #[inline]
    pub fn time(self) -> u64 {
        self.0 >> 3
    }
    #[inline]
    pub fn kind(self) -> EventKind {
        EventKind::from_bits(self.0 & 7)
    }
    /// The kind as its number (`EventKind as u8`) straight from the packed
    /// bits, for the engine's branch-free path.
    #[inline]
    pub(crate) fn kind_code(self) -> u8 {
        (self.0 & 7) as u8
    }
}

/// Per user, the events in time order (equal times keep file order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    names: Vec<String>,
    /// `offsets[u]..offsets[u + 1]` are user `u`'s events.
    offsets: Vec<usize>,
    events: Vec<Event>,
}

impl Trace {
    /// Builds a trace from users' event lists; each list is stably sorted by time.
    pub fn from_users(users: impl IntoIterator<Item = (String, Vec<Event>)>) -> Trace {
        let mut builder = TraceBuilder::default();
        for (name, mut events) in users {
            events.sort_by_key(|e| e.time());
            builder.push_user(name, &events);
        }
        builder.finish()
    }

    pub fn num_users(&self) -> usize {
        self.names.len()
    }
    pub fn num_events(&self) -> usize {
        self.events.len()
    }
    pub fn user_name(&self, user: usize) -> &str {
        &self.names[user]
    }
    pub fn user_events(&self, user: usize) -> &[Event] {
        &self.events[self.offsets[user]..self.offsets[user + 1]]
    }
    pub fn users(&self) -> impl DoubleEndedIterator<Item = (&str, &[Event])> + ExactSizeIterator {
        (0..self.num_users()).map(|u| (self.user_name(u), self.user_events(u)))
    }
    /// The time of the last event, if any.
    pub fn end_time(&self) -> Option<u64> {
        (0..self.num_users())
            .filter_map(|u| self.user_events(u).last().map(|e| e.time()))
            .max()
    }
    /// Bytes held by the trace (events, offsets and names), for the memory report.
    pub fn heap_bytes(&self) -> usize {
        self.events.capacity() * std::mem::size_of::<Event>()
            + self.offsets.capacity() * std::mem::size_of::<usize>()
            + self
                .names
                .iter()
                .map(|n| n.capacity() + std::mem::size_of::<String>())
                .sum::<usize>()
    }

    /// Reads the canonical CSV. `source` names the input in error messages.
    pub fn read_csv(reader: impl Read, source: &Path) -> Result<Trace, Diagnostics> {
        read_csv(reader, source)
    }

    pub fn load(path: &Path) -> Result<Trace, Diagnostics> {
        if path.is_dir() {
            return Err(Diagnostic::in_file(path, "is a directory, not a trace file").into());
        }
        let file =
            std::fs::File::open(path).map_err(|e| io_diagnostic(path, "read the trace", &e))?;
        read_csv(std::io::BufReader::new(file), path)
    }

    /// Writes the canonical CSV, users in trace order, each in time order.
    pub fn write_csv(&self, writer: impl Write) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(writer);
        writeln!(out, "user,time_ms,kind")?;
        for (name, events) in self.users() {
            let name = csv_field(name);
            for e in events {
                writeln!(out, "{name},{},{}", e.time(), e.kind())?;
            }
        }
        out.flush()
    }
}

/// Quotes a CSV field when it needs it.
fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) || s.trim() != s {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// Appends users one at a time, then hands out the finished trace.
#[derive(Default)]
pub struct TraceBuilder {
    trace: Trace,
}

impl TraceBuilder {
    /// Room for `users` users and `events` events: pushing that many never
    /// moves the trace in memory.
    pub fn with_capacity(users: usize, events: usize) -> Self {
        let mut offsets = Vec::with_capacity(users + 1);
        offsets.push(0);
        TraceBuilder {
            trace: Trace {
                names: Vec::with_capacity(users),
                offsets,
                events: Vec::with_capacity(events),
            },
        }
    }

    /// `events` must already be in time order.
    pub fn push_user(&mut self, name: String, events: &[Event]) {
        if self.trace.offsets.is_empty() {
            self.trace.offsets.push(0);
        }
        debug_assert!(events.windows(2).all(|w| w[0].time() <= w[1].time()));
        self.trace.names.push(name);
        self.trace.events.extend_from_slice(events);
        self.trace.offsets.push(self.trace.events.len());
    }

    pub fn finish(mut self) -> Trace {
        if self.trace.offsets.is_empty() {
            self.trace.offsets.push(0);
        }
        self.trace.events.shrink_to_fit();
        self.trace
    }
}

const HEADER: [&str; 3] = ["user", "time_ms", "kind"];

fn read_csv(reader: impl Read, source: &Path) -> Result<Trace, Diagnostics> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let err_at = |line: u64, column: Option<usize>, msg: String| -> Diagnostics {
        Diagnostic::in_file(source, msg)
            .at(line as usize, column)
            .into()
    };

    let read = |csv: &mut csv::Reader<_>, record: &mut csv::ByteRecord| {
        csv.read_byte_record(record).map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            let msg = match e.kind() {
                csv::ErrorKind::Io(io) => format!("cannot read the trace: {io}"),
                _ => format!("malformed CSV: {e}"),
            };
            err_at(line.max(1), None, msg)
        })
    };

    if !read(&mut csv, &mut record)? {
        return Err(Diagnostic::in_file(
            source,
            "empty file: expected the header `user,time_ms,kind`",
        )
        .at(1, Some(1))
        .into());
    }
    let header: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .collect();
    if header != HEADER {
        let mut found = header.join(",");
        if found.chars().count() > 60 {
            found = found.chars().take(57).collect::<String>() + "...";
        }
        return Err(err_at(
            1,
            Some(1),
            format!("expected the header `user,time_ms,kind`, found `{found}`"),
        ));
    }

    let mut index: HashMap<String, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut owners: Vec<u32> = Vec::new();
    let mut events: Vec<Event> = Vec::new();

    let max_line = super::limits::limits().max_line_bytes;
    while read(&mut csv, &mut record)? {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.as_slice().len() as u64 > max_line {
            return Err(err_at(
                line,
                Some(1),
                format!(
                    "line longer than {}: not a trace line (raise with --max-line-length)",
                    super::limits::human_bytes(max_line)
                ),
            ));
        }
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim_ascii().is_empty()) {
            continue; // a blank line
        }
        let column = |field: usize| -> Option<usize> {
            // Fields are unquoted in canonical files: column = preceding bytes + commas + 1.
            let before: usize = (0..field).map(|i| record[i].len() + 1).sum();
            Some(before + 1)
        };
        if record.len() != 3 {
            let what = if record.len() < 3 {
                "missing field"
            } else {
                "too many fields"
            };
            return Err(err_at(
                line,
                column(record.len().min(3) - 1),
                format!(
                    "{what}: expected 3 (user,time_ms,kind), found {}",
                    record.len()
                ),
            ));
        }
        let text = |i: usize| -> Result<&str, Diagnostics> {
            std::str::from_utf8(&record[i])
                .map(str::trim)
                .map_err(|_| err_at(line, column(i), "text is not valid UTF-8".into()))
        };
        let user = text(0)?;
        if user.is_empty() {
            return Err(err_at(line, column(0), "missing user".into()));
        }
        let time = parse_time(text(1)?).map_err(|msg| err_at(line, column(1), msg))?;
        let kind_text = text(2)?;
        let kind = EventKind::parse(kind_text).ok_or_else(|| {
            err_at(
                line,
                column(2),
                format!(
                    "unknown event kind {kind_text:?} (expected view, request, submit, input, activity or close)"
                ),
            )
        })?;
        let owner = match index.get(user) {
            Some(&u) => u,
            None => {
                let u = u32::try_from(names.len())
                    .map_err(|_| err_at(line, column(0), "too many users".into()))?;
                index.insert(user.to_string(), u);
                names.push(user.to_string());
                u
            }
        };
        owners.push(owner);
        events.push(Event::new(time, kind));
    }
    drop(index);
    Ok(group_by_user(names, &owners, &events))
}

fn parse_time(text: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Err("missing time_ms".into());
    }
    if text.starts_with('-') {
        return Err(format!(
            "negative time {text:?}: times count ms from the scenario start"
        ));
    }
    let ms: u64 = text
        .parse()
        .map_err(|_| format!("time {text:?} is not a whole number of milliseconds"))?;
    if ms > MAX_MS {
        return Err(format!("time {text} is too large (at most {MAX_MS} ms)"));
    }
    Ok(ms)
}

/// Counting sort of the events into per-user runs, then a stable sort by time.
fn group_by_user(names: Vec<String>, owners: &[u32], events: &[Event]) -> Trace {
    let mut offsets = vec![0usize; names.len() + 1];
    for &o in owners {
        offsets[o as usize + 1] += 1;
    }
    for u in 0..names.len() {
        offsets[u + 1] += offsets[u];
    }
    let mut cursor = offsets.clone();
    let mut grouped = vec![Event(0); events.len()];
    for (&o, &e) in owners.iter().zip(events) {
        grouped[cursor[o as usize]] = e;
        cursor[o as usize] += 1;
    }
    for u in 0..names.len() {
        grouped[offsets[u]..offsets[u + 1]].sort_by_key(|e| e.time());
    }
    Trace {
        names,
        offsets,
        events: grouped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Trace, Diagnostics> {
        Trace::read_csv(text.as_bytes(), Path::new("t.csv"))
    }

    #[test]
    fn groups_users_and_sorts_stably() {
        let t = parse("user,time_ms,kind\nb,5,view\na,10,input\nb,1,view\na,10,submit\na,3,view\n")
            .expect("valid");
        assert_eq!(t.num_users(), 2);
        assert_eq!(t.user_name(0), "b");
        let b: Vec<_> = t.user_events(0).iter().map(|e| e.time()).collect();
        assert_eq!(b, [1, 5]);
        let a: Vec<_> = t
            .user_events(1)
            .iter()
            .map(|e| (e.time(), e.kind()))
            .collect();
        assert_eq!(
            a,
            [
                (3, EventKind::View),
                (10, EventKind::Input),
                (10, EventKind::Submit)
            ]
        );
    }

    #[test]
    fn names_line_and_column_of_errors() {
        let e = parse("user,time_ms,kind\na,1,view\na,2,clik\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.csv:3:5: unknown event kind \"clik\" (expected view, request, submit, input, activity or close)"
        );
        let e = parse("user,time_ms,kind\na,-4,view\n").unwrap_err();
        assert!(e.to_string().starts_with("t.csv:2:3: negative time"), "{e}");
        let e = parse("user,time_ms,kind\na,1.5,view\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("t.csv:2:3: time \"1.5\" is not a whole"),
            "{e}"
        );
        let e = parse("user,time_ms,kind\na,1\n").unwrap_err();
        assert!(e.to_string().starts_with("t.csv:2:3: missing field"), "{e}");
        let e = parse("").unwrap_err();
        assert!(e.to_string().starts_with("t.csv:1:1: empty file"), "{e}");
        let e = parse("user,time,kind\n").unwrap_err();
        assert!(
            e.to_string().starts_with("t.csv:1:1: expected the header"),
            "{e}"
        );
    }

    #[test]
    fn writes_what_it_reads() {
        let text = "user,time_ms,kind\nb,1,view\nb,5,close\n\"a,x\",3,input\n";
        let t = parse(text).expect("valid");
        let mut out = Vec::new();
        t.write_csv(&mut out).expect("write");
        assert_eq!(String::from_utf8(out).expect("utf8"), text);
    }
}
