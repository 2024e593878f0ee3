//! The simulation: every user's trace against every policy, in parallel.
//!
//! Knows nothing of the GUI or the command line; both call [`run_scenario`].

pub mod affected;
pub mod detail;
pub mod incremental;
pub mod metrics;
pub mod outcome;
pub mod series;
pub mod tabs;
pub mod user;

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::model::trace::UserBatch;
use crate::model::{Event, Policy, Scenario, Trace};

pub use affected::Affected;
pub use metrics::{MetricText, Metrics, per_user_per_day};
pub use outcome::{EndReason, Outcome, Sink};
pub use series::{LiveLevels, Series, SeriesKind, peak_live};
pub use user::{Params, SimConfig, simulate_one_tab, simulate_user, simulate_user_as};

use series::RunSink;

impl Scenario {
    /// The engine's settings taken from the scenario.
    pub fn sim_config(&self) -> SimConfig {
        SimConfig {
            horizon: self.horizon.0,
            away_after: self.away_after.0,
            bucket: self.bucket.0,
        }
    }
}

/// What a run keeps beyond the totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Time series per bucket (for the plots).
    pub series: bool,
    /// Each user's own metrics (to find the user who lost the most work).
    pub per_user: bool,
}

impl RunOptions {
    pub const TOTALS: RunOptions = RunOptions {
        series: false,
        per_user: false,
    };
    pub const EVERYTHING: RunOptions = RunOptions {
        series: true,
        per_user: true,
    };
}

/// One policy's results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyRun {
    pub name: String,
    pub metrics: Metrics,
    /// How many users each disruption hit, beside the event counts.
    #[serde(rename = "affected_users")]
    pub affected: Affected,
    #[serde(skip)]
    pub series: Option<Series>,
    #[serde(skip)]
    pub per_user: Vec<Metrics>,
}

/// A scenario's results, in the shape of the SPEC's JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioRun {
    pub scenario: String,
    pub users: usize,
    pub policies: Vec<PolicyRun>,
}

/// Lets another thread follow a run and stop it.
#[derive(Debug, Default)]
pub struct Progress {
    /// User replays finished, over all policies.
    pub done: AtomicUsize,
    pub cancel: AtomicBool,
}

