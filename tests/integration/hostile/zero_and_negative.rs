//! Zero and negative intervals.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn zero_intervals_are_refused_in_place() {
    let cases = [
        (
            r#"Policy(name: "A", idle_timeout: "0s")"#,
            "1:99: policy \"A\": idle_timeout must be longer than 0 (use None for no limit)",
        ),
        (
            r#"Policy(name: "A", keepalive: Keepalive(interval: "0ms"))"#,
            "1:120: policy \"A\": keepalive.interval must be longer than 0",
        ),
    ];
    for (policy, message) in cases {
        let text = scenario_with("1d", policy);
        let dir = folder(&[("s.ron", text.as_bytes())]);
        assert_refused(
            &lapse_in(dir.path(), &["validate", "s.ron"]),
            &format!("error: s.ron:{message}"),
        );
    }
    let text = scenario_with("1d", r#"Policy(name: "A")"#)
        .replace(r#"horizon: "1d","#, r#"horizon: "1d", bucket: "0s","#);
    let dir = folder(&[("s.ron", text.as_bytes())]);
    assert_refused(
        &lapse_in(dir.path(), &["validate", "s.ron"]),
        "error: s.ron:1:36: bucket must be longer than 0",
    );
}

#[test]
fn negative_intervals_are_refused() {
    let text = scenario_with("1d", r#"Policy(name: "A", idle_timeout: "-5m")"#);
    let dir = folder(&[("s.ron", text.as_bytes())]);
    assert_refused(
        &lapse_in(dir.path(), &["validate", "s.ron"]),
        "error: s.ron:1:114: duration \"-5m\" is negative: durations count forward from an instant",
    );
    let dir = folder(&[
        (
            "s.ron",
            scenario_with("1d", r#"Policy(name: "A")"#).as_bytes(),
        ),
        ("n.csv", b"user,time_ms,kind\nu,-1,view\n"),
    ]);
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron", "--trace", "n.csv"]),
        "error: n.csv:2:3: negative time \"-1\": times count ms from the scenario start",
    );
}
