//! The desktop app: edit a scenario, see every policy's consequences at once.
//!
//! Structure (after egui's demo app and rerun's viewer):
//! - [`state::Persisted`]: what survives a restart; everything else in
//!   [`LapseApp`] is runtime.
//! - [`document::Document`]: the open scenario, its file, undo history.
//! - [`command::Command`]: menus, buttons, shortcuts and drops produce
//!   commands during the UI pass; they are applied after it.
//! - [`worker::Worker`]: simulations run on their own thread.
//! - [`prepare`], [`gaps`], [`timeline`]: pure plot preparation.
//! - `panels` and [`plots`]: each draws one part of the window.

mod analysis;
pub mod command;
mod dialogs;
pub mod document;
pub mod export;
mod fields;
pub mod gaps;
mod help;
pub mod import;
mod notify;
mod panels;
pub mod plots;
pub mod prepare;
pub mod recovery;
pub mod report;
pub mod state;
pub mod sweep;
pub mod timeline;
pub mod tradeoff;
pub mod worker;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use egui::{Color32, ColorImage, Id, Rect, RichText, Ui};

use crate::model::{Diagnostics, Dur, Policy, Population, Scenario, ScenarioFile};

use command::Command;
use document::Document;
use fields::FieldTexts;
use notify::Toasts;
use plots::timeline::TimelineView;
use recovery::{Orphan, Recovery};
use state::Persisted;
use worker::{Results, Stage, Worker};

/// The scenario Lapse opens with (`scenarios/seed-article.ron`, embedded so
/// it works from any folder), and the folder its relative paths start from
/// (none: its population is generated). Switching the default is this line.
const DEFAULT_SCENARIO: (&str, Option<&str>) =
    (crate::model::scenario::DEFAULT_SCENARIO_TEXT, None);

/// The default scenario as an untitled document.
pub fn default_file() -> ScenarioFile {
    let (text, folder) = DEFAULT_SCENARIO;
    // The embedded text is checked by a test; the fallback only guards a bad build.
    let mut scenario = Scenario::parse(text, None).unwrap_or_else(|_| fallback_scenario());
    if let Some(folder) = folder {
        document::absolutize_population(&mut scenario, Path::new(folder));
    }
    ScenarioFile {
        source: scenario.to_ron(),
        scenario,
        path: None,
    }
}

fn fallback_scenario() -> Scenario {
    Scenario {
        name: "New scenario".into(),
        seed: 0,
        horizon: Dur::days(1),
        away_after: Dur::mins(5),
        bucket: Dur::mins(15),
        profiles: Vec::new(),
        population: Population::Trace {
            path: "trace.csv".into(),
        },
        policies: vec![Policy::named("default")],
    }
}

/// What the window opens on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// The last session's scenario if there is one, else the default.
    Restore,
    /// The default scenario, ignoring the last session.
    Default,
    File(PathBuf),
}

/// Opens the window; returns when it is closed.
pub fn run(start: Start) -> Result<(), String> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Lapse")
        .with_app_id("lapse")
        .with_inner_size([1440.0, 900.0])
        .with_min_inner_size([860.0, 560.0])
        .with_drag_and_drop(true);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "Lapse",
        options,
        Box::new(move |cc| {
            Ok(Box::new(LapseApp::with_recovery(
                cc,
                start,
                Recovery::default_folder(),
            )))
        }),
    )
    .map_err(|e| e.to_string())
}

/// A file path typed in the window, when no native dialog could open.
struct PathPrompt {
    purpose: dialogs::Purpose,
    text: String,
    /// The field got the keyboard focus once.
    focused: bool,
}

/// What the unsaved-changes guard is holding back.
struct Guard {
    command: Command,
}

