//! `lapse import` on the shared real log (shared/data/apache_combined_2015.log,
//! 10 000 lines, out of order within each minute). Every expected count is
//! computed here by a second, separately written reading of the rules in
//! docs/import.md: one regular expression per line, word lists instead of
//! patterns, string keys in a map, a sort of tuples.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::support::import::{metric, scenario_with_trace, shared_log};
use crate::support::lapse_in;
use lapse::import::{ImportOptions, import_paths};

/// Words that mark a crawler, feed reader, monitor or script (docs/import.md).
const BOT_WORDS: &[&str] = &[
    "bot",
    "spider",
    "crawl",
    "slurp",
    "archiver",
    "feed",
    "rss",
    "reader",
    "fetch",
    "scan",
    "check",
    "monitor",
    "uptime",
    "pingdom",
    "statuscake",
    "nagios",
    "zabbix",
    "validator",
    "preview",
    "externalhit",
    "embedly",
    "ezooms",
    "nutch",
    "sleuth",
    "scrap",
    "curl",
    "wget",
    "python",
    "urllib",
    "libwww",
    "http_request",
    "httpclient",
    "okhttp",
    "go-http",
    "java/",
    "ruby",
    "perl",
    "php/",
    "phantomjs",
    "headless",
    "chef client",
];
const PART_ENDINGS: &[&str] = &[
    ".css", ".js", ".mjs", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp",
    ".avif", ".bmp", ".tif", ".tiff", ".woff", ".woff2", ".ttf", ".otf", ".eot",
];
const WINDOW_S: u64 = 3;

#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    malformed: u64,
    crawler_lines: u64,
    crawler_clients: usize,
    parts: u64,
    other_methods: u64,
    users: usize,
    views: u64,
    requests: u64,
    submits: u64,
    folded: u64,
    /// Gaps in seconds, sorted.
    gaps: Vec<u64>,
    first_s: u64,
}

fn is_bot(agent: &str) -> bool {
    let lower = agent.to_lowercase();
    agent.is_empty() || agent == "-" || BOT_WORDS.iter().any(|w| lower.contains(w))
}

fn expected(log: &str) -> Expected {
    let line_re = regex::Regex::new(
        r#"^(\S+) \S+ \S+ \[(\d\d)/(\w\w\w)/(\d\d\d\d):(\d\d):(\d\d):(\d\d) ([-+]\d\d\d\d)\] "((?:[^"\\]|\\.)*)" (\d\d\d) (?:\d+|-) "(?:[^"\\]|\\.)*" "((?:[^"\\]|\\.)*)""#,
    )
    .expect("test pattern");
    let mut ex = Expected::default();
    let mut crawlers = BTreeSet::new();
    // user key -> (seconds since 2015-05-01 00:00 UTC, line number, kind)
    let mut users: BTreeMap<String, Vec<(u64, usize, char)>> = BTreeMap::new();
    let mut first_seen: BTreeMap<String, usize> = BTreeMap::new();
    for (n, line) in log.lines().enumerate() {
        let Some(c) = line_re.captures(line) else {
            ex.malformed += 1;
            continue;
        };
        // Every line of this log is from May 2015, written in UTC.
        assert_eq!(
            (&c[3], &c[4], &c[8]),
            ("May", "2015", "+0000"),
            "line {}",
            n + 1
        );
        let num = |i: usize| c[i].parse::<u64>().expect("digits");
        let secs = (num(2) - 1) * 86_400 + num(5) * 3600 + num(6) * 60 + num(7);
        let agent = &c[11];
        let key = format!("{} {}", &c[1], agent);
        if is_bot(agent) {
            ex.crawler_lines += 1;
            crawlers.insert(key);
            continue;
        }
        let words: Vec<&str> = c[9].split_whitespace().collect();
        let method = words.first().copied().unwrap_or("");
        let target = words.get(1).copied().unwrap_or("");
        let path = target.split(['?', '#']).next().unwrap_or("").to_lowercase();
        let kind = match method {
            "POST" | "PUT" | "PATCH" | "DELETE" => 's',
            "GET" if path.starts_with("/api/") => 'r',
            "GET" if PART_ENDINGS.iter().any(|e| path.ends_with(e)) => {
                ex.parts += 1;
                continue;
            }
            "GET" => 'v',
            _ => {
                ex.other_methods += 1;
                continue;
            }
        };
        first_seen.entry(key.clone()).or_insert(n);
        users.entry(key).or_default().push((secs, n, kind));
    }
    ex.crawler_clients = crawlers.len();
    ex.users = users.len();
    ex.first_s = u64::MAX;
    for events in users.values_mut() {
        events.sort();
        let mut view_at: Option<u64> = None;
        let mut kept: Vec<u64> = Vec::new();
        for &(t, _, kind) in events.iter() {
            let in_window = view_at.map(|v| t - v < WINDOW_S).unwrap_or(false);
            if kind != 's' && in_window {
                ex.folded += 1;
                continue;
            }
            match kind {
                'v' => {
                    ex.views += 1;
                    view_at = Some(t);
                }
                'r' => ex.requests += 1,
                _ => {
                    ex.submits += 1;
                    view_at = None;
                }
            }
            kept.push(t);
        }
        ex.first_s = ex.first_s.min(kept[0]);
        ex.gaps.extend(kept.windows(2).map(|w| w[1] - w[0]));
    }
    ex.gaps.sort();
    ex
}

