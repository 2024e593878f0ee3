//! A 48-step sweep of a generated 1 000-user, 5-day population: the issue
//! asks for under 2 s on the 2-core machine. Run: `cargo bench --bench sweep`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lapse::analysis::{Param, SweepSpec, run_sweep};
use lapse::bench::bench_scenario;
use lapse::model::Dur;

fn sweep_48_steps(c: &mut Criterion) {
    // 1000 default office workers, Monday to Friday; the every-feature policy.
    let scenario = bench_scenario(1_000, 5, false).expect("the bench scenario is valid");
    let trace = lapse::generate::generate(&scenario).expect("generates");
    let policy = scenario.policies[0].clone();
    let spec = SweepSpec {
        param: Param::IdleTimeout,
        from: Dur::mins(10),
        to: Dur::hours(4),
        steps: 48,
    };
    eprintln!(
        "population: {} users, {} events, 5 days; sweep: idle_timeout 10m..4h, 48 steps",
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
