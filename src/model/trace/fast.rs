//! The canonical CSV at disk speed (issue 19).
//!
//! The input is read in large blocks (no memory map: the crate forbids
//! `unsafe`, and a block at a time keeps the file's text out of the memory
//! bill). Each block's complete lines are cut into chunks at line boundaries
//! and the chunks parsed in parallel, straight from the bytes: no allocation
//! per field, user names interned per chunk (the common case, a user's lines
//! in a run, costs a comparison with the previous line's name, not a hash
//! lookup). The chunks are then merged in file order, so the first bad line
//! in the file is the one reported, whichever chunk found it.
//!
//! A line with a double quote or a lone carriage return is CSV this fast path
//! does not take apart: from that line on, the `csv` crate reads the rest
//! (from the start, through [`super::simple`], if it is the header).
//!
//! Memory while loading, beyond the finished trace: 4 bytes an event (its
//! owner), plus 8 more while the events of users whose lines are interleaved
//! are regrouped, plus a block (4 MiB) and its parsed chunks. Each line that
//! a blank line precedes, or whose user or time is padded or zero-filled,
//! costs 16 bytes more, so that an error only the sorted trace shows (sleep
//! and wake order) can still name its line and column.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use memchr::{memchr, memchr2, memrchr};
use rayon::prelude::*;

use super::{
    EXPECTED_HEADER, Event, EventKind, HEADER, HEADER_WITH_TAB, LoadProgress, Trace,
    first_sleep_error, parse_tab, parse_time,
};
use crate::model::error::{Diagnostic, Diagnostics, io_diagnostic};
use crate::model::limits::{human_bytes, limits};

#[cfg(test)]
mod tests;

type Map<K> = HashMap<K, u32, foldhash::fast::RandomState>;

/// Block and chunk sizes. The tests shrink them to put chunk and block
/// boundaries in awkward places.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tuning {
    /// Bytes read at a time (a longer line grows the block).
    pub block_bytes: usize,
    /// Bytes of a block parsed by one task (cut at the next line end).
    pub chunk_bytes: usize,
}

impl Tuning {
    pub(crate) const DEFAULT: Tuning = Tuning {
        block_bytes: 4 << 20,
        chunk_bytes: 256 << 10,
    };
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Appends more of the input to the buffer (about the number of bytes
/// asked for); `Ok(false)` once the input is exhausted.
type Fill<'a> = dyn FnMut(&mut Vec<u8>, usize) -> io::Result<bool> + 'a;

/// Reads a trace from any reader, gzip-compressed or not.
pub(crate) fn read_csv(
    mut reader: impl Read,
    source: &Path,
    tuning: Tuning,
) -> Result<Trace, Diagnostics> {
    let mut head = Vec::with_capacity(2);
    (&mut reader)
        .take(2)
        .read_to_end(&mut head)
        .map_err(|e| read_error(source, 1, &e))?;
    let input = head.as_slice().chain(reader);
    if head == GZIP_MAGIC {
        read_from(MultiGzDecoder::new(input), source, tuning, None)
    } else {
        read_from(input, source, tuning, None)
    }
}

/// Reads a trace file. A gzip-compressed one is decompressed on a thread of
/// its own, a block ahead of the parser.
pub(crate) fn load(path: &Path, tuning: Tuning) -> Result<Trace, Diagnostics> {
    load_with(path, tuning, None)
}

/// The file as the reader reads it, counting the bytes for a progress bar
/// and stopping at the next read once cancelled. Reads are large (a block,
/// or 64 KiB under gzip), so this costs two atomic operations a block.
struct Watched<'p, R> {
    inner: R,
    progress: Option<&'p LoadProgress>,
}

/// What a cancelled read says (the caller knows it cancelled and drops it).
const CANCELLED: &str = "cancelled";

impl<R: Read> Read for Watched<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(progress) = self.progress else {
            return self.inner.read(buf);
        };
        if progress.cancelled() {
            return Err(io::Error::other(CANCELLED));
        }
        let n = self.inner.read(buf)?;
        progress
            .read_bytes
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// [`load`], reporting the bytes read to `progress` and stopping when it is cancelled.
pub(crate) fn load_with(
    path: &Path,
    tuning: Tuning,
    progress: Option<&LoadProgress>,
) -> Result<Trace, Diagnostics> {
    if path.is_dir() {
        return Err(Diagnostic::in_file(path, "is a directory, not a trace file").into());
    }
    let open_error = |e: io::Error| Diagnostics::from(io_diagnostic(path, "read the trace", &e));
    let file = std::fs::File::open(path).map_err(open_error)?;
    let size = file.metadata().ok().map(|m| m.len());
    if let (Some(progress), Some(size)) = (progress, size) {
        progress
            .total_bytes
            .store(size, std::sync::atomic::Ordering::Relaxed);
    }
    let mut file = Watched {
        inner: file,
        progress,
    };
    let mut head = Vec::with_capacity(2);
    (&mut file)
        .take(2)
        .read_to_end(&mut head)
        .map_err(open_error)?;
    let input = head.as_slice().chain(file);
    if head != GZIP_MAGIC {
        return read_from(input, path, tuning, size);
    }
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(2);
        let piece = tuning.block_bytes.clamp(1, 1 << 20);
        scope.spawn(move || {
            let mut gz = MultiGzDecoder::new(io::BufReader::with_capacity(1 << 16, input));
            loop {
                let mut out = Vec::with_capacity(piece);
                let read = (&mut gz).take(piece as u64).read_to_end(&mut out);
                let done = !matches!(read, Ok(n) if n > 0);
                // A closed channel: the parser stopped (a bad line); so do we.
                if sender.send(read.map(|_| out)).is_err() || done {
                    return;
                }
            }
        });
        let mut fill = move |buf: &mut Vec<u8>, want: usize| -> io::Result<bool> {
            let goal = buf.len() + want;
            while buf.len() < goal {
                match receiver.recv() {
                    Ok(Ok(piece)) if piece.is_empty() => return Ok(false),
                    Ok(Ok(piece)) => buf.extend_from_slice(&piece),
                    Ok(Err(e)) => return Err(e),
                    Err(_) => return Ok(false),
                }
            }
            Ok(true)
        };
        // `fill` (and with it the receiver) is dropped on return, which
        // stops the decompressing thread if it is still going.
        read_with(&mut fill, path, tuning, None)
    })
}

