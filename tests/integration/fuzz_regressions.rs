//! Every input in `fuzz/regressions/TARGET/` goes through the same code its
//! fuzz target runs (`lapse::fuzz_entry`) and must come back without a panic.
//! A crash the fuzzer finds is copied there (see docs/robustness.md), so it
//! fails this test until it is fixed and guards against it afterwards. The
//! folders also hold hand-picked inputs of each kind, so the test is never
//! empty.

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8]), at_least: usize) {
    let files = inputs(target);
    assert!(
        files.len() >= at_least,
        "fuzz/regressions/{target} holds {} inputs, expected at least {at_least}",
        files.len()
    );
    for file in files {
        let data = std::fs::read(&file).expect("readable");
        // A panic names the input that caused it.
        let result = std::panic::catch_unwind(|| run(&data));
        assert!(result.is_ok(), "{} panics", file.display());
    }
}

#[test]
fn scenario_inputs_never_panic() {
    replay("scenario", lapse::fuzz_entry::scenario, 3);
}

#[test]
fn trace_csv_inputs_never_panic() {
    replay("trace_csv", lapse::fuzz_entry::trace_csv, 3);
}

#[test]
fn access_log_inputs_never_panic() {
    replay("access_log", lapse::fuzz_entry::access_log, 3);
}
