//! The shipped scenarios: each validates, generates and runs, and shows what
//! its comments say it shows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lapse::engine::{Metrics, RunOptions, ScenarioRun, run_scenario};
use lapse::model::Scenario;

fn shipped() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the scenarios folder")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    files
}

fn run(name: &str) -> ScenarioRun {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let file = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let trace = file.load_population().unwrap_or_else(|e| panic!("{e}"));
    run_scenario(&file.scenario, &trace, RunOptions::TOTALS)
}

fn by_policy(run: &ScenarioRun) -> BTreeMap<String, Metrics> {
    run.policies
        .iter()
        .map(|p| (p.name.clone(), p.metrics))
        .collect()
}

#[test]
fn every_shipped_scenario_validates_and_runs() {
    let files = shipped();
    let names: Vec<String> = files
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    for expected in [
        "seed-article.ron",
        "flask-defaults.ron",
        "long-form-cms.ron",
        "pci-dss-15min.ron",
        "nist-aal2.ron",
        "nist-aal3.ron",
        "hospital-shared-workstation.ron",
        "call-center.ron",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} is missing");
    }
    for path in files {
        let file = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let trace = file.load_population().unwrap_or_else(|e| panic!("{e}"));
        assert!(trace.num_users() >= 100, "{}", path.display());
        let result = run_scenario(&file.scenario, &trace, RunOptions::TOTALS);
        assert_eq!(result.policies.len(), file.scenario.policies.len());
        for p in &result.policies {
            let m = &p.metrics;
            assert!(m.logins > 0, "{}: {}", path.display(), p.name);
            assert_eq!(m.submits, m.saved_submits + m.lost_submits);
        }
    }
}

#[test]
fn the_seed_article_shows_people_logged_out_while_typing() {
    let r = by_policy(&run("seed-article.ron"));
    let alert = &r["25-minute alert"];
    let keepalive = &r["keepalive + extend"];
    assert!(alert.logouts_while_present > 0, "{alert:?}");
    assert!(alert.lost_inputs > 0 && alert.lost_submits > 0, "{alert:?}");
    assert!(keepalive.lost_inputs < alert.lost_inputs, "{keepalive:?}");
    // Keepalive pings only for present users, so it almost never logs out
    // anyone who is there (with tabs, a tab left alone can still time out
    // its own page while the user works in another): ten times fewer at least.
    assert!(
        keepalive.logouts_while_present * 10 < alert.logouts_while_present,
        "{keepalive:?}"
    );
}

#[test]
fn flask_defaults_trade_logins_for_exposure() {
    let r = by_policy(&run("flask-defaults.ron"));
    let (default, permanent) = (&r["out of the box"], &r["permanent, 31 days"]);
    for m in [default, permanent] {
        assert_eq!(m.logouts, 0, "{m:?}");
        assert_eq!(m.lost_inputs, 0, "{m:?}");
    }
    // Closing the browser ends the default session (a login the next time);
    // the permanent one survives it, unattended.
    assert!(default.logins > permanent.logins);
    assert!(permanent.unattended_ms > default.unattended_ms);
}

#[test]
fn the_cms_loses_long_articles_to_the_csrf_limit_and_the_fixes_keep_them() {
    let r = by_policy(&run("long-form-cms.ron"));
    let default = &r["Flask-WTF default (1h)"];
    assert!(
        default.csrf_failures > 0 && default.lost_inputs > 0,
        "{default:?}"
    );
    assert_eq!(default.logouts, 0, "the session itself never expires");
    let no_limit = &r["no CSRF time limit"];
    assert_eq!((no_limit.csrf_failures, no_limit.lost_inputs), (0, 0));
    let drafts = &r["1h + drafts preserved"];
    assert_eq!(drafts.csrf_failures, default.csrf_failures);
    assert_eq!(drafts.drafts_restored, default.csrf_failures);
    assert_eq!((drafts.lost_inputs, drafts.lost_submits), (0, 0));
}

#[test]
fn pci_dss_warnings_and_keepalive_spare_people_at_work() {
    let r = by_policy(&run("pci-dss-15min.ron"));
    let lazy = &r["15m lazy"];
    let warning = &r["15m + warning"];
    let keepalive = &r["14m + warning + keepalive"];
    let drafts = &r["15m redirect + drafts"];
    assert!(lazy.logouts_while_present > warning.logouts_while_present);
    assert!(warning.logouts_while_present > keepalive.logouts_while_present);
    assert!(lazy.logins > warning.logins && warning.logins > keepalive.logins);
    assert_eq!(drafts.lost_inputs, 0, "{drafts:?}");
    assert!(drafts.drafts_restored > 0);
}