fn read_from(
    mut reader: impl Read,
    source: &Path,
    tuning: Tuning,
    size: Option<u64>,
) -> Result<Trace, Diagnostics> {
    let mut fill = |buf: &mut Vec<u8>, want: usize| -> io::Result<bool> {
        let n = (&mut reader).take(want as u64).read_to_end(buf)?;
        Ok(n == want)
    };
    read_with(&mut fill, source, tuning, size)
}

fn read_error(source: &Path, line: u64, e: &io::Error) -> Diagnostics {
    Diagnostic::in_file(source, format!("cannot read the trace: {e}"))
        .at(line as usize, None)
        .into()
}

fn bad_line(source: &Path, line: u64, column: Option<usize>, message: String) -> Diagnostics {
    Diagnostic::in_file(source, message)
        .at(line as usize, column)
        .into()
}

/// The header, then the body block by block.
fn read_with(
    fill: &mut Fill<'_>,
    source: &Path,
    tuning: Tuning,
    size: Option<u64>,
) -> Result<Trace, Diagnostics> {
    let block = tuning.block_bytes.max(1);
    let mut buf: Vec<u8> = Vec::with_capacity(block + (block >> 3));
    let mut more = fill(&mut buf, block).map_err(|e| read_error(source, 1, &e))?;
    while more && buf.len() < UTF8_BOM.len() {
        more = fill(&mut buf, block).map_err(|e| read_error(source, 1, &e))?;
    }
    // The `csv` crate drops a byte order mark at the start of its input.
    if buf.starts_with(UTF8_BOM) {
        buf.drain(..UTF8_BOM.len());
    }
    // Empty lines before the header, already dropped from `buf`.
    let mut skipped = 0u64;
    let (with_tab, body, mut line, lf) = loop {
        match find_header(&buf, !more, source)? {
            Header::Found {
                with_tab,
                body,
                lines,
                lf,
            } => break (with_tab, body, skipped + lines + 1, lf),
            Header::Quoted => {
                let blank = io::repeat(b'\n').take(skipped);
                let rest = Rest::new(buf, 0, fill, more);
                return super::simple::read_csv(blank.chain(rest), source);
            }
            Header::NeedMore { empty, lines } => {
                buf.drain(..empty);
                skipped += lines;
                let want = block.max(buf.len());
                more = fill(&mut buf, want).map_err(|e| read_error(source, skipped + 1, &e))?;
            }
        }
    };
    let mut acc = Accumulator::new(with_tab);
    acc.next_ref = Some(line - 1 + u64::from(lf));
    if let Some(size) = size {
        acc.reserve_for(size, &buf[body..]);
    }
    let mut start = body;
    let max_line = limits().max_line_bytes;
    let mut pending_error: Option<io::Error> = None;
    loop {
        let end = if !more && pending_error.is_none() {
            buf.len()
        } else {
            memrchr(b'\n', &buf[start..]).map_or(start, |i| start + i + 1)
        };
        if end > start {
            match parse_block(&buf[start..end], line, &mut acc, tuning, max_line) {
                Err((at, column, message)) => return Err(bad_line(source, at, column, message)),
                Ok(Block::Done { lines }) => line += lines,
                Ok(Block::NeedsCsv { offset, line, at }) => {
                    let rest = Rest::new(buf, start + offset, fill, more);
                    continue_with_csv(rest, line, at, &mut acc, source, max_line)?;
                    return acc.finish(source);
                }
            }
        }
        if let Some(e) = pending_error {
            return Err(read_error(source, line, &e));
        }
        if !more {
            // The block goes before the trace is grouped: less at the peak.
            drop(buf);
            return acc.finish(source);
        }
        buf.drain(..end);
        start = 0;
        if buf.len() as u64 > max_line {
            // One unfinished line longer than the limit: refuse it now
            // rather than hold all of it.
            match long_line(&buf, max_line) {
                LongLine::Fine => {}
                LongLine::TooLong => {
                    return Err(bad_line(
                        source,
                        acc.next_ref.unwrap_or(line),
                        Some(1),
                        too_long_message(max_line),
                    ));
                }
                LongLine::NeedsCsv => {
                    let at = acc.next_ref.unwrap_or(line);
                    let rest = Rest::new(buf, 0, fill, more);
                    continue_with_csv(rest, line, at, &mut acc, source, max_line)?;
                    return acc.finish(source);
                }
            }
        }
        let want = block.max(buf.len());
        match fill(&mut buf, want) {
            Ok(m) => more = m,
            Err(e) => pending_error = Some(e),
        }
    }
}

