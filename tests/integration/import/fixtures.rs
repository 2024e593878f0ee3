//! `lapse import` on hand-made logs: each format, each kind of malformed
//! line, gzip, the flags. Expected values are worked out by hand from the
//! fixtures (tests/fixtures/import/) and docs/import.md's rules.

use std::io::Write;
use std::path::Path;

use crate::support::import::{fixture, metric, scenario_with_trace};
use crate::support::{lapse, lapse_in};
use sha2::{Digest, Sha256};

const FF: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:27.0) Gecko/20100101 Firefox/27.0";
const CH: &str = "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.107 Safari/537.36";
const SF: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.73.11 (KHTML, like Gecko) Version/7.0.1 Safari/537.73.11";

/// combined.log with raw keys. Time 0 is 2015-05-18 00:00 +0200 (the first
/// event, 00:30 +0200, is user A's); C's lines, written at -0500, are
/// 22:45 UTC = 00:45 +0200.
fn combined_trace() -> String {
    let a = format!("10.0.0.1 {FF}");
    let b = format!("\"10.0.0.1 {CH}\"");
    let c = format!("\"192.168.1.20 {SF}\"");
    [
        "user,time_ms,kind".to_string(),
        format!("{a},1800000,view"), // 00:30:00 (00:30:01 css: part; 00:30:02 api: page load)
        format!("{a},2100000,request"), // 00:35:00, logged after the POST
        format!("{a},2400000,submit"), // 00:40:00
        format!("{a},2401000,view"), // 00:40:01, after a submit: not folded
        format!("{a},5400000,view"), // 01:30:00
        format!("{b},1860000,view"), // 00:31:00 (00:31:02 redirect folded)
        format!("{b},1863000,view"), // 00:31:03: 3 s after, not less
        format!("{c},2700000,view"),
        format!("{c},2790000,submit"),
        format!("{c},2800000,request"),
    ]
    .join("\n")
        + "\n"
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("output written")
}

