//! Bytes that are not UTF-8, in a scenario, a trace and a log.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn a_scenario_with_invalid_utf8() {
    let dir = folder(&[("s.ron", b"Scenario(name: \"\xff\")")]);
    assert_refused(
        &lapse_in(dir.path(), &["validate", "s.ron"]),
        "error: s.ron:1:17: the file is not valid UTF-8 text",
    );
}

#[test]
fn a_trace_with_invalid_utf8() {
    let text = scenario_with("1d", r#"Policy(name: "A")"#);
    let dir = folder(&[
        ("s.ron", text.as_bytes()),
        ("b.csv", b"user,time_ms,kind\nu,0,view\n\xff\xfe,1,view\n"),
    ]);
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron", "--trace", "b.csv"]),
        "error: b.csv:3:1: text is not valid UTF-8",
    );
}

#[test]
fn a_log_line_with_invalid_utf8_is_still_read() {
    // Bytes in the user agent are kept as they are: the line still counts.
    let log = b"1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"Moz\xffilla\"\n";
    let dir = folder(&[("a.log", log)]);
    let run = lapse_in(
        dir.path(),
        &["import", "a.log", "--keep-keys", "--out", "x.csv"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let csv = std::fs::read_to_string(dir.path().join("x.csv")).expect("trace");
    assert_eq!(csv.lines().count(), 2, "{csv}");
}
