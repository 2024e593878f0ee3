//! Empty files: a scenario, a trace, an access log.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn an_empty_scenario() {
    let dir = folder(&[("s.ron", b"  // nothing but a comment\n")]);
    assert_refused(
        &lapse_in(dir.path(), &["validate", "s.ron"]),
        "error: s.ron:1:1: the file is empty: a scenario is written Scenario(name: ..., horizon: ..., population: ..., policies: [...])",
    );
}

#[test]
fn an_empty_trace() {
    let text = scenario_with("1d", r#"Policy(name: "A")"#);
    let dir = folder(&[("s.ron", text.as_bytes()), ("e.csv", b"")]);
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron", "--trace", "e.csv"]),
        "error: e.csv:1:1: empty file: expected the header `user,time_ms,kind` or `user,time_ms,kind,tab`",
    );
}

#[test]
fn an_empty_access_log_gives_no_trace() {
    let dir = folder(&[("e.log", b"")]);
    let run = lapse_in(dir.path(), &["import", "e.log", "--out", "x.csv"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("Warning: e.log is empty"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with(
            "error: no events to import: none of the 0 lines read gave a user's view, request or submit (see the summary above)\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("x.csv").exists());
}
