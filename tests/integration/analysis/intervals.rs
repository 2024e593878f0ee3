//! Replicates, intervals and paired differences (docs/replicates.md): the
//! statistics on hand-worked inputs, replicate 0 against a plain run, the
//! scenario fields' rules, and the intervals' coverage measured on
//! populations whose true value is known.

use std::time::Instant;

use lapse::analysis::intervals::{Method, paired, percentile, sample_total, student_t, t_quantile};
use lapse::analysis::replicates::{Draws, ReplicateSpec, Replicated, run_replicated, sample_users};
use lapse::engine::{Metrics, Progress, RunOptions, run_scenario};
use lapse::generate::generate;
use lapse::model::{Scenario, Trace};
use rand::RngExt as _;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

use crate::support::{lapse, lapse_in};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-3
}

// ----- the statistics, worked by hand ---------------------------------------

#[test]
fn student_t_interval_of_five_values() {
    // 10..18 step 2: mean 14, s² = (16+4+0+4+16)/4 = 10, s/√5 = 1.414214;
    // t(0.975, 4) = 2.776445 (printed tables: 2.776), half = 3.926354.
    assert!(close(t_quantile(4), 2.776445));
    let iv = student_t(&[10.0, 12.0, 14.0, 16.0, 18.0]);
    assert!(close(iv.mean, 14.0), "{iv:?}");
    assert!(close(iv.low, 10.073646), "{iv:?}");
    assert!(close(iv.high, 17.926354), "{iv:?}");
}

#[test]
fn percentile_interval_of_twenty_values() {
    // 1..=20: the 2.5th percentile sits at 0.025 · 19 = 0.475 of the way
    // from the 1st to the 2nd value (1.475), the 97.5th at 18.525 (19.525).
    let v: Vec<f64> = (1..=20).map(f64::from).collect();
    let iv = percentile(&v);
    assert!(
        close(iv.mean, 10.5) && close(iv.low, 1.475) && close(iv.high, 19.525),
        "{iv:?}"
    );
}

#[test]
fn bootstrap_interval_is_the_traces_own_value_plus_minus_t_times_the_spread() {
    // Own value 14 (first), then 10, 12, 16, 18: mean 14, s = √10 = 3.162278;
    // t(0.975, 4) = 2.776445; 5 users: plug-in factor √(5/4) = 1.118034;
    // half = 9.816216, not divided by √5.
    let iv = lapse::analysis::intervals::bootstrap(&[14.0, 10.0, 12.0, 16.0, 18.0], 5);
    assert!(close(iv.mean, 14.0), "{iv:?}");
    assert!(
        close(iv.low, 4.183784) && close(iv.high, 23.816216),
        "{iv:?}"
    );
    // The own value is the centre even when the resamples lean one way.
    let iv = lapse::analysis::intervals::bootstrap(&[10.0, 12.0, 14.0], 100);
    assert!(close(iv.mean, 10.0), "{iv:?}");
}

#[test]
fn a_sample_scales_to_the_population_with_the_finite_population_factor() {
    // 4 of 8 users, values 0,1,2,3: total 8 · 1.5 = 12; s² = 5/3;
    // se = 8 · √((1 - 4/8) · (5/3) / 4) = 3.651484; t(0.975, 3) = 3.182446;
    // half = 11.620723.
    let iv = sample_total(&[0.0, 1.0, 2.0, 3.0], 8);
    assert!(close(iv.mean, 12.0), "{iv:?}");
    assert!(
        close(iv.low, 0.379277) && close(iv.high, 23.620723),
        "{iv:?}"
    );
    // Everyone sampled: nothing left to estimate.
    let all = sample_total(&[0.0, 1.0, 2.0, 3.0], 4);
    assert!(close(all.low, 6.0) && close(all.high, 6.0), "{all:?}");
}

#[test]
fn paired_differences_can_agree_in_sign_and_still_cover_zero() {
    // Differences -2, -3, -1: mean -2, s = 1, se = 1/√3 = 0.577350;
    // t(0.975, 2) = 4.302653, half = 2.484138: -4.484 to 0.484.
    let d = paired(
        Method::StudentT,
        &[10.0, 20.0, 30.0],
        &[8.0, 17.0, 29.0],
        10,
    );
    assert!(close(d.mean, -2.0), "{d:?}");
    assert!(close(d.low, -4.484138) && close(d.high, 0.484138), "{d:?}");
    assert_eq!((d.agree, d.replicates), (Some(3), 3));
    assert!(!d.is_clear());
    // Five replicates, differences -2 -3 -1 -2 -2: s² = 0.5, half = 0.877939.
    let d = paired(
        Method::StudentT,
        &[0.0; 5],
        &[-2.0, -3.0, -1.0, -2.0, -2.0],
        10,
    );
    assert!(close(d.high, -2.0 + 0.877939) && d.is_clear(), "{d:?}");
}

