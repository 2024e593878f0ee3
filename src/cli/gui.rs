//! `lapse gui` (and bare `lapse`): the window.

use std::path::PathBuf;

use super::Failure;
use crate::model::Diagnostic;

/// Opens the window. A file that does not exist is refused before any window
/// appears; a file that exists but does not load opens with its problems shown.
pub fn gui(file: Option<PathBuf>) -> Result<(), Failure> {
    if let Some(path) = &file
        && !path.is_file()
    {
        let why = if path.is_dir() {
            "is a directory, not a scenario file"
        } else {
            "no such file"
        };
        return Err(Diagnostic::in_file(path, why).into());
    }
    open_window(file)
}

#[cfg(feature = "gui")]
fn open_window(file: Option<PathBuf>) -> Result<(), Failure> {
    let start = match file {
        Some(path) => crate::app::Start::File(path),
        None => crate::app::Start::Restore,
    };
    crate::app::run(start)
        .map_err(|e| Failure::Internal(anyhow::anyhow!("cannot open the window: {e}")))
}

#[cfg(not(feature = "gui"))]
fn open_window(_file: Option<PathBuf>) -> Result<(), Failure> {
    Err(Failure::Internal(anyhow::anyhow!(
        "this lapse was built without the desktop app (cargo feature `gui`); see `lapse --help` for the commands"
    )))
}
