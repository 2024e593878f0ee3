//! Access logs dropped on the window: imported (`lapse::import`) on a thread
//! of their own into a canonical trace, which then becomes the scenario's
//! population. The trace is kept in Lapse's own data folder (`imports/`),
//! never written beside the user's log: the log's folder may be shared,
//! read-only or watched, and a file appearing there unasked is a surprise.
//! The notification says where it went.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::fsio::write_atomically;
use crate::import::{Import, ImportOptions, LogFormat, fill_activity, import_paths};
use crate::model::profile::Profile;
use crate::model::{Diagnostic, Diagnostics};

/// A finished import: the trace file written, and the import's summary.
#[derive(Debug)]
pub struct Imported {
    pub log: PathBuf,
    pub trace: PathBuf,
    pub summary: String,
    /// Whether modelled activity was added (`--fill-activity`).
    pub filled: bool,
}

/// What to import and where the trace goes.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    pub log: PathBuf,
    /// The folder the trace is written to (Lapse's imports folder).
    pub folder: PathBuf,
    /// Fill the pages with modelled activity from this profile and seed.
    pub fill: Option<(Profile, u64)>,
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

/// Lapse's folder for imported traces: `imports/` in its data folder, or
/// in the system's temporary folder when the platform gives none.
pub fn imports_folder(data_folder: Option<&Path>) -> PathBuf {
    data_folder.map_or_else(
        || std::env::temp_dir().join("lapse-imports"),
        |d| d.join("imports"),
    )
}

/// Where the trace imported from `log` goes, in `folder`: `access.log` ->
/// `access-1a2b3c4d.trace.csv` (`.filled.trace.csv` with modelled
/// activity). The 8 hex digits come from the log's absolute path, so two
/// logs of the same name (two servers' `access.log`) keep two traces, and
/// importing the same log again replaces its trace.
pub fn trace_path_for(log: &Path, folder: &Path, filled: bool) -> PathBuf {
    use sha2::{Digest, Sha256};
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
    let absolute = std::path::absolute(log).unwrap_or_else(|_| log.to_path_buf());
    let digest = Sha256::digest(absolute.as_os_str().as_encoded_bytes());
    let tag: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let kind = if filled { "filled.trace" } else { "trace" };
    folder.join(format!("{stem}-{tag}.{kind}.csv"))
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

/// Imports the request's log and writes its trace into the request's
/// folder; the result comes back through [`PendingImport::poll`], and
/// `wake` is called when it is there.
pub fn start(request: ImportRequest, wake: impl Fn() + Send + 'static) -> PendingImport {
    let (tx, answer) = channel();
    let log = request.log.clone();
    let spawned = std::thread::Builder::new()
        .name("lapse-import".into())
        .spawn(move || {
            let _ = tx.send(import(&request));
            wake();
        });
    // Without a thread the channel is closed, and `poll` says so.
    drop(spawned);
    PendingImport { log, answer }
}

fn import(request: &ImportRequest) -> Result<Imported, Diagnostics> {
    let log = &request.log;
    let options = ImportOptions {
        format: format_of(log),
        ..ImportOptions::default()
    };
    let mut import = import_paths(std::slice::from_ref(log), options)?;
    if import.trace.num_events() == 0 {
        return Err(Diagnostic::in_file(
            log,
            "no events to import: no line gave a user's view, request or submit",
        )
        .into());
    }
    if let Some((profile, seed)) = &request.fill {
        import = fill_activity(import, profile, *seed).map_err(|e| Diagnostic::in_file(log, e))?;
    }
    let Import { trace, summary } = import;
    std::fs::create_dir_all(&request.folder).map_err(|e| {
        crate::model::error::io_diagnostic(&request.folder, "create the imports folder", &e)
    })?;
    let out = trace_path_for(log, &request.folder, request.fill.is_some());
    write_atomically(&out, |w| trace.write_csv(w))?;
    Ok(Imported {
        log: log.to_path_buf(),
        trace: out,
        summary: summary.render(false),
        filled: request.fill.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn names_the_trace_after_the_log_in_the_imports_folder() {
        let folder = Path::new("/data/lapse/imports");
        let plain = trace_path_for(Path::new("/l/access.log"), folder, false);
        assert_eq!(plain.parent(), Some(folder));
        let name = plain.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        // `access-` then 8 hex digits then `.trace.csv`.
        assert_eq!(
            name.len(),
            "access-".len() + 8 + ".trace.csv".len(),
            "{name}"
        );
        assert!(
            name.starts_with("access-") && name.ends_with(".trace.csv"),
            "{name}"
        );
        // The same log, compressed, is another file; another folder's
        // `access.log` another trace; filled, another name again.
        let gz = trace_path_for(Path::new("/l/access.log.gz"), folder, false);
        assert!(gz.to_string_lossy().contains("/access-"));
        assert_ne!(gz, plain);
        assert_ne!(
            trace_path_for(Path::new("/m/access.log"), folder, false),
            plain
        );
        assert_eq!(
            trace_path_for(Path::new("/l/access.log"), folder, false),
            plain
        );
        let filled = trace_path_for(Path::new("/l/access.log"), folder, true);
        assert!(filled.to_string_lossy().ends_with(".filled.trace.csv"));
        assert_eq!(
            imports_folder(Some(Path::new("/data/lapse"))),
            Path::new("/data/lapse/imports")
        );
        assert_eq!(format_of(Path::new("x.jsonl.gz")), LogFormat::Jsonl);
        assert_eq!(format_of(Path::new("x.csv")), LogFormat::Csv);
        assert_eq!(format_of(Path::new("x.log")), LogFormat::Auto);
    }

    #[test]
    fn imports_a_combined_log_into_the_imports_folder_not_beside_it() {
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
        let data = tempfile::tempdir().expect("temp dir");
        let request = ImportRequest {
            log: log.clone(),
            folder: imports_folder(Some(data.path())),
            fill: None,
        };
        let pending = start(request, || {});
        let deadline = Instant::now() + Duration::from_secs(30);
        let done = loop {
            if let Some(done) = pending.poll() {
                break done;
            }
            assert!(Instant::now() < deadline, "the import never finished");
            std::thread::sleep(Duration::from_millis(5));
        };
        let imported = done.expect("imports");
        assert_eq!(imported.trace.parent(), Some(&*data.path().join("imports")));
        assert!(is_trace(&imported.trace));
        // The log's folder holds the log and nothing else.
        let beside: Vec<_> = std::fs::read_dir(dir.path())
            .expect("the log's folder")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(beside, ["access.log"]);
        // The same log through the library gives the same trace.
        let direct =
            import_paths(std::slice::from_ref(&log), ImportOptions::default()).expect("imports");
        let written = crate::model::Trace::load(&imported.trace).expect("the trace loads");
        assert_eq!(written.num_events(), direct.trace.num_events());
        assert_eq!(written.num_users(), direct.trace.num_users());
    }
}
