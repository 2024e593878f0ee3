//! A trace path that points at the scenario itself.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn a_trace_path_pointing_at_its_own_scenario() {
    let text = scenario_with("1d", r#"Policy(name: "A")"#).replace("t.csv", "s.ron");
    let dir = folder(&[("s.ron", text.as_bytes())]);
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron"]),
        "error: s.ron:1:54: trace file \"s.ron\" is this scenario file itself; point it at a trace CSV",
    );
    // Given as --trace, it is read as a CSV and refused at its first line.
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron", "--trace", "s.ron"]),
        "error: s.ron:1:1: expected the header `user,time_ms,kind` or `user,time_ms,kind,tab`, found `Scenario(name: \"h\",horizon: \"1d\",population: Trace(path: ...`",
    );
}
