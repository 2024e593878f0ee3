//! The command line as a user meets it: output shapes, exit codes, messages.

use std::path::{Path, PathBuf};

use crate::support::{lapse_in, stderr, stdout};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

const SCENARIO: &str = r#"Scenario(
    name: "cli",
    horizon: "1d",
    population: Trace(path: "t.csv"),
    policies: [
        Policy(name: "A", idle_timeout: Some("30m")),
        Policy(name: "B", idle_timeout: Some("10m")),
    ],
)
"#;

const TRACE: &str = "user,time_ms,kind\nu,0,view\nu,1200000,request\nv,0,view\n";

/// A folder with `s.ron` and `t.csv`.
fn workspace(scenario: &str, trace: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("s.ron"), scenario).expect("write scenario");
    std::fs::write(dir.path().join("t.csv"), trace).expect("write trace");
    dir
}

#[test]
fn run_prints_the_specs_json_shape() {
    let dir = workspace(SCENARIO, TRACE);
    let out = lapse_in(dir.path(), &["run", "s.ron", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["scenario"], "cli");
    assert_eq!(json["users"], 2);
    let policies = json["policies"].as_array().expect("array");
    assert_eq!(policies.len(), 2);
    assert_eq!(policies[0]["name"], "A");
    let metrics = policies[0]["metrics"].as_object().expect("object");
    assert_eq!(metrics.len(), 20);
    // The metrics appear in the SPEC's order in the text.
    let text = stdout(&out);
    let first_policy = &text[..text.find("\"B\"").expect("policy B")];
    let positions: Vec<usize> = lapse::engine::Metrics::NAMES
        .iter()
        .map(|n| first_policy.find(&format!("\"{n}\":")).expect(n))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    // A: u refreshes at 20 (live); B: u's session expired at 10, met at 20.
    assert_eq!(policies[0]["metrics"]["logins"], 2);
    assert_eq!(policies[0]["metrics"]["logouts"], 0);
    assert_eq!(policies[1]["metrics"]["logins"], 3);
    assert_eq!(policies[1]["metrics"]["logouts"], 1);
    assert!(metrics.values().all(|v| v.is_u64()));
}

#[test]
fn run_spec_example_b_fixture() {
    let out = lapse_in(&fixtures(), &["run", "example-b.ron", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let alert = &json["policies"][0]["metrics"];
    assert_eq!(alert["lost_inputs"], 4);
    assert_eq!(alert["lost_edit_ms"], 1_800_000);
    let keepalive = &json["policies"][1]["metrics"];
    assert_eq!(keepalive["keepalive_pings"], 6);
    assert_eq!(keepalive["saved_submits"], 1);
}

#[test]
fn trace_flag_replaces_the_population() {
    let dir = workspace(SCENARIO, TRACE);
    std::fs::write(
        dir.path().join("other.csv"),
        "user,time_ms,kind\nx,0,view\n",
    )
    .expect("write");
    let out = lapse_in(
        dir.path(),
        &["run", "s.ron", "--trace", "other.csv", "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["users"], 1);
}

#[test]
fn csv_and_table_formats() {
    let dir = workspace(SCENARIO, TRACE);
    let out = lapse_in(dir.path(), &["run", "s.ron", "--format", "csv"]);
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            format!(
                "policy,{},{}",
                lapse::engine::Metrics::NAMES.join(","),
                lapse::report::csv::affected_header()
            )
            .as_str()
        )
    );
    assert!(lines.next().expect("row A").starts_with("A,2,0,"));
    assert!(lines.next().expect("row B").starts_with("B,3,1,"));

    let out = lapse_in(dir.path(), &["run", "s.ron", "--format", "table"]);
    let text = stdout(&out);
    assert!(text.starts_with("cli — 2 users\n"), "{text}");
    let logins = text.lines().find(|l| l.starts_with("logins")).expect("row");
    assert_eq!(
        logins.split_whitespace().take(3).collect::<Vec<_>>(),
        ["logins", "2", "3"]
    );
    // The column issue 20 adds: each metric's human name and what it counts.
    assert!(
        logins.ends_with("  Logins: times someone typed their password"),
        "{logins}"
    );
}

#[test]
fn the_table_names_every_metric_and_shows_exposure_per_user_per_day() {
    let dir = workspace(SCENARIO, TRACE);
    let out = lapse_in(dir.path(), &["run", "s.ron", "--format", "table"]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].ends_with("what it counts"), "{text}");
    for name in lapse::engine::Metrics::NAMES {
        let row = lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name}: {text}"));
        let meaning = row
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .last();
        assert!(meaning.is_some_and(|m| m.contains(": ")), "{row}");
    }
    let row = |start: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no row {start}: {text}"))
            .to_string()
    };
    assert!(
        row("logouts_while_present ").contains("Logouts while present: "),
        "{text}"
    );
    assert!(row("lost_inputs ").contains("Lost edits: "), "{text}");
    // By hand (away_after 5m): under A (30m idle), u is away 5-20 and 25-50
    // (40m), v 5-30 (25m): 65m over 2 users and 1 day, 32m30s each, shown
    // to the minute. Under B (10m idle), u 5-10 and 25-30, v 5-10: 15m,
    // 7m30s each.
    let exposure = row("  per user per day");
    assert_eq!(
        exposure.split_whitespace().take(6).collect::<Vec<_>>(),
        ["per", "user", "per", "day", "33m", "7m30s"],
        "{text}"
    );
}

