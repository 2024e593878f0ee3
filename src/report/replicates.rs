//! Replicated runs as text: every metric as `mean ± half-width`, the JSON's
//! `intervals` beside `metrics`, and the paired-difference sentence. A run
//! with one replicate and no sample is formatted by the plain functions
//! ([`super::table::run_table`], ...), so its output does not change.

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::analysis::intervals::{Difference, Interval, Method};
use crate::analysis::replicates::{MetricIntervals, PolicyDifferences};
use crate::analysis::{Replicated, Sweep};
use crate::engine::{Affected, Metrics};

use super::csv::field;
use super::document::{rough, thousands};
use super::is_duration;
use super::json::json_text;

/// The metrics the sentence under the summary speaks of, most telling first.
pub const HEADLINE_METRICS: [&str; 2] = ["logouts_while_present", "lost_inputs"];

/// A number as people read it: thousands separated, `decimals` after the point.
fn number(v: f64, decimals: usize) -> String {
    let sign = if v < 0.0 && v.abs() >= 0.5 / 10f64.powi(decimals as i32) {
        "-"
    } else {
        ""
    };
    let a = v.abs();
    if decimals == 0 {
        return format!("{sign}{}", thousands(a.round() as u64));
    }
    let text = format!("{a:.decimals$}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole: u64 = whole.parse().unwrap_or(0);
    format!("{sign}{}.{fraction}", thousands(whole))
}

/// A number on its own: whole when it is (or is large), else one decimal.
pub fn amount(v: f64) -> String {
    let whole = (v - v.round()).abs() < 0.05 || v.abs() >= 100.0;
    number(v, if whole { 0 } else { 1 })
}

/// A duration in milliseconds, readably (`1h20m`, `3.5 days`), sign kept.
fn duration(v: f64) -> String {
    let text = rough(v.abs().round() as u64);
    if v < 0.0 { format!("-{text}") } else { text }
}
/// A metric's value in the metric's unit.
pub fn value_text(metric: &str, v: f64) -> String {
    if is_duration(metric) {
        duration(v)
    } else {
        amount(v)
    }
}

/// `1,394 ± 41` (or `2h10m ± 12m` for a duration); just the value when the
/// interval has no width.
pub fn interval_cell(metric: &str, iv: &Interval) -> String {
    let half = iv.half_width();
    if half <= 0.0 {
        return value_text(metric, iv.mean);
    }
    if is_duration(metric) {
        return format!("{} ± {}", duration(iv.mean), duration(half));
    }
    // As precise as the interval is wide: a half-width of 21 needs no decimals.
    let whole = |v: f64| (v - v.round()).abs() < 1e-9;
    let decimals = if half >= 5.0 || (whole(iv.mean) && whole(half)) {
        0
    } else {
        1
    };
    format!("{} ± {}", number(iv.mean, decimals), number(half, decimals))
}

/// A metric's name in a sentence: `logouts while present`, `lost edits`;
/// the words of [`Metrics::text`], as the table and the window say them.
pub fn metric_words(metric: &str) -> String {
    Metrics::text(metric).map_or_else(
        || metric.trim_end_matches("_ms").replace('_', " "),
        |t| t.in_sentence(),
    )
}

/// How the intervals were worked out, in a few words.
pub fn method_words(r: &Replicated) -> String {
    let n = r.replicates();
    match r.method {
        Method::StudentT => format!("{n} replicates of the generated population"),
        Method::Bootstrap => format!("{n} bootstrap resamples of the trace's users"),
        Method::Sample => match &r.sample {
            Some(s) => format!(
                "a sample of {} of {} users, scaled to all of them",
                thousands(r.run.users as u64),
                thousands(s.population as u64)
            ),
            None => "a sample of the users".into(),
        },
    }
}

/// The sentence for one metric of a paired difference: "keepalive + extend:
/// 1,020 fewer logouts while present than 25-minute alert, 95 % interval
/// 950 to 1,090, all 20 replicates agree".
pub fn difference_sentence(policy: &str, baseline: &str, metric: &str, d: &Difference) -> String {
    let words = metric_words(metric);
    let agreement = match d.agree {
        Some(k) if k == d.replicates => format!(", all {k} replicates agree"),
        Some(k) => format!(", {k} of {} replicates agree", d.replicates),
        None => String::new(),
    };
    if !d.is_clear() {
        return format!(
            "{policy}: no clear difference in {words} from {baseline} (95 % interval {} to {}{agreement})",
            signed(metric, d.low),
            signed(metric, d.high)
        );
    }
    // Said as a positive amount of fewer or more, the interval in the same terms.
    let (word, m, a, b) = if d.mean < 0.0 {
        ("fewer", -d.mean, -d.high, -d.low)
    } else {
        ("more", d.mean, d.low, d.high)
    };
    let word = if is_duration(metric) {
        if d.mean < 0.0 { "less" } else { "more" }
    } else {
        word
    };
    format!(
        "{policy}: {} {word} {words} than {baseline}, 95 % interval {} to {}{agreement}",
        value_text(metric, m),
        value_text(metric, a),
        value_text(metric, b)
    )
}

/// A value with its sign always written: `+5`, `-3`, `0`.
fn signed(metric: &str, v: f64) -> String {
    let text = value_text(metric, v);
    if v > 0.0 { format!("+{text}") } else { text }
}

/// The headline sentences of every policy's differences.
pub fn sentences(differences: &[PolicyDifferences]) -> Vec<String> {
    let mut out = Vec::new();
    for pd in differences {
        for metric in HEADLINE_METRICS {
            if let Some((_, d)) = pd.metrics.iter().find(|(m, _)| *m == metric) {
                out.push(difference_sentence(&pd.policy, &pd.baseline, metric, d));
            }
        }
    }
    out
}

/// `lapse run --format table` with replicates: one row a metric, one column
/// a policy, each cell `mean ± half-width`; then the differences.
pub fn replicated_table(r: &Replicated, differences: &[PolicyDifferences]) -> String {
    let mut rows: Vec<Vec<String>> = vec![
        std::iter::once("metric".to_string())
            .chain(r.run.policies.iter().map(|p| p.name.clone()))
            .collect(),
    ];
    let intervals: Vec<MetricIntervals> =
        (0..r.run.policies.len()).map(|p| r.intervals(p)).collect();
    for (i, name) in Metrics::NAMES.iter().enumerate() {
        let mut row = vec![name.to_string()];
        row.extend(intervals.iter().map(|iv| interval_cell(name, &iv[i].1)));
        rows.push(row);
    }
    let mut out = format!(
        "{} — {}; mean ± half the 95 % interval\n",
        r.run.scenario,
        method_words(r)
    );
    out.push_str(&super::table::lines_with_rule(&rows));
    if !differences.is_empty() {
        out.push('\n');
        for line in sentences(differences) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// `lapse run --format csv` with replicates: the plain columns, each cell
/// `mean ± half-width`.
pub fn replicated_csv(r: &Replicated) -> String {
    let mut out = format!("policy,{}\n", Metrics::NAMES.join(","));
    for (p, policy) in r.run.policies.iter().enumerate() {
        let cells: Vec<String> = r
            .intervals(p)
            .iter()
            .map(|(name, iv)| field(&interval_cell(name, iv)).into_owned())
            .collect();
        out.push_str(&format!("{},{}\n", field(&policy.name), cells.join(",")));
    }
    out
}

/// Named values as a JSON object, in order.
struct Named<'a, T>(&'a [(&'static str, T)]);

impl<T: Serialize> Serialize for Named<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct PolicyJson<'a> {
    name: &'a str,
    metrics: &'a Metrics,
    /// Replicate 0's people, as its `metrics` (the plain run's JSON has them).
    affected_users: &'a Affected,
    intervals: Named<'a, Interval>,
}

#[derive(Serialize)]
struct DifferenceJson<'a> {
    policy: &'a str,
    baseline: &'a str,
    metrics: Named<'a, Difference>,
}

#[derive(Serialize)]
struct RunJson<'a> {
    scenario: &'a str,
    users: usize,
    policies: Vec<PolicyJson<'a>>,
    replicates: usize,
    method: Method,
    #[serde(skip_serializing_if = "Option::is_none")]
    population_users: Option<usize>,
    differences: Vec<DifferenceJson<'a>>,
}

/// The SPEC's JSON plus `intervals` beside each policy's `metrics` and
/// `affected_users` (which stay replicate 0's, or the sample's own counts),
/// and `differences`.
pub fn replicated_json(
    r: &Replicated,
    differences: &[PolicyDifferences],
) -> Result<String, serde_json::Error> {
    let intervals: Vec<MetricIntervals> =
        (0..r.run.policies.len()).map(|p| r.intervals(p)).collect();
    let doc = RunJson {
        scenario: &r.run.scenario,
        users: r.run.users,
        policies: r
            .run
            .policies
            .iter()
            .zip(&intervals)
            .map(|(p, iv)| PolicyJson {
                name: &p.name,
                metrics: &p.metrics,
                affected_users: &p.affected,
                intervals: Named(iv),
            })
            .collect(),
        replicates: r.replicates(),
        method: r.method,
        population_users: r.sample.as_ref().map(|s| s.population),
        differences: differences
            .iter()
            .map(|d| DifferenceJson {
                policy: &d.policy,
                baseline: &d.baseline,
                metrics: Named(&d.metrics),
            })
            .collect(),
    };
    json_text(&doc)
}

/// `lapse recommend --replicates N`: whether the recommendation beats the
/// current policy beyond noise, on the score it minimises.
pub fn beyond_noise_text(d: &Difference) -> String {
    let score = "logouts_while_present + lost_inputs";
    let n = d.replicates;
    let agree = d
        .agree
        .map_or(String::new(), |k| format!("; {k} of {n} replicates agree"));
    let verdict = if d.high < 0.0 {
        "the recommendation beats the current policy beyond noise"
    } else if d.low > 0.0 {
        "the recommendation is worse than the current policy beyond noise"
    } else {
        "no clear difference between the recommendation and the current policy"
    };
    format!(
        "\nover {n} replicates: {verdict} ({score}, recommended minus current: {}, 95 % interval {} to {}{agree})\n",
        signed("", d.mean),
        signed("", d.low),
        signed("", d.high)
    )
}

/// `lapse sweep --replicates N --format csv`: the plain sweep's columns,
/// each metric cell `mean ± half-width` over the replicates.
pub fn replicated_sweep_csv(sweep: &Sweep, intervals: &[Option<MetricIntervals>]) -> String {
    let mut out = format!(
        "param,value,value_ms,{},skipped\n",
        Metrics::NAMES.join(",")
    );
    for (step, iv) in sweep.steps.iter().zip(intervals) {
        out.push_str(&format!("{},{},{},", sweep.param, step.value, step.value.0));
        match (iv, &step.result) {
            (Some(iv), _) => {
                let cells: Vec<String> = iv
                    .iter()
                    .map(|(name, i)| field(&interval_cell(name, i)).into_owned())
                    .collect();
                out.push_str(&cells.join(","));
                out.push_str(",\n");
            }
            (None, result) => {
                let reason = result.as_ref().err().map_or("", String::as_str);
                out.push_str(&",".repeat(Metrics::NAMES.len() - 1));
                out.push_str(&format!(",{}\n", field(reason)));
            }
        }
    }
    out
}

/// `lapse sweep --replicates N --format json`: the plain sweep's JSON
/// (replicate 0's metrics), each step with its `intervals`, and how many
/// replicates by which method.
pub fn replicated_sweep_json(
    sweep: &Sweep,
    intervals: &[Option<MetricIntervals>],
    method: Method,
    replicates: usize,
) -> serde_json::Value {
    let mut value = sweep.to_json_value();
    if let Some(steps) = value.get_mut("steps").and_then(|s| s.as_array_mut()) {
        for (step, iv) in steps.iter_mut().zip(intervals) {
            if let (Some(obj), Some(iv)) = (step.as_object_mut(), iv) {
                let named = serde_json::to_value(Named(iv)).unwrap_or_default();
                obj.insert("intervals".into(), named);
            }
        }
    }
    if let Some(obj) = value.as_object_mut() {
        obj.insert("replicates".into(), replicates.into());
        obj.insert(
            "method".into(),
            serde_json::to_value(method).unwrap_or_default(),
        );
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(mean: f64, low: f64, high: f64, agree: usize) -> Difference {
        Difference {
            mean,
            low,
            high,
            agree: Some(agree),
            replicates: 20,
        }
    }

    #[test]
    fn a_clear_drop_reads_as_fewer() {
        let d = diff(-1020.0, -1090.0, -950.0, 20);
        assert_eq!(
            difference_sentence("keepalive", "alert", "logouts_while_present", &d),
            "keepalive: 1,020 fewer logouts while present than alert, 95 % interval 950 to 1,090, all 20 replicates agree"
        );
    }

    #[test]
    fn an_interval_over_zero_is_no_clear_difference() {
        let d = diff(1.5, -3.0, 6.0, 12);
        assert_eq!(
            difference_sentence("b", "a", "lost_inputs", &d),
            "b: no clear difference in lost edits from a (95 % interval -3 to +6, 12 of 20 replicates agree)"
        );
    }

    #[test]
    fn cells_show_mean_and_half_width() {
        let iv = Interval {
            mean: 1394.4,
            low: 1353.0,
            high: 1435.0,
        };
        assert_eq!(interval_cell("logouts", &iv), "1,394 ± 41");
        assert_eq!(interval_cell("logouts", &Interval::exact(3.0)), "3");
        let small = Interval {
            mean: 2.5,
            low: 1.0,
            high: 4.0,
        };
        assert_eq!(interval_cell("logouts", &small), "2.5 ± 1.5");
        let narrow = Interval {
            mean: 283.3,
            low: 282.3,
            high: 284.3,
        };
        assert_eq!(interval_cell("peak_live_sessions", &narrow), "283.3 ± 1.0");
        let hours = Interval {
            mean: 7_200_000.0,
            low: 6_600_000.0,
            high: 7_800_000.0,
        };
        assert_eq!(interval_cell("max_session_ms", &hours), "2h ± 10m");
    }
}
