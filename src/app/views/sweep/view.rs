//! What the sweep and trade-off views keep between frames: the form, the
//! sweep running on its own thread, the last finished one, and the
//! trade-off data prepared from it. Everything is computed by
//! `crate::analysis`, the library behind `lapse sweep`, `check` and
//! `export`; this file only keeps it for the views and keeps it fresh.

use std::sync::Arc;

use egui::Pos2;

use super::{Ended, Running, SweepForm, SweepResult};
use crate::analysis::intervals::Method;
use crate::analysis::replicates::Replicated;
use crate::app::views::tradeoff::{PointKind, TradeoffData};
use crate::app::worker::Results;
use crate::engine::Metrics;
use crate::model::Scenario;

#[derive(Default)]
pub struct AnalysisViews {
    pub form: SweepForm,
    running: Option<Running>,
    done: Option<Arc<SweepResult>>,
    /// Why the last sweep stopped early or was dropped.
    pub note: Option<String>,
    sweeps: u64,
    /// With the replicates it compared (how many of the policies' were in).
    tradeoff: Option<(usize, Arc<TradeoffData>)>,
    /// Where each trade-off point was drawn last frame (clicks hit these).
    pub tradeoff_screen: Vec<Pos2>,
    /// Where the sweep or trade-off view drew its plot last frame, without
    /// its form: what an exported PNG shows.
    pub plot_rect: Option<egui::Rect>,
}

/// Each trade-off point's metrics over the replicates: a policy's from the
/// results' replicates, a sweep step's from the sweep's (replicate k is the
/// same draw of the users in both); `None` where there are none.
fn point_draws(
    data: &TradeoffData,
    replicated: Option<&Replicated>,
    sweep: Option<&SweepResult>,
) -> Vec<Option<Vec<Metrics>>> {
    data.points
        .iter()
        .map(|p| match p.kind {
            PointKind::Policy(i) => {
                let r = replicated.filter(|r| r.replicates() > 1)?;
                r.values.iter().map(|v| v.get(i).copied()).collect()
            }
            PointKind::Step { value, .. } => {
                let s = sweep.filter(|s| s.replicate_count() > 1)?;
                s.replicates
                    .iter()
                    .map(|sw| {
                        sw.steps
                            .iter()
                            .find(|st| st.value == value)
                            .and_then(|st| st.result.as_ref().ok().copied())
                    })
                    .collect()
            }
        })
        .collect()
}

/// Why a sweep is no longer shown.
const STALE: &str = "The last sweep was dropped: the policy (apart from the swept field), the scenario's settings or the population changed since. Run it again.";

impl AnalysisViews {
    pub fn running(&self) -> Option<&Running> {
        self.running.as_ref()
    }

    pub fn done(&self) -> Option<&Arc<SweepResult>> {
        self.done.as_ref()
    }

    /// The trade-off data as last prepared.
    pub fn tradeoff_data(&self) -> Option<&TradeoffData> {
        self.tradeoff.as_ref().map(|(_, data)| data.as_ref())
    }

    /// Shows a new sweep's progress; replacing a running sweep cancels it.
    pub fn start(&mut self, running: Running) {
        self.running = Some(running);
        self.note = None;
    }

    pub fn cancel(&self) {
        if let Some(running) = &self.running {
            running.cancel();
        }
    }

    /// The trade-off data for these results and the current sweep, prepared
    /// only when either changed or more of the results' replicates came in
    /// (`replicated`: theirs, for comparing neighbours on the frontier).
    pub fn tradeoff(
        &mut self,
        results: &Results,
        replicated: Option<&Replicated>,
    ) -> Arc<TradeoffData> {
        let key = (results.generation, self.done.as_ref().map(|s| s.id));
        // A sample's replicate 0 has no draws to pair with a sweep's.
        let replicated = replicated.filter(|r| r.sample.is_none());
        let done = replicated.map_or(0, Replicated::replicates);
        match &self.tradeoff {
            Some((n, data)) if data.key == key && *n == done => Arc::clone(data),
            _ => {
                let mut data = TradeoffData::over(
                    results.generation,
                    &results.run,
                    self.done.as_deref(),
                    Some(results.scenario.horizon.0),
                );
                let draws = point_draws(&data, replicated, self.done.as_deref());
                let method = replicated
                    .map(|r| r.method)
                    .or(self.done.as_ref().map(|s| s.method))
                    .unwrap_or(Method::StudentT);
                data.compare_neighbours(&draws, method, results.run.users);
                let data = Arc::new(data);
                self.tradeoff = Some((done, Arc::clone(&data)));
                data
            }
        }
    }

    /// Picks up a finished sweep; drops (and cancels) a sweep whose numbers
    /// no longer describe `scenario`. Called every frame: the check compares
    /// one policy and a few settings.
    pub fn poll(&mut self, results: Option<&Results>, scenario: &Scenario) {
        if let Some(ended) = self.running.as_ref().and_then(Running::poll)
            && let Some(running) = self.running.take()
        {
            match ended {
                Ended::Done(swept) => {
                    self.sweeps += 1;
                    self.done = Some(Arc::new(SweepResult::replicated(
                        self.sweeps,
                        running.policy,
                        running.basis.clone(),
                        swept,
                    )));
                    self.note = None;
                }
                Ended::Cancelled => self.note = Some("The sweep was cancelled.".into()),
                Ended::Failed(e) => self.note = Some(format!("The sweep failed: {e}")),
            }
        }
        let Some(results) = results else {
            return;
        };
        if let Some(running) = &self.running
            && super::locate(
                &running.basis,
                running.spec.param,
                running.policy,
                scenario,
                &results.trace,
            )
            .is_none()
        {
            self.running = None; // dropping it cancels it
            self.note = Some(STALE.into());
        }
        if let Some(done) = &self.done {
            match super::locate(
                &done.basis,
                done.sweep.param,
                done.policy,
                scenario,
                &results.trace,
            ) {
                Some(i) if i == done.policy => {}
                Some(i) => {
                    // The policy moved: follow it (the numbers still hold).
                    self.done = Some(Arc::new(done.moved(i)));
                }
                None => {
                    self.done = None;
                    self.note = Some(STALE.into());
                }
            }
        }
    }
}
