//! The sweep view: one field of the selected policy over a range of values,
//! every metric against it (a small plot per metric, on one linked axis),
//! with the policy's current value marked.

use std::sync::Arc;

use egui::{Id, RichText, Ui, Vec2b};
use egui_plot::{HoverPosition, Line, LineStyle, Plot, Points, VLine};

use super::view::AnalysisViews;
use super::{MAX_FORM_STEPS, MetricSeries, SweepForm, SweepResult};
use crate::analysis::param::Param;
use crate::app::command::Command;
use crate::app::panels::results::ViewContext;
use crate::app::views::HOUR_MS;
use crate::app::views::format::{amount, rough, thousands};
use crate::app::views::plot_kit::{count_grid, plot_points, policy_color, time_grid};
use crate::app::worker::Results;
use crate::model::duration::human_ms;

const COLUMNS: usize = 4;
const PLOT_HEIGHT: f32 = 150.0;

/// A value on the duration axis (hours) as a duration: `1h30m`.
pub fn duration_label(hours: f64) -> String {
    if hours < 0.0 {
        return String::new();
    }
    human_ms((hours * HOUR_MS).round() as u64)
}

pub fn ui(ui: &mut Ui, results: &Arc<Results>, views: &mut AnalysisViews, cx: ViewContext<'_>) {
    form(ui, results, views, cx.scenario, cx.selected, cx.commands);
    if let Some(running) = views.running() {
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(running.fraction())
                    .desired_width(320.0)
                    .text(format!(
                        "Sweeping {} of “{}”: {:.0}%",
                        running.spec.param,
                        running.policy_name,
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
            plots(ui, &done, current);
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
                views.form = SweepForm::for_param(param);
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

/// Every metric against the swept field, four to a row.
fn plots(ui: &mut Ui, done: &SweepResult, current: Option<crate::model::Dur>) {
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
    }
    if let Some(note) = done.skipped_note() {
        ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
    }
    let color = policy_color(done.policy);
    let param = sweep.param;
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            for row in done.metrics.chunks(COLUMNS) {
                ui.columns(COLUMNS, |columns| {
                    for (column, series) in columns.iter_mut().zip(row) {
                        metric_plot(column, series, param, current, color);
                    }
                });
            }
        });
}

fn metric_plot(
    ui: &mut Ui,
    series: &MetricSeries,
    param: Param,
    current: Option<crate::model::Dur>,
    color: egui::Color32,
) {
    let title = if series.is_ms {
        format!("{} (hours)", series.name)
    } else {
        series.name.to_string()
    };
    ui.label(RichText::new(&title).strong());
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
    Plot::new(("sweep", series.name))
        .height(PLOT_HEIGHT)
        .link_axis(group, Vec2b::new(true, false))
        .link_cursor(group, Vec2b::new(true, false))
        .allow_scroll(false)
        .include_y(0.0)
        .x_grid_spacer(time_grid)
        .x_axis_formatter(|mark, _| duration_label(mark.value))
        .y_axis_min_width(36.0)
        .y_grid_spacer(move |input| {
            if is_ms {
                egui_plot::log_grid_spacer(10)(input)
            } else {
                count_grid(input)
            }
        })
        .y_axis_formatter(move |mark, _| {
            if is_ms {
                format!("{:.1}", mark.value)
            } else {
                amount(mark.value)
            }
        })
        .label_formatter(move |pos| match pos {
            HoverPosition::NearDataPoint { position, .. } => Some(format!(
                "{param} = {}\n{name}: {}",
                duration_label(position.x),
                value(position.y)
            )),
            HoverPosition::Elsewhere { position } => {
                Some(format!("{param} = {}", duration_label(position.x)))
            }
        })
        .show(ui, |plot| {
            plot.line(
                Line::new(name, plot_points(&series.points))
                    .color(color)
                    .width(1.5),
            );
            plot.points(
                Points::new(name, plot_points(&series.points))
                    .color(color)
                    .radius(2.5),
            );
            if let Some(now) = current {
                plot.vline(
                    VLine::new(format!("now: {now}"), now.0 as f64 / HOUR_MS)
                        .color(color)
                        .width(1.5)
                        .style(LineStyle::dashed_loose()),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_reads_as_durations() {
        assert_eq!(duration_label(1.5), "1h30m");
        assert_eq!(duration_label(5.0 / 60.0), "5m");
        assert_eq!(duration_label(-1.0), "");
    }
}
