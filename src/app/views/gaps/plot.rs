//! The idle-gap histogram: how long users pause between actions, on a log
//! time axis, with each policy's idle timeout, warning and keepalive marked.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, GridMark, HoverPosition, LineStyle, Plot, VLine};

use super::{BINS_PER_DECADE, GapHistogram};
use crate::app::views::format::{amount, thousands};
use crate::app::views::plot_kit::{Glyph, count_grid, legend, policy_color};
use crate::model::duration::human_ms;
use crate::model::{Dur, Scenario};

/// x on the plot: log10 of the gap in seconds.
fn x_of(ms: u64) -> f64 {
    (ms.max(1) as f64 / 1000.0).log10()
}

/// Back from the axis to a duration, rounded for labels.
fn ms_of(x: f64) -> u64 {
    (10f64.powf(x) * 1000.0).round() as u64
}

/// Round durations where the axis gets its ticks.
const TICKS_MS: [u64; 14] = [
    1_000,
    5_000,
    15_000,
    60_000,
    300_000,
    900_000,
    1_800_000,
    3_600_000,
    4 * 3_600_000,
    12 * 3_600_000,
    86_400_000,
    3 * 86_400_000,
    7 * 86_400_000,
    30 * 86_400_000,
];

pub fn ui(ui: &mut Ui, gaps: &GapHistogram, scenario: &Scenario, log_counts: &mut bool) {
    if gaps.total() == 0 {
        ui.label("No user has two actions in a row, so there are no pauses to show.");
        return;
    }
    ui.label(format!(
        "{} pauses between a user's consecutive actions{}.",
        thousands(gaps.total() as u64),
        if gaps.under_a_second > 0 {
            format!(
                " ({} under a second, left out of the log axis)",
                thousands(gaps.under_a_second as u64)
            )
        } else {
            String::new()
        }
    ));
    for (i, policy) in scenario.policies.iter().enumerate() {
        let text = match policy.idle_timeout {
            Some(idle) => format!(
                "{}: {:.1}% of pauses last at least the idle timeout ({idle}){}",
                policy.name,
                100.0 * gaps.share_at_least(idle.as_ms()),
                match policy.warning {
                    Some(w) if w.lead < idle => format!(
                        "; {:.1}% reach the warning ({})",
                        100.0 * gaps.share_at_least(idle.as_ms() - w.lead.as_ms()),
                        Dur(idle.as_ms() - w.lead.as_ms())
                    ),
                    _ => String::new(),
                }
            ),
            None => format!("{}: no idle timeout", policy.name),
        };
        ui.label(RichText::new(text).color(policy_color(i)));
    }
    let width = 1.0 / f64::from(BINS_PER_DECADE);
    ui.checkbox(log_counts, "Logarithmic count axis")
        .on_hover_text("Show the rare long pauses, the ones that meet the timeouts, next to the many short ones");
    let log = *log_counts;
    // On the log count axis a bar's height is log10(count + 1): 0 stays 0.
    let height = move |count: usize| {
        if log {
            (count as f64 + 1.0).log10()
        } else {
            count as f64
        }
    };
    let bars: Vec<Bar> = gaps
        .bins
        .iter()
        .map(|b| {
            Bar::new(x_of(b.lo_ms) + width / 2.0, height(b.count))
                .width(width * 0.95)
                .name(format!(
                    "{} – {}: {} pauses",
                    human_ms(b.lo_ms),
                    human_ms(b.hi_ms),
                    thousands(b.count as u64)
                ))
        })
        .collect();
    let max_x = gaps.bins.last().map_or(1.0, |b| x_of(b.hi_ms));
    // The legend sits above the plot: inside it, it hid the long pauses
    // and the timeouts marked among them.
    legend(ui, &legend_entries(scenario));
    Plot::new("idle-gaps")
        .include_y(0.0)
        .include_x(0.0)
        .include_x(max_x)
        .x_axis_label("pause between two actions of one user (log scale)")
        .y_axis_label(if log { "pauses (log scale)" } else { "pauses" })
        .y_grid_spacer(move |input| {
            if log {
                // Decades: 1, 10, 100, ... sit at log10(n + 1) ~ log10(n).
                (0..10)
                    .map(|k| GridMark {
                        value: (10f64.powi(k) + 1.0).log10(),
                        step_size: 1.0,
                    })
                    .filter(|m| m.value <= input.bounds.1)
                    .collect()
            } else {
                count_grid(input)
            }
        })
        .y_axis_formatter(move |mark, _| {
            if log {
                amount((10f64.powf(mark.value) - 1.0).round())
            } else {
                amount(mark.value)
            }
        })
        .x_grid_spacer(|input| {
            TICKS_MS
                .iter()
                .map(|&ms| x_of(ms))
                .filter(|&x| x >= input.bounds.0 && x <= input.bounds.1)
                .map(|value| GridMark {
                    value,
                    step_size: 0.5,
                })
                .collect()
        })
        .x_axis_formatter(|mark, _| human_ms(ms_of(mark.value)))
        .label_formatter(|pos| match pos {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!("{plot_name}\n{}", human_ms(ms_of(position.x)))),
            HoverPosition::Elsewhere { position } => {
                Some(format!("{} pause", human_ms(ms_of(position.x))))
            }
        })
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("pauses", bars)
                    .color(ui_gray())
                    .element_formatter(Box::new(|bar, _| bar.name.clone())),
            );
            for (i, policy) in scenario.policies.iter().enumerate() {
                let color = policy_color(i);
                let name = &policy.name;
                if let Some(idle) = policy.idle_timeout {
                    plot.vline(
                        VLine::new(format!("{name}: idle timeout {idle}"), x_of(idle.as_ms()))
                            .color(color)
                            .width(2.0),
                    );
                    if let Some(w) = policy.warning.filter(|w| w.lead < idle) {
                        let at = idle.as_ms() - w.lead.as_ms();
                        plot.vline(
                            VLine::new(
                                format!("{name}: warning shows (lead {})", w.lead),
                                x_of(at),
                            )
                            .color(color)
                            .width(1.5)
                            .style(LineStyle::dashed_loose()),
                        );
                    }
                }
                if let Some(k) = policy.keepalive {
                    plot.vline(
                        VLine::new(
                            format!("{name}: keepalive every {}", k.interval),
                            x_of(k.interval.as_ms()),
                        )
                        .color(color)
                        .width(1.5)
                        .style(LineStyle::dotted_loose()),
                    );
                }
            }
        });
}

/// The legend: the bars, then each policy's lines, as the plot draws them.
fn legend_entries(scenario: &Scenario) -> Vec<(Glyph, egui::Color32, String)> {
    let mut entries = vec![(Glyph::Bar, ui_gray(), "pauses".to_string())];
    for (i, policy) in scenario.policies.iter().enumerate() {
        let (color, name) = (policy_color(i), &policy.name);
        if let Some(idle) = policy.idle_timeout {
            entries.push((Glyph::Line, color, format!("{name}: idle timeout {idle}")));
            if let Some(w) = policy.warning.filter(|w| w.lead < idle) {
                entries.push((
                    Glyph::Dashed,
                    color,
                    format!("{name}: warning shows (lead {})", w.lead),
                ));
            }
        }
        if let Some(k) = policy.keepalive {
            entries.push((
                Glyph::Dotted,
                color,
                format!("{name}: keepalive every {}", k.interval),
            ));
        }
    }
    entries
}

fn ui_gray() -> egui::Color32 {
    egui::Color32::from_gray(140)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_is_log_seconds() {
        assert_eq!(x_of(1_000), 0.0);
        assert_eq!(x_of(10_000), 1.0);
        assert_eq!(ms_of(x_of(1_800_000)), 1_800_000);
    }
}
