//! Tables for people: columns lined up, durations also shown readably.

use crate::analysis::compliance::{SCRIPT_SETTINGS, script_differences};
use crate::analysis::{Standard, check_all, client_warnings};
use crate::engine::{Affected, Metrics, ScenarioRun, per_user_per_day};
use crate::model::Policy;

use super::is_duration;

/// A metric's value in a table: durations in the unit people read them in
/// (`1m30s`, `5h12m`, `347.0 days`, the report's and the window's rule),
/// counts as they are. The JSON and CSV keep the exact milliseconds.
pub fn metric_cell(name: &str, v: u64) -> String {
    if is_duration(name) {
        super::document::rough(v)
    } else {
        v.to_string()
    }
}

/// One metric's cells across policies: as [`metric_cell`], but a duration
/// row says every policy's value in one unit, its largest's (days from 48
/// hours on), so `1d23h59m` never stands beside `2.0 days`.
pub fn metric_cells(name: &str, values: &[u64]) -> Vec<String> {
    let largest = values.iter().copied().max().unwrap_or(0);
    let unit = super::document::TimeUnit::for_ms(largest);
    values
        .iter()
        .map(|&v| {
            if is_duration(name) {
                unit.amount(v)
            } else {
                v.to_string()
            }
        })
        .collect()
}

/// Rows as lines of text: the first column left-aligned, the others
/// right-aligned, two spaces between columns, no trailing spaces.
pub fn aligned(rows: &[Vec<String>]) -> Vec<String> {
    aligned_left(rows, &[0])
}

/// Rows as lines of text: the columns in `left` left-aligned (words), the
/// others right-aligned (numbers), two spaces between columns.
fn aligned_left(rows: &[Vec<String>], left: &[usize]) -> Vec<String> {
    let widths = column_widths(rows);
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, text)| {
                    if left.contains(&c) {
                        format!("{text:<w$}", w = widths[c])
                    } else {
                        format!("{text:>w$}", w = widths[c])
                    }
                })
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

/// The width of each column, in characters.
fn column_widths(rows: &[Vec<String>]) -> Vec<usize> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|text| text.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// `lapse run --format table`: one row a metric, one column a policy.
pub fn run_table(result: &ScenarioRun) -> String {
    run_table_over(result, None)
}

