//! The report's charts, drawn by plotters into SVG: totals, the folded day,
//! idle gaps, the trade-off and one user's timeline. Each comes with a text
//! alternative that states what it shows, for screen readers and for
//! readers of the Markdown.
//!
//! Colours are the window's (Tableau 10, chosen for colour-blind readers);
//! every policy also has a marker shape of its own and every chart labels
//! its series in words, so nothing depends on telling colours apart, in
//! greyscale print either.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::analysis::frontier::{frontier, tradeoff_point};
use crate::analysis::timeline::{Mark, Timeline};
use crate::engine::{EndReason, Metrics, PolicyRun, ScenarioRun, Series, SeriesKind};
use crate::model::{EventKind, Scenario, Trace};

use super::document::{clock, join_words, rough, thousands};

/// One chart: an id (for anchors and file names), a title, the SVG and what
/// it shows in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    pub id: &'static str,
    pub title: String,
    pub svg: String,
    /// The finding, in a sentence or two: the chart's text alternative.
    pub finding: String,
}

const WIDTH: u32 = 880;
const FONT: &str = "sans-serif";
const HOUR_MS: f64 = 3_600_000.0;
const DAY_MS: u64 = 86_400_000;
const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);
const FAINT: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
const RED: RGBColor = RGBColor(0xe1, 0x57, 0x59);
const AMBER: RGBColor = RGBColor(0xf2, 0x8e, 0x2b);
const GREEN_: RGBColor = RGBColor(0x59, 0xa1, 0x4f);

/// The window's policy colours, in scenario order.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0xba, 0xb0, 0xac),
];

pub fn policy_color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A marker's outline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    Up,
    Down,
    Right,
    Diamond,
    Star,
    Cross,
}

/// Each policy's marker, so policies differ by shape as well as colour.
const POLICY_SHAPES: [Shape; 5] = [
    Shape::Circle,
    Shape::Square,
    Shape::Up,
    Shape::Diamond,
    Shape::Down,
];

pub fn policy_shape(i: usize) -> Shape {
    POLICY_SHAPES[i % POLICY_SHAPES.len()]
}

/// The marker's polygon around (0, 0), `r` pixels in radius.
fn shape_points(shape: Shape, r: f64) -> Vec<(i32, i32)> {
    let p = |x: f64, y: f64| ((x * r).round() as i32, (y * r).round() as i32);
    let polar = |k: usize, n: usize, radius: f64| {
        let a = std::f64::consts::TAU * k as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        p(radius * a.cos(), radius * a.sin())
    };
    match shape {
        Shape::Circle => (0..16).map(|k| polar(k, 16, 1.0)).collect(),
        Shape::Square => vec![p(-0.8, -0.8), p(0.8, -0.8), p(0.8, 0.8), p(-0.8, 0.8)],
        Shape::Up => vec![p(0.0, -1.0), p(1.0, 0.8), p(-1.0, 0.8)],
        Shape::Down => vec![p(-1.0, -0.8), p(1.0, -0.8), p(0.0, 1.0)],
        Shape::Right => vec![p(-0.8, -1.0), p(1.0, 0.0), p(-0.8, 1.0)],
        Shape::Diamond => vec![p(0.0, -1.0), p(1.0, 0.0), p(0.0, 1.0), p(-1.0, 0.0)],
        Shape::Star => (0..10)
            .map(|k| polar(k, 10, if k % 2 == 0 { 1.15 } else { 0.5 }))
            .collect(),
        Shape::Cross => {
            // A plus sign of arms 0.3 wide, turned 45 degrees.
            let t = 0.3;
            let plus = [
                (-t, -1.0),
                (t, -1.0),
                (t, -t),
                (1.0, -t),
                (1.0, t),
                (t, t),
                (t, 1.0),
                (-t, 1.0),
                (-t, t),
                (-1.0, t),
                (-1.0, -t),
                (-t, -t),
            ];
            let s = std::f64::consts::FRAC_1_SQRT_2;
            plus.iter()
                .map(|&(x, y)| p((x - y) * s, (x + y) * s))
                .collect()
        }
    }
}

type Svg<'a> = SVGBackend<'a>;
type Area<'a> = DrawingArea<Svg<'a>, plotters::coord::Shift>;
type XY =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;
type Chart<'a, 'b> = ChartContext<'a, Svg<'b>, XY>;

fn fail<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Markers in data coordinates.
fn markers(
    chart: &mut Chart<'_, '_>,
    points: &[(f64, f64)],
    shape: Shape,
    r: f64,
    color: RGBColor,
) -> Result<(), String> {
    chart
        .draw_series(
            points.iter().map(|&at| {
                EmptyElement::at(at) + Polygon::new(shape_points(shape, r), color.filled())
            }),
        )
        .map_err(fail)?;
    Ok(())
}

/// A marker in pixel coordinates of an area (legends).
fn marker_at(
    area: &Area<'_>,
    at: (i32, i32),
    shape: Shape,
    r: f64,
    color: RGBColor,
) -> Result<(), String> {
    area.draw(&(EmptyElement::at(at) + Polygon::new(shape_points(shape, r), color.filled())))
        .map_err(fail)
}

