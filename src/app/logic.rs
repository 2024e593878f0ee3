//! What happens every frame outside the UI pass: answers from the threads
//! (simulation, sweep, import, file dialogs, screenshots), files dropped on
//! the window, the close button, autosave and the title.

use std::path::{Path, PathBuf};

use super::command::Command;
use super::command_handling::restored_document;
use super::modals::import_summary::ImportSummary;
use super::modals::path_prompt::PathPrompt;
use super::notify::Action;
use super::{LapseApp, file_dialogs, file_export, log_import};
use crate::model::Scenario;

impl LapseApp {
    /// Picks up what the threads finished since the last frame.
    pub(super) fn poll(&mut self, ctx: &egui::Context) {
        self.poll_worker();
        self.poll_dialog();
        self.poll_import();
        self.poll_recommend();
        self.poll_screenshot(ctx);
        self.state
            .results
            .analysis
            .poll(self.sim.results.as_deref(), &self.doc.scenario);
    }

    /// Reopens the scenario of the last session, unsaved edits included.
    pub(super) fn restore_last_session(&mut self) {
        let Some(text) = self.state.last_scenario.clone() else {
            return;
        };
        let path = self.state.last_path.clone();
        let Ok(scenario) = Scenario::parse(&text, path.as_deref()) else {
            return;
        };
        self.doc = restored_document(scenario, path);
    }

    pub(super) fn pending_submit(&self) -> bool {
        self.doc.problems().is_empty() && !self.submitted_is_current()
    }

    /// The worker was last sent the document as it is now.
    fn submitted_is_current(&self) -> bool {
        self.sim
            .submitted
            .as_ref()
            .is_some_and(|(s, d)| *s == self.doc.scenario && *d == self.doc.base_dir())
    }

    fn poll_worker(&mut self) {
        let Some(worker) = self.sim.worker.as_mut() else {
            return;
        };
        if let Some(update) = worker.poll_replicates() {
            self.sim.replicates = Some(update);
        }
        if let Some(done) = worker.poll() {
            match done.result {
                Ok(results) => {
                    self.sim.results = Some(results);
                    self.sim.run_error = None;
                }
                Err(problems) => self.sim.run_error = Some(problems),
            }
        }
    }

    /// Sends the scenario to the worker when it changed and is valid.
    pub(super) fn simulate_if_changed(&mut self, problems_found: bool) {
        if problems_found {
            return; // keep the last good results on screen
        }
        // Compared in place: this runs every frame, a clone only on a change.
        if !self.sim.rerun && self.submitted_is_current() {
            return;
        }
        if let Some(worker) = self.sim.worker.as_mut() {
            worker.submit(self.doc.to_file(), self.sim.rerun);
            self.sim.submitted = Some((self.doc.scenario.clone(), self.doc.base_dir()));
            self.sim.rerun = false;
        }
    }

    /// Keeps unsaved edits in the recovery file (see [`super::recovery`]).
    pub(super) fn autosave(&mut self, ctx: &egui::Context, now: f64) {
        let Some(recovery) = self.crash.recovery.as_mut() else {
            return;
        };
        let dirty = self.doc.is_dirty() && !self.window.discarded;
        match recovery.track(&self.doc.scenario, self.doc.path.as_deref(), dirty, now) {
            Ok(wake) => {
                self.crash.error = None;
                if let Some(after) = wake {
                    ctx.request_repaint_after(after);
                }
            }
            // Said once, not every frame; the edits stay in memory.
            Err(e) if self.crash.error.as_ref() != Some(&e) => {
                self.toasts
                    .error(format!("Could not keep a recovery copy of the edits: {e}"));
                self.crash.error = Some(e);
            }
            Err(_) => {}
        }
    }

