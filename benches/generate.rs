//! Generation speed on one core, in events per second (target: 15 million
//! for the office profile, issue 15).
//!
//! `cargo bench --bench generate`; criterion prints the rate as "thrpt".

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lapse::generate::generate;
use lapse::model::Scenario;

fn scenario(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    match Scenario::load(&path) {
        Ok(file) => file.scenario,
        Err(e) => panic!("{e}"),
    }
}

fn generation(c: &mut Criterion) {
    // One worker thread: the figure is per core.
    let one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for name in [
        "seed-article.ron",
        "call-center.ron",
        "hospital-shared-workstation.ron",
    ] {
        let s = scenario(name);
        let events = one_core
            .install(|| generate(&s))
            .expect("generates")
            .num_events();
        group.throughput(Throughput::Elements(events as u64));
        group.bench_function(name, |b| {
            b.iter(|| one_core.install(|| generate(&s)).expect("generates"))
        });
    }
    // The office profile on its own, with its default tabs and laptops: the
    // population `lapse bench` measures (1 000 users x 5 days, seed 42).
    let office = lapse::bench::bench_scenario(1000, 5, true).expect("the bench scenario parses");
    let events = one_core
        .install(|| generate(&office))
        .expect("generates")
        .num_events();
    group.throughput(Throughput::Elements(events as u64));
    group.bench_function("office profile, 1000 users x 5 days", |b| {
        b.iter(|| one_core.install(|| generate(&office)).expect("generates"))
    });
    group.finish();
}

criterion_group!(benches, generation);
criterion_main!(benches);