pub struct LapseApp {
    state: Persisted,
    doc: Document,
    texts: FieldTexts,
    selected_policy: usize,
    worker: Option<Worker>,
    /// The scenario (and its folder) last sent to the worker.
    submitted: Option<(Scenario, PathBuf)>,
    rerun: bool,
    results: Option<Arc<Results>>,
    /// The latest run failed (e.g. the trace does not load).
    run_error: Option<Diagnostics>,
    /// A file that could not be opened, and why.
    open_error: Option<(PathBuf, Diagnostics)>,
    toasts: Toasts,
    commands: Vec<Command>,
    guard: Option<Guard>,
    dialog: Option<dialogs::Pending>,
    path_prompt: Option<PathPrompt>,
    /// An access log being imported, and the last import's summary to show.
    import: Option<import::PendingImport>,
    import_summary: Option<(PathBuf, String)>,
    /// The window may close (the user saved or chose to discard).
    allow_close: bool,
    /// The user discarded their edits on quitting: do not restore them.
    discarded: bool,
    timeline: TimelineView,
    /// The sweep and trade-off views (`analysis.rs`).
    analysis: analysis::AnalysisViews,
    /// Where the results were drawn last frame (the PNG export's crop).
    results_rect: Option<Rect>,
    capture: Option<PathBuf>,
    screenshots: (Sender<Arc<ColorImage>>, Receiver<Arc<ColorImage>>),
    title: String,
    /// The restored theme, applied on the first frame (after the integration
    /// has set up the context).
    theme_pending: bool,
    /// Where unsaved edits are kept against a crash (none under tests).
    recovery: Option<Recovery>,
    /// Edits left by windows that crashed, offered one at a time.
    orphans: Vec<Orphan>,
    /// The last recovery write that failed, said once.
    recovery_error: Option<String>,
}

impl LapseApp {
    /// The app without crash recovery (as the tests open it).
    pub fn new(cc: &eframe::CreationContext<'_>, start: Start) -> LapseApp {
        LapseApp::with_recovery(cc, start, None)
    }

