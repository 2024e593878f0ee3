//! The reference reader: the canonical CSV one record at a time through the
//! `csv` crate, as Lapse read traces before issue 19. The fast reader
//! ([`super::fast`]) must give the same trace and the same first error on
//! every input; the tests and the trace fuzz target hold it to that.
//! Also the fast reader's way in for a file whose header is quoted.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use super::{
    EXPECTED_HEADER, Event, EventKind, HEADER, HEADER_WITH_TAB, Trace, first_sleep_error,
    parse_tab, parse_time,
};
use crate::model::error::{Diagnostic, Diagnostics};

/// Reads the canonical CSV one record at a time.
pub(crate) fn read_csv(reader: impl Read, source: &Path) -> Result<Trace, Diagnostics> {
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
            format!("empty file: expected the header {EXPECTED_HEADER}"),
        )
        .at(1, Some(1))
        .into());
    }
    let header: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .collect();
    let with_tab = header == HEADER_WITH_TAB;
    if header != HEADER && !with_tab {
        let mut found = header.join(",");
        if found.chars().count() > 60 {
            found = found.chars().take(57).collect::<String>() + "...";
        }
        return Err(err_at(
            1,
            Some(1),
            format!("expected the header {EXPECTED_HEADER}, found `{found}`"),
        ));
    }

    let mut index: HashMap<String, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut owners: Vec<u32> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    // Each event's line and kind column, for the errors only the sorted trace
    // shows (sleep and wake). Saturating: a file of 4 billion lines is refused
    // long before by the limits.
    let mut places: Vec<(u32, u32)> = Vec::new();
    let mut device_events = false;
    let fields = if with_tab { 4 } else { 3 };
    let expected_fields = if with_tab {
        "4 (user,time_ms,kind,tab)"
    } else {
        "3 (user,time_ms,kind)"
    };

    let max_line = crate::model::limits::limits().max_line_bytes;
    while read(&mut csv, &mut record)? {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.as_slice().len() as u64 > max_line {
            return Err(err_at(
                line,
                Some(1),
                format!(
                    "line longer than {}: not a trace line (raise with --max-line-length)",
                    crate::model::limits::human_bytes(max_line)
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
        if record.len() != fields {
            let what = if record.len() < fields {
                "missing field"
            } else {
                "too many fields"
            };
            return Err(err_at(
                line,
                column(record.len().min(fields) - 1),
                format!("{what}: expected {expected_fields}, found {}", record.len()),
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
                    "unknown event kind {kind_text:?} (expected view, request, submit, input, activity, close, sleep or wake)"
                ),
            )
        })?;
        let tab = if with_tab {
            parse_tab(text(3)?).map_err(|msg| err_at(line, column(3), msg))?
        } else {
            0
        };
        device_events |= kind.is_device();
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
        events.push(Event::with_tab(time, kind, tab));
        let saturate = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        places.push((saturate(line as usize), saturate(column(2).unwrap_or(1))));
    }
    drop(index);
    let trace = group_by_user(names, &owners, &events);
    if device_events {
        check_sleep(&trace, &owners, &events).map_err(|(at, msg)| {
            let (line, column) = places[at];
            err_at(u64::from(line), Some(column as usize), msg)
        })?;
    }
    Ok(trace)
}

/// Each user's sleeps and wakes alternate, starting with a sleep, and nothing
/// else happens between a sleep and its wake (SPEC section 2). Returns the
/// file-order index of the first offending event in the file, with its message.
fn check_sleep(
    trace: &Trace,
    owners: &[u32],
    file_events: &[Event],
) -> Result<(), (usize, String)> {
    let mut first: Option<(usize, String)> = None;
    for user in 0..trace.num_users() {
        let Some((k, msg)) = first_sleep_error(trace.user_events(user)) else {
            continue;
        };
        // The k-th event in time order is, by the stable sort, the k-th of the
        // user's lines sorted stably by time.
        let mut mine: Vec<usize> = (0..owners.len())
            .filter(|&i| owners[i] as usize == user)
            .collect();
        mine.sort_by_key(|&i| file_events[i].time());
        let at = mine[k];
        if first.as_ref().is_none_or(|(i, _)| at < *i) {
            first = Some((at, format!("user {:?}: {msg}", trace.user_name(user))));
        }
    }
    first.map_or(Ok(()), Err)
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
        tabbed: Vec::new(),
    }
    .with_tab_flags()
}
