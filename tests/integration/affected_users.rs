//! `affected_users`: per policy, how many people each disruption hit, on a
//! three-user trace counted by hand from SPEC section 3.

use crate::support::{lapse_in, stderr, stdout};

const SCENARIO: &str = r#"Scenario(
    name: "people",
    horizon: "1d",
    population: Trace(path: "t.csv"),
    policies: [
        Policy(name: "short", idle_timeout: Some("10m")),
        Policy(name: "long", idle_timeout: Some("30m")),
    ],
)
"#;

// Minutes: typist views at 0, types at 1, 8 and 12, submits at 14;
// reader loads a page at 0, 20 and 40; quick views, types, submits by 4.
//
// Under "short" (10m idle, refreshed by requests only):
// - typist: the session dies at 10, 2 min after the key press at 8 (< 5m
//   away_after: while present); the submit at 14 bounces: 1 logout while
//   present, 1 lost submit, 3 lost inputs.
// - reader: expiries at 10 and 30, met at 20 and 40, 10 min after the last
//   page load each time: 2 logouts, neither while present.
// - quick: saved at 4, nothing lost.
// So 3 logouts by 2 users, 3 lost inputs by 1 user.
// Under "long" (30m): the typist's session lives to 44, the reader's
// page loads 20 min apart refresh it: nobody is hit.
const TRACE: &str = "user,time_ms,kind
typist,0,view
typist,60000,input
typist,480000,input
typist,720000,input
typist,840000,submit
reader,0,view
reader,1200000,view
reader,2400000,view
quick,0,view
quick,120000,input
quick,240000,submit
";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("s.ron"), SCENARIO).expect("write scenario");
    std::fs::write(dir.path().join("t.csv"), TRACE).expect("write trace");
    dir
}

#[test]
fn json_counts_people_beside_events() {
    let dir = workspace();
    let out = lapse_in(dir.path(), &["run", "s.ron", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let short = &json["policies"][0];
    // The events, as before.
    assert_eq!(short["metrics"]["logouts"], 3);
    assert_eq!(short["metrics"]["lost_inputs"], 3);
    // The people.
    let people = &short["affected_users"];
    let expect = [
        ("logouts", 2, 0.6667),
        ("logouts_while_present", 1, 0.3333),
        ("warnings_missed", 0, 0.0),
        ("lost_submits", 1, 0.3333),
        ("csrf_failures", 0, 0.0),
        ("lost_inputs", 1, 0.3333),
    ];
    assert_eq!(people.as_object().expect("object").len(), expect.len());
    for (name, users, share) in expect {
        assert_eq!(people[name]["users"], users, "{name}");
        assert_eq!(people[name]["share"], share, "{name}");
    }
    let long = &json["policies"][1]["affected_users"];
    for (name, _, _) in expect {
        assert_eq!(long[name]["users"], 0, "long: {name}");
    }
}

/// With replicates the JSON keeps replicate 0's people beside its metrics:
/// replicate 0 is the trace itself, so the same hand count.
#[test]
fn json_with_replicates_keeps_the_people() {
    let dir = workspace();
    let out = lapse_in(
        dir.path(),
        &["run", "s.ron", "--replicates", "3", "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let short = &json["policies"][0]["affected_users"];
    assert_eq!(short["logouts"]["users"], 2);
    assert_eq!(short["logouts_while_present"]["users"], 1);
    assert_eq!(short["lost_inputs"]["share"], 0.3333);
    assert_eq!(json["policies"][1]["affected_users"]["logouts"]["users"], 0);
}

#[test]
fn csv_and_table_show_the_same_people() {
    let dir = workspace();
    let out = lapse_in(dir.path(), &["run", "s.ron", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let short: Vec<&str> = lines[1].split(',').collect();
    let cell = |name: &str| {
        let i = header.iter().position(|h| *h == name).expect(name);
        short[i]
    };
    assert_eq!(cell("logouts"), "3");
    assert_eq!(cell("affected_logouts"), "2");
    assert_eq!(cell("affected_logouts_share"), "0.6667");
    assert_eq!(cell("affected_logouts_while_present"), "1");
    assert_eq!(cell("affected_lost_inputs_share"), "0.3333");

    let out = lapse_in(dir.path(), &["run", "s.ron", "--format", "table"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let row = |name: &str| -> Vec<String> {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("users with {name} ")))
            .unwrap_or_else(|| panic!("no row for {name} in\n{text}"));
        line[format!("users with {name}").len()..]
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            // The last column says what the row counts.
            .take(2)
            .collect()
    };
    assert_eq!(row("logouts"), ["2 (66.7%)", "0 (0.0%)"]);
    assert_eq!(row("logouts_while_present"), ["1 (33.3%)", "0 (0.0%)"]);
}