#[test]
fn combined_log_to_trace_with_raw_keys() {
    let dir = temp();
    let out = dir.path().join("trace.csv");
    let run = lapse(&[
        "import",
        &fixture("combined.log"),
        "--keep-keys",
        "--out",
        out.to_str().expect("utf8 path"),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(read(&out), combined_trace());
    // The summary goes to stdout when the trace goes to a file.
    let s = &run.stdout;
    for want in [
        "Read 20 lines",
        "Formats: combined 20",
        "malformed:           0",
        "crawlers, monitors:  4 from 3 clients",
        "page parts:          2 (folded",
        "other methods:       2",
        "Users: 3 (keyed by client address + user agent; written as found (--keep-keys))",
        "Events: 10 (view 6, request 2, submit 2); 2 more folded into the view before them",
        "Time span: 2015-05-18 00:30:00 +0200 to 2015-05-18 01:30:00 +0200 (1h)",
        "Not in an access log: tabs (every event is in tab 0)",
        "Time 0: 2015-05-18 00:00:00 +0200",
        // Gaps: A 5m, 5m, 1s, 49m59s; B 3s; C 1m30s, 10s.
        "Idle gaps between a user's consecutive requests: 7 gaps",
        "p50 1m30s  p75 5m  p90 49m59s  p95 49m59s  p99 49m59s",
        "> 5m 14.3%  > 15m 14.3%  > 30m 14.3%  > 60m 0.0%",
        "POST, PUT, PATCH, DELETE -> submit",
    ] {
        assert!(s.contains(want), "summary lacks {want:?}:\n{s}");
    }
}

#[test]
fn keys_are_salted_sha256_by_default() {
    let dir = temp();
    let out = dir.path().join("t.csv");
    let out_s = out.to_str().expect("utf8 path");
    let run = lapse(&[
        "import",
        &fixture("combined.log"),
        "--salt",
        "pepper",
        "--out",
        out_s,
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let name = |key: &str| {
        let d = Sha256::digest(format!("pepper{key}").as_bytes());
        d[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let expected = combined_trace()
        .replace(
            &format!("\"192.168.1.20 {SF}\""),
            &name(&format!("192.168.1.20 {SF}")),
        )
        .replace(
            &format!("\"10.0.0.1 {CH}\""),
            &name(&format!("10.0.0.1 {CH}")),
        )
        .replace(&format!("10.0.0.1 {FF}"), &name(&format!("10.0.0.1 {FF}")));
    let text = read(&out);
    assert_eq!(text, expected);
    assert!(!text.contains("10.0.0.1"), "no raw address leaks");

    // Without --salt the salt is random: two runs give different names.
    let first = lapse(&["import", &fixture("combined.log")]);
    let second = lapse(&["import", &fixture("combined.log")]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let user_of = |csv: &str| {
        csv.lines()
            .nth(1)
            .and_then(|l| l.split(',').next())
            .map(str::to_string)
    };
    assert_ne!(user_of(&first.stdout), user_of(&second.stdout));
    assert_eq!(user_of(&first.stdout).map(|u| u.len()), Some(16));
}

#[test]
fn trace_on_stdout_puts_the_summary_on_stderr() {
    let run = lapse(&["import", &fixture("combined.log"), "--keep-keys"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, combined_trace());
    assert!(run.stderr.contains("Users: 3"), "{}", run.stderr);
    let dash = lapse(&[
        "import",
        &fixture("combined.log"),
        "--keep-keys",
        "--out",
        "-",
    ]);
    assert_eq!(dash.stdout, combined_trace());
}

#[test]
fn flags_change_the_mapping() {
    // --keep-bots: Googlebot's two views (5 s apart) and the scanner's view
    // come in; Pingdom's HEAD is still another method.
    let run = lapse(&[
        "import",
        &fixture("combined.log"),
        "--keep-bots",
        "--summary-only",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("crawlers, monitors:  kept"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Users: 5 "), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Events: 13 (view 9, request 2, submit 2)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("other methods:       3"),
        "{}",
        run.stdout
    );

    // By address alone A and B are one user; the redirect at 00:31:02 is
    // still within 3 s of B's view at 00:31:00, and A's API call at 00:30:02
    // of A's view: the same 10 events for 2 users.
    let run = lapse(&[
        "import",
        &fixture("combined.log"),
        "--user-key",
        "addr",
        "--summary-only",
    ]);
    assert!(
        run.stdout.contains("Users: 2 (keyed by client address;"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Events: 10 (view 6, request 2, submit 2)"),
        "{}",
        run.stdout
    );

    // No fold window, HEAD counts as a page method, PUT is no submit (left
    // out), and /notes is the API.
    let run = lapse(&[
        "import",
        &fixture("combined.log"),
        "--fold-window",
        "0s",
        "--page-methods",
        "get,head",
        "--submit-methods",
        "POST",
        "--api",
        "^/(api|notes)/",
        "--summary-only",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // A: view, request(api/notes), submit, request(/notes/7), request(api), view, + HEAD /home view (B)
    // A 00:30 view, 00:30:02 request, 00:35 request, 00:40 submit, 00:40:01 request (/notes/7), 01:30 view;
    // B 00:20 view (HEAD), 00:31 view, 00:31:02 view, 00:31:03 view;
    // C 00:45 view, 00:46:40 request (PUT and OPTIONS left out).
    assert!(
        run.stdout
            .contains("Events: 12 (view 7, request 4, submit 1); 0 more"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("other methods:       2"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("GET, HEAD of a path matching --api ^/(api|notes)/"),
        "{}",
        run.stdout
    );
}

#[test]
fn common_log() {
    let run = lapse(&["import", &fixture("common.log"), "--keep-keys"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Time 0 is 2000-10-10 00:00 -0700; 13:55:36 is 50 136 s after it.
    assert_eq!(
        run.stdout,
        "user,time_ms,kind\n10.0.0.5,50136000,view\n10.0.0.5,51600000,submit\n\
         10.0.0.6,86399000,view\n10.0.0.6,86430000,request\n"
    );
    assert!(run.stderr.contains("Formats: common 5"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Time 0: 2000-10-10 00:00:00 -0700"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("page parts:          1"),
        "{}",
        run.stderr
    );
    // A combined-only import refuses every line of it.
    let run = lapse(&[
        "import",
        &fixture("common.log"),
        "--format",
        "combined",
        "--summary-only",
    ]);
    assert!(
        run.stdout.contains("malformed:           5"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("common.log:1: truncated line: no referer and user agent"),
        "{}",
        run.stdout
    );
}

#[test]
fn csv_log() {
    let run = lapse(&[
        "import",
        &fixture("log.csv"),
        "--format",
        "csv",
        "--user-key",
        "field:session",
        "--keep-keys",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Time 0 is 2024-03-10 00:00 +0100 = 2024-03-09 23:00 UTC. Line 3's XHR
    // 1.5 s after the view is folded; line 8 (Unix 1710060000) is 08:40 UTC.
    assert_eq!(
        run.stdout,
        "user,time_ms,kind\ns1,32400000,view\ns1,33120000,view\ns1,33240000,request\ns1,33600000,submit\n\
         s2,33300000,view\ns2,34800000,submit\n"
    );
    let e = &run.stderr;
    assert!(e.contains("Formats: csv 8"), "{e}");
    assert!(e.contains("malformed:           2"), "{e}");
    assert!(
        e.contains("log.csv:10: expected 8 fields (as in the header), found 7"),
        "{e}"
    );
    assert!(e.contains("log.csv:11: bad status \"2000\""), "{e}");
    assert!(e.contains("crawlers, monitors:  1 from 1 client "), "{e}");
    assert!(e.contains("Time 0: 2024-03-10 00:00:00 +0100"), "{e}");

    // A header without the column a key needs is a problem of the file.
    let run = lapse(&[
        "import",
        &fixture("log.csv"),
        "--format",
        "csv",
        "--user-key",
        "field:cookie",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("log.csv:1: the CSV header (time,addr,method,path,status,agent,xhr,session) has no `cookie` column"), "{}", run.stderr);
}

#[test]
fn jsonl_log() {
    let run = lapse(&[
        "import",
        &fixture("log.jsonl"),
        "--format",
        "jsonl",
        "--user-key",
        "field:user",
        "--keep-keys",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "user,time_ms,kind\nada,32400000,view\nada,33600000,submit\nbob,33300000,view\nbob,33360000,request\n"
    );
    let e = &run.stderr;
    assert!(e.contains("Formats: jsonl 5"), "{e}");
    assert!(
        e.contains("log.jsonl:6: truncated line: EOF while parsing an object (column 169)\n"),
        "{e}"
    );
    assert!(
        e.contains(
            "log.jsonl:7: bad date: no UTC offset (add Z or one like +02:00 after the time)"
        ),
        "{e}"
    );
    // Auto-detection expects combined or common lines and says what it sees.
    let run = lapse(&["import", &fixture("log.jsonl"), "--summary-only"]);
    assert!(
        run.stdout
            .contains("(this looks like JSON: try --format jsonl)"),
        "{}",
        run.stdout
    );
    let run = lapse(&["import", &fixture("log.jsonl"), "--user-key", "field:user"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("--user-key field:user needs --format csv or jsonl"),
        "{}",
        run.stderr
    );
}

/// Each malformed case: skipped and reported by default; fatal with --strict.
#[test]
fn malformed_lines_are_skipped_or_fatal() {
    let cases = [
        (
            "truncated.log",
            2,
            "truncated line: the request has no closing quote",
            3,
        ),
        ("bad_date.log", 3, "bad date: no such day in that month", 3),
        (
            "bad_status.log",
            4,
            "bad status \"2OO\": expected a three-digit HTTP status (100-599)",
            3,
        ),
        ("non_utf8.log", 3, "truncated line: no identity field", 3),
    ];
    for (name, line, message, views) in cases {
        let path = fixture(name);
        let run = lapse(&["import", &path, "--summary-only"]);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert!(
            run.stdout.contains("malformed:           1\n"),
            "{name}: {}",
            run.stdout
        );
        let located = format!("{path}:{line}: {message}");
        assert!(
            run.stdout.contains(&located),
            "{name}: want {located}\n{}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains(&format!("(view {views}, request 0, submit 0)")),
            "{name}: {}",
            run.stdout
        );

        let dir = temp();
        let out = dir.path().join("t.csv");
        let strict = lapse(&[
            "import",
            &path,
            "--strict",
            "--out",
            out.to_str().expect("utf8"),
        ]);
        assert_eq!(strict.code, Some(2), "{name}");
        assert_eq!(strict.stderr, format!("error: {located}\n"), "{name}");
        assert!(!out.exists(), "{name}: no trace is written");
    }
}

#[test]
fn non_utf8_bytes_inside_fields_are_kept() {
    let run = lapse(&["import", &fixture("non_utf8.log"), "--keep-keys"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // The Latin-1 path is still a view of user 10.0.0.1; the Latin-1 agent
    // is part of 10.0.0.4's key, written with U+FFFD.
    assert_eq!(
        run.stdout,
        format!(
            "user,time_ms,kind\n10.0.0.1 {FF},1800000,view\n10.0.0.1 {FF},2700000,view\n\
             10.0.0.4 Mozilla/5.0 (X11; Linux) Navigateur-\u{fffd}t\u{fffd}/1.0,2760000,view\n"
        )
    );
}

#[test]
fn empty_files() {
    let empty = fixture("empty.log");
    let dir = temp();
    let out = dir.path().join("t.csv");
    let out_s = out.to_str().expect("utf8");
    // Alone: nothing to import is an error, and no file is written.
    let run = lapse(&["import", &empty, "--out", out_s]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains(&format!("Warning: {empty} is empty")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error: no events to import: none of the 0 lines read"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
    // Beside another log (a rotated log that was empty): a warning only.
    let run = lapse(&["import", &empty, &fixture("common.log"), "--out", out_s]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!("Warning: {empty} is empty")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("from 2 files"), "{}", run.stdout);
    assert_eq!(read(&out).lines().count(), 5);
    // --summary-only never fails for lack of events.
    let run = lapse(&["import", &empty, "--summary-only"]);
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.contains("Users: 0"), "{}", run.stdout);
}

#[test]
fn gzip_is_recognised_by_its_bytes() {
    let dir = temp();
    let text = std::fs::read(fixture("combined.log")).expect("fixture");
    let gz = |parts: &[&[u8]]| {
        let mut bytes = Vec::new();
        for part in parts {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(part).expect("compress");
            bytes.extend(enc.finish().expect("compress"));
        }
        bytes
    };
    // A rotated log keeps no .gz in its name; a concatenated gzip has two members.
    std::fs::write(dir.path().join("access.log.1"), gz(&[&text])).expect("write");
    let (head, tail) = text.split_at(text.len() / 2 + 7);
    std::fs::write(dir.path().join("two-members.gz"), gz(&[head, tail])).expect("write");
    for name in ["access.log.1", "two-members.gz"] {
        let run = lapse_in(dir.path(), &["import", name, "--keep-keys"]);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert_eq!(run.stdout, combined_trace(), "{name}");
        assert!(
            run.stderr.contains(&format!("{name} (20 lines, gzip)")),
            "{}",
            run.stderr
        );
    }
    // A corrupt stream is an error naming the file and line, not a panic.
    let mut broken = gz(&[&text]);
    broken.truncate(broken.len() / 2);
    std::fs::write(dir.path().join("broken.gz"), broken).expect("write");
    let run = lapse_in(dir.path(), &["import", "broken.gz"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: broken.gz:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("cannot read the log"), "{}", run.stderr);
}

#[test]
fn empirical_distribution_of_the_gaps() {
    let run = lapse(&[
        "import",
        &fixture("combined.log"),
        "--summary-only",
        "--empirical",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Gaps sorted: 1s 3s 10s 1m30s 5m 5m 49m59s; quantile p = gap of rank ceil(7p).
    let want = "Empirical(quantiles: [(0.0, \"1s\"), (0.01, \"1s\"), (0.05, \"1s\"), (0.1, \"1s\"), \
                (0.2, \"3s\"), (0.3, \"10s\"), (0.4, \"10s\"), (0.5, \"1m30s\"), (0.6, \"5m\"), \
                (0.7, \"5m\"), (0.8, \"5m\"), (0.9, \"49m59s\"), (0.95, \"49m59s\"), (0.99, \"49m59s\"), \
                (1.0, \"49m59s\")])\n";
    assert!(run.stdout.ends_with(want), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("// Idle gaps between a user's consecutive requests (7 gaps)")
    );
}

#[test]
fn bad_flags_and_files_exit_2() {
    for (args, want) in [
        (
            vec!["import", "no-such.log"],
            "error: no-such.log: cannot read the log: no such file",
        ),
        (
            vec!["import", "tests"],
            "error: tests: cannot read the log: is a directory",
        ),
        (
            vec!["import", "x.log", "--user-key", "cookie"],
            "unknown user key \"cookie\"",
        ),
        (vec!["import", "x.log", "--api", "("], "invalid pattern"),
        (
            vec!["import", "x.log", "--fold-window", "3 parsecs"],
            "invalid duration",
        ),
        (
            vec!["import", "x.log", "--keep-keys", "--salt", "s"],
            "cannot be used with",
        ),
    ] {
        let run = lapse(&args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(run.stderr.contains(want), "{args:?}: {}", run.stderr);
    }
}

/// The imported trace as a scenario's population, through `lapse run`.
#[test]
fn a_scenario_runs_on_the_imported_trace() {
    let dir = temp();
    let run = lapse_in(
        dir.path(),
        &["import", &fixture("combined.log"), "--out", "office.csv"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let scenario = scenario_with_trace(
        dir.path(),
        "office.csv",
        "1d",
        r#"Policy(name: "30m", idle_timeout: Some("30m"))"#,
    );
    let run = lapse(&["run", scenario.to_str().expect("utf8"), "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["users"], 3);
    // Only A's gap of 49m59s outlasts 30 minutes: one more login, one logout.
    // Both submits reach live sessions.
    assert_eq!(metric(&json, 0, "logins"), 4);
    assert_eq!(metric(&json, 0, "logouts"), 1);
    assert_eq!(metric(&json, 0, "submits"), 2);
    assert_eq!(metric(&json, 0, "saved_submits"), 2);
}
