//! What the three framework parity tests share: the traces, the drivers'
//! environments (built once under `target/tmp`, rebuilt when their pinned
//! files change), running a driver over a batch, and the user-by-user
//! comparison with the engine.
//!
//! # Why no event lands within a second of a deadline
//! The SPEC's rule is strict (valid while t < r + L). The frameworks' clocks
//! are partly whole seconds: itsdangerous and cachelib (Flask) count whole
//! seconds, and express-session writes its cookie's `Expires` rounded down to
//! the second. So within a second of a deadline a framework and the contract
//! may disagree by design. The traces avoid that by construction:
//! - every event lies on an even number of seconds plus `OFFSET_MS` (250 ms);
//! - every duration a policy uses (session lifetime, CSRF time limit,
//!   remember-me duration) is an odd number of seconds.
//!
//! Every deadline is an event instant (a login, a refresh, a page view: all
//! made by events) plus one duration, so it lies on an odd second plus 250 ms,
//! and every event is at least one whole second away from every deadline.
//! Then with a fixed sub-second offset the truncations agree with the strict
//! rule (flask.rs and express.rs pin the boundary itself, on purpose).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use lapse::engine::{Metrics, RunOptions, SimConfig, run_policy};
use lapse::model::{Event, EventKind, Policy, Trace};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};

pub const SECOND: u64 = 1000;
/// Every event lies on an even second plus this offset (see the module doc).
pub const OFFSET_MS: u64 = 250;
/// The scenario's `away_after` (SPEC default), for `lost_typing_ms`.
pub const AWAY_AFTER_MS: u64 = 300 * SECOND;

/// The counts a browser can observe, compared one by one.
pub const COMPARED: [&str; 10] = [
    "logins",
    "logouts",
    "silent_relogins",
    "submits",
    "saved_submits",
    "lost_submits",
    "csrf_failures",
    "lost_inputs",
    "lost_edit_ms",
    "lost_typing_ms",
];

/// Session lifetime, CSRF limit and remember-me duration: all odd seconds.
pub const LIFETIME_S: u64 = 1801; // 30m 1s
pub const SHORT_LIFETIME_S: u64 = 601; // 10m 1s
pub const CSRF_LIMIT_S: u64 = 901; // 15m 1s
pub const LONG_CSRF_LIMIT_S: u64 = 3601; // 1h 1s (Flask-WTF's default, plus 1s)
pub const REMEMBER_S: u64 = 7201; // 2h 1s

const SEEDS: [u64; 3] = [7, 1001, 424242];
/// Users per seeded trace and events per user: all users of a trace are
/// replayed by one process, interleaved.
const USERS: usize = 4;
const EVENTS_PER_USER: usize = 170;

// ----- traces -------------------------------------------------------------------

/// The multi-tab traces' seeds (SPEC revision 2).
const TAB_SEEDS: [u64; 1] = [31337];
/// Tabs a user of a multi-tab trace works in.
const TABS: u8 = 3;

/// The seeded traces every framework replays: `seed N` in one tab, and
/// `seed N tabs` in several tabs with sleeps.
pub fn seeded_traces() -> Vec<(String, Trace)> {
    let one_tab = SEEDS
        .iter()
        .map(|&s| (format!("seed {s}"), trace(s, USERS, EVENTS_PER_USER)));
    let tabs = TAB_SEEDS.iter().map(|&s| {
        let mut rng = StdRng::seed_from_u64(s);
        let users = (0..USERS)
            .map(|u| (format!("u{u}"), tab_user_events(&mut rng, EVENTS_PER_USER)))
            .collect::<Vec<_>>();
        (format!("seed {s} tabs"), Trace::from_users(users))
    });
    one_tab.chain(tabs).collect()
}

pub fn is_seeded(trace_name: &str) -> bool {
    trace_name.starts_with("seed ")
}

pub fn is_multi_tab(trace_name: &str) -> bool {
    is_seeded(trace_name) && trace_name.ends_with(" tabs")
}