fn nearest_rank(sorted: &[u64], p: f64) -> u64 {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.max(1) - 1]
}

fn read_log() -> (PathBuf, String) {
    let path = shared_log();
    let text = std::fs::read_to_string(&path).expect("the shared log is UTF-8 text");
    (path, text)
}

#[test]
fn counts_match_an_independent_reading() {
    let (path, text) = read_log();
    let ex = expected(&text);
    // Facts about this log that a reader can check with grep.
    assert_eq!(text.lines().count(), 10_000);
    assert_eq!(ex.malformed, 1, "one line is cut off inside its user agent");

    let import = import_paths(&[path], ImportOptions::default()).expect("import");
    let s = &import.summary;
    let l = &s.left_out;
    assert_eq!(l.malformed, ex.malformed);
    assert_eq!(s.first_malformed[0].line, Some(8899));
    assert_eq!(l.crawler_lines, Some(ex.crawler_lines));
    assert_eq!(l.crawler_clients, ex.crawler_clients as u64);
    assert_eq!(l.parts, ex.parts);
    assert_eq!(l.other_methods, ex.other_methods);
    assert_eq!(s.users, ex.users);
    assert_eq!(import.trace.num_users(), ex.users);
    assert_eq!(
        (s.events.view, s.events.request, s.events.submit),
        (ex.views, ex.requests, ex.submits)
    );
    assert_eq!(s.window_folded, ex.folded);
    assert_eq!(
        import.trace.num_events() as u64,
        ex.views + ex.requests + ex.submits
    );
    assert_eq!(s.gaps.count(), ex.gaps.len());
    for p in [50, 75, 90, 95, 99] {
        assert_eq!(
            s.gaps.percentile(p),
            Some(nearest_rank(&ex.gaps, p as f64 / 100.0) * 1000),
            "p{p}"
        );
    }
    for m in [5, 15, 30, 60] {
        let longer = ex.gaps.iter().filter(|&&g| g > m * 60).count();
        assert_eq!(s.gaps.longer_than(m * 60_000), longer, "> {m}m");
    }
    // Time 0 is 2015-05-17 00:00 UTC (the log is written in +0000): the
    // first event's time is its second of that day.
    let first_ms = import
        .trace
        .users()
        .filter_map(|(_, e)| e.first().map(|e| e.time()))
        .min();
    assert_eq!(first_ms, Some((ex.first_s - 16 * 86_400) * 1000));
    // Sanity of the independent reading itself: it saw every line once.
    let total = ex.malformed
        + ex.crawler_lines
        + ex.parts
        + ex.other_methods
        + ex.views
        + ex.requests
        + ex.submits
        + ex.folded;
    assert_eq!(total, 10_000);
}

