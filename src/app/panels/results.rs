//! The answer first (one line per policy), then the views of the results.

use std::sync::Arc;

use egui::{RichText, Ui};
use serde::{Deserialize, Serialize};

use crate::analysis::replicates::MetricIntervals;
use crate::app::command::Command;
use crate::app::views::format::thousands;
use crate::app::views::plot_kit::policy_color;
use crate::app::views::sweep::view::AnalysisViews;
use crate::app::views::timeline::plot::TimelineView;
use crate::app::views::{self, People};
use crate::app::worker::{ReplicateUpdate, Results};
use crate::engine::Metrics;
use crate::model::Scenario;
use crate::report::document::TimeUnit;
use crate::report::replicates::{interval_cell, sentences};

/// The views of the results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    #[default]
    Totals,
    OverTime,
    Timeline,
    Gaps,
    Sweep,
    Tradeoff,
    Table,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Totals,
        Tab::OverTime,
        Tab::Timeline,
        Tab::Gaps,
        Tab::Sweep,
        Tab::Tradeoff,
        Tab::Table,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Totals => "Totals",
            Tab::OverTime => "Over time",
            Tab::Timeline => "User timeline",
            Tab::Gaps => "Idle gaps",
            Tab::Sweep => "Sweep",
            Tab::Tradeoff => "Trade-off",
            Tab::Table => "All metrics",
        }
    }

    pub fn tooltip(self) -> &'static str {
        match self {
            Tab::Totals => "Each policy's totals side by side",
            Tab::OverTime => "Logouts, warnings, lost work and live sessions per time bucket",
            Tab::Timeline => "Everything that happened to one user, under each policy",
            Tab::Gaps => "How long users pause between actions, against each policy's timeouts",
            Tab::Sweep => {
                "One field of the selected policy over a range of values: every metric at each"
            }
            Tab::Tradeoff => {
                "Unattended exposure against disruption, for every policy and every step of the last sweep; click a point to use it"
            }
            Tab::Table => {
                "All 20 metrics of every policy, as numbers, each with its name and what it counts"
            }
        }
    }
}

/// The results panel: which view is shown and how (remembered between
/// runs), and what the views keep between frames (not remembered).
#[derive(Serialize, Deserialize)]
#[serde(default)]
pub struct ResultsPanel {
    pub tab: Tab,
    /// Over time: fold the horizon into one day.
    pub fold_day: bool,
    /// Idle gaps: a logarithmic count axis.
    pub gaps_log: bool,
    #[serde(skip)]
    pub timeline: TimelineView,
    /// The sweep and trade-off views.
    #[serde(skip)]
    pub analysis: AnalysisViews,
    /// Where the shown view was drawn last frame (what a PNG export shows).
    #[serde(skip)]
    pub export_rect: Option<egui::Rect>,
}

impl Default for ResultsPanel {
    fn default() -> Self {
        ResultsPanel {
            tab: Tab::Totals,
            fold_day: false,
            gaps_log: true,
            timeline: TimelineView::default(),
            analysis: AnalysisViews::default(),
            export_rect: None,
        }
    }
}

/// What the views need from the rest of the window.
pub struct ViewContext<'a> {
    /// The document's scenario (the results may lag behind it).
    pub scenario: &'a Scenario,
    pub selected: usize,
    pub commands: &'a mut Vec<Command>,
    /// The results' replicates so far (none when the scenario asks for one).
    pub replicates: Option<&'a ReplicateUpdate>,
}

/// The headline for one policy, in pieces; `true` marks what matters most
/// (people logged out while there, work lost), drawn in bold. Lost typing is
/// in `typing`, the unit of the largest policy's (as the totals chart).
#[cfg(test)]
fn verdict_parts(
    name: &str,
    m: &Metrics,
    people: &People,
    typing: TimeUnit,
) -> Vec<(String, bool)> {
    verdict_parts_with(name, m, people, typing, None, Counted::Run)
}

