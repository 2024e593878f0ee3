//! Generated populations: distributions, working days, breaks, end of day,
//! reproducibility and validation. Expected values come from the
//! distributions' closed-form quantiles or from schedules worked out by hand.

use std::path::Path;

use lapse::generate::generate;
use lapse::model::{Event, EventKind, Scenario, Trace};

const SEC: u64 = 1000;
const MIN: u64 = 60 * SEC;
const HOUR: u64 = 60 * MIN;
const DAY: u64 = 24 * HOUR;

fn scenario(text: &str) -> Scenario {
    Scenario::parse(text, Some(Path::new("t.ron"))).unwrap_or_else(|e| panic!("{e}"))
}

fn trace(text: &str) -> Trace {
    generate(&scenario(text)).unwrap_or_else(|e| panic!("{e}"))
}

fn csv(trace: &Trace) -> Vec<u8> {
    let mut out = Vec::new();
    trace.write_csv(&mut out).expect("write to memory");
    out
}

/// A scenario with one profile (written as its fields) and groups; one tab
/// and a computer that never sleeps, unless the fields say otherwise.
fn with_profile(horizon: &str, profile_fields: &str, groups: &str) -> String {
    let mut fields = profile_fields.to_string();
    if !fields.contains("tabs:") {
        fields.push_str(", tabs: Tabs(max: 1)");
    }
    if !fields.contains("device:") {
        fields.push_str(", device: Device(laptops: 0.0)");
    }
    format!(
        r#"Scenario(
    name: "t",
    seed: 7,
    horizon: "{horizon}",
    profiles: [Profile(name: "p", {fields})],
    population: Generated([{groups}]),
    policies: [Policy(name: "A")],
)"#
    )
}

/// One user doing nothing but requests, each `think` after the one before,
/// for one long day: every gap between events is one draw of `think`.
fn think_gaps(think: &str, horizon: &str) -> Vec<f64> {
    let text = with_profile(
        horizon,
        &format!(
            r#"days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], arrival: Constant("0s"),
               day_length: Constant("3600d"), breaks: [], end_of_day: LeaveOpen,
               tasks: [Spa(requests: Constant(1000000), think: {think})]"#
        ),
        r#"(profile: "p", users: 1)"#,
    );
    let t = trace(&text);
    let events = t.user_events(0);
    let mut last = 0;
    events
        .iter()
        .map(|e| {
            let gap = e.time() - last;
            last = e.time();
            gap as f64
        })
        .collect()
}

/// The share of `gaps` at most `x`.
fn ecdf(gaps: &[f64], x: f64) -> f64 {
    gaps.iter().filter(|&&g| g <= x).count() as f64 / gaps.len() as f64
}

/// Standard normal quantiles z_p (from tables).
const Z: [(f64, f64); 6] = [
    (0.10, -1.281_551_565_544_600_4),
    (0.25, -0.674_489_750_196_081_7),
    (0.50, 0.0),
    (0.75, 0.674_489_750_196_081_7),
    (0.90, 1.281_551_565_544_600_4),
    (0.99, 2.326_347_874_040_840_8),
];

/// Checks F_n(Q(p)) = p within 0.01 at each p (the DKW bound at n = 100 000
/// makes a larger deviation a one-in-a-million event).
fn assert_quantiles(think: &str, horizon: &str, quantile: impl Fn(f64) -> f64, ps: &[f64]) {
    let gaps = think_gaps(think, horizon);
    assert!(gaps.len() >= 100_000, "{think}: only {} gaps", gaps.len());
    for &p in ps {
        let q = quantile(p);
        let got = ecdf(&gaps, q);
        assert!(
            (got - p).abs() < 0.01,
            "{think}: F({q:.0} ms) = {got:.4}, expected {p}"
        );
    }
}

const PS: [f64; 6] = [0.1, 0.25, 0.5, 0.75, 0.9, 0.99];

fn z(p: f64) -> f64 {
    Z.iter()
        .find(|(q, _)| (q - p).abs() < 1e-12)
        .map(|&(_, z)| z)
        .unwrap_or_else(|| panic!("no z for {p}"))
}

