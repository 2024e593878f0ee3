//! Replicates: the same scenario run on several draws of its population, so
//! every metric gets a 95 % interval and every policy a paired difference
//! against a baseline (docs/replicates.md).
//!
//! - A generated population is generated again for replicate k from the
//!   seed [`replicate_seed`] derives; replicate 0 is the scenario's own seed,
//!   so its results are exactly a plain run's.
//! - A trace (one draw only) is resampled by users with replacement (the
//!   bootstrap); replicate 0 is the trace itself.
//! - `sample_users` replays a random share of the users and scales the
//!   totals up to the whole population.
//!
//! Every policy sees the same users within a replicate (common random
//! numbers), which is what makes the paired differences narrow. The engine
//! knows nothing of this: each replicate is an ordinary run.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt as _, seq::index};
use rayon::prelude::*;

use super::intervals::{self, Difference, Interval, Method};
use super::sweep::{Sweep, SweepSpec, run_sweep_with};
use crate::engine::{
    Metrics, Progress, RunOptions, ScenarioRun, run_scenario_streamed, run_scenario_with,
};
use crate::generate::{GenerateError, Generator, generate, splitmix64};
use crate::model::trace::TraceBuilder;
use crate::model::{Policy, Population, Scenario, Trace};

/// The seed of replicate `k`: the scenario's own seed for replicate 0, and
/// for k >= 1 the k-th output of a SplitMix64 generator started at the
/// scenario's seed, i.e. SplitMix64's finaliser applied to
/// `seed + k * 0x9E3779B97F4A7C15` (wrapping). Fixed and documented: the same
/// scenario gives the same replicates on every machine.
pub fn replicate_seed(seed: u64, k: usize) -> u64 {
    if k == 0 {
        return seed;
    }
    // `splitmix64` adds the increment once itself.
    let steps = (k as u64).wrapping_sub(1);
    splitmix64(seed.wrapping_add(steps.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
}

/// Where replicates after the first come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draws {
    /// The population's profiles, generated from replicate k's seed.
    Generated,
    /// The one trace there is, its users resampled with replacement.
    Bootstrap,
}

impl Draws {
    /// Generated for a `Generated` population, unless a trace replaces it
    /// (`--trace`): then there is only that one draw.
    pub fn of(scenario: &Scenario, trace_given: bool) -> Draws {
        match scenario.population {
            Population::Generated(_) if !trace_given => Draws::Generated,
            _ => Draws::Bootstrap,
        }
    }

    pub fn method(self) -> Method {
        match self {
            Draws::Generated => Method::StudentT,
            Draws::Bootstrap => Method::Bootstrap,
        }
    }
}

/// What to run: how many replicates, drawn how, or a sample of the users.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReplicateSpec {
    pub replicates: usize,
    pub draws: Draws,
    /// Replay this share of the users (0 < f <= 1) instead.
    pub sample: Option<f64>,
}

impl ReplicateSpec {
    /// The scenario's own `replicates` and `sample_users`.
    pub fn of(scenario: &Scenario, trace_given: bool) -> ReplicateSpec {
        ReplicateSpec {
            replicates: scenario.replicates.max(1) as usize,
            draws: Draws::of(scenario, trace_given),
            sample: scenario.sample_users.map(|f| f.0),
        }
    }

    /// Whether there is anything beyond a plain run (intervals to show).
    pub fn is_plain(&self) -> bool {
        self.replicates <= 1 && self.sample.is_none()
    }

    pub fn method(&self) -> Method {
        if self.sample.is_some() {
            Method::Sample
        } else {
            self.draws.method()
        }
    }
}

/// Replicate k's users: `base` itself for k = 0, otherwise a new draw.
pub fn replicate_trace(
    scenario: &Scenario,
    base: &Trace,
    draws: Draws,
    k: usize,
) -> Result<Trace, GenerateError> {
    if k == 0 {
        return Ok(base.clone());
    }
    let seed = replicate_seed(scenario.seed, k);
    match draws {
        Draws::Generated => {
            let mut again = scenario.clone();
            again.seed = seed;
            generate(&again)
        }
        Draws::Bootstrap => Ok(bootstrap(base, seed)),
    }
}

/// As many users as `base` has, each drawn uniformly with replacement, in
/// draw order, from a stream seeded with `seed`.
pub fn bootstrap(base: &Trace, seed: u64) -> Trace {
    let n = base.num_users();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let picks: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
    subset(base, &picks, true)
}

/// How many users a `fraction` sample of `n` keeps: rounded, at least 1
/// (when there is anyone), at most `n`.
pub fn sample_size(n: usize, fraction: f64) -> usize {
    if n == 0 {
        return 0;
    }
    ((n as f64 * fraction).round() as usize).clamp(1, n)
}

