//! A 100 MB string in a scenario: refused by size before it is read.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn a_hundred_megabyte_scenario_is_refused_by_size() {
    let mut text = br#"Scenario(name: ""#.to_vec();
    let tail =
        br#"", horizon: "1d", population: Trace(path: "t.csv"), policies: [Policy(name: "A")])"#;
    text.resize(100 * 1024 * 1024 - tail.len(), b'x');
    text.extend_from_slice(tail);
    assert_eq!(text.len(), 100 << 20);
    let dir = folder(&[("s.ron", &text)]);
    assert_refused(
        &lapse_in(dir.path(), &["validate", "s.ron"]),
        "error: s.ron: cannot read the scenario: the file is 100 MiB, larger than the limit of 16 MiB (raise with --max-file-size)",
    );
    // Raised on purpose, the same file loads: the limit is a guard, not a bug.
    let run = lapse_in(
        dir.path(),
        &["validate", "s.ron", "--max-file-size", "200000000"],
    );
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(0), "ok\n"),
        "{}",
        run.stderr
    );
}