enum LongLine {
    Fine,
    TooLong,
    NeedsCsv,
}

/// An unfinished line: whether it is already too long, or is CSV the fast
/// path leaves to the `csv` crate.
fn long_line(partial: &[u8], max_line: u64) -> LongLine {
    // A carriage return at the very end may be half of a CRLF.
    let settled = &partial[..partial.len().saturating_sub(1)];
    if memchr2(b'"', b'\r', settled).is_some() || partial.first() == Some(&b'"') {
        return LongLine::NeedsCsv;
    }
    let commas = memchr::memchr_iter(b',', partial).count();
    if (partial.len() - commas) as u64 > max_line {
        LongLine::TooLong
    } else {
        LongLine::Fine
    }
}

fn too_long_message(max_line: u64) -> String {
    format!(
        "line longer than {}: not a trace line (raise with --max-line-length)",
        human_bytes(max_line)
    )
}

enum Header {
    /// `body` is the offset of the line after the header; `lines` counts
    /// the lines up to and including the header.
    Found {
        with_tab: bool,
        body: usize,
        lines: u64,
        /// Whether it ends with a bare LF (not CRLF, not the end of input).
        lf: bool,
    },
    /// The header needs the `csv` crate (a quote or a lone carriage return).
    Quoted,
    /// No complete line yet: `empty` bytes of `lines` empty lines can go.
    NeedMore { empty: usize, lines: u64 },
}

/// Finds the header: the first line that is not empty (the `csv` crate
/// skips empty lines, the header's line number is not reported).
fn find_header(buf: &[u8], eof: bool, source: &Path) -> Result<Header, Diagnostics> {
    let mut pos = 0;
    let mut lines = 0u64;
    loop {
        let (content, next, lf) = match memchr(b'\n', &buf[pos..]) {
            Some(i) => {
                let content = strip_cr(&buf[pos..pos + i]);
                (content, pos + i + 1, content.len() == i)
            }
            None if eof => (&buf[pos..], buf.len(), false),
            None => return Ok(Header::NeedMore { empty: pos, lines }),
        };
        if memchr2(b'"', b'\r', content).is_some() {
            return Ok(Header::Quoted);
        }
        lines += 1;
        if !content.is_empty() {
            let with_tab = check_header(content, source)?;
            return Ok(Header::Found {
                with_tab,
                body: next,
                lines,
                lf,
            });
        }
        if next >= buf.len() && eof {
            return Err(Diagnostic::in_file(
                source,
                format!("empty file: expected the header {EXPECTED_HEADER}"),
            )
            .at(1, Some(1))
            .into());
        }
        pos = next;
    }
}

