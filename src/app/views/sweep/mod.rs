//! The sweep view's model: the form (which field, from, to, steps), the sweep
//! running on a thread of its own, and the finished sweep prepared for
//! drawing once.
//!
//! A sweep runs `analysis::sweep::run_sweep_with` (the function behind
//! `lapse sweep`) on the population of the last simulation, off the UI thread
//! and off the simulation thread, so edits keep re-simulating while it runs.
//! Its numbers depend on the swept policy apart from the swept field, the
//! scenario's settings and the population ([`Basis`]); when one of those
//! changes the sweep is stale and is dropped (a running one is cancelled).
//! Changing the swept field itself only moves the "current" marker.

#[cfg(feature = "gui")]
pub mod plot;
#[cfg(feature = "gui")]
pub mod view;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::analysis::compliance::Standard;
use crate::analysis::intervals::{Interval, Method};
use crate::analysis::param::Param;
use crate::analysis::replicates::{
    Draws, MetricIntervals, run_sweep_replicates_with, sweep_intervals,
};
use crate::analysis::sweep::{StepVerdicts, Sweep, SweepSpec};
use crate::engine::{Metrics, Progress, SimConfig};
use crate::model::{Dur, Policy, Scenario, Trace};

use super::{HOUR_MS, Xy};

/// The largest number of steps the form offers (the library allows more;
/// a plot of more points than pixels shows nothing new).
pub const MAX_FORM_STEPS: usize = 1_000;

/// A sensible range for each field: `(from, to, steps)`, with steps chosen
/// so the values are round (5m to 4h in 48 steps is every 5 minutes).
pub fn default_range(param: Param) -> (Dur, Dur, usize) {
    match param {
        // Every 5 minutes.
        Param::IdleTimeout => (Dur::mins(5), Dur::hours(4), 48),
        // Every 30 minutes.
        Param::AbsoluteTimeout => (Dur::hours(1), Dur::hours(24), 47),
        // Every 30 seconds.
        Param::WarningLead => (Dur::secs(30), Dur::mins(10), 20),
        // Every minute.
        Param::KeepaliveInterval => (Dur::mins(1), Dur::hours(1), 60),
        // Every 15 minutes.
        Param::CsrfTimeLimit => (Dur::mins(15), Dur::hours(8), 32),
        // Every day.
        Param::RememberMe => (Dur::days(1), Dur::days(30), 30),
    }
}

/// What the form holds: the texts as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepForm {
    pub param: Param,
    pub from: String,
    pub to: String,
    pub steps: usize,
    /// The standard each step is marked against (pass or fail).
    pub standard: Standard,
}

impl SweepForm {
    pub fn for_param(param: Param) -> SweepForm {
        let (from, to, steps) = default_range(param);
        SweepForm {
            param,
            from: from.to_string(),
            to: to.to_string(),
            steps,
            standard: Standard::PciDss,
        }
    }

    /// The spec the form describes, or what is wrong with it.
    pub fn spec(&self) -> Result<SweepSpec, String> {
        let parse = |what: &str, text: &str| {
            text.trim()
                .parse::<Dur>()
                .map_err(|e| format!("{what}: {e}"))
        };
        let spec = SweepSpec {
            param: self.param,
            from: parse("From", &self.from)?,
            to: parse("To", &self.to)?,
            steps: self.steps,
        };
        spec.values()?;
        Ok(spec)
    }
}

impl Default for SweepForm {
    fn default() -> Self {
        SweepForm::for_param(Param::IdleTimeout)
    }
}

/// What a sweep's numbers depend on: the policy with its name and the swept
/// field set aside, the scenario's settings, and the population.
#[derive(Clone, Debug)]
pub struct Basis {
    policy: Option<Policy>,
    /// The policy as swept (what each step's verdicts are checked from);
    /// not compared: only `policy` says what the numbers depend on.
    base: Policy,
    cfg: SimConfig,
    trace: Arc<Trace>,
}

impl Basis {
    pub fn new(policy: &Policy, param: Param, scenario: &Scenario, trace: &Arc<Trace>) -> Basis {
        Basis {
            policy: neutral(policy, param),
            base: policy.clone(),
            cfg: scenario.sim_config(),
            trace: Arc::clone(trace),
        }
    }
}

