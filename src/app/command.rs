//! Everything the user can ask the app to do. Menus, buttons, shortcuts and
//! drops all produce a [`Command`]; the app collects them during the UI pass
//! and applies them after it, so no widget changes state under another.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::analysis::Standard;
use crate::analysis::export::Target;
use crate::analysis::param::Param;
use crate::analysis::sweep::SweepSpec;
use crate::model::{Dur, Policy};

/// Made during the UI pass and carried out after it: a command dropped
/// on the floor is a button that does nothing.
#[must_use]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    New,
    Open,
    /// Open this scenario (recent files, drag-and-drop, the command line).
    OpenPath(PathBuf),
    Save,
    SaveAs,
    /// Save to this file, then carry on with `then` (the command that needed
    /// the scenario saved first).
    SaveTo {
        path: PathBuf,
        then: Option<Box<Command>>,
    },
    /// Carry out a command that would lose unsaved edits, without asking.
    Discard(Box<Command>),
    /// Use this trace file as the scenario's population.
    UseTrace(PathBuf),
    /// Pick a trace file in a dialog, for the population.
    ChooseTrace,
    /// Import this access log again, its pages filled with modelled typing
    /// and reading, and use that trace.
    FillImport(PathBuf),
    Undo,
    Redo,
    AddPolicy,
    DuplicatePolicy(usize),
    DeletePolicy(usize),
    MovePolicy {
        from: usize,
        to: usize,
    },
    /// Read the population again and re-simulate.
    Rerun,
    ExportPng,
    ExportResultsCsv,
    ExportSeriesCsv,
    ExportReport,
    WritePng(PathBuf),
    WriteResultsCsv(PathBuf),
    WriteSeriesCsv(PathBuf),
    WriteReport(PathBuf),
    /// Sweep one field of policy `policy` (on a thread of its own).
    RunSweep {
        policy: usize,
        spec: SweepSpec,
    },
    CancelSweep,
    /// Set one field of a policy (a trade-off point clicked): one undoable edit.
    ApplyParam {
        policy: usize,
        param: Param,
        value: Dur,
    },
    SelectPolicy(usize),
    /// Search for the policy that disrupts people least while passing
    /// `standard`, starting from policy `policy` (on its own thread).
    Recommend {
        policy: usize,
        standard: Standard,
    },
    /// Add this policy beside policy `beside` (a recommendation taken): one
    /// undoable edit.
    AddRecommended {
        beside: usize,
        policy: Box<Policy>,
    },
    /// Put a policy's settings for a framework on the clipboard.
    CopySettings {
        policy: usize,
        target: Target,
    },
    Quit,
}

const fn cmd(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn cmd_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(
        Modifiers {
            shift: true,
            ..Modifiers::COMMAND
        },
        key,
    )
}

impl Command {
    /// The commands that have a shortcut, most specific first: egui ignores
    /// extra Shift when matching, so Ctrl+Shift+S must be tried before Ctrl+S.
    pub const WITH_SHORTCUTS: [Command; 9] = [
        Command::SaveAs,
        Command::Redo,
        Command::New,
        Command::Open,
        Command::Save,
        Command::Undo,
        Command::AddPolicy,
        Command::Rerun,
        Command::Quit,
    ];

    pub fn label(&self) -> String {
        match self {
            Command::New => "New".into(),
            Command::Open => "Open…".into(),
            Command::OpenPath(path) => path.display().to_string(),
            Command::Save => "Save".into(),
            Command::SaveAs => "Save As…".into(),
            Command::SaveTo { path, .. } => format!("Save to {}", path.display()),
            Command::Discard(command) => format!("{} without saving", command.label()),
            Command::UseTrace(path) => format!("Use trace {}", path.display()),
            Command::ChooseTrace => "Choose trace or access log…".into(),
            Command::FillImport(_) => "Fill with modelled activity".into(),
            Command::Undo => "Undo".into(),
            Command::Redo => "Redo".into(),
            Command::AddPolicy => "Add policy".into(),
            Command::DuplicatePolicy(_) => "Duplicate policy".into(),
            Command::DeletePolicy(_) => "Delete policy".into(),
            Command::MovePolicy { from, to } => {
                if to < from {
                    "Move policy up".into()
                } else {
                    "Move policy down".into()
                }
            }
            Command::Rerun => "Re-run simulation".into(),
            Command::ExportPng => "Export plots as PNG…".into(),
            Command::ExportResultsCsv => "Export results as CSV…".into(),
            Command::ExportSeriesCsv => "Export time series as CSV…".into(),
            Command::ExportReport => "Export report…".into(),
            Command::WritePng(path)
            | Command::WriteResultsCsv(path)
            | Command::WriteSeriesCsv(path)
            | Command::WriteReport(path) => {
                format!("Write {}", path.display())
            }
            Command::RunSweep { .. } => "Run sweep".into(),
            Command::CancelSweep => "Cancel sweep".into(),
            Command::ApplyParam { param, value, .. } => format!("Set {param} to {value}"),
            Command::SelectPolicy(_) => "Select policy".into(),
            Command::Recommend { standard, .. } => format!("Recommend for {standard}…"),
            Command::AddRecommended { policy, .. } => format!("Add “{}”", policy.name),
            Command::CopySettings { target, .. } => match target {
                Target::Flask => "Copy as Flask config".into(),
                Target::Django => "Copy as Django settings".into(),
                Target::Express => "Copy as express-session options".into(),
                Target::Spring => "Copy as Spring Boot properties".into(),
                Target::AspNet => "Copy as ASP.NET Core options".into(),
            },
            Command::Quit => "Quit".into(),
        }
    }