    /// The app keeping unsaved edits in `recovery_folder` against a crash,
    /// and offering back the edits a crashed window left there.
    pub fn with_recovery(
        cc: &eframe::CreationContext<'_>,
        start: Start,
        recovery_folder: Option<PathBuf>,
    ) -> LapseApp {
        let recovery = recovery_folder.map(Recovery::in_folder);
        let orphans = recovery.as_ref().map_or_else(Vec::new, Recovery::orphans);
        let ctx = cc.egui_ctx.clone();
        let saved: Option<Persisted> = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY));
        let restored = saved.is_some();
        let state = saved.unwrap_or_default();
        style(&ctx);
        let wake = ctx.clone();
        let (worker, run_error) = match Worker::spawn(move || wake.request_repaint()) {
            Ok(worker) => (Some(worker), None),
            Err(e) => (
                None,
                Some(Diagnostics::one(crate::model::Diagnostic::new(format!(
                    "cannot start the simulation thread: {e}"
                )))),
            ),
        };
        let mut app = LapseApp {
            doc: Document::new(default_file()),
            state,
            texts: FieldTexts::default(),
            selected_policy: 0,
            worker,
            submitted: None,
            rerun: false,
            results: None,
            run_error,
            open_error: None,
            toasts: Toasts::default(),
            commands: Vec::new(),
            guard: None,
            dialog: None,
            path_prompt: None,
            import: None,
            import_summary: None,
            allow_close: false,
            discarded: false,
            timeline: TimelineView::default(),
            analysis: analysis::AnalysisViews::default(),
            results_rect: None,
            capture: None,
            screenshots: channel(),
            title: String::new(),
            theme_pending: restored,
            recovery,
            orphans,
            recovery_error: None,
        };
        match start {
            Start::File(path) => app.commands.push(Command::OpenPath(path)),
            Start::Restore => app.restore_last_session(),
            Start::Default => {}
        }
        app
    }

    /// Reopens the scenario of the last session, unsaved edits included.
    fn restore_last_session(&mut self) {
        let Some(text) = self.state.last_scenario.clone() else {
            return;
        };
        let path = self.state.last_path.clone();
        let Ok(scenario) = Scenario::parse(&text, path.as_deref()) else {
            return;
        };
        self.doc = restored_document(scenario, path);
    }

    /// Queues a command, as a menu or shortcut would (tests use this too).
    pub fn queue(&mut self, command: Command) {
        self.commands.push(command);
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    pub fn document_mut(&mut self) -> &mut Document {
        &mut self.doc
    }

    /// The latest results shown.
    pub fn results(&self) -> Option<&Arc<Results>> {
        self.results.as_ref()
    }

    /// Whether a simulation, dialog or export is still under way.
    pub fn is_busy(&self) -> bool {
        self.worker.as_ref().is_some_and(Worker::is_busy)
            || self.capture.is_some()
            || self.import.is_some()
            || !self.commands.is_empty()
            || self.pending_submit()
            || self.sweeping()
    }

    /// The messages in the corner, oldest first.
    pub fn toasts(&self) -> Vec<String> {
        self.toasts.texts().map(str::to_string).collect()
    }

    fn pending_submit(&self) -> bool {
        self.doc.problems().is_empty() && !self.submitted_is_current()
    }

    /// The worker was last sent the document as it is now.
    fn submitted_is_current(&self) -> bool {
        self.submitted
            .as_ref()
            .is_some_and(|(s, d)| *s == self.doc.scenario && *d == self.doc.base_dir())
    }

    // ----------------------------------------------------------------------
    // Background work

    fn poll_worker(&mut self) {
        let Some(worker) = self.worker.as_mut() else {
            return;
        };
        if let Some(done) = worker.poll() {
            match done.result {
                Ok(results) => {
                    self.results = Some(results);
                    self.run_error = None;
                }
                Err(problems) => self.run_error = Some(problems),
            }
        }
    }

    /// Sends the scenario to the worker when it changed and is valid.
    fn simulate_if_changed(&mut self, problems_found: bool) {
        if problems_found {
            return; // keep the last good results on screen
        }
        // Compared in place: this runs every frame, a clone only on a change.
        if !self.rerun && self.submitted_is_current() {
            return;
        }
        if let Some(worker) = self.worker.as_mut() {
            worker.submit(self.doc.to_file(), self.rerun);
            self.submitted = Some((self.doc.scenario.clone(), self.doc.base_dir()));
            self.rerun = false;
        }
    }

    /// Keeps unsaved edits in the recovery file (see [`recovery`]).
    fn autosave(&mut self, ctx: &egui::Context, now: f64) {
        let Some(recovery) = self.recovery.as_mut() else {
            return;
        };
        let dirty = self.doc.is_dirty() && !self.discarded;
        match recovery.track(&self.doc.scenario, self.doc.path.as_deref(), dirty, now) {
            Ok(wake) => {
                self.recovery_error = None;
                if let Some(after) = wake {
                    ctx.request_repaint_after(after);
                }
            }
            // Said once, not every frame; the edits stay in memory.
            Err(e) if self.recovery_error.as_ref() != Some(&e) => {
                self.toasts
                    .error(format!("Could not keep a recovery copy of the edits: {e}"));
                self.recovery_error = Some(e);
            }
            Err(_) => {}
        }
    }

    /// Offers back the edits a crashed window left, newest first.
    fn recovery_modal(&mut self, ctx: &egui::Context) {
        if self.guard.is_some() {
            return;
        }
        let Some(orphan) = self.orphans.first() else {
            return;
        };
        let mut choice = None;
        egui::Modal::new(Id::unique("recover-edits")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("Restore unsaved edits?");
            ui.label(format!(
                "Lapse did not close cleanly. Edits to “{}” made {} were never saved.",
                orphan.snapshot.title(),
                orphan.snapshot.age(std::time::SystemTime::now())
            ));
            if let Some(path) = &orphan.snapshot.path {
                ui.label(RichText::new(path.display().to_string()).weak());
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui
                    .button("Restore")
                    .on_hover_text("Open the edits, unsaved, in place of this scenario")
                    .clicked()
                {
                    choice = Some(true);
                }
                if ui
                    .button("Discard")
                    .on_hover_text("Delete the recovered edits")
                    .clicked()
                {
                    choice = Some(false);
                }
            });
        });
        let Some(restore) = choice else {
            return;
        };
        let orphan = self.orphans.remove(0);
        if restore {
            self.restore_orphan(&orphan);
        } else {
            self.forget_orphan(&orphan);
        }
    }

    fn restore_orphan(&mut self, orphan: &Orphan) {
        let path = orphan.snapshot.path.clone();
        match Scenario::parse(&orphan.snapshot.scenario, path.as_deref()) {
            Ok(scenario) => {
                self.replace_document(restored_document(scenario, path));
                // Kept under this window's name before the orphan goes.
                if let Some(recovery) = self.recovery.as_mut()
                    && let Err(e) = recovery.write_now(&self.doc.scenario, self.doc.path.as_deref())
                {
                    self.toasts
                        .error(format!("Restored, but could not keep a recovery copy: {e}"));
                    return;
                }
                self.forget_orphan(orphan);
                self.toasts.info("Restored the unsaved edits");
            }
            Err(problems) => {
                self.toasts.error(format!(
                    "Could not restore the edits; they stay in {}",
                    orphan.file.display()
                ));
                self.open_error = Some((orphan.file.clone(), problems));
            }
        }
    }

    fn forget_orphan(&mut self, orphan: &Orphan) {
        if let Err(e) = std::fs::remove_file(&orphan.file) {
            self.toasts
                .error(format!("Could not remove {}: {e}", orphan.file.display()));
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
                self.path_prompt = Some(PathPrompt {
                    text: pending.suggestion.display().to_string(),
                    purpose: pending.purpose,
                    focused: false,
                });
            }
            None => {}
        }
    }

    /// The fallback for a file dialog that could not open: type the path.
    fn path_prompt_modal(&mut self, ctx: &egui::Context) {
        let Some(prompt) = &mut self.path_prompt else {
            return;
        };
        let mut choice = None;
        let modal = egui::Modal::new(Id::unique("path-prompt")).show(ctx, |ui| {
            ui.set_min_width(460.0);
            ui.heading(prompt.purpose.title());
            ui.label("No file dialog is available on this desktop; type the file's path.");
            ui.horizontal(|ui| {
                let label = ui.label("File");
                let response = ui
                    .add(egui::TextEdit::singleline(&mut prompt.text).desired_width(380.0))
                    .labelled_by(label.id);
                if !std::mem::replace(&mut prompt.focused, true) {
                    response.request_focus();
                }
                if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    choice = Some(true);
                }
            });
            ui.horizontal(|ui| {
                if ui.button("OK").clicked() {
                    choice = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    choice = Some(false);
                }
            });
        });
        if modal.should_close() && choice.is_none() {
            choice = Some(false);
        }
        if let Some(ok) = choice
            && let Some(prompt) = self.path_prompt.take()
            && ok
            && !prompt.text.trim().is_empty()
        {
            let path = PathBuf::from(prompt.text.trim());
            self.commands.push(prompt.purpose.command(path));
        }
    }

    fn ask(&mut self, ctx: &egui::Context, purpose: dialogs::Purpose, name: Option<String>) {
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
        self.dialog = Some(dialogs::open(
            purpose,
            folder.as_deref(),
            name.as_deref(),
            move || wake.request_repaint(),
        ));
    }

    fn poll_import(&mut self) {
        let Some(result) = self.import.as_ref().and_then(import::PendingImport::poll) else {
            return;
        };
        let Some(pending) = self.import.take() else {
            return;
        };
        match result {
            Ok(imported) => {
                self.toasts.info(format!(
                    "Imported {} into {}",
                    imported.log.display(),
                    imported.trace.display()
                ));
                self.commands.push(Command::UseTrace(imported.trace));
                self.import_summary = Some((imported.log, imported.summary));
            }
            Err(problems) => {
                self.toasts.error(format!(
                    "Could not import {}: see the problems below",
                    pending.log.display()
                ));
                self.open_error = Some((pending.log, problems));
            }
        }
    }

    /// What the last import found, until the user closes it.
    fn import_summary_window(&mut self, ctx: &egui::Context) {
        let Some((log, summary)) = &self.import_summary else {
            return;
        };
        let mut open = true;
        let mut close = false;
        egui::Window::new(format!(
            "Imported {}",
            log.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ))
        .id(Id::unique("import-summary"))
        .open(&mut open)
        .default_width(560.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    ui.add(egui::Label::new(RichText::new(summary).monospace()).wrap());
                });
            close = ui.button("Close").clicked();
        });
        if !open || close {
            self.import_summary = None;
        }
    }

    fn poll_screenshot(&mut self, ctx: &egui::Context) {
        let Ok(image) = self.screenshots.1.try_recv() else {
            return;
        };
        let Some(path) = self.capture.take() else {
            return;
        };
        let rect = self.results_rect.unwrap_or_else(|| ctx.content_rect());
        let part = export::crop(&image, rect, ctx.pixels_per_point());
        match export::write_png(&path, &part) {
            Ok(()) => self
                .toasts
                .info(format!("Exported the plots to {}", path.display())),
            Err(e) => self
                .toasts
                .error(format!("Could not export the plots: {e}")),
        }
    }

    // ----------------------------------------------------------------------
    // Commands

    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        let loses_edits = matches!(
            command,
            Command::New | Command::Open | Command::OpenPath(_) | Command::Quit
        );
        if loses_edits && self.doc.is_dirty() {
            self.guard = Some(Guard { command });
            return;
        }
        match command {
            Command::Discard(command) => {
                if *command == Command::Quit {
                    self.discarded = true;
                }
                self.apply_unguarded(ctx, *command);
            }
            command => self.apply_unguarded(ctx, command),
        }
    }

    fn apply_unguarded(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::New => {
                self.replace_document(Document::new(default_file()));
                self.open_error = None;
            }
            Command::Open => self.ask(ctx, dialogs::Purpose::Open, None),
            Command::OpenPath(path) => self.open_path(&path),
            Command::Save => match self.doc.path.clone() {
                Some(path) => self.apply(ctx, Command::SaveTo { path, then: None }),
                None => self.ask(
                    ctx,
                    dialogs::Purpose::SaveAs { then: None },
                    Some(self.suggested("scenario", "ron")),
                ),
            },
            Command::SaveAs => self.ask(
                ctx,
                dialogs::Purpose::SaveAs { then: None },
                Some(self.suggested("scenario", "ron")),
            ),
            Command::SaveTo { path, then } => match self.doc.save_to(&path) {
                Ok(()) => {
                    self.state.remember(&path);
                    self.texts.clear();
                    self.toasts.info(format!("Saved {}", path.display()));
                    if let Some(then) = then {
                        self.commands.push(*then);
                    }
                }
                Err(e) => self.toasts.error(format!("Could not save: {e}")),
            },
            Command::Discard(command) => self.apply_unguarded(ctx, *command),
            Command::UseTrace(path) => self.use_trace(ctx, &path),
            Command::ChooseTrace => self.ask(ctx, dialogs::Purpose::ChooseTrace, None),
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
            Command::DuplicatePolicy(i) => {
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
            Command::DeletePolicy(i) => {
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
            Command::MovePolicy { from, to } => {
                let n = self.doc.scenario.policies.len();
                if from < n && to < n && from != to {
                    self.doc.checkpoint();
                    self.doc.scenario.policies.swap(from, to);
                    self.selected_policy = to;
                    self.texts.clear();
                }
            }
            Command::Rerun => self.rerun = true,
            Command::ExportPng => self.ask(
                ctx,
                dialogs::Purpose::ExportPng,
                Some(self.suggested("plots", "png")),
            ),
            Command::ExportResultsCsv => self.ask(
                ctx,
                dialogs::Purpose::ExportResultsCsv,
                Some(self.suggested("results", "csv")),
            ),
            Command::ExportSeriesCsv => self.ask(
                ctx,
                dialogs::Purpose::ExportSeriesCsv,
                Some(self.suggested("series", "csv")),
            ),
            Command::WritePng(path) => {
                self.capture = Some(path);
                let tx = self.screenshots.0.clone();
                let wake = ctx.clone();
                ctx.request_screenshot(move |image| {
                    let _ = tx.send(image);
                    wake.request_repaint();
                });
            }
            Command::ExportReport => self.ask(
                ctx,
                dialogs::Purpose::ExportReport,
                Some(self.suggested("report", "html")),
            ),
            Command::WriteReport(path) => self.write_report(&path),
            Command::WriteResultsCsv(path) => {
                self.write_csv(&path, export::write_results_csv, "results")
            }
            Command::WriteSeriesCsv(path) => {
                self.write_csv(&path, export::write_series_csv, "time series")
            }
            Command::RunSweep { .. }
            | Command::CancelSweep
            | Command::ApplyParam { .. }
            | Command::SelectPolicy(_)
            | Command::CopySettings { .. } => self.apply_analysis(ctx, command),
            Command::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn write_csv(
        &mut self,
        path: &Path,
        write: fn(&Path, &crate::engine::ScenarioRun) -> Result<(), crate::model::Diagnostic>,
        what: &str,
    ) {
        let Some(results) = &self.results else {
            self.toasts.error("There are no results to export yet.");
            return;
        };
        match write(path, &results.run) {
            Ok(()) => self
                .toasts
                .info(format!("Exported the {what} to {}", path.display())),
            Err(e) => self
                .toasts
                .error(format!("Could not export the {what}: {e}")),
        }
    }

    fn write_report(&mut self, path: &Path) {
        let Some(results) = &self.results else {
            self.toasts.error("There are no results to report yet.");
            return;
        };
        match report::export_report(results, &self.doc, self.selected_policy, path) {
            Ok(()) => self
                .toasts
                .info(format!("Exported the report to {}", path.display())),
            Err(e) => self
                .toasts
                .error(format!("Could not export the report: {e}")),
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
                self.toasts.info(format!("Opened {}", path.display()));
            }
            Err(problems) => {
                self.toasts.error(format!(
                    "Could not open {}: see the problems below",
                    path.display()
                ));
                self.open_error = Some((path.to_path_buf(), problems));
            }
        }
    }

    /// Makes the trace at `path` the population (an edit: undo reverts it).
    fn use_trace(&mut self, ctx: &egui::Context, path: &Path) {
        if !import::is_trace(path) {
            // An access log: import it into a trace first (on its own thread).
            if self.import.is_some() {
                self.toasts.error("An import is already running.");
                return;
            }
            let wake = ctx.clone();
            self.import = Some(import::start(path, move || wake.request_repaint()));
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

    fn replace_document(&mut self, doc: Document) {
        self.doc = doc;
        self.texts.clear();
        self.selected_policy = 0;
        self.timeline = TimelineView::default();
    }

    /// Files dropped on the window: scenarios open, traces become the population.
    fn handle_drops(&mut self, ctx: &egui::Context) {
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

    fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.doc.is_dirty()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.guard = Some(Guard {
                command: Command::Quit,
            });
        }
    }

    // ----------------------------------------------------------------------
    // Drawing

    fn guard_modal(&mut self, ctx: &egui::Context) {
        let Some(guard) = &self.guard else {
            return;
        };
        let action = match &guard.command {
            Command::Quit => "quitting",
            Command::New => "starting a new scenario",
            _ => "opening another scenario",
        };
        let mut choice = None;
        let modal = egui::Modal::new(Id::unique("unsaved-changes")).show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.heading("Save your changes?");
            ui.label(format!(
                "“{}” has changes that are not saved. Save them before {action}?",
                self.doc.title()
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    choice = Some(0);
                }
                if ui
                    .button("Don't save")
                    .on_hover_text("Lose the changes")
                    .clicked()
                {
                    choice = Some(1);
                }
                if ui.button("Cancel").clicked() {
                    choice = Some(2);
                }
            });
        });
        if modal.should_close() && choice.is_none() {
            choice = Some(2);
        }
        let Some(choice) = choice else {
            return;
        };
        let Some(Guard { command }) = self.guard.take() else {
            return;
        };
        match choice {
            0 => match self.doc.path.clone() {
                Some(path) => self.commands.push(Command::SaveTo {
                    path,
                    then: Some(Box::new(command)),
                }),
                None => {
                    let name = self.suggested("scenario", "ron");
                    self.ask(
                        ctx,
                        dialogs::Purpose::SaveAs {
                            then: Some(Box::new(command)),
                        },
                        Some(name),
                    );
                }
            },
            1 => self.commands.push(Command::Discard(Box::new(command))),
            _ => {}
        }
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let saved = if self.doc.is_dirty() {
                RichText::new("• unsaved changes").color(Color32::from_rgb(0xf2, 0x8e, 0x2b))
            } else {
                RichText::new("saved").weak()
            };
            ui.label(RichText::new(self.doc.title()).strong())
                .on_hover_text(
                    self.doc
                        .path
                        .as_ref()
                        .map_or("not saved yet".into(), |p| p.display().to_string()),
                );
            ui.label(saved);
            ui.separator();
            if let Some(pending) = &self.import {
                ui.spinner();
                ui.label(format!("Importing {}…", pending.log.display()));
                ui.separator();
            }
            match self.worker.as_ref().and_then(Worker::progress) {
                // Short runs finish before a bar would be seen; show it only for long ones.
                Some((progress, elapsed)) if elapsed.as_millis() >= 150 => {
                    let text = match progress.stage() {
                        Stage::Loading => "Loading the population…".to_string(),
                        Stage::Simulating => {
                            format!("Simulating… {:.0}%", 100.0 * progress.fraction())
                        }
                        Stage::Preparing => "Preparing the plots…".to_string(),
                    };
                    ui.add(
                        egui::ProgressBar::new(progress.fraction())
                            .desired_width(240.0)
                            .text(text),
                    );
                }
                Some(_) => {
                    ui.spinner();
                }
                None => {
                    if let Some(r) = &self.results {
                        let stale = r.scenario != self.doc.scenario;
                        let count = |n: usize, one: &str, many: &str| {
                            format!("{n} {}", if n == 1 { one } else { many })
                        };
                        let text = format!(
                            "{} × {} simulated in {} ms",
                            count(r.run.users, "user", "users"),
                            count(r.run.policies.len(), "policy", "policies"),
                            r.elapsed.as_millis()
                        );
                        ui.weak(text);
                        if stale {
                            ui.label(
                                RichText::new("showing the results of the last valid scenario")
                                    .color(ui.visuals().warn_fg_color),
                            );
                        }
                    }
                }
            }
        });
    }

    /// Problems worth the user's attention: a file that did not open, a
    /// population that did not load, rules the scenario breaks.
    fn problems_panel(&mut self, ui: &mut Ui, rule_problems: &[(String, String)]) {
        let error = ui.visuals().error_fg_color;
        if let Some((path, problems)) = &self.open_error {
            let mut dismiss = false;
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!("Could not open {}", path.display()))
                        .strong()
                        .color(error),
                );
                dismiss = ui
                    .small_button("Dismiss")
                    .on_hover_text("Hide this message")
                    .clicked();
            });
            for p in problems.iter() {
                ui.label(RichText::new(p.to_string()).monospace().color(error));
            }
            if dismiss {
                self.open_error = None;
            }
        }
        if let Some(problems) = &self.run_error {
            ui.label(
                RichText::new("The simulation could not run:")
                    .strong()
                    .color(error),
            );
            for p in problems.iter() {
                ui.label(RichText::new(p.to_string()).monospace().color(error));
            }
        }
        if !rule_problems.is_empty() {
            ui.label(
                RichText::new("The scenario is not valid; the plots show its last valid state:")
                    .strong()
                    .color(error),
            );
            for (path, message) in rule_problems {
                ui.label(
                    RichText::new(format!("{path}: {message}"))
                        .monospace()
                        .color(error),
                );
            }
        }
        let invalid = self.texts.invalid();
        if invalid > 0 {
            ui.label(RichText::new(format!(
                "{invalid} field{} hold{} text that is not a duration; the scenario keeps the last valid value.",
                if invalid == 1 { "" } else { "s" },
                if invalid == 1 { "s" } else { "" },
            ))
            .color(ui.visuals().warn_fg_color));
        }
    }

    fn drop_overlay(ctx: &egui::Context) {
        let hovering: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .hovered_files
                .iter()
                .filter_map(|f| f.path.clone())
                .collect()
        });
        if hovering.is_empty() {
            return;
        }
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            Id::unique("drop-overlay"),
        ));
        let rect = ctx.content_rect();
        painter.rect_filled(rect, 0.0, Color32::from_black_alpha(180));
        let text = hovering
            .iter()
            .map(|p| match p.extension().and_then(|e| e.to_str()) {
                Some("ron") => format!("Open the scenario {}", p.display()),
                _ => format!("Replay the users of {}", p.display()),
            })
            .collect::<Vec<_>>()
            .join("\n");
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            text,
            egui::FontId::proportional(20.0),
            Color32::WHITE,
        );
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = format!(
            "{}{} — Lapse",
            self.doc.title(),
            if self.doc.is_dirty() { " •" } else { "" }
        );
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
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