impl PartialEq for Basis {
    fn eq(&self, other: &Basis) -> bool {
        self.policy == other.policy
            && self.cfg == other.cfg
            && Arc::ptr_eq(&self.trace, &other.trace)
    }
}

/// The policy with its name cleared and the swept field at a fixed value:
/// two policies that differ only there give the same sweep.
fn neutral(policy: &Policy, param: Param) -> Option<Policy> {
    let mut p = param.with(policy, Dur(1)).ok()?;
    p.name.clear();
    Some(p)
}

/// A sweep under way.
pub struct Running {
    pub policy: usize,
    pub policy_name: String,
    pub spec: SweepSpec,
    pub basis: Basis,
    /// Draws of the population swept (1: the plain sweep).
    pub replicates: usize,
    progress: Arc<Progress>,
    /// User replays in all: replicates x steps x users.
    total: usize,
    answer: Receiver<Result<Option<Swept>, String>>,
}

/// A finished sweep of every replicate, its intervals worked out on the
/// sweep's thread (a frame only draws them).
#[derive(Clone, Debug)]
pub struct Swept {
    /// Replicate 0's sweep first; never empty.
    pub sweeps: Vec<Sweep>,
    pub method: Method,
    /// Each step's intervals; empty for one replicate.
    pub intervals: Vec<Option<MetricIntervals>>,
}

impl Swept {
    pub fn new(sweeps: Vec<Sweep>, method: Method) -> Swept {
        let intervals = if sweeps.len() > 1 {
            sweep_intervals(method, &sweeps)
        } else {
            Vec::new()
        };
        Swept {
            sweeps,
            method,
            intervals,
        }
    }
}

impl Running {
    /// Done so far, 0..=1.
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            return 0.0;
        }
        (self.progress.done.load(Ordering::Relaxed) as f32 / self.total as f32).min(1.0)
    }

    pub fn cancel(&self) {
        self.progress.cancel.store(true, Ordering::Relaxed);
    }
}

impl Drop for Running {
    /// A sweep nobody waits for stops (its thread ends at the next user).
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Starts `spec` on `policy` (number `index` of the scenario) over `trace`,
/// on a thread of its own, on as many draws of the population as the
/// scenario's `replicates` (the library's `lapse sweep --replicates N`);
/// `wake` is called when it ends.
pub fn start(
    index: usize,
    policy: &Policy,
    scenario: &Scenario,
    trace: &Arc<Trace>,
    spec: SweepSpec,
    wake: impl Fn() + Send + 'static,
) -> std::io::Result<Running> {
    let progress = Arc::new(Progress::default());
    let replicates = (scenario.replicates as usize).max(1);
    let draws = Draws::of(scenario, false);
    let (tx, answer) = channel();
    let job = (
        policy.clone(),
        scenario.clone(),
        Arc::clone(trace),
        Arc::clone(&progress),
    );
    std::thread::Builder::new()
        .name("lapse-sweep".into())
        .spawn(move || {
            let (policy, scenario, trace, progress) = job;
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run_sweep_replicates_with(
                    &scenario, &trace, draws, &policy, &spec, replicates, &progress,
                )
                .map(|done| done.map(|sweeps| Swept::new(sweeps, draws.method())))
            }))
            .unwrap_or_else(|_| Err("internal error (a bug in Lapse): the sweep failed".into()));
            let _ = tx.send(result);
            wake();
        })?;
    Ok(Running {
        policy: index,
        policy_name: policy.name.clone(),
        spec,
        basis: Basis::new(policy, spec.param, scenario, trace),
        replicates,
        total: replicates * spec.steps * trace.num_users(),
        progress,
        answer,
    })
}

/// How a running sweep ended, once it has.
pub enum Ended {
    /// Replicate 0's sweep first, then the others', and their intervals.
    Done(Swept),
    Cancelled,
    Failed(String),
}