/// Whether the header has the `tab` column; an error if it is no header.
fn check_header(content: &[u8], source: &Path) -> Result<bool, Diagnostics> {
    let header: Vec<String> = content
        .split(|&b| b == b',')
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .collect();
    let with_tab = header == HEADER_WITH_TAB;
    if header != HEADER && !with_tab {
        let mut found = header.join(",");
        if found.chars().count() > 60 {
            found = found.chars().take(57).collect::<String>() + "...";
        }
        return Err(bad_line(
            source,
            1,
            Some(1),
            format!("expected the header {EXPECTED_HEADER}, found `{found}`"),
        ));
    }
    Ok(with_tab)
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A bad line: its line number, column and message.
type Bad = (u64, Option<usize>, String);

enum Block {
    Done {
        lines: u64,
    },
    /// From `offset` (at line `line`, named `at`) on, the `csv` crate reads.
    NeedsCsv {
        offset: usize,
        line: u64,
        at: u64,
    },
}

/// Parses complete lines (`data`, starting at line `first_line`) in
/// parallel and merges them into `acc` in file order.
fn parse_block(
    data: &[u8],
    first_line: u64,
    acc: &mut Accumulator,
    tuning: Tuning,
    max_line: u64,
) -> Result<Block, Bad> {
    let chunks = split_chunks(data, tuning.chunk_bytes.max(1));
    let with_tab = acc.with_tab;
    let parsed: Vec<Chunk> = chunks
        .par_iter()
        .map(|text| parse_chunk(text, with_tab, max_line))
        .collect();
    let mut line = first_line;
    let mut offset = 0;
    for (text, mut chunk) in chunks.iter().zip(parsed) {
        let stop = chunk.stop.take();
        let lines = chunk.lines;
        // The line named for the chunk's first record follows from the
        // record before it, in an earlier chunk.
        let named = |at: u64, first: bool| match acc.next_ref {
            Some(known) if first => known,
            _ => line + at,
        };
        let named_first = chunk
            .first_event_first
            .then(|| chunk.first_record.map(|f| named(f, true)))
            .flatten();
        let named_stop = stop.as_ref().map(|s| match *s {
            Stop::Bad(at, first, ..) | Stop::NeedsCsv { at, first, .. } => named(at, first),
        });
        acc.merge(chunk, line, named_first)?;
        match (stop, named_stop) {
            (Some(Stop::Bad(_, _, column, message)), Some(at)) => {
                return Err((at, column, message));
            }
            (
                Some(Stop::NeedsCsv {
                    line: l, offset: o, ..
                }),
                Some(at),
            ) => {
                return Ok(Block::NeedsCsv {
                    offset: offset + o,
                    line: line + l,
                    at,
                });
            }
            _ => {}
        }
        line += lines;
        offset += text.len();
    }
    Ok(Block::Done {
        lines: line - first_line,
    })
}

/// Cuts `data` after the first line end at or past every `target` bytes.
fn split_chunks(data: &[u8], target: usize) -> Vec<&[u8]> {
    let mut chunks = Vec::with_capacity(data.len() / target + 1);
    let mut start = 0;
    while start < data.len() {
        let probe = start + target;
        let end = if probe >= data.len() {
            data.len()
        } else {
            memchr(b'\n', &data[probe - 1..]).map_or(data.len(), |i| probe + i)
        };
        chunks.push(&data[start..end]);
        start = end;
    }
    chunks
}

/// Why a chunk stopped before its end (line numbers count from the chunk's first).
/// `first`: the line is the chunk's first record, whose name is provisional.
enum Stop {
    Bad(u64, bool, Option<usize>, String),
    /// The line at `line`, `offset` bytes into the chunk, needs the `csv`
    /// crate; `at` is the line the reference reader names for it.
    NeedsCsv {
        line: u64,
        offset: usize,
        at: u64,
        first: bool,
    },
}

fn parse_chunk(text: &[u8], with_tab: bool, max_line: u64) -> Chunk<'_> {
    let mut chunk = Chunk::new(text.len() / 24);
    let mut pos = 0;
    let mut line = 0u64;
    while pos < text.len() {
        let (raw, next, lf) = match memchr(b'\n', &text[pos..]) {
            Some(i) => {
                let content = &text[pos..pos + i];
                let raw = strip_cr(content);
                (raw, pos + i + 1, raw.len() == content.len())
            }
            None => (&text[pos..], text.len(), false),
        };
        if !raw.is_empty() {
            // The line the reference reader names (see `Chunk::next_ref`);
            // for the chunk's first record, provisional until the merge.
            let first = chunk.next_ref.is_none();
            let at = chunk.next_ref.unwrap_or(line);
            if first {
                chunk.first_record = Some(line);
            }
            let Some(fields) = split_line(raw) else {
                chunk.stop = Some(Stop::NeedsCsv {
                    line,
                    offset: pos,
                    at,
                    first,
                });
                return chunk;
            };
            match check_line(&fields, with_tab, max_line) {
                Err((column, message)) => {
                    chunk.stop = Some(Stop::Bad(at, first, column, message));
                    return chunk;
                }
                Ok(None) => {}
                Ok(Some(event)) => {
                    chunk.first_event_first |= first;
                    if let Err(message) = chunk.push(&event, at, Cow::Borrowed) {
                        chunk.stop = Some(Stop::Bad(at, first, Some(1), message));
                        return chunk;
                    }
                }
            }
            chunk.next_ref = Some(line + u64::from(lf));
        }
        line += 1;
        pos = next;
    }
    chunk.lines = line;
    chunk
}

/// A record's first four fields (no more are ever looked at), how many
/// fields it has, and its length without the commas.
struct Fields<'a> {
    first: [&'a [u8]; 4],
    count: usize,
    content: u64,
}

impl Fields<'_> {
    /// The 1-based column where field `i` starts, as the fields' lengths
    /// give it (for a quoted field, the length unquoted, as before).
    fn column(&self, i: usize) -> usize {
        self.first[..i].iter().map(|f| f.len() + 1).sum::<usize>() + 1
    }

    fn from_record(record: &csv::ByteRecord) -> Fields<'_> {
        let mut first: [&[u8]; 4] = [b""; 4];
        for (slot, field) in first.iter_mut().zip(record.iter()) {
            *slot = field;
        }
        Fields {
            first,
            count: record.len(),
            content: record.as_slice().len() as u64,
        }
    }
}

/// Splits a line at its commas; `None` if it holds a quote or a carriage
/// return (CSV the `csv` crate must take apart).
#[inline]
fn split_line(line: &[u8]) -> Option<Fields<'_>> {
    let mut first: [&[u8]; 4] = [b""; 4];
    let mut count = 0;
    let mut start = 0;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b',' => {
                if count < 4 {
                    first[count] = &line[start..i];
                }
                count += 1;
                start = i + 1;
            }
            b'"' | b'\r' => return None,
            _ => {}
        }
    }
    if count < 4 {
        first[count] = &line[start..];
    }
    Some(Fields {
        first,
        count: count + 1,
        content: (line.len() - count) as u64,
    })
}

