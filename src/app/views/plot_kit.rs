//! What every plot shares: the policies' colours, legends, markers and grids.

use egui::{Color32, Pos2, Shape, Stroke, Ui, pos2, vec2};
use egui_plot::{GridInput, GridMark, MarkerShape, PlotPoint, PlotPoints};

use super::Xy;

/// One colour per policy, in scenario order (repeats after ten). Chosen to
/// stay apart for common colour blindness and readable on both themes.
const PALETTE: [Color32; 10] = [
    Color32::from_rgb(0x4e, 0x79, 0xa7),
    Color32::from_rgb(0xf2, 0x8e, 0x2b),
    Color32::from_rgb(0x59, 0xa1, 0x4f),
    Color32::from_rgb(0xb0, 0x7a, 0xa1),
    Color32::from_rgb(0x76, 0xb7, 0xb2),
    Color32::from_rgb(0xed, 0xc9, 0x48),
    Color32::from_rgb(0xe1, 0x57, 0x59),
    Color32::from_rgb(0x9c, 0x75, 0x5f),
    Color32::from_rgb(0xff, 0x9d, 0xa7),
    Color32::from_rgb(0xba, 0xb0, 0xac),
];

pub fn policy_color(i: usize) -> Color32 {
    PALETTE[i % PALETTE.len()]
}

/// A prepared point as egui_plot takes it.
pub fn plot_point(p: Xy) -> PlotPoint {
    PlotPoint::new(p.x, p.y)
}

/// Prepared points as egui_plot takes them (copied: the data stays egui-free).
pub fn plot_points(points: &[Xy]) -> PlotPoints<'static> {
    PlotPoints::Owned(points.iter().copied().map(plot_point).collect())
}

/// What a legend entry shows before its text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Glyph {
    Line,
    Dashed,
    Dotted,
    Marker(MarkerShape),
    /// A thick bar (a session's life).
    Bar,
    /// A shaded patch (a span of time, such as the device asleep).
    Shade,
    /// A hollow ring (a point marked around its own marker).
    Ring,
}

/// A legend drawn above a plot, so it never hides the data. Each entry is
/// one piece (glyph and text together), so the row wraps between entries.
pub fn legend(ui: &mut Ui, entries: &[(Glyph, Color32, String)]) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 14.0;
        for (glyph, color, text) in entries {
            let galley = egui::WidgetText::from(text.as_str()).into_galley(
                ui,
                Some(egui::TextWrapMode::Extend),
                f32::INFINITY,
                egui::TextStyle::Body,
            );
            let glyph_width = 22.0;
            let size = vec2(glyph_width + galley.size().x, galley.size().y.max(12.0));
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            let painter = ui.painter();
            let c = pos2(rect.left() + 9.0, rect.center().y);
            match glyph {
                Glyph::Line => {
                    painter.line_segment(
                        [c - vec2(9.0, 0.0), c + vec2(9.0, 0.0)],
                        Stroke::new(2.0, *color),
                    );
                }
                Glyph::Dashed => {
                    for k in 0..3 {
                        let x = c.x - 9.0 + k as f32 * 7.0;
                        painter.line_segment(
                            [pos2(x, c.y), pos2(x + 4.0, c.y)],
                            Stroke::new(2.0, *color),
                        );
                    }
                }
                Glyph::Dotted => {
                    for k in 0..5 {
                        let x = c.x - 8.0 + k as f32 * 4.0;
                        painter.circle_filled(pos2(x, c.y), 1.2, *color);
                    }
                }
                Glyph::Bar => {
                    painter.rect_filled(
                        egui::Rect::from_center_size(c, vec2(18.0, 6.0)),
                        1.0,
                        *color,
                    );
                }
                Glyph::Shade => {
                    painter.rect_filled(
                        egui::Rect::from_center_size(c, vec2(18.0, 12.0)),
                        1.0,
                        *color,
                    );
                }
                Glyph::Marker(shape) => paint_marker(painter, c, *shape, *color, 5.0),
                Glyph::Ring => {
                    painter.circle_stroke(c, 5.5, Stroke::new(1.5, *color));
                }
            }
            let text_pos = pos2(
                rect.left() + glyph_width,
                rect.center().y - galley.size().y / 2.0,
            );
            painter.galley(text_pos, galley, ui.visuals().text_color());
        }
    });
}

