//! The trade-off view: unattended exposure (x) against disruption (y) for
//! every policy and every step of the last sweep, the frontier joined by a
//! line. Clicking a sweep step gives its value to the policy; clicking a
//! policy selects it.

use std::sync::Arc;

use egui::{Pos2, Ui};
use egui_plot::{HoverPosition, Line, MarkerShape, Plot, Points};

use super::{PointKind, TradeoffData, exposure_axis_title, place_labels};
use crate::app::command::Command;
use crate::app::panels::results::ViewContext;
use crate::app::views::HOUR_MS;
use crate::app::views::format::{amount, rough};
use crate::app::views::plot_kit::{
    Glyph, count_grid, legend, plot_point, plot_points, policy_color, time_grid,
};
use crate::app::views::sweep::view::AnalysisViews;
use crate::app::worker::Results;

/// How far from a point (screen points) a click still picks it.
const CLICK_RADIUS: f32 = 10.0;
const SWEEP_ITEM: &str = "sweep steps";
const FRONTIER_ITEM: &str = "frontier";
/// The ring around a frontier point its neighbour cannot be told from.
const TIE_ITEM: &str = "ringed: not distinguishable from a frontier neighbour at 95 %";

pub fn ui(ui: &mut Ui, results: &Arc<Results>, views: &mut AnalysisViews, cx: ViewContext<'_>) {
    let data = views.tradeoff(results, cx.replicates.map(|u| u.replicated.as_ref()));
    let indistinct = data.indistinct();
    ui.label(
        "Lower left is better on both counts. The line joins the points no other point beats on both (the frontier). Click a sweep step to give its value to the policy (Undo reverts it); click a policy to select it.",
    );
    let mut entries: Vec<_> = results
        .run
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                Glyph::Marker(MarkerShape::Circle),
                policy_color(i),
                p.name.clone(),
            )
        })
        .collect();
    match &data.sweep {
        Some((policy, param)) => entries.push((
            Glyph::Marker(MarkerShape::Diamond),
            sweep_color(&data, ui),
            format!(
                "sweep of “{policy}”: {param} ({} steps)",
                data.sweep_plot.len()
            ),
        )),
        None => {
            ui.weak("Run a sweep (Sweep tab) to add its steps as points.");
        }
    }
    entries.push((Glyph::Line, ui.visuals().text_color(), "frontier".into()));
    if !indistinct.is_empty() {
        entries.push((
            Glyph::Ring,
            ui.visuals().text_color(),
            format!("{TIE_ITEM} (hover: which)"),
        ));
    }
    if let Some(first) = data.neighbours.first() {
        let clear = data
            .neighbours
            .iter()
            .filter(|p| p.distinguishable())
            .count();
        ui.weak(format!(
            "{clear} of {} neighbouring pairs on the frontier differ beyond noise (either count's 95 % interval, paired over {} replicates, leaves out zero); a ring marks a point that cannot be told from a neighbour.",
            data.neighbours.len(),
            first.exposure.replicates
        ));
    }
    let top = ui.cursor().min;
    legend(ui, &entries);

    let names: Vec<String> = results
        .run
        .policies
        .iter()
        .map(|p| p.name.clone())
        .collect();
    let hover_data = Arc::clone(&data);
    let ties: Vec<[f64; 2]> = indistinct
        .iter()
        .map(|&i| [data.points[i].plot.x, data.points[i].plot.y])
        .collect();
    let hover_ties = indistinct.clone();
    let sweep_color = sweep_color(&data, ui);
    let line_color = ui.visuals().text_color();
    let response = Plot::new("tradeoff")
        .include_x(0.0)
        .include_y(0.0)
        .x_axis_label(exposure_axis_title(
            results.run.users,
            results.scenario.horizon.0,
        ))
        .y_axis_label("disruption: logouts while present + lost edits")
        .x_axis_formatter(|mark, _| {
            if mark.value < 0.0 {
                String::new()
            } else {
                rough((mark.value * HOUR_MS).round() as u64)
            }
        })
        .y_axis_formatter(|mark, _| {
            if mark.value < 0.0 {
                String::new()
            } else {
                amount(mark.value)
            }
        })
        .x_grid_spacer(time_grid)
        .y_grid_spacer(count_grid)
        // Room around the outermost points, so no marker is cut in half.
        .set_margin_fraction(egui::vec2(0.08, 0.1))
        .y_axis_min_width(40.0)
        .label_formatter(move |pos| hover_text(&hover_data, &names, &hover_ties, pos))
        .show(ui, |plot| {
            if data.frontier_plot.len() > 1 {
                plot.line(
                    Line::new(FRONTIER_ITEM, plot_points(&data.frontier_plot))
                        .color(line_color)
                        .width(1.5),
                );
            }
            if !data.sweep_plot.is_empty() {
                plot.points(
                    Points::new(SWEEP_ITEM, plot_points(&data.sweep_plot))
                        .shape(MarkerShape::Diamond)
                        .color(sweep_color)
                        .radius(4.5),
                );
            }
            if !ties.is_empty() {
                // Hollow rings: the points stay visible, in their colours.
                plot.points(
                    Points::new(TIE_ITEM, ties.clone())
                        .shape(MarkerShape::Circle)
                        .filled(false)
                        .color(line_color)
                        .radius(10.0),
                );
            }
            for (i, point) in data.points[..data.policies].iter().enumerate() {
                let selected = i == cx.selected;
                let name = &results.run.policies[i].name;
                plot.points(
                    Points::new(name.as_str(), vec![[point.plot.x, point.plot.y]])
                        .color(policy_color(i))
                        .radius(if selected { 7.0 } else { 5.5 }),
                );
            }
        });
    views.tradeoff_screen = data
        .points
        .iter()
        .map(|p| response.transform.position_from_point(&plot_point(p.plot)))
        .collect();
    // Policy names beside their points, in screen space so they keep their
    // size; placed so they overlap no other name and no point, inside the plot.
    let frame = response.transform.frame();
    let painter = ui.painter().with_clip_rect(*frame);
    let galleys: Vec<_> = (0..data.policies)
        .map(|i| {
            let size = if i == cx.selected { 15.0 } else { 13.0 };
            painter.layout_no_wrap(
                results.run.policies[i].name.clone(),
                egui::FontId::proportional(size),
                policy_color(i),
            )
        })
        .collect();
    let anchors: Vec<[f32; 2]> = views.tradeoff_screen[..data.policies]
        .iter()
        .map(|p| [p.x, p.y])
        .collect();
    let sizes: Vec<[f32; 2]> = galleys.iter().map(|g| [g.size().x, g.size().y]).collect();
    let bounds = [frame.left(), frame.top(), frame.right(), frame.bottom()];
    let steps: Vec<[f32; 2]> = views.tradeoff_screen[data.policies..]
        .iter()
        .map(|p| [p.x, p.y])
        .collect();
    let boxes = place_labels(&anchors, &sizes, &steps, bounds);
    for (galley, b) in galleys.into_iter().zip(boxes) {
        painter.galley(Pos2::new(b[0], b[1]), galley, egui::Color32::PLACEHOLDER);
    }
    views.plot_rect = Some(egui::Rect::from_min_max(top, response.response.rect.max));
    if response.response.clicked()
        && let Some(at) = response.response.interact_pointer_pos()
        && let Some(i) = nearest(views.tradeoff_screen.iter().copied(), at, CLICK_RADIUS)
    {
        cx.commands.push(data.points[i].kind.command());
    }
}

