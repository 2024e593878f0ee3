//! `lapse bench`: how fast Lapse is on this machine, measured the way the
//! README reports it, so a user can check their own.

use std::time::{Duration, Instant};

use crate::analysis::{ReplicateSpec, run_replicated};
use crate::engine::{RunOptions, run_policy};
use crate::model::{
    ClientClock, Csrf, Diagnostic, Diagnostics, Dur, Keepalive, OnExpiry, OnResponse, Policy,
    ResetsOn, Scenario, Trace, Warning,
};

/// What `lapse bench` measured.
#[derive(Clone, Debug)]
pub struct BenchReport {
    pub users: usize,
    pub days: u64,
    pub events: usize,
    pub trace_bytes_per_event: f64,
    /// Generating the population, one thread.
    pub generate: Duration,
    /// Best of the runs, one thread.
    pub one_core: Duration,
    /// Best of the runs, every core.
    pub all_cores: Duration,
    pub cores: usize,
    /// The same number of office workers with the profile's default tabs and
    /// laptops (see docs/generate.md): its events, and the best run on one thread.
    pub tabbed_events: usize,
    pub tabbed_one_core: Duration,
    /// Every result of the default scenario after an edit (totals, series, per user).
    /// The default scenario after an edit of one policy (the others kept).
    pub interactive: Duration,
    /// The default scenario after an edit that re-simulates every policy.
    pub interactive_all: Duration,
    /// 20 replicates of the default scenario, every interval and paired
    /// difference, every core (issue 17's target: 1.5 s).
    pub replicates: Duration,
    /// The population's canonical CSV: its size, and the best time to read
    /// it from memory, plain and gzip-compressed (every core).
    pub csv_bytes: usize,
    pub read_csv: Duration,
    pub read_gzip: Duration,
    /// Peak resident memory of the process (Linux), in bytes, before the
    /// reader's test.
    pub peak_rss: Option<u64>,
}

impl BenchReport {
    pub fn events_per_second(&self, took: Duration) -> f64 {
        self.events as f64 / took.as_secs_f64()
    }
}

/// A policy that uses every feature: the engine's slowest path.
pub fn every_feature_policy() -> Policy {
    let mut p = Policy::named("every feature");
    p.idle_timeout = Some(Dur::mins(30));
    p.absolute_timeout = Some(Dur::hours(12));
    p.remember_me = Some(Dur::days(1));
    p.csrf = Some(Csrf {
        time_limit: Some(Dur::hours(1)),
    });
    p.warning = Some(Warning {
        lead: Dur::mins(5),
        resets_on: ResetsOn::Requests,
        on_response: OnResponse::Extend,
    });
    p.keepalive = Some(Keepalive {
        interval: Dur::mins(5),
    });
    p.on_expiry = OnExpiry::Redirect;
    p.preserve_drafts = true;
    p.client_clock = ClientClock::Wall;
    p.tab_sync = true;
    p
}

/// The benchmark population: `users` default office workers (see
/// docs/generate.md) over `days` days from a Monday, seed 42, in one tab on
/// computers that never sleep (the engine's fast path, as measured before
/// tabs and sleep); `tabs_and_sleep` keeps the profile's default tabs and
/// laptops.
pub fn bench_scenario(
    users: usize,
    days: u64,
    tabs_and_sleep: bool,
) -> Result<Scenario, Diagnostics> {
    let habits = if tabs_and_sleep {
        ""
    } else {
        r#", tabs: Tabs(max: 1), device: Device(laptops: 0.0)"#
    };
    let text = format!(
        r#"Scenario(
            name: "bench",
            seed: 42,
            horizon: "{days}d",
            profiles: [Profile(name: "office"{habits})],
            population: Generated([(profile: "office", users: {users})]),
            policies: [Policy(name: "placeholder")],
        )"#
    );
    let mut scenario = Scenario::parse(&text, None)?;
    scenario.policies = vec![every_feature_policy()];
    Ok(scenario)
}