/// One valid line.
struct Line<'a> {
    user: &'a str,
    event: Event,
    /// The column of the kind field.
    kind_column: usize,
    /// Whether that column follows from the user's name and the time
    /// (neither padded nor zero-filled), so it need not be remembered.
    predictable: bool,
}

/// Checks a record's fields in the order the reference reader does, so the
/// same problem is reported for the same line. `None` for a blank line.
#[inline]
fn check_line<'a>(
    f: &Fields<'a>,
    with_tab: bool,
    max_line: u64,
) -> Result<Option<Line<'a>>, (Option<usize>, String)> {
    if f.content > max_line {
        return Err((Some(1), too_long_message(max_line)));
    }
    if f.count == 1 && f.first[0].trim_ascii().is_empty() {
        return Ok(None);
    }
    let fields = if with_tab { 4 } else { 3 };
    if f.count != fields {
        let what = if f.count < fields {
            "missing field"
        } else {
            "too many fields"
        };
        let expected = if with_tab {
            "4 (user,time_ms,kind,tab)"
        } else {
            "3 (user,time_ms,kind)"
        };
        return Err((
            Some(f.column(f.count.min(fields) - 1)),
            format!("{what}: expected {expected}, found {}", f.count),
        ));
    }
    let at = |i: usize| Some(f.column(i));
    let not_utf8 = |i: usize| (at(i), "text is not valid UTF-8".to_string());
    let user = text(f.first[0]).ok_or_else(|| not_utf8(0))?;
    if user.is_empty() {
        return Err((at(0), "missing user".into()));
    }
    let time = match digits(f.first[1], 15) {
        Some(ms) => ms,
        None => {
            let t = text(f.first[1]).ok_or_else(|| not_utf8(1))?;
            parse_time(t).map_err(|m| (at(1), m))?
        }
    };
    let kind = match kind_of(f.first[2]) {
        Some(kind) => kind,
        None => {
            let t = text(f.first[2]).ok_or_else(|| not_utf8(2))?;
            EventKind::parse(t).ok_or_else(|| {
                (
                    at(2),
                    format!(
                        "unknown event kind {t:?} (expected view, request, submit, input, activity, close, sleep or wake)"
                    ),
                )
            })?
        }
    };
    let tab = if with_tab {
        match digits(f.first[3], 3).and_then(|t| u8::try_from(t).ok()) {
            Some(tab) => tab,
            None => {
                let t = text(f.first[3]).ok_or_else(|| not_utf8(3))?;
                parse_tab(t).map_err(|m| (at(3), m))?
            }
        }
    } else {
        0
    };
    Ok(Some(Line {
        user,
        event: Event::with_tab(time, kind, tab),
        kind_column: f.column(2),
        predictable: f.first[0].len() == user.len() && f.first[1].len() == decimal_digits(time),
    }))
}

/// A field as trimmed text, as the reference reader sees it.
#[inline]
fn text(field: &[u8]) -> Option<&str> {
    std::str::from_utf8(field).ok().map(str::trim)
}

/// A field of 1 to `max` ASCII digits, as a number; `None` for anything
/// else (which then takes the reference reader's path, messages and all).
#[inline]
fn digits(field: &[u8], max: usize) -> Option<u64> {
    if field.is_empty() || field.len() > max {
        return None;
    }
    let mut n = 0u64;
    for &b in field {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + u64::from(d);
    }
    Some(n)
}

fn decimal_digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

#[inline]
fn kind_of(field: &[u8]) -> Option<EventKind> {
    Some(match field {
        b"view" => EventKind::View,
        b"request" => EventKind::Request,
        b"submit" => EventKind::Submit,
        b"input" => EventKind::Input,
        b"activity" => EventKind::Activity,
        b"close" => EventKind::Close,
        b"sleep" => EventKind::Sleep,
        b"wake" => EventKind::Wake,
        _ => return None,
    })
}

/// What a chunk parsed: events in file order, their owners as chunk-local
/// user numbers, and where each line was (see [`Places`]).
struct Chunk<'a> {
    index: Map<Cow<'a, str>>,
    names: Vec<Cow<'a, str>>,
    /// Each local user's first event, for an error about the user.
    firsts: Vec<usize>,
    /// The previous line's user: a run of lines costs no lookup.
    last: Option<u32>,
    owners: Vec<u32>,
    events: Vec<Event>,
    places: Places,
    device: bool,
    /// Lines in the chunk (when it did not stop early).
    lines: u64,
    stop: Option<Stop>,
    /// The line of the chunk's first record (a line not empty).
    first_record: Option<u64>,
    /// Whether the chunk's first event is on its first record.
    first_event_first: bool,
    /// The line the reference reader names for the next record. The `csv`
    /// crate takes a record's line from what it consumed before it: after a
    /// record ended by LF, the next line; after CRLF (whose LF it consumes
    /// later), the record's own line; empty lines in between do not count.
    next_ref: Option<u64>,
}