/// Whose users the people counts on a summary line are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    /// The one run there is.
    Run,
    /// Replicate 0 of several (the replicates keep totals, not who was hit).
    FirstReplicate,
    /// The sampled users only (`sample_users`): the totals are scaled up,
    /// who was hit is not.
    Sample,
}

/// As [`verdict_parts`]; with `spread` (replicates) each count is the mean
/// over the replicates ± half its 95 % interval.
fn verdict_parts_with(
    name: &str,
    m: &Metrics,
    people: &People,
    typing: TimeUnit,
    spread: Option<&MetricIntervals>,
    counted: Counted,
) -> Vec<(String, bool)> {
    let interval = |metric: &str| {
        spread
            .and_then(|s| s.iter().find(|(n, _)| *n == metric))
            .map(|(_, iv)| *iv)
    };
    // A count as shown: `1,394`, or `1,295 ± 15` over replicates.
    let count = |metric: &str| -> (String, f64) {
        match interval(metric) {
            Some(iv) => (interval_cell(metric, &iv), iv.mean),
            None => {
                let v = m.get(metric).unwrap_or(0);
                (thousands(v), v as f64)
            }
        }
    };
    let n = |metric: &str, one: &str, many: &str| {
        let (text, v) = count(metric);
        format!("{text} {}", if v == 1.0 { one } else { many })
    };
    // In the chart's unit, so the headline and the chart agree.
    let in_unit = |ms: f64| typing.amount(ms.max(0.0).round() as u64);
    let typing = match interval("lost_typing_ms") {
        Some(iv) if iv.half_width() > 0.0 => {
            format!("{} ± {}", in_unit(iv.mean), in_unit(iv.half_width()))
        }
        Some(iv) => in_unit(iv.mean),
        None => typing.amount(m.lost_typing_ms),
    };
    // People are counted in replicate 0 only (the replicates keep totals,
    // not who was hit), or among the sampled users only: said so, rather
    // than passed off as a mean or a scaled total.
    let in_first = if spread.is_some() && counted == Counted::FirstReplicate {
        " in replicate 0"
    } else {
        ""
    };
    let sampled = if counted == Counted::Sample {
        "sampled "
    } else {
        ""
    };
    let users = |v: usize| {
        format!(
            "{} {sampled}{}",
            thousands(v as u64),
            if v == 1 { "user" } else { "users" }
        )
    };
    let lost_sep = if spread.is_some() { ";" } else { "," };
    vec![
        (format!("{name}: "), true),
        (format!("{}, ", n("logouts", "logout", "logouts")), false),
        (
            format!(
                "{} while present ({} of {}{in_first})",
                count("logouts_while_present").0,
                thousands(people.logged_out_while_present as u64),
                users(people.users)
            ),
            true,
        ),
        (" · ".into(), false),
        (
            format!(
                "{} and {} lost ({}{in_first}{lost_sep} {} of typing)",
                n("lost_submits", "submit", "submits"),
                n("lost_inputs", "edit", "edits"),
                users(people.lost_work),
                typing
            ),
            true,
        ),
        (
            format!(
                " · warnings: {} shown, {} heeded, {} missed",
                count("warnings_shown").0,
                count("warnings_heeded").0,
                count("warnings_missed").0
            ),
            false,
        ),
    ]
}