/// Measures generation, the engine on one core and on all, and the default
/// scenario's interactive update, keeping the best of `runs` runs of each.
pub fn run_bench(users: usize, days: u64, runs: usize) -> Result<BenchReport, Diagnostics> {
    let scenario = bench_scenario(users, days, false)?;
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|e| Diagnostic::new(format!("cannot start a worker thread: {e}")))?;
    let generation_error = |e: crate::generate::GenerateError| Diagnostic::new(e.message);
    let trace = one_thread
        .install(|| crate::generate::generate(&scenario))
        .map_err(generation_error)?;
    let generate = best_of(runs, || {
        let _ = one_thread.install(|| crate::generate::generate(&scenario));
    });
    let cfg = scenario.sim_config();
    let policy = &scenario.policies[0];
    let one_core = best_of(runs, || {
        one_thread.install(|| run_policy(&trace, policy, &cfg, RunOptions::TOTALS));
    });
    let all_cores = best_of(runs, || {
        run_policy(&trace, policy, &cfg, RunOptions::TOTALS);
    });
    let tabbed_scenario = bench_scenario(users, days, true)?;
    let tabbed = one_thread
        .install(|| crate::generate::generate(&tabbed_scenario))
        .map_err(generation_error)?;
    let tabbed_one_core = best_of(runs, || {
        one_thread.install(|| run_policy(&tabbed, policy, &cfg, RunOptions::TOTALS));
    });
    let (interactive, interactive_all) = interactive_update(runs)?;
    let replicates = twenty_replicates(runs)?;
    // Before the reader's test, which holds the whole CSV in memory.
    let peak_rss = peak_rss();
    let (csv_bytes, read_csv, read_gzip) = read_trace(&trace, runs)?;
    Ok(BenchReport {
        users,
        days,
        events: trace.num_events(),
        trace_bytes_per_event: trace.heap_bytes() as f64 / trace.num_events().max(1) as f64,
        generate,
        one_core,
        all_cores,
        cores: rayon::current_num_threads(),
        tabbed_events: tabbed.num_events(),
        tabbed_one_core,
        interactive,
        interactive_all,
        replicates,
        csv_bytes,
        read_csv,
        read_gzip,
        peak_rss,
    })
}

/// The trace written as the canonical CSV, and the best times to read it back
/// from memory, plain and gzip-compressed (the fast level of `gzip -1`).
fn read_trace(trace: &Trace, runs: usize) -> Result<(usize, Duration, Duration), Diagnostics> {
    let failed = |e: std::io::Error| Diagnostic::new(format!("cannot write the trace: {e}"));
    let mut csv = Vec::new();
    trace.write_csv(&mut csv).map_err(failed)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &csv).map_err(failed)?;
    let packed = gz.finish().map_err(failed)?;
    let source = std::path::Path::new("bench.csv");
    let plain = best_of(runs, || {
        std::hint::black_box(Trace::read_csv(&csv[..], source).ok());
    });
    let gzip = best_of(runs, || {
        std::hint::black_box(Trace::read_csv(&packed[..], source).ok());
    });
    Ok((csv.len(), plain, gzip))
}

/// The best wall time of `runs` calls of `f`.
fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// The default scenario as the app re-simulates it after an edit (its
/// population already generated, every result the plots need): one policy
/// edited, the others keeping their results; and every policy again, as after
/// an edit of the horizon, away-after or bucket.
fn interactive_update(runs: usize) -> Result<(Duration, Duration), Diagnostics> {
    let file = crate::model::scenario::default_scenario()?;
    let trace = file.load_population()?;
    let mut scenario = file.scenario.clone();
    let mut sim = crate::engine::incremental::Simulator::default();
    let progress = crate::engine::Progress::default();
    let _ = sim.run(&scenario, &trace, 1, &progress);
    let mut flip = false;
    let one_policy = best_of(runs, || {
        // The edit: drag the first policy's idle timeout between two values.
        flip = !flip;
        scenario.policies[0].idle_timeout = Some(Dur::mins(if flip { 31 } else { 30 }));
        std::hint::black_box(sim.run(&scenario, &trace, 1, &progress));
    });
    let every_policy = best_of(runs, || {
        std::hint::black_box(crate::engine::run_scenario(
            &scenario,
            &trace,
            RunOptions::EVERYTHING,
        ));
    });
    Ok((one_policy, every_policy))
}

