//! The answer first (one line per policy), then the views of the results.

use std::sync::Arc;

use egui::{RichText, Ui};
use serde::{Deserialize, Serialize};

use crate::app::command::Command;
use crate::app::views::format::{rough, thousands};
use crate::app::views::plot_kit::policy_color;
use crate::app::views::sweep::view::AnalysisViews;
use crate::app::views::timeline::plot::TimelineView;
use crate::app::views::{self, People};
use crate::app::worker::Results;
use crate::engine::Metrics;
use crate::model::Scenario;
use crate::report::document::TimeUnit;

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
            Tab::Table => "All 20 metrics of every policy, as numbers",
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
}

impl Default for ResultsPanel {
    fn default() -> Self {
        ResultsPanel {
            tab: Tab::Totals,
            fold_day: false,
            gaps_log: true,
            timeline: TimelineView::default(),
            analysis: AnalysisViews::default(),
        }
    }
}

/// What the views need from the rest of the window.
pub struct ViewContext<'a> {
    /// The document's scenario (the results may lag behind it).
    pub scenario: &'a Scenario,
    pub selected: usize,
    pub commands: &'a mut Vec<Command>,
}

/// The headline for one policy, in pieces; `true` marks what matters most
/// (people logged out while there, work lost), drawn in bold. Lost typing is
/// in `typing`, the unit of the largest policy's (as the totals chart).
fn verdict_parts(
    name: &str,
    m: &Metrics,
    people: &People,
    typing: TimeUnit,
) -> Vec<(String, bool)> {
    let n = |v: u64, one: &str, many: &str| {
        format!("{} {}", thousands(v), if v == 1 { one } else { many })
    };
    let users = |v: usize| n(v as u64, "user", "users");
    vec![
        (format!("{name}: "), true),
        (format!("{}, ", n(m.logouts, "logout", "logouts")), false),
        (
            format!(
                "{} while present ({} of {})",
                thousands(m.logouts_while_present),
                thousands(people.logged_out_while_present as u64),
                users(people.users)
            ),
            true,
        ),
        (" · ".into(), false),
        (
            format!(
                "{} and {} lost ({}, {} of typing)",
                n(m.lost_submits, "submit", "submits"),
                n(m.lost_inputs, "edit", "edits"),
                users(people.lost_work),
                typing.amount(m.lost_typing_ms)
            ),
            true,
        ),
        (
            format!(
                " · warnings: {} shown, {} heeded, {} missed",
                thousands(m.warnings_shown),
                thousands(m.warnings_heeded),
                thousands(m.warnings_missed)
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
) -> egui::text::LayoutJob {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let mut job = egui::text::LayoutJob::default();
    for (text, strong) in verdict_parts(name, m, people, typing) {
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
        headline(ui, results);
        ui.horizontal(|ui| {
            for t in Tab::ALL {
                ui.selectable_value(&mut self.tab, t, t.label())
                    .on_hover_text(t.tooltip());
            }
        });
        ui.separator();
        match self.tab {
            Tab::Totals => views::totals::plot::ui(ui, &results.plots),
            Tab::OverTime => views::over_time::plot::ui(ui, &results.plots, &mut self.fold_day),
            Tab::Timeline => views::timeline::plot::ui(ui, &mut self.timeline, results),
            Tab::Gaps => views::gaps::plot::ui(
                ui,
                &results.plots.gaps,
                &results.scenario,
                &mut self.gaps_log,
            ),
            Tab::Sweep => views::sweep::plot::ui(ui, results, &mut self.analysis, cx),
            Tab::Tradeoff => views::tradeoff::plot::ui(ui, results, &mut self.analysis, cx),
            Tab::Table => table(ui, results),
        }
    }
}

/// The scenario, then one line per policy: the answer first.
fn headline(ui: &mut Ui, results: &Results) {
    let users = match results.run.users {
        1 => "1 user".to_string(),
        n => format!("{} users", thousands(n as u64)),
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
            ui.add(egui::Label::new(verdict_job(ui, &p.name, &p.metrics, &people, typing)).wrap());
        });
    }
    ui.add_space(4.0);
}

/// Every metric, policies as columns (as `lapse run --format table`).
fn table(ui: &mut Ui, results: &Results) {
    egui::ScrollArea::both().auto_shrink(false).show(ui, |ui| {
        egui::Grid::new("all-metrics")
            .striped(true)
            .spacing([24.0, 4.0])
            .show(ui, |ui| {
                ui.strong("metric");
                for (i, p) in results.run.policies.iter().enumerate() {
                    ui.label(RichText::new(&p.name).strong().color(policy_color(i)));
                }
                ui.end_row();
                for (k, name) in Metrics::NAMES.iter().enumerate() {
                    ui.monospace(*name);
                    for p in &results.run.policies {
                        let v = p.metrics.pairs()[k].1;
                        let text = if crate::report::is_duration(name) && v > 0 {
                            format!("{v} ({})", rough(v))
                        } else {
                            v.to_string()
                        };
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.monospace(text);
                        });
                    }
                    ui.end_row();
                }
            });
    });
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