/// Import through the command line, then run a scenario on the trace: with
/// an idle timeout refreshed on each request, a user logs in again after
/// each gap of 30 minutes or more, and each such gap is one logout.
#[test]
fn the_imported_log_runs_through_lapse_run() {
    let (path, text) = read_log();
    let ex = expected(&text);
    let dir = tempfile::tempdir().expect("temp dir");
    let run = lapse_in(
        dir.path(),
        &[
            "import",
            path.to_str().expect("utf8 path"),
            "--out",
            "apache.csv",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!("Users: {} ", ex.users)),
        "{}",
        run.stdout
    );
    let scenario = scenario_with_trace(
        dir.path(),
        "apache.csv",
        "5d",
        r#"Policy(name: "30m", idle_timeout: Some("30m")), Policy(name: "none", idle_timeout: None)"#,
    );
    let run = lapse_in(
        dir.path(),
        &["run", scenario.to_str().expect("utf8"), "--format", "json"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let long_gaps = ex.gaps.iter().filter(|&&g| g >= 30 * 60).count() as u64;
    assert_eq!(json["users"], ex.users as u64);
    assert_eq!(metric(&json, 0, "logins"), ex.users as u64 + long_gaps);
    assert_eq!(metric(&json, 0, "logouts"), long_gaps);
    assert_eq!(metric(&json, 0, "submits"), ex.submits);
    // Without a timeout every user logs in once.
    assert_eq!(metric(&json, 1, "logins"), ex.users as u64);
    assert_eq!(metric(&json, 1, "logouts"), 0);
}

/// `m:ss` as Lapse writes durations under an hour: `59m6s`.
fn minutes_seconds(s: u64) -> String {
    assert!(s < 3600, "{s} s");
    match (s / 60, s % 60) {
        (m, 0) => format!("{m}m"),
        (0, s) => format!("{s}s"),
        (m, s) => format!("{m}m{s}s"),
    }
}

/// An access log has no key presses and mouse moves, and this one keeps
/// some minutes of each hour: no pause lies between 5 minutes and an hour.
#[test]
fn the_shared_log_warns_of_no_activity_and_of_sampled_pauses() {
    let (path, text) = read_log();
    let ex = expected(&text);
    let long: Vec<u64> = ex.gaps.iter().copied().filter(|&g| g > 5 * 60).collect();
    let shortest = long[0];
    // Facts of the independent reading: many long pauses, all of them
    // 30 minutes or more (so the shares > 5m, > 15m and > 30m are equal).
    assert!(long.len() >= 20 && shortest >= 30 * 60, "{long:?}");
    let run = crate::support::lapse(&[
        "import",
        path.to_str().expect("utf8 path"),
        "--summary-only",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains("Warning: no in-page activity: the trace has page loads and posts but no key presses or mouse moves (input, activity), so logouts_while_present, lost_inputs, lost_edit_ms and lost_typing_ms come out 0 under every policy"),
        "{out}"
    );
    assert!(out.contains("--fill-activity PROFILE"), "{out}");
    let sampled = format!(
        "Warning: the pauses look sampled or truncated: {} pauses are longer than 5m, yet none lies between 5m and {} (the shortest of them)",
        long.len(),
        minutes_seconds(shortest)
    );
    assert!(out.contains(&sampled), "{sampled}\n{out}");
}

/// The seed article's "25-minute alert" on the shared log, as imported and
/// filled with the office profile's typing and reading.
#[test]
fn the_filled_log_logs_people_out_while_present_under_the_seed_alert() {
    use lapse::engine::{RunOptions, run_policy};
    use lapse::model::{Scenario, Trace};

    let (path, text) = read_log();
    let ex = expected(&text);
    let seed_article = Scenario::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/seed-article.ron"),
    )
    .expect("the seed article loads");
    let alert = seed_article
        .scenario
        .policy("25-minute alert")
        .expect("the seed article's alert");
    let cfg = seed_article.scenario.sim_config();
    let office = lapse::generate::fill::find_profile("office", &seed_article.scenario.profiles)
        .expect("the seed article's office profile");
    let import = import_paths(&[path], ImportOptions::default()).expect("import");
    // Every pause of 30 minutes or more outlives the 30-minute session,
    // refreshed by each request and by nothing else: one logout each.
    let long_gaps = ex.gaps.iter().filter(|&&g| g >= 30 * 60).count() as u64;

    let plain = run_policy(&import.trace, alert, &cfg, RunOptions::TOTALS).metrics;
    assert_eq!(plain.logouts, long_gaps);
    // The user's last present event before each expiry is the request 30
    // minutes before it: never within away_after (5m).
    assert_eq!(plain.logouts_while_present, 0);
    assert_eq!(plain.lost_inputs, 0);

    let logged = |t: &Trace| -> Vec<Vec<lapse::model::Event>> {
        t.users()
            .map(|(_, e)| {
                e.iter()
                    .copied()
                    .filter(|e| e.kind().reaches_server())
                    .collect()
            })
            .collect()
    };
    let mut present = Vec::new();
    for seed in 1..=10 {
        let filled = lapse::import::fill_activity(import.clone(), &office, seed).expect("fills");
        assert_eq!(logged(&filled.trace), logged(&import.trace), "seed {seed}");
        let added = filled.trace.num_events() - import.trace.num_events();
        let fill = filled
            .summary
            .filled
            .as_ref()
            .expect("noted in the summary");
        assert_eq!(added as u64, fill.inputs + fill.activity);
        // Typing and reading never reach the server: the same sessions end.
        let m = run_policy(&filled.trace, alert, &cfg, RunOptions::TOTALS).metrics;
        assert_eq!(m.logouts, long_gaps, "seed {seed}");
        assert_eq!(m.submits, ex.submits, "seed {seed}");
        present.push(m.logouts_while_present);
    }
    // A logout while present needs a page read for 25 minutes or more
    // before a pause of 30 or more: the office profile's reading time is
    // Weibull(scale 2m, shape 0.7), P(> 25m) = exp(-12.5^0.7) = 0.3%, over
    // 178 such pauses about half a logout per seed (a little more: the last
    // scroll may run one scroll gap past the reading time). Ten seeds.
    let total: u64 = present.iter().sum();
    assert!(total > 0, "{present:?}");
    assert!(present.iter().all(|&n| n <= 6), "{present:?}");
    // The same seed, the same trace, whatever the salt of the names.
    let again = import_paths(&[shared_log()], ImportOptions::default()).expect("import");
    let a = lapse::import::fill_activity(import, &office, 7).expect("fills");
    let b = lapse::import::fill_activity(again, &office, 7).expect("fills");
    let events = |t: &Trace| t.users().map(|(_, e)| e.to_vec()).collect::<Vec<_>>();
    assert_eq!(events(&a.trace), events(&b.trace));
}

#[test]
fn import_fills_from_a_scenario_profile_and_names_unknown_ones() {
    let (path, _) = read_log();
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/seed-article.ron");
    let run = lapse_in(
        dir.path(),
        &[
            "import",
            path.to_str().expect("utf8 path"),
            "--out",
            "filled.csv",
            "--fill-activity",
            "case-worker",
            "--profiles",
            scenario.to_str().expect("utf8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // The scenario's seed (42), and no "no in-page activity" warning.
    assert!(
        run.stdout
            .contains("Filled with modelled activity (profile \"case-worker\", seed 42): "),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Warning: no in-page activity"));
    let trace = std::fs::read_to_string(dir.path().join("filled.csv")).expect("the trace");
    assert!(trace.lines().any(|l| l.ends_with(",activity")));

    let run = lapse_in(
        dir.path(),
        &[
            "import",
            path.to_str().expect("utf8 path"),
            "--out",
            "x.csv",
            "--fill-activity",
            "nurse",
        ],
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains(
            "no behaviour profile \"nurse\" to fill the pages with: known are \"office\""
        ),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("x.csv").exists(), "nothing half-written");
    let run = lapse_in(
        dir.path(),
        &["import", path.to_str().expect("utf8"), "--seed", "3"],
    );
    assert_eq!(run.code, Some(2), "--seed needs --fill-activity");
}
