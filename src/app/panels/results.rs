//! The answer first (one line per policy), then the views of the results.

use std::sync::Arc;

use egui::{RichText, Ui};

use crate::app::plots::{self, policy_color, timeline::TimelineView};
use crate::app::state::Tab;
use crate::app::worker::Results;
use crate::engine::Metrics;
use crate::model::duration::human_ms;

/// The headline for one policy: who was logged out, what was lost.
pub fn verdict(name: &str, m: &Metrics) -> String {
    let n = |v: u64, one: &str, many: &str| format!("{v} {}", if v == 1 { one } else { many });
    format!(
        "{name}: {} ({} while present) · {} and {} lost ({} of typing) · warnings: {} shown, {} heeded, {} missed",
        n(m.logouts, "logout", "logouts"),
        m.logouts_while_present,
        n(m.lost_submits, "submit", "submits"),
        n(m.lost_inputs, "edit", "edits"),
        human_ms(m.lost_edit_ms),
        m.warnings_shown,
        m.warnings_heeded,
        m.warnings_missed,
    )
}

pub fn ui(
    ui: &mut Ui,
    results: &Arc<Results>,
    tab: &mut Tab,
    fold_day: &mut bool,
    timeline: &mut TimelineView,
) {
    let users = match results.run.users {
        1 => "1 user".to_string(),
        n => format!("{n} users"),
    };
    ui.label(
        RichText::new(format!(
            "{} — {users} over {}",
            results.run.scenario, results.scenario.horizon
        ))
        .heading(),
    );
    for (i, p) in results.run.policies.iter().enumerate() {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 3.0, policy_color(i));
            ui.add(egui::Label::new(verdict(&p.name, &p.metrics)).wrap());
        });
    }
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        for t in Tab::ALL {
            ui.selectable_value(tab, t, t.label())
                .on_hover_text(t.tooltip());
        }
    });
    ui.separator();
    match tab {
        Tab::Totals => plots::totals::ui(ui, &results.plots),
        Tab::OverTime => plots::over_time::ui(ui, &results.plots, fold_day),
        Tab::Timeline => plots::timeline::ui(ui, timeline, results),
        Tab::Gaps => plots::gaps::ui(ui, &results.plots.gaps, &results.scenario),
        Tab::Table => table(ui, results),
    }
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
                        let text = if name.ends_with("_ms") && v > 0 {
                            format!("{v} ({})", human_ms(v))
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
            ..Metrics::default()
        };
        assert_eq!(
            verdict("alert", &m),
            "alert: 1 logout (0 while present) · 1 submit and 4 edits lost (30m of typing) · warnings: 1 shown, 0 heeded, 1 missed"
        );
    }
}