/// A legend row drawn at the top of an area: each entry a marker (or a line)
/// and its words. Returns the row's height.
fn legend(area: &Area<'_>, y: i32, entries: &[(Glyph, RGBColor, String)]) -> Result<i32, String> {
    let (width, _) = area.dim_in_pixel();
    let mut x = 60;
    let mut y = y;
    for (glyph, color, label) in entries {
        // The naive font estimate plotters makes: 0.55 em a character.
        let text_width = (label.chars().count() as f64 * 6.6) as i32;
        if x + 24 + text_width > width as i32 - 10 {
            x = 60;
            y += 20;
        }
        match glyph {
            Glyph::Marker(shape) => marker_at(area, (x + 8, y), *shape, 5.0, *color)?,
            Glyph::Line => area
                .draw(&PathElement::new(
                    vec![(x, y), (x + 18, y)],
                    color.stroke_width(3),
                ))
                .map_err(fail)?,
            Glyph::Dashed => {
                for k in 0..3 {
                    area.draw(&PathElement::new(
                        vec![(x + k * 7, y), (x + k * 7 + 4, y)],
                        color.stroke_width(2),
                    ))
                    .map_err(fail)?;
                }
            }
            Glyph::Bar => area
                .draw(&Rectangle::new(
                    [(x, y - 4), (x + 18, y + 4)],
                    color.mix(0.7).filled(),
                ))
                .map_err(fail)?,
            Glyph::Shade => area
                .draw(&Rectangle::new(
                    [(x, y - 8), (x + 18, y + 8)],
                    color.mix(0.25).filled(),
                ))
                .map_err(fail)?,
        }
        area.draw(&Text::new(
            label.clone(),
            (x + 24, y),
            anchored(font(12), HPos::Left, VPos::Center),
        ))
        .map_err(fail)?;
        x += 24 + text_width + 18;
    }
    Ok(y + 12)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Glyph {
    Marker(Shape),
    Line,
    Dashed,
    Bar,
    /// A light block: a span shaded across the plot (the device's sleeps).
    Shade,
}

/// The top of a y axis: room above the largest value, and never empty.
fn y_top(max: f64, headroom: f64) -> f64 {
    if max > 0.0 { max * headroom } else { 1.0 }
}

/// Draws into a fresh SVG of `height` pixels.
fn svg(height: u32, draw: impl FnOnce(&Area<'_>) -> Result<(), String>) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        draw(&root)?;
        root.present().map_err(fail)?;
    }
    Ok(out)
}

/// Every chart of the report.
pub fn figures(
    scenario: &Scenario,
    trace: &Trace,
    run: &ScenarioRun,
    gaps: &[u64],
) -> Result<Vec<Figure>, String> {
    let mut out = vec![
        totals(run)?,
        over_time(run)?,
        idle_gaps(scenario, gaps)?,
        tradeoff(run)?,
    ];
    out.extend(timeline(scenario, trace, run)?);
    Ok(out)
}

/// The SVG of a figure as a file of its own: its title and finding inside.
pub fn standalone(figure: &Figure) -> String {
    let title = format!(
        "<title>{}</title>\n<desc>{}</desc>\n",
        xml_escape(&figure.title),
        xml_escape(&figure.finding)
    );
    let svg = &figure.svg;
    let out = match svg
        .find("<svg")
        .and_then(|s| svg[s..].find('>').map(|e| s + e + 1))
    {
        Some(end) => format!(
            "{}\n{title}{}",
            &svg[..end],
            svg[end..].trim_start_matches('\n')
        ),
        None => svg.clone(),
    };
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{out}")
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Every gap between two consecutive present events of one user, sorted:
/// the window's idle-gap view computes it (egui-free), and so does the report.
pub use crate::app::views::gaps::present_gaps;

fn names(run: &ScenarioRun) -> Vec<String> {
    run.policies.iter().map(|p| p.name.clone()).collect()
}

fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(max - 1).collect::<String>())
    }
}

// ----- totals -------------------------------------------------------------------------

/// The totals drawn side by side: (title, value per policy, hours?).
fn total_panels(run: &ScenarioRun) -> Vec<(&'static str, Vec<f64>, bool)> {
    let of = |f: fn(&Metrics) -> f64| run.policies.iter().map(|p| f(&p.metrics)).collect();
    vec![
        (
            "Logouts while present",
            of(|m| m.logouts_while_present as f64),
            false,
        ),
        ("Lost submits", of(|m| m.lost_submits as f64), false),
        (
            "Lost typing (hours)",
            of(|m| m.lost_typing_ms as f64 / HOUR_MS),
            true,
        ),
        ("Warnings shown", of(|m| m.warnings_shown as f64), false),
        (
            "Unattended (hours)",
            of(|m| m.unattended_ms as f64 / HOUR_MS),
            true,
        ),
    ]
}

fn amount(v: f64, hours: bool) -> String {
    if hours {
        if v >= 100.0 {
            format!("{} h", thousands(v.round() as u64))
        } else {
            format!("{v:.1} h")
        }
    } else {
        thousands(v.round() as u64)
    }
}

