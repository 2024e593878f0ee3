//! A folder where a file was expected, in every place a path is taken.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn a_scenario_that_is_a_directory() {
    let dir = folder(&[]);
    std::fs::create_dir(dir.path().join("d.ron")).expect("mkdir");
    assert_refused(
        &lapse_in(dir.path(), &["run", "d.ron"]),
        "error: d.ron: cannot read the scenario: is a directory, not a file",
    );
}

#[test]
fn a_trace_that_is_a_directory() {
    let text = scenario_with("1d", r#"Policy(name: "A")"#).replace("t.csv", "traces");
    let dir = folder(&[("s.ron", text.as_bytes())]);
    std::fs::create_dir(dir.path().join("traces")).expect("mkdir");
    assert_refused(
        &lapse_in(dir.path(), &["validate", "s.ron"]),
        "error: s.ron:1:54: trace file \"traces\" is a directory",
    );
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron", "--trace", "traces"]),
        "error: traces: is a directory, not a trace file",
    );
}

#[test]
fn an_output_that_is_a_directory() {
    let text = scenario_with("1d", r#"Policy(name: "A")"#);
    let dir = folder(&[("s.ron", text.as_bytes())]);
    std::fs::create_dir(dir.path().join("out")).expect("mkdir");
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron", "--out", "out"]),
        "error: out: cannot write: is a directory, not a file",
    );
}