impl Running {
    pub fn poll(&self) -> Option<Ended> {
        match self.answer.try_recv() {
            Ok(Ok(Some(swept))) if !swept.sweeps.is_empty() => Some(Ended::Done(swept)),
            Ok(Ok(Some(_))) => Some(Ended::Failed("internal error: no sweep".into())),
            Ok(Ok(None)) => Some(Ended::Cancelled),
            Ok(Err(e)) => Some(Ended::Failed(e)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Ended::Failed(
                "internal error: the sweep thread stopped".into(),
            )),
        }
    }
}

/// One metric against the swept field, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSeries {
    pub name: &'static str,
    /// The human name and what it counts ([`Metrics::text`]).
    pub label: &'static str,
    pub explains: &'static str,
    /// Durations (`_ms` metrics) are drawn in hours.
    pub is_ms: bool,
    /// x: the field's value in hours; y: the metric (hours for durations);
    /// with replicates, the mean over them.
    pub points: Vec<Xy>,
    /// With replicates: each point's 95 % interval, in the plot's unit
    /// (`band[i]` belongs to `points[i]`); empty for a plain sweep.
    pub band: Vec<Interval>,
}

/// A finished sweep and what the views draw from it, prepared once.
#[derive(Debug)]
pub struct SweepResult {
    /// Counts sweeps, so the trade-off view knows when to prepare again.
    pub id: u64,
    /// Which policy of the scenario was swept (follows moves).
    pub policy: usize,
    pub basis: Basis,
    /// Replicate 0's sweep: exactly a plain sweep.
    pub sweep: Sweep,
    /// Every replicate's sweep, replicate 0 first (just `sweep` when there
    /// is one): the trade-off view pairs them.
    pub replicates: Vec<Sweep>,
    pub method: Method,
    /// Each step's intervals over the replicates (empty for one).
    intervals: Vec<Option<MetricIntervals>>,
    /// One per metric, in the SPEC's order; only the steps that ran.
    pub metrics: Vec<MetricSeries>,
    /// Every standard's verdict on each step (`lapse sweep --standard`).
    pub verdicts: Vec<StepVerdicts>,
}

impl MetricSeries {
    /// The step nearest `x` (hours) along the axis: what hovering anywhere
    /// above a value shows.
    pub fn nearest(&self, x: f64) -> Option<(usize, Xy)> {
        self.points
            .iter()
            .copied()
            .enumerate()
            .min_by(|a, b| (a.1.x - x).abs().total_cmp(&(b.1.x - x).abs()))
    }
}

impl SweepResult {
    /// A plain sweep (one draw of the population).
    pub fn new(id: u64, policy: usize, basis: Basis, sweep: Sweep) -> SweepResult {
        SweepResult::replicated(id, policy, basis, Swept::new(vec![sweep], Method::StudentT))
    }

    /// Sweeps of several draws (`sweeps[k]` ran on replicate k's users,
    /// `sweeps[0]` first and never empty): each point is the mean over
    /// them, within its 95 % interval read by `method`.
    pub fn replicated(id: u64, policy: usize, basis: Basis, swept: Swept) -> SweepResult {
        let Swept {
            sweeps,
            method,
            intervals,
        } = swept;
        let sweep = sweeps[0].clone();
        // The steps that ran, each with its intervals when there are replicates.
        let ran: Vec<(Dur, &Metrics, Option<&MetricIntervals>)> = sweep
            .steps
            .iter()
            .enumerate()
            .filter_map(|(i, st)| {
                let m = st.result.as_ref().ok()?;
                Some((st.value, m, intervals.get(i).and_then(Option::as_ref)))
            })
            .collect();
        let metrics = Metrics::NAMES
            .iter()
            .enumerate()
            .map(|(k, &name)| {
                let is_ms = crate::report::is_duration(name);
                let scale = if is_ms { HOUR_MS } else { 1.0 };
                let band: Vec<Interval> = ran
                    .iter()
                    .filter_map(|(_, _, iv)| iv.map(|iv| iv[k].1))
                    .map(|iv| Interval {
                        mean: iv.mean / scale,
                        low: iv.low / scale,
                        high: iv.high / scale,
                    })
                    .collect();
                let band = if band.len() == ran.len() {
                    band
                } else {
                    Vec::new()
                };
                let points = ran
                    .iter()
                    .enumerate()
                    .map(|(i, (value, m, _))| Xy {
                        x: value.0 as f64 / HOUR_MS,
                        y: band
                            .get(i)
                            .map_or(m.pairs()[k].1 as f64 / scale, |iv| iv.mean),
                    })
                    .collect();
                let text = Metrics::text(name);
                MetricSeries {
                    name,
                    label: text.map_or(name, |t| t.label),
                    explains: text.map_or("", |t| t.explains),
                    is_ms,
                    points,
                    band,
                }
            })
            .collect();
        let verdicts = Standard::ALL
            .iter()
            .map(|&st| StepVerdicts::new(&basis.base, &sweep, st))
            .collect();
        SweepResult {
            id,
            policy,
            basis,
            metrics,
            verdicts,
            sweep,
            replicates: sweeps,
            method,
            intervals,
        }
    }

