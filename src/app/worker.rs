//! The simulation runs on its own thread, so the window never freezes.
//!
//! Every edit sends a job tagged with a new generation number. The worker
//! always takes the newest job waiting, a newer job cancels the one running
//! (through [`Progress::cancel`]), and the app drops any result whose
//! generation is not the latest it asked for.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::analysis::intervals::Method;
use crate::analysis::replicates::{
    Draws, Replicated, SampleData, run_replicate_with, sample_users,
};
use crate::engine::{Metrics, PolicyRun, Progress, RunOptions, ScenarioRun, Series};
use crate::model::{
    Diagnostic, Diagnostics, LoadProgress, Population, Scenario, ScenarioFile, TabsAndSleep, Trace,
};

use super::views::gaps::GapHistogram;
use super::views::over_time::{StepValues, TimeBands};
use super::views::{PlotData, gap_histogram, plot_data};
use crate::engine::incremental::Simulator;

/// What the app asks for: simulate this scenario.
struct Job {
    generation: u64,
    file: ScenarioFile,
    /// Read the population again even if the file looks unchanged.
    reload: bool,
    progress: Arc<JobProgress>,
}

/// Where a job is, shared with the window for the progress bar.
#[derive(Debug, Default)]
pub struct JobProgress {
    /// Reading the trace file (its bytes), while the stage is loading.
    pub load: LoadProgress,
    pub run: Progress,
    /// User replays to do: users x policies (0 until the population is loaded).
    pub total: AtomicUsize,
    stage: AtomicU8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Loading,
    Simulating,
    Preparing,
}

impl JobProgress {
    fn set_stage(&self, stage: Stage) {
        self.stage.store(stage as u8, Ordering::Relaxed);
    }

    pub fn stage(&self) -> Stage {
        match self.stage.load(Ordering::Relaxed) {
            0 => Stage::Loading,
            1 => Stage::Simulating,
            _ => Stage::Preparing,
        }
    }

    /// Done so far, 0..=1: of the trace file while loading, of the user
    /// replays while simulating.
    pub fn fraction(&self) -> f32 {
        if self.stage() == Stage::Loading {
            return self.load.fraction();
        }
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.run.done.load(Ordering::Relaxed) as f32 / total as f32).min(1.0)
    }
}

impl JobProgress {
    /// What the progress bar says.
    pub fn text(&self) -> String {
        match self.stage() {
            Stage::Loading => {
                let total = self.load.total_bytes.load(Ordering::Relaxed);
                if total == 0 {
                    "Loading the population…".to_string()
                } else {
                    let mb = |b: u64| b as f64 / 1e6;
                    let read = self.load.read_bytes.load(Ordering::Relaxed).min(total);
                    format!(
                        "Reading the trace… {:.0}% ({:.0} of {:.0} MB)",
                        100.0 * self.fraction(),
                        mb(read),
                        mb(total)
                    )
                }
            }
            Stage::Simulating => format!("Simulating… {:.0}%", 100.0 * self.fraction()),
            Stage::Preparing => "Preparing the plots…".to_string(),
        }
    }

    fn cancel(&self) {
        self.run.cancel.store(true, Ordering::Relaxed);
        self.load.cancel.store(true, Ordering::Relaxed);
    }
}

/// Where the users came from, in a few numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct PopulationSummary {
    /// Where the users come from: the trace file (resolved against the
    /// scenario's folder), or the generated groups.
    pub source: String,
    pub users: usize,
    pub events: usize,
    /// First and last event times (ms), if there are events.
    pub span: Option<(u64, u64)>,
    /// Tabs per user and time asleep (an unwoken sleep lasts to the horizon).
    pub tabs_sleep: crate::model::TabsAndSleep,
}