fn totals(run: &ScenarioRun) -> Result<Figure, String> {
    let panels = total_panels(run);
    let n = run.policies.len();
    let svg = svg(300, |root| {
        let entries: Vec<_> = names(run)
            .into_iter()
            .enumerate()
            .map(|(i, name)| (Glyph::Marker(Shape::Square), policy_color(i), name))
            .collect();
        let top = legend(root, 14, &entries)?;
        let (_, body) = root.split_vertically(top + 6);
        for (area, (title, values, hours)) in
            body.split_evenly((1, panels.len())).iter().zip(&panels)
        {
            let max = values.iter().copied().fold(0.0, f64::max);
            let mut chart = ChartBuilder::on(area)
                .caption(*title, font(14))
                .margin(6)
                .x_label_area_size(22)
                .y_label_area_size(40)
                .build_cartesian_2d(-0.6..(n as f64 - 0.4), 0.0..y_top(max, 1.25))
                .map_err(fail)?;
            let formatter = |v: &f64| amount(*v, *hours);
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(0)
                .y_labels(4)
                .y_label_formatter(&formatter)
                .light_line_style(WHITE)
                .bold_line_style(FAINT)
                .label_style(font(11))
                .draw()
                .map_err(fail)?;
            chart
                .draw_series(values.iter().enumerate().map(|(i, &v)| {
                    Rectangle::new(
                        [(i as f64 - 0.35, 0.0), (i as f64 + 0.35, v)],
                        policy_color(i).filled(),
                    )
                }))
                .map_err(fail)?;
            chart
                .draw_series(values.iter().enumerate().map(|(i, &v)| {
                    Text::new(
                        amount(v, *hours),
                        (i as f64, v),
                        anchored(font(12), HPos::Center, VPos::Bottom),
                    )
                }))
                .map_err(fail)?;
            chart
                .draw_series(run.policies.iter().enumerate().map(|(i, p)| {
                    EmptyElement::at((i as f64, 0.0))
                        + Text::new(
                            short(&p.name, 26 / n.max(1)),
                            (0, 5),
                            anchored(font(10), HPos::Center, VPos::Top),
                        )
                }))
                .map_err(fail)?;
        }
        Ok(())
    })?;
    let finding = panels
        .iter()
        .map(|(title, values, hours)| {
            let parts: Vec<String> = run
                .policies
                .iter()
                .zip(values)
                .map(|(p, v)| format!("{} {}", p.name, amount(*v, *hours)))
                .collect();
            format!("{title}: {}", parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    Ok(Figure {
        id: "totals",
        title: "Totals per policy".into(),
        svg,
        finding: format!("{finding}."),
    })
}

// ----- over time ------------------------------------------------------------------------

fn folded(p: &PolicyRun) -> Option<Series> {
    p.series.as_ref().map(Series::by_time_of_day)
}

fn over_time(run: &ScenarioRun) -> Result<Figure, String> {
    let folded: Vec<Option<Series>> = run.policies.iter().map(folded).collect();
    let panels = [
        (
            SeriesKind::LogoutsWhilePresent,
            "Logouts while present (all days added)",
        ),
        (
            SeriesKind::LiveSessions,
            "Live sessions (the most at one instant, any day)",
        ),
    ];
    let svg = svg(470, |root| {
        let entries: Vec<_> = names(run)
            .into_iter()
            .enumerate()
            .map(|(i, name)| (Glyph::Marker(policy_shape(i)), policy_color(i), name))
            .collect();
        let top = legend(root, 14, &entries)?;
        let (_, body) = root.split_vertically(top + 6);
        for (area, (kind, title)) in body.split_evenly((2, 1)).iter().zip(panels) {
            let lines: Vec<Vec<(f64, f64)>> = folded
                .iter()
                .map(|s| match s {
                    Some(s) => step_points(s.get(kind), s.bucket_ms),
                    None => Vec::new(),
                })
                .collect();
            let max = lines.iter().flatten().map(|p| p.1).fold(0.0, f64::max);
            let mut chart = ChartBuilder::on(area)
                .caption(title, font(14))
                .margin(8)
                .x_label_area_size(26)
                .y_label_area_size(48)
                .build_cartesian_2d(0.0..24.0, 0.0..y_top(max, 1.1))
                .map_err(fail)?;
            let hours = |h: &f64| format!("{:02}:00", h.round() as u32);
            let count = |v: &f64| thousands(v.round() as u64);
            chart
                .configure_mesh()
                .x_labels(13)
                .x_label_formatter(&hours)
                .y_labels(5)
                .y_label_formatter(&count)
                .light_line_style(WHITE)
                .bold_line_style(FAINT)
                .label_style(font(11))
                .draw()
                .map_err(fail)?;
            for (i, (line, series)) in lines.iter().zip(&folded).enumerate() {
                chart
                    .draw_series(LineSeries::new(
                        line.iter().copied(),
                        policy_color(i).stroke_width(2),
                    ))
                    .map_err(fail)?;
                if let Some(s) = series {
                    markers(
                        &mut chart,
                        &marker_points(s, kind, i),
                        policy_shape(i),
                        4.0,
                        policy_color(i),
                    )?;
                }
            }
        }
        Ok(())
    })?;
    Ok(Figure {
        id: "over-time",
        title: "Over the day (all days folded into one)".into(),
        svg,
        finding: over_time_finding(run, &folded),
    })
}

/// A marker every two hours or so on policy `i`'s line, each policy's
/// shifted a little so that equal lines still show every marker.
fn marker_points(s: &Series, kind: SeriesKind, i: usize) -> Vec<(f64, f64)> {
    let step = s.bucket_ms as f64 / HOUR_MS;
    let every = ((2.0 / step).round() as usize).max(1);
    let shift = (i * (every / 8).max(1)) % every;
    let values = s.get(kind);
    (shift..values.len())
        .step_by(every)
        .map(|b| ((b as f64 + 0.5) * step, values[b] as f64))
        .collect()
}

/// Counts per bucket as a step line, x in hours of the day.
fn step_points(values: &[u64], bucket_ms: u64) -> Vec<(f64, f64)> {
    let step = bucket_ms as f64 / HOUR_MS;
    let mut out = Vec::with_capacity(values.len() * 2);
    for (b, &v) in values.iter().enumerate() {
        let x = b as f64 * step;
        out.push((x, v as f64));
        out.push(((x + step).min(24.0), v as f64));
    }
    out
}

fn over_time_finding(run: &ScenarioRun, folded: &[Option<Series>]) -> String {
    let mut parts = Vec::new();
    for (p, s) in run.policies.iter().zip(folded) {
        let Some(s) = s else { continue };
        let values = s.get(SeriesKind::LogoutsWhilePresent);
        let peak = values
            .iter()
            .enumerate()
            .rev()
            .max_by_key(|(_, v)| **v)
            .filter(|(_, v)| **v > 0);
        let live = s
            .get(SeriesKind::LiveSessions)
            .iter()
            .max()
            .copied()
            .unwrap_or(0);
        parts.push(match peak {
            Some((b, v)) => {
                let start = b as u64 * s.bucket_ms;
                format!(
                    "under {} logouts while present peak at {}–{} ({} in that slot over all days), with at most {} live sessions",
                    p.name,
                    time_of_day(start),
                    time_of_day(start + s.bucket_ms),
                    thousands(*v),
                    thousands(live)
                )
            }
            None => format!(
                "{} logs nobody out while present at any hour, with at most {} live sessions",
                p.name,
                thousands(live)
            ),
        });
    }
    if parts.is_empty() {
        return "No time series were kept for this run.".into();
    }
    let mut text = join_words(&parts);
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    format!("{text}.")
}

/// A time of day (`ms` at most a day: the end of the last slot is 24:00).
fn time_of_day(ms: u64) -> String {
    let m = ms.min(DAY_MS) / 60_000;
    format!("{:02}:{:02}", m / 60, m % 60)
}

// ----- idle gaps ------------------------------------------------------------------------

/// Bins per factor of ten, from one second up (as the window's histogram).
const BINS_PER_DECADE: f64 = 4.0;

fn idle_gaps(scenario: &Scenario, gaps: &[u64]) -> Result<Figure, String> {
    let log = |ms: u64| (ms.max(1) as f64).log10();
    let first_bin = 3.0; // 1 s
    let longest = gaps.last().copied().unwrap_or(1_000).max(10_000);
    let last_edge = (log(longest) * BINS_PER_DECADE).ceil() / BINS_PER_DECADE + 0.25;
    let mut bins: Vec<(f64, f64, usize)> = Vec::new();
    let mut lo = first_bin;
    let mut rest = &gaps[gaps.partition_point(|&g| g < 1_000)..];
    while lo < last_edge - 1e-9 {
        let hi = lo + 1.0 / BINS_PER_DECADE;
        let edge = 10f64.powf(hi).round() as u64;
        let n = rest.partition_point(|&g| g < edge);
        bins.push((lo, hi, n));
        rest = &rest[n..];
        lo = hi;
    }
    let under_a_second = gaps.partition_point(|&g| g < 1_000);
    let max = bins.iter().map(|b| b.2).max().unwrap_or(0) as f64;
    let timeouts: Vec<(usize, &str, u64)> = scenario
        .policies
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.idle_timeout.map(|t| (i, p.name.as_str(), t.as_ms())))
        .collect();
    let svg = svg(340, |root| {
        let mut entries = vec![(
            Glyph::Bar,
            RGBColor(0x8c, 0x8c, 0x8c),
            "pauses between two actions".to_string(),
        )];
        for &(i, name, t) in &timeouts {
            entries.push((
                Glyph::Dashed,
                policy_color(i),
                format!("{name}: idle timeout {}", rough(t)),
            ));
        }
        let top = legend(root, 14, &entries)?;
        let (_, body) = root.split_vertically(top + 6);
        let mut chart = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(first_bin..last_edge, 0.0..y_top(max, 1.15))
            .map_err(fail)?;
        let count = |v: &f64| thousands(v.round() as u64);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(5)
            .y_label_formatter(&count)
            .y_desc("pauses")
            .x_desc("how long users pause between two actions (log scale)")
            .light_line_style(WHITE)
            .bold_line_style(FAINT)
            .label_style(font(11))
            .axis_desc_style(font(12))
            .draw()
            .map_err(fail)?;
        chart
            .draw_series(bins.iter().map(|&(lo, hi, n)| {
                Rectangle::new(
                    [(lo + 0.01, 0.0), (hi - 0.01, n as f64)],
                    RGBColor(0x8c, 0x8c, 0x8c).filled(),
                )
            }))
            .map_err(fail)?;
        // Round durations as ticks: the axis is log10(ms).
        let ticks: [(u64, &str); 10] = [
            (1_000, "1s"),
            (10_000, "10s"),
            (60_000, "1m"),
            (300_000, "5m"),
            (900_000, "15m"),
            (3_600_000, "1h"),
            (14_400_000, "4h"),
            (DAY_MS, "1d"),
            (7 * DAY_MS, "1w"),
            (30 * DAY_MS, "30d"),
        ];
        for (ms, label) in ticks.iter().filter(|(ms, _)| log(*ms) <= last_edge) {
            let x = log(*ms);
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((x, 0.0))
                        + Text::new(
                            label.to_string(),
                            (0, 5),
                            anchored(font(11), HPos::Center, VPos::Top),
                        ),
                ))
                .map_err(fail)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, 0.0), (x, max * 0.02)],
                    INK,
                )))
                .map_err(fail)?;
        }
        for (k, &(i, _, t)) in timeouts.iter().enumerate() {
            let x = log(t);
            let top_y = y_top(max, 1.15);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x, 0.0), (x, top_y)],
                    6,
                    4,
                    policy_color(i).stroke_width(2),
                ))
                .map_err(fail)?;
            markers(
                &mut chart,
                &[(x, top_y * (0.95 - 0.08 * k as f64))],
                policy_shape(i),
                5.0,
                policy_color(i),
            )?;
        }
        Ok(())
    })?;
    let share = |ms: u64| {
        if gaps.is_empty() {
            0.0
        } else {
            100.0 * (gaps.len() - gaps.partition_point(|&g| g < ms)) as f64 / gaps.len() as f64
        }
    };
    let mut finding = format!(
        "{} pauses between a user's consecutive actions ({} under a second).",
        thousands(gaps.len() as u64),
        thousands(under_a_second as u64)
    );
    let mut distinct: Vec<u64> = timeouts.iter().map(|&(_, _, t)| t).collect();
    distinct.sort_unstable();
    distinct.dedup();
    for t in distinct {
        let under: Vec<String> = timeouts
            .iter()
            .filter(|&&(_, _, u)| u == t)
            .map(|&(_, name, _)| name.to_string())
            .collect();
        finding.push_str(&format!(
            " {:.1}% of them last {} or longer: each of those ends the session under {} unless a request or a ping refreshed it.",
            share(t),
            rough(t),
            join_words(&under)
        ));
    }
    if timeouts.is_empty() {
        finding.push_str(" No policy has an idle timeout.");
    }
    Ok(Figure {
        id: "idle-gaps",
        title: "Idle gaps, with each policy's idle timeout".into(),
        svg,
        finding,
    })
}

