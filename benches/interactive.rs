//! What one edit costs in the window: simulate the default scenario and
//! prepare every plot from the results. It must fit in one 16 ms frame.
//!
//! As in the app's worker, the population is loaded once, the policies an
//! edit did not touch keep their results (`engine::incremental::Simulator`), and
//! the idle-gap histogram (which depends on the population and horizon only)
//! is kept across edits, as are the population's tab and sleep counts.
//! Measured separately: a run of every policy (an edit of the scenario's own
//! settings), the gap histogram and the tab and sleep counts.
//!
//! `cargo bench --bench interactive`; `LAPSE_BENCH_SCENARIO=FILE` measures
//! another scenario the same way.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use lapse::app::default_file;
use lapse::app::views::{gap_histogram, plot_data, timeline};
use lapse::engine::incremental::Simulator;
use lapse::engine::{Progress, RunOptions, run_scenario};
use lapse::model::{Dur, ScenarioFile};

fn scenario_file() -> ScenarioFile {
    match std::env::var_os("LAPSE_BENCH_SCENARIO") {
        Some(path) => lapse::model::Scenario::load(std::path::Path::new(&path))
            .unwrap_or_else(|e| panic!("{e}")),
        None => default_file(),
    }
}

fn edit_to_plots(c: &mut Criterion) {
    let file = scenario_file();
    let trace = file
        .load_population()
        .unwrap_or_else(|e| panic!("the population loads: {e}"));
    let mut scenario = file.scenario.clone();
    let gaps = Arc::new(gap_histogram(&trace, scenario.horizon.as_ms()));
    let mut sim = Simulator::default();
    let progress = Progress::default();
    let mut flip = false;
    c.bench_function(
        "edit -> simulate default scenario -> prepare all plots",
        |b| {
            b.iter(|| {
                // The edit: drag the first policy's idle timeout between two values.
                flip = !flip;
                scenario.policies[0].idle_timeout =
                    Some(if flip { Dur::mins(30) } else { Dur::mins(31) });
                let run = sim
                    .run(&scenario, &trace, 1, &progress)
                    .unwrap_or_else(|| panic!("nobody cancels this run"));
                let plots = plot_data(&scenario, &run, Arc::clone(&gaps));
                // The timeline of the user who lost the most work, as its tab shows it.
                let user = plots.users_by_loss.first().copied().unwrap_or(0);
                let line = (trace.num_users() > 0)
                    .then(|| timeline::timeline(&scenario, user, trace.user_events(user)));
                black_box((run, plots, line))
            })
        },
    );
    c.bench_function(
        "simulate every policy (after a horizon, away-after or bucket edit)",
        |b| b.iter(|| black_box(run_scenario(&scenario, &trace, RunOptions::EVERYTHING))),
    );
    c.bench_function(
        "idle-gap histogram (after a population or horizon change)",
        |b| b.iter(|| black_box(gap_histogram(&trace, scenario.horizon.as_ms()))),
    );
    c.bench_function(
        "tabs and sleep of the population (after a population or horizon change)",
        |b| b.iter(|| black_box(trace.tabs_and_sleep(scenario.horizon.as_ms()))),
    );
}

criterion_group!(benches, edit_to_plots);
criterion_main!(benches);
