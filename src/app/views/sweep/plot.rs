//! The sweep view: one field of the selected policy over a range of values,
//! every metric against it (a small plot per metric, on one linked axis),
//! with the policy's current value marked.

use std::sync::Arc;

use egui::{Id, RichText, Ui, Vec2b};
use egui_plot::{HoverPosition, Line, LineStyle, MarkerShape, Plot, Points, Polygon, VLine};

use super::view::AnalysisViews;
use super::{MAX_FORM_STEPS, MetricSeries, SweepForm, SweepResult};
use crate::analysis::compliance::Standard;
use crate::analysis::intervals::Interval;
use crate::analysis::param::Param;
use crate::app::command::Command;
use crate::app::panels::results::ViewContext;
use crate::app::views::format::{amount, rough, thousands};
use crate::app::views::plot_kit::{
    Glyph, count_grid, fraction_grid, legend, plot_points, policy_color,
};
use crate::app::views::{HOUR_MS, Xy};
use crate::app::worker::Results;
use crate::model::duration::human_ms;
use crate::report::replicates::interval_cell;

const COLUMNS: usize = 4;
const PLOT_HEIGHT: f32 = 150.0;

/// A value on the duration axis (hours) as a duration: `1h30m`.
pub fn duration_label(hours: f64) -> String {
    if hours < 0.0 {
        return String::new();
    }
    human_ms((hours * HOUR_MS).round() as u64)
}

/// A mark on a plot's hours axis: whole hours as counts are written
/// elsewhere (`10,000`), fractions with the digits they need (`0.5`, `0.01`).
pub fn hours_label(hours: f64) -> String {
    // Whole hours (give or take a rounding error) as a count; the rest,
    // fractions of the grid's fine steps, with up to three decimals.
    if (hours - hours.round()).abs() < 1e-9 {
        amount(hours.round())
    } else {
        let text = format!("{hours:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

pub fn ui(ui: &mut Ui, results: &Arc<Results>, views: &mut AnalysisViews, cx: ViewContext<'_>) {
    form(ui, results, views, cx.scenario, cx.selected, cx.commands);
    if let Some(running) = views.running() {
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(running.fraction())
                    // Room for "… on 20 replicates: 40%".
                    .desired_width(480.0)
                    .text(format!(
                        "Sweeping {} of “{}”{}: {:.0}%",
                        running.spec.param,
                        running.policy_name,
                        if running.replicates > 1 {
                            format!(" on {} replicates", running.replicates)
                        } else {
                            String::new()
                        },
                        100.0 * running.fraction()
                    )),
            );
        });
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(100));
    }
    if let Some(note) = &views.note {
        ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
    }
    ui.separator();
    match views.done() {
        Some(done) => {
            let done = Arc::clone(done);
            let current = cx
                .scenario
                .policies
                .get(done.policy)
                .and_then(|p| done.sweep.param.get(p));
            // A shown sweep ran on the results' users (another population
            // or sample makes it stale): with a sample, on the sample.
            if let Some(share) = results.sample {
                ui.weak(format!(
                    "Swept on the {} sampled users only: these counts are theirs, not scaled to all {}.",
                    thousands(share.sampled as u64),
                    thousands(share.population as u64)
                ));
            }
            let top = ui.cursor().min;
            plots(ui, &done, current, views.form.standard);
            // The PNG export: from the sweep's sentence down, without the form.
            views.plot_rect = Some(egui::Rect::from_min_max(top, ui.min_rect().max));
        }
        None => {
            ui.label("Pick a field and its range, then run the sweep: every metric is plotted against the field.");
        }
    }
}