// ----- trade-off --------------------------------------------------------------------------

fn tradeoff(run: &ScenarioRun) -> Result<Figure, String> {
    let points: Vec<[u64; 2]> = run
        .policies
        .iter()
        .map(|p| tradeoff_point(&p.metrics))
        .collect();
    let front = frontier(&points);
    let xy = |p: &[u64; 2]| (p[0] as f64 / HOUR_MS, p[1] as f64);
    let max_x = points.iter().map(|p| xy(p).0).fold(0.0, f64::max);
    let max_y = points.iter().map(|p| xy(p).1).fold(0.0, f64::max);
    let svg = svg(380, |root| {
        let mut entries: Vec<_> = names(run)
            .into_iter()
            .enumerate()
            .map(|(i, name)| (Glyph::Marker(policy_shape(i)), policy_color(i), name))
            .collect();
        entries.push((
            Glyph::Line,
            INK,
            "frontier: no other policy beats these on both counts".into(),
        ));
        let top = legend(root, 14, &entries)?;
        let (_, body) = root.split_vertically(top + 6);
        let mut chart = ChartBuilder::on(&body)
            .margin(10)
            .margin_right(30)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..(max_x * 1.25).max(1.0), 0.0..(max_y * 1.25).max(1.0))
            .map_err(fail)?;
        let hours = |h: &f64| format!("{} h", thousands(h.round() as u64));
        let count = |v: &f64| thousands(v.round() as u64);
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&hours)
            .y_label_formatter(&count)
            .x_desc(
                "unattended exposure: hours sessions stayed open after their user left (all users)",
            )
            .y_desc("disruption: logouts while present + lost edits")
            .light_line_style(WHITE)
            .bold_line_style(FAINT)
            .label_style(font(11))
            .axis_desc_style(font(12))
            .draw()
            .map_err(fail)?;
        if front.len() > 1 {
            chart
                .draw_series(LineSeries::new(
                    front.iter().map(|&i| xy(&points[i])),
                    INK.stroke_width(2),
                ))
                .map_err(fail)?;
        }
        for (i, p) in points.iter().enumerate() {
            markers(&mut chart, &[xy(p)], policy_shape(i), 7.0, policy_color(i))?;
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(xy(p))
                        + Text::new(
                            run.policies[i].name.clone(),
                            (10, -10),
                            anchored(font(13), HPos::Left, VPos::Bottom),
                        ),
                ))
                .map_err(fail)?;
        }
        Ok(())
    })?;
    Ok(Figure {
        id: "tradeoff",
        title: "Trade-off: exposure against disruption".into(),
        svg,
        finding: tradeoff_finding(run, &points, &front),
    })
}

