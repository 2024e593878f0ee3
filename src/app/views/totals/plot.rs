//! Totals per policy, side by side: one small bar chart per metric, each on
//! its own scale so a handful of lost submits is not flattened by thousands
//! of warnings.

use egui::{Align2, RichText, Ui};
use egui_plot::{Bar, BarChart, GridMark, Line, Plot, PlotPoint, PlotPoints, Text};

use super::Total;
use crate::analysis::intervals::Interval;
use crate::analysis::replicates::Replicated;
use crate::app::views::PlotData;
use crate::app::views::format::amount;
use crate::app::views::plot_kit::{count_grid, policy_color};
use crate::report::document::TimeUnit;
use crate::report::replicates::interval_cell;

const COLUMNS: usize = 5;

/// The charts; with replicates, each bar is the mean with its 95 % interval
/// drawn as an error bar.
pub fn ui(ui: &mut Ui, data: &PlotData, replicated: Option<&Replicated>) {
    let rows = data.totals.len().div_ceil(COLUMNS);
    let spacing = ui.spacing().item_spacing;
    let title_height = ui.text_style_height(&egui::TextStyle::Body) + spacing.y;
    let height = ((ui.available_height() - rows as f32 * (title_height + spacing.y)) / rows as f32)
        .max(90.0);
    for row in data.totals.chunks(COLUMNS) {
        ui.columns(COLUMNS, |columns| {
            for (column, total) in columns.iter_mut().zip(row) {
                let bars = replicated.and_then(|r| total.kind.error_bars(r, total.unit));
                chart(column, data, total, bars.as_deref(), height);
            }
        });
    }
}

fn chart(ui: &mut Ui, data: &PlotData, total: &Total, spread: Option<&[Interval]>, height: f32) {
    let title = total.title();
    ui.label(RichText::new(&title).strong())
        .on_hover_text(total.kind.help());
    let unit = total.unit;
    let is_hours = unit.is_some();
    let format = move |v: f64| {
        let suffix = match unit {
            Some(TimeUnit::Days) => " days",
            Some(TimeUnit::Hours) => " h",
            None => return amount(v),
        };
        if v >= 100.0 {
            format!("{v:.0}{suffix}")
        } else {
            format!("{v:.1}{suffix}")
        }
    };
    // With replicates the bars are the means, topped by their intervals.
    let values: Vec<f64> = match spread {
        Some(spread) => spread.iter().map(|iv| iv.mean).collect(),
        None => total.values.clone(),
    };
    let metric = total.kind.metric();
    // The `±` on a line of its own: on one line a large mean with its
    // half-width (`140,184 ± 1,316`, `51.8 days ± 0.4 days`) is wider than
    // the bar's column, and its ends were cut off at the plot's edges.
    let label = move |i: usize, v: f64| match spread.and_then(|s| s.get(i)) {
        Some(iv) if iv.half_width() > 0.0 && is_hours => {
            format!("{}\n± {}", format(v), format(iv.half_width()))
        }
        // Counts as the tables write them: `4,848 ± 21`.
        Some(iv) if iv.half_width() > 0.0 => interval_cell(metric, iv).replacen(" ± ", "\n± ", 1),
        _ => format(v),
    };
    let top = spread
        .map_or(&[][..], |s| s)
        .iter()
        .map(|iv| iv.high)
        .chain(values.iter().copied())
        .fold(0.0, f64::max);
    let names = data.policies.clone();
    let whisker = ui.visuals().strong_text_color();
    let bars: Vec<Bar> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            Bar::new(i as f64, v)
                .width(0.7)
                .fill(policy_color(i))
                .name(&data.policies[i])
        })
        .collect();
    let n = data.policies.len();
    Plot::new(("total", total.kind.title()))
        .height(height)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .show_grid([false, true])
        .include_y(0.0)
        .include_y(if top > 0.0 { top * 1.2 } else { 1.0 })
        .include_x(-0.6)
        .include_x(n as f64 - 0.4)
        .set_margin_fraction(egui::vec2(0.0, 0.0))
        .x_grid_spacer(move |_| {
            (0..n)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            names.get(i as usize).map(|n| short(n)).unwrap_or_default()
        })
        .y_axis_min_width(28.0)
        .y_grid_spacer(move |input| {
            if is_hours {
                egui_plot::log_grid_spacer(10)(input)
            } else {
                count_grid(input)
            }
        })
        .show(ui, |plot| {
            let chart =
                BarChart::new(title.as_str(), bars).element_formatter(Box::new(move |bar, _| {
                    format!("{}\n{}", bar.name, format(bar.value))
                }));
            plot.bar_chart(chart);
            for (i, iv) in spread.unwrap_or_default().iter().enumerate() {
                plot.line(error_bar(total.kind.title(), i, iv, whisker));
            }
            for (i, &v) in values.iter().enumerate() {
                // Above the error bar, when there is one.
                let at = spread.and_then(|s| s.get(i)).map_or(v, |iv| iv.high.max(v));
                plot.text(
                    Text::new(
                        format!("{} value {i}", total.kind.title()),
                        PlotPoint::new(i as f64, at),
                        RichText::new(label(i, v)).strong().size(13.0),
                    )
                    .anchor(Align2::CENTER_BOTTOM),
                );
            }
        });
}

/// The 95 % interval of bar `i` as a vertical line with caps.
fn error_bar(title: &str, i: usize, iv: &Interval, color: egui::Color32) -> Line<'static> {
    let (x, cap) = (i as f64, 0.12);
    let points = vec![
        [x - cap, iv.low],
        [x + cap, iv.low],
        [x, iv.low],
        [x, iv.high],
        [x - cap, iv.high],
        [x + cap, iv.high],
    ];
    Line::new(format!("{title} interval {i}"), PlotPoints::from(points))
        .color(color)
        .width(1.5)
        .allow_hover(false)
}

/// A policy name short enough for an axis label.
fn short(name: &str) -> String {
    const MAX: usize = 12;
    if name.chars().count() <= MAX {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(MAX - 1).collect::<String>())
    }
}
