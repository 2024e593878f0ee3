//! What a reader meets first: durations in the table in units people read,
//! one name per metric in the table and the sentences, and the report's
//! timeline with the window's rows (tabs, their pages, sleep, the logouts
//! one tab's timer causes in another).

use std::path::{Path, PathBuf};

use crate::support::{lapse, stdout};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .to_str()
        .expect("a UTF-8 path")
        .to_string()
}

/// The cells of the table's row `name`, between the name and the words.
fn cells(table: &str, name: &str) -> Vec<String> {
    let line = table
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no row {name} in\n{table}"));
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .skip(1)
        .take(2)
        .map(String::from)
        .collect()
}

#[test]
fn the_table_reads_durations_and_the_json_keeps_milliseconds() {
    let b = fixture("example-b.ron");
    let run = lapse(&["run", &b, "--format", "table"]);
    assert!(run.status.success(), "{}", stdout(&run));
    let table = stdout(&run);
    // SPEC example B (view 0, edits 10-40, submit 45; away after 5m).
    // Alert: sessions 0-30 and 45-75 (30m each); away 5-10, 15-20, 25-30
    // and 50-75: 40m. Keepalive: one session 0-80 (1h20m); away 5-10,
    // 15-20, 25-30, 35-40 and 50-80: 50m. The alert loses edits 10 to 40
    // (span 30m), typed in 3 gaps capped at 5m: 15m.
    assert_eq!(cells(&table, "unattended_ms"), ["40m", "50m"]);
    assert_eq!(cells(&table, "max_session_ms"), ["30m", "1h20m"]);
    assert_eq!(cells(&table, "lost_edit_ms"), ["30m", "0s"]);
    assert_eq!(cells(&table, "lost_typing_ms"), ["15m", "0s"]);
    assert!(!table.contains("2400000"), "{table}");
    // The machine formats keep the exact milliseconds.
    let json = lapse(&["run", &b, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    assert_eq!(json["policies"][0]["metrics"]["unattended_ms"], 2_400_000);
    assert_eq!(json["policies"][1]["metrics"]["max_session_ms"], 4_800_000);
    let csv = stdout(&lapse(&["run", &b, "--format", "csv"]));
    let header: Vec<&str> = csv.lines().next().expect("a header").split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "unattended_ms")
        .expect("unattended_ms column");
    let alert: Vec<&str> = csv.lines().nth(1).expect("a row").split(',').collect();
    assert_eq!(alert[column], "2400000", "{csv}");
}

#[test]
fn the_sentences_name_each_metric_as_the_table_does() {
    let s = fixture("replicated.ron");
    let run = lapse(&["run", &s, "--replicates", "4", "--format", "table"]);
    assert!(run.status.success(), "{}", stdout(&run));
    let table = stdout(&run);
    // The table names the metrics (one replicate: the plain table's `what
    // it counts`)...
    let plain = stdout(&lapse(&[
        "run",
        &s,
        "--replicates",
        "1",
        "--format",
        "table",
    ]));
    assert!(plain.contains("  Lost edits: "), "{plain}");
    assert!(plain.contains("  Logouts while present: "), "{plain}");
    // ... and each policy's two sentences use those names, not the keys.
    let sentences: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("keepalive: "))
        .collect();
    assert_eq!(sentences.len(), 2, "{table}");
    assert!(sentences[0].contains(" logouts while present "), "{table}");
    assert!(sentences[1].contains(" lost edits "), "{table}");
    assert!(!table.contains("lost inputs"), "{table}");
}

/// `lapse report FILE --out dir/r.md`: the timeline's standalone SVG.
fn timeline_svg(scenario: &str, dir: &Path) -> String {
    let out = dir.join("r.md");
    let run = lapse(&[
        "report",
        scenario,
        "--out",
        out.to_str().expect("a UTF-8 path"),
    ]);
    assert!(run.status.success(), "{}", crate::support::stderr(&run));
    std::fs::read_to_string(dir.join("r-timeline.svg")).expect("the timeline beside it")
}

#[test]
fn the_report_timeline_has_the_windows_rows_for_tabs_and_sleep() {
    let dir = tempfile::tempdir().expect("temp dir");
    // SPEC example D with the lid closed from 90 to 130: tab 1's timer
    // (the trace's tab 0) redirects at 30 while ana types in tab 2, under
    // the per-tab alert only.
    let svg = timeline_svg(&fixture("example-d.ron"), dir.path());
    let texts: Vec<String> = regex::Regex::new(r"<text[^>]*>([^<]*)</text>")
        .expect("regex")
        .captures_iter(&svg)
        .map(|c| c[1].replace("&apos;", "'").replace("&#39;", "'"))
        .collect();
    let count = |t: &str| texts.iter().filter(|x| x.trim() == t).count();
    // A row of actions per tab, and under each of the two policies a row per tab.
    assert_eq!(count("tab 1: actions"), 1, "{texts:?}");
    assert_eq!(count("tab 2: actions"), 1, "{texts:?}");
    assert_eq!(count("tab 1's page"), 2, "{texts:?}");
    assert_eq!(count("tab 2's page"), 2, "{texts:?}");
    assert_eq!(count("per-tab alert"), 1, "{texts:?}");
    assert_eq!(count("synced alert"), 1, "{texts:?}");
    // One logout by another tab's timer, labelled; the nap shaded.
    assert_eq!(count("by tab 1's timer"), 1, "{texts:?}");
    assert_eq!(count("device asleep"), 1, "{texts:?}");
    assert_eq!(count("tab's timer redirects to login"), 1, "{texts:?}");
    // The finding says so: 2 tabs, 40 minutes asleep, 1 such logout.
    assert!(svg.contains("they used 2 tabs"), "{svg}");
    assert!(
        svg.contains("their device slept once (40m in all, shaded)"),
        "{svg}"
    );
    assert!(
        svg.contains("starred and labelled): 1 under per-tab alert."),
        "{svg}"
    );
}