/// The headline for one policy as plain text (what screen readers read).
#[cfg(test)]
fn verdict(name: &str, m: &Metrics, people: &People) -> String {
    verdict_parts(name, m, people, TimeUnit::for_ms(m.lost_typing_ms))
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

fn verdict_job(
    ui: &Ui,
    name: &str,
    m: &Metrics,
    people: &People,
    typing: TimeUnit,
    spread: Option<&MetricIntervals>,
    counted: Counted,
) -> egui::text::LayoutJob {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let mut job = egui::text::LayoutJob::default();
    for (text, strong) in verdict_parts_with(name, m, people, typing, spread, counted) {
        let color = if strong {
            ui.visuals().strong_text_color()
        } else {
            ui.visuals().text_color()
        };
        job.append(&text, 0.0, egui::TextFormat::simple(font.clone(), color));
    }
    job
}

impl ResultsPanel {
    pub fn ui(&mut self, ui: &mut Ui, results: &Arc<Results>, cx: ViewContext<'_>) {
        let replicated = cx.replicates.map(|u| u.replicated.as_ref());
        headline(ui, results, cx.replicates);
        ui.horizontal(|ui| {
            for t in Tab::ALL {
                ui.selectable_value(&mut self.tab, t, t.label())
                    .on_hover_text(t.tooltip());
            }
        });
        ui.separator();
        let top = ui.cursor().min;
        self.analysis.plot_rect = None;
        match self.tab {
            Tab::Totals => views::totals::plot::ui(ui, &results.plots, replicated),
            Tab::OverTime => views::over_time::plot::ui(
                ui,
                &results.plots,
                &mut self.fold_day,
                cx.replicates.and_then(|u| u.time_bands.as_deref()),
            ),
            Tab::Timeline => views::timeline::plot::ui(ui, &mut self.timeline, results),
            Tab::Gaps => views::gaps::plot::ui(
                ui,
                &results.plots.gaps,
                &results.scenario,
                &mut self.gaps_log,
            ),
            Tab::Sweep => views::sweep::plot::ui(ui, results, &mut self.analysis, cx),
            Tab::Tradeoff => views::tradeoff::plot::ui(ui, results, &mut self.analysis, cx),
            Tab::Table => {
                views::metrics::plot::ui(ui, results, replicated.filter(|r| r.has_intervals()))
            }
        }
        // An exported PNG shows the view alone: not the headline and tabs
        // above it, nor the sweep's form.
        let view = egui::Rect::from_min_max(top, ui.max_rect().max);
        self.export_rect = Some(match self.tab {
            Tab::Sweep | Tab::Tradeoff => self.analysis.plot_rect.unwrap_or(view),
            _ => view,
        });
    }
}

/// The scenario, then one line per policy: the answer first; with
/// replicates, each number's spread, the paired differences and how many
/// replicates are in.
fn headline(ui: &mut Ui, results: &Results, replicates: Option<&ReplicateUpdate>) {
    let replicated = replicates
        .map(|u| u.replicated.as_ref())
        .filter(|r| r.has_intervals());
    let users = match (results.sample, results.run.users) {
        (Some(s), n) => format!(
            "{} of {} users sampled ({})",
            thousands(n as u64),
            thousands(s.population as u64),
            percent(s.fraction)
        ),
        (None, 1) => "1 user".to_string(),
        (None, n) => format!("{} users", thousands(n as u64)),
    };
    let counted = match (results.sample, replicated) {
        (Some(_), _) => Counted::Sample,
        (None, Some(_)) => Counted::FirstReplicate,
        (None, None) => Counted::Run,
    };
    ui.label(
        RichText::new(format!(
            "{} — {users} over {}",
            results.run.scenario, results.scenario.horizon
        ))
        .heading(),
    );
    let most_typing = results
        .run
        .policies
        .iter()
        .map(|p| p.metrics.lost_typing_ms)
        .max()
        .unwrap_or(0);
    let typing = TimeUnit::for_ms(most_typing);
    for (i, p) in results.run.policies.iter().enumerate() {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 3.0, policy_color(i));
            let people = results.plots.people.get(i).copied().unwrap_or_default();
            let spread = replicated.map(|r| r.intervals(i));
            let job = verdict_job(
                ui,
                &p.name,
                &p.metrics,
                &people,
                typing,
                spread.as_ref(),
                counted,
            );
            ui.add(egui::Label::new(job).wrap());
        });
    }
    if let Some(r) = replicated {
        for line in sentences(&r.differences(0)) {
            ui.label(RichText::new(line).italics());
        }
    }
    match replicates {
        Some(u) if !u.is_complete() => {
            ui.add(
                egui::ProgressBar::new(u.fraction())
                    .desired_width(260.0)
                    .text(format!("replicate {} of {}", u.done(), u.wanted)),
            );
        }
        Some(_) if let Some(s) = results.sample => {
            ui.weak(sample_note(&s))
                .on_hover_text(crate::app::help::SAMPLE_USERS);
        }
        Some(u) => {
            ui.weak(format!(
                "Means over {} replicates, ± half the 95 % interval",
                u.done()
            ));
        }
        None => {}
    }
    ui.add_space(4.0);
}