    /// The same sweep, its policy now at `policy` (it was moved).
    pub fn moved(&self, policy: usize) -> SweepResult {
        let swept = Swept {
            sweeps: self.replicates.clone(),
            method: self.method,
            intervals: self.intervals.clone(),
        };
        SweepResult::replicated(self.id, policy, self.basis.clone(), swept)
    }

    /// How many draws of the population were swept.
    pub fn replicate_count(&self) -> usize {
        self.replicates.len()
    }

    /// Whether each step that ran (each plotted point, in order) passes
    /// `standard`, as `lapse check` judges the policy at that value.
    pub fn passes(&self, standard: Standard) -> Vec<bool> {
        self.verdicts
            .iter()
            .find(|v| v.standard == standard)
            .map(|v| v.passes.iter().filter_map(|p| *p).collect())
            .unwrap_or_default()
    }

    /// The verdicts in a sentence: `pci-dss: passes at 10m to 20m; fails at
    /// 30m to 1h` (runs of consecutive steps with the same verdict).
    pub fn verdict_summary(&self, standard: Standard) -> Option<String> {
        let verdicts = self.verdicts.iter().find(|v| v.standard == standard)?;
        let ran: Vec<(Dur, bool)> = self
            .sweep
            .steps
            .iter()
            .zip(&verdicts.passes)
            .filter_map(|(step, pass)| pass.map(|p| (step.value, p)))
            .collect();
        let mut runs: Vec<(bool, Dur, Dur)> = Vec::new();
        for (value, pass) in ran {
            match runs.last_mut() {
                Some((p, _, last)) if *p == pass => *last = value,
                _ => runs.push((pass, value, value)),
            }
        }
        if runs.is_empty() {
            return None;
        }
        let parts: Vec<String> = runs
            .iter()
            .map(|&(pass, first, last)| {
                let verb = if pass { "passes" } else { "fails" };
                if first == last {
                    format!("{verb} at {first}")
                } else {
                    format!("{verb} at {first} to {last}")
                }
            })
            .collect();
        Some(format!("{}: {}", standard.id(), parts.join("; ")))
    }

    /// The steps skipped, in a sentence; `None` when every step ran.
    pub fn skipped_note(&self) -> Option<String> {
        let skipped: Vec<(Dur, &str)> = self.sweep.skipped().collect();
        let (first, last) = (skipped.first()?, skipped.last()?);
        Some(format!(
            "{} of {} steps skipped ({} to {}): {}",
            skipped.len(),
            self.sweep.steps.len(),
            first.0,
            last.0,
            first.1
        ))
    }
}