/// A simple random sample (without replacement) of the users, drawn from a
/// stream seeded with the scenario's seed; users keep their trace order.
pub fn sample_users(base: &Trace, fraction: f64, seed: u64) -> Trace {
    let n = base.num_users();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut picks = index::sample(&mut rng, n, sample_size(n, fraction)).into_vec();
    picks.sort_unstable();
    subset(base, &picks, false)
}

/// The users of `base` at `picks`, as a trace of their own. With
/// `number`, each pick's name gets `#i` (a user drawn twice is two people).
fn subset(base: &Trace, picks: &[usize], number: bool) -> Trace {
    let events = picks.iter().map(|&u| base.user_events(u).len()).sum();
    let mut builder = TraceBuilder::with_capacity(picks.len(), events);
    for (i, &u) in picks.iter().enumerate() {
        let name = if number {
            format!("{}#{i}", base.user_name(u))
        } else {
            base.user_name(u).to_string()
        };
        builder.push_user(name, base.user_events(u));
    }
    builder.finish()
}

/// One metric's interval, named.
pub type MetricIntervals = Vec<(&'static str, Interval)>;
/// One metric's difference, named.
pub type MetricDifferences = Vec<(&'static str, Difference)>;

/// A scenario run on several draws of its population.
#[derive(Clone, Debug, PartialEq)]
pub struct Replicated {
    /// Replicate 0: exactly a plain run (or the sample's own counts).
    pub run: ScenarioRun,
    pub method: Method,
    /// Every replicate's metrics, `[replicate][policy]`, replicate 0 first.
    pub values: Vec<Vec<Metrics>>,
    /// For a sample: the whole population's size, and each sampled user's
    /// metrics per policy (`[policy][user]`).
    pub sample: Option<SampleData>,
}

/// What a sample needs to scale up.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleData {
    pub population: usize,
    pub per_user: Vec<Vec<Metrics>>,
}

/// A policy's paired differences against the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDifferences {
    pub policy: String,
    pub baseline: String,
    pub metrics: MetricDifferences,
}

/// Whether a metric is a maximum rather than a sum over users: a sample
/// cannot scale it up.
fn is_maximum(metric: &str) -> bool {
    matches!(metric, "max_session_ms" | "peak_live_sessions")
}

impl Replicated {
    /// Only replicate 0 so far; [`Replicated::push`] adds the others.
    pub fn first(run: ScenarioRun, method: Method) -> Replicated {
        let values = vec![run.policies.iter().map(|p| p.metrics).collect()];
        Replicated {
            run,
            method,
            values,
            sample: None,
        }
    }

    /// Adds a finished replicate's metrics (one per policy, in order).
    pub fn push(&mut self, metrics: Vec<Metrics>) {
        self.values.push(metrics);
    }

    pub fn replicates(&self) -> usize {
        self.values.len()
    }

    /// Whether there is an interval to show (more than one draw, or a sample).
    pub fn has_intervals(&self) -> bool {
        self.replicates() > 1 || self.sample.is_some()
    }

    /// One metric of one policy across the replicates.
    fn column(&self, policy: usize, metric: usize) -> Vec<f64> {
        self.values
            .iter()
            .map(|r| r[policy].pairs()[metric].1 as f64)
            .collect()
    }

    /// One metric of one policy for each sampled user.
    fn users(sample: &SampleData, policy: usize, metric: usize) -> Vec<f64> {
        sample.per_user[policy]
            .iter()
            .map(|m| m.pairs()[metric].1 as f64)
            .collect()
    }

    /// Every metric's interval for the policy at `policy`.
    pub fn intervals(&self, policy: usize) -> MetricIntervals {
        Metrics::NAMES
            .iter()
            .enumerate()
            .map(|(i, &name)| (name, self.interval(policy, i)))
            .collect()
    }

    fn interval(&self, policy: usize, metric: usize) -> Interval {
        let Some(sample) = &self.sample else {
            return intervals::interval(self.method, &self.column(policy, metric), self.run.users);
        };
        let own = self.values[0][policy].pairs()[metric];
        let sampled = sample.per_user[policy].len().max(1) as f64;
        match own.0 {
            // A longest session cannot be scaled: it stays the sample's own.
            "max_session_ms" => Interval::exact(own.1 as f64),
            // Live sessions grow with the users; there is no interval for a peak.
            "peak_live_sessions" => {
                Interval::exact(own.1 as f64 * sample.population as f64 / sampled)
            }
            _ => intervals::sample_total(&Self::users(sample, policy, metric), sample.population),
        }
    }

    /// Each other policy's paired differences against policy `baseline`.
    pub fn differences(&self, baseline: usize) -> Vec<PolicyDifferences> {
        let names = &self.run.policies;
        (0..names.len())
            .filter(|&p| p != baseline)
            .map(|p| PolicyDifferences {
                policy: names[p].name.clone(),
                baseline: names[baseline].name.clone(),
                metrics: self.paired(baseline, p),
            })
            .collect()
    }

