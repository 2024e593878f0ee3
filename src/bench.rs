//! `lapse bench`: how fast Lapse is on this machine, measured the way the
//! README reports it, so a user can check their own.

use std::time::{Duration, Instant};

use crate::engine::{RunOptions, SimConfig, run_policy};
use crate::model::{
    Csrf, Dur, Event, EventKind, Keepalive, OnExpiry, OnResponse, Policy, ResetsOn, Trace, Warning,
};

/// What `lapse bench` measured.
#[derive(Clone, Debug)]
pub struct BenchReport {
    pub users: usize,
    pub days: u64,
    pub events: usize,
    pub trace_bytes_per_event: f64,
    /// Best of the runs, one thread.
    pub one_core: Duration,
    /// Best of the runs, every core.
    pub all_cores: Duration,
    pub cores: usize,
    /// Peak resident memory of the process (Linux), in bytes.
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
    p
}

/// A deterministic office-like population: weekdays from 8-10 h to 17 h,
/// bursts of typing and clicks, pauses from seconds to an hour.
pub fn synthetic_population(users: usize, days: u64, seed: u64) -> Trace {
    const DAY: u64 = 86_400_000;
    const HOUR: u64 = 3_600_000;
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    // SplitMix64: a fixed, well-known stream so the bench trace never changes.
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let kinds = [
        EventKind::Input,
        EventKind::Input,
        EventKind::Input,
        EventKind::Input,
        EventKind::Activity,
        EventKind::Activity,
        EventKind::Activity,
        EventKind::Request,
        EventKind::View,
        EventKind::Submit,
    ];
    Trace::from_users((0..users).map(|u| {
        let mut events = Vec::new();
        for day in 0..days {
            let mut t = day * DAY + 8 * HOUR + next() % (2 * HOUR);
            let end = day * DAY + 17 * HOUR;
            while t < end {
                events.push(Event::new(t, kinds[(next() % kinds.len() as u64) as usize]));
                t += match next() % 100 {
                    0..80 => 500 + next() % 20_000,
                    80..97 => 20_000 + next() % 580_000,
                    _ => 600_000 + next() % (HOUR - 600_000),
                };
            }
            events.push(Event::new(t, EventKind::Close));
        }
        (format!("user{u:04}"), events)
    }))
}

/// Runs the engine `runs` times on one core and on all, keeping the best of each.
pub fn run_bench(users: usize, days: u64, runs: usize) -> BenchReport {
    let trace = synthetic_population(users, days, 42);
    let cfg = SimConfig {
        horizon: days * 86_400_000,
        away_after: 300_000,
        bucket: 900_000,
    };
    let policy = every_feature_policy();
    let best = |f: &dyn Fn()| {
        (0..runs.max(1))
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build();
    let one_core = match &one_thread {
        Ok(pool) => best(&|| {
            pool.install(|| {
                std::hint::black_box(run_policy(&trace, &policy, &cfg, RunOptions::TOTALS))
            });
        }),
        Err(_) => Duration::ZERO,
    };
    let all_cores = best(&|| {
        std::hint::black_box(run_policy(&trace, &policy, &cfg, RunOptions::TOTALS));
    });
    BenchReport {
        users,
        days,
        events: trace.num_events(),
        trace_bytes_per_event: trace.heap_bytes() as f64 / trace.num_events().max(1) as f64,
        one_core,
        all_cores,
        cores: rayon::current_num_threads(),
        peak_rss: peak_rss(),
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
        let rate = |d: Duration| self.events_per_second(d) / 1e6;
        writeln!(
            f,
            "population     {} users x {} days, {} events ({:.1} bytes/event in memory)",
            self.users, self.days, self.events, self.trace_bytes_per_event
        )?;
        writeln!(
            f,
            "engine, 1 core {:>8.2} ms  {:>7.1} M events/s  (every feature: warning, keepalive, CSRF, redirect, drafts)",
            self.one_core.as_secs_f64() * 1e3,
            rate(self.one_core)
        )?;
        writeln!(
            f,
            "engine, {} cores {:>6.2} ms  {:>7.1} M events/s",
            self.cores,
            self.all_cores.as_secs_f64() * 1e3,
            rate(self.all_cores)
        )?;
        match self.peak_rss {
            Some(b) => write!(f, "peak memory    {:.1} MiB", b as f64 / 1_048_576.0),
            None => write!(f, "peak memory    (not available on this system)"),
        }
    }
}