/// As [`run_table`]; given the scenario's horizon, the unattended exposure
/// is also shown per user per day (a sum of milliseconds over a week of
/// hundreds of users says little on its own).
pub fn run_table_over(result: &ScenarioRun, horizon_ms: Option<u64>) -> String {
    let mut rows: Vec<Vec<String>> = vec![
        std::iter::once("metric".to_string())
            .chain(result.policies.iter().map(|p| p.name.clone()))
            .collect(),
    ];
    rows[0].push("what it counts".to_string());
    for (i, name) in Metrics::NAMES.iter().enumerate() {
        let mut row = vec![name.to_string()];
        let values: Vec<u64> = result
            .policies
            .iter()
            .map(|p| p.metrics.pairs()[i].1)
            .collect();
        row.extend(metric_cells(name, &values));
        row.push(metric_meaning(name));
        rows.push(row);
        if *name == "unattended_ms"
            && let Some(row) = exposure_row(result, horizon_ms)
        {
            rows.push(row);
        }
    }
    rows.extend(affected_rows(result));
    let words = [0, rows[0].len() - 1];
    let users = match result.users {
        1 => "1 user".to_string(),
        n => format!("{n} users"),
    };
    let mut out = format!("{} — {users}\n", result.scenario);
    for (r, line) in aligned_left(&rows, &words).iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        if r == 0 {
            // As wide as the columns and the gaps between them, the last
            // (the explanations) counted as wide as its heading.
            let mut widths = column_widths(&rows);
            if let Some(last) = widths.last_mut() {
                *last = rows[0].last().map_or(0, |h| h.chars().count());
            }
            let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// The row under `unattended_ms`: each policy's exposure per user per day.
fn exposure_row(result: &ScenarioRun, horizon_ms: Option<u64>) -> Option<Vec<String>> {
    let horizon_ms = horizon_ms?;
    let mut row = vec!["  per user per day".to_string()];
    for p in &result.policies {
        let each = per_user_per_day(p.metrics.unattended_ms, result.users, horizon_ms)?;
        row.push(super::document::rough(each));
    }
    row.push("the same, divided by users and by days (24 hours)".to_string());
    Some(row)
}

/// A metric's human name and what it counts, for the last column of a
/// table: `Lost edits: unsaved edits thrown away by the session, ...`.
pub fn metric_meaning(name: &str) -> String {
    Metrics::text(name).map_or_else(String::new, |t| format!("{}: {}", t.label, t.explains))
}

/// Rows as aligned lines, a rule of dashes under the first (the header).
pub(super) fn lines_with_rule(rows: &[Vec<String>]) -> String {
    let widths = column_widths(rows);
    let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    let mut out = String::new();
    for (r, line) in aligned(rows).iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        if r == 0 {
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// One row per disruption metric: the users it hit at least once, and
/// their share of all users, `278 (92.7%)`.
fn affected_rows(result: &ScenarioRun) -> Vec<Vec<String>> {
    Affected::NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut row = vec![format!("users with {name}")];
            row.extend(result.policies.iter().map(|p| {
                let a = &p.affected;
                a.cell(a.pairs()[i].1)
            }));
            row.push("the users it hit at least once, and their share of all users".to_string());
            row
        })
        .collect()
}

/// `lapse check`: per policy, one line a standard (`pass`/`FAIL`, its id,
/// the reason), then the rules' titles.
pub fn check_text(scenario: &str, policies: &[&Policy]) -> String {
    let mut out = format!("{scenario}: compliance\n");
    for p in policies {
        out.push_str(&format!("\npolicy {:?}\n", p.name));
        for v in check_all(p) {
            let status = if v.pass { "pass" } else { "FAIL" };
            out.push_str(&format!(
                "  {status}  {:<11} {}\n",
                v.standard.id(),
                v.reason
            ));
        }
        for warning in client_warnings(p) {
            out.push_str(&format!("  warning: {warning}\n"));
        }
        for d in script_differences(p) {
            out.push_str(&format!(
                "  warning: the exported lapse-session.js implements {SCRIPT_SETTINGS}, not this policy: {d}\n"
            ));
        }
    }
    out.push_str("\nrules:\n");
    for st in Standard::ALL {
        out.push_str(&format!("  {:<11} {}\n", st.id(), st.title()));
    }
    out
}

pub use super::recommend::recommend_text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_cells_show_durations() {
        assert_eq!(metric_cell("lost_edit_ms", 90_000), "1m30s");
        assert_eq!(metric_cell("lost_edit_ms", 0), "0s");
        // 347 days 21m35.26s: 347 + 1,295,260 / 86,400,000 = 347.015 days.
        assert_eq!(metric_cell("unattended_ms", 29_982_095_260), "347.0 days");
        // 5 h 12 min 29 s, to the minute.
        assert_eq!(metric_cell("max_session_ms", 18_749_000), "5h12m");
        // Under 48 hours stays in hours and minutes: 47 h 59 min.
        assert_eq!(metric_cell("unattended_ms", 172_740_000), "1d23h59m");
        assert_eq!(metric_cell("unattended_ms", 172_800_000), "2.0 days");
    }

    #[test]
    fn a_duration_row_is_in_one_unit() {
        // 1d23h59m beside 2 days: both in days (172,740,000 / 86,400,000 =
        // 1.999 days), and 12 hours is half a day.
        assert_eq!(
            metric_cells("unattended_ms", &[172_740_000, 172_800_000, 43_200_000]),
            ["2.0 days", "2.0 days", "0.5 days"]
        );
        // All under 48 hours: each read in hours and minutes.
        assert_eq!(metric_cells("lost_typing_ms", &[900_000, 0]), ["15m", "0s"]);
        assert_eq!(metric_cells("logins", &[2, 1]), ["2", "1"]);
        assert_eq!(metric_cell("logins", 3), "3");
    }

    #[test]
    fn columns_line_up_without_trailing_spaces() {
        let rows = vec![
            vec!["metric".to_string(), "a".to_string(), "".to_string()],
            vec!["x".to_string(), "100".to_string(), "".to_string()],
        ];
        assert_eq!(aligned(&rows), ["metric    a", "x       100"]);
    }
}