    /// The difference `other - baseline` of any score of the metrics (for a
    /// sample, the score must add up over users, as the metrics' sums do).
    pub fn paired_by(
        &self,
        baseline: usize,
        other: usize,
        score: impl Fn(&Metrics) -> f64,
    ) -> Difference {
        match &self.sample {
            Some(s) => {
                let users = |p: usize| s.per_user[p].iter().map(&score).collect::<Vec<f64>>();
                intervals::paired_sample(&users(baseline), &users(other), s.population)
            }
            None => {
                let column = |p: usize| {
                    self.values
                        .iter()
                        .map(|r| score(&r[p]))
                        .collect::<Vec<f64>>()
                };
                intervals::paired(
                    self.method,
                    &column(baseline),
                    &column(other),
                    self.run.users,
                )
            }
        }
    }

    /// Every metric's difference `other - baseline`.
    pub fn paired(&self, baseline: usize, other: usize) -> MetricDifferences {
        Metrics::NAMES
            .iter()
            .enumerate()
            .filter(|(_, name)| self.sample.is_none() || !is_maximum(name))
            .map(|(i, &name)| {
                (
                    name,
                    self.paired_by(baseline, other, |m| m.pairs()[i].1 as f64),
                )
            })
            .collect()
    }
}

/// Runs replicate `k` (k >= 1) with totals only; `None` when cancelled.
pub fn run_replicate(
    scenario: &Scenario,
    base: &Trace,
    draws: Draws,
    k: usize,
    progress: &Progress,
) -> Option<Result<Vec<Metrics>, GenerateError>> {
    let run = match draws {
        Draws::Generated if k > 0 => run_generated(scenario, k, progress)?,
        _ => run_replicate_with(scenario, base, draws, k, RunOptions::TOTALS, progress)?,
    };
    Some(run.map(|run| run.policies.into_iter().map(|p| p.metrics).collect()))
}

/// Runs replicate `k` keeping what `options` asks for (the window keeps
/// each replicate's time series to draw bands over time); `None` when
/// cancelled.
pub fn run_replicate_with(
    scenario: &Scenario,
    base: &Trace,
    draws: Draws,
    k: usize,
    options: RunOptions,
    progress: &Progress,
) -> Option<Result<ScenarioRun, GenerateError>> {
    let trace = match replicate_trace(scenario, base, draws, k) {
        Ok(trace) => trace,
        Err(e) => return Some(Err(e)),
    };
    run_scenario_with(scenario, &trace, options, progress).map(Ok)
}

/// Replicate `k`'s users generated a group at a time and replayed at once,
/// never stored as a trace: the same totals as [`replicate_trace`]'s trace
/// run, without writing and reading it again (docs/replicates.md, speed).
fn run_generated(
    scenario: &Scenario,
    k: usize,
    progress: &Progress,
) -> Option<Result<ScenarioRun, GenerateError>> {
    let mut again = scenario.clone();
    again.seed = replicate_seed(scenario.seed, k);
    let generator = match Generator::new(&again) {
        Ok(generator) => generator,
        Err(e) => return Some(Err(e)),
    };
    run_scenario_streamed(
        scenario,
        generator.num_users(),
        |users, batch| generator.write_users(users, batch),
        progress,
    )
}

/// Runs the scenario as `spec` asks, replicates in parallel across cores.
/// Replicate 0 keeps `options` (series, per-user metrics); the others keep
/// totals only. `Ok(None)` when cancelled.
pub fn run_replicated(
    scenario: &Scenario,
    base: &Trace,
    spec: &ReplicateSpec,
    options: RunOptions,
    progress: &Progress,
) -> Result<Option<Replicated>, GenerateError> {
    if let Some(fraction) = spec.sample {
        return Ok(run_sample(scenario, base, fraction, options, progress));
    }
    let Some(first) = run_scenario_with(scenario, base, options, progress) else {
        return Ok(None);
    };
    let mut out = Replicated::first(first, spec.draws.method());
    let rest: Option<Result<Vec<_>, _>> = (1..spec.replicates)
        .into_par_iter()
        .map(|k| run_replicate(scenario, base, spec.draws, k, progress))
        .collect();
    let Some(rest) = rest else {
        return Ok(None);
    };
    for metrics in rest? {
        out.push(metrics);
    }
    Ok(Some(out))
}

