//! Counts per time bucket, one plot per quantity, stacked on one time axis:
//! zooming or hovering one plot moves them all.

use egui::{Id, RichText, Ui, Vec2b};
use egui_plot::{HoverPosition, Line, LineStyle, Plot, Polygon};

use super::{TimeBands, TimePanelKind, TimePlots};
use crate::analysis::intervals::Interval;
use crate::app::views::HOUR_MS;
use crate::app::views::PlotData;
use crate::app::views::format::{amount, clock};
use crate::app::views::plot_kit::{Glyph, count_grid, legend, policy_color, time_grid};
use crate::model::duration::human_ms;
use crate::report::replicates::interval_cell;

/// The plots; with replicates (`bands`), each solid line is the mean over
/// them in a shaded band of its 95 % interval.
pub fn ui(ui: &mut Ui, data: &PlotData, fold_day: &mut bool, bands: Option<&TimeBands>) {
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
    let bands = bands.filter(|b| b.replicates > 1);
    let step_bands = bands.map(|b| {
        if *fold_day {
            &b.by_time_of_day
        } else {
            &b.over_horizon
        }
    });
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
    if let Some(b) = bands {
        entries.push((
            Glyph::Shade,
            ui.visuals().weak_text_color(),
            "95 % interval".to_string(),
        ));
        ui.weak(format!(
            "Solid lines: means over {} replicates, in a shaded band of their 95 % interval; dashed lines: replicate 0.",
            b.replicates
        ));
    }
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
            bands: step_bands.and_then(|b| b.get(k)),
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
    /// Per policy, the solid line's interval at each drawn step.
    bands: Option<&'a Vec<Vec<Interval>>>,
}

/// A band's pieces: one rectangle per drawn step whose interval has width
/// (`step_h` wide, in hours).
pub fn band_rects(band: &[Interval], step_h: f64) -> Vec<[[f64; 2]; 4]> {
    band.iter()
        .enumerate()
        .filter(|(_, iv)| iv.high > iv.low)
        .map(|(i, iv)| {
            let x = i as f64 * step_h;
            [
                [x, iv.low],
                [x + step_h, iv.low],
                [x + step_h, iv.high],
                [x, iv.high],
            ]
        })
        .collect()
}

/// The means as a step line, as [`super::step_line`] draws counts.
fn mean_line(band: &[Interval], step_h: f64) -> Vec<[f64; 2]> {
    band.iter()
        .enumerate()
        .flat_map(|(i, iv)| {
            let x = i as f64 * step_h;
            [[x, iv.mean], [x + step_h, iv.mean]]
        })
        .collect()
}

/// What hovering a solid line at `x` (hours) says with bands: the step's
/// mean ± half its interval.
fn band_at(bands: &[Vec<Interval>], policy: usize, x: f64, step_h: f64) -> Option<Interval> {
    let step = (x / step_h).floor();
    if step < 0.0 {
        return None;
    }
    bands.get(policy)?.get(step as usize).copied()
}

impl Lines<'_> {
    fn plot(&self, ui: &mut Ui, height: f32, with_day: bool, group: Id) {
        let step = human_ms(self.plots.step_ms);
        let step_h = self.plots.step_ms as f64 / HOUR_MS;
        let names = self.data.policies.clone();
        let hover_bands = self.bands.cloned();
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
                } => {
                    let banded = hover_bands.as_ref().and_then(|b| {
                        let policy = names.iter().position(|n| n == plot_name)?;
                        band_at(b, policy, position.x, step_h)
                    });
                    let value = match banded {
                        // A count, as the tables write it: `3.2 ± 1.1`.
                        Some(iv) => format!("{} (mean, 95 %)", interval_cell("count", &iv)),
                        None => amount(position.y),
                    };
                    Some(format!(
                        "{plot_name}\n{}: {value} in {step}",
                        clock(position.x, with_day),
                    ))
                }
                HoverPosition::Elsewhere { position } => Some(clock(position.x, with_day)),
            })
            .show(ui, |plot| {
                for (i, lines) in self.plots.panels[self.k].iter().enumerate() {
                    let name = &self.data.policies[i];
                    let color = policy_color(i);
                    let band = self.bands.and_then(|b| b.get(i)).filter(|b| !b.is_empty());
                    if let Some(band) = band {
                        for (j, piece) in band_rects(band, step_h).into_iter().enumerate() {
                            plot.polygon(
                                Polygon::new("95 % interval", piece.to_vec())
                                    .id(("band", self.k, i, j))
                                    .fill_color(color.gamma_multiply(0.3))
                                    // No outline (egui_plot colours a transparent one).
                                    .stroke(egui::Stroke::new(0.0, color.gamma_multiply(0.3)))
                                    .allow_hover(false),
                            );
                        }
                    }
                    let solid = band.map_or_else(|| lines.solid.clone(), |b| mean_line(b, step_h));
                    // Step lines have vertical edges: no band aggregation.
                    plot.line(
                        Line::new(name.as_str(), solid)
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