/// The field, its range and the run button, for the selected policy.
fn form(
    ui: &mut Ui,
    results: &Results,
    views: &mut AnalysisViews,
    scenario: &crate::model::Scenario,
    selected: usize,
    commands: &mut Vec<Command>,
) {
    let Some(policy) = scenario.policies.get(selected) else {
        return;
    };
    let available = Param::available_for(policy);
    if !available.contains(&views.form.param) {
        views.form = SweepForm::default();
    }
    let spec = ui
        .horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!("Policy “{}”", policy.name))
                    .strong()
                    .color(policy_color(selected)),
            )
            .on_hover_text("The policy selected in the editor on the left");
            let label = ui.label("Field");
            let mut param = views.form.param;
            egui::ComboBox::from_id_salt("sweep-field")
                .selected_text(param.name())
                .width(150.0)
                .show_ui(ui, |ui| {
                    for p in &available {
                        ui.selectable_value(&mut param, *p, p.name());
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(
                    "The duration field to vary. Fields of a section the policy does not have (warning, keepalive, CSRF) are not offered: switch the section on first.",
                );
            if param != views.form.param {
                let standard = views.form.standard;
                views.form = SweepForm::for_param(param);
                views.form.standard = standard;
            }
            let label = ui.label("From");
            ui.add(egui::TextEdit::singleline(&mut views.form.from).desired_width(64.0))
                .labelled_by(label.id)
                .on_hover_text("The first value, e.g. 5m");
            let label = ui.label("To");
            ui.add(egui::TextEdit::singleline(&mut views.form.to).desired_width(64.0))
                .labelled_by(label.id)
                .on_hover_text("The last value, e.g. 4h (it may be below From)");
            let label = ui.label("Steps");
            ui.add(egui::DragValue::new(&mut views.form.steps).range(2..=MAX_FORM_STEPS))
                .labelled_by(label.id)
                .on_hover_text("How many evenly spaced values, both ends included");
            let label = ui.label("Standard");
            egui::ComboBox::from_id_salt("sweep-standard")
                .selected_text(views.form.standard.id())
                .width(110.0)
                .show_ui(ui, |ui| {
                    for st in Standard::ALL {
                        ui.selectable_value(&mut views.form.standard, st, st.id())
                            .on_hover_text(st.title());
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(
                    "Each step is marked as passing (green circle) or failing (red cross) this standard, as `lapse check` judges the policy at that value",
                );
            let spec = views.form.spec();
            if views.running().is_some() {
                let cancel = Command::CancelSweep;
                if ui
                    .button(cancel.label())
                    .on_hover_text(cancel.tooltip())
                    .clicked()
                {
                    commands.push(cancel);
                }
            } else {
                let current = results.scenario == *scenario;
                let run = ui
                    .add_enabled(
                        spec.is_ok() && current,
                        egui::Button::new("Run sweep"),
                    )
                    .on_hover_text(
                        "Run the policy at every value of the field (on its own thread; the window stays responsive)",
                    )
                    .on_disabled_hover_text(if current {
                        "Fix the range first"
                    } else {
                        "Waiting for the simulation of the latest edit (or for the scenario's problems to be fixed)"
                    });
                if run.clicked()
                    && let Ok(spec) = spec.clone()
                {
                    commands.push(Command::RunSweep {
                        policy: selected,
                        spec,
                    });
                }
            }
            spec
        })
        .inner;
    if let Err(e) = spec {
        ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
    }
}

/// Every metric against the swept field, four to a row, each step marked
/// as passing or failing `standard`.
fn plots(ui: &mut Ui, done: &SweepResult, current: Option<crate::model::Dur>, standard: Standard) {
    let sweep = &done.sweep;
    let (first, last) = (
        sweep.steps.first().map(|s| s.value),
        sweep.steps.last().map(|s| s.value),
    );
    if let (Some(first), Some(last)) = (first, last) {
        ui.label(format!(
            "“{}”: {} from {first} to {last} in {} steps, {} {}. {}",
            sweep.policy,
            sweep.param,
            sweep.steps.len(),
            thousands(sweep.users as u64),
            if sweep.users == 1 { "user" } else { "users" },
            match current {
                Some(now) => format!("The dashed line is its value now ({now})."),
                None => "The policy has no value for it now.".to_string(),
            }
        ));
        if done.replicate_count() > 1 {
            ui.label(format!(
                "Each point is the mean over {} replicates; the shaded band is its 95 % interval.",
                done.replicate_count()
            ))
            .on_hover_text(
                "Each replicate is another draw of the population (generated again from a derived seed, or a trace's users resampled), swept at every value. Set Replicates beside the seed before running the sweep.",
            );
        }
    }
    if let Some(note) = done.skipped_note() {
        ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
    }
    let color = policy_color(done.policy);
    let mut entries = vec![(Glyph::Line, color, format!("“{}”", sweep.policy))];
    if done.replicate_count() > 1 {
        entries.push((Glyph::Shade, band_color(color), "95 % interval".to_string()));
    }
    legend(
        ui,
        &[
            entries,
            vec![
                (
                    Glyph::Marker(MarkerShape::Circle),
                    PASS_COLOR,
                    format!("passes {}", standard.id()),
                ),
                (
                    Glyph::Marker(MarkerShape::Cross),
                    FAIL_COLOR,
                    format!("fails {}", standard.id()),
                ),
                (Glyph::Dashed, color, "its value now".to_string()),
            ],
        ]
        .concat(),
    );
    if let Some(summary) = done.verdict_summary(standard) {
        ui.label(summary).on_hover_text(standard.title());
    }
    let passes = done.passes(standard);
    let param = sweep.param;
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            for row in done.metrics.chunks(COLUMNS) {
                ui.columns(COLUMNS, |columns| {
                    for (column, series) in columns.iter_mut().zip(row) {
                        let marks = Marks {
                            current,
                            color,
                            standard,
                            passes: &passes,
                        };
                        metric_plot(column, series, param, &marks);
                    }
                });
            }
        });
}

/// Passing steps: a green circle; failing ones: a red cross (two shapes, so
/// colour is not the only cue).
const PASS_COLOR: egui::Color32 = egui::Color32::from_rgb(0x2c, 0xa0, 0x2c);
const FAIL_COLOR: egui::Color32 = egui::Color32::from_rgb(0xd6, 0x27, 0x28);

/// The band's fill: the policy's colour, faint enough to read the line over it.
fn band_color(color: egui::Color32) -> egui::Color32 {
    color.gamma_multiply(0.3)
}

/// The band as quadrilaterals, one between each two neighbouring steps
/// (egui_plot fills convex polygons only; each such piece is convex, the
/// whole band need not be).
pub fn band_pieces(
    points: &[Xy],
    band: &[crate::analysis::intervals::Interval],
) -> Vec<[[f64; 2]; 4]> {
    points
        .windows(2)
        .zip(band.windows(2))
        .map(|(p, b)| {
            [
                [p[0].x, b[0].low],
                [p[1].x, b[1].low],
                [p[1].x, b[1].high],
                [p[0].x, b[0].high],
            ]
        })
        .collect()
}

/// What every small plot marks besides its line.
struct Marks<'a> {
    current: Option<crate::model::Dur>,
    color: egui::Color32,
    standard: Standard,
    /// Per plotted point: whether it passes the standard.
    passes: &'a [bool],
}