/// Lapse's look: a little more air than egui's defaults.
fn style(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(6.0, 3.0);
    });
}

impl eframe::App for LapseApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll_worker();
        self.poll_dialog();
        self.poll_import();
        self.poll_screenshot(ctx);
        self.poll_analysis();
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.commands.extend(command::from_shortcuts(&ctx));
        self.handle_drops(&ctx);
        self.handle_close_request(&ctx);
        self.texts.begin_frame();
        if std::mem::take(&mut self.theme_pending) {
            ctx.set_theme(self.state.theme);
        }

        let rule_problems: Vec<(String, String)> = self
            .doc
            .problems()
            .into_iter()
            .map(|(path, message)| (document::path_key(&path), message))
            .collect();
        let mut by_field: HashMap<String, Vec<String>> = HashMap::new();
        for (key, message) in &rule_problems {
            by_field
                .entry(key.clone())
                .or_default()
                .push(strip_policy_prefix(message).to_string());
        }

        let menu_state = panels::menu::MenuState {
            recent: &self.state.recent,
            can_undo: self.doc.can_undo(),
            can_redo: self.doc.can_redo(),
            has_results: self.results.is_some(),
            selected_policy: self.selected_policy,
            policies: self.doc.scenario.policies.len(),
        };
        let mut theme = self.state.theme;
        let mut commands = Vec::new();
        egui::Panel::top("menu").show(ui, |ui| {
            panels::menu::ui(ui, &menu_state, &mut theme, &mut commands);
        });
        if theme != self.state.theme {
            self.state.theme = theme;
            ctx.set_theme(theme);
        }
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        let has_problems = self.open_error.is_some()
            || self.run_error.is_some()
            || !rule_problems.is_empty()
            || self.texts.invalid() > 0;
        if has_problems {
            egui::Panel::bottom("problems").show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(160.0)
                    .show(ui, |ui| {
                        self.problems_panel(ui, &rule_problems);
                    });
            });
        }
        let population = self.results.as_ref().map(|r| &r.population);
        egui::Panel::left("editor")
            .default_size(400.0)
            .size_range(300.0..=640.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink(false)
                    .show(ui, |ui| {
                        panels::scenario::ui(
                            ui,
                            &mut self.doc.scenario,
                            &mut self.texts,
                            &by_field,
                            population,
                            &mut commands,
                        );
                        ui.add_space(10.0);
                        panels::policies::ui(
                            ui,
                            &mut self.doc.scenario,
                            &mut self.selected_policy,
                            &mut self.texts,
                            &by_field,
                            &mut commands,
                        );
                    });
            });
        let central = egui::CentralPanel::default().show(ui, |ui| match &self.results {
            Some(results) => {
                let results = Arc::clone(results);
                panels::results::ui(
                    ui,
                    &results,
                    &mut self.state.tab,
                    &mut self.state.fold_day,
                    &mut self.state.gaps_log,
                    &mut self.timeline,
                    &mut self.analysis,
                    analysis::ViewContext {
                        scenario: &self.doc.scenario,
                        selected: self.selected_policy,
                        commands: &mut commands,
                    },
                );
            }
            None => {
                ui.centered_and_justified(|ui| {
                    if self.run_error.is_some() {
                        ui.label("No results: see the problems below.");
                    } else {
                        ui.spinner();
                    }
                });
            }
        });
        self.results_rect = Some(central.response.rect);

        self.guard_modal(&ctx);
        self.recovery_modal(&ctx);
        self.path_prompt_modal(&ctx);
        self.import_summary_window(&ctx);
        if self.capture.is_none() {
            self.toasts.ui(&ctx);
        }
        Self::drop_overlay(&ctx);

        // After the UI pass: apply what it asked for, then simulate.
        self.commands.extend(commands);
        for command in std::mem::take(&mut self.commands) {
            self.apply(&ctx, command);
        }
        let time = ctx.input(|i| i.time);
        self.doc.feed_undo(time);
        self.autosave(&ctx, time);
        let problems_found = !self.doc.problems().is_empty();
        self.simulate_if_changed(problems_found);
        self.update_title(&ctx);
        if self.worker.as_ref().is_some_and(Worker::is_busy) {
            // Animate the progress bar; the result itself wakes the window.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let mut state = self.state.clone();
        state.last_path = self.doc.path.clone();
        state.last_scenario = (!self.discarded).then(|| self.doc.scenario.to_ron());
        eframe::set_value(storage, eframe::APP_KEY, &state);
    }
}

