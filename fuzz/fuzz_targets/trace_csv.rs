//! Any bytes as a trace CSV: reading must never panic, and a trace that reads
//! must replay (against the default policy) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lapse::engine::{RunOptions, SimConfig, run_policy};
use lapse::model::{Policy, Trace};

fuzz_target!(|data: &[u8]| {
    let Ok(trace) = Trace::read_csv(data, std::path::Path::new("fuzz.csv")) else {
        return;
    };
    let mut out = Vec::new();
    let _ = trace.write_csv(&mut out);
    let cfg = SimConfig {
        horizon: trace.end_time().unwrap_or(0).saturating_add(1),
        away_after: 300_000,
        bucket: 900_000,
    };
    let _ = run_policy(&trace, &Policy::named("default"), &cfg, RunOptions::TOTALS);
});
