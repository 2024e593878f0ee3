//! A 48-step sweep of a 1 000-user, 5-day population: the issue asks for
//! under 2 s on the 2-core machine. Run: `cargo bench --bench sweep`.
//!
//! Until the behaviour-profile generator is on main, the population comes
//! from the small deterministic office builder the analysis tests use.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lapse::analysis::{Param, SweepSpec, run_sweep};
use lapse::model::{Dur, Policy, Population, Scenario};

#[path = "../tests/analysis/synth.rs"]
mod synth;

fn sweep_48_steps(c: &mut Criterion) {
    let trace = synth::office_trace(1_000, 5, 42);
    let mut policy = Policy::named("bench");
    policy.csrf = Some(lapse::model::Csrf::default());
    policy.warning = Some(lapse::model::Warning {
        lead: Dur::mins(2),
        ..Default::default()
    });
    let scenario = Scenario {
        name: "bench".into(),
        seed: 42,
        horizon: Dur::days(5),
        away_after: Dur::mins(5),
        bucket: Dur::mins(15),
        population: Population::Trace {
            path: "unused.csv".into(),
        },
        policies: vec![policy.clone()],
    };
    let spec = SweepSpec {
        param: Param::IdleTimeout,
        from: Dur::mins(5),
        to: Dur::hours(4),
        steps: 48,
    };
    eprintln!(
        "population: {} users, {} events, 5 days; sweep: idle_timeout 5m..4h, 48 steps",
        trace.num_users(),
        trace.num_events()
    );
    c.bench_function("sweep 48 steps, 1000 users x 5 days", |b| {
        b.iter(|| run_sweep(&scenario, &trace, &policy, &spec).expect("sweeps"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    targets = sweep_48_steps
}
criterion_main!(benches);