// ----- replicates through the library ---------------------------------------

/// A small generated population: `users` office workers for one day.
fn small_scenario(users: usize, seed: u64) -> Scenario {
    let text = format!(
        r#"Scenario(
    name: "small",
    seed: {seed},
    horizon: "1d",
    profiles: [Profile(name: "office")],
    population: Generated([(profile: "office", users: {users})]),
    policies: [
        Policy(name: "alert", idle_timeout: "30m", refresh: EachRequest,
            warning: Warning(lead: "5m", resets_on: RequestsAndActivity, on_response: Dismiss)),
        Policy(name: "keepalive", idle_timeout: "30m", refresh: EachRequest,
            keepalive: Keepalive(interval: "5m"),
            warning: Warning(lead: "5m", resets_on: Requests, on_response: Extend)),
    ],
)"#
    );
    Scenario::parse(&text, None).expect("the test scenario is valid")
}

fn replicated(scenario: &Scenario, trace: &Trace, spec: ReplicateSpec) -> Replicated {
    run_replicated(
        scenario,
        trace,
        &spec,
        RunOptions::TOTALS,
        &Progress::default(),
    )
    .expect("the population generates")
    .expect("not cancelled")
}

fn spec(replicates: usize, draws: Draws) -> ReplicateSpec {
    ReplicateSpec {
        replicates,
        draws,
        sample: None,
    }
}

#[test]
fn replicate_zero_is_the_plain_run_and_the_others_differ() {
    let s = small_scenario(8, 42);
    let trace = generate(&s).expect("generates");
    let plain = run_scenario(&s, &trace, RunOptions::TOTALS);
    let r = replicated(&s, &trace, spec(4, Draws::Generated));
    assert_eq!(r.run, plain);
    assert_eq!(r.replicates(), 4);
    assert_eq!(r.method, Method::StudentT);
    // Another seed is another population: some count differs.
    assert_ne!(r.values[1], r.values[0]);
    // The same scenario gives the same replicates (the seed rule is fixed).
    assert_eq!(replicated(&s, &trace, spec(4, Draws::Generated)), r);
}

#[test]
fn a_bootstrap_replicate_has_as_many_users_drawn_from_the_trace() {
    let s = small_scenario(8, 42);
    let trace = generate(&s).expect("generates");
    let again = lapse::analysis::replicates::replicate_trace(&s, &trace, Draws::Bootstrap, 1)
        .expect("resamples");
    assert_eq!(again.num_users(), trace.num_users());
    let originals: Vec<&[lapse::model::Event]> = trace.users().map(|(_, e)| e).collect();
    for (_, events) in again.users() {
        assert!(
            originals.contains(&events),
            "a resampled user is one of the trace's"
        );
    }
}

#[test]
fn every_policy_sees_the_same_users_so_identical_policies_differ_by_zero() {
    let mut s = small_scenario(6, 1);
    let mut twin = s.policies[0].clone();
    twin.name = "twin".into();
    s.policies[1] = twin;
    let trace = generate(&s).expect("generates");
    let r = replicated(&s, &trace, spec(5, Draws::Generated));
    for (metric, d) in r.paired(0, 1) {
        assert_eq!((d.mean, d.low, d.high), (0.0, 0.0, 0.0), "{metric}");
        assert!(!d.is_clear());
    }
}

// ----- the scenario fields and the command line -----------------------------

const SEED_ARTICLE: &str = "scenarios/seed-article.ron";

#[test]
fn old_scenarios_load_with_one_replicate_and_save_without_the_field() {
    let file = Scenario::load(std::path::Path::new(SEED_ARTICLE)).expect("loads");
    assert_eq!(file.scenario.replicates, 1);
    assert_eq!(file.scenario.sample_users, None);
    assert!(!file.scenario.to_ron().contains("replicates"));
}

fn validate_text(dir: &std::path::Path, fields: &str) -> crate::support::Run {
    let text = format!(
        "Scenario(\n    name: \"s\",\n    horizon: \"1d\",\n{fields}\n    population: Trace(path: \"t.csv\"),\n    policies: [Policy(name: \"a\", idle_timeout: \"30m\")],\n)\n"
    );
    std::fs::write(dir.join("s.ron"), text).expect("write");
    std::fs::write(dir.join("t.csv"), "user,time_ms,kind\nu,0,request\n").expect("write");
    lapse_in(dir, &["validate", "s.ron"])
}

