//! The report of the seed article, opened from disk in headless Chromium with
//! the network off: every section there, every chart drawn, nothing logged
//! to the console, no request leaving the file.
//!
//! Needs Debian's `chromium` and the npm packages of tests/browser
//! (`npm ci --prefix tests/browser`); `.ci/run` installs both. Without them
//! the test fails, naming the command that installs what is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn require_tools() {
    assert!(
        Path::new(CHROMIUM).is_file(),
        "{CHROMIUM} is missing: install it with `sudo apt-get install -y chromium` (.ci/run does)"
    );
    let module = root().join("tests/browser/node_modules/playwright-core/package.json");
    assert!(
        module.is_file(),
        "playwright-core is missing: run `npm ci --prefix tests/browser` (.ci/run does)"
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "node is missing: install it with `sudo apt-get install -y nodejs npm` (.ci/run does)"
    );
}

fn write_report(dir: &Path) -> PathBuf {
    let out = dir.join("seed-article report.html");
    let status = Command::new(env!("CARGO_BIN_EXE_lapse"))
        .arg("report")
        .arg(root().join("scenarios/seed-article.ron"))
        .arg("--out")
        .arg(&out)
        .status()
        .expect("lapse runs");
    assert!(status.success(), "lapse report failed: {status}");
    out
}

fn open_in_chromium(report: &Path) -> Value {
    let output = Command::new("node")
        .arg(root().join("tests/browser/report.mjs"))
        .arg(report)
        .arg(CHROMIUM)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the browser script failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_seed_article_report_renders_offline_in_chromium() {
    require_tools();
    let dir = tempfile::tempdir().expect("temp dir");
    let report = write_report(dir.path());
    let page = open_in_chromium(&report);

    let title = page["title"].as_str().unwrap_or_default();
    assert!(title.contains("Seed article"), "title: {title}");

    // The sections, in its order.
    let ids: Vec<&str> = page["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        ids,
        [
            "answer",
            "plots",
            "compliance",
            "settings",
            "population",
            "metrics",
            "reproduce"
        ]
    );
    for s in page["sections"].as_array().expect("sections") {
        assert!(
            s["height"].as_f64().unwrap_or(0.0) > 50.0
                && !s["heading"].as_str().unwrap_or("").is_empty(),
            "an empty section: {s}"
        );
    }

    // The five charts, each drawn (its content has a size, not only its box)
    // and labelled with a finding.
    let svgs = page["svgs"].as_array().expect("svgs");
    let figures: Vec<&str> = svgs
        .iter()
        .map(|s| s["figure"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        figures,
        [
            "fig-totals",
            "fig-over-time",
            "fig-idle-gaps",
            "fig-tradeoff",
            "fig-timeline"
        ]
    );
    for s in svgs {
        for key in ["width", "height"] {
            assert!(s[key].as_f64().unwrap_or(0.0) > 100.0, "not rendered: {s}");
            assert!(
                s["drawn"][key].as_f64().unwrap_or(0.0) > 100.0,
                "nothing drawn: {s}"
            );
        }
        assert!(
            s["label"].as_str().unwrap_or("").len() > 40,
            "no text alternative: {s}"
        );
    }

    // Headings never skip a level.
    let levels: Vec<u64> = page["headings"]
        .as_array()
        .expect("headings")
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    assert_eq!(levels.first(), Some(&1));
    for w in levels.windows(2) {
        assert!(w[1] <= w[0] + 1, "heading levels skip: {levels:?}");
    }

    // Nothing but the file itself was asked for; nothing went wrong.
    assert_eq!(page["externals"], 0, "scripts, links or images in the page");
    let requests = strings(&page["requests"]);
    assert_eq!(requests.len(), 1, "requests: {requests:?}");
    assert!(requests[0].starts_with("file://"), "{requests:?}");
    assert_eq!(strings(&page["blocked"]), Vec::<String>::new());
    assert_eq!(strings(&page["console"]), Vec::<String>::new());
    assert_eq!(strings(&page["pageErrors"]), Vec::<String>::new());
}
