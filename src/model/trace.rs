//! Traces: per user, a time-ordered list of events, and the canonical CSV
//! (`user,time_ms,kind` or `user,time_ms,kind,tab`) that carries them.
//!
//! Storage is compact: every event is one `u64` (time in the high bits, then
//! the tab's eight bits, kind in the low three), users' events lie back to back
//! in one array. A loaded trace costs 8 bytes an event plus the user names.
//!
//! Reading is [`fast`]'s job (parallel, streaming, gzip too); [`simple`] is
//! the one-record-at-a-time reader it must always agree with.

mod batch;
mod fast;
mod progress;
mod simple;
mod stats;

pub use batch::UserBatch;
pub use progress::LoadProgress;
pub use stats::{TabsAndSleep, sleep_spans};

use std::fmt;
use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::duration::MAX_MS;
use super::error::Diagnostics;

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
    /// The device suspends (lid closed): no page script runs until `Wake`.
    Sleep = 6,
    /// The device resumes.
    Wake = 7,
}

impl EventKind {
    pub const ALL: [EventKind; 8] = [
        EventKind::View,
        EventKind::Request,
        EventKind::Submit,
        EventKind::Input,
        EventKind::Activity,
        EventKind::Close,
        EventKind::Sleep,
        EventKind::Wake,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EventKind::View => "view",
            EventKind::Request => "request",
            EventKind::Submit => "submit",
            EventKind::Input => "input",
            EventKind::Activity => "activity",
            EventKind::Close => "close",
            EventKind::Sleep => "sleep",
            EventKind::Wake => "wake",
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

    /// Whether the user is at the keyboard when it happens (all but `close`,
    /// `sleep` and `wake`).
    pub fn is_present(self) -> bool {
        !matches!(self, EventKind::Close | EventKind::Sleep | EventKind::Wake)
    }

    /// Whether it acts on the device rather than on a tab's page.
    pub fn is_device(self) -> bool {
        matches!(self, EventKind::Sleep | EventKind::Wake)
    }

    /// The kind stored in an event's low 3 bits.
    /// A table, not a match: this runs once per event in the engine's loop.
    #[inline]
    fn from_bits(bits: u64) -> EventKind {
        EventKind::ALL[(bits & 7) as usize]
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One event packed into a `u64`: `time_ms << 11 | tab << 3 | kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Event(u64);

/// Bits of a packed event below its time: the tab and the kind.
const TIME_SHIFT: u32 = 11;
/// The bits that make an event something the single-tab engine cannot replay:
/// any tab but 0, and the kinds `sleep` (110) and `wake` (111).
const TAB_BITS: u64 = 0xff << 3;

impl Event {
    /// An event in tab 0. `time_ms` must be at most [`MAX_MS`].
    pub fn new(time_ms: u64, kind: EventKind) -> Self {
        Event::with_tab(time_ms, kind, 0)
    }
    /// An event in tab `tab` (ignored, and stored as 0, for `sleep` and `wake`).
    pub fn with_tab(time_ms: u64, kind: EventKind, tab: u8) -> Self {
        debug_assert!(time_ms <= MAX_MS);
        let tab = if kind.is_device() { 0 } else { u64::from(tab) };
        Event(time_ms << TIME_SHIFT | tab << 3 | kind as u64)
    }
    #[inline]
    pub fn time(self) -> u64 {
        self.0 >> TIME_SHIFT
    }
    /// The browser tab the event happens in (0 for `sleep` and `wake`).
    #[inline]
    pub fn tab(self) -> u8 {
        (self.0 >> 3) as u8
    }
    /// Whether only the multi-tab engine can replay any of `events`: a tab
    /// other than 0, or a `sleep` or `wake` (kinds 110 and 111). One pass of
    /// branch-free bit arithmetic the compiler vectorises.
    pub fn any_need_tabs(events: &[Event]) -> bool {
        let bits = events
            .iter()
            .fold(0, |acc, e| acc | (e.0 & TAB_BITS) | (e.0 & (e.0 >> 1) & 2));
        bits != 0
    }
    #[inline]
    pub fn kind(self) -> EventKind {
        EventKind::from_bits(self.0 & 7)
    }
    /// The tab and the kind together, `tab << 3 | kind`: one compare tells
    /// whether an event is of a given kind in a given tab.
    #[inline]
    pub(crate) fn tab_and_kind(self) -> u64 {
        self.0 & ((1 << TIME_SHIFT) - 1)
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
    /// Per user: an event in a tab other than 0, or a sleep or wake (see
    /// [`Event::needs_tabs`]), found once when the trace is built so that
    /// every run need not look again.
    tabbed: Vec<bool>,
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
    /// Whether the user has tabs other than 0, or sleeps: only the engine's
    /// general path can replay them.
    pub fn user_needs_tabs(&self, user: usize) -> bool {
        self.tabbed[user]
    }
    /// Marks each user who needs the general engine; every way of building
    /// a trace ends here.
    fn with_tab_flags(mut self) -> Trace {
        self.tabbed = (0..self.num_users())
            .map(|u| Event::any_need_tabs(self.user_events(u)))
            .collect();
        self
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

    /// Reads the canonical CSV, plain or gzip-compressed (told apart by the
    /// gzip magic bytes). `source` names the input in error messages.
    pub fn read_csv(reader: impl Read, source: &Path) -> Result<Trace, Diagnostics> {
        fast::read_csv(reader, source, fast::Tuning::DEFAULT)
    }

    /// Reads a trace file: the canonical CSV, plain or gzip-compressed
    /// (`.csv.gz`; told apart by its content, not its name).
    pub fn load(path: &Path) -> Result<Trace, Diagnostics> {
        fast::load(path, fast::Tuning::DEFAULT)
    }

    /// [`Trace::load`], counting the file's bytes read into `progress` (for a
    /// progress bar on another thread); `None` once `progress` is cancelled.
    pub fn load_with(path: &Path, progress: &LoadProgress) -> Option<Result<Trace, Diagnostics>> {
        let loaded = fast::load_with(path, fast::Tuning::DEFAULT, Some(progress));
        (!progress.cancelled()).then_some(loaded)
    }

    /// Whether any event is in a tab other than 0.
    pub fn has_tabs(&self) -> bool {
        self.events.iter().any(|e| e.tab() != 0)
    }

    /// Writes the canonical CSV, users in trace order, each in time order; the
    /// `tab` column only when some event is in a tab other than 0.
    pub fn write_csv(&self, writer: impl Write) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(writer);
        let tabs = self.has_tabs();
        writeln!(out, "user,time_ms,kind{}", if tabs { ",tab" } else { "" })?;
        for (name, events) in self.users() {
            let name = csv_field(name);
            for e in events {
                if tabs {
                    writeln!(out, "{name},{},{},{}", e.time(), e.kind(), e.tab())?;
                } else {
                    writeln!(out, "{name},{},{}", e.time(), e.kind())?;
                }
            }
        }
        out.flush()
    }
}

/// The one-record-at-a-time reader the fast one replaced, for the reader
/// benchmark's comparison (`benches/reader.rs`). Not for use: slower, same answers.
#[doc(hidden)]
pub fn read_csv_reference(reader: impl Read) -> Result<Trace, Diagnostics> {
    simple::read_csv(reader, Path::new("reference.csv"))
}

/// The fast reader (blocks and chunks of the given sizes) and the reference
/// reader on the same bytes, for the trace fuzz target, which holds them to
/// the same answer.
pub(crate) fn read_both(
    data: &[u8],
    block_bytes: usize,
    chunk_bytes: usize,
) -> (Result<Trace, Diagnostics>, Result<Trace, Diagnostics>) {
    let tuning = fast::Tuning {
        block_bytes,
        chunk_bytes,
    };
    let path = Path::new("fuzz.csv");
    (
        fast::read_csv(data, path, tuning),
        simple::read_csv(data, path),
    )
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
                tabbed: Vec::new(),
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
        self.trace.with_tab_flags()
    }
}

const HEADER: [&str; 3] = ["user", "time_ms", "kind"];
const HEADER_WITH_TAB: [&str; 4] = ["user", "time_ms", "kind", "tab"];
const EXPECTED_HEADER: &str = "`user,time_ms,kind` or `user,time_ms,kind,tab`";

fn parse_tab(text: &str) -> Result<u8, String> {
    if text.is_empty() {
        return Err("missing tab".into());
    }
    let number: u64 = text
        .parse()
        .map_err(|_| format!("tab {text:?} is not a whole number from 0 to 255"))?;
    u8::try_from(number).map_err(|_| format!("tab {number} is out of range (0 to 255)"))
}

/// The first event (by its index in `events`) that breaks the sleep rules.
pub fn first_sleep_error(events: &[Event]) -> Option<(usize, String)> {
    let mut asleep_since: Option<u64> = None;
    for (k, e) in events.iter().enumerate() {
        let msg = match (e.kind(), asleep_since) {
            (EventKind::Sleep, None) => {
                asleep_since = Some(e.time());
                continue;
            }
            (EventKind::Wake, Some(_)) => {
                asleep_since = None;
                continue;
            }
            (EventKind::Wake, None) => {
                "`wake` while the device is awake (a wake needs a `sleep` before it)".to_string()
            }
            (_, None) => continue,
            (EventKind::Sleep, Some(since)) => format!(
                "`sleep` while the device is asleep (since the `sleep` at {since} ms; a wake must come first)"
            ),
            (kind, Some(since)) => format!(
                "`{kind}` while the device is asleep (from the `sleep` at {since} ms to the next `wake` nothing else can happen)"
            ),
        };
        return Some((k, msg));
    }
    None
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
            "t.csv:3:5: unknown event kind \"clik\" (expected view, request, submit, input, activity, close, sleep or wake)"
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
    fn reads_tabs_and_sleep() {
        let t = parse("user,time_ms,kind,tab\na,1,view,0\na,2,view,3\na,3,sleep,0\na,9,wake,0\na,10,input,255\n")
            .expect("valid");
        let a: Vec<_> = t
            .user_events(0)
            .iter()
            .map(|e| (e.time(), e.kind(), e.tab()))
            .collect();
        assert_eq!(
            a,
            [
                (1, EventKind::View, 0),
                (2, EventKind::View, 3),
                (3, EventKind::Sleep, 0),
                (9, EventKind::Wake, 0),
                (10, EventKind::Input, 255)
            ]
        );
        // A trace may end asleep.
        parse("user,time_ms,kind\na,1,view\na,3,sleep\n").expect("ends asleep");
    }

    #[test]
    fn names_line_and_column_of_tab_and_sleep_errors() {
        let err = |text: &str| parse(text).unwrap_err().to_string();
        assert_eq!(
            err("user,time_ms,kind,tab\na,1,view,256\n"),
            "t.csv:2:10: tab 256 is out of range (0 to 255)"
        );
        assert_eq!(
            err("user,time_ms,kind,tab\na,1,view,x\n"),
            "t.csv:2:10: tab \"x\" is not a whole number from 0 to 255"
        );
        assert_eq!(
            err("user,time_ms,kind,tab\na,1,view\n"),
            "t.csv:2:5: missing field: expected 4 (user,time_ms,kind,tab), found 3"
        );
        assert_eq!(
            err("user,time_ms,kind\na,1,view\nb,2,view\nab,5,wake\n"),
            "t.csv:4:6: user \"ab\": `wake` while the device is awake (a wake needs a `sleep` before it)"
        );
        // Sorted by time within the user: the input at 4 falls in the sleep
        // 3..9 although its line comes after the wake's.
        assert_eq!(
            err("user,time_ms,kind\na,3,sleep\na,9,wake\na,4,input\n"),
            "t.csv:4:5: user \"a\": `input` while the device is asleep (from the `sleep` at 3 ms to the next `wake` nothing else can happen)"
        );
        assert_eq!(
            err("user,time_ms,kind\na,3,sleep\na,5,sleep\n"),
            "t.csv:3:5: user \"a\": `sleep` while the device is asleep (since the `sleep` at 3 ms; a wake must come first)"
        );
        // The first bad line in the file wins, whichever user it belongs to.
        assert!(
            err("user,time_ms,kind\nb,1,sleep\nb,2,view\na,0,wake\n")
                .starts_with("t.csv:3:5: user \"b\""),
        );
    }

    #[test]
    fn writes_the_tab_column_only_when_needed() {
        let text = "user,time_ms,kind,tab\na,1,view,0\na,2,input,2\na,3,sleep,0\n";
        let t = parse(text).expect("valid");
        let mut out = Vec::new();
        t.write_csv(&mut out).expect("write");
        assert_eq!(String::from_utf8(out).expect("utf8"), text);
        let t = parse("user,time_ms,kind,tab\na,1,view,0\n").expect("valid");
        let mut out = Vec::new();
        t.write_csv(&mut out).expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            "user,time_ms,kind\na,1,view\n"
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