/// Unsaved edits brought back: what they are measured against is the file
/// as it is on disk, or the default scenario for an untitled one.
fn restored_document(scenario: Scenario, path: Option<PathBuf>) -> Document {
    let baseline = match &path {
        Some(p) => match document::open(p) {
            Ok(file) => file.scenario,
            // The file is gone or broken: everything restored is unsaved.
            Err(_) => fallback_scenario(),
        },
        None => default_file().scenario,
    };
    Document::restored(scenario, path, baseline)
}

impl Drop for LapseApp {
    /// A clean exit: eframe's storage keeps the last scenario, so the
    /// recovery file goes. A panic unwinding through here is a crash: the
    /// file stays, to be offered next time.
    fn drop(&mut self) {
        if !std::thread::panicking()
            && let Some(recovery) = self.recovery.as_mut()
        {
            let _ = recovery.clear();
        }
    }
}

/// `policy "A": x` → `x`: inside the policy's own editor the name is implied.
fn strip_policy_prefix(message: &str) -> &str {
    match message.strip_prefix("policy \"") {
        Some(rest) => rest.split_once("\": ").map_or(message, |(_, m)| m),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scenario_is_valid_and_finds_its_population() {
        let file = default_file();
        assert!(file.scenario.rule_breaks().is_empty());
        assert!(
            file.load_population().is_ok(),
            "the default population loads from any folder"
        );
    }

    #[test]
    fn new_policy_names_do_not_clash() {
        let policies = vec![Policy::named("new policy"), Policy::named("new policy 2")];
        assert_eq!(unique_name(&policies, "new policy"), "new policy 3");
        assert_eq!(unique_name(&policies, "alert copy"), "alert copy");
    }

    #[test]
    fn policy_prefix_is_dropped_inside_the_editor() {
        assert_eq!(
            strip_policy_prefix(
                "policy \"A\": warning.lead (30m) must be less than idle_timeout (30m)"
            ),
            "warning.lead (30m) must be less than idle_timeout (30m)"
        );
        assert_eq!(
            strip_policy_prefix("bucket must be longer than 0"),
            "bucket must be longer than 0"
        );
    }
}
