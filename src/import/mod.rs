//! `lapse import`: web-server access logs to Lapse traces.
//!
//! A log is read line by line (gzip or not): each line is parsed ([`clf`],
//! [`fields`]), crawlers are dropped, the request is classified
//! ([`mapping`]), filed under its user ([`keys`]) and kept as one packed
//! [`Event`] (8 bytes) plus a user number (4 bytes). Memory grows with the
//! events kept, never with the size of the log. At the end each user's
//! events are sorted (real logs are out of order), the page-load window is
//! folded, times are moved to the trace's origin, and the idle gaps are
//! measured ([`summary`]). `docs/import.md` describes the rules.

pub mod clf;
pub mod fields;
pub mod keys;
pub mod mapping;
pub mod record;
pub mod summary;
pub mod time;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use flate2::read::MultiGzDecoder;
use regex::bytes::Regex;

use crate::model::error::io_diagnostic;
use crate::model::trace::TraceBuilder;
use crate::model::{Diagnostic, Diagnostics, Event, EventKind, Trace};

use clf::Expect;
use fields::{CsvLog, JsonlLog, Wanted};
use keys::{Interner, KeyOutput, UserKey};
use mapping::{Class, Mapping};
use record::{Record, Shape};
use summary::{FileReport, Gaps, KindCounts, LeftOut, Span, Summary};
use time::Stamp;

/// How many malformed lines the summary names.
pub const MALFORMED_SHOWN: usize = 5;
/// Longer lines are malformed (and never held in memory whole): the
/// `max_line_bytes` limit in force, 1 MiB by default.
fn max_line() -> usize {
    usize::try_from(crate::model::limits::limits().max_line_bytes).unwrap_or(usize::MAX)
}

/// The log format of every input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Combined or common, line by line.
    #[default]
    Auto,
    /// Apache/nginx combined: common plus "referer" "user agent".
    Combined,
    /// The Common Log Format, no user agent.
    Common,
    /// A header naming the columns (time, addr, method, path, agent, ...).
    Csv,
    /// One JSON object a line, with the csv column names as fields.
    Jsonl,
}

/// Everything that decides what an import makes of a log.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub format: LogFormat,
    pub user_key: UserKey,
    pub key_output: KeyOutput,
    pub mapping: Mapping,
    /// Crawler user agents; `None` keeps every client.
    pub bots: Option<Regex>,
    /// Fail on the first malformed line instead of skipping it.
    pub strict: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: LogFormat::Auto,
            user_key: UserKey::AddrAgent,
            key_output: KeyOutput::random_salt(),
            mapping: Mapping::default(),
            bots: Some(
                Regex::new(mapping::DEFAULT_BOTS)
                    .unwrap_or_else(|_| unreachable!("a fixed pattern")),
            ),
            strict: false,
        }
    }
}

/// The result: the trace and what was found on the way.
#[derive(Clone, Debug)]
pub struct Import {
    pub trace: Trace,
    pub summary: Summary,
}

/// Reads logs one after the other, then builds the trace.
pub struct Importer {
    options: ImportOptions,
    users: Interner,
    crawlers: Interner,
    /// `owners[i]` is the user of `events[i]`.
    owners: Vec<u32>,
    /// Times are UTC ms since 1970 until `finish` moves them to the origin.
    events: Vec<Event>,
    /// The earliest kept event, with the offset its line was written in.
    first: Option<Stamp>,
    shapes: [u64; 4],
    left_out: LeftOut,
    first_malformed: Vec<Diagnostic>,
    files: Vec<FileReport>,
    key_buf: Vec<u8>,
}

/// How one file's lines are parsed.
enum LineParser {
    Clf(Expect),
    /// Waiting for its header line.
    Csv(Option<CsvLog>),
    Jsonl(JsonlLog),
}

impl LineParser {
    fn new(format: LogFormat, wanted: &Wanted) -> LineParser {
        match format {
            LogFormat::Auto => LineParser::Clf(Expect::Either),
            LogFormat::Combined => LineParser::Clf(Expect::Combined),
            LogFormat::Common => LineParser::Clf(Expect::Common),
            LogFormat::Csv => LineParser::Csv(None),
            LogFormat::Jsonl => LineParser::Jsonl(JsonlLog::new(wanted)),
        }
    }
}

