//! One user's timeline: what they did (top lane) and, in one lane per
//! policy, each session's life, the warnings, logouts and lost work.

use std::sync::Arc;

use egui::{Color32, RichText, Ui};
use egui_plot::{GridMark, HoverPosition, Line, MarkerShape, Plot, Points};

use super::{Mark, Timeline, lane_y};
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
    }
    legend(ui, &legend_entries(timeline));
    let range = view.pending_range.take();
    draw(ui, timeline, results.scenario.policies.len(), range);
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
    entries
}

fn draw(ui: &mut Ui, t: &Timeline, policies: usize, range: Option<(f64, f64)>) {
    let names: Vec<String> = t.lanes.iter().map(|l| l.policy.clone()).collect();
    let losses: Vec<(f64, f64, u32, u64)> = t
        .lanes
        .iter()
        .flat_map(|l| {
            l.losses
                .iter()
                .map(|&(x, n, ms)| (x, l.y + Mark::LostEdits.offset(), n, ms))
        })
        .collect();
    let bottom = lane_y(policies.saturating_sub(1));
    Plot::new(("timeline", t.user))
        .default_x_bounds(t.x_range.0, t.x_range.1)
        .default_y_bounds(bottom - 0.6, 0.6)
        .allow_zoom(egui::Vec2b::new(true, false))
        .allow_drag(egui::Vec2b::new(true, false))
        .allow_scroll(egui::Vec2b::new(true, false))
        .x_grid_spacer(time_grid)
        .x_axis_formatter(|mark, _| clock(mark.value, true))
        .y_grid_spacer(move |_| {
            (0..=policies)
                .map(|i| GridMark {
                    value: -(i as f64),
                    step_size: 1.0,
                })
                .collect()
        })
        .y_axis_formatter(move |mark, _| {
            let lane = -mark.value.round();
            if (mark.value + lane).abs() > 1e-6 || lane < 0.0 {
                String::new()
            } else if lane == 0.0 {
                "user's events".into()
            } else {
                names.get(lane as usize - 1).cloned().unwrap_or_default()
            }
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
            }
        });
}