    pub fn tooltip(&self) -> &'static str {
        match self {
            Command::New => "Start a new scenario from the default one",
            Command::Open => "Open a scenario file (.ron)",
            Command::OpenPath(_) => "Open this scenario file",
            Command::Save => "Save the scenario to its file",
            Command::SaveAs => "Save the scenario to a new file",
            Command::SaveTo { .. } => "Save the scenario to this file",
            Command::Discard(_) => "Go ahead and lose the unsaved edits",
            Command::UseTrace(_) => "Replay the users of this trace file",
            Command::FillImport(_) => {
                "Import the log again, adding typing before each submit and reading after each view from the office profile (the scenario's own, if it has one) with the scenario's seed; the logged requests stay as they are (docs/import.md)"
            }
            Command::ChooseTrace => {
                "Pick a trace in the canonical CSV (user,time_ms,kind), or a web server's access log (imported into a trace first), to replay against the policies"
            }
            Command::Undo => "Undo the last edit",
            Command::Redo => "Redo the last undone edit",
            Command::AddPolicy => "Add a policy with the SPEC defaults (idle timeout 30m)",
            Command::DuplicatePolicy(_) => "Copy this policy, to try a variation of it",
            Command::DeletePolicy(_) => "Remove this policy from the comparison",
            Command::MovePolicy { .. } => "Change the order policies are compared in",
            Command::Rerun => {
                "Read the population again (e.g. after the trace file changed) and re-simulate"
            }
            Command::ExportPng => "Save an image of the plots shown",
            Command::ExportResultsCsv => {
                "Save every metric of every policy, one row a policy (as `lapse run --format csv`)"
            }
            Command::ExportSeriesCsv => {
                "Save the counts per time bucket, one row a policy and bucket"
            }
            Command::ExportReport => {
                "Save a report to send (HTML, or Markdown with SVG plots): the answer, the plots, the compliance verdicts and the settings, as `lapse report`"
            }
            Command::WritePng(_)
            | Command::WriteResultsCsv(_)
            | Command::WriteSeriesCsv(_)
            | Command::WriteReport(_) => "Write the export to this file",
            Command::RunSweep { .. } => {
                "Run the selected policy at every value of the field, on its own thread"
            }
            Command::CancelSweep => "Stop the sweep under way",
            Command::ApplyParam { .. } => "Give the policy this value (Undo reverts it)",
            Command::SelectPolicy(_) => "Show this policy in the editor",
            Command::Recommend { .. } => {
                "Search the selected policy's structure (keepalive, warning, drafts, redirect, clock, tab sync) and durations for the one that logs out and loses the work of the fewest people at their screen while passing this standard (as `lapse recommend`)"
            }
            Command::AddRecommended { .. } => {
                "Add the chosen policy beside the one the search started from (Undo removes it)"
            }
            Command::CopySettings { .. } => {
                "Put the selected policy's server settings for this framework on the clipboard (as `lapse export`); what the framework cannot express is written as a comment"
            }
            Command::Quit => "Close Lapse",
        }
    }

    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        Some(match self {
            Command::New => cmd(Key::N),
            Command::Open => cmd(Key::O),
            Command::Save => cmd(Key::S),
            Command::SaveAs => cmd_shift(Key::S),
            Command::Undo => cmd(Key::Z),
            Command::Redo => cmd_shift(Key::Z),
            Command::AddPolicy => cmd(Key::P),
            Command::Rerun => KeyboardShortcut::new(Modifiers::NONE, Key::F5),
            Command::Quit => cmd(Key::Q),
            _ => return None,
        })
    }

    /// Whether a focused text field should get the keys instead (it has its
    /// own undo for the text being typed).
    pub fn yields_to_text_fields(&self) -> bool {
        matches!(self, Command::Undo | Command::Redo)
    }
}

/// The commands whose shortcuts were pressed this frame (their keys consumed).
pub fn from_shortcuts(ctx: &egui::Context) -> Vec<Command> {
    let typing = ctx.text_edit_focused();
    let mut out = Vec::new();
    ctx.input_mut(|input| {
        for command in Command::WITH_SHORTCUTS {
            if typing && command.yields_to_text_fields() {
                continue;
            }
            if let Some(shortcut) = command.shortcut()
                && input.consume_shortcut(&shortcut)
            {
                out.push(command);
            }
        }
    });
    out
}

/// A menu entry for a command: label, shortcut text and tooltip; disabled
/// (with the reason) when `enabled` is false.
pub fn menu_button(ui: &mut egui::Ui, command: &Command, enabled: bool) -> bool {
    let mut button = egui::Button::new(command.label());
    if let Some(shortcut) = command.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&shortcut));
    }
    let response = ui
        .add_enabled(enabled, button)
        .on_hover_text(command.tooltip());
    response.clicked()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shortcut_command_is_listed_once() {
        let with: Vec<_> = Command::WITH_SHORTCUTS
            .iter()
            .filter_map(Command::shortcut)
            .collect();
        assert_eq!(with.len(), Command::WITH_SHORTCUTS.len());
        for (i, a) in with.iter().enumerate() {
            assert!(!with[i + 1..].contains(a), "{a:?} twice");
        }
    }

    #[test]
    fn specific_shortcuts_come_before_the_ones_they_contain() {
        let pos = |c: Command| Command::WITH_SHORTCUTS.iter().position(|x| *x == c);
        assert!(pos(Command::SaveAs) < pos(Command::Save));
        assert!(pos(Command::Redo) < pos(Command::Undo));
    }
}
