//! `lapse generate` and the round trip through the CSV it writes.

use std::path::Path;

use crate::support::output;

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

const SCENARIO: &str = r#"// Two kinds of users against policies that use every mechanism.
Scenario(
    name: "round trip",
    seed: 99,
    horizon: "3d",
    profiles: [
        Profile(name: "office"),
        Profile(name: "writer", tasks: [Form(edits: LogNormal(median: 40, sigma: 0.5))], end_of_day: LeaveOpen),
    ],
    population: Generated([(profile: "office", users: 40), (profile: "writer", users: 10)]),
    policies: [
        Policy(name: "alert", idle_timeout: "30m",
               warning: Warning(lead: "5m", resets_on: RequestsAndActivity, on_response: Dismiss)),
        Policy(name: "keepalive", keepalive: Keepalive(interval: "5m"), warning: Warning(lead: "5m"),
               csrf: Csrf(time_limit: "1h"), preserve_drafts: true),
        Policy(name: "browser", browser_session: true, refresh: OnModify, remember_me: "1d"),
    ],
)
"#;

fn write_scenario(dir: &Path, body: &str) -> String {
    let path = dir.join("s.ron");
    std::fs::write(&path, body).expect("write the scenario");
    path.to_string_lossy().into_owned()
}

#[test]
fn run_on_the_generated_population_equals_run_on_its_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = write_scenario(dir.path(), SCENARIO);
    let csv = dir.path().join("trace.csv");
    let csv = csv.to_string_lossy();

    let out = output(&["generate", &scenario, "--out", &csv]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout, b"", "the trace goes to the file");
    assert!(
        text(&out.stderr).starts_with("wrote 50 users, "),
        "{}",
        text(&out.stderr)
    );

    let generated = output(&["run", &scenario, "--format", "json"]);
    let replayed = output(&["run", &scenario, "--trace", &csv, "--format", "json"]);
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    assert!(replayed.status.success(), "{}", text(&replayed.stderr));
    assert_eq!(text(&generated.stdout), text(&replayed.stdout));
    let json: serde_json::Value = serde_json::from_slice(&generated.stdout).expect("JSON output");
    assert_eq!(json["users"], 50);
    assert_eq!(json["policies"].as_array().map(Vec::len), Some(3));
}

#[test]
fn generate_writes_the_canonical_csv_to_standard_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = write_scenario(dir.path(), SCENARIO);
    let to_stdout = output(&["generate", &scenario]);
    assert!(to_stdout.status.success(), "{}", text(&to_stdout.stderr));
    let csv = dir.path().join("trace.csv");
    let to_file = output(&["generate", &scenario, "--out", &csv.to_string_lossy()]);
    assert!(to_file.status.success());
    assert_eq!(
        to_stdout.stdout,
        std::fs::read(&csv).expect("the trace file")
    );

    let stdout = text(&to_stdout.stdout);
    let mut lines = stdout.lines();
    // The office default keeps up to three tabs: the tab column is written.
    assert_eq!(lines.next(), Some("user,time_ms,kind,tab"));
    assert!(lines.next().is_some_and(|l| l.starts_with("office-0001,")));
    assert!(stdout.contains("\nwriter-0010,"));
    assert!(!stdout.contains("office-0041"));
}

#[test]
fn generate_refuses_a_trace_population_with_its_location() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = write_scenario(
        dir.path(),
        "Scenario(\n    name: \"t\",\n    horizon: \"1d\",\n    population: Trace(path: \"x.csv\"),\n    policies: [Policy(name: \"A\")],\n)\n",
    );
    let out = output(&["generate", &scenario]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {scenario}:4:5: the population is a trace file, not Generated([...]) from profiles\n"
        )
    );
    assert_eq!(out.stdout, b"");
}

#[test]
fn a_broken_profile_leaves_no_output_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = write_scenario(
        dir.path(),
        &SCENARIO.replace(
            r#"(profile: "writer", users: 10)"#,
            r#"(profile: "writter", users: 10)"#,
        ),
    );
    let csv = dir.path().join("trace.csv");
    let out = output(&["generate", &scenario, "--out", &csv.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: {scenario}:10:61: unknown profile \"writter\""
        )),
        "{stderr}"
    );
    assert!(!csv.exists());
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
}