impl Importer {
    pub fn new(options: ImportOptions) -> Result<Importer, Diagnostic> {
        if let UserKey::Field(name) = &options.user_key
            && !matches!(options.format, LogFormat::Csv | LogFormat::Jsonl)
        {
            return Err(Diagnostic::new(format!(
                "--user-key field:{name} needs --format csv or jsonl (combined and common logs have no named fields; use match:REGEX)"
            )));
        }
        let left_out = LeftOut {
            crawler_lines: options.bots.is_some().then_some(0),
            ..LeftOut::default()
        };
        Ok(Importer {
            options,
            users: Interner::default(),
            crawlers: Interner::default(),
            owners: Vec::new(),
            events: Vec::new(),
            first: None,
            shapes: [0; 4],
            left_out,
            first_malformed: Vec::new(),
            files: Vec::new(),
            key_buf: Vec::new(),
        })
    }

    /// Reads one log file, gzip-compressed or not.
    pub fn read_path(&mut self, path: &Path) -> Result<(), Diagnostics> {
        if path.is_dir() {
            return Err(Diagnostic::in_file(
                path,
                "cannot read the log: is a directory, not a file",
            )
            .into());
        }
        let file =
            std::fs::File::open(path).map_err(|e| io_diagnostic(path, "read the log", &e))?;
        self.read(file, path)
    }

    /// Reads one log from `reader`; `source` names it in messages. Gzip is
    /// recognised by its magic bytes, whatever the name.
    pub fn read(&mut self, reader: impl Read, source: &Path) -> Result<(), Diagnostics> {
        let mut input = BufReader::with_capacity(1 << 16, reader);
        let head = input
            .fill_buf()
            .map_err(|e| io_diagnostic(source, "read the log", &e))?;
        let gzip = head.starts_with(&[0x1f, 0x8b]);
        let report = if gzip {
            self.read_lines(
                BufReader::with_capacity(1 << 16, MultiGzDecoder::new(input)),
                source,
            )
        } else {
            self.read_lines(input, source)
        }?;
        self.files.push(FileReport { gzip, ..report });
        Ok(())
    }

    fn read_lines(
        &mut self,
        mut input: impl BufRead,
        source: &Path,
    ) -> Result<FileReport, Diagnostics> {
        let wanted = Wanted {
            addr: self.options.user_key.needs_addr(),
            key_field: match &self.options.user_key {
                UserKey::Field(name) => Some(name.clone()),
                _ => None,
            },
        };
        let mut parser = LineParser::new(self.options.format, &wanted);
        let mut buf = Vec::with_capacity(1024);
        let mut report = FileReport {
            path: source.to_path_buf(),
            lines: 0,
            bytes: 0,
            gzip: false,
        };
        loop {
            let (n, whole) = read_line(&mut input, &mut buf, max_line()).map_err(|e| {
                Diagnostic::in_file(source, format!("cannot read the log: {e}"))
                    .at(report.lines as usize + 1, None)
            })?;
            if n == 0 {
                return Ok(report);
            }
            report.lines += 1;
            report.bytes += n as u64;
            let at = (source, report.lines);
            if !whole {
                self.malformed(
                    at,
                    format!(
                        "line longer than {}: not a log line (raise with --max-line-length)",
                        crate::model::limits::human_bytes(max_line() as u64)
                    ),
                )?;
                continue;
            }
            let mut line = trim_line_end(&buf);
            if report.lines == 1 {
                // A byte-order mark, as some Windows tools write before a CSV header.
                line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
            }
            if line.trim_ascii().is_empty() {
                self.left_out.blank += 1;
                continue;
            }
            let record = match &mut parser {
                LineParser::Clf(expect) => {
                    clf::parse(line, *expect).map_err(|e| hint(e, line, *expect))
                }
                LineParser::Jsonl(log) => log.parse(line),
                LineParser::Csv(None) => {
                    let log = CsvLog::from_header(line, &wanted).map_err(|e| {
                        Diagnostic::in_file(source, e).at(report.lines as usize, None)
                    })?;
                    parser = LineParser::Csv(Some(log));
                    continue;
                }
                LineParser::Csv(Some(log)) => log.parse(line),
            };
            match record {
                Ok(record) => self.take(line, &record)?,
                Err(message) => {
                    // A csv or jsonl field's bad value names its column.
                    let column = match &parser {
                        LineParser::Csv(Some(log)) => log.error_column(),
                        LineParser::Jsonl(log) => log.error_column(),
                        _ => None,
                    };
                    self.malformed_at(at, message, column)?;
                }
            }
        }
    }

