//! CSV for spreadsheets: one header row, then one row a record.

use std::borrow::Cow;

use crate::engine::{Affected, Metrics, ScenarioRun, SeriesKind};
use crate::model::duration::human_ms;

/// A field as CSV writes it: quoted (inner quotes doubled) when it holds a
/// comma, a quote or a line break (`\n` or `\r`), as is otherwise.
pub fn field(s: &str) -> Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// Every metric of every policy, one row a policy (`lapse run --format csv`),
/// then the users each disruption hit (see [`affected_header`]).
pub fn run_csv(result: &ScenarioRun) -> String {
    let mut out = format!(
        "policy,{},{}\n",
        Metrics::NAMES.join(","),
        affected_header()
    );
    for p in &result.policies {
        let values: Vec<String> = p
            .metrics
            .pairs()
            .iter()
            .map(|(_, v)| v.to_string())
            .collect();
        out.push_str(&format!(
            "{},{},{}\n",
            field(&p.name),
            values.join(","),
            affected_fields(&p.affected)
        ));
    }
    out
}

/// `affected_<metric>,affected_<metric>_share` for each disruption metric:
/// users hit at least once, and their share of all users (0 to 1).
pub fn affected_header() -> String {
    Affected::NAMES
        .iter()
        .map(|n| format!("affected_{n},affected_{n}_share"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The values under [`affected_header`].
pub fn affected_fields(a: &Affected) -> String {
    a.pairs()
        .iter()
        .map(|&(_, users)| format!("{users},{}", a.share(users)))
        .collect::<Vec<_>>()
        .join(",")
}

/// The time series, one row a policy and bucket.
pub fn series_csv(run: &ScenarioRun) -> String {
    let mut out = String::from("policy,bucket_start_ms,bucket_start");
    for kind in SeriesKind::ALL {
        out.push(',');
        out.push_str(kind.name());
    }
    out.push('\n');
    for policy in &run.policies {
        let Some(series) = &policy.series else {
            continue;
        };
        let name = field(&policy.name);
        for b in 0..series.buckets() {
            let start = b as u64 * series.bucket_ms;
            out.push_str(&format!("{name},{start},{}", human_ms(start)));
            for kind in SeriesKind::ALL {
                out.push_str(&format!(",{}", series.get(kind)[b]));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PolicyRun, Series};

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(field("alert"), "alert");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\rhere"), "\"cr\rhere\"");
    }

    #[test]
    fn series_rows_are_policy_and_bucket() {
        // Two 15m buckets of a 30m horizon; nothing happened.
        let series = Series::new(900_000, 1_800_000);
        let run = ScenarioRun {
            scenario: "s".into(),
            users: 0,
            policies: vec![PolicyRun {
                name: "a,b".into(),
                metrics: Metrics::default(),
                affected: Default::default(),
                series: Some(series),
                per_user: Vec::new(),
            }],
        };
        let text = series_csv(&run);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("policy,bucket_start_ms,bucket_start,logins,logouts,"));
        assert_eq!(lines[1], "\"a,b\",0,0s,0,0,0,0,0,0,0,0,0,0,0");
        assert_eq!(lines[2], "\"a,b\",900000,15m,0,0,0,0,0,0,0,0,0,0,0");
    }
}
