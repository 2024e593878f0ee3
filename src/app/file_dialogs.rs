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

/// The file a path typed into the fallback prompt names. The prompt starts
/// with the dialog's suggestion (`prefill`: a folder ending in a separator,
/// or a folder and a file name). An absolute path typed after that folder
/// (`/home/me/scenarios//tmp/a.ron`) means that path, not one inside the
/// folder; a relative one (`a.ron`) is taken from the folder, not from
/// wherever the program happened to start.
pub fn typed_path(text: &str, prefill: &Path) -> PathBuf {
    let text = text.trim();
    let folder = if prefill
        .as_os_str()
        .to_string_lossy()
        .ends_with(std::path::is_separator)
    {
        prefill
    } else {
        prefill.parent().unwrap_or(Path::new(""))
    };
    let folder_text = folder.to_string_lossy();
    let folder_text = folder_text.trim_end_matches(std::path::is_separator);
    if !folder_text.is_empty()
        && let Some(rest) = text.strip_prefix(folder_text)
    {
        // What follows the folder and one separator: absolute on its own?
        let after = rest.strip_prefix(std::path::is_separator).unwrap_or(rest);
        if Path::new(after).is_absolute() {
            return PathBuf::from(after);
        }
    }
    let typed = Path::new(text);
    if typed.is_absolute() || folder.as_os_str().is_empty() {
        typed.to_path_buf()
    } else {
        folder.join(typed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_typed_absolute_path_is_not_put_inside_the_folder() {
        let folder = Path::new("/home/me/scenarios/");
        // Typed after the prefilled folder: the absolute path wins.
        assert_eq!(
            typed_path("/home/me/scenarios//tmp/a.ron", folder),
            Path::new("/tmp/a.ron")
        );
        // The folder replaced by an absolute path: as typed.
        assert_eq!(typed_path(" /tmp/a.ron ", folder), Path::new("/tmp/a.ron"));
        // The prefilled folder completed with a name: inside it.
        assert_eq!(
            typed_path("/home/me/scenarios/a.ron", folder),
            Path::new("/home/me/scenarios/a.ron")
        );
        // A bare name: from the folder, not from the working directory.
        assert_eq!(
            typed_path("a.ron", folder),
            Path::new("/home/me/scenarios/a.ron")
        );
        // A save's suggestion (folder and name): the name selected and
        // replaced by an absolute path.
        let save = Path::new("/home/me/scenarios/untitled.ron");
        assert_eq!(
            typed_path("/home/me/scenarios//srv/b.ron", save),
            Path::new("/srv/b.ron")
        );
        assert_eq!(
            typed_path("b.ron", save),
            Path::new("/home/me/scenarios/b.ron")
        );
        // No folder suggested: as typed.
        assert_eq!(typed_path("b.ron", Path::new("")), Path::new("b.ron"));
    }
}
