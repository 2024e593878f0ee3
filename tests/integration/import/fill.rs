//! `lapse import --fill-activity` on a tiny log, every added event worked
//! out by hand from the rules in docs/import.md.

use crate::support::lapse_in;

/// A form viewed at 10:00:00 and posted 35 s later, the page after the
/// post, and one more page two minutes on.
const LOG: &str = "\
1.2.3.4 - - [17/May/2015:10:00:00 +0000] \"GET /form HTTP/1.1\" 200 5 \"-\" \"Mozilla/5.0 (X11)\"
1.2.3.4 - - [17/May/2015:10:00:35 +0000] \"POST /form HTTP/1.1\" 303 5 \"-\" \"Mozilla/5.0 (X11)\"
1.2.3.4 - - [17/May/2015:10:01:00 +0000] \"GET /done HTTP/1.1\" 200 5 \"-\" \"Mozilla/5.0 (X11)\"
1.2.3.4 - - [17/May/2015:10:03:00 +0000] \"GET /next HTTP/1.1\" 200 5 \"-\" \"Mozilla/5.0 (X11)\"
";

/// Every draw is known: 3 edits 10 s apart; a minute's reading in scrolls of 20 s.
const PROFILES: &str = r#"Scenario(
    name: "fixed habits",
    seed: 5,
    horizon: "1d",
    profiles: [
        Profile(name: "fixed", tasks: [
            Form(edits: Constant(3), think: Constant("10s")),
            Read(length: Constant("1m"), scroll: Constant("20s")),
        ]),
    ],
    population: Generated([(profile: "fixed", users: 1)]),
    policies: [Policy(name: "p", idle_timeout: "30m")],
)
"#;

#[test]
fn a_tiny_log_filled_by_hand() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("access.log"), LOG).expect("write the log");
    std::fs::write(dir.path().join("habits.ron"), PROFILES).expect("write the scenario");
    let run = lapse_in(
        dir.path(),
        &[
            "import",
            "access.log",
            "--keep-keys",
            "--out",
            "filled.csv",
            "--fill-activity",
            "fixed",
            "--profiles",
            "habits.ron",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // 10:00:00 is 36 000 000 ms after time 0 (midnight, UTC).
    let user = "1.2.3.4 Mozilla/5.0 (X11)";
    let expected: Vec<String> = [
        (36_000_000, "view"),
        // Typing the form: one think (10 s) after another from the view.
        (36_010_000, "input"),
        (36_020_000, "input"),
        (36_030_000, "input"),
        (36_035_000, "submit"),
        // After the post: nothing; the page after it is read for a minute.
        (36_060_000, "view"),
        (36_080_000, "activity"),
        (36_100_000, "activity"),
        (36_120_000, "activity"),
        // The last logged event: nothing after it.
        (36_180_000, "view"),
    ]
    .iter()
    .map(|(t, k)| format!("{user},{t},{k}"))
    .collect();
    let trace = std::fs::read_to_string(dir.path().join("filled.csv")).expect("the trace");
    let mut lines = trace.lines();
    assert_eq!(lines.next(), Some("user,time_ms,kind"));
    assert_eq!(lines.collect::<Vec<_>>(), expected);
    assert!(
        run.stdout.contains(
            "Filled with modelled activity (profile \"fixed\", seed 5): 3 inputs typed before 1 of 1 submits, 3 scrolls on 1 of 3 views"
        ),
        "{}",
        run.stdout
    );

    // Constant habits: any seed gives the same; the plain import has the
    // logged events only.
    let run = lapse_in(
        dir.path(),
        &["import", "access.log", "--keep-keys", "--out", "plain.csv"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let plain = std::fs::read_to_string(dir.path().join("plain.csv")).expect("the trace");
    let logged: Vec<&str> = trace
        .lines()
        .filter(|l| !l.ends_with(",input") && !l.ends_with(",activity"))
        .collect();
    assert_eq!(plain.lines().collect::<Vec<_>>(), logged);
}