fn tradeoff_finding(run: &ScenarioRun, points: &[[u64; 2]], front: &[usize]) -> String {
    let describe = |i: usize| {
        format!(
            "{} ({} of unattended exposure, disruption {})",
            run.policies[i].name,
            rough(points[i][0]),
            thousands(points[i][1])
        )
    };
    let on: Vec<String> = front.iter().map(|&i| describe(i)).collect();
    let off: Vec<String> = (0..points.len())
        .filter(|i| !front.contains(i))
        .map(describe)
        .collect();
    let mut text = format!(
        "Lower left is better on both counts. On the frontier: {}.",
        join_words(&on)
    );
    if !off.is_empty() {
        text.push_str(&format!(
            " Beaten on both counts by a policy on the frontier: {}.",
            join_words(&off)
        ));
    }
    if front.len() > 1 {
        text.push_str(" Moving along the frontier trades exposure of abandoned sessions for disruption of people at work.");
    }
    text
}

// ----- one user's timeline ------------------------------------------------------------------

/// How much work a user lost, for ranking: typing time, then edits, then submits.
fn loss_key(m: &Metrics) -> (u64, u64, u64) {
    (m.lost_typing_ms, m.lost_inputs, m.lost_submits)
}

/// The user the window's timeline opens on: the most work lost under any
/// policy, the first of equals; `None` when nobody lost anything.
pub fn user_who_lost_most(run: &ScenarioRun) -> Option<usize> {
    let mut best: Option<(usize, (u64, u64, u64))> = None;
    for u in 0..run.users {
        let worst = run
            .policies
            .iter()
            .filter_map(|p| p.per_user.get(u).map(loss_key))
            .max()
            .unwrap_or_default();
        if worst != (0, 0, 0) && best.is_none_or(|(_, b)| worst > b) {
            best = Some((u, worst));
        }
    }
    best.map(|(u, _)| u)
}

