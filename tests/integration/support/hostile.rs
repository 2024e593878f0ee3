//! Helpers for the hostile-input tests: scratch folders and refusals.

use super::Run;

/// A scratch folder holding `t.csv` (one view) and the given files.
pub fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("t.csv"), "user,time_ms,kind\nu,0,view\n").expect("trace");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    dir
}

/// A one-line scenario over `t.csv` with `policy` as its only policy.
pub fn scenario_with(horizon: &str, policy: &str) -> String {
    format!(
        r#"Scenario(name: "h", horizon: "{horizon}", population: Trace(path: "t.csv"), policies: [{policy}])"#
    )
}

/// Asserts a refusal: exit status 2 and exactly `message` on stderr.
pub fn assert_refused(run: &Run, message: &str) {
    assert_eq!(run.stderr, format!("{message}\n"), "stderr");
    assert_eq!(run.code, Some(2), "exit status");
    assert!(!run.stderr.contains("panicked"));
}
