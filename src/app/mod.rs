//! The desktop app: edit a scenario, see every policy's consequences at once.
//!
//! Laid out by role, after rerun's viewer and egui's demo app:
//! - this file: what the app holds ([`LapseApp`]: the persisted [`State`]
//!   apart from the runtime parts), how it starts, what tests may ask it;
//! - `logic`: what happens every frame outside the UI (the worker's results,
//!   dialogs, imports, screenshots, autosave);
//! - `ui`: the UI pass, which draws and only collects [`Command`]s;
//! - `command_handling`: every command carried out, in one `match`, after
//!   the UI pass;
//! - `modals`: one file per question the window asks, each answering with
//!   an enum; `panels`: the menu, the editor and the results;
//! - [`views`]: one folder per view of the results, its data (no egui) beside
//!   its plot;
//! - [`document`], [`worker`], [`recovery`], [`log_import`], [`file_export`],
//!   `file_dialogs`: the document and its undo history, the simulation
//!   thread, crash recovery, access-log import, exports, native dialogs.
//!
//! Only [`views`]' data is built without the `gui` feature.

pub mod views;

#[cfg(feature = "gui")]
pub mod command;
#[cfg(feature = "gui")]
mod command_handling;
#[cfg(feature = "gui")]
pub mod document;
#[cfg(feature = "gui")]
mod fields;
#[cfg(feature = "gui")]
mod file_dialogs;
#[cfg(feature = "gui")]
pub mod file_export;
#[cfg(feature = "gui")]
mod help;
#[cfg(feature = "gui")]
pub mod log_import;
#[cfg(feature = "gui")]
mod logic;
#[cfg(feature = "gui")]
mod modals;
#[cfg(feature = "gui")]
mod notify;
#[cfg(feature = "gui")]
mod panels;
#[cfg(feature = "gui")]
mod recommend;
#[cfg(feature = "gui")]
pub mod recovery;
#[cfg(feature = "gui")]
pub mod report;
#[cfg(feature = "gui")]
pub mod state;
#[cfg(feature = "gui")]
mod ui;
#[cfg(feature = "gui")]
pub mod worker;

#[cfg(feature = "gui")]
pub use ui::run;

#[cfg(feature = "gui")]
use std::path::PathBuf;
#[cfg(feature = "gui")]
use std::sync::Arc;
#[cfg(feature = "gui")]
use std::sync::mpsc::{Receiver, Sender, channel};

#[cfg(feature = "gui")]
use egui::{ColorImage, Rect};

#[cfg(feature = "gui")]
use crate::model::{Diagnostic, Diagnostics};
use crate::model::{Dur, Policy, Population, Scenario, ScenarioFile};

#[cfg(feature = "gui")]
use command::Command;
#[cfg(feature = "gui")]
use document::Document;
#[cfg(feature = "gui")]
use fields::FieldTexts;
#[cfg(feature = "gui")]
use modals::{import_summary::ImportSummary, path_prompt::PathPrompt, unsaved::UnsavedChanges};
#[cfg(feature = "gui")]
use notify::Toasts;
#[cfg(feature = "gui")]
use recovery::{Orphan, Recovery};
#[cfg(feature = "gui")]
use state::State;
#[cfg(feature = "gui")]
use views::sweep::SweepResult;
#[cfg(feature = "gui")]
use views::tradeoff::TradeoffData;
#[cfg(feature = "gui")]
use worker::{ReplicateUpdate, Results, Worker};

/// The scenario the app opens with and File > New starts from: the seed
/// article (`scenarios/seed-article.ron`, built in), untitled. Built in one
/// place, [`crate::model::scenario::default_scenario`].
pub fn default_file() -> ScenarioFile {
    // The embedded text is checked by a test; the fallback only guards a bad build.
    crate::model::scenario::default_scenario().unwrap_or_else(|_| ScenarioFile {
        source: String::new(),
        scenario: blank_scenario(),
        path: None,
    })
}

/// One policy, no users: what an unreadable file is measured against.
fn blank_scenario() -> Scenario {
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
        replicates: 1,
        sample_users: None,
    }
}

/// What the window opens on.
#[cfg(feature = "gui")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// The last session's scenario if there is one, else the default.
    Restore,
    /// The default scenario, ignoring the last session.
    Default,
    File(PathBuf),
}

/// The app: the persisted [`State`], the open document, and the runtime
/// parts grouped by what they serve.
#[cfg(feature = "gui")]
pub struct LapseApp {
    /// What survives a restart.
    state: State,
    doc: Document,
    /// Text typed in fields that does not parse yet.
    texts: FieldTexts,
    selected_policy: usize,
    sim: Simulation,
    /// Asked for during the UI pass, carried out after it.
    commands: Vec<Command>,
    modals: Modals,
    /// A native file dialog that is open.
    dialog: Option<file_dialogs::Pending>,
    /// An access log being imported (on its own thread).
    import: Option<log_import::PendingImport>,
    /// A Recommend… search under way (on its own thread).
    recommending: Option<recommend::PendingRecommend>,
    /// Lapse's data folder (where imported traces are kept), if any.
    data_folder: Option<PathBuf>,
    /// A file that could not be opened, and why.
    open_error: Option<(PathBuf, Diagnostics)>,
    toasts: Toasts,
    capture: Capture,
    window: Window,
    crash: CrashRecovery,
}