/// The window's marker for each of the timeline's marks
/// (`src/app/views/timeline/plot.rs`): shape, colour, radius in pixels.
fn mark_style(mark: Mark) -> (Shape, RGBColor, f64) {
    match mark {
        Mark::SilentRelogin => (Shape::Circle, RGBColor(0x76, 0xb7, 0xb2), 4.0),
        Mark::Logout => (Shape::Cross, RED, 6.0),
        Mark::LogoutWhilePresent => (Shape::Star, RED, 7.0),
        Mark::WarningShown => (Shape::Down, RGBColor(0xed, 0xc9, 0x48), 5.0),
        Mark::WarningHeeded => (Shape::Up, GREEN_, 5.0),
        Mark::WarningMissed => (Shape::Down, AMBER, 6.0),
        Mark::Ping => (Shape::Circle, RGBColor(0x8c, 0x8c, 0x8c), 2.5),
        Mark::SubmitLost => (Shape::Square, RED, 6.0),
        Mark::CsrfFailure => (Shape::Diamond, AMBER, 6.0),
        Mark::LostEdits => (Shape::Diamond, RED, 7.0),
        Mark::DraftRestored => (Shape::Diamond, RGBColor(0x4e, 0x79, 0xa7), 5.0),
        Mark::Redirect => (Shape::Right, PURPLE, 6.0),
    }
}

const PURPLE: RGBColor = RGBColor(0xb0, 0x7a, 0xa1);
/// The device's sleeps: the window's grey-brown, as a light shade.
const SLEEP: RGBColor = RGBColor(0x79, 0x70, 0x6e);
/// The words the window's legend uses for the rows it adds.
const SLEEP_NAME: &str = "device asleep";
const PAGE_NAME: &str = "page open in the tab";
const OTHER_TAB_NAME: &str = "logged out by another tab's timer";

/// The session's end, as the window marks it (none at the horizon).
fn end_style(reason: EndReason) -> Option<(&'static str, RGBColor)> {
    match reason {
        EndReason::Expired => Some(("session expired", RED)),
        EndReason::Closed => Some(("session ended: browser closed", RGBColor(0x82, 0x82, 0x82))),
        EndReason::Redirect => Some(("session ended: client redirect", PURPLE)),
        EndReason::Horizon => None,
    }
}

fn event_style(kind: EventKind) -> (Shape, RGBColor) {
    match kind {
        EventKind::View => (Shape::Square, RGBColor(0x4e, 0x79, 0xa7)),
        EventKind::Request => (Shape::Diamond, RGBColor(0x76, 0xb7, 0xb2)),
        EventKind::Submit => (Shape::Up, GREEN_),
        EventKind::Input => (Shape::Circle, RGBColor(0xed, 0xc9, 0x48)),
        EventKind::Activity => (Shape::Circle, RGBColor(0x96, 0x96, 0x96)),
        EventKind::Close => (Shape::Cross, RGBColor(0x6e, 0x6e, 0x6e)),
        EventKind::Sleep => (Shape::Down, SLEEP),
        EventKind::Wake => (Shape::Up, SLEEP),
    }
}

/// The width of the timeline's row names, in pixels.
const TIMELINE_NAMES_PX: u32 = 150;

/// Pixels per row of the timeline: room for a row's name and its marks
/// above and below the bar.
const ROW_PX: u32 = 34;

/// What the picture shows within `x0..x1`, in the order the legend lists it.
fn timeline_legend(t: &Timeline, x0: f64, x1: f64) -> Vec<(Glyph, RGBColor, String)> {
    let seen = |x: f64| x >= x0 && x <= x1;
    let mut entries: Vec<(Glyph, RGBColor, String)> = t
        .events
        .iter()
        .filter(|(_, points)| points.iter().any(|p| seen(p[0])))
        .map(|(kind, _)| {
            let (shape, color) = event_style(*kind);
            (Glyph::Marker(shape), color, kind.name().to_string())
        })
        .collect();
    entries.push((Glyph::Bar, INK, "session (policy colour)".into()));
    if t.tabs > 1 {
        entries.push((Glyph::Line, RGBColor(0x99, 0x99, 0x99), PAGE_NAME.into()));
    }
    if t.sleeps.iter().any(|&(a, b)| b > x0 && a < x1) {
        entries.push((Glyph::Shade, SLEEP, SLEEP_NAME.into()));
    }
    for reason in [EndReason::Expired, EndReason::Closed, EndReason::Redirect] {
        let shown = t
            .lanes
            .iter()
            .any(|l| l.sessions.iter().any(|s| s.reason == reason && seen(s.end)));
        if let (true, Some((name, color))) = (shown, end_style(reason)) {
            entries.push((Glyph::Marker(Shape::Right), color, name.into()));
        }
    }
    for mark in Mark::ALL {
        let shown = t.lanes.iter().any(|l| {
            l.marks
                .iter()
                .any(|(m, points)| *m == mark && points.iter().any(|p| seen(p[0])))
        });
        if shown {
            let (shape, color, _) = mark_style(mark);
            entries.push((Glyph::Marker(shape), color, mark.label().into()));
        }
    }
    if t.lanes
        .iter()
        .any(|l| l.other_tab.iter().any(|o| seen(o.at[0])))
    {
        entries.push((
            Glyph::Marker(Shape::Star),
            RED,
            format!("{OTHER_TAB_NAME} (labelled)"),
        ));
    }
    entries
}