    fn malformed(&mut self, at: (&Path, u64), message: String) -> Result<(), Diagnostics> {
        self.malformed_at(at, message, None)
    }

    fn malformed_at(
        &mut self,
        (source, line): (&Path, u64),
        message: String,
        column: Option<usize>,
    ) -> Result<(), Diagnostics> {
        let d = Diagnostic::in_file(source, message).at(line as usize, column);
        if self.options.strict {
            return Err(d.into());
        }
        self.left_out.malformed += 1;
        if self.first_malformed.len() < MALFORMED_SHOWN {
            self.first_malformed.push(d);
        }
        Ok(())
    }

    /// Files one parsed request: dropped, counted, or kept as an event.
    fn take(&mut self, line: &[u8], record: &Record<'_>) -> Result<(), Diagnostics> {
        self.shapes[record.shape as usize] += 1;
        if let (Some(bots), Some(agent)) = (&self.options.bots, record.agent)
            && bots.is_match(agent)
        {
            if let Some(n) = &mut self.left_out.crawler_lines {
                *n += 1;
            }
            if self
                .options
                .user_key
                .extract(line, record, &mut self.key_buf)
            {
                self.crawlers.intern(&self.key_buf);
            }
            return Ok(());
        }
        let kind = match self.options.mapping.classify(record) {
            Class::Event(kind) => kind,
            Class::Part => {
                self.left_out.parts += 1;
                return Ok(());
            }
            Class::Ignored => {
                self.left_out.other_methods += 1;
                return Ok(());
            }
        };
        if !self
            .options
            .user_key
            .extract(line, record, &mut self.key_buf)
        {
            self.left_out.no_key += 1;
            return Ok(());
        }
        let user = self
            .users
            .intern(&self.key_buf)
            .ok_or_else(|| Diagnostic::new("more than 4 294 967 295 users: split the log"))?;
        let stamp = record.stamp;
        if self.first.is_none_or(|f| stamp.utc_ms < f.utc_ms) {
            self.first = Some(stamp);
        }
        self.owners.push(user);
        // Times were checked to lie in 1970..=9999: far below Event's limit.
        self.events
            .push(Event::with_tab(stamp.utc_ms as u64, kind, record.tab));
        Ok(())
    }

    /// Sorts each user's events, folds page loads, moves time 0 to the
    /// origin and measures the gaps.
    pub fn finish(self) -> Import {
        let Importer {
            options,
            users,
            crawlers,
            owners,
            events,
            first,
            shapes,
            mut left_out,
            first_malformed,
            files,
            ..
        } = self;
        left_out.crawler_clients = crawlers.len() as u64;
        let keys = users.into_keys();
        let (offsets, grouped) = group_by_user(keys.len(), &owners, events);
        drop(owners);

        let origin = first.map_or(0, Stamp::local_midnight);
        let window = options.mapping.fold_window.as_ms();
        let mut builder = TraceBuilder::default();
        let mut counts = KindCounts::default();
        let mut window_folded = 0;
        let mut gaps = Vec::with_capacity(grouped.len());
        let mut last_utc = i64::MIN;
        let mut tabs_logged = false;
        let mut kept = Vec::new();
        for (user, key) in keys.iter().enumerate() {
            let run = &grouped[offsets[user]..offsets[user + 1]];
            window_folded += fold_page_loads(run, window, &mut kept);
            for pair in kept.windows(2) {
                gaps.push(pair[1].time() - pair[0].time());
            }
            for e in &mut kept {
                tabs_logged |= e.tab() != 0;
                match e.kind() {
                    EventKind::View => counts.view += 1,
                    EventKind::Request => counts.request += 1,
                    _ => counts.submit += 1,
                }
                // Every kept time is at or after the first event, so after the origin.
                *e = Event::with_tab(e.time() - origin as u64, e.kind(), e.tab());
            }
            if let Some(last) = kept.last() {
                last_utc = last_utc.max(last.time() as i64 + origin);
            }
            builder.push_user(options.key_output.name(key), &kept);
        }
        let span = first.map(|f| Span {
            first_utc_ms: f.utc_ms,
            last_utc_ms: last_utc,
            offset_min: f.offset_min,
            origin_utc_ms: origin,
        });
        let summary = Summary {
            files,
            shapes: Shape::ALL
                .iter()
                .map(|&s| (s, shapes[s as usize]))
                .collect(),
            left_out,
            first_malformed,
            users: keys.len(),
            events: counts,
            window_folded,
            span,
            gaps: Gaps::new(gaps),
            key: options.user_key.to_string(),
            key_output: match &options.key_output {
                KeyOutput::Raw => "as found (--keep-keys)".into(),
                KeyOutput::Hashed { .. } => "as salted SHA-256 hashes".into(),
            },
            mapping: options.mapping.describe(),
            filled: None,
            tabs_logged,
        };
        Import {
            trace: builder.finish(),
            summary,
        }
    }
}