fn metric_plot(ui: &mut Ui, series: &MetricSeries, param: Param, marks: &Marks<'_>) {
    let title = if series.is_ms {
        format!("{} (hours)", series.label)
    } else {
        series.label.to_string()
    };
    ui.label(RichText::new(&title).strong())
        .on_hover_text(format!("{}: {}", series.name, series.explains));
    let is_ms = series.is_ms;
    let value = move |v: f64| {
        if is_ms {
            rough((v * HOUR_MS).round().max(0.0) as u64)
        } else {
            amount(v)
        }
    };
    let group = Id::unique("lapse-sweep-plots");
    let name = series.name;
    let label = series.label;
    let hover_series = series.clone();
    let passes: Vec<bool> = marks.passes.to_vec();
    let standard = marks.standard;
    let (pass_points, fail_points): (Vec<Xy>, Vec<Xy>) = {
        let (mut pass, mut fail) = (Vec::new(), Vec::new());
        for (i, p) in series.points.iter().enumerate() {
            match passes.get(i) {
                Some(true) => pass.push(*p),
                Some(false) => fail.push(*p),
                None => {}
            }
        }
        (pass, fail)
    };
    Plot::new(("sweep", series.name))
        .height(PLOT_HEIGHT)
        .link_axis(group, Vec2b::new(true, false))
        .link_cursor(group, Vec2b::new(true, false))
        .allow_scroll(false)
        .include_y(0.0)
        .set_margin_fraction(egui::vec2(0.06, 0.12))
        // The small plots have room for few labels: shown from 36 points
        // apart (egui_plot's default wants 60), four or five per axis.
        .custom_x_axes(vec![
            egui_plot::AxisHints::new_x()
                .label(format!("{param} (duration)"))
                .formatter(|mark, _| duration_label(mark.value))
                .label_spacing(36.0..=44.0),
        ])
        .x_grid_spacer(sweep_grid)
        .y_axis_min_width(36.0)
        .y_grid_spacer(move |input| {
            if is_ms {
                fraction_grid(input)
            } else {
                count_grid(input)
            }
        })
        .y_axis_formatter(move |mark, _| {
            if is_ms {
                hours_label(mark.value)
            } else {
                amount(mark.value)
            }
        })
        .label_formatter(move |pos| {
            // Anywhere over the plot: the step nearest the pointer along
            // the axis, its value and its verdict.
            let x = match pos {
                HoverPosition::NearDataPoint { position, .. } => position.x,
                HoverPosition::Elsewhere { position } => position.x,
            };
            let (i, at) = hover_series.nearest(x)?;
            // With replicates: the mean ± half its 95 % interval.
            // As the tables write it (`5,641 ± 49`, `2h10m ± 12m`).
            let shown = match hover_series.band.get(i) {
                Some(iv) => {
                    let scale = if is_ms { HOUR_MS } else { 1.0 };
                    let iv = Interval {
                        mean: iv.mean * scale,
                        low: iv.low * scale,
                        high: iv.high * scale,
                    };
                    interval_cell(name, &iv)
                }
                None => value(at.y),
            };
            let verdict = match passes.get(i) {
                Some(true) => format!("\npasses {}", standard.id()),
                Some(false) => format!("\nfails {}", standard.id()),
                None => String::new(),
            };
            Some(format!(
                "{param} = {}\n{label}: {shown}{verdict}",
                duration_label(at.x),
            ))
        })
        .show(ui, |plot| {
            for (i, piece) in band_pieces(&series.points, &series.band).iter().enumerate() {
                plot.polygon(
                    Polygon::new("95 % interval", piece.to_vec())
                        .id(("band", name, i))
                        .fill_color(band_color(marks.color))
                        // No outline: egui_plot would give a transparent one
                        // a colour of its own.
                        .stroke(egui::Stroke::new(0.0, band_color(marks.color)))
                        .allow_hover(false),
                );
            }
            plot.line(
                Line::new(name, plot_points(&series.points))
                    .color(marks.color)
                    .width(1.5),
            );
            plot.points(
                Points::new(name, plot_points(&series.points))
                    .color(marks.color)
                    .radius(2.0),
            );
            if !pass_points.is_empty() {
                plot.points(
                    Points::new("passes", plot_points(&pass_points))
                        .shape(MarkerShape::Circle)
                        .color(PASS_COLOR)
                        .radius(3.5),
                );
            }
            if !fail_points.is_empty() {
                plot.points(
                    Points::new("fails", plot_points(&fail_points))
                        .shape(MarkerShape::Cross)
                        .color(FAIL_COLOR)
                        .radius(5.5),
                );
            }
            if let Some(now) = marks.current {
                plot.vline(
                    VLine::new(format!("now: {now}"), now.0 as f64 / HOUR_MS)
                        .color(marks.color)
                        .width(1.5)
                        .style(LineStyle::dashed_loose()),
                );
            }
        });
}

