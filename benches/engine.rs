//! Engine throughput: trace events per second on a policy that uses every feature.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lapse::engine::{RunOptions, SimConfig, run_policy};
use lapse::model::{
    Csrf, Dur, Event, EventKind, Keepalive, OnExpiry, OnResponse, Policy, ResetsOn, Trace, Warning,
};
use rand::{RngExt, SeedableRng};

/// An office-like synthetic population: weekday mornings to evenings, bursts of
/// clicks and typing, pauses of minutes to an hour.
fn population(users: usize, days: u64) -> Trace {
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
    let kinds = [
        EventKind::View,
        EventKind::Request,
        EventKind::Input,
        EventKind::Input,
        EventKind::Input,
        EventKind::Activity,
        EventKind::Activity,
        EventKind::Submit,
    ];
    Trace::from_users((0..users).map(|u| {
        let mut events = Vec::new();
        for day in 0..days {
            let mut t = day * 86_400_000 + rng.random_range(8 * 3_600_000..10 * 3_600_000);
            let end = day * 86_400_000 + 17 * 3_600_000;
            while t < end {
                let kind = kinds[rng.random_range(0..kinds.len())];
                events.push(Event::new(t, kind));
                t += match rng.random_range(0..100) {
                    0..80 => rng.random_range(500..20_000),
                    80..97 => rng.random_range(20_000..600_000),
                    _ => rng.random_range(600_000..3_600_000),
                };
            }
            events.push(Event::new(t, EventKind::Close));
        }
        (format!("u{u}"), events)
    }))
}

fn every_feature() -> Policy {
    let mut p = Policy::named("everything");
    p.idle_timeout = Some(Dur::mins(30));
    p.absolute_timeout = Some(Dur::hours(12));
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
    p.remember_me = Some(Dur::days(1));
    p
}

fn engine(c: &mut Criterion) {
    let trace = population(1000, 5);
    let cfg = SimConfig {
        horizon: 5 * 86_400_000,
        away_after: 300_000,
        bucket: 900_000,
    };
    let policy = every_feature();
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(trace.num_events() as u64));
    group.bench_function("totals, one core", |b| {
        b.iter(|| one_thread.install(|| run_policy(&trace, &policy, &cfg, RunOptions::TOTALS)))
    });
    group.bench_function("totals, all cores", |b| {
        b.iter(|| run_policy(&trace, &policy, &cfg, RunOptions::TOTALS))
    });
    group.bench_function("series and per-user, all cores", |b| {
        b.iter(|| run_policy(&trace, &policy, &cfg, RunOptions::EVERYTHING))
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