/// Counting sort into per-user runs, then a stable sort by time in each run
/// (equal times keep log order).
fn group_by_user(users: usize, owners: &[u32], events: Vec<Event>) -> (Vec<usize>, Vec<Event>) {
    let mut offsets = vec![0usize; users + 1];
    for &o in owners {
        offsets[o as usize + 1] += 1;
    }
    for u in 0..users {
        offsets[u + 1] += offsets[u];
    }
    let mut cursor = offsets.clone();
    let mut grouped = events.clone();
    for (&o, e) in owners.iter().zip(events) {
        grouped[cursor[o as usize]] = e;
        cursor[o as usize] += 1;
    }
    for u in 0..users {
        grouped[offsets[u]..offsets[u + 1]].sort_by_key(|e| e.time());
    }
    (offsets, grouped)
}

/// Copies one user's time-ordered events into `kept`, leaving out views and
/// requests that come less than `window` ms after the last kept view with no
/// submit between, in the same tab: they are that page's load (redirects,
/// frames, scripts). Returns how many were folded.
pub fn fold_page_loads(run: &[Event], window: u64, kept: &mut Vec<Event>) -> u64 {
    kept.clear();
    // (time, tab) of the last kept view.
    let mut last_view: Option<(u64, u8)> = None;
    let mut folded = 0;
    for &e in run {
        match e.kind() {
            EventKind::View | EventKind::Request
                if last_view.is_some_and(|(v, tab)| e.time() < v + window && e.tab() == tab) =>
            {
                folded += 1;
                continue;
            }
            EventKind::View => last_view = Some((e.time(), e.tab())),
            EventKind::Submit => last_view = None,
            _ => {}
        }
        kept.push(e);
    }
    folded
}

/// Reads one line (with its `\n`) into `buf`, keeping at most `max` bytes of
/// it: a file with no line breaks (a binary given by mistake) must not be
/// read into memory whole. Returns the bytes consumed (0 at the end) and
/// whether the line fitted.
fn read_line(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<(usize, bool)> {
    buf.clear();
    let mut consumed = 0;
    let mut whole = true;
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((consumed, whole));
        }
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if whole && buf.len() + take <= max {
            buf.extend_from_slice(&chunk[..take]);
        } else {
            whole = false;
            buf.clear();
        }
        input.consume(take);
        consumed += take;
        if done {
            return Ok((consumed, whole));
        }
    }
}