/// One user's varied day: bursts of work, equal instants, pauses just short
/// of and just past every duration the policies use, long absences, closes,
/// submits after edits. Times are `OFFSET_MS` past an even second.
fn user_events(rng: &mut StdRng, count: usize) -> Vec<Event> {
    // Pauses near each duration, whichever the policy: d +- 4 minutes.
    let near = [
        LIFETIME_S,
        SHORT_LIFETIME_S,
        CSRF_LIMIT_S,
        LONG_CSRF_LIMIT_S,
        REMEMBER_S,
    ];
    let mut t_s: u64 = 2 * rng.random_range(0..1800u64); // first event in the first 2 hours
    let mut prev = EventKind::Close;
    let mut events = Vec::with_capacity(count);
    for i in 0..count {
        if i > 0 {
            let gap_s = match rng.random_range(0..100u32) {
                0..12 => 0,                                  // equal instant
                12..52 => rng.random_range(1..=30u64) * 2,   // typing, clicking
                52..72 => rng.random_range(31..=450u64) * 2, // reading
                72..94 => {
                    let d = near[rng.random_range(0..near.len())];
                    (d - 240 + rng.random_range(0..=480u64)) & !1 // even
                }
                _ => rng.random_range(1800..=7200u64) * 2, // away for hours
            };
            t_s += gap_s;
        }
        let kind = next_kind(rng, prev);
        events.push(Event::new(t_s * SECOND + OFFSET_MS, kind));
        prev = kind;
    }
    events
}

/// A user's day as in `user_events`, spread over up to `TABS` tabs of one
/// browser: mostly in the same tab, now and then another one; half the
/// closes close every tab at once (the browser quits); and the device sleeps
/// over about a third of the pauses of 10 minutes or more.
fn tab_user_events(rng: &mut StdRng, count: usize) -> Vec<Event> {
    let mut events = Vec::with_capacity(count * 2);
    let mut tab: u8 = 0;
    for e in user_events(rng, count) {
        if rng.random_range(0..100u32) < 30 {
            tab = rng.random_range(0..TABS);
        }
        if e.kind() == EventKind::Close && rng.random_bool(0.5) {
            events.extend((0..TABS).map(|k| Event::with_tab(e.time(), EventKind::Close, k)));
        } else {
            events.push(Event::with_tab(e.time(), e.kind(), tab));
        }
    }
    with_sleeps(rng, events)
}

/// `sleep` 2 s after an event and `wake` 2 s before the next (both on the
/// even-second grid, nothing in between) over about a third of the pauses of
/// 10 minutes or more.
fn with_sleeps(rng: &mut StdRng, events: Vec<Event>) -> Vec<Event> {
    let mut out = Vec::with_capacity(events.len() * 2);
    for (i, e) in events.iter().enumerate() {
        out.push(*e);
        let Some(next) = events.get(i + 1) else {
            break;
        };
        if next.time() - e.time() >= 600 * SECOND && rng.random_range(0..3u32) == 0 {
            out.push(Event::new(e.time() + 2 * SECOND, EventKind::Sleep));
            out.push(Event::new(next.time() - 2 * SECOND, EventKind::Wake));
        }
    }
    out
}

/// Edits come in runs that usually end in a submit.
fn next_kind(rng: &mut StdRng, prev: EventKind) -> EventKind {
    use EventKind::*;
    let weights: [(EventKind, u32); 6] = if prev == Input {
        [
            (Input, 45),
            (Submit, 25),
            (Request, 10),
            (Activity, 8),
            (View, 6),
            (Close, 6),
        ]
    } else {
        [
            (View, 16),
            (Request, 24),
            (Input, 26),
            (Submit, 8),
            (Activity, 14),
            (Close, 12),
        ]
    };
    let total: u32 = weights.iter().map(|w| w.1).sum();
    let mut pick = rng.random_range(0..total);
    for (kind, w) in weights {
        if pick < w {
            return kind;
        }
        pick -= w;
    }
    unreachable!("the pick is below the total weight")
}

fn trace(seed: u64, users: usize, events_per_user: usize) -> Trace {
    let mut rng = StdRng::seed_from_u64(seed);
    Trace::from_users((0..users).map(|u| (format!("u{u}"), user_events(&mut rng, events_per_user))))
}

/// A hand-made user's events: (ms, kind).
pub type HandEvents = Vec<(u64, EventKind)>;

/// A hand-made trace: per user, (ms, kind).
pub fn hand_trace(users: &[(&str, Vec<(u64, EventKind)>)]) -> Trace {
    Trace::from_users(users.iter().map(|(name, events)| {
        let events = events.iter().map(|&(t, k)| Event::new(t, k)).collect();
        (name.to_string(), events)
    }))
}

