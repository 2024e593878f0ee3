//! `lapse report`: the numbers in the HTML are `lapse run`'s, the HTML is
//! valid (the Nu Html Checker, vnu, from npm; run with Java), the Markdown
//! links its plots, and bad input leaves no file behind.
//!
//! The checker lives in tests/html-validator (`npm ci --prefix
//! tests/html-validator`, Java 17 to run it); `.ci/run` installs both. Without
//! them the validation test fails, naming the command that installs them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lapse(args: &[&str]) -> Output {
    crate::support::output(args)
}

fn ok(output: Output) -> Output {
    assert!(
        output.status.success(),
        "lapse failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// Writes the report of `scenario` (relative to the repository) into `dir`.
fn report(scenario: &str, dir: &Path, name: &str, extra: &[&str]) -> String {
    let out = dir.join(name);
    let scenario = root().join(scenario);
    let mut args = vec!["report", path_str(&scenario), "--out", path_str(&out)];
    args.extend(extra);
    ok(lapse(&args));
    std::fs::read_to_string(&out).expect("the report was written")
}

/// Undoes the five escapes the report writes.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every `<data value=... data-policy=... data-metric=...>` of the page.
fn numbers(html: &str) -> Vec<(String, String, u64)> {
    let re =
        regex::Regex::new(r#"<data value="(\d+)" data-policy="([^"]*)" data-metric="([a-z_]+)">"#)
            .expect("regex");
    re.captures_iter(html)
        .map(|c| {
            (
                unescape(&c[2]),
                c[3].to_string(),
                c[1].parse().expect("u64"),
            )
        })
        .collect()
}

/// `lapse run --format json`: (policy, metric) -> value.
fn run_json(scenario: &str) -> BTreeMap<(String, String), u64> {
    let out = ok(lapse(&[
        "run",
        path_str(&root().join(scenario)),
        "--format",
        "json",
    ]));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut values = BTreeMap::new();
    for p in json["policies"].as_array().expect("policies") {
        let name = p["name"].as_str().expect("name").to_string();
        for (metric, v) in p["metrics"].as_object().expect("metrics") {
            values.insert((name.clone(), metric.clone()), v.as_u64().expect("count"));
        }
    }
    values
}

fn assert_numbers_match_run(scenario: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let html = report(scenario, dir.path(), "report.html", &[]);
    let expected = run_json(scenario);
    let found = numbers(&html);
    // The all-metrics table alone holds every metric of every policy.
    assert!(found.len() > expected.len(), "{} numbers", found.len());
    let mut seen = BTreeMap::new();
    for (policy, metric, value) in found {
        let key = (policy, metric);
        let want = expected
            .get(&key)
            .unwrap_or_else(|| panic!("{key:?} is not a metric of lapse run"));
        assert_eq!(value, *want, "{key:?}");
        seen.insert(key, value);
    }
    assert_eq!(seen, expected, "every metric of lapse run is in the report");
}

#[test]
fn the_seed_articles_numbers_are_lapse_runs() {
    assert_numbers_match_run("scenarios/seed-article.ron");
}

#[test]
fn example_bs_numbers_are_lapse_runs() {
    assert_numbers_match_run("tests/fixtures/example-b.ron");
}

/// SPEC example B, worked by hand: under the alert the session expires at 30
/// while the user types, and the submit at 45 takes 4 edits (at 10, 20, 30
/// and 40) with it; keepalive loses nothing, so it is recommended.
#[test]
fn example_bs_answer_names_keepalive_and_the_alerts_loss() {
    let dir = tempfile::tempdir().expect("temp dir");
    let html = report("tests/fixtures/example-b.ron", dir.path(), "b.html", &[]);
    let answer_at = html.find("<section id=\"answer\"").expect("answer section");
    let plots_at = html.find("<section id=\"plots\"").expect("plots section");
    assert!(answer_at < plots_at, "the answer comes first");
    let answer = &html[answer_at..plots_at];
    assert!(
        answer.contains("Recommended: <strong>“keepalive”</strong>"),
        "{answer}"
    );
    let datum = |policy: &str, metric: &str, value: u64, shown: &str| {
        format!(
            "<data value=\"{value}\" data-policy=\"{policy}\" data-metric=\"{metric}\">{shown}</data>"
        )
    };
    for expected in [
        datum("alert", "lost_submits", 1, "1"),
        datum("alert", "lost_inputs", 4, "4"),
        // lost_typing_ms: the gaps 10-20, 20-30, 30-40, each counted up to
        // away_after (5m): 15 minutes of typing (SPEC section 3).
        datum("alert", "lost_typing_ms", 900_000, "15m"),
        datum("keepalive", "lost_inputs", 0, "0"),
    ] {
        assert!(answer.contains(&expected), "missing {expected}");
    }
    // --policy names the reader's choice instead.
    let chosen = report(
        "tests/fixtures/example-b.ron",
        dir.path(),
        "c.html",
        &["--policy", "alert"],
    );
    assert!(chosen.contains("Chosen policy: <strong>“alert”</strong>"));
    assert!(!chosen.contains("This report has problems"));
}

fn vnu_jar() -> PathBuf {
    root().join("tests/html-validator/node_modules/vnu-jar/build/dist/vnu.jar")
}

#[test]
fn the_html_validates() {
    let jar = vnu_jar();
    assert!(
        jar.is_file(),
        "the Nu Html Checker is missing: run `npm ci --prefix tests/html-validator` (.ci/run does)"
    );
    let java = Command::new("java").arg("-version").output();
    assert!(
        java.is_ok_and(|o| o.status.success()),
        "java is missing: install it with `sudo apt-get install -y openjdk-17-jre-headless` (.ci/run does)"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    report("scenarios/seed-article.ron", dir.path(), "seed.html", &[]);
    report("tests/fixtures/example-b.ron", dir.path(), "b.html", &[]);
    // With replicates: the difference sentences and the ± cells.
    let replicated = report(
        "tests/fixtures/example-b.ron",
        dir.path(),
        "b3.html",
        &["--replicates", "3"],
    );
    assert!(replicated.contains("class=\"difference\""));
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--format", "json"])
        .arg(dir.path().join("seed.html"))
        .arg(dir.path().join("b.html"))
        .arg(dir.path().join("b3.html"))
        .output()
        .expect("java runs");
    let json: Value = serde_json::from_slice(&out.stderr)
        .or_else(|_| serde_json::from_slice(&out.stdout))
        .unwrap_or_else(|e| {
            panic!(
                "vnu's answer is not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let messages = json["messages"].as_array().expect("messages");
    let problems: Vec<String> = messages
        .iter()
        .map(|m| {
            format!(
                "{} line {}: {}",
                m["type"],
                m["lastLine"],
                m["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(out.status.success(), "vnu exit status {}", out.status);
}

#[test]
fn the_html_is_self_contained_and_small() {
    let dir = tempfile::tempdir().expect("temp dir");
    let html = report("scenarios/seed-article.ron", dir.path(), "seed.html", &[]);
    assert!(html.len() < 2 << 20, "{} bytes", html.len());
    for external in [
        "<script", "<link", "<img", "@import", "url(", "src=", "http://", "https://",
    ] {
        // The SVG namespace is a name, not a request.
        let hits = html
            .match_indices(external)
            .filter(|(at, _)| !html[*at..].starts_with("http://www.w3.org/2000/svg"))
            .count();
        assert_eq!(hits, 0, "{external} in the report");
    }
    assert_eq!(html.matches("<svg ").count(), 5, "five charts");
    // The scenario is embedded, collapsed, comments and all.
    assert!(html.contains("<details><summary>The scenario file"));
    assert!(html.contains("The everyday fix is the classic JavaScript alert"));
    assert!(html.contains(&format!("Lapse {}", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn markdown_links_its_plots_written_beside_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let md = report("scenarios/seed-article.ron", dir.path(), "pr.md", &[]);
    assert!(md.starts_with("# Session-timeout report: Seed article"));
    let re = regex::Regex::new(r"!\[[^\]]*\]\(([^)]+\.svg)\)").expect("regex");
    let links: Vec<String> = re.captures_iter(&md).map(|c| c[1].to_string()).collect();
    assert_eq!(
        links,
        [
            "pr-totals.svg",
            "pr-over-time.svg",
            "pr-idle-gaps.svg",
            "pr-tradeoff.svg",
            "pr-timeline.svg"
        ]
    );
    for link in &links {
        let svg = std::fs::read_to_string(dir.path().join(link)).expect("the plot is beside it");
        assert!(
            svg.starts_with("<?xml")
                && svg.contains("<title>")
                && svg.trim_end().ends_with("</svg>")
        );
    }
    assert!(md.contains("| Policy | Logouts while present |"));
    assert!(md.contains("```ron\n// The seed article"));
}

#[test]
fn a_scenario_with_problems_says_so_at_the_top() {
    // One event after the horizon (1h): the engine drops it, the report says so.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("late.csv"),
        "user,time_ms,kind\nu,0,view\nu,600000,submit\nu,7200000,view\n",
    )
    .expect("trace");
    let scenario = dir.path().join("late.ron");
    std::fs::write(
        &scenario,
        r#"Scenario(name: "Late", horizon: "1h", population: Trace(path: "late.csv"),
           policies: [Policy(name: "p")])"#,
    )
    .expect("scenario");
    let out = dir.path().join("late.html");
    ok(lapse(&[
        "report",
        path_str(&scenario),
        "--out",
        path_str(&out),
    ]));
    let html = std::fs::read_to_string(&out).expect("report");
    let problems = html
        .find("This report has problems")
        .expect("problems shown");
    assert!(problems < html.find("id=\"answer\"").expect("answer"));
    assert!(html.contains("1 events at or after the horizon (1h) were left out"));
}

#[test]
fn bad_input_is_located_and_leaves_no_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("broken.ron");
    std::fs::write(
        &scenario,
        "Scenario(\n  name: \"B\",\n  horizon: \"1d\",\n  population: Generated([]),\n  policies: [Policy(name: \"p\", idle_timeout: \"ten\")],\n)\n",
    )
    .expect("scenario");
    let out = dir.path().join("r.html");
    let result = lapse(&["report", path_str(&scenario), "--out", path_str(&out)]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("broken.ron:5:"), "{stderr}");
    let unknown = lapse(&[
        "report",
        path_str(&root().join("tests/fixtures/example-b.ron")),
        "--out",
        path_str(&out),
        "--policy",
        "nope",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("\"nope\""));
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
    assert_eq!(
        left.len(),
        1,
        "only the scenario: no report, no temporary file"
    );
}

/// A small generated scenario (12 office users, a day), copied to `dir`;
/// it asks for 4 replicates, and the test says `--replicates` too.
fn small_generated(dir: &Path) -> PathBuf {
    let path = dir.join("replicated.ron");
    std::fs::copy("tests/fixtures/replicated.ron", &path).expect("copy the scenario");
    path
}

#[test]
fn with_replicates_the_report_says_lapse_runs_intervals_and_differences() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = small_generated(dir.path());
    let s = path_str(&scenario);
    let out = dir.path().join("r.md");
    ok(lapse(&[
        "report",
        s,
        "--replicates",
        "4",
        "--out",
        path_str(&out),
    ]));
    let md = std::fs::read_to_string(&out).expect("the report was written");
    // The paired-difference sentences are `lapse run`'s, word for word.
    let table = ok(lapse(&["run", s, "--replicates", "4", "--format", "table"]));
    let table = String::from_utf8(table.stdout).expect("UTF-8");
    let sentences: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("keepalive: "))
        .collect();
    assert!(!sentences.is_empty(), "no sentence in\n{table}");
    for sentence in sentences {
        assert!(
            md.contains(&format!("*{sentence}*")),
            "{sentence:?} not in\n{md}"
        );
    }
    assert!(md.contains("Over 4 replicates"), "{md}");
    // Each cell of the metrics table is the JSON interval's mean ± half
    // its width: logouts for both policies.
    let json = ok(lapse(&["run", s, "--replicates", "4", "--format", "json"]));
    let json: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let mut cells = Vec::new();
    for p in json["policies"].as_array().expect("policies") {
        let iv = &p["intervals"]["logouts"];
        let f = |k: &str| iv[k].as_f64().expect("a number");
        let interval = lapse::analysis::intervals::Interval {
            mean: f("mean"),
            low: f("low"),
            high: f("high"),
        };
        assert!(interval.high > interval.low, "12 users vary between draws");
        cells.push(lapse::report::replicates::interval_cell(
            "logouts", &interval,
        ));
    }
    let row = md
        .lines()
        .find(|l| l.contains("(`logouts`)"))
        .expect("the logouts row");
    assert!(
        row.ends_with(&format!(" {} | {} |", cells[0], cells[1])),
        "{row} against {cells:?}"
    );
    // The reproduce commands ask for the same replicates.
    assert!(
        md.contains("lapse run replicated.ron --replicates 4 --format json"),
        "{md}"
    );
}