fn trim_line_end(buf: &[u8]) -> &[u8] {
    let line = buf.strip_suffix(b"\n").unwrap_or(buf);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A malformed line that looks like another format says so.
fn hint(message: String, line: &[u8], expect: Expect) -> String {
    if expect != Expect::Either {
        return message;
    }
    match line.trim_ascii_start().first() {
        Some(b'{') => format!("{message} (this looks like JSON: try --format jsonl)"),
        _ if line.contains(&b',') && !line.contains(&b'[') => {
            format!("{message} (this looks like CSV: try --format csv)")
        }
        _ => message,
    }
}

/// Imports the given files in order: what `lapse import` does before it writes.
pub fn import_paths(paths: &[PathBuf], options: ImportOptions) -> Result<Import, Diagnostics> {
    let mut importer = Importer::new(options)?;
    for path in paths {
        importer.read_path(path)?;
    }
    Ok(importer.finish())
}

/// Adds modelled typing and reading from `profile` to an import's trace
/// ([`crate::generate::fill`]) and notes it in the summary.
pub fn fill_activity(
    import: Import,
    profile: &crate::model::profile::Profile,
    seed: u64,
) -> Result<Import, String> {
    let (trace, counts) = crate::generate::fill::fill_trace(&import.trace, profile, seed)?;
    let summary = Summary {
        filled: Some(summary::Filled {
            profile: profile.name.clone(),
            seed,
            inputs: counts.inputs,
            forms: counts.forms,
            activity: counts.activity,
            pages_read: counts.pages_read,
        }),
        ..import.summary
    };
    Ok(Import { trace, summary })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: u64, k: EventKind) -> Event {
        Event::new(t, k)
    }

    #[test]
    fn page_load_window_folds_until_a_submit() {
        use EventKind::*;
        let run = [
            ev(0, View),
            ev(1000, Request), // page load: folded
            ev(2999, View),    // a redirect, still the same load: folded
            ev(3000, View),    // 3 s after the view: a new view
            ev(4000, Submit),  // never folded
            ev(5000, View),    // after a submit: the redirect after POST is a page of its own
            ev(9000, Request),
        ];
        let mut kept = Vec::new();
        let folded = fold_page_loads(&run, 3000, &mut kept);
        assert_eq!(folded, 2);
        let times: Vec<u64> = kept.iter().map(|e| e.time()).collect();
        assert_eq!(times, [0, 3000, 4000, 5000, 9000]);
        assert_eq!(
            fold_page_loads(&run, 0, &mut kept),
            0,
            "a zero window folds nothing"
        );
    }

    #[test]
    fn a_byte_order_mark_and_an_overlong_line() {
        let options = ImportOptions {
            format: LogFormat::Csv,
            key_output: KeyOutput::Raw,
            ..ImportOptions::default()
        };
        let mut importer = Importer::new(options).expect("valid options");
        let mut text =
            b"\xef\xbb\xbftime,addr,method,path\n2015-05-17T10:00:00Z,1.2.3.4,GET,/\n".to_vec();
        text.extend(vec![b'x'; max_line() + 1]);
        text.extend(b"\n2015-05-17T10:10:00Z,1.2.3.4,GET,/b\n");
        importer.read(&text[..], Path::new("t.csv")).expect("reads");
        let import = importer.finish();
        assert_eq!(import.summary.left_out.malformed, 1);
        assert_eq!(
            import.summary.first_malformed[0].to_string(),
            "t.csv:3: line longer than 1 MiB: not a log line (raise with --max-line-length)"
        );
        let events: Vec<u64> = import
            .trace
            .user_events(0)
            .iter()
            .map(|e| e.time())
            .collect();
        assert_eq!(events, [36_000_000, 36_600_000]);
    }

    fn import_text(
        format: LogFormat,
        strict: bool,
        text: &str,
        name: &str,
    ) -> Result<Import, Diagnostics> {
        let options = ImportOptions {
            format,
            key_output: KeyOutput::Raw,
            strict,
            ..ImportOptions::default()
        };
        let mut importer = Importer::new(options).map_err(Diagnostics::from)?;
        importer.read(text.as_bytes(), Path::new(name))?;
        Ok(importer.finish())
    }

    fn times_kinds_tabs(import: &Import) -> Vec<(u64, EventKind, u8)> {
        import
            .trace
            .user_events(0)
            .iter()
            .map(|e| (e.time(), e.kind(), e.tab()))
            .collect()
    }

    #[test]
    fn a_tab_column_puts_events_in_their_tabs() {
        use EventKind::*;
        // 10:00 is 36 000 000 ms after midnight. The view in tab 1 at
        // 10:00:01 is within the 3 s page-load window of tab 0's view but
        // in another tab: a page of its own. Tab 1's request 1 s after
        // tab 1's view is folded into it; an empty tab is tab 0.
        let text = "time,addr,method,path,tab\n\
            2015-05-17T10:00:00Z,1.2.3.4,GET,/a,0\n\
            2015-05-17T10:00:01Z,1.2.3.4,GET,/b,1\n\
            2015-05-17T10:00:02Z,1.2.3.4,GET,/api/x,1\n\
            2015-05-17T10:01:00Z,1.2.3.4,POST,/b,255\n\
            2015-05-17T10:02:00Z,1.2.3.4,GET,/c,\n";
        let import = import_text(LogFormat::Csv, true, text, "t.csv").expect("imports");
        assert_eq!(
            times_kinds_tabs(&import),
            [
                (36_000_000, View, 0),
                (36_001_000, View, 1),
                (36_060_000, Submit, 255),
                (36_120_000, View, 0),
            ]
        );
        assert!(import.summary.tabs_logged);
        let jsonl = r#"{"time": "2015-05-17T10:00:00Z", "addr": "1.2.3.4", "method": "GET", "path": "/", "tab": 3}
{"time": "2015-05-17T10:00:10Z", "addr": "1.2.3.4", "method": "GET", "path": "/", "tab": "4"}
{"time": "2015-05-17T10:00:20Z", "addr": "1.2.3.4", "method": "GET", "path": "/", "tab": null}
"#;
        let import = import_text(LogFormat::Jsonl, true, jsonl, "t.jsonl").expect("imports");
        assert_eq!(
            times_kinds_tabs(&import),
            [
                (36_000_000, View, 3),
                (36_010_000, View, 4),
                (36_020_000, View, 0),
            ]
        );
    }

    #[test]
    fn a_bad_tab_names_file_line_and_column() {
        let head = "time,addr,method,path,tab\n2015-05-17T10:00:00Z,1.2.3.4,GET,/,1\n";
        // The tab field starts at byte 36 of `2015-05-17T10:00:00Z,1.2.3.4,GET,/,`.
        for bad in ["256", "-1", "1.5", "x", "\"x\""] {
            let text = format!("{head}2015-05-17T10:00:00Z,1.2.3.4,GET,/,{bad}\n");
            let e = import_text(LogFormat::Csv, true, &text, "t.csv")
                .err()
                .map(|d| d.to_string())
                .unwrap_or_default();
            assert!(e.starts_with("t.csv:3:36: bad tab "), "{bad}: {e}");
            assert!(e.contains("expected a whole number 0-255"), "{bad}: {e}");
        }
        // Not strict: the line is skipped and named the same way.
        let text = format!("{head}2015-05-17T10:00:00Z,1.2.3.4,GET,/,300\n");
        let import = import_text(LogFormat::Csv, false, &text, "t.csv").expect("imports");
        assert_eq!(import.summary.left_out.malformed, 1);
        assert_eq!(
            import.summary.first_malformed[0].to_string(),
            "t.csv:3:36: bad tab \"300\": expected a whole number 0-255"
        );
        // JSON: the column where the value starts.
        for bad in ["256", "-1", "1.5", "true", "\"x\""] {
            let line = format!(
                r#"{{"time": "2015-05-17T10:00:00Z", "addr": "1.2.3.4", "method": "GET", "path": "/", "tab": {bad}}}"#
            );
            let e = import_text(LogFormat::Jsonl, true, &format!("{line}\n"), "t.jsonl")
                .err()
                .map(|d| d.to_string())
                .unwrap_or_default();
            assert!(e.starts_with("t.jsonl:1:90: bad tab "), "{bad}: {e}");
        }
    }

    #[test]
    fn lines_are_read_with_a_bound() {
        let text = b"short\nlonger line\n\nlast without break";
        // A reader that hands out 3 bytes at a time, to cross chunk borders.
        let mut input = BufReader::with_capacity(3, &text[..]);
        let mut buf = Vec::new();
        let mut lines = Vec::new();
        loop {
            let (n, whole) = read_line(&mut input, &mut buf, 8).expect("in memory");
            if n == 0 {
                break;
            }
            lines.push((n, whole, String::from_utf8(buf.clone()).expect("utf8")));
        }
        assert_eq!(
            lines,
            [
                (6, true, "short\n".to_string()),
                (12, false, String::new()),
                (1, true, "\n".to_string()),
                (18, false, String::new()),
            ]
        );
    }

    #[test]
    fn grouping_is_stable_per_user() {
        use EventKind::*;
        let events = vec![ev(5, View), ev(3, View), ev(5, Submit), ev(1, Request)];
        let (offsets, grouped) = group_by_user(2, &[0, 1, 0, 0], events);
        assert_eq!(offsets, [0, 3, 4]);
        assert_eq!(
            grouped,
            [ev(1, Request), ev(5, View), ev(5, Submit), ev(3, View)]
        );
    }
}