// ----- environments ---------------------------------------------------------------

pub fn framework_dir(framework: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/frameworks")
        .join(framework)
}

/// `target/tmp/NAME`: built environments, and the traces, exported settings
/// and batch a driver reads (they stay for a look after a failure).
pub fn tmp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

pub fn run(cmd: &mut Command, what: &str, hint: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("could not {what} ({cmd:?}): {e}\n{hint}"));
    assert!(
        out.status.success(),
        "could not {what} ({cmd:?}): {}\n{}\n{}\n{hint}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    out
}

/// A Python interpreter of at least `min` (major, minor): `python3` itself,
/// `python3.X` on the PATH, or one of pyenv's (this machine's image carries
/// pyenv's 3.12 and 3.13 beside Debian's 3.11).
fn find_python(min: (u32, u32)) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = ["python3", "python3.14", "python3.13", "python3.12"]
        .iter()
        .map(PathBuf::from)
        .collect();
    let pyenv_root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pyenv")));
    if let Some(Ok(entries)) = pyenv_root.map(|r| std::fs::read_dir(r.join("versions"))) {
        let mut versions: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin/python3"))
            .collect();
        versions.sort();
        versions.reverse(); // the newest first
        candidates.extend(versions);
    }
    candidates.into_iter().find(|python| {
        let Ok(out) = Command::new(python)
            .args([
                "-c",
                "import sys, venv, ensurepip; print(*sys.version_info[:2])",
            ])
            .output()
        else {
            return false;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let mut v = text
            .split_whitespace()
            .filter_map(|n| n.parse::<u32>().ok());
        out.status.success() && (v.next().unwrap_or(0), v.next().unwrap_or(0)) >= min
    })
}

/// The virtualenv `target/tmp/NAME-venv` with `requirements` installed, made
/// with a Python of at least `min`; its Python. Reused while its copy of the
/// requirements matches.
pub fn python_env(name: &str, requirements: &Path, min: (u32, u32)) -> PathBuf {
    let no_python = format!(
        "The {name} parity test needs Python {}.{} or newer with its venv module and pip. \
         On Debian: `apt-get install python3 python3-venv python3-pip` (Debian 12's Python \
         is 3.11: for {}.{}, `pyenv install {}.{}` or a newer Debian's python3).",
        min.0, min.1, min.0, min.1, min.0, min.1
    );
    let wanted = std::fs::read_to_string(requirements)
        .unwrap_or_else(|e| panic!("read {}: {e}", requirements.display()));
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-venv"));
    let python = venv.join("bin/python");
    let stamp = venv.join("lapse-requirements.txt");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_ref() == Some(&wanted) {
        return python;
    }
    let Some(base) = find_python(min) else {
        panic!("no Python found for the {name} parity test.\n{no_python}");
    };
    if venv.exists() {
        std::fs::remove_dir_all(&venv).expect("remove the stale virtualenv");
    }
    run(
        Command::new(&base).arg("-m").arg("venv").arg(&venv),
        "create a virtualenv",
        &no_python,
    );
    run(
        Command::new(&python)
            .args(["-m", "pip", "install", "--disable-pip-version-check", "-q"])
            .arg("-r")
            .arg(requirements),
        &format!("install {}", requirements.display()),
        "pip needs to reach PyPI (or PIP_FIND_LINKS pointing at the wheels).",
    );
    std::fs::write(&stamp, &wanted).expect("write the virtualenv's stamp");
    python
}