#[test]
fn nist_rev4_aal2_logs_people_out_less_than_rev3() {
    let r = by_policy(&run("nist-aal2.ron"));
    let rev3 = &r["rev 3: 30m idle, 12h"];
    let rev4 = &r["rev 4: 1h idle, 24h"];
    let kept = &r["rev 4 + warning + keepalive"];
    assert!(rev3.logins > rev4.logins && rev4.logins > kept.logins);
    assert!(rev3.lost_inputs > rev4.lost_inputs && rev4.lost_inputs > kept.lost_inputs);
    for m in [rev3, rev4, kept] {
        assert!(m.max_session_ms <= 24 * 3_600_000);
    }
    assert!(rev3.max_session_ms <= 12 * 3_600_000);
}

#[test]
fn nist_aal3_fifteen_minutes_needs_a_warning() {
    let r = by_policy(&run("nist-aal3.ron"));
    let lazy = &r["15m idle, 12h"];
    let warning = &r["15m + warning, 12h"];
    let keepalive = &r["14m + warning + keepalive, 12h"];
    assert!(lazy.logouts_while_present > warning.logouts_while_present);
    assert!(warning.logouts_while_present > keepalive.logouts_while_present);
    for m in [lazy, warning, keepalive] {
        assert!(m.max_session_ms <= 12 * 3_600_000, "{m:?}");
    }
}

#[test]
fn the_hospital_trades_logins_for_exposure() {
    let r = by_policy(&run("hospital-shared-workstation.ron"));
    let (lazy, ten, two) = (
        &r["30m lazy"],
        &r["10m auto-logoff"],
        &r["2m auto-logoff + warning"],
    );
    assert!(lazy.unattended_ms > ten.unattended_ms && ten.unattended_ms > two.unattended_ms);
    assert!(lazy.logins < ten.logins && ten.logins < two.logins);
}

#[test]
fn the_call_center_needs_an_absolute_timeout_longer_than_the_shift() {
    let r = by_policy(&run("call-center.ron"));
    let (four, eight, ten) = (
        &r["1h idle, 4h absolute"],
        &r["1h idle, 8h absolute"],
        &r["1h idle, 10h absolute"],
    );
    assert!(four.logouts_while_present > eight.logouts_while_present);
    assert!(eight.logouts_while_present > 0);
    assert_eq!(ten.logouts_while_present, 0);
    // 150 agents, 5 shifts each; the browser is closed after every shift.
    assert_eq!(ten.logins, 150 * 5);
    let short_idle = &r["15m idle, 10h absolute"];
    assert!(short_idle.logins > ten.logins, "a login after every break");
}

/// The numbers a scenario's comments state, as lines
/// `//   "POLICY": METRIC VALUE, METRIC VALUE`.
fn stated_numbers(text: &str) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix("//") else {
            continue;
        };
        let rest = rest.trim();
        let Some(rest) = rest.strip_prefix('"') else {
            continue;
        };
        let Some((policy, claims)) = rest.split_once("\":") else {
            continue;
        };
        for claim in claims.split(',') {
            let (metric, value) = claim.trim().split_once(' ').expect("METRIC VALUE");
            let value = value.parse().expect("a whole number");
            out.push((policy.to_string(), metric.to_string(), value));
        }
    }
    out
}

/// Every number the scenario's comments state is what `lapse run` prints.
fn assert_stated_numbers(name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("read scenario");
    let stated = stated_numbers(&text);
    assert!(!stated.is_empty(), "{name} states no numbers");
    let r = by_policy(&run(name));
    for (policy, metric, value) in stated {
        let got = r[policy.as_str()].get(&metric).expect("a metric name");
        assert_eq!(got, value, "{name}: {policy} {metric}");
    }
}

#[test]
fn multi_tab_one_tab_logs_out_another_unless_tabs_share_the_deadline() {
    let r = by_policy(&run("multi-tab.ron"));
    let (per_tab, synced, script) = (
        &r["per-tab alert"],
        &r["synced alert"],
        &r["lapse-session.js"],
    );
    // The story: about ten times fewer logouts while present with a shared
    // deadline, none with the exported script, which loses no submit.
    assert!(synced.logouts_while_present * 5 < per_tab.logouts_while_present);
    assert!(synced.lost_submits * 3 < per_tab.lost_submits);
    assert_eq!(script.logouts_while_present, 0);
    assert_eq!(script.lost_submits, 0);
    assert_stated_numbers("multi-tab.ron");
}