#[test]
fn constant_gaps_are_constant() {
    let gaps = think_gaps(r#"Constant("7s")"#, "9d");
    assert!(gaps.len() >= 100_000);
    assert!(gaps.iter().all(|&g| g == 7000.0));
}

#[test]
fn uniform_gaps_match_their_quantiles() {
    assert_quantiles(
        r#"Uniform(min: "10s", max: "70s")"#,
        "75d",
        |p| 10_000.0 + p * 60_000.0,
        &PS,
    );
}

#[test]
fn normal_gaps_match_their_quantiles() {
    assert_quantiles(
        r#"Normal(mean: "60s", sd: "15s")"#,
        "75d",
        |p| 60_000.0 + 15_000.0 * z(p),
        &PS,
    );
}

#[test]
fn normal_gaps_are_truncated_at_zero() {
    // Mean 0: the truncated normal is a half-normal, Q(p) = sd * z((1 + p) / 2).
    let gaps = think_gaps(r#"Normal(mean: "0s", sd: "20s")"#, "200d");
    assert!(gaps.len() >= 100_000);
    for (p, zq) in [(0.5, z(0.75)), (0.8, z(0.9)), (0.98, z(0.99))] {
        let got = ecdf(&gaps, 20_000.0 * zq);
        assert!((got - p).abs() < 0.01, "F = {got}, expected {p}");
    }
}

#[test]
fn log_normal_gaps_match_their_quantiles() {
    // Median 20 s, sigma 1: Q(p) = 20 s * e^(z_p); mean 20 s * e^0.5 = 33 s.
    assert_quantiles(
        r#"LogNormal(median: "20s", sigma: 1.0)"#,
        "50d",
        |p| 20_000.0 * z(p).exp(),
        &PS,
    );
}

#[test]
fn exponential_gaps_match_their_quantiles() {
    assert_quantiles(
        r#"Exponential(mean: "7s")"#,
        "10d",
        |p| -7000.0 * (1.0 - p).ln(),
        &PS,
    );
}

#[test]
fn a_cap_clamps_draws() {
    // TPC-W style, with a cap low enough to matter: P(X >= 10 s) = e^(-10/7).
    let gaps = think_gaps(r#"Exponential(mean: "7s", cap: "10s")"#, "8d");
    assert!(gaps.len() >= 100_000);
    let at_cap = gaps.iter().filter(|&&g| g == 10_000.0).count() as f64 / gaps.len() as f64;
    assert!(gaps.iter().all(|&g| g <= 10_000.0));
    assert!(
        (at_cap - (-10.0f64 / 7.0).exp()).abs() < 0.01,
        "share at the cap {at_cap}"
    );
    let got = ecdf(&gaps, 5000.0);
    assert!((got - (1.0 - (-5.0f64 / 7.0).exp())).abs() < 0.01, "{got}");
}

#[test]
fn pareto_gaps_match_their_quantiles() {
    // Q(p) = scale * (1 - p)^(-1 / alpha); mean 3 * 30 s = 90 s.
    assert_quantiles(
        r#"Pareto(scale: "30s", alpha: 1.5)"#,
        "160d",
        |p| 30_000.0 * (1.0 - p).powf(-1.0 / 1.5),
        &PS,
    );
}

#[test]
fn weibull_gaps_match_their_quantiles() {
    // Q(p) = scale * (-ln(1 - p))^(1 / shape); mean 2 m * Gamma(1 + 1/0.7) = 2.53 m.
    assert_quantiles(
        r#"Weibull(scale: "2m", shape: 0.7)"#,
        "220d",
        |p| 120_000.0 * (-(1.0 - p).ln()).powf(1.0 / 0.7),
        &PS,
    );
}

#[test]
fn empirical_gaps_interpolate_their_points() {
    // Mean: 0.5 * 20.5 s + 0.4 * 380 s + 0.1 * 3960 s = 558 s.
    let quantile = |p: f64| match p {
        0.25 => 20_500.0,
        0.5 => 40_000.0,
        0.7 => 380_000.0,
        0.95 => 3_960_000.0,
        _ => unreachable!(),
    };
    assert_quantiles(
        r#"Empirical(quantiles: [(0.0, "1s"), (0.5, "40s"), (0.9, "12m"), (1.0, "2h")])"#,
        "800d",
        quantile,
        &[0.25, 0.5, 0.7, 0.95],
    );
}

#[test]
fn mixture_gaps_take_each_part_by_weight() {
    // Half uniform on 0-10 s, half on 20-30 s.
    let gaps = think_gaps(
        r#"Mixture([(1, Uniform(min: "0s", max: "10s")), (1, Uniform(min: "20s", max: "30s"))])"#,
        "25d",
    );
    assert!(gaps.len() >= 100_000);
    assert!(
        gaps.iter()
            .all(|&g| g <= 10_000.0 || (20_000.0..=30_000.0).contains(&g))
    );
    for (x, p) in [(5_000.0, 0.25), (15_000.0, 0.5), (25_000.0, 0.75)] {
        let got = ecdf(&gaps, x);
        assert!((got - p).abs() < 0.01, "F({x}) = {got}, expected {p}");
    }
}

// ---- Working days ----

fn times_of(events: &[Event], kind: EventKind) -> Vec<u64> {
    events
        .iter()
        .filter(|e| e.kind() == kind)
        .map(|e| e.time())
        .collect()
}

#[test]
fn only_worked_days_and_hours_have_events_and_the_browser_closes_at_leaving() {
    let t = trace(&with_profile(
        "14d",
        r#"days: [Mon, Tue, Wed, Thu, Fri], arrival: Constant("9h"), day_length: Constant("8h"),
           tasks: [Browse()], breaks: [], end_of_day: CloseBrowser"#,
        r#"(profile: "p", users: 20)"#,
    ));
    assert_eq!(t.num_users(), 20);
    let working_days: Vec<u64> = (0..14).filter(|d| d % 7 < 5).collect();
    for (name, events) in t.users() {
        assert!(!events.is_empty(), "{name}");
        for e in events {
            let day = e.time() / DAY;
            let clock = e.time() % DAY;
            assert!(day % 7 < 5, "{name}: event on a weekend, day {day}");
            assert!(
                (9 * HOUR..=17 * HOUR).contains(&clock),
                "{name}: event at {clock} ms after midnight"
            );
        }
        // The last event of each working day is the close, at 17:00 exactly.
        let closes = times_of(events, EventKind::Close);
        let expected: Vec<u64> = working_days.iter().map(|d| d * DAY + 17 * HOUR).collect();
        assert_eq!(closes, expected, "{name}");
        for &close in &closes {
            assert!(
                events
                    .iter()
                    .all(|e| e.time() <= close || e.time() >= close + 16 * HOUR)
            );
        }
    }
}

#[test]
fn lunch_at_a_time_of_day_empties_the_hour() {
    let t = trace(&with_profile(
        "7d",
        r#"arrival: Constant("9h"), day_length: Constant("8h"),
           tasks: [Spa(think: Constant("1s"))],
           breaks: [Daily(name: "lunch", at: Constant("12h"), length: Constant("1h"))],
           end_of_day: CloseBrowser"#,
        r#"(profile: "p", users: 3)"#,
    ));
    for (name, events) in t.users() {
        for day in 0..5u64 {
            let noon = day * DAY + 12 * HOUR;
            assert!(
                !events
                    .iter()
                    .any(|e| (noon..noon + HOUR).contains(&e.time())),
                "{name}: an event during lunch on day {day}"
            );
            // Requests every second up to 11:59:59, the return (an activity) at
            // 13:00, and the request that was due at 12:00 an hour later.
            let around: Vec<(u64, EventKind)> = events
                .iter()
                .filter(|e| (noon - SEC..=noon + HOUR).contains(&e.time()))
                .map(|e| (e.time(), e.kind()))
                .collect();
            assert_eq!(
                around,
                [
                    (noon - SEC, EventKind::Request),
                    (noon + HOUR, EventKind::Activity),
                    (noon + HOUR, EventKind::Request)
                ],
                "{name}, day {day}"
            );
        }
    }
}

#[test]
fn random_breaks_come_at_their_rate() {
    // Requests every second; 3 ten-minute breaks a day on average. Each break
    // shows as a gap of over 10 minutes, except one begun in the last 10
    // minutes (the user leaves from it): expected 3 * (1 - 10/480) a day.
    let t = trace(&with_profile(
        "14d",
        r#"arrival: Constant("9h"), day_length: Constant("8h"),
           tasks: [Spa(think: Constant("1s"))],
           breaks: [Random(name: "coffee", per_day: 3, length: Constant("10m"))],
           end_of_day: CloseBrowser"#,
        r#"(profile: "p", users: 100)"#,
    ));
    let mut pauses = 0;
    let mut days = 0;
    for (_, events) in t.users() {
        days += 10;
        for pair in events.windows(2) {
            let gap = pair[1].time() - pair[0].time();
            if pair[0].time() / DAY == pair[1].time() / DAY && gap >= 10 * MIN {
                pauses += 1;
                assert_eq!(pair[1].kind(), EventKind::Activity, "a return");
            }
        }
    }
    let per_day = f64::from(pauses) / f64::from(days);
    let expected = 3.0 * (1.0 - 10.0 / 480.0);
    // Poisson: the standard error over 1000 days is sqrt(3 / 1000) = 0.055.
    assert!(
        (per_day - expected).abs() < 0.2,
        "{per_day} breaks a day, expected {expected}"
    );
}

/// One user filling a 100-field form, one field every 10 minutes, 9:00-17:00.
fn long_form(end_of_day: &str) -> Vec<(u64, EventKind)> {
    let t = trace(&with_profile(
        "7d",
        &format!(
            r#"arrival: Constant("9h"), day_length: Constant("8h"),
               tasks: [Form(edits: Constant(100), think: Constant("10m"))],
               breaks: [], end_of_day: {end_of_day}"#
        ),
        r#"(profile: "p", users: 1)"#,
    ));
    t.user_events(0)
        .iter()
        .map(|e| (e.time(), e.kind()))
        .collect()
}

#[test]
fn a_tab_left_open_carries_the_task_to_the_next_day() {
    use EventKind::*;
    let events = long_form("LeaveOpen");
    let at = |day: u64, h: u64, m: u64| day * DAY + h * HOUR + m * MIN;
    let mut expected = vec![(at(0, 9, 10), View)];
    // Day 0: inputs 9:20 .. 16:50 (46); the one due at 17:00 waits.
    expected.extend((0..46).map(|k| (at(0, 9, 20) + k * 10 * MIN, Input)));
    // Day 1: the user wakes the screen at 9:00, inputs 9:10 .. 16:50 (47).
    expected.push((at(1, 9, 0), Activity));
    expected.extend((0..47).map(|k| (at(1, 9, 10) + k * 10 * MIN, Input)));
    // Day 2: the last 7 inputs, 9:10 .. 10:10, the submit, the next form.
    expected.push((at(2, 9, 0), Activity));
    expected.extend((0..7).map(|k| (at(2, 9, 10) + k * 10 * MIN, Input)));
    expected.push((at(2, 10, 20), Submit));
    expected.push((at(2, 10, 30), View));
    assert_eq!(&events[..expected.len()], &expected[..]);
    assert!(events.iter().all(|&(_, k)| k != Close));
}

#[test]
fn closing_the_browser_abandons_the_task() {
    use EventKind::*;
    let events = long_form("CloseBrowser");
    let at = |day: u64, h: u64, m: u64| day * DAY + h * HOUR + m * MIN;
    let day0: Vec<_> = events.iter().filter(|e| e.0 < DAY).copied().collect();
    assert_eq!(day0.len(), 1 + 46 + 1);
    assert_eq!(day0.last(), Some(&(at(0, 17, 0), Close)));
    // Day 1 starts a new form: no wake-up activity (the browser was closed).
    let day1: Vec<_> = events
        .iter()
        .filter(|e| (DAY..2 * DAY).contains(&e.0))
        .copied()
        .collect();
    assert_eq!(day1[..2], [(at(1, 9, 10), View), (at(1, 9, 20), Input)]);
    assert!(
        events.iter().all(|&(_, k)| k != Submit),
        "no form is finished in a day"
    );
}

#[test]
fn mixed_end_of_day_closes_on_its_share_of_days() {
    let t = trace(&with_profile(
        "14d",
        r#"arrival: Constant("9h"), day_length: Constant("8h"), tasks: [Browse()], breaks: [],
           end_of_day: Mixed(close_browser: 0.3)"#,
        r#"(profile: "p", users: 200)"#,
    ));
    let closes: usize = t
        .users()
        .map(|(_, events)| times_of(events, EventKind::Close).len())
        .sum();
    let share = closes as f64 / 2000.0;
    // Binomial(2000, 0.3): standard error 0.01.
    assert!((share - 0.3).abs() < 0.04, "closed on {share} of days");
}

#[test]
fn events_are_in_time_order_and_below_the_horizon() {
    let t = trace(&with_profile(
        "3d12h",
        r#"days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], arrival: Normal(mean: "20h", sd: "3h"),
           day_length: Normal(mean: "10h", sd: "4h")"#,
        r#"(profile: "p", users: 200)"#,
    ));
    let horizon = 3 * DAY + 12 * HOUR;
    for (name, events) in t.users() {
        assert!(
            events.windows(2).all(|w| w[0].time() <= w[1].time()),
            "{name}"
        );
        assert!(events.iter().all(|e| e.time() < horizon), "{name}");
    }
}

#[test]
fn form_edits_are_counted_between_the_view_and_the_submit() {
    let t = trace(&with_profile(
        "5d",
        r#"arrival: Constant("9h"), day_length: Constant("8h"),
           tasks: [Form(edits: Uniform(min: 2, max: 4), think: Constant("30s"))],
           breaks: [], end_of_day: CloseBrowser"#,
        r#"(profile: "p", users: 20)"#,
    ));
    let mut seen = [0usize; 5];
    for (name, events) in t.users() {
        let kinds: Vec<EventKind> = events.iter().map(|e| e.kind()).collect();
        let finished = kinds.split(|&k| k == EventKind::Submit);
        // The part after the last submit is a form the horizon cut short.
        for part in finished.take(kinds.iter().filter(|&&k| k == EventKind::Submit).count()) {
            // A form abandoned at a close may come first; the submitted one
            // starts at the last view.
            let view = part
                .iter()
                .rposition(|&k| k == EventKind::View)
                .unwrap_or_else(|| panic!("{name}: a submit without a view"));
            let inputs = &part[view + 1..];
            assert!(inputs.iter().all(|&k| k == EventKind::Input), "{name}");
            seen[inputs.len()] += 1;
        }
    }
    let total: usize = seen.iter().sum();
    assert_eq!(seen[0] + seen[1], 0, "{seen:?}");
    for n in 2..=4 {
        let share = seen[n] as f64 / total as f64;
        assert!((share - 1.0 / 3.0).abs() < 0.03, "{seen:?}");
    }
}

// ---- Reproducibility ----

const TWO_GROUPS: &str = r#"Scenario(
    name: "t",
    seed: SEED,
    horizon: "5d",
    profiles: [Profile(name: "office"), Profile(name: "nurse", days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun])],
    population: Generated([(profile: "office", users: OFFICE), (profile: "nurse", users: 30)]),
    policies: [Policy(name: "A")],
)"#;

fn two_groups(seed: u64, office: u64) -> Trace {
    trace(
        &TWO_GROUPS
            .replace("SEED", &seed.to_string())
            .replace("OFFICE", &office.to_string()),
    )
}

#[test]
fn the_seed_fixes_the_trace_byte_for_byte() {
    let a = csv(&two_groups(42, 50));
    let b = csv(&two_groups(42, 50));
    assert_eq!(a, b);
    assert_ne!(a, csv(&two_groups(43, 50)));
    // The same in one thread as in many.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    let single = pool.install(|| csv(&two_groups(42, 50)));
    assert_eq!(a, single);
}

#[test]
fn resizing_one_group_does_not_reshuffle_another() {
    let small = two_groups(42, 5);
    let large = two_groups(42, 500);
    let users = |t: &Trace| -> Vec<(String, Vec<Event>)> {
        t.users()
            .map(|(n, e)| (n.to_string(), e.to_vec()))
            .collect()
    };
    let (small, large) = (users(&small), users(&large));
    assert_eq!(small.len(), 35);
    assert_eq!(large.len(), 530);
    // The nurses are the same people, and so are the first 5 office workers.
    assert_eq!(small[5..], large[500..]);
    assert_eq!(small[..5], large[..5]);
    assert_eq!(small[0].0, "office-0001");
    assert_eq!(small[5].0, "nurse-0001");
    assert!(small.iter().all(|(_, e)| !e.is_empty()));
}

// ---- Validation ----

fn problems(text: &str) -> Vec<String> {
    match Scenario::parse(text, Some(Path::new("s.ron"))) {
        Ok(_) => vec![],
        Err(e) => e.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn unknown_and_duplicate_profiles_are_located() {
    let text = r#"Scenario(
    name: "t",
    horizon: "5d",
    profiles: [Profile(name: "office"), Profile(name: "office")],
    population: Generated([(profile: "ofice", users: 10)]),
    policies: [Policy(name: "A")],
)"#;
    assert_eq!(
        problems(text),
        [
            "s.ron:4:49: duplicate profile name \"office\" (profile 1 has it too); names must be unique",
            "s.ron:5:29: unknown profile \"ofice\": the profiles are \"office\", \"office\"",
        ]
    );
}

#[test]
fn bad_distribution_parameters_are_located() {
    let text = r#"Scenario(
    name: "t",
    horizon: "5d",
    profiles: [Profile(
        name: "office",
        tasks: [Browse(), Form(think: LogNormal(median: "20s", sigma: -1.0))],
        breaks: [Random(per_day: 2, length: Uniform(min: "10m", max: "5m"))],
    )],
    population: Generated([(profile: "office", users: 10)]),
    policies: [Policy(name: "A")],
)"#;
    assert_eq!(
        problems(text),
        [
            "s.ron:6:64: profile \"office\": tasks[1].think: sigma must be a number of at least 0, found -1",
            "s.ron:7:65: profile \"office\": breaks[0].length: max (5m) must not be less than min (10m)",
        ]
    );
}

#[test]
fn a_billion_users_is_a_clear_error() {
    let text = r#"Scenario(
    name: "t",
    horizon: "5d",
    profiles: [Profile(name: "office")],
    population: Generated([(profile: "office", users: 1000000000)]),
    policies: [Policy(name: "A")],
)"#;
    assert_eq!(
        problems(text),
        [
            "s.ron:5:5: the groups add up to 1000000000 users; a generated population may have at most 1000000 (raise with --max-users)"
        ]
    );
}