impl Progress {
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Users per parallel task: big enough to amortise, small enough to balance.
const USERS_PER_TASK: usize = 32;

/// Users written and replayed at a time by [`run_scenario_streamed`]: a
/// few milliseconds of work, so that the end of a run (the last replicate)
/// still splits evenly over the cores, and a batch's events (about 45 KB a
/// user for a week of office work) stay small.
const USERS_PER_BATCH: usize = 4;

/// Runs every policy of the scenario over the trace.
pub fn run_scenario(scenario: &Scenario, trace: &Trace, options: RunOptions) -> ScenarioRun {
    run_scenario_with(scenario, trace, options, &Progress::default())
        .expect("a run nobody cancels always completes")
}

/// As [`run_scenario`], reporting progress; `None` when cancelled.
pub fn run_scenario_with(
    scenario: &Scenario,
    trace: &Trace,
    options: RunOptions,
    progress: &Progress,
) -> Option<ScenarioRun> {
    let cfg = scenario.sim_config();
    let policies = scenario
        .policies
        .par_iter()
        .map(|policy| run_policy_with(trace, policy, &cfg, options, progress))
        .collect::<Option<Vec<_>>>()?;
    Some(ScenarioRun {
        scenario: scenario.name.clone(),
        users: trace.num_users(),
        policies,
    })
}

/// Every policy of the scenario over `users` users that are never stored as
/// a trace: `write(range, batch)` appends the events of users `range` to an
/// empty `batch` (a replicate's users generated as the run goes). Each group
/// of users is written once and replayed under every policy while its events
/// are still in the cache; the batches' memory is reused. Totals only (as
/// [`RunOptions::TOTALS`]), the same as [`run_scenario_with`] on a trace of
/// those users. `None` when cancelled; the first error `write` returns.
pub fn run_scenario_streamed<E: Send>(
    scenario: &Scenario,
    users: usize,
    write: impl Fn(Range<usize>, &mut UserBatch) -> Result<(), E> + Sync,
    progress: &Progress,
) -> Option<Result<ScenarioRun, E>> {
    let cfg = scenario.sim_config();
    let params: Vec<Params> = scenario
        .policies
        .iter()
        .map(|p| Params::new(p, &cfg))
        .collect();
    let groups = users.div_ceil(USERS_PER_BATCH);
    let total = (0..groups)
        .into_par_iter()
        .map_init(UserBatch::default, |batch, g| {
            if progress.cancelled() {
                return None;
            }
            let from = g * USERS_PER_BATCH;
            batch.clear();
            if let Err(e) = write(from..(from + USERS_PER_BATCH).min(users), batch) {
                return Some(Err(e));
            }
            Some(Ok(replay_batch(&params, &cfg, batch, progress)))
        })
        .try_reduce_with(|a, b| {
            Some(a.and_then(|a| {
                let b = b?;
                Ok(a.into_iter().zip(b).map(|(a, b)| a.merge(b)).collect())
            }))
        });
    let parts: Vec<Partial> = match total {
        None => params
            .iter()
            .map(|_| Partial::new(&cfg, RunOptions::TOTALS))
            .collect(),
        Some(None) => return None,
        Some(Some(Err(e))) => return Some(Err(e)),
        Some(Some(Ok(parts))) => parts,
    };
    let policies = scenario
        .policies
        .iter()
        .zip(parts)
        .map(|(policy, mut part)| {
            part.metrics.peak_live_sessions = peak_live(&part.sink.sessions);
            PolicyRun {
                name: policy.name.clone(),
                metrics: part.metrics,
                affected: part.affected,
                series: None,
                per_user: Vec::new(),
            }
        })
        .collect();
    Some(Ok(ScenarioRun {
        scenario: scenario.name.clone(),
        users,
        policies,
    }))
}

/// A batch's users replayed under each policy, user by user.
fn replay_batch(
    params: &[Params],
    cfg: &SimConfig,
    batch: &UserBatch,
    progress: &Progress,
) -> Vec<Partial> {
    let mut parts: Vec<Partial> = params
        .iter()
        .map(|_| Partial::new(cfg, RunOptions::TOTALS))
        .collect();
    for events in batch.users() {
        let tabbed = Event::any_need_tabs(events);
        for (params, part) in params.iter().zip(&mut parts) {
            let m = simulate_user_as(params, events, tabbed, &mut part.sink);
            part.metrics.absorb(&m);
            part.affected.count(&m);
        }
    }
    let replays = batch.num_users() * params.len();
    progress.done.fetch_add(replays, Ordering::Relaxed);
    parts
}

/// One policy over every user of the trace.
pub fn run_policy(
    trace: &Trace,
    policy: &Policy,
    cfg: &SimConfig,
    options: RunOptions,
) -> PolicyRun {
    run_policy_with(trace, policy, cfg, options, &Progress::default())
        .expect("a run nobody cancels always completes")
}

/// Partial results of a run over some of the users.
struct Partial {
    metrics: Metrics,
    affected: Affected,
    sink: RunSink,
    per_user: Vec<Metrics>,
}

impl Partial {
    fn new(cfg: &SimConfig, options: RunOptions) -> Partial {
        Partial {
            metrics: Metrics::default(),
            affected: Affected::default(),
            sink: RunSink {
                series: options.series.then(|| Series::new(cfg.bucket, cfg.horizon)),
                sessions: Vec::new(),
            },
            per_user: Vec::new(),
        }
    }

