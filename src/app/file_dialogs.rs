//! Native file dialogs (rfd). On Linux they run on a helper thread, so the
//! window keeps drawing while the portal's dialog is open; elsewhere the OS
//! dialog is modal and runs where it must, on the main thread. A dialog that
//! cannot open (no desktop portal, no display) simply answers "no file".

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use super::command::Command;

/// What a dialog is for, and so which command its answer becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    Open,
    /// Save As; then carry on with the command that asked for the save.
    SaveAs {
        then: Option<Box<Command>>,
    },
    ChooseTrace,
    ExportPng,
    ExportResultsCsv,
    ExportSeriesCsv,
    ExportReport,
}

impl Purpose {
    pub fn title(&self) -> &'static str {
        match self {
            Purpose::Open => "Open a scenario",
            Purpose::SaveAs { .. } => "Save the scenario as",
            Purpose::ChooseTrace => "Choose a trace (CSV)",
            Purpose::ExportPng => "Export the plots as PNG",
            Purpose::ExportResultsCsv => "Export the results as CSV",
            Purpose::ExportSeriesCsv => "Export the time series as CSV",
            Purpose::ExportReport => "Export a report",
        }
    }

    fn saves(&self) -> bool {
        !matches!(self, Purpose::Open | Purpose::ChooseTrace)
    }

    fn filters(&self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            Purpose::Open | Purpose::SaveAs { .. } => &[("Lapse scenario", &["ron"])],
            Purpose::ChooseTrace => &[
                (
                    "Trace or access log",
                    &["csv", "log", "jsonl", "ndjson", "gz"],
                ),
                ("Trace (user,time_ms,kind)", &["csv"]),
            ],
            Purpose::ExportPng => &[("PNG image", &["png"])],
            Purpose::ExportResultsCsv | Purpose::ExportSeriesCsv => &[("CSV", &["csv"])],
            Purpose::ExportReport => &[("HTML report", &["html"]), ("Markdown report", &["md"])],
        }
    }

    /// The command the chosen path turns into.
    pub fn command(self, path: PathBuf) -> Command {
        match self {
            Purpose::Open => Command::OpenPath(path),
            Purpose::SaveAs { then } => Command::SaveTo { path, then },
            Purpose::ChooseTrace => Command::UseTrace(path),
            Purpose::ExportPng => Command::WritePng(path),
            Purpose::ExportResultsCsv => Command::WriteResultsCsv(path),
            Purpose::ExportSeriesCsv => Command::WriteSeriesCsv(path),
            Purpose::ExportReport => Command::WriteReport(path),
        }
    }
}

/// A dialog that is open, waiting for the user.
pub struct Pending {
    pub purpose: Purpose,
    answer: Receiver<Option<PathBuf>>,
    opened: Instant,
    /// Where the dialog started and the name it suggested, for the fallback.
    pub suggestion: PathBuf,
}

/// No person cancels a dialog this fast: a "no file" answer sooner than this
/// means no dialog could open (no desktop portal, no zenity).
const TOO_FAST: Duration = Duration::from_millis(300);

impl Pending {
    /// `Some(answer)` once the dialog closed (`None` inside: cancelled).
    pub fn poll(&self) -> Option<Option<PathBuf>> {
        match self.answer.try_recv() {
            Ok(answer) => Some(answer),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(None),
        }
    }

    /// Whether a "no file" answer means the dialog never opened.
    pub fn failed_to_open(&self) -> bool {
        self.opened.elapsed() < TOO_FAST
    }
}

/// Opens a dialog; `folder` and `name` suggest where and what.
pub fn open(
    purpose: Purpose,
    folder: Option<&Path>,
    name: Option<&str>,
    wake: impl Fn() + Send + 'static,
) -> Pending {
    let mut dialog = rfd::FileDialog::new().set_title(purpose.title());
    for (filter_name, extensions) in purpose.filters() {
        dialog = dialog.add_filter(*filter_name, extensions);
    }
    if let Some(folder) = folder.filter(|f| f.is_dir()) {
        dialog = dialog.set_directory(folder);
    }
    if let Some(name) = name {
        dialog = dialog.set_file_name(name);
    }
    let suggestion = folder
        .unwrap_or(Path::new(""))
        .join(name.unwrap_or_default());
    let suggestion = std::path::absolute(&suggestion).unwrap_or(suggestion);
    let saves = purpose.saves();
    let run = move || {
        let answer = if saves {
            dialog.save_file()
        } else {
            dialog.pick_file()
        };
        wake();
        answer
    };
    let (tx, answer) = channel();
    if cfg!(target_os = "linux") {
        let spawned = std::thread::Builder::new()
            .name("lapse-file-dialog".into())
            .spawn(move || {
                let _ = tx.send(run());
            });
        // Without a thread the answer channel is closed: read as "cancelled".
        drop(spawned);
    } else {
        let _ = tx.send(run());
    }
    Pending {
        purpose,
        answer,
        opened: Instant::now(),
        suggestion,
    }
}