/// One user's day drawn as the window draws it: the library's rows
/// ([`crate::analysis::timeline`]), a row of actions per tab, a row per
/// policy and under it a row per tab, the device's sleeps shaded.
fn draw_timeline(area: &Area<'_>, t: &Timeline, x0: f64, x1: f64) -> Result<(), String> {
    let top = legend(area, 14, &timeline_legend(t, x0, x1))?;
    let (_, body) = area.split_vertically(top + 6);
    let bottom = t.rows.last().map_or(-1.0, |(y, _)| *y);
    let mut chart = ChartBuilder::on(&body)
        .margin(8)
        .margin_right(20)
        .x_label_area_size(28)
        .y_label_area_size(TIMELINE_NAMES_PX)
        .build_cartesian_2d(x0..x1, bottom - 0.6..0.6)
        .map_err(fail)?;
    let clock_label = |h: &f64| {
        let minutes = (h * 60.0).round().max(0.0) as u64;
        format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60)
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(10)
        .x_label_formatter(&clock_label)
        .light_line_style(WHITE)
        .bold_line_style(FAINT)
        .label_style(font(11))
        .draw()
        .map_err(fail)?;
    // Sleeps first, under everything else.
    chart
        .draw_series(
            t.sleeps
                .iter()
                .filter(|&&(a, b)| b > x0 && a < x1)
                .map(|&(a, b)| {
                    Rectangle::new(
                        [(a.max(x0), bottom - 0.6), (b.min(x1), 0.6)],
                        SLEEP.mix(0.25).filled(),
                    )
                }),
        )
        .map_err(fail)?;
    let policy_rows: Vec<f64> = t.lanes.iter().map(|l| l.y).collect();
    chart
        .draw_series(t.rows.iter().map(|(y, name)| {
            // Policies' rows in bold, the rows under them plain.
            let style = if policy_rows.contains(y) {
                (FONT, 12).into_font().style(FontStyle::Bold).color(&INK)
            } else {
                font(11)
            };
            EmptyElement::at((x0, *y))
                + Text::new(
                    short(name, 22),
                    (-8, 0),
                    anchored(style, HPos::Right, VPos::Center),
                )
        }))
        .map_err(fail)?;
    let seen = |p: &[f64; 2]| p[0] >= x0 && p[0] <= x1;
    for (kind, points) in &t.events {
        let (shape, color) = event_style(*kind);
        let points: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| seen(p))
            .map(|p| (p[0], p[1]))
            .collect();
        markers(&mut chart, &points, shape, 4.0, color)?;
    }
    for (i, lane) in t.lanes.iter().enumerate() {
        draw_lane(&mut chart, lane, i, x0, x1)?;
    }
    Ok(())
}

/// One policy's row (its sessions, their ends, its marks, the logouts
/// another tab caused) and its tabs' rows (their pages).
fn draw_lane(
    chart: &mut Chart<'_, '_>,
    lane: &crate::analysis::timeline::Lane,
    i: usize,
    x0: f64,
    x1: f64,
) -> Result<(), String> {
    let y = lane.y;
    let bar = |s: f64, e: f64, y: f64, half: f64, color: ShapeStyle| {
        Rectangle::new([(s.max(x0), y - half), (e.min(x1), y + half)], color)
    };
    chart
        .draw_series(
            lane.sessions
                .iter()
                .filter(|s| s.end > x0 && s.start < x1)
                .map(|s| bar(s.start, s.end, y, 0.07, policy_color(i).mix(0.75).filled())),
        )
        .map_err(fail)?;
    for row in &lane.tab_rows {
        chart
            .draw_series(
                row.pages
                    .iter()
                    .filter(|&&(s, e)| e > x0 && s < x1)
                    .map(|&(s, e)| bar(s, e, row.y, 0.035, policy_color(i).mix(0.45).filled())),
            )
            .map_err(fail)?;
    }
    for reason in [EndReason::Expired, EndReason::Closed, EndReason::Redirect] {
        let Some((_, color)) = end_style(reason) else {
            continue;
        };
        let ends: Vec<(f64, f64)> = lane
            .sessions
            .iter()
            .filter(|s| s.reason == reason && s.end >= x0 && s.end <= x1)
            .map(|s| (s.end, y))
            .collect();
        markers(chart, &ends, Shape::Right, 6.0, color)?;
    }
    for (mark, points) in &lane.marks {
        let (shape, color, r) = mark_style(*mark);
        let points: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p[0] >= x0 && p[0] <= x1)
            .map(|p| (p[0], p[1]))
            .collect();
        markers(chart, &points, shape, r, color)?;
    }
    // Each logout another tab caused: a large star, and its words where
    // they fit: right of the star, or left of it at the plot's right edge,
    // never over the previous words (those stars keep no words, as in the
    // window). Widths are estimated as the legend's: 6.6 px a character.
    let data_per_px = (x1 - x0) / f64::from(WIDTH - TIMELINE_NAMES_PX - 40);
    let mut words_end = f64::NEG_INFINITY;
    for o in lane
        .other_tab
        .iter()
        .filter(|o| o.at[0] >= x0 && o.at[0] <= x1)
    {
        markers(chart, &[(o.at[0], o.at[1])], Shape::Star, 8.5, RED)?;
        let width = (o.short.chars().count() as f64 * 6.6 + 4.0) * data_per_px;
        let x = o.at[0];
        let (h, dx, start, end) = if x + width <= x1 {
            (HPos::Left, 4, x, x + width)
        } else {
            (HPos::Right, -4, x - width, x)
        };
        if start < words_end {
            continue;
        }
        words_end = end;
        let label = EmptyElement::at((x, y + 0.12))
            + Text::new(
                o.short.clone(),
                (dx, 0),
                anchored(
                    (FONT, 11).into_font().style(FontStyle::Bold).color(&RED),
                    h,
                    VPos::Bottom,
                ),
            );
        chart.draw_series(std::iter::once(label)).map_err(fail)?;
    }
    Ok(())
}