    fn merge(mut self, other: Partial) -> Partial {
        self.metrics.absorb(&other.metrics);
        self.affected.absorb(&other.affected);
        if let (Some(mine), Some(theirs)) = (self.sink.series.as_mut(), other.sink.series.as_ref())
        {
            mine.absorb(theirs);
        }
        self.sink.sessions.extend(other.sink.sessions);
        self.per_user.extend(other.per_user);
        self
    }
}

/// As [`run_policy`], reporting progress; `None` when cancelled.
pub fn run_policy_with(
    trace: &Trace,
    policy: &Policy,
    cfg: &SimConfig,
    options: RunOptions,
    progress: &Progress,
) -> Option<PolicyRun> {
    match run_policy_inner(trace, policy, cfg, options, progress, None) {
        Bounded::Done(run) => Some(*run),
        Bounded::Over(_) | Bounded::Cancelled => None,
    }
}

/// What a run with a cost limit came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Bounded {
    Done(Box<PolicyRun>),
    /// Stopped once the users replayed so far cost more than the limit:
    /// the cost reached (a lower bound of the whole run's).
    Over(u64),
    Cancelled,
}

/// The totals of one policy, stopped as soon as the users replayed so far
/// cost more than `limit` by `cost` (a sum over users, such as disruption):
/// a search that only needs the runs near its best skips most of the rest.
pub fn run_policy_within(
    trace: &Trace,
    policy: &Policy,
    cfg: &SimConfig,
    progress: &Progress,
    cost: fn(&Metrics) -> u64,
    limit: u64,
) -> Bounded {
    run_policy_inner(
        trace,
        policy,
        cfg,
        RunOptions::TOTALS,
        progress,
        Some((cost, limit)),
    )
}

/// A cost per group of users, and the limit on its sum.
type Budget = (fn(&Metrics) -> u64, u64);

fn run_policy_inner(
    trace: &Trace,
    policy: &Policy,
    cfg: &SimConfig,
    options: RunOptions,
    progress: &Progress,
    budget: Option<Budget>,
) -> Bounded {
    let params = Params::new(policy, cfg);
    let users: Vec<usize> = (0..trace.num_users()).collect();
    let spent = AtomicU64::new(0);
    let over = |spent: u64| budget.is_some_and(|(_, limit)| spent > limit);
    let total = users
        .par_chunks(USERS_PER_TASK)
        .map(|chunk| {
            let mut part = Partial::new(cfg, options);
            if progress.cancelled() || over(spent.load(Ordering::Relaxed)) {
                return None;
            }
            for &u in chunk {
                let events = trace.user_events(u);
                let tabbed = trace.user_needs_tabs(u);
                let m = simulate_user_as(&params, events, tabbed, &mut part.sink);
                part.metrics.absorb(&m);
                part.affected.count(&m);
                if options.per_user {
                    part.per_user.push(m);
                }
            }
            progress.done.fetch_add(chunk.len(), Ordering::Relaxed);
            if let Some((cost, _)) = budget {
                spent.fetch_add(cost(&part.metrics), Ordering::Relaxed);
            }
            Some(part)
        })
        // Chunks arrive in order, so per-user metrics stay in user order.
        .try_reduce_with(|a, b| Some(a.merge(b)));
    let mut part = match total {
        Some(Some(part)) => part,
        Some(None) if progress.cancelled() => return Bounded::Cancelled,
        Some(None) => return Bounded::Over(spent.load(Ordering::Relaxed)),
        None => Partial::new(cfg, options), // no users
    };
    let live = LiveLevels::of(&part.sink.sessions);
    part.metrics.peak_live_sessions = live.peak();
    if let Some(series) = part.sink.series.as_mut() {
        series.set_live_levels(&live);
    }
    Bounded::Done(Box::new(PolicyRun {
        name: policy.name.clone(),
        metrics: part.metrics,
        affected: part.affected,
        series: part.sink.series,
        per_user: part.per_user,
    }))
}

/// One user's dated outcomes under a policy, in time order: a timeline.
pub fn user_timeline(
    events: &[Event],
    policy: &Policy,
    cfg: &SimConfig,
) -> (Metrics, Vec<(u64, Outcome)>) {
    let params = Params::new(policy, cfg);
    let mut outcomes = Vec::new();
    let metrics = simulate_user(&params, events, &mut outcomes);
    // Session ends are reported when noticed; put them where they happened.
    outcomes.sort_by_key(|&(t, _)| t);
    (metrics, outcomes)
}