impl PopulationSummary {
    /// `tabs_sleep` comes in already counted (the worker keeps it across
    /// edits: it reads every event).
    fn of(trace: &Trace, file: &ScenarioFile, tabs_sleep: TabsAndSleep) -> PopulationSummary {
        let source = match &file.scenario.population {
            Population::Trace { .. } => file
                .trace_path()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            Population::Generated(groups) => {
                let parts: Vec<String> = groups
                    .iter()
                    .map(|g| format!("{} × {}", g.name(), g.users))
                    .collect();
                format!("generated: {}", parts.join(", "))
            }
        };
        let first = trace
            .users()
            .filter_map(|(_, events)| events.first().map(|e| e.time()))
            .min();
        PopulationSummary {
            source,
            users: trace.num_users(),
            events: trace.num_events(),
            span: first.zip(trace.end_time()),
            tabs_sleep,
        }
    }
}

/// A finished simulation and everything drawn from it.
#[derive(Debug)]
pub struct Results {
    /// The job these results answer.
    pub generation: u64,
    /// The scenario that was simulated (the document may have moved on).
    pub scenario: Scenario,
    pub run: ScenarioRun,
    pub trace: Arc<Trace>,
    pub population: PopulationSummary,
    pub plots: PlotData,
    /// Loading, simulation and plot preparation, wall-clock.
    pub elapsed: Duration,
    /// With `sample_users`: `run` (and `trace`) hold the sampled users only.
    pub sample: Option<SampleShare>,
}

/// A run of a share of the users (`sample_users`): what the window says of it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SampleShare {
    pub fraction: f64,
    /// Users replayed.
    pub sampled: usize,
    /// Users in the whole population (what the totals are scaled to).
    pub population: usize,
}

/// More replicates of a delivered result, as they finish (replicate 0 is
/// the result itself): the summary's `±` and the error bars fill in.
#[derive(Clone, Debug)]
pub struct ReplicateUpdate {
    /// The job (and so the results) these replicates belong to.
    pub generation: u64,
    pub replicated: Arc<Replicated>,
    /// Replicates asked for, replicate 0 included.
    pub wanted: usize,
    /// The over-time plots' bands (none for a sample).
    pub time_bands: Option<Arc<TimeBands>>,
}

impl ReplicateUpdate {
    pub fn done(&self) -> usize {
        self.replicated.replicates()
    }

    pub fn is_complete(&self) -> bool {
        self.done() >= self.wanted
    }

    /// Done so far, 0..=1 (for the progress bar).
    pub fn fraction(&self) -> f32 {
        self.done() as f32 / self.wanted.max(1) as f32
    }
}

/// A job's answer.
pub struct Finished {
    pub generation: u64,
    pub result: Result<Arc<Results>, Diagnostics>,
}

/// The app's handle on the worker thread.
pub struct Worker {
    jobs: Sender<Job>,
    finished: Receiver<Finished>,
    updates: Receiver<ReplicateUpdate>,
    /// The generation of the last job sent, and its progress.
    latest: Option<(u64, Arc<JobProgress>)>,
    /// Whether the latest job is still out.
    busy: bool,
    since: Option<Instant>,
}

impl Worker {
    /// Starts the thread; `wake` is called whenever a result is ready
    /// (the app passes `ctx.request_repaint`).
    pub fn spawn(wake: impl Fn() + Send + 'static) -> std::io::Result<Worker> {
        let (jobs, job_rx) = channel::<Job>();
        let (done_tx, finished) = channel();
        let (update_tx, updates) = channel();
        std::thread::Builder::new()
            .name("lapse-simulation".into())
            .spawn(move || serve(&job_rx, &done_tx, &update_tx, &wake))?;
        Ok(Worker {
            jobs,
            finished,
            updates,
            latest: None,
            busy: false,
            since: None,
        })
    }

