//! The analysis views' state (sweep, trade-off) and the commands behind
//! them: running a sweep, applying a trade-off point, copying a policy's
//! framework settings. Everything is computed by `crate::analysis`, the
//! library behind `lapse sweep`, `check` and `export`; this file only keeps
//! it for the views and keeps it fresh.

use std::sync::Arc;

use egui::Pos2;

use crate::analysis::export::{Target, export};
use crate::analysis::param::Param;
use crate::analysis::sweep::SweepSpec;
use crate::model::{Dur, Scenario};

use super::LapseApp;
use super::command::Command;
use super::sweep::{self, Ended, Running, SweepForm, SweepResult};
use super::tradeoff::TradeoffData;
use super::worker::Results;

/// What the sweep and trade-off views keep between frames.
#[derive(Default)]
pub struct AnalysisViews {
    pub form: SweepForm,
    running: Option<Running>,
    done: Option<Arc<SweepResult>>,
    /// Why the last sweep stopped early or was dropped.
    pub note: Option<String>,
    sweeps: u64,
    tradeoff: Option<Arc<TradeoffData>>,
    /// Where each trade-off point was drawn last frame (clicks hit these).
    pub tradeoff_screen: Vec<Pos2>,
}

/// What the views need from the rest of the window.
pub struct ViewContext<'a> {
    /// The document's scenario (the results may lag behind it).
    pub scenario: &'a Scenario,
    pub selected: usize,
    pub commands: &'a mut Vec<Command>,
}

impl AnalysisViews {
    pub fn running(&self) -> Option<&Running> {
        self.running.as_ref()
    }

    pub fn done(&self) -> Option<&Arc<SweepResult>> {
        self.done.as_ref()
    }

    /// The trade-off data for these results and the current sweep, prepared
    /// only when either changed.
    pub fn tradeoff(&mut self, results: &Results) -> Arc<TradeoffData> {
        let key = (results.generation, self.done.as_ref().map(|s| s.id));
        match &self.tradeoff {
            Some(data) if data.key == key => Arc::clone(data),
            _ => {
                let data = Arc::new(TradeoffData::new(
                    results.generation,
                    &results.run,
                    self.done.as_deref(),
                ));
                self.tradeoff = Some(Arc::clone(&data));
                data
            }
        }
    }
}

/// Why a sweep is no longer shown.
const STALE: &str = "The last sweep was dropped: the policy (apart from the swept field), the scenario's settings or the population changed since. Run it again.";

impl LapseApp {
    /// Picks up a finished sweep; drops (and cancels) a sweep whose numbers
    /// no longer describe the scenario. Called every frame: the check
    /// compares one policy and a few settings.
    pub(super) fn poll_analysis(&mut self) {
        let views = &mut self.analysis;
        if let Some(ended) = views.running.as_ref().and_then(Running::poll)
            && let Some(running) = views.running.take()
        {
            match ended {
                Ended::Done(result) => {
                    views.sweeps += 1;
                    views.done = Some(Arc::new(SweepResult::new(
                        views.sweeps,
                        running.policy,
                        running.basis.clone(),
                        result,
                    )));
                    views.note = None;
                }
                Ended::Cancelled => views.note = Some("The sweep was cancelled.".into()),
                Ended::Failed(e) => views.note = Some(format!("The sweep failed: {e}")),
            }
        }
        let Some(results) = &self.results else {
            return;
        };
        let scenario = &self.doc.scenario;
        if let Some(running) = &views.running
            && sweep::locate(
                &running.basis,
                running.spec.param,
                running.policy,
                scenario,
                &results.trace,
            )
            .is_none()
        {
            views.running = None; // dropping it cancels it
            views.note = Some(STALE.into());
        }
        if let Some(done) = &views.done {
            match sweep::locate(
                &done.basis,
                done.sweep.param,
                done.policy,
                scenario,
                &results.trace,
            ) {
                Some(i) if i == done.policy => {}
                Some(i) => {
                    // The policy moved: follow it (the numbers still hold).
                    let moved =
                        SweepResult::new(done.id, i, done.basis.clone(), done.sweep.clone());
                    views.done = Some(Arc::new(moved));
                }
                None => {
                    views.done = None;
                    views.note = Some(STALE.into());
                }
            }
        }
    }

    /// Whether a sweep is running (the tests wait for it).
    pub(super) fn sweeping(&self) -> bool {
        self.analysis.running.is_some()
    }

    /// The last finished sweep, prepared for the views.
    pub fn sweep_result(&self) -> Option<&SweepResult> {
        self.analysis.done.as_deref()
    }

    /// The trade-off view's data as last drawn.
    pub fn tradeoff_data(&self) -> Option<&TradeoffData> {
        self.analysis.tradeoff.as_deref()
    }

    /// Where point `i` of the trade-off data was drawn last frame.
    pub fn tradeoff_point_on_screen(&self, i: usize) -> Option<Pos2> {
        self.analysis.tradeoff_screen.get(i).copied()
    }

    pub fn selected_policy(&self) -> usize {
        self.selected_policy
    }

    /// Carries out the analysis commands (called from `apply`).
    pub(super) fn apply_analysis(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::RunSweep { policy, spec } => self.run_sweep(ctx, policy, spec),
            Command::CancelSweep => {
                if let Some(running) = &self.analysis.running {
                    running.cancel();
                }
            }
            Command::ApplyParam {
                policy,
                param,
                value,
            } => self.apply_param(policy, param, value),
            Command::SelectPolicy(i) if i < self.doc.scenario.policies.len() => {
                self.selected_policy = i;
            }
            Command::CopySettings { policy, target } => self.copy_settings(ctx, policy, target),
            _ => {}
        }
    }

    fn run_sweep(&mut self, ctx: &egui::Context, index: usize, spec: SweepSpec) {
        let Some(results) = &self.results else {
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
        match sweep::start(
            index,
            policy,
            &results.scenario,
            &results.trace,
            spec,
            move || wake.request_repaint(),
        ) {
            Ok(running) => {
                // Replacing a running sweep cancels it.
                self.analysis.running = Some(running);
                self.analysis.note = None;
            }
            Err(e) => self
                .toasts
                .error(format!("Could not start the sweep thread: {e}")),
        }
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
pub fn target_name(target: Target) -> &'static str {
    match target {
        Target::Flask => "Flask",
        Target::Django => "Django",
        Target::Express => "express-session",
        Target::Spring => "Spring Boot",
        Target::AspNet => "ASP.NET Core",
    }
}