#[test]
fn the_validator_refuses_zero_and_absurd_replicates_and_bad_samples() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = validate_text(dir.path(), "    replicates: 0,");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("error: s.ron:4:5: replicates must be between 1 and 1000"),
        "{}",
        run.stderr
    );
    let run = validate_text(dir.path(), "    replicates: 1000000,");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("s.ron:4:5: replicates must be"),
        "{}",
        run.stderr
    );
    let run = validate_text(dir.path(), "    sample_users: 1.5,");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("s.ron:4:5: sample_users must be a share"),
        "{}",
        run.stderr
    );
    let run = validate_text(dir.path(), "    replicates: 20,\n    sample_users: 0.5,");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("s.ron:5:5: sample_users and replicates"),
        "{}",
        run.stderr
    );
    let run = validate_text(dir.path(), "    replicates: 20,");
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(0), "ok\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_flags_are_checked_before_anything_runs() {
    let run = lapse(&["run", SEED_ARTICLE, "--replicates", "0"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let run = lapse(&["run", SEED_ARTICLE, "--sample-users", "0"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("must be above 0"), "{}", run.stderr);
    let run = lapse(&[
        "run",
        SEED_ARTICLE,
        "--replicates",
        "2",
        "--baseline",
        "nope",
    ]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("--baseline \"nope\": no such policy"),
        "{}",
        run.stderr
    );
}

#[test]
fn json_keeps_replicate_zero_as_metrics_and_adds_intervals_and_differences() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("small.ron");
    std::fs::write(&path, small_scenario(10, 42).to_ron()).expect("write");
    let path = path.to_str().expect("utf-8 path");
    let plain = lapse(&["run", path, "--format", "json"]);
    let many = lapse(&["run", path, "--format", "json", "--replicates", "3"]);
    assert_eq!(
        (plain.code, many.code),
        (Some(0), Some(0)),
        "{}",
        many.stderr
    );
    let plain: serde_json::Value = serde_json::from_str(&plain.stdout).expect("json");
    let many: serde_json::Value = serde_json::from_str(&many.stdout).expect("json");
    for p in 0..2 {
        assert_eq!(
            many["policies"][p]["metrics"],
            plain["policies"][p]["metrics"]
        );
        let iv = &many["policies"][p]["intervals"]["logins"];
        let (low, mean, high) = (iv["low"].as_f64(), iv["mean"].as_f64(), iv["high"].as_f64());
        assert!(low <= mean && mean <= high && low.is_some(), "{iv}");
    }
    assert_eq!(many["replicates"], 3);
    assert_eq!(many["method"], "student_t");
    let d = &many["differences"][0];
    assert_eq!(
        (d["policy"].as_str(), d["baseline"].as_str()),
        (Some("keepalive"), Some("alert"))
    );
    assert_eq!(d["metrics"]["logins"]["replicates"], 3);
    // The table says each cell's spread and the difference in words.
    let table = lapse(&["run", path, "--format", "table", "--replicates", "3"]);
    assert!(table.stdout.contains(" ± "), "{}", table.stdout);
    assert!(table.stdout.contains("keepalive: "), "{}", table.stdout);
    assert!(
        table.stdout.contains(" than alert, 95 % interval ")
            || table.stdout.contains("no clear difference"),
        "{}",
        table.stdout
    );
}

// ----- coverage: does the 95 % interval hold the truth about 95 % of the time?

/// Runs with independent seeds, out of which coverage is counted.
const RUNS: usize = 100;
/// Replicates in each run.
const REPLICATES: usize = 20;
/// Coverage over RUNS runs must land in 88..=99 (the issue's rule): a 95 %
/// interval that covers 100 of 100 is too wide, under 88 too narrow.
fn assert_coverage(what: &str, covered: usize) {
    assert!(
        (88..=99).contains(&covered),
        "{what}: the 95 % interval covered the true value in {covered} of {RUNS} runs"
    );
}

fn metric(m: &Metrics, name: &str) -> f64 {
    m.get(name).expect("a metric") as f64
}

#[test]
fn student_t_intervals_cover_the_mean_over_many_seeds() {
    let started = Instant::now();
    // The truth: the mean over 200 populations, seeds 1_000_000.. (no run's
    // replicate uses them).
    let users = 4;
    let names = ["logins", "warnings_shown"];
    let mut truth = [0.0; 2];
    for seed in 0..200 {
        let s = small_scenario(users, 1_000_000 + seed);
        let trace = generate(&s).expect("generates");
        let run = run_scenario(&s, &trace, RunOptions::TOTALS);
        for (t, name) in truth.iter_mut().zip(names) {
            *t += metric(&run.policies[0].metrics, name) / 200.0;
        }
    }
    let mut covered = [0; 2];
    for run in 0..RUNS {
        let s = small_scenario(users, run as u64);
        let trace = generate(&s).expect("generates");
        let r = replicated(&s, &trace, spec(REPLICATES, Draws::Generated));
        let intervals = r.intervals(0);
        for ((c, name), t) in covered.iter_mut().zip(names).zip(truth) {
            let (_, iv) = intervals.iter().find(|(n, _)| *n == name).expect("named");
            *c += usize::from(iv.covers(t));
        }
    }
    eprintln!("student t coverage {covered:?} in {:?}", started.elapsed());
    for (c, name) in covered.into_iter().zip(names) {
        assert_coverage(name, c);
    }
}

/// A universe of users to draw traces from, each user's metrics under the
/// first policy known.
fn universe(users: usize) -> (Scenario, Trace, Vec<Metrics>) {
    let s = small_scenario(users, 7);
    let trace = generate(&s).expect("generates");
    let run = run_scenario(&s, &trace, RunOptions::EVERYTHING);
    let per_user = run.policies[0].per_user.clone();
    (s, trace, per_user)
}

#[test]
fn bootstrap_intervals_cover_the_expected_total_of_a_trace() {
    let started = Instant::now();
    let (s, world, per_user) = universe(200);
    // A trace of n users drawn at random from the universe: its total's
    // expectation is n times the universe's mean per user.
    let n = 12;
    let names = ["logins", "warnings_shown"];
    let truth: Vec<f64> = names
        .iter()
        .map(|name| {
            n as f64 * per_user.iter().map(|m| metric(m, name)).sum::<f64>() / per_user.len() as f64
        })
        .collect();
    let mut covered = [0; 2];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(99);
    for run in 0..RUNS {
        let picks: Vec<usize> = (0..n)
            .map(|_| rng.random_range(0..world.num_users()))
            .collect();
        let trace = Trace::from_users(
            picks
                .iter()
                .map(|&u| (format!("u{u}"), world.user_events(u).to_vec())),
        );
        let mut own = s.clone();
        own.seed = run as u64;
        let r = replicated(&own, &trace, spec(REPLICATES, Draws::Bootstrap));
        assert_eq!(r.method, Method::Bootstrap);
        let intervals = r.intervals(0);
        for ((c, name), t) in covered.iter_mut().zip(names).zip(&truth) {
            let (_, iv) = intervals.iter().find(|(x, _)| *x == name).expect("named");
            *c += usize::from(iv.covers(*t));
        }
    }
    eprintln!("bootstrap coverage {covered:?} in {:?}", started.elapsed());
    for (c, name) in covered.into_iter().zip(names) {
        assert_coverage(name, c);
    }
}

#[test]
fn sampled_totals_cover_the_whole_populations_total() {
    let started = Instant::now();
    let (s, world, per_user) = universe(200);
    let names = ["logins", "warnings_shown"];
    let truth: Vec<f64> = names
        .iter()
        .map(|name| per_user.iter().map(|m| metric(m, name)).sum())
        .collect();
    let mut covered = [0; 2];
    for run in 0..RUNS {
        let mut own = s.clone();
        own.seed = run as u64;
        let sample = ReplicateSpec {
            replicates: 1,
            draws: Draws::Bootstrap,
            sample: Some(0.1),
        };
        let r = replicated(&own, &world, sample);
        assert_eq!(r.run.users, 20);
        // `metrics` are the sampled users' own counts.
        let sampled = sample_users(&world, 0.1, run as u64);
        assert_eq!(r.run, run_scenario(&own, &sampled, RunOptions::TOTALS));
        let intervals = r.intervals(0);
        for ((c, name), t) in covered.iter_mut().zip(names).zip(&truth) {
            let (_, iv) = intervals.iter().find(|(x, _)| *x == name).expect("named");
            *c += usize::from(iv.covers(*t));
        }
    }
    eprintln!("sample coverage {covered:?} in {:?}", started.elapsed());
    for (c, name) in covered.into_iter().zip(names) {
        assert_coverage(name, c);
    }
}