    /// Asks for a new simulation; the one running (if any) is cancelled.
    pub fn submit(&mut self, file: ScenarioFile, reload: bool) -> u64 {
        let generation = self.latest.as_ref().map_or(1, |(g, _)| g + 1);
        if let Some((_, old)) = &self.latest {
            // A trace being read stops at its next block, a run at its next users.
            old.cancel();
        }
        let progress = Arc::new(JobProgress::default());
        let job = Job {
            generation,
            file,
            reload,
            progress: Arc::clone(&progress),
        };
        self.busy = self.jobs.send(job).is_ok();
        self.since = Some(Instant::now());
        self.latest = Some((generation, progress));
        generation
    }

    /// The latest job's answer, once it is there; older answers are dropped.
    pub fn poll(&mut self) -> Option<Finished> {
        let mut newest = None;
        loop {
            match self.finished.try_recv() {
                Ok(done) => {
                    if Some(done.generation) == self.latest.as_ref().map(|(g, _)| *g) {
                        self.busy = false;
                        newest = Some(done);
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if self.busy {
                        self.busy = false;
                        let generation = self.latest.as_ref().map_or(0, |(g, _)| *g);
                        newest = Some(Finished {
                            generation,
                            result: Err(Diagnostic::new(
                                "internal error: the simulation thread stopped; save your work and restart Lapse",
                            )
                            .into()),
                        });
                    }
                    break;
                }
            }
        }
        newest
    }

    pub fn is_busy(&self) -> bool {
        self.busy
    }

    /// The newest replicates of the latest job, if any arrived; older
    /// jobs' are dropped.
    pub fn poll_replicates(&mut self) -> Option<ReplicateUpdate> {
        let latest = self.latest.as_ref().map(|(g, _)| *g);
        std::iter::from_fn(|| self.updates.try_recv().ok())
            .filter(|u| Some(u.generation) == latest)
            .last()
    }

    /// The running job's progress and how long it has been running.
    pub fn progress(&self) -> Option<(&JobProgress, Duration)> {
        match (&self.latest, self.since) {
            (Some((_, p)), Some(since)) if self.busy => Some((p, since.elapsed())),
            _ => None,
        }
    }
}

/// The loaded population, kept while what it comes from does not change.
#[derive(Default)]
struct Cache {
    trace: Option<(PopulationKey, Arc<Trace>)>,
    /// What the population and horizon alone fix (each reads every event),
    /// kept across policy edits.
    gaps: Option<(PopulationKey, u64, Arc<GapHistogram>, TabsAndSleep)>,
    /// Counts population loads: tells the simulator its kept results are stale.
    loads: u64,
    /// The sampled users of the loaded population (`sample_users`): what
    /// they were drawn for (loads, fraction's bits, seed), and the number
    /// the simulator knows them by.
    sample: Option<(SampleKey, Arc<Trace>, u64)>,
    /// Counts samples drawn; their numbers start far above any load count.
    samples: u64,
    /// The last run's results, policy by policy.
    sim: Simulator,
}

/// What a sample of the users is drawn for: the population's load count,
/// the share's bits and the seed.
type SampleKey = (u64, u64, u64);

/// What a population depends on: a change reloads (or regenerates) it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PopulationKey {
    /// A trace file as it was when read (size and modification time).
    Trace {
        path: PathBuf,
        modified: Option<SystemTime>,
        len: u64,
    },
    /// Profiles, groups, seed and horizon fix a generated trace byte for byte.
    Generated {
        profiles: Vec<crate::model::Profile>,
        groups: Vec<crate::model::Group>,
        seed: u64,
        horizon: u64,
    },
}

impl PopulationKey {
    fn of(file: &ScenarioFile) -> PopulationKey {
        let s = &file.scenario;
        match &s.population {
            Population::Trace { .. } => {
                let path = file.trace_path().unwrap_or_default();
                let meta = std::fs::metadata(&path).ok();
                PopulationKey::Trace {
                    modified: meta.as_ref().and_then(|m| m.modified().ok()),
                    len: meta.map_or(0, |m| m.len()),
                    path,
                }
            }
            Population::Generated(groups) => PopulationKey::Generated {
                profiles: s.profiles.clone(),
                groups: groups.clone(),
                seed: s.seed,
                horizon: s.horizon.as_ms(),
            },
        }
    }
}