/// Draws one of egui_plot's marker shapes, as the plots draw them.
pub fn paint_marker(painter: &egui::Painter, c: Pos2, shape: MarkerShape, color: Color32, r: f32) {
    let stroke = Stroke::new(1.5, color);
    let poly = |points: Vec<Pos2>| Shape::convex_polygon(points, color, Stroke::NONE);
    let shape = match shape {
        MarkerShape::Circle => Shape::circle_filled(c, r, color),
        MarkerShape::Square => Shape::rect_filled(
            egui::Rect::from_center_size(c, vec2(1.6 * r, 1.6 * r)),
            0.0,
            color,
        ),
        MarkerShape::Diamond => poly(vec![
            c + vec2(0.0, -r),
            c + vec2(r, 0.0),
            c + vec2(0.0, r),
            c + vec2(-r, 0.0),
        ]),
        MarkerShape::Up => poly(vec![
            c + vec2(0.0, -r),
            c + vec2(r, 0.8 * r),
            c + vec2(-r, 0.8 * r),
        ]),
        MarkerShape::Down => poly(vec![
            c + vec2(-r, -0.8 * r),
            c + vec2(r, -0.8 * r),
            c + vec2(0.0, r),
        ]),
        MarkerShape::Left => poly(vec![
            c + vec2(-r, 0.0),
            c + vec2(0.8 * r, -r),
            c + vec2(0.8 * r, r),
        ]),
        MarkerShape::Right => poly(vec![
            c + vec2(-0.8 * r, -r),
            c + vec2(r, 0.0),
            c + vec2(-0.8 * r, r),
        ]),
        MarkerShape::Cross => Shape::Vec(vec![
            Shape::line_segment([c + vec2(-r, -r), c + vec2(r, r)], stroke),
            Shape::line_segment([c + vec2(-r, r), c + vec2(r, -r)], stroke),
        ]),
        MarkerShape::Plus => Shape::Vec(vec![
            Shape::line_segment([c + vec2(-r, 0.0), c + vec2(r, 0.0)], stroke),
            Shape::line_segment([c + vec2(0.0, -r), c + vec2(0.0, r)], stroke),
        ]),
        MarkerShape::Asterisk => Shape::Vec(vec![
            Shape::line_segment([c + vec2(-r, 0.0), c + vec2(r, 0.0)], stroke),
            Shape::line_segment(
                [c + vec2(-0.5 * r, -0.87 * r), c + vec2(0.5 * r, 0.87 * r)],
                stroke,
            ),
            Shape::line_segment(
                [c + vec2(-0.5 * r, 0.87 * r), c + vec2(0.5 * r, -0.87 * r)],
                stroke,
            ),
        ]),
    };
    painter.add(shape);
}

/// Grid marks at whole numbers only (counts have no fractions), on three
/// levels of 1-2-5 steps so egui can label the coarser ones.
pub fn count_grid(input: GridInput) -> Vec<GridMark> {
    nice_grid(input, 0, 4.0)
}

/// Grid marks for amounts that may be fractions (hours): as [`count_grid`],
/// with steps down to a thousandth and levels closer together, so that a
/// small plot still labels three or four of them. (egui_plot's logarithmic
/// spacer marks only powers of ten, so a 150-point plot of 0 to 3,000 hours
/// was labelled at 0 alone.)
pub fn fraction_grid(input: GridInput) -> Vec<GridMark> {
    nice_grid(input, 3, 2.0)
}

/// Near a whole number either side: 0.3 / 0.05 is 5.999… in floating point.
fn is_whole(x: f64) -> bool {
    (x - x.round()).abs() < 1e-9
}

/// 1-2-5 grid marks on three levels, each a multiple of the one below and
/// at least `factor` times it (so that a coarser level's marks are all
/// marks of the finer: 2,000 then 10,000, not 2,000 then 5,000, whose labels
/// would fall between), the finest step at least `10^-decimals`.
fn nice_grid(input: GridInput, decimals: i32, factor: f64) -> Vec<GridMark> {
    let finest = 10f64.powi(-decimals);
    let nice = |at_least: f64, multiple_of: f64| {
        let mut exponent = -decimals;
        loop {
            let decade = 10f64.powi(exponent);
            for m in [1.0, 2.0, 5.0] {
                let step = m * decade;
                if step >= at_least && is_whole(step / multiple_of) {
                    return step;
                }
            }
            exponent += 1;
        }
    };
    let fine = nice(input.base_step_size.max(finest), finest);
    let middle = nice(factor * fine, fine);
    let levels = [fine, middle, nice(factor * middle, middle)];
    let (lo, hi) = input.bounds;
    let mut marks = Vec::new();
    let mut k = (lo / fine).ceil();
    while k * fine <= hi && marks.len() < 1_000 {
        // `+ 0.0` turns -0.0 into 0.0, so the axis never reads "-0".
        let value = k * fine + 0.0;
        let step_size = levels
            .iter()
            .rev()
            .copied()
            .find(|&step| is_whole(value / step))
            .unwrap_or(fine);
        marks.push(GridMark { value, step_size });
        k += 1.0;
    }
    marks
}