    fn poll_dialog(&mut self) {
        let answer = match &self.dialog {
            Some(pending) => pending.poll(),
            None => return,
        };
        let (Some(answer), Some(pending)) = (answer, self.dialog.take()) else {
            return;
        };
        match answer {
            Some(path) => self.commands.push(pending.purpose.command(path)),
            // No native dialog on this desktop: ask for the path in the window.
            None if pending.failed_to_open() => {
                self.modals.path_prompt = Some(PathPrompt::new(
                    pending.purpose,
                    pending.suggestion.display().to_string(),
                ));
            }
            None => {}
        }
    }

    /// Opens a native file dialog for `purpose`, suggesting `name`.
    pub(super) fn ask(
        &mut self,
        ctx: &egui::Context,
        purpose: file_dialogs::Purpose,
        name: Option<String>,
    ) {
        if self.dialog.is_some() {
            self.toasts.error("A file dialog is already open.");
            return;
        }
        let folder = self
            .doc
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf);
        let wake = ctx.clone();
        self.dialog = Some(file_dialogs::open(
            purpose,
            folder.as_deref(),
            name.as_deref(),
            move || wake.request_repaint(),
        ));
    }

    fn poll_recommend(&mut self) {
        let Some(result) = self
            .recommending
            .as_ref()
            .and_then(super::recommend::PendingRecommend::poll)
        else {
            return;
        };
        let Some(pending) = self.recommending.take() else {
            return;
        };
        match result {
            Ok(Some(found)) => {
                self.modals.recommend = Some(super::modals::recommend::RecommendDialog {
                    policy: pending.policy,
                    found,
                });
            }
            Ok(None) => {}
            Err(e) => self
                .toasts
                .error(format!("Could not recommend for {}: {e}", pending.standard)),
        }
    }

    fn poll_import(&mut self) {
        let Some(result) = self
            .import
            .as_ref()
            .and_then(log_import::PendingImport::poll)
        else {
            return;
        };
        let Some(pending) = self.import.take() else {
            return;
        };
        match result {
            Ok(imported) => {
                let what = if imported.filled {
                    "with modelled activity "
                } else {
                    ""
                };
                self.toasts.succeeded(
                    Action::Import,
                    format!(
                        "Imported {} {what}into {} (Lapse's imports folder; the log's folder is left as it was)",
                        imported.log.display(),
                        imported.trace.display()
                    ),
                );
                self.commands.push(Command::UseTrace(imported.trace));
                self.modals.import_summary = Some(ImportSummary {
                    log: imported.log,
                    summary: imported.summary,
                    filled: imported.filled,
                });
            }
            Err(problems) => {
                self.toasts.failed(
                    Action::Import,
                    format!(
                        "Could not import {}: see the problems below",
                        pending.log.display()
                    ),
                );
                self.open_error = Some((pending.log, problems));
            }
        }
    }

    fn poll_screenshot(&mut self, ctx: &egui::Context) {
        let Ok(image) = self.capture.screenshots.1.try_recv() else {
            return;
        };
        let Some(path) = self.capture.path.take() else {
            return;
        };
        let rect = self
            .capture
            .results_rect
            .unwrap_or_else(|| ctx.content_rect());
        let part = file_export::crop(&image, rect, ctx.pixels_per_point());
        match file_export::write_png(&path, &part) {
            Ok(()) => self
                .toasts
                .info(format!("Exported the plots to {}", path.display())),
            Err(e) => self
                .toasts
                .error(format!("Could not export the plots: {e}")),
        }
    }

    /// Files dropped on the window: scenarios open, traces become the population.
    pub(super) fn handle_drops(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        for path in dropped {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            match ext.as_deref() {
                Some("ron") => self.commands.push(Command::OpenPath(path)),
                _ => self.commands.push(Command::UseTrace(path)),
            }
        }
    }

    /// The window's close button: asks about unsaved edits first.
    pub(super) fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && !self.window.allow_close
            && self.doc.is_dirty()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.hold_back(Command::Quit);
        }
    }

    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
        let title = format!(
            "{}{} — Lapse",
            self.doc.title(),
            if self.doc.is_dirty() { " •" } else { "" }
        );
        if title != self.window.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window.title = title;
        }
    }
}