fn serve(
    jobs: &Receiver<Job>,
    done: &Sender<Finished>,
    updates: &Sender<ReplicateUpdate>,
    wake: &(impl Fn() + Send),
) {
    let mut cache = Cache::default();
    while let Ok(mut job) = jobs.recv() {
        // Only the newest job matters.
        while let Ok(newer) = jobs.try_recv() {
            job = Job {
                reload: job.reload || newer.reload,
                ..newer
            };
        }
        let generation = job.generation;
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| simulate(&job, &mut cache)));
        let result = match outcome {
            Ok(Some(result)) => result,
            Ok(None) => continue, // cancelled: a newer job is waiting
            Err(_) => {
                cache = Cache::default();
                Err(
                    Diagnostic::new("internal error (a bug in Lapse): the simulation failed")
                        .into(),
                )
            }
        };
        let first = result.as_ref().ok().map(Arc::clone);
        if done.send(Finished { generation, result }).is_err() {
            return;
        }
        wake();
        // The first replicate is on screen; the others follow unless an
        // edit already cancelled this job.
        if let Some(results) = first {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                replicate(&job, &results, updates, wake)
            }));
        }
    }
}

/// Runs replicates 1.. of delivered results a few at a time (as many as
/// there are cores, in parallel), sending the intervals so far after each
/// batch. Stops when cancelled (an edit) or the app is gone.
fn replicate(
    job: &Job,
    results: &Results,
    updates: &Sender<ReplicateUpdate>,
    wake: &(impl Fn() + Send),
) {
    let scenario = &results.scenario;
    let wanted = scenario.replicates as usize;
    if let Some(share) = results.sample {
        // Replicate 0 is all there is: each sampled user's metrics give the
        // scaled totals' intervals (the library's `--sample-users`).
        let update = ReplicateUpdate {
            generation: job.generation,
            replicated: Arc::new(sampled(&results.run, share.population)),
            wanted: 1,
            time_bands: None,
        };
        if updates.send(update).is_ok() {
            wake();
        }
        return;
    }
    if wanted <= 1 {
        return;
    }
    let draws = Draws::of(scenario, false);
    let mut replicated = Replicated::first(totals_only(&results.run), draws.method());
    let mut steps = vec![step_values(&results.run)];
    let batch = rayon::current_num_threads().max(2);
    let mut next = 1;
    while next < wanted {
        let end = (next + batch).min(wanted);
        let finished: Option<Vec<_>> = (next..end)
            .into_par_iter()
            .map(|k| series_replicate(scenario, &results.trace, draws, k, &job.progress.run))
            .collect();
        let Some(finished) = finished else {
            return; // cancelled
        };
        for run in finished {
            match run {
                Ok((metrics, values)) => {
                    replicated.push(metrics);
                    steps.push(values);
                }
                Err(_) => return, // replicate 0 generated, so the others do too
            }
        }
        next = end;
        let bands = TimeBands::over(&steps, replicated.method, results.run.users);
        let update = ReplicateUpdate {
            generation: job.generation,
            replicated: Arc::new(replicated.clone()),
            wanted,
            time_bands: Some(Arc::new(bands)),
        };
        if updates.send(update).is_err() {
            return;
        }
        wake();
    }
}

/// Replicate `k`'s totals and the over-time plots' step values (its series
/// are dropped once read); `None` when cancelled.
fn series_replicate(
    scenario: &Scenario,
    base: &Trace,
    draws: Draws,
    k: usize,
    progress: &Progress,
) -> Option<Result<(Vec<Metrics>, StepValues), crate::generate::GenerateError>> {
    let options = RunOptions {
        series: true,
        per_user: false,
    };
    let run = match run_replicate_with(scenario, base, draws, k, options, progress)? {
        Ok(run) => run,
        Err(e) => return Some(Err(e)),
    };
    let values = step_values(&run);
    Some(Ok((
        run.policies.into_iter().map(|p| p.metrics).collect(),
        values,
    )))
}