/// Grid marks at round clock times (15m, 1h, 6h, a day, ...), x in hours.
pub fn time_grid(input: GridInput) -> Vec<GridMark> {
    const STEPS: [f64; 12] = [
        1.0 / 60.0,
        5.0 / 60.0,
        0.25,
        0.5,
        1.0,
        3.0,
        6.0,
        12.0,
        24.0,
        48.0,
        168.0,
        720.0,
    ];
    // The thinnest lines at least ~8 px apart, then the next two steps up.
    let first = STEPS
        .iter()
        .position(|&s| s >= input.base_step_size)
        .unwrap_or(STEPS.len() - 1);
    // Each coarser level at least four times the finer one, so the labels of
    // the coarsest level have room.
    let mut levels = vec![STEPS[first]];
    for _ in 0..2 {
        let last = levels[levels.len() - 1];
        if let Some(&next) = STEPS.iter().find(|&&s| s >= 4.0 * last) {
            levels.push(next);
        }
    }
    let (lo, hi) = input.bounds;
    let mut marks = Vec::new();
    for (i, &step) in levels.iter().enumerate() {
        let mut k = (lo / step).ceil();
        while k * step <= hi && marks.len() < 2_000 {
            let value = k * step;
            // A mark that belongs to a coarser level is drawn there.
            let coarser = levels[i + 1..]
                .iter()
                .any(|&big| ((value / big).round() * big - value).abs() < 1e-9);
            if !coarser {
                marks.push(GridMark {
                    value,
                    step_size: step,
                });
            }
            k += 1.0;
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_marks_land_on_round_times() {
        // 0..48 h with lines at least 2 h apart: 3 h, 12 h and 48 h levels.
        let marks = time_grid(GridInput {
            bounds: (0.0, 48.0),
            base_step_size: 2.0,
        });
        let at = |v: f64| marks.iter().find(|m| m.value == v).map(|m| m.step_size);
        assert_eq!(at(3.0), Some(3.0));
        assert_eq!(at(6.0), Some(3.0));
        assert_eq!(at(12.0), Some(12.0));
        assert_eq!(at(24.0), Some(12.0));
        assert_eq!(at(48.0), Some(48.0));
        assert_eq!(at(1.0), None);
    }

    #[test]
    fn count_marks_are_whole_and_layered() {
        let marks = count_grid(GridInput {
            bounds: (-3.0, 120.0),
            base_step_size: 7.0,
        });
        let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
        assert_eq!(
            values,
            [
                0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 120.0
            ]
        );
        assert!(values[0].is_sign_positive(), "no -0");
        let step = |v: f64| marks.iter().find(|m| m.value == v).map(|m| m.step_size);
        // Levels 10, 50 (at least 4 x 10) and 200 (at least 4 x 50).
        assert_eq!(
            (step(10.0), step(50.0), step(100.0)),
            (Some(10.0), Some(50.0), Some(50.0))
        );
        // Never finer than one.
        let small = count_grid(GridInput {
            bounds: (0.0, 3.0),
            base_step_size: 0.05,
        });
        assert!(small.iter().all(|m| m.value.fract() == 0.0));
    }

    #[test]
    fn fraction_marks_go_below_one_and_stay_1_2_5() {
        let values = |lo: f64, hi: f64, base: f64| -> Vec<String> {
            fraction_grid(GridInput {
                bounds: (lo, hi),
                base_step_size: base,
            })
            .iter()
            .map(|m| format!("{:.3}", m.value))
            .collect()
        };
        assert_eq!(
            values(0.28, 0.52, 0.04),
            ["0.300", "0.350", "0.400", "0.450", "0.500"]
        );
        // Levels 0.05, 0.1 (at least 2 x 0.05) and 0.2.
        let marks = fraction_grid(GridInput {
            bounds: (0.28, 0.52),
            base_step_size: 0.04,
        });
        let level = |v: f64| {
            marks
                .iter()
                .find(|m| (m.value - v).abs() < 1e-9)
                .map(|m| m.step_size)
        };
        assert_eq!(
            (level(0.35), level(0.3), level(0.4)),
            (Some(0.05), Some(0.1), Some(0.2))
        );
        // Levels 1,000, 2,000 and 10,000 (not 5,000, which 2,000 does not divide).
        let marks = fraction_grid(GridInput {
            bounds: (0.0, 8_500.0),
            base_step_size: 800.0,
        });
        let level = |v: f64| marks.iter().find(|m| m.value == v).map(|m| m.step_size);
        assert_eq!(
            (level(5_000.0), level(4_000.0), level(0.0)),
            (Some(1_000.0), Some(2_000.0), Some(10_000.0))
        );
        // Thousands of hours: as counts.
        assert_eq!(
            values(-100.0, 3_100.0, 400.0),
            [
                "0.000", "500.000", "1000.000", "1500.000", "2000.000", "2500.000", "3000.000"
            ]
        );
    }
}
