//! Every command carried out, in one `match` over [`Command`], after the UI
//! pass that asked for them. A new command does not compile until it has
//! its arm here.

use std::path::{Path, PathBuf};

use super::command::Command;
use super::document::{self, Document};
use super::file_dialogs::Purpose;
use super::modals::unsaved::{SaveAnswer, UnsavedChanges};
use super::notify::Action;
use super::{LapseApp, blank_scenario, default_file, file_export, log_import, views};
use crate::analysis::export::{Target, export};
use crate::analysis::param::Param;
use crate::analysis::sweep::SweepSpec;
use crate::engine::ScenarioRun;
use crate::model::{Diagnostic, Dur, Policy, Population, Scenario};

impl LapseApp {
    /// Carries out `command`, unless it would lose unsaved edits: then the
    /// user is asked first.
    pub(super) fn apply(&mut self, ctx: &egui::Context, command: Command) {
        let loses_edits = matches!(
            command,
            Command::New | Command::Open | Command::OpenPath(_) | Command::Quit
        );
        if loses_edits && self.doc.is_dirty() {
            self.hold_back(command);
        } else {
            self.carry_out(ctx, command);
        }
    }

    /// Keeps `command` until the user says what to do with their edits.
    pub(super) fn hold_back(&mut self, command: Command) {
        self.modals.unsaved = Some(UnsavedChanges { command });
    }

    /// What the user answered about their unsaved edits.
    pub(super) fn answer_unsaved(
        &mut self,
        ctx: &egui::Context,
        command: Command,
        answer: SaveAnswer,
    ) {
        match answer {
            SaveAnswer::Save => match self.doc.path.clone() {
                Some(path) => self.commands.push(Command::SaveTo {
                    path,
                    then: Some(Box::new(command)),
                }),
                None => {
                    let name = self.suggested("scenario", "ron");
                    self.ask(
                        ctx,
                        Purpose::SaveAs {
                            then: Some(Box::new(command)),
                        },
                        Some(name),
                    );
                }
            },
            SaveAnswer::Discard => self.commands.push(Command::Discard(Box::new(command))),
            SaveAnswer::Cancel => {}
        }
    }