/// "2 tabs, each with a row of actions and a row under each policy; the
/// device asleep 1 time (40m, shaded)": what the rows add, for the finding.
fn tabs_and_sleep_words(t: &Timeline) -> Option<String> {
    let mut parts = Vec::new();
    if t.tabs > 1 {
        parts.push(format!(
            "they used {} tabs: each has a row of actions, and a row under each policy with its pages, warnings, redirects and pings",
            t.tabs
        ));
    }
    if !t.sleeps.is_empty() {
        let asleep: f64 = t.sleeps.iter().map(|(a, b)| b - a).sum();
        parts.push(format!(
            "their device slept {} ({} in all, shaded)",
            plural_times(t.sleeps.len()),
            rough((asleep * HOUR_MS).round() as u64)
        ));
    }
    let caused: Vec<String> = t
        .lanes
        .iter()
        .filter(|l| !l.other_tab.is_empty())
        .map(|l| format!("{} under {}", thousands(l.other_tab.len() as u64), l.policy))
        .collect();
    if !caused.is_empty() {
        parts.push(format!(
            "the logouts another tab's timer caused (the tab left alone ran out and redirected to the login page, ending the session every tab shares; starred and labelled): {}",
            join_words(&caused)
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn plural_times(n: usize) -> String {
    if n == 1 {
        "once".into()
    } else {
        format!("{} times", thousands(n as u64))
    }
}

fn timeline(
    scenario: &Scenario,
    trace: &Trace,
    run: &ScenarioRun,
) -> Result<Option<Figure>, String> {
    let Some(user) = user_who_lost_most(run) else {
        return Ok(None);
    };
    let t = crate::analysis::timeline::timeline(scenario, user, trace.user_events(user));
    // The first day with lost work or a logout under any policy, as the
    // window opens on.
    let day = t.focus_day.unwrap_or(0);
    let (x0, x1) = t.day_range(day);
    let name = trace.user_name(user).to_string();
    let legend_rows = 3;
    let height = 80 + 20 * legend_rows + ROW_PX * t.rows.len() as u32;
    let svg = svg(height, |root| draw_timeline(root, &t, x0, x1))?;
    let per_policy: Vec<String> = t
        .lanes
        .iter()
        .map(|lane| {
            let m = &lane.metrics;
            let p = &lane.policy;
            if m.lost_inputs + m.lost_submits + m.logouts_while_present == 0 {
                format!("under {p} they lost nothing and were never logged out while present")
            } else if m.logouts_while_present == 0 {
                format!(
                    "under {p} they were never logged out while present but lost {} submits and {} edits ({} of typing)",
                    thousands(m.lost_submits),
                    thousands(m.lost_inputs),
                    rough(m.lost_typing_ms)
                )
            } else {
                format!(
                    "under {p} they were logged out {} times while present and lost {} submits and {} edits ({} of typing)",
                    thousands(m.logouts_while_present),
                    thousands(m.lost_submits),
                    thousands(m.lost_inputs),
                    rough(m.lost_typing_ms)
                )
            }
        })
        .collect();
    let rows =
        tabs_and_sleep_words(&t).map_or(String::new(), |w| format!(" Over the whole run {w}."));
    let finding = format!(
        "{name} lost the most work of all {} users. Over the whole run, {}.{rows} Shown: {}, the first day they lost work or were logged out, from {} to {}.",
        thousands(run.users as u64),
        join_words(&per_policy),
        clock(day * DAY_MS).trim_end_matches(" 00:00"),
        clock((x0.max(0.0) * HOUR_MS) as u64),
        clock((x1 * HOUR_MS) as u64)
    );
    Ok(Some(Figure {
        id: "timeline",
        title: format!("One user's day: {name}, who lost the most work"),
        svg,
        finding,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::PolicyRun;

    fn policy(per_user: Vec<Metrics>) -> PolicyRun {
        PolicyRun {
            name: "p".into(),
            metrics: Metrics::default(),
            affected: Default::default(),
            series: None,
            per_user,
        }
    }

    fn lost(edit_ms: u64, inputs: u64) -> Metrics {
        Metrics {
            lost_typing_ms: edit_ms,
            lost_inputs: inputs,
            ..Metrics::default()
        }
    }

    #[test]
    fn the_user_who_lost_most_is_the_windows() {
        // User 1 lost 10 minutes under the first policy, user 2 the same
        // under the second: the first of equals (1) is shown.
        let run = ScenarioRun {
            scenario: "s".into(),
            users: 3,
            policies: vec![
                policy(vec![lost(0, 0), lost(600_000, 3), lost(0, 0)]),
                policy(vec![lost(60_000, 9), lost(0, 0), lost(600_000, 3)]),
            ],
        };
        assert_eq!(user_who_lost_most(&run), Some(1));
        let nobody = ScenarioRun {
            policies: vec![policy(vec![Metrics::default(); 3])],
            ..run
        };
        assert_eq!(user_who_lost_most(&nobody), None);
    }

    #[test]
    fn markers_are_closed_shapes_of_their_size() {
        let square = shape_points(Shape::Square, 10.0);
        assert_eq!(square, [(-8, -8), (8, -8), (8, 8), (-8, 8)]);
        assert_eq!(shape_points(Shape::Star, 10.0).len(), 10);
        assert_eq!(shape_points(Shape::Cross, 10.0).len(), 12);
    }

    #[test]
    fn a_standalone_svg_carries_its_title_and_finding() {
        let figure = Figure {
            id: "x",
            title: "A & B".into(),
            svg: "<svg width=\"1\" height=\"1\">\n<rect/>\n</svg>\n".into(),
            finding: "less <than> more".into(),
        };
        let out = standalone(&figure);
        assert!(out.starts_with("<?xml"), "{out}");
        assert!(out.contains("<title>A &amp; B</title>"), "{out}");
        assert!(
            out.contains("<desc>less &lt;than&gt; more</desc>\n<rect/>"),
            "{out}"
        );
    }
}
