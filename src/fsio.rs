//! Writing files without ever leaving a half-written one behind.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::model::error::{Diagnostic, io_diagnostic};

/// Writes `path` through a temporary file in the same folder, renamed into place
/// only once everything was written and flushed. On failure the old file (if
/// any) is untouched and the temporary file is removed.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Diagnostic> {
    if path.is_dir() {
        return Err(Diagnostic::in_file(
            path,
            "cannot write: is a directory, not a file",
        ));
    }
    let temp = temp_path(path);
    let result = (|| {
        let file = File::create(&temp)?;
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        io_diagnostic(path, "write", &e)
    })
}

/// Writes to `out` atomically (see [`write_atomically`]), or to standard
/// output when there is no `out`. On standard output a write error is
/// dropped: it is a closed pipe (`lapse ... | head`), not worth reporting.
pub fn write_to(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Diagnostic> {
    match out {
        Some(path) => write_atomically(path, write),
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = write(&mut stdout).and_then(|()| stdout.flush());
            Ok(())
        }
    }
}

/// `dir/.name.PID.tmp`, beside the target so the rename stays on one file system.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").expect("seed");
        let err = write_atomically(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(leftovers.len(), 1, "the temporary file is removed");
    }

    #[test]
    fn a_good_write_replaces_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").expect("seed");
        write_atomically(&path, |w| w.write_all(b"new")).expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
    }
}
