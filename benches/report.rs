//! `lapse report` on the seed article, after the simulation: gathering the
//! content, drawing the five plots and laying out the HTML (the issue asks
//! for under 1 s). Run: `cargo bench --bench report`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lapse::engine::{RunOptions, run_scenario};
use lapse::report::document::{ReportInput, gather};
use lapse::report::html;

fn seed_article_report(c: &mut Criterion) {
    let file = lapse::model::scenario::default_scenario().expect("the seed article loads");
    let trace = file.load_population().expect("generates");
    let run = run_scenario(&file.scenario, &trace, RunOptions::EVERYTHING);
    let input = ReportInput {
        scenario: &file.scenario,
        source: &file.source,
        file_name: Some("seed-article.ron".into()),
        trace: &trace,
        trace_file: None,
        run: &run,
        selected: None,
        problems: Vec::new(),
        replicated: None,
    };
    let bytes = html::render(&gather(&input).expect("draws")).len();
    eprintln!(
        "seed article: {} users, {} events; report {} KB",
        trace.num_users(),
        trace.num_events(),
        bytes / 1024
    );
    c.bench_function("report (html) of the seed article, after the run", |b| {
        b.iter(|| html::render(&gather(&input).expect("draws")))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = seed_article_report
}
criterion_main!(benches);
