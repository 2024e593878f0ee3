//! One user's timeline: what they did (top lane, one per tab) and, in one
//! lane per policy, each session's life, the warnings, logouts and lost
//! work; with several tabs each tab's pages under each policy, and the
//! device's sleeps shaded.

use std::sync::Arc;

use egui::{Color32, RichText, Ui};
use egui_plot::{GridMark, HoverPosition, Line, MarkerShape, Plot, Points, Span, Text};

use super::{Mark, Timeline};
use crate::app::views::format::{clock, rough};
use crate::app::views::plot_kit::{Glyph, legend, policy_color, time_grid};
use crate::app::worker::Results;
use crate::engine::EndReason;
use crate::model::EventKind;

/// Which user is shown, what part of their time, and the timeline last
/// computed for them.
#[derive(Default)]
pub struct TimelineView {
    pub user: Option<usize>,
    pub find: String,
    /// (results generation, user) -> timeline.
    cache: Option<((u64, usize), Timeline)>,
    /// The user the x range was last chosen for.
    ranged_for: Option<usize>,
    /// An x range to apply on the next frame (a day button, a new user).
    pending_range: Option<(f64, f64)>,
}

impl TimelineView {
    /// Computes the user's timeline unless it is already there.
    fn ensure(&mut self, results: &Arc<Results>, user: usize) {
        let key = (results.generation, user);
        if self.cache.as_ref().map(|(k, _)| *k) != Some(key) {
            let t = super::timeline(&results.scenario, user, results.trace.user_events(user));
            self.cache = Some((key, t));
        }
    }
}

/// How many users the picker lists (most lost work first).
const PICKER_ROWS: usize = 300;
/// Days with a button of their own; longer traces get "whole trace" only.
const MAX_DAY_BUTTONS: usize = 14;