/// A share as a percentage: `10 %`, `0.5 %`.
pub fn percent(fraction: f64) -> String {
    let p = 100.0 * fraction;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0} %")
    } else {
        format!("{} %", format!("{p:.2}").trim_end_matches('0'))
    }
}

/// What the summary's numbers are with `sample_users`.
pub fn sample_note(s: &crate::app::worker::SampleShare) -> String {
    format!(
        "Totals scaled from the {} sampled users ({}) to all {}, ± half the 95 % interval; who was hit is counted among the sampled users",
        thousands(s.sampled as u64),
        percent(s.fraction),
        thousands(s.population as u64)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_reads_as_a_sentence() {
        // SPEC example B, the alert policy.
        let m = Metrics {
            logins: 2,
            logouts: 1,
            warnings_shown: 1,
            warnings_missed: 1,
            submits: 1,
            lost_submits: 1,
            lost_inputs: 4,
            lost_edit_ms: 1_800_000,
            lost_typing_ms: 900_000,
            ..Metrics::default()
        };
        let people = People {
            users: 1,
            logged_out_while_present: 0,
            lost_work: 1,
        };
        assert_eq!(
            verdict("alert", &m, &people),
            "alert: 1 logout, 0 while present (0 of 1 user) · 1 submit and 4 edits lost (1 user, 15m of typing) · warnings: 1 shown, 0 heeded, 1 missed"
        );
    }

    #[test]
    fn with_replicates_people_counts_say_they_are_replicate_0s() {
        let m = Metrics::default();
        let people = People {
            users: 300,
            logged_out_while_present: 12,
            lost_work: 7,
        };
        // Two replicates: 10 and 14 logouts while present, mean 12.
        let spread = vec![(
            "logouts_while_present",
            crate::analysis::intervals::Interval {
                mean: 12.0,
                low: 10.0,
                high: 14.0,
            },
        )];
        let text: String = verdict_parts_with(
            "p",
            &m,
            &people,
            TimeUnit::Hours,
            Some(&spread),
            Counted::FirstReplicate,
        )
        .into_iter()
        .map(|(s, _)| s)
        .collect();
        assert!(
            text.contains("12 ± 2 while present (12 of 300 users in replicate 0)"),
            "{text}"
        );
        assert!(
            text.contains("lost (7 users in replicate 0; 0s of typing)"),
            "{text}"
        );
    }

    #[test]
    fn shares_read_as_percentages() {
        assert_eq!(percent(0.5), "50 %");
        assert_eq!(percent(0.01), "1 %");
        assert_eq!(percent(0.005), "0.5 %");
        assert_eq!(percent(0.1234), "12.34 %");
    }

    #[test]
    fn lost_typing_is_said_in_one_unit_for_every_policy() {
        const H: u64 = 3_600_000;
        let m = Metrics {
            lost_typing_ms: 12 * H,
            ..Metrics::default()
        };
        let text = |unit| -> String {
            verdict_parts("p", &m, &People::default(), unit)
                .into_iter()
                .map(|(s, _)| s)
                .collect()
        };
        // Beside a policy with 72 hours lost (days, as its chart says): 12h is half a day.
        assert!(
            text(TimeUnit::Days).contains("0.5 days of typing"),
            "{}",
            text(TimeUnit::Days)
        );
        assert!(
            text(TimeUnit::Hours).contains("12h of typing"),
            "{}",
            text(TimeUnit::Hours)
        );
    }
}