/// Round durations (hours) the sweep's axis may be marked at.
const ROUND_HOURS: [f64; 16] = [
    1.0 / 3600.0,
    10.0 / 3600.0,
    1.0 / 60.0,
    5.0 / 60.0,
    10.0 / 60.0,
    0.25,
    0.5,
    1.0,
    2.0,
    3.0,
    6.0,
    12.0,
    24.0,
    48.0,
    168.0,
    720.0,
];

/// The sweep's x axis: four or five labelled marks at round durations across
/// the range (the plots are small: the finer grid of the time plots left
/// only `0s` labelled).
fn sweep_grid(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    let step = ROUND_HOURS
        .iter()
        .copied()
        .find(|&s| s >= (hi - lo) / 5.0)
        .unwrap_or(ROUND_HOURS[ROUND_HOURS.len() - 1]);
    let mut marks = Vec::new();
    let mut k = (lo.max(0.0) / step).ceil();
    while k * step <= hi && marks.len() < 100 {
        marks.push(egui_plot::GridMark {
            value: k * step,
            step_size: step,
        });
        k += 1.0;
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_is_marked_four_or_five_times_at_round_durations() {
        let marks = |lo: f64, hi: f64| -> Vec<String> {
            sweep_grid(egui_plot::GridInput {
                bounds: (lo, hi),
                base_step_size: 0.01,
            })
            .iter()
            .map(|m| duration_label(m.value))
            .collect()
        };
        // 5m to 4h (and a margin): every hour.
        assert_eq!(marks(-0.2, 4.2), ["0s", "1h", "2h", "3h", "4h"]);
        // 10m to 1h: every quarter of an hour.
        assert_eq!(marks(0.12, 1.05), ["15m", "30m", "45m", "1h"]);
    }

    #[test]
    fn hours_read_as_counts_do() {
        assert_eq!(hours_label(10_000.0), "10,000");
        assert_eq!(hours_label(100.0), "100");
        assert_eq!(hours_label(1.0), "1");
        assert_eq!(hours_label(0.5), "0.5");
        assert_eq!(hours_label(1.5), "1.5");
        assert_eq!(hours_label(0.01), "0.01");
        assert_eq!(hours_label(0.0), "0");
    }

    #[test]
    fn the_axis_reads_as_durations() {
        assert_eq!(duration_label(1.5), "1h30m");
        assert_eq!(duration_label(5.0 / 60.0), "5m");
        assert_eq!(duration_label(-1.0), "");
    }
}