/// Runs a sample of the users, keeping each sampled user's metrics.
fn run_sample(
    scenario: &Scenario,
    base: &Trace,
    fraction: f64,
    options: RunOptions,
    progress: &Progress,
) -> Option<Replicated> {
    let trace = sample_users(base, fraction, scenario.seed);
    let with_users = RunOptions {
        per_user: true,
        ..options
    };
    let mut run = run_scenario_with(scenario, &trace, with_users, progress)?;
    let per_user = run
        .policies
        .iter_mut()
        .map(|p| {
            if options.per_user {
                p.per_user.clone()
            } else {
                std::mem::take(&mut p.per_user)
            }
        })
        .collect();
    let mut out = Replicated::first(run, Method::Sample);
    out.sample = Some(SampleData {
        population: base.num_users(),
        per_user,
    });
    Some(out)
}

/// Two policies run side by side on `replicates` draws of the scenario's
/// population (the baseline is policy 0, the other policy 1): for callers
/// that compare two settings, such as a recommendation and the policy it
/// replaces. [`Replicated::paired`] gives every metric's difference,
/// [`Replicated::paired_by`] any score's.
pub fn paired_policies(
    scenario: &Scenario,
    base: &Trace,
    draws: Draws,
    baseline: &Policy,
    other: &Policy,
    replicates: usize,
) -> Result<Replicated, GenerateError> {
    let mut pair = scenario.clone();
    let mut other = other.clone();
    if other.name == baseline.name {
        other.name.push_str(" (other)");
    }
    pair.policies = vec![baseline.clone(), other];
    let spec = ReplicateSpec {
        replicates: replicates.max(1),
        draws,
        sample: None,
    };
    let run = run_replicated(&pair, base, &spec, RunOptions::TOTALS, &Progress::default())?;
    Ok(run.expect("a run nobody cancels always completes"))
}

/// A sweep on each of `replicates` draws of the population, replicate 0
/// first (its sweep is exactly a plain sweep's), replicates in parallel.
pub fn run_sweep_replicates(
    scenario: &Scenario,
    base: &Trace,
    draws: Draws,
    policy: &Policy,
    spec: &SweepSpec,
    replicates: usize,
) -> Result<Vec<Sweep>, String> {
    run_sweep_replicates_with(
        scenario,
        base,
        draws,
        policy,
        spec,
        replicates,
        &Progress::default(),
    )
    .map(|s| s.expect("a sweep nobody cancels always completes"))
}

/// As [`run_sweep_replicates`], counting user replays in `progress.done`
/// (`replicates x steps x users` in all) and stopping when it is cancelled
/// (`Ok(None)`): the window's sweep runs this.
pub fn run_sweep_replicates_with(
    scenario: &Scenario,
    base: &Trace,
    draws: Draws,
    policy: &Policy,
    spec: &SweepSpec,
    replicates: usize,
    progress: &Progress,
) -> Result<Option<Vec<Sweep>>, String> {
    let sweeps: Result<Vec<Option<Sweep>>, String> = (0..replicates.max(1))
        .into_par_iter()
        .map(|k| {
            let trace = replicate_trace(scenario, base, draws, k).map_err(|e| e.message)?;
            run_sweep_with(scenario, &trace, policy, spec, progress)
        })
        .collect();
    Ok(sweeps?.into_iter().collect())
}

/// Each step's intervals over sweeps of the replicates (`sweeps[k]` ran on
/// replicate k's users); `None` for a step skipped.
pub fn sweep_intervals(method: Method, sweeps: &[Sweep]) -> Vec<Option<MetricIntervals>> {
    let Some(first) = sweeps.first() else {
        return Vec::new();
    };
    let users = first.users;
    (0..first.steps.len())
        .map(|s| {
            let runs: Option<Vec<Metrics>> = sweeps
                .iter()
                .map(|sw| {
                    sw.steps
                        .get(s)
                        .and_then(|st| st.result.as_ref().ok().copied())
                })
                .collect();
            let runs = runs?;
            Some(
                Metrics::NAMES
                    .iter()
                    .enumerate()
                    .map(|(i, &name)| {
                        let v: Vec<f64> = runs.iter().map(|m| m.pairs()[i].1 as f64).collect();
                        (name, intervals::interval(method, &v, users))
                    })
                    .collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicate_zero_keeps_the_seed() {
        assert_eq!(replicate_seed(42, 0), 42);
        assert_ne!(replicate_seed(42, 1), 42);
        assert_ne!(replicate_seed(42, 1), replicate_seed(42, 2));
    }

    #[test]
    fn replicate_seeds_are_splitmix64_outputs() {
        // SplitMix64 started at 0: its first output is 0xE220A8397B1DCDAF
        // (the reference implementation's well-known first value).
        assert_eq!(replicate_seed(0, 1), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn sample_sizes_round_and_keep_someone() {
        assert_eq!(sample_size(1000, 0.01), 10);
        assert_eq!(sample_size(10, 0.01), 1);
        assert_eq!(sample_size(10, 1.0), 10);
        assert_eq!(sample_size(0, 0.5), 0);
    }
}