/// `target/tmp/NAME-env/node_modules`, installed with `npm ci` from the
/// framework's package.json and committed package-lock.json. Reused while its
/// copies of both match.
pub fn node_env(name: &str, dir: &Path) -> PathBuf {
    const NO_NODE: &str = "The Express parity test needs Node.js (18 or newer) and npm: \
        install them (Debian: `apt-get install nodejs npm`).";
    let version = run(Command::new("node").arg("--version"), "run node", NO_NODE);
    let major: u32 = String::from_utf8_lossy(&version.stdout)
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(major >= 18, "node {major} is too old.\n{NO_NODE}");
    let env = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-env"));
    let files = ["package.json", "package-lock.json"];
    let wanted: Vec<String> = files
        .iter()
        .map(|f| {
            std::fs::read_to_string(dir.join(f))
                .unwrap_or_else(|e| panic!("read {}/{f}: {e}", dir.display()))
        })
        .collect();
    let stamp = env.join("lapse-stamp.json");
    let modules = env.join("node_modules");
    let stamped = std::fs::read_to_string(&stamp).ok() == Some(json!(wanted).to_string());
    if modules.exists() && stamped {
        return modules;
    }
    if env.exists() {
        std::fs::remove_dir_all(&env).expect("remove the stale node environment");
    }
    std::fs::create_dir_all(&env).expect("create the node environment");
    for (f, text) in files.iter().zip(&wanted) {
        std::fs::write(env.join(f), text).expect("copy the package files");
    }
    run(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&env),
        "install the Express packages (npm ci)",
        &format!("{NO_NODE} npm needs to reach the npm registry."),
    );
    std::fs::write(&stamp, json!(wanted).to_string()).expect("write the node environment's stamp");
    modules
}

// ----- a batch: traces x cases through one driver -----------------------------------

/// One framework configuration, the Lapse policy SPEC section 7 maps it to,
/// and the traces it replays.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub policy: Policy,
    /// The JSON object the framework app is configured from.
    pub settings: Value,
    pub traces: Vec<String>,
    /// A control: the app with one detail the mapping relies on switched off;
    /// it must disagree with the policy somewhere.
    pub control: bool,
}

/// The traces and cases replayed by one driver run, and its report.
pub struct Batch {
    pub traces: Vec<(String, Trace)>,
    pub cases: Vec<Case>,
    pub report: Value,
}

/// Writes the traces and the batch into `work`, runs `driver BATCH.json`,
/// returns its report.
pub fn replay(
    mut driver: Command,
    work: &Path,
    traces: Vec<(String, Trace)>,
    cases: Vec<Case>,
) -> Batch {
    for c in &cases {
        assert!(c.policy.problems().is_empty(), "{}", c.name);
    }
    let mut batch_traces = Vec::new();
    for (name, t) in &traces {
        let path = work.join(format!("{}.csv", name.replace(' ', "-")));
        let mut file = std::fs::File::create(&path).expect("create a trace file");
        t.write_csv(&mut file).expect("write a trace file");
        batch_traces.push(json!({"name": name, "path": path}));
    }
    let batch_cases: Vec<Value> = cases
        .iter()
        .map(|c| json!({"name": c.name, "settings": c.settings, "traces": c.traces}))
        .collect();
    let file = work.join("batch.json");
    std::fs::write(
        &file,
        json!({"traces": batch_traces, "policies": batch_cases, "away_after_ms": AWAY_AFTER_MS})
            .to_string(),
    )
    .expect("write the batch");
    let started = std::time::Instant::now();
    let out = run(driver.arg(&file), "replay the traces", "");
    println!(
        "{}: the driver replayed {} traces x {} cases in {:.1} s",
        work.display(),
        traces.len(),
        cases.len(),
        started.elapsed().as_secs_f64()
    );
    let report = serde_json::from_slice(&out.stdout).expect("the driver prints JSON");
    Batch {
        traces,
        cases,
        report,
    }
}

/// A framework's batch, built once for all its tests, and at the same time
/// as the other frameworks' (`crate::start_all_replays`): the test harness
/// runs only as many tests at once as there are cores, which would otherwise
/// leave a framework waiting for the others. A build that panicked stays
/// failed (its message kept) rather than being tried again by the next test.
pub fn shared_batch(
    cell: &'static OnceLock<Result<Batch, String>>,
    build: fn() -> Batch,
) -> &'static Batch {
    crate::start_all_replays();
    let built = cell.get_or_init(|| {
        std::panic::catch_unwind(build).map_err(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the batch's build panicked".into())
        })
    });
    match built {
        Ok(batch) => batch,
        Err(message) => panic!("{message}"),
    }
}

/// One user's replay under one case: the framework's counts and the engine's.
pub struct Replay {
    pub case: usize,
    pub trace: String,
    pub user: String,
    pub framework: Vec<u64>,
    pub engine: Vec<u64>,
}

impl Batch {
    fn trace(&self, name: &str) -> &Trace {
        &self
            .traces
            .iter()
            .find(|(n, _)| n == name)
            .expect("a known trace")
            .1
    }