#[test]
fn laptop_sleep_a_monotonic_alert_loses_the_submits_after_the_lid_opens() {
    let r = by_policy(&run("laptop-sleep.ron"));
    let (monotonic, wall) = (&r["setTimeout alert"], &r["wall-clock alert"]);
    // The story: the setTimeout alert loses about three times the submits.
    assert!(wall.lost_submits * 2 < monotonic.lost_submits);
    assert!(wall.lost_inputs < monotonic.lost_inputs);
    assert_stated_numbers("laptop-sleep.ron");
}

/// The verdicts a scenario's comments state, as lines
/// `//   check "POLICY": pass STANDARD, FAIL STANDARD`.
fn stated_verdicts(text: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix("//") else {
            continue;
        };
        let Some(rest) = rest.trim().strip_prefix("check \"") else {
            continue;
        };
        let (policy, claims) = rest.split_once("\":").expect("check \"POLICY\": ...");
        for claim in claims.split(',') {
            let (verdict, standard) = claim.trim().split_once(' ').expect("pass|FAIL STANDARD");
            let pass = match verdict {
                "pass" => true,
                "FAIL" => false,
                other => panic!("{other:?}: a verdict is pass or FAIL"),
            };
            out.push((policy.to_string(), standard.to_string(), pass));
        }
    }
    out
}

/// `lapse ARGS --format json`, parsed.
fn lapse_json(args: &[&str]) -> serde_json::Value {
    let run = crate::support::lapse(args);
    assert_eq!(run.code, Some(0), "lapse {args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON output")
}

/// The policy named `name` in the `policies` array of `lapse run` or `lapse check`.
fn policy_json<'a>(json: &'a serde_json::Value, name: &str, file: &str) -> &'a serde_json::Value {
    json["policies"]
        .as_array()
        .expect("a policies array")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{file}: no policy {name:?}"))
}

#[test]
fn every_shipped_scenario_states_verdicts_and_numbers_that_lapse_check_and_run_print() {
    for path in shipped() {
        let file = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let rel = format!("scenarios/{file}");
        let text = std::fs::read_to_string(&path).expect("read scenario");
        let (verdicts, numbers) = (stated_verdicts(&text), stated_numbers(&text));
        assert!(!verdicts.is_empty(), "{file} states no verdicts");
        assert!(!numbers.is_empty(), "{file} states no numbers");

        let check = lapse_json(&["check", &rel, "--format", "json"]);
        for (policy, standard, pass) in verdicts {
            let found = policy_json(&check, &policy, &file)["verdicts"]
                .as_array()
                .expect("verdicts")
                .iter()
                .find(|v| v["standard"] == standard.as_str())
                .unwrap_or_else(|| panic!("{file}: no standard {standard:?}"))
                .clone();
            assert_eq!(found["pass"], pass, "{file}: {policy} {standard}: {found}");
        }

        let run = lapse_json(&["run", &rel, "--format", "json"]);
        for (policy, metric, value) in numbers {
            let got = &policy_json(&run, &policy, &file)["metrics"][&metric];
            assert_eq!(got.as_u64(), Some(value), "{file}: {policy} {metric}");
        }
    }
}

/// `n` with a comma between thousands, as the README writes counts.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_readme_says_what_the_scenarios_state() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    // Line breaks fall anywhere in a paragraph: compare with single spaces.
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let stated = |file: &str, policy: &str, metric: &str| -> u64 {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(file);
        let text = std::fs::read_to_string(path).expect("read scenario");
        stated_numbers(&text)
            .into_iter()
            .find(|(p, m, _)| p == policy && m == metric)
            .unwrap_or_else(|| panic!("{file} states no {policy} {metric}"))
            .2
    };
    let claims = [
        format!(
            "out while they are there {} times in a week",
            thousands(stated(
                "multi-tab.ron",
                "per-tab alert",
                "logouts_while_present"
            ))
        ),
        format!(
            "between tabs {} times",
            thousands(stated(
                "multi-tab.ron",
                "synced alert",
                "logouts_while_present"
            ))
        ),
        format!(
            "alert loses {} submits after laptop lids open, a wall-clock timer {}",
            thousands(stated(
                "laptop-sleep.ron",
                "setTimeout alert",
                "lost_submits"
            )),
            thousands(stated(
                "laptop-sleep.ron",
                "wall-clock alert",
                "lost_submits"
            ))
        ),
        format!(
            "{} logouts while present, against {} under the 25-minute alert",
            thousands(stated(
                "seed-article.ron",
                "keepalive + extend",
                "logouts_while_present"
            )),
            thousands(stated(
                "seed-article.ron",
                "25-minute alert",
                "logouts_while_present"
            ))
        ),
    ];
    for claim in claims {
        assert!(readme.contains(&claim), "README.md does not say {claim:?}");
    }
}