/// What the over-time bands keep of a run.
fn step_values(run: &ScenarioRun) -> StepValues {
    let series: Vec<Option<&Series>> = run.policies.iter().map(|p| p.series.as_ref()).collect();
    StepValues::of(&series)
}

/// A sample's results as the library's `run_replicated` gives them: the
/// sampled users' own counts, and each one's metrics to scale up.
fn sampled(run: &ScenarioRun, population: usize) -> Replicated {
    let per_user = run.policies.iter().map(|p| p.per_user.clone()).collect();
    let mut out = Replicated::first(totals_only(run), Method::Sample);
    out.sample = Some(SampleData {
        population,
        per_user,
    });
    out
}

/// A run's totals without its series and per-user metrics (which a
/// replicate summary does not need).
fn totals_only(run: &ScenarioRun) -> ScenarioRun {
    ScenarioRun {
        scenario: run.scenario.clone(),
        users: run.users,
        policies: run
            .policies
            .iter()
            .map(|p| PolicyRun {
                name: p.name.clone(),
                metrics: p.metrics,
                affected: p.affected,
                series: None,
                per_user: Vec::new(),
            })
            .collect(),
    }
}

/// Loads (or reuses) the population, simulates, prepares the plots.
/// `None` when cancelled.
fn simulate(job: &Job, cache: &mut Cache) -> Option<Result<Arc<Results>, Diagnostics>> {
    let start = Instant::now();
    if job.reload {
        let loads = cache.loads;
        *cache = Cache {
            loads,
            ..Cache::default()
        };
    }
    job.progress.set_stage(Stage::Loading);
    let key = PopulationKey::of(&job.file);
    let trace = match load_population(&job.file, &key, cache, &job.progress.load)? {
        Ok(trace) => trace,
        Err(e) => return Some(Err(e)),
    };
    let scenario = &job.file.scenario;
    let (simulated, stamp, sample) = sample_of(scenario, &trace, cache);
    let horizon = scenario.horizon.as_ms();
    let (gaps, tabs_sleep) = match &cache.gaps {
        Some((k, h, gaps, tabs_sleep)) if *k == key && *h == horizon => {
            (Arc::clone(gaps), *tabs_sleep)
        }
        _ => {
            let gaps = Arc::new(gap_histogram(&trace, horizon));
            let tabs_sleep = trace.tabs_and_sleep(horizon);
            cache.gaps = Some((key, horizon, Arc::clone(&gaps), tabs_sleep));
            (gaps, tabs_sleep)
        }
    };
    job.progress.total.store(
        simulated.num_users() * scenario.policies.len(),
        Ordering::Relaxed,
    );
    job.progress.set_stage(Stage::Simulating);
    let run = cache
        .sim
        .run(scenario, &simulated, stamp, &job.progress.run)?;
    job.progress.set_stage(Stage::Preparing);
    let plots = plot_data(scenario, &run, gaps);
    let population = PopulationSummary::of(&trace, &job.file, tabs_sleep);
    Some(Ok(Arc::new(Results {
        generation: job.generation,
        scenario: scenario.clone(),
        run,
        trace: simulated,
        population,
        plots,
        elapsed: start.elapsed(),
        sample,
    })))
}

