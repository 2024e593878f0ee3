//! What each fuzz target does with its input, shared by the cargo-fuzz
//! targets (`fuzz/`) and the regression test that replays every crash they
//! ever found (`tests/fuzz_regressions.rs`), so both run the same code.
//!
//! Each function must return for any bytes; a panic is the bug being hunted.

use std::path::Path;
use std::sync::OnceLock;

use crate::engine::{RunOptions, SimConfig, run_policy, run_scenario};
use crate::import::keys::KeyOutput;
use crate::import::{ImportOptions, Importer};
use crate::model::{Dur, Event, EventKind, Policy, Population, Scenario, Trace};

/// Any text as a scenario file: parsing and validation must never panic, and
/// every policy a valid scenario holds must replay without panicking.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut scenario) = Scenario::parse(text, None) else {
        return;
    };
    let _ = scenario.to_ron();
    // Keep each input quick: at most two weeks, small generated populations.
    scenario.horizon = scenario.horizon.min(Dur::days(14));
    let trace = match &scenario.population {
        Population::Generated(groups) if groups.iter().map(|g| g.users).sum::<u64>() <= 20 => {
            match crate::generate::generate(&scenario) {
                Ok(trace) => trace,
                Err(_) => return,
            }
        }
        _ => fixed_trace(),
    };
    let _ = run_scenario(&scenario, &trace, RunOptions::EVERYTHING);
}

/// Any bytes as a trace CSV: reading must never panic, the fast reader must
/// give what the one-record-at-a-time reference reader gives (same trace or
/// same first error; blocks and chunks cut at sizes the input picks), and a
/// trace that reads must write back and replay (against the default policy)
/// without panicking.
pub fn trace_csv(data: &[u8]) {
    // Gzip only the fast reader decompresses.
    if !data.starts_with(&[0x1f, 0x8b]) {
        let (fast, reference) =
            crate::model::trace::read_both(data, 1 + data.len() % 97, 1 + data.len() % 13);
        assert_eq!(
            fast, reference,
            "the fast and the reference trace readers disagree"
        );
    }
    let Ok(trace) = Trace::read_csv(data, Path::new("fuzz.csv")) else {
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
}

/// Any bytes as an access log (format detected, gzip or not): the import must
/// never panic, whatever the lines hold.
pub fn access_log(data: &[u8]) {
    // The default options compile several patterns; doing that once keeps
    // the fuzzer on the parser. A fixed salt keeps each input deterministic.
    static OPTIONS: OnceLock<ImportOptions> = OnceLock::new();
    let options = OPTIONS.get_or_init(|| ImportOptions {
        key_output: KeyOutput::Hashed {
            salt: b"lapse-fuzz".to_vec(),
        },
        ..ImportOptions::default()
    });
    let Ok(mut importer) = Importer::new(options.clone()) else {
        return;
    };
    if importer.read(data, Path::new("fuzz.log")).is_ok() {
        let _ = importer.finish();
    }
}

/// A small trace that touches every event kind, equal instants included.
fn fixed_trace() -> Trace {
    const MIN: u64 = 60_000;
    let kinds = [
        (0, EventKind::View),
        (2 * MIN, EventKind::Input),
        (2 * MIN, EventKind::Submit),
        (31 * MIN, EventKind::Activity),
        (40 * MIN, EventKind::Request),
        (41 * MIN, EventKind::Close),
        (90 * MIN, EventKind::Input),
        (200 * MIN, EventKind::Submit),
        (3000 * MIN, EventKind::View),
    ];
    Trace::from_users([(
        "u".to_string(),
        kinds.iter().map(|&(t, k)| Event::new(t, k)).collect(),
    )])
}