impl<'a> Chunk<'a> {
    fn new(events: usize) -> Self {
        Chunk {
            index: Map::default(),
            names: Vec::new(),
            firsts: Vec::new(),
            last: None,
            owners: Vec::with_capacity(events),
            events: Vec::with_capacity(events),
            places: Places::default(),
            device: false,
            lines: 0,
            stop: None,
            first_record: None,
            first_event_first: false,
            next_ref: None,
        }
    }

    /// Adds a line's event at chunk line `line`; `own` turns the user's name
    /// into what the chunk keeps. An error for a chunk of 4 billion users.
    #[inline]
    fn push<'l>(
        &mut self,
        l: &Line<'l>,
        line: u64,
        own: impl FnOnce(&'l str) -> Cow<'a, str>,
    ) -> Result<(), String> {
        let owner = match self.last {
            Some(u) if *self.names[u as usize] == *l.user => u,
            _ => match self.index.get(l.user) {
                Some(&u) => u,
                None => {
                    let u = u32::try_from(self.names.len()).map_err(|_| "too many users")?;
                    let name = own(l.user);
                    self.index.insert(name.clone(), u);
                    self.names.push(name);
                    self.firsts.push(self.events.len());
                    u
                }
            },
        };
        self.last = Some(owner);
        let at = self.events.len() as u64;
        self.places.note(at, line, l.kind_column, l.predictable);
        self.device |= l.event.kind().is_device();
        self.owners.push(owner);
        self.events.push(l.event);
        Ok(())
    }
}

/// Where events' lines are, kept sparsely: a line number only where it is
/// not the previous event's line plus one (after blank lines, at the start
/// of a chunk), a kind column only where the user's name and the time do not
/// give it. Events are numbered in file order.
#[derive(Default)]
struct Places {
    /// (event, its line)
    lines: Vec<(u64, u64)>,
    /// (event, its kind column)
    columns: Vec<(u64, u64)>,
    prev_line: Option<u64>,
}

impl Places {
    #[inline]
    fn note(&mut self, event: u64, line: u64, kind_column: usize, predictable: bool) {
        if self.prev_line.is_none_or(|p| p + 1 != line) {
            self.lines.push((event, line));
        }
        self.prev_line = Some(line);
        if !predictable {
            self.columns.push((event, kind_column as u64));
        }
    }

    /// Appends another's places, its events numbered from `first_event` and
    /// its lines from `first_line`. `first_named`: the line (in file
    /// numbering) that names the other's first event, its line provisional.
    fn append(
        &mut self,
        other: &Places,
        first_event: u64,
        first_line: u64,
        first_named: Option<u64>,
    ) {
        for (k, &(event, line)) in other.lines.iter().enumerate() {
            match first_named {
                Some(named) if k == 0 && event == 0 => {
                    self.anchor(first_event, named);
                    // The next event's line followed from the first's.
                    if other.lines.get(1).is_none_or(|&(e, _)| e != 1) {
                        self.anchor(first_event + 1, first_line + line + 1);
                    }
                }
                _ => self.anchor(first_event + event, first_line + line),
            }
        }
        self.columns.extend(
            other
                .columns
                .iter()
                .map(|&(event, column)| (first_event + event, column)),
        );
    }

    /// Notes that `event` is on `line`, unless that follows from the last note.
    fn anchor(&mut self, event: u64, line: u64) {
        let predicted = self.lines.last().map(|&(e, l)| l + (event - e));
        if predicted != Some(line) {
            self.lines.push((event, line));
        }
    }

    fn line(&self, event: u64) -> u64 {
        let i = self.lines.partition_point(|&(e, _)| e <= event);
        match i.checked_sub(1).map(|i| self.lines[i]) {
            Some((e, line)) => line + (event - e),
            None => 1,
        }
    }

    /// The kind column, or `None` when the name and time give it.
    fn column(&self, event: u64) -> Option<u64> {
        self.columns
            .binary_search_by_key(&event, |&(e, _)| e)
            .ok()
            .map(|i| self.columns[i].1)
    }
}

/// The whole file so far, in file order.
struct Accumulator {
    with_tab: bool,
    index: Map<String>,
    names: Vec<String>,
    owners: Vec<u32>,
    events: Vec<Event>,
    places: Places,
    device: bool,
    /// The line the reference reader names for the next record (see `Chunk::next_ref`).
    next_ref: Option<u64>,
}

impl Accumulator {
    fn new(with_tab: bool) -> Self {
        Accumulator {
            with_tab,
            index: Map::default(),
            names: Vec::new(),
            owners: Vec::new(),
            events: Vec::new(),
            places: Places::default(),
            device: false,
            next_ref: None,
        }
    }

    /// Room for the events of a `size`-byte file whose body starts with
    /// `sample`, so the arrays are not copied as they grow.
    fn reserve_for(&mut self, size: u64, sample: &[u8]) {
        let lines = memchr::memchr_iter(b'\n', sample).count();
        if lines < 100 {
            return;
        }
        let estimate = (size as f64 / sample.len() as f64 * lines as f64 * 1.05) as usize;
        let estimate = estimate.min(1 << 32);
        // Only a hint: if the room cannot be had, the arrays grow as they fill.
        let _ = self.owners.try_reserve(estimate);
        let _ = self.events.try_reserve(estimate);
    }

