//! A 10 MB line in a trace CSV and in an access log.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn a_ten_megabyte_trace_line_is_refused() {
    let mut csv = b"user,time_ms,kind\n".to_vec();
    csv.extend(vec![b'u'; 10 << 20]);
    csv.extend(b",1,view\n");
    let text = scenario_with("1d", r#"Policy(name: "A")"#);
    let dir = folder(&[("s.ron", text.as_bytes()), ("long.csv", &csv)]);
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron", "--trace", "long.csv"]),
        "error: long.csv:2:1: line longer than 1 MiB: not a trace line (raise with --max-line-length)",
    );
}

#[test]
fn a_ten_megabyte_log_line_is_skipped_and_reported() {
    let good = b"1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"Mozilla/5.0\"\n";
    let mut log = good.to_vec();
    log.extend(vec![b'x'; 10 << 20]);
    log.push(b'\n');
    let dir = folder(&[("a.log", &log)]);
    let run = lapse_in(dir.path(), &["import", "a.log", "--out", "x.csv"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // With --out, the import summary is the command's output.
    assert!(
        run.stdout.contains(
            "a.log:2: line longer than 1 MiB: not a log line (raise with --max-line-length)"
        ),
        "{}",
        run.stdout
    );
    let run = lapse_in(
        dir.path(),
        &["import", "a.log", "--strict", "--out", "y.csv"],
    );
    assert_refused(
        &run,
        "error: a.log:2: line longer than 1 MiB: not a log line (raise with --max-line-length)",
    );
    assert!(!dir.path().join("y.csv").exists());
}