#[test]
fn two_groups_of_one_profile_need_names() {
    let text = r#"Scenario(
    name: "t",
    horizon: "5d",
    profiles: [Profile(name: "office")],
    population: Generated([(profile: "office", users: 1), (profile: "office", users: 2)]),
    policies: [Policy(name: "A")],
)"#;
    let p = problems(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("s.ron:5:60: group 2 has the same name \"office\" as group 1"),
        "{p:?}"
    );
    let named = text.replace(
        r#"(profile: "office", users: 2)"#,
        r#"(profile: "office", users: 2, name: "night")"#,
    );
    assert_eq!(problems(&named), Vec::<String>::new());
    let t = trace(&named);
    let names: Vec<&str> = t.users().map(|(n, _)| n).collect();
    assert_eq!(names, ["office-0001", "night-0001", "night-0002"]);
}

#[test]
fn saving_a_generated_scenario_keeps_it() {
    let s = scenario(&TWO_GROUPS.replace("SEED", "1").replace("OFFICE", "3"));
    let again = Scenario::parse(&s.to_ron(), None).expect("the saved text parses");
    assert_eq!(s, again);
}

#[test]
fn a_trace_population_cannot_be_generated() {
    let text = r#"Scenario(name: "t", horizon: "1d", population: Trace(path: "x.csv"), policies: [Policy(name: "A")])"#;
    let e = generate(&scenario(text)).unwrap_err();
    assert!(e.message.contains("not Generated"), "{e}");
}