/// The simulation thread and what it last answered.
#[cfg(feature = "gui")]
struct Simulation {
    worker: Option<Worker>,
    /// The scenario (and its folder) last sent to the worker.
    submitted: Option<(Scenario, PathBuf)>,
    /// Read the population again on the next submit.
    rerun: bool,
    results: Option<Arc<Results>>,
    /// The latest run failed (e.g. the trace does not load).
    run_error: Option<Diagnostics>,
    /// The replicates of the latest results, as they finish.
    replicates: Option<ReplicateUpdate>,
}

/// The modal questions open now.
#[cfg(feature = "gui")]
#[derive(Default)]
struct Modals {
    unsaved: Option<UnsavedChanges>,
    path_prompt: Option<PathPrompt>,
    import_summary: Option<ImportSummary>,
    recommend: Option<modals::recommend::RecommendDialog>,
}

/// The PNG export: the screenshot asked for, and where to crop it.
#[cfg(feature = "gui")]
struct Capture {
    path: Option<PathBuf>,
    screenshots: (Sender<Arc<ColorImage>>, Receiver<Arc<ColorImage>>),
    /// Where the results were drawn last frame.
    results_rect: Option<Rect>,
}

/// The window itself.
#[cfg(feature = "gui")]
#[derive(Default)]
struct Window {
    /// The window may close (the user saved or chose to discard).
    allow_close: bool,
    /// The user discarded their edits on quitting: do not restore them.
    discarded: bool,
    title: String,
    /// The restored theme, applied on the first frame (after the integration
    /// has set up the context).
    theme_pending: bool,
}

/// Unsaved edits kept against a crash (see [`recovery`]).
#[cfg(feature = "gui")]
struct CrashRecovery {
    /// Where they are kept (none under tests).
    recovery: Option<Recovery>,
    /// Edits left by windows that crashed, offered one at a time.
    orphans: Vec<Orphan>,
    /// The last recovery write that failed, said once.
    error: Option<String>,
}

#[cfg(feature = "gui")]
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
        let data_folder = recovery_folder.clone();
        let recovery = recovery_folder.map(Recovery::in_folder);
        let orphans = recovery.as_ref().map_or_else(Vec::new, Recovery::orphans);
        let ctx = cc.egui_ctx.clone();
        let saved: Option<State> = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY));
        let restored = saved.is_some();
        ui::style(&ctx);
        let wake = ctx.clone();
        let (worker, run_error) = match Worker::spawn(move || wake.request_repaint()) {
            Ok(worker) => (Some(worker), None),
            Err(e) => (
                None,
                Some(Diagnostics::one(Diagnostic::new(format!(
                    "cannot start the simulation thread: {e}"
                )))),
            ),
        };
        let mut app = LapseApp {
            state: saved.unwrap_or_default(),
            doc: Document::new(default_file()),
            texts: FieldTexts::default(),
            selected_policy: 0,
            sim: Simulation {
                worker,
                submitted: None,
                rerun: false,
                results: None,
                run_error,
                replicates: None,
            },
            commands: Vec::new(),
            modals: Modals::default(),
            dialog: None,
            import: None,
            recommending: None,
            data_folder,
            open_error: None,
            toasts: Toasts::default(),
            capture: Capture {
                path: None,
                screenshots: channel(),
                results_rect: None,
            },
            window: Window {
                theme_pending: restored,
                ..Window::default()
            },
            crash: CrashRecovery {
                recovery,
                orphans,
                error: None,
            },
        };
        match start {
            Start::File(path) => app.commands.push(Command::OpenPath(path)),
            Start::Restore => app.restore_last_session(),
            Start::Default => {}
        }
        app
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
        self.sim.results.as_ref()
    }

    /// Whether a simulation, dialog or export is still under way.
    pub fn is_busy(&self) -> bool {
        self.sim.worker.as_ref().is_some_and(Worker::is_busy)
            || self.capture.path.is_some()
            || self.import.is_some()
            || self.recommending.is_some()
            || !self.commands.is_empty()
            || self.pending_submit()
            || self.state.results.analysis.running().is_some()
    }

    /// The Recommend… answer shown, if any.
    pub fn recommendation(&self) -> Option<&crate::analysis::Recommendation> {
        self.modals.recommend.as_ref().map(|d| &d.found)
    }

    /// The messages in the corner, oldest first.
    pub fn toasts(&self) -> Vec<String> {
        self.toasts.texts().map(str::to_string).collect()
    }

    pub fn selected_policy(&self) -> usize {
        self.selected_policy
    }

    /// The last finished sweep, prepared for the views.
    /// The latest results' replicates so far, if any.
    pub fn replicates(&self) -> Option<&ReplicateUpdate> {
        self.sim.replicates.as_ref()
    }

    pub fn sweep_result(&self) -> Option<&SweepResult> {
        self.state.results.analysis.done().map(Arc::as_ref)
    }

    /// The trade-off view's data as last drawn.
    pub fn tradeoff_data(&self) -> Option<&TradeoffData> {
        self.state.results.analysis.tradeoff_data()
    }

    /// Where point `i` of the trade-off data was drawn last frame.
    pub fn tradeoff_point_on_screen(&self, i: usize) -> Option<egui::Pos2> {
        self.state.results.analysis.tradeoff_screen.get(i).copied()
    }

    /// What an exported PNG would show now (points): the view alone.
    pub fn png_area(&self) -> Option<Rect> {
        self.capture.results_rect
    }
}

#[cfg(feature = "gui")]
impl Drop for LapseApp {
    /// A clean exit: eframe's storage keeps the last scenario, so the
    /// recovery file goes. A panic unwinding through here is a crash: the
    /// file stays, to be offered next time.
    fn drop(&mut self) {
        if !std::thread::panicking()
            && let Some(recovery) = self.crash.recovery.as_mut()
        {
            let _ = recovery.clear();
        }
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
}
