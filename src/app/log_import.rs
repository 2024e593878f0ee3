//! Access logs dropped on the window: imported (`lapse::import`) on a thread
//! of their own into a canonical trace written beside the log, which then
//! becomes the scenario's population.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::fsio::write_atomically;
use crate::import::{Import, ImportOptions, LogFormat, import_paths};
use crate::model::{Diagnostic, Diagnostics};

/// A finished import: the trace file written, and the import's summary.
#[derive(Debug)]
pub struct Imported {
    pub log: PathBuf,
    pub trace: PathBuf,
    pub summary: String,
}

/// An import under way.
pub struct PendingImport {
    pub log: PathBuf,
    answer: Receiver<Result<Imported, Diagnostics>>,
}

impl PendingImport {
    pub fn poll(&self) -> Option<Result<Imported, Diagnostics>> {
        match self.answer.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(Diagnostic::in_file(
                &self.log,
                "internal error: the import stopped",
            )
            .into())),
        }
    }
}

/// Whether a file is a canonical trace (its first line is the trace header),
/// as opposed to a log to import.
pub fn is_trace(path: &Path) -> bool {
    let mut head = [0u8; 64];
    let Ok(n) = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) else {
        return false;
    };
    let first = head[..n].split(|&b| b == b'\n').next().unwrap_or_default();
    let first: Vec<u8> = first
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    first == b"user,time_ms,kind"
}

/// Where the trace imported from `log` goes: `access.log` -> `access.trace.csv`.
pub fn trace_path_for(log: &Path) -> PathBuf {
    let stem = log
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "log".into());
    // `access.log.gz` -> `access`; `access.log` -> `access`.
    let stem = stem
        .split('.')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("log");
    log.with_file_name(format!("{stem}.trace.csv"))
}

/// The format to read a log in, from its name (the importer tells combined
/// from common by itself).
fn format_of(log: &Path) -> LogFormat {
    let name = log.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        LogFormat::Jsonl
    } else if name.ends_with(".csv") {
        LogFormat::Csv
    } else {
        LogFormat::Auto
    }
}

/// Imports `log` and writes its trace beside it; the result comes back
/// through [`PendingImport::poll`], and `wake` is called when it is there.
pub fn start(log: &Path, wake: impl Fn() + Send + 'static) -> PendingImport {
    let (tx, answer) = channel();
    let path = log.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name("lapse-import".into())
        .spawn(move || {
            let _ = tx.send(import(&path));
            wake();
        });
    // Without a thread the channel is closed, and `poll` says so.
    drop(spawned);
    PendingImport {
        log: log.to_path_buf(),
        answer,
    }
}

fn import(log: &Path) -> Result<Imported, Diagnostics> {
    let options = ImportOptions {
        format: format_of(log),
        ..ImportOptions::default()
    };
    let Import { trace, summary } = import_paths(&[log.to_path_buf()], options)?;
    let summary = summary.render(false);
    if trace.num_events() == 0 {
        return Err(Diagnostic::in_file(
            log,
            "no events to import: no line gave a user's view, request or submit",
        )
        .into());
    }
    let out = trace_path_for(log);
    write_atomically(&out, |w| trace.write_csv(w))?;
    Ok(Imported {
        log: log.to_path_buf(),
        trace: out,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn names_the_trace_after_the_log() {
        assert_eq!(
            trace_path_for(Path::new("/l/access.log")),
            Path::new("/l/access.trace.csv")
        );
        assert_eq!(
            trace_path_for(Path::new("/l/access.log.gz")),
            Path::new("/l/access.trace.csv")
        );
        assert_eq!(format_of(Path::new("x.jsonl.gz")), LogFormat::Jsonl);
        assert_eq!(format_of(Path::new("x.csv")), LogFormat::Csv);
        assert_eq!(format_of(Path::new("x.log")), LogFormat::Auto);
    }

    #[test]
    fn imports_a_combined_log_into_a_trace_beside_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("access.log");
        std::fs::copy(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/import/combined.log"
            ),
            &log,
        )
        .expect("copy the fixture");
        assert!(!is_trace(&log));
        let pending = start(&log, || {});
        let deadline = Instant::now() + Duration::from_secs(30);
        let done = loop {
            if let Some(done) = pending.poll() {
                break done;
            }
            assert!(Instant::now() < deadline, "the import never finished");
            std::thread::sleep(Duration::from_millis(5));
        };
        let imported = done.expect("imports");
        assert_eq!(imported.trace, dir.path().join("access.trace.csv"));
        assert!(is_trace(&imported.trace));
        // The same log through the library gives the same trace.
        let direct =
            import_paths(std::slice::from_ref(&log), ImportOptions::default()).expect("imports");
        let written = crate::model::Trace::load(&imported.trace).expect("the trace loads");
        assert_eq!(written.num_events(), direct.trace.num_events());
        assert_eq!(written.num_users(), direct.trace.num_users());
    }
}
