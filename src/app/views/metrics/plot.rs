//! The "All metrics" view: the rows of [`super::rows`] as a grid, the
//! policies as columns, each metric's explanation beside it (and its JSON
//! key on hover).

use egui::{RichText, Ui};

use crate::analysis::replicates::{MetricIntervals, Replicated};
use crate::app::views::plot_kit::policy_color;
use crate::app::worker::Results;

/// With replicates, each cell is the mean ± half the 95 % interval.
pub fn ui(ui: &mut Ui, results: &Results, replicated: Option<&Replicated>) {
    let intervals: Option<Vec<MetricIntervals>> =
        replicated.map(|r| (0..r.run.policies.len()).map(|p| r.intervals(p)).collect());
    let rows = super::rows(
        &results.run,
        results.scenario.horizon.0,
        intervals.as_deref(),
    );
    // Vertical only: the explanations stay within the width there is, to
    // the view's right edge.
    let right = ui.max_rect().right() - 12.0;
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            egui::Grid::new("all-metrics")
                .striped(true)
                .spacing([24.0, 4.0])
                .show(ui, |ui| {
                    ui.strong("metric");
                    for (i, p) in results.run.policies.iter().enumerate() {
                        ui.label(RichText::new(&p.name).strong().color(policy_color(i)));
                    }
                    ui.strong("what it counts");
                    ui.end_row();
                    for row in &rows {
                        let name = ui.label(RichText::new(&row.label).strong());
                        if !row.key.is_empty() {
                            name.on_hover_text(format!("{}: {}", row.key, row.explains));
                        }
                        for (text, exact) in row.cells.iter().zip(&row.exact) {
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    let cell = ui.monospace(text);
                                    if let Some(exact) = exact {
                                        cell.on_hover_text(exact);
                                    }
                                },
                            );
                        }
                        // One line; cut short (the whole of it on hover) only
                        // in a window too narrow for it.
                        let width = (right - ui.cursor().left()).max(120.0);
                        ui.allocate_ui(egui::vec2(width, 0.0), |ui| {
                            ui.add(
                                egui::Label::new(RichText::new(&row.explains).weak()).truncate(),
                            );
                        });
                        ui.end_row();
                    }
                });
        });
}