/// The users to replay: the whole population, or with `sample_users` the
/// library's sample of it (drawn once per population, share and seed), with
/// the number the simulator knows them by.
fn sample_of(
    scenario: &Scenario,
    trace: &Arc<Trace>,
    cache: &mut Cache,
) -> (Arc<Trace>, u64, Option<SampleShare>) {
    let Some(fraction) = scenario.sample_users.map(|f| f.0) else {
        return (Arc::clone(trace), cache.loads, None);
    };
    let key = (cache.loads, fraction.to_bits(), scenario.seed);
    let (users, stamp) = match &cache.sample {
        Some((k, users, stamp)) if *k == key => (Arc::clone(users), *stamp),
        _ => {
            let users = Arc::new(sample_users(trace, fraction, scenario.seed));
            cache.samples += 1;
            let stamp = (1 << 63) + cache.samples;
            cache.sample = Some((key, Arc::clone(&users), stamp));
            (users, stamp)
        }
    };
    let share = SampleShare {
        fraction,
        sampled: users.num_users(),
        population: trace.num_users(),
    };
    (users, stamp, Some(share))
}

/// The scenario's users: from the cache when nothing they depend on changed.
/// `None` when a newer job cancelled the reading.
fn load_population(
    file: &ScenarioFile,
    key: &PopulationKey,
    cache: &mut Cache,
    progress: &LoadProgress,
) -> Option<Result<Arc<Trace>, Diagnostics>> {
    if let Some((k, trace)) = &cache.trace
        && k == key
    {
        return Some(Ok(Arc::clone(trace)));
    }
    // Hook for access logs: once the GUI offers `lapse::import`, a trace
    // path naming a log (not a canonical CSV) is imported here.
    let trace = match file.load_population_with(progress)? {
        Ok(trace) => Arc::new(trace),
        Err(e) => return Some(Err(e)),
    };
    cache.trace = Some((key.clone(), Arc::clone(&trace)));
    cache.loads += 1;
    Some(Ok(trace))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example_b() -> ScenarioFile {
        let path = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/example-b.ron"
        ));
        crate::model::Scenario::load(&path).expect("fixture loads")
    }

    fn wait(worker: &mut Worker) -> Finished {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(done) = worker.poll() {
                return done;
            }
            assert!(Instant::now() < deadline, "the worker never answered");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn answers_only_the_latest_generation() {
        let mut worker = Worker::spawn(|| {}).expect("thread");
        let file = example_b();
        let first = worker.submit(file.clone(), false);
        let mut changed = file.clone();
        changed.scenario.policies[0].idle_timeout = Some(crate::model::Dur::hours(1));
        let second = worker.submit(changed, false);
        assert_eq!((first, second), (1, 2));
        let done = wait(&mut worker);
        assert_eq!(done.generation, 2, "the stale first job is never delivered");
        let results = done.result.expect("runs");
        // SPEC example B: the alert logs the user out once at 30m; with a 1h idle
        // timeout the submit at 45 meets a live session, so nobody is logged out.
        assert_eq!(results.run.policies[0].metrics.logouts, 0);
        assert_eq!(results.population.users, 1);
        assert_eq!(results.population.events, 6);
        assert_eq!(results.population.span, Some((0, 2_700_000)));
        assert!(!worker.is_busy());
    }

    #[test]
    fn replicates_follow_the_first_result_and_fill_in() {
        let mut worker = Worker::spawn(|| {}).expect("thread");
        let mut file = example_b();
        file.scenario.replicates = 3;
        let generation = worker.submit(file, false);
        let results = wait(&mut worker).result.expect("runs");
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut last = None;
        while last
            .as_ref()
            .is_none_or(|u: &ReplicateUpdate| !u.is_complete())
        {
            assert!(Instant::now() < deadline, "the replicates never finished");
            if let Some(u) = worker.poll_replicates() {
                last = Some(u);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let update = last.expect("an update");
        assert_eq!(
            (update.generation, update.done(), update.wanted),
            (generation, 3, 3)
        );
        // Replicate 0 is the result on screen.
        let first: Vec<_> = results.run.policies.iter().map(|p| p.metrics).collect();
        assert_eq!(update.replicated.values[0], first);
        // Example B has one user: every resample is that user, so nothing varies.
        assert!(update.replicated.values.iter().all(|v| *v == first));
    }

    #[test]
    fn a_missing_trace_is_a_located_error() {
        let mut worker = Worker::spawn(|| {}).expect("thread");
        let mut file = example_b();
        file.scenario.population = Population::Trace {
            path: "no-such.csv".into(),
        };
        worker.submit(file, false);
        let err = wait(&mut worker).result.expect_err("no trace");
        let text = err.to_string();
        assert!(
            text.contains("no-such.csv") && text.contains("does not exist"),
            "{text}"
        );
    }

    #[test]
    fn the_bar_says_how_much_of_the_trace_is_read() {
        let p = JobProgress::default();
        assert_eq!(p.stage(), Stage::Loading);
        assert_eq!(p.text(), "Loading the population…");
        p.load.total_bytes.store(79_000_000, Ordering::Relaxed);
        p.load.read_bytes.store(33_000_000, Ordering::Relaxed);
        // 33 / 79 = 0.418.
        assert_eq!(p.text(), "Reading the trace… 42% (33 of 79 MB)");
        p.set_stage(Stage::Simulating);
        p.total.store(200, Ordering::Relaxed);
        p.run.done.store(50, Ordering::Relaxed);
        assert_eq!(p.fraction(), 0.25);
        assert_eq!(p.text(), "Simulating… 25%");
    }

    #[test]
    fn the_sleep_count_follows_the_horizon_and_survives_a_policy_edit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let trace = dir.path().join("nap.csv");
        // A lid closed at 10 minutes and never opened: asleep until the horizon.
        std::fs::write(&trace, "user,time_ms,kind\nu,0,view\nu,600000,sleep\n").expect("write");
        let mut file = example_b();
        file.scenario.population = Population::Trace { path: trace };
        let mut worker = Worker::spawn(|| {}).expect("thread");
        let mut asleep = |file: &ScenarioFile| {
            worker.submit(file.clone(), false);
            let results = wait(&mut worker).result.expect("runs");
            results.population.tabs_sleep.sleep_ms
        };
        // Horizon 1 day: 24 h - 10 min = 86 400 000 - 600 000 ms.
        assert_eq!(asleep(&file), 85_800_000);
        file.scenario.policies[0].idle_timeout = Some(crate::model::Dur::hours(1));
        assert_eq!(asleep(&file), 85_800_000, "a policy edit keeps the count");
        // Horizon 2 hours: 7 200 000 - 600 000 ms.
        file.scenario.horizon = crate::model::Dur::hours(2);
        assert_eq!(asleep(&file), 6_600_000, "a new horizon counts again");
    }

    #[test]
    fn a_newer_job_stops_a_trace_being_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let trace = dir.path().join("big.csv");
        let mut text = String::from("user,time_ms,kind\n");
        for i in 0..1_000_000u64 {
            text += &format!("u{},{},input\n", i % 500, 1_000 * i);
        }
        std::fs::write(&trace, &text).expect("write");
        let mut big = example_b();
        big.scenario.population = Population::Trace {
            path: trace.clone(),
        };
        let mut worker = Worker::spawn(|| {}).expect("thread");
        worker.submit(big, false);
        let first = Arc::clone(&worker.latest.as_ref().expect("sent").1);
        let deadline = Instant::now() + Duration::from_secs(30);
        while first.load.read_bytes.load(Ordering::Relaxed) == 0 {
            assert!(Instant::now() < deadline, "the trace was never read");
            std::thread::sleep(Duration::from_millis(1));
        }
        let second = worker.submit(example_b(), false);
        let done = wait(&mut worker);
        assert_eq!(done.generation, second);
        assert_eq!(done.result.expect("runs").population.users, 1);
        // The first read stopped at the block after the cancel: far from its end.
        let read = first.load.read_bytes.load(Ordering::Relaxed);
        assert!(
            read < text.len() as u64 / 2,
            "read {read} of {}",
            text.len()
        );
    }
}
