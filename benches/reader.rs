//! Trace reading throughput: MB of canonical CSV per second (issue 19's
//! target: at least 300 MB/s on the project's 2-core machine), plain and
//! gzip-compressed, on a generated trace of about 3.5 M events (3 000 office
//! users over one day, seed 42), beside the one-record-at-a-time reference
//! reader the fast one replaced.
//!
//! `cargo bench --bench reader`

use std::hint::black_box;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lapse::model::Trace;

fn generated_csv() -> Vec<u8> {
    let scenario =
        lapse::bench::bench_scenario(3_000, 1, false).expect("the bench scenario parses");
    let trace = lapse::generate::generate(&scenario).expect("the population generates");
    let mut csv = Vec::new();
    trace.write_csv(&mut csv).expect("writes to memory");
    csv
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("compresses");
    enc.finish().expect("compresses")
}

fn events(trace: Result<Trace, lapse::model::Diagnostics>) -> usize {
    trace.map_or(0, |t| t.num_events())
}

fn bench_reader(c: &mut Criterion) {
    let csv = generated_csv();
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = dir.path().join("bench.csv");
    let packed = dir.path().join("bench.csv.gz");
    std::fs::write(&plain, &csv).expect("writes the trace");
    std::fs::write(&packed, gzip(&csv)).expect("writes the gzip trace");
    let n = events(Trace::load(&plain));
    assert!(n > 3_000_000, "a 3-4 M-event trace, not {n}");
    assert_eq!(events(Trace::load(&packed)), n);
    eprintln!(
        "trace: {n} events, {:.1} MB plain, {:.1} MB gzip",
        csv.len() as f64 / 1e6,
        std::fs::metadata(&packed).map_or(0, |m| m.len()) as f64 / 1e6
    );

    let mut group = c.benchmark_group("reader");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        // Every figure counts the CSV's text, compressed or not.
        .throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function("load_plain", |b| {
        b.iter(|| events(Trace::load(black_box(&plain))))
    });
    group.bench_function("load_gzip", |b| {
        b.iter(|| events(Trace::load(black_box(&packed))))
    });
    group.bench_function("read_csv_memory", |b| {
        b.iter(|| events(Trace::read_csv(black_box(&csv[..]), Path::new("bench.csv"))))
    });
    group.bench_function("reference_one_record_at_a_time", |b| {
        b.iter(|| events(lapse::model::trace::read_csv_reference(black_box(&csv[..]))))
    });
    group.finish();
}

criterion_group!(benches, bench_reader);
criterion_main!(benches);