// ----- tabs and sleep (SPEC revision 2) ------------------------------------------

/// A week of one user at a desk 09:00-17:00 with a one-hour lunch at 12:00,
/// filling forms, with the given tab and device fields.
fn week(habits: &str) -> Trace {
    trace(&with_profile(
        "7d",
        &format!(
            r#"arrival: Constant("9h"), day_length: Constant("8h"), end_of_day: LeaveOpen,
               breaks: [Daily(at: Constant("12h"), length: Constant("1h"))],
               tasks: [Form(edits: Constant(5), think: Constant("1m"))], {habits}"#
        ),
        r#"(profile: "p", users: 1)"#,
    ))
}

#[test]
fn a_laptop_sleeps_over_lunch_and_at_night() {
    let t = week(r#"tabs: Tabs(max: 1), device: Device(laptops: 1.0, sleep_after: "15m")"#);
    let device: Vec<(u64, EventKind)> = t
        .user_events(0)
        .iter()
        .filter(|e| e.kind().is_device())
        .map(|e| (e.time(), e.kind()))
        .collect();
    // Monday to Friday: asleep over lunch (12:00-13:00) and from 17:00 to
    // the next working day's 09:00; the trace ends asleep on Friday night.
    let mut want = Vec::new();
    for day in 0..5 {
        let d = day * DAY;
        if day > 0 {
            want.push((d + 9 * HOUR, EventKind::Wake));
        }
        want.push((d + 12 * HOUR, EventKind::Sleep));
        want.push((d + 13 * HOUR, EventKind::Wake));
        want.push((d + 17 * HOUR, EventKind::Sleep));
    }
    assert_eq!(device, want);
    // Nothing happens while asleep: the trace reads back without an error.
    let text = csv(&t);
    Trace::read_csv(text.as_slice(), Path::new("week.csv")).expect("valid sleep and wake");
}

#[test]
fn a_break_shorter_than_sleep_after_keeps_a_laptop_awake_and_a_desktop_never_sleeps() {
    // The lunch hour is under 2 h: the laptop sleeps only at night.
    let short = week(r#"tabs: Tabs(max: 1), device: Device(laptops: 1.0, sleep_after: "2h")"#);
    let sleeps: Vec<u64> = short
        .user_events(0)
        .iter()
        .filter(|e| e.kind() == EventKind::Sleep)
        .map(|e| e.time())
        .collect();
    assert_eq!(
        sleeps,
        (0..5).map(|d| d * DAY + 17 * HOUR).collect::<Vec<_>>()
    );
    let desktop = week(r#"tabs: Tabs(max: 1), device: Device(laptops: 0.0)"#);
    assert!(desktop.user_events(0).iter().all(|e| !e.kind().is_device()));
}

#[test]
fn tabs_open_with_tasks_up_to_the_most_kept() {
    let t = week(
        r#"tabs: Tabs(max: 3, new_tab: 1.0, switch_back: 0.0, close_when_done: 0.0), device: Device(laptops: 0.0)"#,
    );
    let mut tabs: Vec<u8> = t.user_events(0).iter().map(|e| e.tab()).collect();
    tabs.sort_unstable();
    tabs.dedup();
    // Every task opens in a new tab while fewer than 3 are open, never closed.
    assert_eq!(tabs, [0, 1, 2]);
    // Each form starts with its view in its own tab.
    let first_in_tab = |tab: u8| {
        t.user_events(0)
            .iter()
            .find(|e| e.tab() == tab)
            .map(|e| e.kind())
    };
    assert_eq!(first_in_tab(1), Some(EventKind::View));
    assert_eq!(first_in_tab(2), Some(EventKind::View));
    let header = String::from_utf8(csv(&t)).expect("utf8");
    assert!(
        header.starts_with("user,time_ms,kind,tab\n"),
        "{header:.40}"
    );
}

#[test]
fn a_finished_tasks_tab_is_closed_when_another_stays_open() {
    let t = week(
        r#"tabs: Tabs(max: 2, new_tab: 1.0, switch_back: 0.0, close_when_done: 1.0), device: Device(laptops: 0.0)"#,
    );
    let events = t.user_events(0);
    let closes = events
        .iter()
        .filter(|e| e.kind() == EventKind::Close)
        .count();
    assert!(
        closes > 10,
        "a week of forms, each second one closed: {closes}"
    );
    // Never more than two pages open, and never the last one closed.
    let mut open = [false; 2];
    for e in events {
        match e.kind() {
            EventKind::Close => {
                open[usize::from(e.tab())] = false;
                assert!(
                    open.iter().any(|&o| o),
                    "the last tab closed at {}",
                    e.time()
                );
            }
            _ => open[usize::from(e.tab())] = true,
        }
    }
}

#[test]
fn one_tab_writes_no_tab_column() {
    let t = week(r#"tabs: Tabs(max: 1), device: Device(laptops: 0.0)"#);
    let text = String::from_utf8(csv(&t)).expect("utf8");
    assert!(text.starts_with("user,time_ms,kind\n"), "{text:.40}");
}