/// Sweep steps take their policy's colour.
fn sweep_color(data: &TradeoffData, ui: &Ui) -> egui::Color32 {
    data.points[data.policies..]
        .first()
        .map_or(ui.visuals().text_color(), |p| match p.kind {
            PointKind::Step { policy, .. } => policy_color(policy),
            PointKind::Policy(i) => policy_color(i),
        })
}

/// What hovering shows: the point's full description.
fn hover_text(
    data: &TradeoffData,
    names: &[String],
    ties: &[usize],
    pos: &HoverPosition<'_>,
) -> Option<String> {
    match pos {
        HoverPosition::NearDataPoint {
            plot_name, index, ..
        } => {
            let i = match *plot_name {
                SWEEP_ITEM => data.policies + index,
                FRONTIER_ITEM => *data.frontier.get(*index)?,
                TIE_ITEM => *ties.get(*index)?,
                name => names.iter().position(|n| n == name)?,
            };
            data.points.get(i).map(|p| p.hover.clone())
        }
        HoverPosition::Elsewhere { position } => Some(format!(
            "unattended {}\ndisruption {:.0}",
            rough((position.x.max(0.0) * HOUR_MS).round() as u64),
            position.y.max(0.0)
        )),
    }
}

impl PointKind {
    /// The command a click on the point gives.
    pub fn command(self) -> Command {
        match self {
            PointKind::Policy(i) => Command::SelectPolicy(i),
            PointKind::Step {
                policy,
                param,
                value,
            } => Command::ApplyParam {
                policy,
                param,
                value,
            },
        }
    }
}

/// The point drawn nearest `at`, if one is within `radius` (screen points).
pub fn nearest(screen: impl IntoIterator<Item = Pos2>, at: Pos2, radius: f32) -> Option<usize> {
    screen
        .into_iter()
        .enumerate()
        .map(|(i, p)| (i, p.distance(at)))
        .filter(|&(_, d)| d <= radius)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicking_a_policy_selects_it_and_a_step_applies_it() {
        assert_eq!(PointKind::Policy(2).command(), Command::SelectPolicy(2));
        let step = PointKind::Step {
            policy: 1,
            param: crate::analysis::Param::IdleTimeout,
            value: crate::model::Dur::mins(20),
        };
        assert_eq!(
            step.command(),
            Command::ApplyParam {
                policy: 1,
                param: crate::analysis::Param::IdleTimeout,
                value: crate::model::Dur::mins(20),
            }
        );
    }

    #[test]
    fn clicks_pick_the_nearest_point_within_reach() {
        let drawn = [
            Pos2::new(0.0, 0.0),
            Pos2::new(10.0, 0.0),
            Pos2::new(30.0, 0.0),
        ];
        assert_eq!(nearest(drawn, Pos2::new(7.0, 1.0), 8.0), Some(1));
        assert_eq!(nearest(drawn, Pos2::new(20.0, 0.0), 8.0), None);
        assert_eq!(nearest(drawn, Pos2::new(2.0, 0.0), 8.0), Some(0));
    }
}