    /// Adds a chunk (whose first line is `first_line`, and whose first record
    /// the reference reader names `named_first`) after what is there.
    fn merge(
        &mut self,
        chunk: Chunk,
        first_line: u64,
        named_first: Option<u64>,
    ) -> Result<(), Bad> {
        let mut global = Vec::with_capacity(chunk.names.len());
        for (k, name) in chunk.names.iter().enumerate() {
            let id = match self.index.get(&**name) {
                Some(&u) => u,
                None => {
                    let u = u32::try_from(self.names.len()).map_err(|_| {
                        let event = chunk.firsts[k] as u64;
                        let line = first_line + chunk.places.line(event);
                        (line, Some(1), "too many users".to_string())
                    })?;
                    self.index.insert(name.to_string(), u);
                    self.names.push(name.to_string());
                    u
                }
            };
            global.push(id);
        }
        let first_event = self.events.len() as u64;
        self.owners
            .extend(chunk.owners.iter().map(|&o| global[o as usize]));
        self.events.extend_from_slice(&chunk.events);
        // Chunk lines count from 0; `Places::line` answers 1 for "no
        // entry", so keep line numbers as they are and offset here.
        self.places
            .append(&chunk.places, first_event, first_line, named_first);
        self.device |= chunk.device;
        if let Some(next) = chunk.next_ref {
            self.next_ref = Some(first_line + next);
        }
        Ok(())
    }

    /// Groups the events by user, sorts each user's stably by time and
    /// checks the sleep rules.
    fn finish(self, source: &Path) -> Result<Trace, Diagnostics> {
        let Accumulator {
            index,
            names,
            owners,
            events,
            places,
            device,
            ..
        } = self;
        drop(index);
        let mut offsets = vec![0usize; names.len() + 1];
        for &o in &owners {
            offsets[o as usize + 1] += 1;
        }
        for u in 0..names.len() {
            offsets[u + 1] += offsets[u];
        }
        // Users numbered by first appearance: owners that never go down mean
        // each user's lines are one run, already grouped.
        let in_runs = owners.windows(2).all(|w| w[0] <= w[1]);
        // Regrouping holds the events twice; with at most 65 536 users the
        // owners take 2 bytes an event there instead of 4.
        let owners = if !in_runs && names.len() <= 1 << 16 {
            let narrow = owners.iter().map(|&o| o as u16).collect();
            drop(owners);
            Owners::Narrow(narrow)
        } else {
            Owners::Wide(owners)
        };
        let mut grouped = match (&owners, in_runs) {
            (_, true) => events,
            (Owners::Wide(o), false) => scatter(o, &offsets, events),
            (Owners::Narrow(o), false) => scatter(o, &offsets, events),
        };
        let mut slices = Vec::with_capacity(names.len());
        let mut rest = grouped.as_mut_slice();
        for u in 0..names.len() {
            let (mine, after) = rest.split_at_mut(offsets[u + 1] - offsets[u]);
            slices.push(mine);
            rest = after;
        }
        let mut faults: Vec<Fault> = slices
            .into_par_iter()
            .enumerate()
            .filter_map(|(user, events)| settle(user, events, device))
            .collect();
        if !faults.is_empty() {
            match &owners {
                Owners::Wide(o) => locate(&mut faults, o, &offsets, in_runs),
                Owners::Narrow(o) => locate(&mut faults, o, &offsets, in_runs),
            }
            if let Some(f) = faults.iter().min_by_key(|f| f.file_index) {
                let event = f.file_index as u64;
                let column = places
                    .column(event)
                    .unwrap_or_else(|| (names[f.user].len() + decimal_digits(f.time) + 3) as u64);
                // As the reference reader did: positions kept in 32 bits.
                let saturate = |n: u64| n.min(u64::from(u32::MAX));
                return Err(bad_line(
                    source,
                    saturate(places.line(event)),
                    Some(saturate(column) as usize),
                    format!("user {:?}: {}", names[f.user], f.message),
                ));
            }
        }
        drop(owners);
        grouped.shrink_to_fit();
        Ok(Trace {
            names,
            offsets,
            events: grouped,
            tabbed: Vec::new(),
        }
        .with_tab_flags())
    }
}

/// A user's first break of the sleep rules.
struct Fault {
    user: usize,
    /// Which of the user's lines, in file order.
    rank: usize,
    time: u64,
    message: String,
    /// Which event of the file (filled in by [`locate`]).
    file_index: usize,
}

/// Each event's user, in file order.
enum Owners {
    Wide(Vec<u32>),
    Narrow(Vec<u16>),
}

/// Counting sort by owner: each user's events, in file order.
fn scatter<O: Copy + Into<u64>>(owners: &[O], offsets: &[usize], events: Vec<Event>) -> Vec<Event> {
    let mut cursor = offsets[..offsets.len() - 1].to_vec();
    let mut grouped = vec![Event(0); events.len()];
    for (&o, &e) in owners.iter().zip(&events) {
        let c = &mut cursor[o.into() as usize];
        grouped[*c] = e;
        *c += 1;
    }
    grouped
}