    /// The framework's and the engine's counts for every user of every replay.
    pub fn replays(&self) -> Vec<Replay> {
        let results = self.report["results"].as_array().expect("results");
        let mut out = Vec::new();
        for result in results {
            let case_name = result["policy"].as_str().expect("policy name");
            let trace_name = result["trace"].as_str().expect("trace name");
            let case = self
                .cases
                .iter()
                .position(|c| c.name == case_name)
                .expect("a known case");
            let trace = self.trace(trace_name);
            // Past every event: the horizon cuts nothing the driver saw.
            let cfg = SimConfig {
                horizon: trace.end_time().unwrap_or(0) + 86_400 * SECOND,
                away_after: AWAY_AFTER_MS,
                bucket: 900 * SECOND,
            };
            let options = RunOptions {
                series: false,
                per_user: true,
            };
            let run = run_policy(trace, &self.cases[case].policy, &cfg, options);
            for (u, engine) in run.per_user.iter().enumerate() {
                let user = trace.user_name(u).to_string();
                out.push(Replay {
                    case,
                    trace: trace_name.to_string(),
                    framework: driver_counts(&result["users"][&user]),
                    engine: engine_counts(engine),
                    user,
                });
            }
        }
        out
    }

    /// Compares every user of every seeded trace: no case may differ, every
    /// control must, and every count compared but those that `cannot_occur`
    /// with this framework's policies must occur somewhere. Prints a summary;
    /// returns the tallies by case name.
    pub fn check_parity(&self, framework: &str, cannot_occur: &[&str]) -> HashMap<String, Tally> {
        let mut tallies: HashMap<String, Tally> = HashMap::new();
        for r in self.replays() {
            if !is_seeded(&r.trace) {
                continue; // the hand-made traces have tests of their own
            }
            let name = &self.cases[r.case].name;
            let tally = tallies.entry(name.clone()).or_insert_with(|| Tally {
                totals: vec![0; COMPARED.len()],
                ..Tally::default()
            });
            for (total, v) in tally.totals.iter_mut().zip(&r.framework) {
                *total += v;
            }
            tally.replays += 1;
            if r.framework != r.engine {
                tally.differ += 1;
                if tally.differ <= 3 {
                    let _ = writeln!(
                        tally.examples,
                        "  {} / user {}:\n    {framework:<7} {}\n    engine  {}",
                        r.trace,
                        r.user,
                        describe(&r.framework),
                        describe(&r.engine)
                    );
                }
            }
        }

        let seeded: Vec<&(String, Trace)> =
            self.traces.iter().filter(|(n, _)| is_seeded(n)).collect();
        let on_seeded = |c: &&Case| c.traces.iter().any(|t| is_seeded(t));
        let mapped: Vec<&Case> = self
            .cases
            .iter()
            .filter(|c| !c.control)
            .filter(on_seeded)
            .collect();
        let controls: Vec<&Case> = self
            .cases
            .iter()
            .filter(|c| c.control)
            .filter(on_seeded)
            .collect();
        let mut totals = vec![0u64; COMPARED.len()];
        for c in &mapped {
            let t = tallies
                .get(&c.name)
                .unwrap_or_else(|| panic!("{}: no seeded trace replayed", c.name));
            for (total, v) in totals.iter_mut().zip(&t.totals) {
                *total += v;
            }
        }
        println!(
            "{framework} parity: {} traces ({} events, {} users), {} policies and {} controls, \
             {} HTTP requests; {framework}'s totals over the policies: {}; CSRF messages (all replays): {}",
            seeded.len(),
            seeded.iter().map(|(_, t)| t.num_events()).sum::<usize>(),
            seeded.iter().map(|(_, t)| t.num_users()).sum::<usize>(),
            mapped.len(),
            controls.len(),
            self.report["requests"],
            describe(&totals),
            self.report["csrf_messages"],
        );
        for c in &controls {
            if let Some(t) = tallies.get(&c.name) {
                println!(
                    "control {}: {} of {} user replays differ",
                    c.name, t.differ, t.replays
                );
            }
        }
        let mut differences = String::new();
        for c in &mapped {
            let t = &tallies[&c.name];
            if t.differ > 0 {
                let _ = writeln!(
                    differences,
                    "{}: {} of {} user replays differ, e.g.\n{}",
                    c.name, t.differ, t.replays, t.examples
                );
            }
        }
        assert!(
            differences.is_empty(),
            "{framework} and the engine disagree:\n{differences}"
        );
        for c in &controls {
            assert!(
                tallies[&c.name].differ > 0,
                "control {}: {framework} should disagree with the mapped policy",
                c.name
            );
        }
        for (name, total) in COMPARED.iter().zip(&totals) {
            if !cannot_occur.contains(name) {
                assert!(*total > 0, "{framework}: no trace produced any {name}");
            }
        }
        tallies
    }