/// Where the sweep's policy is now: `index` if it still matches `basis`,
/// else the first policy that does (it was moved); `None` when the sweep is
/// stale.
pub fn locate(
    basis: &Basis,
    param: Param,
    index: usize,
    scenario: &Scenario,
    trace: &Arc<Trace>,
) -> Option<usize> {
    let matches = |p: &Policy| Basis::new(p, param, scenario, trace) == *basis;
    if scenario.policies.get(index).is_some_and(matches) {
        return Some(index);
    }
    scenario.policies.iter().position(matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ranges_are_valid_and_round() {
        for param in Param::ALL {
            let spec = SweepForm::for_param(param).spec().expect("valid");
            let values = spec.values().expect("valid");
            let step = values[1].0 - values[0].0;
            assert!(
                values.windows(2).all(|w| w[1].0 - w[0].0 == step),
                "{param}: even steps"
            );
        }
        // 5m to 4h in 48 steps: every 5 minutes.
        let v = SweepForm::default()
            .spec()
            .expect("valid")
            .values()
            .expect("valid");
        assert_eq!(
            (v[0], v[1], v[47]),
            (Dur::mins(5), Dur::mins(10), Dur::hours(4))
        );
    }

    #[test]
    fn a_bad_form_says_why() {
        let mut form = SweepForm {
            from: "5".into(),
            ..SweepForm::default()
        };
        assert!(form.spec().unwrap_err().starts_with("From: "));
        form.from = "5m".into();
        form.steps = 1;
        assert!(form.spec().unwrap_err().contains("between 2"));
    }

    #[test]
    fn each_step_has_its_verdict_and_hover_finds_the_nearest_step() {
        let scenario = Scenario::parse(
            r#"Scenario(name: "s", horizon: "1d", population: Trace(path: "t.csv"),
               policies: [Policy(name: "a", keepalive: Keepalive(interval: "5m"))])"#,
            None,
        )
        .expect("valid");
        let trace = Arc::new(Trace::from_users(Vec::<(String, Vec<_>)>::new()));
        let policy = &scenario.policies[0];
        let spec = SweepSpec {
            param: Param::IdleTimeout,
            from: Dur::mins(5),
            to: Dur::mins(20),
            steps: 4,
        };
        let sweep =
            crate::analysis::sweep::run_sweep(&scenario, &trace, policy, &spec).expect("runs");
        let basis = Basis::new(policy, Param::IdleTimeout, &scenario, &trace);
        let done = SweepResult::new(1, 0, basis, sweep);
        // PCI DSS: idle + one 5m keepalive interval at most 15m, by hand.
        assert_eq!(done.passes(Standard::PciDss), [true, true, false, false]);
        assert_eq!(
            done.verdict_summary(Standard::PciDss).as_deref(),
            Some("pci-dss: passes at 5m to 10m; fails at 15m to 20m")
        );
        let logins = &done.metrics[0];
        assert_eq!(logins.label, "Logins");
        // 5, 10, 15, 20 minutes: 13 minutes is nearest the third step.
        assert_eq!(logins.nearest(13.0 / 60.0).map(|(i, _)| i), Some(2));
    }

    #[test]
    fn only_what_the_numbers_depend_on_makes_a_sweep_stale() {
        let scenario = Scenario::parse(
            r#"Scenario(name: "s", horizon: "1d", population: Trace(path: "t.csv"),
               policies: [Policy(name: "a"), Policy(name: "b", refresh: OnModify)])"#,
            None,
        )
        .expect("valid");
        let trace = Arc::new(Trace::from_users(Vec::<(String, Vec<_>)>::new()));
        let basis = Basis::new(&scenario.policies[0], Param::IdleTimeout, &scenario, &trace);
        let mut s = scenario.clone();
        // The swept field and the name do not matter.
        s.policies[0].idle_timeout = Some(Dur::hours(2));
        s.policies[0].name = "renamed".into();
        assert_eq!(locate(&basis, Param::IdleTimeout, 0, &s, &trace), Some(0));
        // A move is followed.
        s.policies.swap(0, 1);
        assert_eq!(locate(&basis, Param::IdleTimeout, 0, &s, &trace), Some(1));
        // Another field, the settings or the population make it stale.
        let mut other = s.clone();
        other.policies[1].preserve_drafts = true;
        assert_eq!(locate(&basis, Param::IdleTimeout, 1, &other, &trace), None);
        let mut other = s.clone();
        other.horizon = Dur::days(2);
        assert_eq!(locate(&basis, Param::IdleTimeout, 1, &other, &trace), None);
        let reloaded = Arc::new(Trace::from_users(Vec::<(String, Vec<_>)>::new()));
        assert_eq!(locate(&basis, Param::IdleTimeout, 1, &s, &reloaded), None);
    }
}
