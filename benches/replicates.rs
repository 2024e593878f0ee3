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

/// The window's replicates side by side with the plain ones: replicates
/// 1..20 with totals only (what `lapse run --replicates 20` runs after
/// replicate 0), then the same keeping each replicate's over-time steps and
/// working out every step's interval (what the window's worker runs since
/// the over-time plots got bands).
fn window_replicates(c: &mut Criterion) {
    use lapse::analysis::replicates::{Draws, run_replicate, run_replicate_with};
    use lapse::app::views::over_time::{StepValues, TimeBands};
    use lapse::engine::{Series, run_scenario};
    use rayon::prelude::*;
    let file = default_scenario().expect("the default scenario is valid");
    let trace = file.load_population().expect("generates");
    let s = &file.scenario;
    let progress = Progress::default();
    let mut group = c.benchmark_group("replicates 1..20 of the seed article");
    group.bench_function("totals only", |b| {
        b.iter(|| {
            (1..20)
                .into_par_iter()
                .map(|k| run_replicate(s, &trace, Draws::Generated, k, &progress))
                .collect::<Vec<_>>()
        })
    });
    let first = run_scenario(s, &trace, RunOptions::EVERYTHING);
    let steps_of = |run: &lapse::engine::ScenarioRun| {
        let series: Vec<Option<&Series>> = run.policies.iter().map(|p| p.series.as_ref()).collect();
        StepValues::of(&series)
    };
    let options = RunOptions {
        series: true,
        per_user: false,
    };
    group.bench_function("with over-time steps and bands (the window)", |b| {
        b.iter(|| {
            let mut steps = vec![steps_of(&first)];
            let rest: Vec<StepValues> = (1..20)
                .into_par_iter()
                .map(|k| {
                    let run =
                        run_replicate_with(s, &trace, Draws::Generated, k, options, &progress)
                            .expect("not cancelled")
                            .expect("generates");
                    steps_of(&run)
                })
                .collect();
            steps.extend(rest);
            TimeBands::over(&steps, lapse::analysis::intervals::Method::StudentT, 300)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(15));
    targets = twenty_replicates, window_replicates
}
criterion_main!(benches);