/// Sorts one user's events (in file order) stably by time; with `device`
/// events in the file, checks the sleep rules on the sorted events.
fn settle(user: usize, events: &mut [Event], device: bool) -> Option<Fault> {
    let sorted = events.is_sorted_by_key(|e| e.time());
    if !device {
        if !sorted {
            events.sort_by_key(|e| e.time());
        }
        return None;
    }
    let fault = |rank: usize, time: u64, message: String| Fault {
        user,
        rank,
        time,
        message,
        file_index: 0,
    };
    if sorted {
        return first_sleep_error(events).map(|(k, msg)| fault(k, events[k].time(), msg));
    }
    let mut by_time = events.to_vec();
    by_time.sort_by_key(|e| e.time());
    let found = first_sleep_error(&by_time).map(|(k, msg)| {
        // The stable sort kept equal times in file order: the k-th event is
        // the r-th of its time in the file.
        let time = by_time[k].time();
        let r = k - by_time.partition_point(|e| e.time() < time);
        let rank = events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.time() == time)
            .nth(r)
            .map_or(k, |(i, _)| i);
        fault(rank, time, msg)
    });
    events.copy_from_slice(&by_time);
    found
}

/// Turns each fault's rank among its user's lines into its index in the file.
fn locate<O: Copy + Into<u64>>(
    faults: &mut [Fault],
    owners: &[O],
    offsets: &[usize],
    in_runs: bool,
) {
    if in_runs {
        for f in faults.iter_mut() {
            f.file_index = offsets[f.user] + f.rank;
        }
        return;
    }
    let mut wanted = vec![usize::MAX; offsets.len()];
    for (k, f) in faults.iter().enumerate() {
        wanted[f.user] = k;
    }
    let mut seen = vec![0usize; offsets.len()];
    for (i, &o) in owners.iter().enumerate() {
        let u = o.into() as usize;
        if let Some(f) = faults.get_mut(wanted[u])
            && seen[u] == f.rank
        {
            f.file_index = i;
        }
        seen[u] += 1;
    }
}

/// The rest of the input from `pos` in `head` on, as a reader.
struct Rest<'f, 'g> {
    head: Vec<u8>,
    pos: usize,
    fill: &'f mut Fill<'g>,
    more: bool,
}

impl<'f, 'g> Rest<'f, 'g> {
    fn new(head: Vec<u8>, pos: usize, fill: &'f mut Fill<'g>, more: bool) -> Self {
        Rest {
            head,
            pos,
            fill,
            more,
        }
    }
}

impl Read for Rest<'_, '_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.head.len() {
            if !self.more {
                return Ok(0);
            }
            self.head.clear();
            self.pos = 0;
            self.more = (self.fill)(&mut self.head, 1 << 20)?;
        }
        let n = out.len().min(self.head.len() - self.pos);
        out[..n].copy_from_slice(&self.head[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Reads the rest of the body (starting at line `first_line`) with the
/// `csv` crate, merging every 64 Ki events.
fn continue_with_csv(
    rest: impl Read,
    first_line: u64,
    first_named: u64,
    acc: &mut Accumulator,
    source: &Path,
    max_line: u64,
) -> Result<(), Diagnostics> {
    // An empty line first (which it skips): the `csv` crate would drop a
    // byte order mark at the start of its input, but this is mid-file.
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader((&b"\n"[..]).chain(rest));
    let mut record = csv::ByteRecord::new();
    let mut chunk: Chunk<'static> = Chunk::new(0);
    // Lines as the csv crate counts them, from 1 (the empty line), with this offset.
    let base = first_line.saturating_sub(2);
    let mut first = true;
    loop {
        let more = csv.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map_or(1, |p| p.line());
            let message = match e.kind() {
                csv::ErrorKind::Io(io) => format!("cannot read the trace: {io}"),
                _ => format!("malformed CSV: {e}"),
            };
            bad_line(source, base + line, None, message)
        })?;
        if !more {
            break;
        }
        // The first record's line follows from the record before it.
        let line = if first {
            first_named
        } else {
            base + record.position().map_or(1, |p| p.line())
        };
        first = false;
        let fields = Fields::from_record(&record);
        let checked = check_line(&fields, acc.with_tab, max_line)
            .map_err(|(column, message)| bad_line(source, line, column, message))?;
        let Some(event) = checked else { continue };
        chunk
            .push(&event, line, |u| Cow::Owned(u.to_string()))
            .map_err(|message| bad_line(source, line, Some(1), message))?;
        if chunk.events.len() >= 1 << 16 {
            let full = std::mem::replace(&mut chunk, Chunk::new(0));
            acc.merge(full, 0, None)
                .map_err(|(line, column, message)| bad_line(source, line, column, message))?;
        }
    }
    acc.merge(chunk, 0, None)
        .map_err(|(line, column, message)| bad_line(source, line, column, message))
}