pub fn ui(ui: &mut Ui, view: &mut TimelineView, results: &Arc<Results>) {
    let trace = &results.trace;
    if trace.num_users() == 0 {
        ui.label("The population has no users.");
        return;
    }
    let plots = &results.plots;
    let user = match view.user {
        Some(u) if u < trace.num_users() => u,
        _ => plots.users_by_loss.first().copied().unwrap_or(0),
    };
    view.user = Some(user);
    ui.horizontal(|ui| {
        let label = ui.label("User");
        egui::ComboBox::from_id_salt("timeline-user")
            .selected_text(trace.user_name(user))
            .width(200.0)
            .show_ui(ui, |ui| {
                ui.add(egui::TextEdit::singleline(&mut view.find).hint_text("Find a user by name"));
                let needle = view.find.to_lowercase();
                let mut shown = 0;
                for &u in &plots.users_by_loss {
                    if shown == PICKER_ROWS {
                        ui.weak("… type to find more");
                        break;
                    }
                    let name = trace.user_name(u);
                    if !needle.is_empty() && !name.to_lowercase().contains(&needle) {
                        continue;
                    }
                    shown += 1;
                    let mut current = view.user;
                    if ui.selectable_value(&mut current, Some(u), name).clicked() {
                        view.user = current;
                    }
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("The users who lost the most work come first");
        let worst = plots.users_by_loss.first().copied().filter(|&u| {
            results.run.policies.iter().any(|p| {
                p.per_user
                    .get(u)
                    .is_some_and(|m| m.lost_inputs + m.lost_submits + m.lost_edit_ms > 0)
            })
        });
        let tip: String = plots
            .most_lost_work
            .iter()
            .zip(&plots.policies)
            .map(|(u, p)| match u {
                Some(u) => format!("Most work lost under {p}: {}", trace.user_name(*u)),
                None => format!("Nobody lost work under {p}"),
            })
            .collect::<Vec<_>>()
            .join("\n");
        if ui
            .add_enabled(
                worst.is_some(),
                egui::Button::new("Jump to the user who lost the most work"),
            )
            .on_hover_text(tip)
            .on_disabled_hover_text("Nobody lost any work under these policies")
            .clicked()
        {
            view.user = worst;
        }
    });
    let user = view.user.unwrap_or(0);
    view.ensure(results, user);
    let Some((_, timeline)) = &view.cache else {
        return;
    };
    // A new user: start on the day their trouble starts.
    if view.ranged_for != Some(user) {
        view.ranged_for = Some(user);
        view.pending_range = Some(
            timeline
                .focus_day
                .map_or(timeline.x_range, |day| timeline.day_range(day)),
        );
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Show:");
        if ui
            .button("Whole trace")
            .on_hover_text("Everything this user did")
            .clicked()
        {
            view.pending_range = Some(timeline.x_range);
        }
        if timeline.days.len() <= MAX_DAY_BUTTONS {
            for &(day, range) in &timeline.days {
                let trouble = if timeline.focus_day == Some(day) {
                    " (first loss)"
                } else {
                    ""
                };
                if ui
                    .button(format!("Day {}", day + 1))
                    .on_hover_text(format!("Zoom to day {}{trouble}", day + 1))
                    .clicked()
                {
                    view.pending_range = Some(range);
                }
            }
        }
        ui.weak("Drag to pan, scroll or pinch to zoom.");
    });
    for (i, lane) in timeline.lanes.iter().enumerate() {
        let m = &lane.metrics;
        ui.label(
            RichText::new(format!(
                "{}: {} logout{} ({} while present) · {} lost submit{} · {} lost edit{} ({} of typing) · warnings {} shown, {} missed",
                lane.policy,
                m.logouts,
                plural(m.logouts),
                m.logouts_while_present,
                m.lost_submits,
                plural(m.lost_submits),
                m.lost_inputs,
                plural(m.lost_inputs),
                rough(m.lost_typing_ms),
                m.warnings_shown,
                m.warnings_missed,
            ))
            .color(policy_color(i)),
        );
        if !lane.other_tab.is_empty() {
            ui.label(RichText::new(other_tab_line(lane)).color(other_tab_color()))
                .on_hover_text(&lane.other_tab[0].detail);
        }
    }
    if timeline.tabs > 1 || !timeline.sleeps.is_empty() {
        ui.label(tabs_and_sleep(timeline));
    }
    legend(ui, &legend_entries(timeline));
    let range = view.pending_range.take();
    let height = plot_height(timeline.rows.len(), ui.available_height());
    if height > ui.available_height() {
        // More rows than fit at a readable height: the plot keeps its rows
        // apart and the view scrolls (4 tabs under 3 policies are 19 rows).
        egui::ScrollArea::vertical()
            .id_salt("timeline-rows")
            .show(ui, |ui| draw(ui, timeline, range, height));
    } else {
        draw(ui, timeline, range, height);
    }
}

/// Points per row: egui_plot hides a y label whose row is under 20 points
/// tall and fades it up to 30, so at 30 every row's name is drawn in full
/// and a row's marks (0.4 above and below its centre) do not touch the next.
pub const ROW_PX: f32 = 30.0;
/// The x axis' labels and the plot's frame.
const AXIS_PX: f32 = 40.0;

/// The plot's height: all the space there is, but never less than
/// [`ROW_PX`] a row (the y range is the rows plus 0.6 above and below).
pub fn plot_height(rows: usize, available: f32) -> f32 {
    let needed = (rows.saturating_sub(1) as f32 + 1.2) * ROW_PX + AXIS_PX;
    available.max(needed)
}

/// "3 tabs · device asleep 2 times, 1h30m in all": what the rows below add.
fn tabs_and_sleep(t: &Timeline) -> String {
    let mut parts = Vec::new();
    if t.tabs > 1 {
        parts.push(format!(
            "{} tabs: each has a row of actions, and a row under each policy with its pages, warnings, redirects and pings",
            t.tabs
        ));
    }
    if !t.sleeps.is_empty() {
        let asleep: f64 = t.sleeps.iter().map(|(a, b)| b - a).sum();
        parts.push(format!(
            "device asleep {} time{} ({} in all, shaded)",
            t.sleeps.len(),
            if t.sleeps.len() == 1 { "" } else { "s" },
            rough((asleep * 3_600_000.0).round() as u64)
        ));
    }
    parts.join(" · ")
}

/// "alert: logged out by tab 1's timer at day 1 00:30" (the first three).
fn other_tab_line(lane: &super::Lane) -> String {
    const SHOWN: usize = 3;
    let mut times: Vec<String> = lane
        .other_tab
        .iter()
        .take(SHOWN)
        .map(|o| format!("{} at {}", o.label, clock(o.at[0], true)))
        .collect();
    if lane.other_tab.len() > SHOWN {
        times.push(format!("{} more", lane.other_tab.len() - SHOWN));
    }
    format!("{}: {}", lane.policy, times.join("; "))
}

const SLEEP_NAME: &str = "device asleep";
const PAGE_NAME: &str = "page open in the tab";
const OTHER_TAB_NAME: &str = "logged out by another tab's timer";

fn sleep_fill() -> Color32 {
    Color32::from_rgba_unmultiplied(0x79, 0x70, 0x6e, 64)
}

fn other_tab_color() -> Color32 {
    Color32::from_rgb(0xe1, 0x57, 0x59)
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn event_style(kind: EventKind) -> (MarkerShape, Color32) {
    match kind {
        EventKind::View => (MarkerShape::Square, Color32::from_rgb(0x4e, 0x79, 0xa7)),
        EventKind::Request => (MarkerShape::Diamond, Color32::from_rgb(0x76, 0xb7, 0xb2)),
        EventKind::Submit => (MarkerShape::Up, Color32::from_rgb(0x59, 0xa1, 0x4f)),
        EventKind::Input => (MarkerShape::Circle, Color32::from_rgb(0xed, 0xc9, 0x48)),
        EventKind::Activity => (MarkerShape::Circle, Color32::from_gray(150)),
        EventKind::Close => (MarkerShape::Cross, Color32::from_gray(110)),
        EventKind::Sleep => (MarkerShape::Down, Color32::from_rgb(0x79, 0x70, 0x6e)),
        EventKind::Wake => (MarkerShape::Up, Color32::from_rgb(0x79, 0x70, 0x6e)),
    }
}

fn mark_style(mark: Mark) -> (MarkerShape, Color32, f32) {
    let red = Color32::from_rgb(0xe1, 0x57, 0x59);
    let green = Color32::from_rgb(0x59, 0xa1, 0x4f);
    let amber = Color32::from_rgb(0xf2, 0x8e, 0x2b);
    match mark {
        Mark::SilentRelogin => (
            MarkerShape::Circle,
            Color32::from_rgb(0x76, 0xb7, 0xb2),
            4.0,
        ),
        Mark::Logout => (MarkerShape::Cross, red, 6.0),
        Mark::LogoutWhilePresent => (MarkerShape::Asterisk, red, 7.0),
        Mark::WarningShown => (MarkerShape::Down, Color32::from_rgb(0xed, 0xc9, 0x48), 5.0),
        Mark::WarningHeeded => (MarkerShape::Up, green, 5.0),
        Mark::WarningMissed => (MarkerShape::Down, amber, 6.0),
        Mark::Ping => (MarkerShape::Circle, Color32::from_gray(140), 2.0),
        Mark::SubmitLost => (MarkerShape::Square, red, 6.0),
        Mark::CsrfFailure => (MarkerShape::Diamond, amber, 6.0),
        Mark::LostEdits => (MarkerShape::Diamond, red, 7.0),
        Mark::DraftRestored => (
            MarkerShape::Diamond,
            Color32::from_rgb(0x4e, 0x79, 0xa7),
            5.0,
        ),
        Mark::Redirect => (MarkerShape::Right, Color32::from_rgb(0xb0, 0x7a, 0xa1), 6.0),
    }
}

fn end_style(reason: EndReason) -> Option<(&'static str, MarkerShape, Color32)> {
    match reason {
        EndReason::Expired => Some((
            "session expired",
            MarkerShape::Right,
            Color32::from_rgb(0xe1, 0x57, 0x59),
        )),
        EndReason::Closed => Some((
            "session ended: browser closed",
            MarkerShape::Right,
            Color32::from_gray(130),
        )),
        EndReason::Redirect => Some((
            "session ended: client redirect",
            MarkerShape::Right,
            Color32::from_rgb(0xb0, 0x7a, 0xa1),
        )),
        EndReason::Horizon => None,
    }
}

/// Only what this timeline shows, in the order it is drawn.
fn legend_entries(t: &Timeline) -> Vec<(Glyph, Color32, String)> {
    let mut entries: Vec<(Glyph, Color32, String)> = t
        .events
        .iter()
        .map(|(kind, _)| {
            let (shape, color) = event_style(*kind);
            (Glyph::Marker(shape), color, kind.name().to_string())
        })
        .collect();
    entries.push((
        Glyph::Bar,
        Color32::from_gray(128),
        "session (policy colour)".into(),
    ));
    if t.tabs > 1 {
        entries.push((Glyph::Line, Color32::from_gray(128), PAGE_NAME.into()));
    }
    if !t.sleeps.is_empty() {
        entries.push((Glyph::Shade, sleep_fill(), SLEEP_NAME.into()));
    }
    let mut ends: Vec<EndReason> = t
        .lanes
        .iter()
        .flat_map(|l| l.sessions.iter().map(|s| s.reason))
        .collect();
    ends.dedup();
    for reason in [EndReason::Expired, EndReason::Closed, EndReason::Redirect] {
        if ends.contains(&reason)
            && let Some((name, shape, color)) = end_style(reason)
        {
            entries.push((Glyph::Marker(shape), color, name.into()));
        }
    }
    for mark in Mark::ALL {
        if t.lanes
            .iter()
            .any(|l| l.marks.iter().any(|(m, _)| *m == mark))
        {
            let (shape, color, _) = mark_style(mark);
            entries.push((Glyph::Marker(shape), color, mark.label().into()));
        }
    }
    if t.lanes.iter().any(|l| !l.other_tab.is_empty()) {
        entries.push((
            Glyph::Marker(MarkerShape::Asterisk),
            other_tab_color(),
            format!("{OTHER_TAB_NAME} (labelled)"),
        ));
    }
    entries
}

fn draw(ui: &mut Ui, t: &Timeline, range: Option<(f64, f64)>, height: f32) {
    let rows = t.rows.clone();
    let names = t.rows.clone();
    let other_tab: Vec<([f64; 2], String)> = t
        .lanes
        .iter()
        .flat_map(|l| l.other_tab.iter().map(|o| (o.at, o.detail.clone())))
        .collect();
    let losses: Vec<(f64, f64, u32, u64)> = t
        .lanes
        .iter()
        .flat_map(|l| {
            l.losses
                .iter()
                .map(|&(x, n, ms)| (x, l.y + Mark::LostEdits.offset(), n, ms))
        })
        .collect();
    let bottom = t.rows.last().map_or(-1.0, |(y, _)| *y);
    Plot::new(("timeline", t.user))
        .height(height)
        .default_x_bounds(t.x_range.0, t.x_range.1)
        .default_y_bounds(bottom - 0.6, 0.6)
        .allow_zoom(egui::Vec2b::new(true, false))
        .allow_drag(egui::Vec2b::new(true, false))
        .allow_scroll(egui::Vec2b::new(true, false))
        .x_grid_spacer(time_grid)
        .x_axis_formatter(|mark, _| clock(mark.value, true))
        .y_grid_spacer(move |_| {
            rows.iter()
                .map(|(y, _)| GridMark {
                    value: *y,
                    step_size: 1.0,
                })
                .collect()
        })
        .y_axis_formatter(move |mark, _| {
            names
                .iter()
                .find(|(y, _)| (mark.value - y).abs() < 1e-6)
                .map(|(_, name)| name.clone())
                .unwrap_or_default()
        })
        .y_axis_min_width(90.0)
        .label_formatter(move |pos| match pos {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => {
                let loss = losses
                    .iter()
                    .find(|(x, y, _, _)| *x == position.x && *y == position.y);
                let by_other_tab = other_tab
                    .iter()
                    .find(|(at, _)| at[0] == position.x && at[1] == position.y);
                if let Some((_, detail)) = by_other_tab {
                    return Some(format!("{detail}\n{}", clock(position.x, true)));
                }
                Some(match loss {
                    Some((_, _, n, ms)) => {
                        format!(
                            "{n} edits lost ({} of typing)\n{}",
                            rough(*ms),
                            clock(position.x, true)
                        )
                    }
                    None => format!("{plot_name}\n{}", clock(position.x, true)),
                })
            }
            HoverPosition::Elsewhere { position } => Some(clock(position.x, true)),
        })
        .show(ui, |plot| {
            if let Some((lo, hi)) = range {
                plot.set_plot_bounds_x(lo..=hi);
            }
            for &(lo, hi) in &t.sleeps {
                plot.span(
                    Span::new(SLEEP_NAME, lo..=hi)
                        .fill(sleep_fill())
                        .border_width(0.0),
                );
            }
            for (kind, points) in &t.events {
                let (shape, color) = event_style(*kind);
                plot.points(
                    Points::new(kind.name(), points.clone())
                        .shape(shape)
                        .color(color)
                        .radius(3.5)
                        .filled(true),
                );
            }
            for (i, lane) in t.lanes.iter().enumerate() {
                for s in &lane.sessions {
                    plot.line(
                        Line::new(
                            lane.policy.as_str(),
                            vec![[s.start, lane.y], [s.end, lane.y]],
                        )
                        .color(policy_color(i).gamma_multiply(0.85))
                        .width(7.0)
                        .allow_band(false),
                    );
                    if let Some((name, shape, color)) = end_style(s.reason) {
                        plot.points(
                            Points::new(name, vec![[s.end, lane.y]])
                                .shape(shape)
                                .color(color)
                                .radius(6.0)
                                .filled(true),
                        );
                    }
                }
                for row in &lane.tab_rows {
                    for &(start, end) in &row.pages {
                        plot.line(
                            Line::new(PAGE_NAME, vec![[start, row.y], [end, row.y]])
                                .color(policy_color(i).gamma_multiply(0.55))
                                .width(3.5)
                                .allow_band(false),
                        );
                    }
                }
                for (mark, points) in &lane.marks {
                    let (shape, color, radius) = mark_style(*mark);
                    plot.points(
                        Points::new(mark.label(), points.clone())
                            .shape(shape)
                            .color(color)
                            .radius(radius)
                            .filled(true),
                    );
                }
                // Labels closer than about 12% of the view would overlap:
                // those keep their mark (and its hover) without words.
                let gap = plot.plot_bounds().width() * 0.12;
                let mut labelled_at = f64::NEG_INFINITY;
                for mark in &lane.other_tab {
                    plot.points(
                        Points::new(OTHER_TAB_NAME, vec![mark.at])
                            .shape(MarkerShape::Asterisk)
                            .color(other_tab_color())
                            .radius(8.0),
                    );
                    if mark.at[0] - labelled_at < gap {
                        continue;
                    }
                    labelled_at = mark.at[0];
                    plot.text(
                        Text::new(
                            OTHER_TAB_NAME,
                            // Above the session bar, where the row is free.
                            egui_plot::PlotPoint::new(mark.at[0], lane.y + 0.12),
                            RichText::new(format!(" {}", mark.short))
                                .color(other_tab_color())
                                .strong(),
                        )
                        .anchor(egui::Align2::LEFT_BOTTOM),
                    );
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_never_get_less_than_their_readable_height() {
        // 4 tabs under 3 policies: 4 rows of actions + 3 x (1 + 4) = 19
        // rows, 19.2 rows of y range: 19.2 x 30 + 40 = 616 points, more
        // than a 400-point view, so the plot is 616 tall (and scrolls).
        assert_eq!(plot_height(19, 400.0), 616.0);
        // One tab, two policies: 3 rows need 2.2 x 30 + 40 = 106 points;
        // a 500-point view gives them all 500.
        assert_eq!(plot_height(3, 500.0), 500.0);
    }
}
