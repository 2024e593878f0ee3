//! Any text as a scenario file: parsing and validation must never panic, and
//! every policy a valid scenario holds must replay without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lapse::engine::{RunOptions, run_scenario};
use lapse::model::{Event, EventKind, Population, Scenario, Trace};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut scenario) = Scenario::parse(text, None) else {
        return;
    };
    let _ = scenario.to_ron();
    // Keep each input quick: at most two weeks, small generated populations.
    scenario.horizon = scenario.horizon.min(lapse::model::Dur::days(14));
    let trace = match &scenario.population {
        Population::Generated(groups) if groups.iter().map(|g| g.users).sum::<u64>() <= 20 => {
            match lapse::generate::generate(&scenario) {
                Ok(trace) => trace,
                Err(_) => return,
            }
        }
        _ => fixed_trace(),
    };
    let _ = run_scenario(&scenario, &trace, RunOptions::EVERYTHING);
});

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
