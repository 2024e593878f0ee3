//! Counts per time bucket, one plot per quantity, stacked on one time axis:
//! zooming or hovering one plot moves them all.

use egui::{Id, RichText, Ui, Vec2b};
use egui_plot::{HoverPosition, Line, LineStyle, Plot};

use super::{TimePanelKind, TimePlots};
use crate::app::views::PlotData;
use crate::app::views::format::{amount, clock};
use crate::app::views::plot_kit::{Glyph, count_grid, legend, policy_color, time_grid};
use crate::model::duration::human_ms;

pub fn ui(ui: &mut Ui, data: &PlotData, fold_day: &mut bool) {
    ui.horizontal(|ui| {
        ui.label("Show:");
        ui.selectable_value(fold_day, false, "Whole horizon")
            .on_hover_text("Each bucket from the start of the scenario to its horizon");
        ui.selectable_value(fold_day, true, "Folded into one day")
            .on_hover_text(
                "Every day added up by time of day (live sessions: the most on any day)",
            );
    });
    let (plots, with_day, group) = if *fold_day {
        (&data.by_time_of_day, false, "lapse-time-of-day")
    } else {
        (&data.over_horizon, true, "lapse-over-horizon")
    };
    if plots.panels.is_empty() {
        ui.label("No time series in these results.");
        return;
    }
    let mut entries: Vec<_> = data
        .policies
        .iter()
        .enumerate()
        .map(|(i, name)| (Glyph::Line, policy_color(i), name.clone()))
        .collect();
    entries.push((
        Glyph::Dashed,
        ui.visuals().weak_text_color(),
        "dashed: the count in brackets".to_string(),
    ));
    legend(ui, &entries);
    let step = human_ms(plots.step_ms);
    let per_plot = ui.spacing().item_spacing.y * 2.0 + ui.text_style_height(&egui::TextStyle::Body);
    let height = ((ui.available_height() - 4.0 * per_plot) / 4.0).max(80.0);
    for (k, kind) in TimePanelKind::ALL.iter().enumerate() {
        ui.label(RichText::new(format!("{} per {step}", kind.title())).strong());
        let lines = Lines {
            data,
            plots,
            k,
            kind: *kind,
        };
        lines.plot(ui, height, with_day, Id::unique(group));
    }
}

/// One time plot's content.
struct Lines<'a> {
    data: &'a PlotData,
    plots: &'a TimePlots,
    k: usize,
    kind: TimePanelKind,
}

impl Lines<'_> {
    fn plot(&self, ui: &mut Ui, height: f32, with_day: bool, group: Id) {
        let step = human_ms(self.plots.step_ms);
        Plot::new(("over-time", self.kind.title(), with_day))
            .height(height)
            .link_axis(group, Vec2b::new(true, false))
            .link_cursor(group, Vec2b::new(true, false))
            .include_y(0.0)
            .include_x(0.0)
            .include_x(self.plots.span_hours)
            .allow_zoom(Vec2b::new(true, false))
            .allow_drag(Vec2b::new(true, false))
            .allow_scroll(Vec2b::new(true, false))
            .x_grid_spacer(time_grid)
            .x_axis_formatter(move |mark, _| clock(mark.value, with_day))
            .y_grid_spacer(count_grid)
            .y_axis_min_width(36.0)
            .label_formatter(move |pos| match pos {
                HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => Some(format!(
                    "{plot_name}\n{}: {} in {step}",
                    clock(position.x, with_day),
                    amount(position.y)
                )),
                HoverPosition::Elsewhere { position } => Some(clock(position.x, with_day)),
            })
            .show(ui, |plot| {
                for (i, lines) in self.plots.panels[self.k].iter().enumerate() {
                    let name = &self.data.policies[i];
                    let color = policy_color(i);
                    // Step lines have vertical edges: no band aggregation.
                    plot.line(
                        Line::new(name.as_str(), lines.solid.clone())
                            .color(color)
                            .width(1.5)
                            .allow_band(false),
                    );
                    if !lines.dashed.is_empty() {
                        plot.line(
                            Line::new(
                                format!("{name} ({})", self.kind.dashed_name()),
                                lines.dashed.clone(),
                            )
                            .color(color)
                            .width(1.5)
                            .allow_band(false)
                            .style(LineStyle::dashed_dense()),
                        );
                    }
                }
            });
    }
}
