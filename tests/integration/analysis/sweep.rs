use lapse::analysis::{Param, SweepSpec, run_sweep};
use lapse::engine::{RunOptions, run_policy};
use lapse::model::{Dur, Policy};

use super::synth::office_trace;
use crate::support::analysis::{scenario, write_scenario};
use crate::support::{MIN, lapse, policy, stderr, stdout};

fn keepalive_policy() -> Policy {
    policy(
        r#"Policy(name: "k", idle_timeout: "30m", keepalive: Keepalive(interval: "5m"),
           warning: Warning(lead: "5m", resets_on: Requests, on_response: Extend))"#,
    )
}

#[test]
fn each_step_equals_a_run_of_the_policy_at_that_value() {
    let trace = office_trace(12, 5, 11);
    let base = policy(r#"Policy(name: "p", idle_timeout: "30m", csrf: Csrf(time_limit: "1h"))"#);
    let s = scenario(vec![base.clone()]);
    let spec = SweepSpec {
        param: Param::IdleTimeout,
        from: Dur::mins(10),
        to: Dur::mins(80),
        steps: 8,
    };
    let sweep = run_sweep(&s, &trace, &base, &spec).expect("sweeps");
    let values: Vec<u64> = sweep.steps.iter().map(|st| st.value.0 / MIN).collect();
    assert_eq!(values, [10, 20, 30, 40, 50, 60, 70, 80]);
    assert_eq!(sweep.current, Some(Dur::mins(30)));
    assert_eq!(sweep.users, 12);
    let mut differs = false;
    for step in &sweep.steps {
        let mut p = base.clone();
        p.idle_timeout = Some(step.value);
        let run = run_policy(&trace, &p, &s.sim_config(), RunOptions::TOTALS);
        assert_eq!(step.result.as_ref(), Ok(&run.metrics), "at {}", step.value);
        differs |= step.result != sweep.steps[0].result;
    }
    assert!(differs, "the population is sensitive to the idle timeout");
}

#[test]
fn a_value_that_breaks_a_rule_is_a_skipped_step_with_the_reason() {
    let trace = office_trace(4, 2, 3);
    let base = keepalive_policy();
    let s = scenario(vec![base.clone()]);
    let spec = SweepSpec {
        param: Param::WarningLead,
        from: Dur::mins(10),
        to: Dur::mins(40),
        steps: 4,
    };
    let sweep = run_sweep(&s, &trace, &base, &spec).expect("sweeps");
    let results: Vec<(u64, bool)> = sweep
        .steps
        .iter()
        .map(|st| (st.value.0 / MIN, st.result.is_ok()))
        .collect();
    // Leads of 30m and 40m are not below the 30m idle timeout.
    assert_eq!(results, [(10, true), (20, true), (30, false), (40, false)]);
    assert_eq!(
        sweep.steps[2].result,
        Err("warning.lead (30m) must be less than idle_timeout (30m)".to_string())
    );
    let mut p = base.clone();
    p.warning.as_mut().expect("has one").lead = Dur::mins(20);
    let run = run_policy(&trace, &p, &s.sim_config(), RunOptions::TOTALS);
    assert_eq!(sweep.steps[1].result.as_ref(), Ok(&run.metrics));
}

#[test]
fn a_nested_field_without_its_section_is_an_error() {
    let trace = office_trace(1, 1, 1);
    let base = policy(r#"Policy(name: "plain")"#);
    let spec = SweepSpec {
        param: Param::KeepaliveInterval,
        from: Dur::mins(1),
        to: Dur::mins(10),
        steps: 3,
    };
    let err = run_sweep(&scenario(vec![base.clone()]), &trace, &base, &spec).unwrap_err();
    assert!(err.contains("policy \"plain\" has no keepalive"), "{err}");
}

/// The binary's sweep, step by step, against the binary's `run` of a scenario
/// file holding the policy at that step's value.
#[test]
fn the_binary_sweep_equals_separate_lapse_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let trace = office_trace(6, 5, 5);
    let base = keepalive_policy();
    let other = policy(r#"Policy(name: "other", idle_timeout: "2h")"#);
    let path = write_scenario(dir.path(), &scenario(vec![other, base.clone()]), &trace);
    let path_text = path.to_str().expect("utf-8 path");
    let out = lapse(&[
        "sweep",
        path_text,
        "--policy",
        "k",
        "--param",
        "keepalive.interval",
        "--from",
        "1m",
        "--to",
        "16m",
        "--steps",
        "4",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sweep: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(sweep["param"], "keepalive.interval");
    assert_eq!(sweep["current"], "5m");
    let steps = sweep["steps"].as_array().expect("steps");
    let values: Vec<&str> = steps
        .iter()
        .map(|s| s["value"].as_str().expect("value"))
        .collect();
    assert_eq!(values, ["1m", "6m", "11m", "16m"]);
    for (step, minutes) in steps.iter().zip([1, 6, 11, 16]) {
        let mut p = base.clone();
        p.keepalive.as_mut().expect("has one").interval = Dur::mins(minutes);
        let step_dir = dir.path().join(format!("step{minutes}"));
        std::fs::create_dir(&step_dir).expect("mkdir");
        let step_path = write_scenario(&step_dir, &scenario(vec![p]), &trace);
        let run = lapse(&[
            "run",
            step_path.to_str().expect("utf-8"),
            "--format",
            "json",
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let run: serde_json::Value = serde_json::from_str(&stdout(&run)).expect("json");
        assert_eq!(
            step["metrics"], run["policies"][0]["metrics"],
            "at {minutes}m"
        );
    }
}

#[test]
fn the_csv_has_a_row_a_step_and_marks_skipped_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let trace = office_trace(2, 1, 9);
    let path = write_scenario(dir.path(), &scenario(vec![keepalive_policy()]), &trace);
    let out_file = dir.path().join("sweep.csv");
    let out = lapse(&[
        "sweep",
        path.to_str().expect("utf-8"),
        "--param",
        "warning_lead",
        "--from",
        "10m",
        "--to",
        "30m",
        "--steps",
        "3",
        "--out",
        out_file.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "the table went to the file");
    assert!(
        stderr(&out).contains("note: 1 of 3 steps skipped (30m): warning.lead (30m) must be less than idle_timeout (30m)"),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(&out_file).expect("written");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("param,value,value_ms,logins,logouts,"));
    assert!(lines[0].ends_with(",peak_live_sessions,skipped"));
    assert!(lines[1].starts_with("warning.lead,10m,600000,"));
    assert_eq!(lines[1].split(',').count(), 24);
    assert_eq!(
        lines[3],
        format!(
            "warning.lead,30m,1800000,{}\"warning.lead (30m) must be less than idle_timeout (30m)\"",
            ",".repeat(20)
        )
    );
}

#[test]
fn bad_sweeps_exit_2_with_one_clear_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let trace = office_trace(1, 1, 1);
    let two = scenario(vec![keepalive_policy(), policy(r#"Policy(name: "plain")"#)]);
    let path = write_scenario(dir.path(), &two, &trace);
    let p = path.to_str().expect("utf-8");
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "--policy", "k", "--param", "idle", "--from", "1m", "--to", "2m",
            ],
            "unknown parameter \"idle\"",
        ),
        (
            &["--param", "idle_timeout", "--from", "1m", "--to", "2m"],
            "several policies (\"k\", \"plain\"); choose one with --policy",
        ),
        (
            &[
                "--policy",
                "nope",
                "--param",
                "idle_timeout",
                "--from",
                "1m",
                "--to",
                "2m",
            ],
            "no policy named \"nope\"",
        ),
        (
            &[
                "--policy",
                "plain",
                "--param",
                "keepalive.interval",
                "--from",
                "1m",
                "--to",
                "2m",
            ],
            "has no keepalive",
        ),
        (
            &[
                "--policy",
                "k",
                "--param",
                "idle_timeout",
                "--from",
                "1m",
                "--to",
                "5m",
            ],
            "every step of the sweep makes policy \"k\" invalid",
        ),
        (
            &[
                "--policy",
                "k",
                "--param",
                "idle_timeout",
                "--from",
                "1m",
                "--to",
                "2m",
                "--steps",
                "1",
            ],
            "the number of steps must be between 2",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["sweep", p];
        all.extend_from_slice(args);
        let out = lapse(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
    }
}

#[test]
fn a_standard_adds_a_pass_or_fail_column_per_step() {
    // SPEC example B's keepalive policy: idle 30m, keepalive 5m, a 5m
    // warning. By hand: at idle 5m the warning lead is not below it
    // (skipped); PCI DSS counts idle + one keepalive interval against its
    // 15 minutes, so 10m passes (15m) and 15m, 20m fail (20m, 25m); OWASP's
    // low-risk range wants an absolute timeout, which the policy lacks.
    let out = lapse(&[
        "sweep",
        "tests/fixtures/example-b.ron",
        "--policy",
        "keepalive",
        "--param",
        "idle_timeout",
        "--from",
        "5m",
        "--to",
        "20m",
        "--steps",
        "4",
        "--standard",
        "pci-dss",
        "--standard",
        "owasp-low",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with(",skipped,pci-dss,owasp-low"), "{text}");
    // The last two cells: the verdicts.
    let tail = |line: &str| {
        let cells: Vec<&str> = line.split(',').collect();
        cells[cells.len() - 2..].join(",")
    };
    assert_eq!(tail(lines[1]), ",", "a skipped step has no verdict: {text}");
    assert_eq!(tail(lines[2]), "pass,FAIL", "{text}");
    assert_eq!(tail(lines[3]), "FAIL,FAIL", "{text}");
    assert_eq!(tail(lines[4]), "FAIL,FAIL", "{text}");

    // Without --standard the output is as before; with JSON, each step
    // that ran carries its verdicts with the reason.
    let json = lapse(&[
        "sweep",
        "tests/fixtures/example-b.ron",
        "--policy",
        "keepalive",
        "--param",
        "idle_timeout",
        "--from",
        "10m",
        "--to",
        "15m",
        "--steps",
        "2",
        "--standard",
        "pci-dss",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");
    let verdict = |k: usize| &json["steps"][k]["verdicts"]["pci-dss"];
    assert_eq!(verdict(0)["pass"], true);
    assert_eq!(verdict(1)["pass"], false);
    assert!(
        verdict(1)["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("idle limit 20m > 15m")),
        "{json}"
    );
}