#[test]
fn out_writes_a_file_and_nothing_on_failure() {
    let dir = workspace(SCENARIO, TRACE);
    let out = lapse_in(
        dir.path(),
        &["run", "s.ron", "--format", "json", "--out", "r.json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).expect("read"))
            .expect("json");
    assert_eq!(json["users"], 2);

    // A broken trace: exit 2, the old output untouched, no temporary file left.
    std::fs::write(dir.path().join("t.csv"), "user,time_ms,kind\nu,0,jump\n").expect("write");
    let out = lapse_in(dir.path(), &["run", "s.ron", "--out", "r.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        std::fs::read_to_string(dir.path().join("r.json"))
            .expect("read")
            .contains("\"users\": 2")
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn validate_says_ok() {
    let dir = workspace(SCENARIO, TRACE);
    let out = lapse_in(dir.path(), &["validate", "s.ron"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "ok\n");
}

/// Runs `validate` on a scenario text and returns (exit code, stderr).
fn validate(scenario: &str, trace: &str) -> (Option<i32>, String) {
    let dir = workspace(scenario, trace);
    let out = lapse_in(dir.path(), &["validate", "s.ron"]);
    (out.status.code(), stderr(&out))
}

#[test]
fn broken_scenarios_name_file_line_and_column() {
    let (code, err) = validate(
        &SCENARIO.replace("horizon: \"1d\",", "horizon: \"1d\""),
        TRACE,
    );
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: s.ron:4:5: "), "syntax error: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let (code, err) = validate(
        &SCENARIO.replace("name: \"cli\",", "name: \"cli\", colour: 1,"),
        TRACE,
    );
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: s.ron:2:"), "{err}");
    assert!(err.contains("unknown field `colour`"), "{err}");

    let (code, err) = validate(
        &SCENARIO.replace(
            r#"Policy(name: "B", idle_timeout: Some("10m"))"#,
            r#"Policy(name: "B", idle_timeout: Some("10m"), warning: Some(Warning(lead: "10m")))"#,
        ),
        TRACE,
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: s.ron:7:76: policy \"B\": warning.lead (10m) must be less than idle_timeout (10m)\n"
    );

    let (code, err) = validate(&SCENARIO.replace("name: \"B\"", "name: \"A\""), TRACE);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: s.ron:7:16: duplicate policy name \"A\" (policy 1 has it too); names must be unique\n"
    );

    let (code, err) = validate(
        &SCENARIO.replace(
            r#"Policy(name: "B", idle_timeout: Some("10m"))"#,
            r#"Policy(name: "B", idle_timeout: Some("10m"), client_clock: Sundial)"#,
        ),
        TRACE,
    );
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: s.ron:7:"), "{err}");
    assert!(err.contains("Sundial"), "{err}");
    assert!(err.contains("Monotonic") && err.contains("Wall"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let (code, err) = validate(&SCENARIO.replace("t.csv", "missing.csv"), TRACE);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: s.ron:4:23: trace file \"missing.csv\" does not exist\n"
    );
}

#[test]
fn broken_traces_name_line_and_column() {
    let cases = [
        (
            "user,time_ms,kind\nu,0,view\nu,5,jump\n",
            "error: t.csv:3:5: unknown event kind \"jump\"",
        ),
        (
            "user,time_ms,kind\nu,-5,view\n",
            "error: t.csv:2:3: negative time \"-5\"",
        ),
        (
            "user,time_ms,kind\nu,view\n",
            "error: t.csv:2:3: missing field",
        ),
        // SPEC revision 2: tabs, sleep and wake.
        (
            "user,time_ms,kind,tab\nu,0,view,0\nu,5,input,300\n",
            "error: t.csv:3:11: tab 300 is out of range (0 to 255)",
        ),
        (
            "user,time_ms,kind\nu,0,view\nu,5,wake\n",
            "error: t.csv:3:5: user \"u\": `wake` while the device is awake",
        ),
        (
            "user,time_ms,kind\nu,0,sleep\nu,5,input\nu,9,wake\n",
            "error: t.csv:3:5: user \"u\": `input` while the device is asleep",
        ),
        (
            "user,time_ms,kind\nu,0,sleep\nu,5,sleep\n",
            "error: t.csv:3:5: user \"u\": `sleep` while the device is asleep",
        ),
    ];
    for (trace, want) in cases {
        let (code, err) = validate(SCENARIO, trace);
        assert_eq!(code, Some(2), "{trace}");
        assert!(err.starts_with(want), "{trace}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn wrong_flags_and_missing_files_exit_2_without_a_backtrace() {
    let dir = workspace(SCENARIO, TRACE);
    let out = lapse_in(dir.path(), &["run", "s.ron", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'xml'"),
        "{}",
        stderr(&out)
    );

    let out = lapse_in(dir.path(), &["run", "nope.ron"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: nope.ron: cannot read the scenario: no such file\n"
    );

    let out = lapse_in(dir.path(), &["run", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("backtrace"));
}

#[test]
fn check_warns_of_per_tab_redirects_and_timers_unlike_the_exported_script() {
    let scenario = SCENARIO
        .replace(
            r#"Policy(name: "A", idle_timeout: Some("30m"))"#,
            r#"Policy(name: "A", idle_timeout: Some("30m"), on_expiry: Redirect)"#,
        )
        .replace(
            r#"Policy(name: "B", idle_timeout: Some("10m"))"#,
            r#"Policy(name: "B", idle_timeout: Some("10m"), on_expiry: Redirect, tab_sync: true, client_clock: Wall)"#,
        );
    let dir = workspace(&scenario, TRACE);
    let out = lapse_in(dir.path(), &["check", "s.ron"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let (a, b) = text.split_at(text.find("policy \"B\"").expect("policy B"));
    assert!(
        a.contains("warning: on_expiry: Redirect without tab_sync"),
        "{a}"
    );
    // A setTimeout timer is named as what the exported script is not.
    assert!(
        a.contains("not this policy: client_clock: Monotonic"),
        "{a}"
    );
    assert!(!b.contains("warning:"), "{b}");
}