/// 20 replicates of the default scenario as `lapse run --replicates 20`
/// computes them (its population already generated, as the window has it):
/// 19 populations generated again, both policies, every interval and paired
/// difference; every core.
fn twenty_replicates(runs: usize) -> Result<Duration, Diagnostics> {
    let file = crate::model::scenario::default_scenario()?;
    let trace = file.load_population()?;
    let mut spec = ReplicateSpec::of(&file.scenario, false);
    spec.replicates = 20;
    let mut failed = None;
    let took = best_of(runs, || {
        let run = run_replicated(
            &file.scenario,
            &trace,
            &spec,
            RunOptions::TOTALS,
            &crate::engine::Progress::default(),
        );
        match run {
            Ok(Some(r)) => {
                let intervals: Vec<_> = (0..r.run.policies.len()).map(|p| r.intervals(p)).collect();
                std::hint::black_box((intervals, r.differences(0)));
            }
            Ok(None) => {}
            Err(e) => failed = Some(e),
        }
    });
    match failed {
        Some(e) => Err(e.located(&file)),
        None => Ok(took),
    }
}

/// The process's peak resident set size (`VmHWM`), where the OS tells it.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let rate = |d: Duration| self.events_per_second(d) / 1e6;
        writeln!(
            f,
            "population        {} office users x {} days: {} events, {:.1} bytes/event in memory",
            self.users, self.days, self.events, self.trace_bytes_per_event
        )?;
        writeln!(
            f,
            "generate, 1 core  {:>9.2} ms {:>8.1} M events/s",
            ms(self.generate),
            rate(self.generate)
        )?;
        writeln!(
            f,
            "engine, 1 core    {:>9.2} ms {:>8.1} M events/s  (every feature: warning, keepalive, CSRF, redirect, drafts)",
            ms(self.one_core),
            rate(self.one_core)
        )?;
        writeln!(
            f,
            "engine, {} cores   {:>9.2} ms {:>8.1} M events/s",
            self.cores,
            ms(self.all_cores),
            rate(self.all_cores)
        )?;
        writeln!(
            f,
            "tabs and sleep    {:>9.2} ms {:>8.1} M events/s  (1 core; office workers with their default tabs and laptops: {} events)",
            ms(self.tabbed_one_core),
            self.tabbed_events as f64 / self.tabbed_one_core.as_secs_f64() / 1e6,
            self.tabbed_events
        )?;
        writeln!(
            f,
            "interactive       {:>9.2} ms  (default scenario, one policy edited: every result; the other policies' kept)",
            ms(self.interactive)
        )?;
        writeln!(
            f,
            "                  {:>9.2} ms  (default scenario, every policy re-simulated: a horizon, away-after or bucket edit)",
            ms(self.interactive_all)
        )?;
        writeln!(
            f,
            "20 replicates     {:>9.2} ms  (default scenario, {} cores: 19 populations generated again, both policies, every interval and paired difference)",
            ms(self.replicates),
            self.cores
        )?;
        let mb_per_s = |d: Duration| self.csv_bytes as f64 / d.as_secs_f64() / 1e6;
        writeln!(
            f,
            "read trace CSV    {:>9.2} ms {:>8.1} MB/s  ({:.1} MB, {} cores); gzip: {:.2} ms, {:.1} MB/s of CSV",
            ms(self.read_csv),
            mb_per_s(self.read_csv),
            self.csv_bytes as f64 / 1e6,
            self.cores,
            ms(self.read_gzip),
            mb_per_s(self.read_gzip)
        )?;
        match self.peak_rss {
            Some(b) => write!(f, "peak memory       {:>9.1} MiB", b as f64 / 1_048_576.0),
            None => write!(f, "peak memory       (not available on this system)"),
        }
    }
}
