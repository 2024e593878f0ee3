//! 20 replicates of the default scenario (the seed article: 300 generated
//! users, 5 days, both policies), every interval and paired difference
//! computed: the issue asks for at most 1.5 s on the 2-core machine. Each
//! replicate after the first generates its population again, so the figure
//! includes 19 generations. Run: `cargo bench --bench replicates`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lapse::analysis::{ReplicateSpec, run_replicated};
use lapse::engine::{Progress, RunOptions};
use lapse::model::scenario::default_scenario;

fn twenty_replicates(c: &mut Criterion) {
    let file = default_scenario().expect("the default scenario is valid");
    let trace = file.load_population().expect("generates");
    let mut spec = ReplicateSpec::of(&file.scenario, false);
    spec.replicates = 20;
    eprintln!(
        "population: {} users, {} events; {} policies, 20 replicates",
        trace.num_users(),
        trace.num_events(),
        file.scenario.policies.len()
    );
    c.bench_function(
        "20 replicates of the seed article, intervals and differences",
        |b| {
            b.iter(|| {
                let r = run_replicated(
                    &file.scenario,
                    &trace,
                    &spec,
                    RunOptions::TOTALS,
                    &Progress::default(),
                )
                .expect("generates")
                .expect("not cancelled");
                let intervals: Vec<_> = (0..r.run.policies.len()).map(|p| r.intervals(p)).collect();
                (intervals, r.differences(0))
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(15));
    targets = twenty_replicates
}
criterion_main!(benches);
