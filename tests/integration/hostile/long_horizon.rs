//! A horizon of 10 000 years.
use crate::support::hostile::*;
use crate::support::lapse_in;

#[test]
fn ten_thousand_years_of_buckets_are_refused() {
    let text = scenario_with("10000years", r#"Policy(name: "A")"#);
    let dir = folder(&[("s.ron", text.as_bytes())]);
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron"]),
        "error: s.ron:1:21: bucket 15m splits the horizon 3652500d into more than 1000000 buckets; use a wider bucket (or raise --max-buckets)",
    );
}

#[test]
fn ten_thousand_years_with_yearly_buckets_run() {
    // 10 000 buckets is fine; the one view's session lives 30 minutes.
    let text = scenario_with("10000years", r#"Policy(name: "A")"#).replace(
        r#"horizon: "10000years","#,
        r#"horizon: "10000years", bucket: "1year","#,
    );
    let dir = folder(&[("s.ron", text.as_bytes())]);
    let run = lapse_in(dir.path(), &["run", "s.ron", "--format", "csv"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let row = run.stdout.lines().nth(1).expect("a row");
    assert!(row.starts_with("A,1,0,"), "{row}");
    // Then affected_users: nobody was hit (users and share, six metrics).
    assert!(
        row.ends_with(",1500000,1800000,1,0,0,0,0,0,0,0,0,0,0,0,0"),
        "{row}"
    );
}

#[test]
fn a_generated_population_cannot_cover_ten_thousand_years() {
    let text = r#"Scenario(name: "h", horizon: "10000years", bucket: "1year", profiles: [Profile(name: "office")], population: Generated([(profile: "office", users: 1)]), policies: [Policy(name: "A")])"#;
    let dir = folder(&[("s.ron", text.as_bytes())]);
    assert_refused(
        &lapse_in(dir.path(), &["run", "s.ron"]),
        "error: s.ron:1:21: horizon 3652500d is longer than a generated population may cover (3660d)",
    );
}
