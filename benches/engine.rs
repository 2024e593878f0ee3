//! Engine throughput: trace events per second on a policy that uses every
//! feature (`lapse::bench::every_feature_policy`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lapse::bench::{bench_scenario, every_feature_policy};
use lapse::engine::{RunOptions, run_policy};
use lapse::model::{Event, EventKind, Trace};
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

/// The target population: 1000 generated office workers over 5 days
/// (`lapse::bench::bench_scenario`, as `lapse bench` runs it), and the
/// synthetic one above, whose uniform mix has far more views and submits per
/// event (the expensive ones).
fn engine(c: &mut Criterion) {
    let scenario = bench_scenario(1000, 5, false).unwrap_or_else(|e| panic!("{e}"));
    let generated = lapse::generate::generate(&scenario).unwrap_or_else(|e| panic!("{e}"));
    let cfg = scenario.sim_config();
    let policy = every_feature_policy();
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    for (name, trace) in [
        ("generated office", generated),
        ("synthetic uniform mix", population(1000, 5)),
    ] {
        let mut group = c.benchmark_group(format!("engine, {name}"));
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
}

criterion_group!(benches, engine);
criterion_main!(benches);