    /// Whether any replayed trace has several tabs (`seed N tabs`).
    pub fn has_multi_tab(&self) -> bool {
        self.traces.iter().any(|(n, _)| is_multi_tab(n))
    }

    /// The counts that cannot occur without remember-me (Django, Express):
    /// nobody is restored silently, and a page's token fails on a live session
    /// only after another tab logged in again (one tab: the page reloads at
    /// every new session).
    pub fn without_remember_me(&self) -> Vec<&'static str> {
        let mut out = vec!["silent_relogins"];
        if !self.has_multi_tab() {
            out.push("csrf_failures");
        }
        out
    }

    /// The replays of the hand-made trace `trace`, by user: (case, framework, engine).
    pub fn hand_replays(&self, trace: &str) -> Vec<(String, String, Vec<u64>, Vec<u64>)> {
        self.replays()
            .into_iter()
            .filter(|r| r.trace == trace)
            .map(|r| {
                (
                    self.cases[r.case].name.clone(),
                    r.user,
                    r.framework,
                    r.engine,
                )
            })
            .collect()
    }
}

/// Per case: user replays compared, those that differ, the first few
/// differences described, and the framework's totals.
#[derive(Default)]
pub struct Tally {
    pub replays: usize,
    pub differ: usize,
    pub examples: String,
    pub totals: Vec<u64>,
}

impl Tally {
    pub fn total(&self, name: &str) -> u64 {
        self.totals[COMPARED.iter().position(|m| *m == name).expect("compared")]
    }
}

fn engine_counts(m: &Metrics) -> Vec<u64> {
    COMPARED
        .iter()
        .map(|n| m.get(n).expect("a SPEC metric"))
        .collect()
}

fn driver_counts(user: &Value) -> Vec<u64> {
    COMPARED
        .iter()
        .map(|n| {
            user[n]
                .as_u64()
                .unwrap_or_else(|| panic!("driver output lacks {n}: {user}"))
        })
        .collect()
}

pub fn describe(counts: &[u64]) -> String {
    COMPARED
        .iter()
        .zip(counts)
        .map(|(n, v)| format!("{n} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Expected counts given as the non-zero ones.
pub fn counts(nonzero: &[(&str, u64)]) -> Vec<u64> {
    COMPARED
        .iter()
        .map(|n| nonzero.iter().find(|(m, _)| m == n).map_or(0, |&(_, v)| v))
        .collect()
}

/// A file name for a case's exported settings.
pub fn file_name(case: &str) -> String {
    case.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
}

/// Every valid combination of the server-side fields SPEC section 7 maps
/// (the client-side ones, warning, keepalive, redirect and drafts, are the
/// client script's), to check what each export marks as not expressible.
pub fn policy_grid() -> Vec<Policy> {
    use lapse::model::{Csrf, Dur, Refresh};
    let mut out = Vec::new();
    for idle in [None, Some(Dur::secs(LIFETIME_S))] {
        for refresh in [
            Refresh::EachRequest,
            Refresh::OnModify,
            Refresh::HalfWindow,
            Refresh::Never,
        ] {
            for browser_session in [false, true] {
                for remember_me in [None, Some(Dur::secs(REMEMBER_S))] {
                    for absolute_timeout in [None, Some(Dur::hours(8))] {
                        for csrf in [
                            None,
                            Some(Csrf { time_limit: None }),
                            Some(Csrf {
                                time_limit: Some(Dur::secs(CSRF_LIMIT_S)),
                            }),
                        ] {
                            let mut p = Policy::named("grid");
                            p.idle_timeout = idle;
                            p.refresh = refresh;
                            p.browser_session = browser_session;
                            p.remember_me = remember_me;
                            p.absolute_timeout = absolute_timeout;
                            p.csrf = csrf;
                            if p.problems().is_empty() {
                                out.push(p);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}