    fn carry_out(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::New => {
                self.replace_document(Document::new(default_file()));
                self.open_error = None;
            }
            Command::Open => self.ask(ctx, Purpose::Open, None),
            Command::OpenPath(path) => self.open_path(&path),
            Command::Save => match self.doc.path.clone() {
                Some(path) => self.apply(ctx, Command::SaveTo { path, then: None }),
                None => self.ask(
                    ctx,
                    Purpose::SaveAs { then: None },
                    Some(self.suggested("scenario", "ron")),
                ),
            },
            Command::SaveAs => self.ask(
                ctx,
                Purpose::SaveAs { then: None },
                Some(self.suggested("scenario", "ron")),
            ),
            Command::SaveTo { path, then } => match self.doc.save_to(&path) {
                Ok(()) => {
                    self.state.remember(&path);
                    self.texts.clear();
                    self.toasts
                        .succeeded(Action::Save, format!("Saved {}", path.display()));
                    if let Some(then) = then {
                        self.commands.push(*then);
                    }
                }
                Err(e) => self
                    .toasts
                    .failed(Action::Save, format!("Could not save: {e}")),
            },
            Command::Discard(command) => {
                if *command == Command::Quit {
                    self.window.discarded = true;
                }
                self.carry_out(ctx, *command);
            }
            Command::UseTrace(path) => self.use_trace(ctx, &path),
            Command::ChooseTrace => self.ask(ctx, Purpose::ChooseTrace, None),
            Command::FillImport(log) => self.start_import(ctx, &log, true),
            Command::Undo => {
                if self.doc.undo() {
                    self.texts.clear();
                }
            }
            Command::Redo => {
                if self.doc.redo() {
                    self.texts.clear();
                }
            }
            Command::AddPolicy => {
                self.doc.checkpoint();
                let name = unique_name(&self.doc.scenario.policies, "new policy");
                self.doc.scenario.policies.push(Policy::named(name));
                self.selected_policy = self.doc.scenario.policies.len() - 1;
            }
            Command::DuplicatePolicy(i) => self.duplicate_policy(i),
            Command::DeletePolicy(i) => self.delete_policy(i),
            Command::MovePolicy { from, to } => {
                let n = self.doc.scenario.policies.len();
                if from < n && to < n && from != to {
                    self.doc.checkpoint();
                    self.doc.scenario.policies.swap(from, to);
                    self.selected_policy = to;
                    self.texts.clear();
                }
            }
            Command::SelectPolicy(i) => {
                if i < self.doc.scenario.policies.len() {
                    self.selected_policy = i;
                }
            }
            Command::Rerun => self.sim.rerun = true,
            Command::ExportPng => self.ask(
                ctx,
                Purpose::ExportPng,
                Some(self.suggested("plots", "png")),
            ),
            Command::ExportResultsCsv => self.ask(
                ctx,
                Purpose::ExportResultsCsv,
                Some(self.suggested("results", "csv")),
            ),
            Command::ExportSeriesCsv => self.ask(
                ctx,
                Purpose::ExportSeriesCsv,
                Some(self.suggested("series", "csv")),
            ),
            Command::WritePng(path) => {
                self.capture.path = Some(path);
                let tx = self.capture.screenshots.0.clone();
                let wake = ctx.clone();
                ctx.request_screenshot(move |image| {
                    let _ = tx.send(image);
                    wake.request_repaint();
                });
            }
            Command::ExportReport => self.ask(
                ctx,
                Purpose::ExportReport,
                Some(self.suggested("report", "html")),
            ),
            Command::WriteReport(path) => self.write_report(&path),
            Command::WriteResultsCsv(path) => {
                self.write_csv(&path, file_export::write_results_csv, "results")
            }
            Command::WriteSeriesCsv(path) => {
                self.write_csv(&path, file_export::write_series_csv, "time series")
            }
            Command::RunSweep { policy, spec } => self.run_sweep(ctx, policy, spec),
            Command::CancelSweep => self.state.results.analysis.cancel(),
            Command::ApplyParam {
                policy,
                param,
                value,
            } => self.apply_param(policy, param, value),
            Command::CopySettings { policy, target } => self.copy_settings(ctx, policy, target),
            Command::Recommend { policy, standard } => self.start_recommend(ctx, policy, standard),
            Command::AddRecommended { beside, policy } => self.add_recommended(beside, *policy),
            Command::Quit => {
                self.window.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn duplicate_policy(&mut self, i: usize) {
        if let Some(policy) = self.doc.scenario.policies.get(i).cloned() {
            self.doc.checkpoint();
            let name = unique_name(
                &self.doc.scenario.policies,
                &format!("{} copy", policy.name),
            );
            self.doc
                .scenario
                .policies
                .insert(i + 1, Policy { name, ..policy });
            self.selected_policy = i + 1;
            self.texts.clear();
        }
    }

    fn delete_policy(&mut self, i: usize) {
        let policies = &mut self.doc.scenario.policies;
        if i < policies.len() && policies.len() > 1 {
            self.doc.checkpoint();
            let removed = self.doc.scenario.policies.remove(i);
            self.selected_policy = i.min(self.doc.scenario.policies.len() - 1);
            self.texts.clear();
            self.toasts.info(format!(
                "Deleted policy “{}” (Undo brings it back)",
                removed.name
            ));
        }
    }

    fn write_csv(
        &mut self,
        path: &Path,
        write: fn(&Path, &ScenarioRun) -> Result<(), Diagnostic>,
        what: &str,
    ) {
        let Some(results) = &self.sim.results else {
            self.toasts.error("There are no results to export yet.");
            return;
        };
        match write(path, &results.run) {
            Ok(()) => self.toasts.succeeded(
                Action::Export,
                format!("Exported the {what} to {}", path.display()),
            ),
            Err(e) => self
                .toasts
                .failed(Action::Export, format!("Could not export the {what}: {e}")),
        }
    }

    fn write_report(&mut self, path: &Path) {
        let Some(results) = &self.sim.results else {
            self.toasts.error("There are no results to report yet.");
            return;
        };
        match super::report::export_report(results, &self.doc, self.selected_policy, path) {
            Ok(()) => self.toasts.succeeded(
                Action::Export,
                format!("Exported the report to {}", path.display()),
            ),
            Err(e) => self
                .toasts
                .failed(Action::Export, format!("Could not export the report: {e}")),
        }
    }

    /// A file name to suggest in a save dialog: `example-b-plots.png`.
    fn suggested(&self, what: &str, ext: &str) -> String {
        let stem = self
            .doc
            .path
            .as_deref()
            .and_then(Path::file_stem)
            .map(|s| s.to_string_lossy().into_owned());
        match (stem, what) {
            (Some(stem), "scenario") => format!("{stem}.{ext}"),
            (Some(stem), _) => format!("{stem}-{what}.{ext}"),
            (None, _) => format!("{what}.{ext}"),
        }
    }

    fn open_path(&mut self, path: &Path) {
        match document::open(path) {
            Ok(file) => {
                self.replace_document(Document::new(file));
                self.state.remember(path);
                self.open_error = None;
                self.toasts
                    .succeeded(Action::Open, format!("Opened {}", path.display()));
            }
            Err(problems) => {
                self.toasts.failed(
                    Action::Open,
                    format!("Could not open {}: see the problems below", path.display()),
                );
                self.open_error = Some((path.to_path_buf(), problems));
            }
        }
    }

    /// Makes the trace at `path` the population (an edit: undo reverts it).
    fn use_trace(&mut self, ctx: &egui::Context, path: &Path) {
        if !log_import::is_trace(path) {
            // An access log: import it into a trace first (on its own thread).
            self.start_import(ctx, path, false);
            return;
        }
        self.doc.checkpoint();
        let base = self.doc.base_dir();
        let relative = path
            .strip_prefix(&base)
            .ok()
            .filter(|_| !base.as_os_str().is_empty())
            .map_or_else(|| path.to_path_buf(), Path::to_path_buf);
        self.doc.scenario.population = Population::Trace { path: relative };
        self.texts.clear();
        self.toasts
            .info(format!("Replaying the users of {}", path.display()));
    }

    /// Imports the access log at `log` on its own thread into Lapse's
    /// imports folder; `fill`: with modelled activity from the scenario's
    /// `office` profile (or the built-in one) and the scenario's seed.
    fn start_import(&mut self, ctx: &egui::Context, log: &Path, fill: bool) {
        if self.import.is_some() {
            self.toasts.error("An import is already running.");
            return;
        }
        let fill = fill.then(|| {
            let scenario = &self.doc.scenario;
            let profile = crate::generate::fill::find_profile("office", &scenario.profiles)
                .unwrap_or_else(|_| crate::model::profile::Profile::office("office"));
            (profile, scenario.seed)
        });
        let request = log_import::ImportRequest {
            log: log.to_path_buf(),
            folder: log_import::imports_folder(self.data_folder.as_deref()),
            fill,
        };
        let wake = ctx.clone();
        self.import = Some(log_import::start(request, move || wake.request_repaint()));
    }

    pub(super) fn replace_document(&mut self, doc: Document) {
        self.doc = doc;
        self.texts.clear();
        self.selected_policy = 0;
        self.state.results.timeline = Default::default();
    }

    fn run_sweep(&mut self, ctx: &egui::Context, index: usize, spec: SweepSpec) {
        let Some(results) = &self.sim.results else {
            self.toasts
                .error("There is nothing to sweep yet: the simulation has not run.");
            return;
        };
        if results.scenario != self.doc.scenario {
            self.toasts.error(
                "The scenario changed since the last simulation: sweep once it has run again.",
            );
            return;
        }
        let Some(policy) = results.scenario.policies.get(index) else {
            return;
        };
        let wake = ctx.clone();
        match views::sweep::start(
            index,
            policy,
            &results.scenario,
            &results.trace,
            spec,
            move || wake.request_repaint(),
        ) {
            Ok(running) => {
                // Replacing a running sweep cancels it.
                self.state.results.analysis.start(running);
            }
            Err(e) => self
                .toasts
                .error(format!("Could not start the sweep thread: {e}")),
        }
    }

    fn start_recommend(
        &mut self,
        ctx: &egui::Context,
        index: usize,
        standard: crate::analysis::Standard,
    ) {
        let Some(results) = &self.sim.results else {
            self.toasts
                .error("There is nothing to search yet: the simulation has not run.");
            return;
        };
        if results.scenario != self.doc.scenario {
            self.toasts.error(
                "The scenario changed since the last simulation: recommend once it has run again.",
            );
            return;
        }
        if let Some(running) = self.recommending.take() {
            running.cancel();
        }
        self.toasts.info(format!(
            "Searching for the least disruptive policy that passes {standard}…"
        ));
        let wake = ctx.clone();
        self.recommending = super::recommend::start(
            index,
            &results.scenario,
            &results.trace,
            standard,
            move || wake.request_repaint(),
        );
    }

    /// Adds a recommended policy after policy `beside` and selects it: one
    /// undoable edit.
    fn add_recommended(&mut self, beside: usize, mut policy: Policy) {
        let at = (beside + 1).min(self.doc.scenario.policies.len());
        self.doc.checkpoint();
        policy.name = unique_name(&self.doc.scenario.policies, &policy.name);
        let name = policy.name.clone();
        self.doc.scenario.policies.insert(at, policy);
        self.selected_policy = at;
        self.texts.clear();
        self.toasts
            .info(format!("Added “{name}” (Undo removes it)"));
    }

    /// Sets one field of a policy as one undoable edit.
    fn apply_param(&mut self, index: usize, param: Param, value: Dur) {
        let Some(policy) = self.doc.scenario.policies.get(index) else {
            return;
        };
        match param.with(policy, value) {
            Ok(changed) => {
                if changed == *policy {
                    self.selected_policy = index;
                    return;
                }
                let name = changed.name.clone();
                self.doc.checkpoint();
                self.doc.scenario.policies[index] = changed;
                self.selected_policy = index;
                self.texts.clear();
                self.toasts.info(format!(
                    "Set {param} of “{name}” to {value} (Undo reverts it)"
                ));
            }
            Err(reason) => self.toasts.error(reason),
        }
    }

    fn copy_settings(&mut self, ctx: &egui::Context, index: usize, target: Target) {
        let Some(policy) = self.doc.scenario.policies.get(index) else {
            return;
        };
        ctx.copy_text(export(policy, target).server);
        self.toasts.info(format!(
            "Copied the {} settings of “{}” to the clipboard",
            target_name(target),
            policy.name
        ));
    }
}

/// The framework's name as people write it.
fn target_name(target: Target) -> &'static str {
    match target {
        Target::Flask => "Flask",
        Target::Django => "Django",
        Target::Express => "express-session",
        Target::Spring => "Spring Boot",
        Target::AspNet => "ASP.NET Core",
    }
}

/// Unsaved edits brought back: what they are measured against is the file
/// as it is on disk, or the default scenario for an untitled one.
pub(super) fn restored_document(scenario: Scenario, path: Option<PathBuf>) -> Document {
    let baseline = match &path {
        Some(p) => match document::open(p) {
            Ok(file) => file.scenario,
            // The file is gone or broken: everything restored is unsaved.
            Err(_) => blank_scenario(),
        },
        None => default_file().scenario,
    };
    Document::restored(scenario, path, baseline)
}

/// A policy name not used yet: `new policy`, `new policy 2`, ...
fn unique_name(policies: &[Policy], base: &str) -> String {
    let taken = |name: &str| policies.iter().any(|p| p.name == name);
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|k| format!("{base} {k}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_policy_names_do_not_clash() {
        let policies = vec![Policy::named("new policy"), Policy::named("new policy 2")];
        assert_eq!(unique_name(&policies, "new policy"), "new policy 3");
        assert_eq!(unique_name(&policies, "alert copy"), "alert copy");
    }
}
