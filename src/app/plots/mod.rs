//! The plots: each file draws one view from data prepared elsewhere.

pub mod gaps;
pub mod over_time;
pub mod timeline;
pub mod totals;

use egui::Color32;
use egui_plot::{GridInput, GridMark};

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

/// Hours as a clock reading: `day 2 09:30`, or `09:30` within one day.
pub fn clock(hours: f64, with_day: bool) -> String {
    let minutes = (hours * 60.0).round() as i64;
    let (day, minute_of_day) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let hm = format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60);
    if with_day {
        format!("day {} {hm}", day + 1)
    } else if minutes == 1440 {
        "24:00".into()
    } else {
        hm
    }
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
    let levels: Vec<f64> = STEPS[first..].iter().take(3).copied().collect();
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

/// A plot's value for hover labels: integers as integers.
pub fn amount(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_readings() {
        assert_eq!(clock(0.0, true), "day 1 00:00");
        assert_eq!(clock(33.5, true), "day 2 09:30");
        assert_eq!(clock(9.25, false), "09:15");
        assert_eq!(clock(24.0, false), "24:00");
    }

    #[test]
    fn grid_marks_land_on_round_times() {
        // 0..48 h with lines at least 2 h apart: 3 h, 6 h and 12 h levels.
        let marks = time_grid(GridInput {
            bounds: (0.0, 48.0),
            base_step_size: 2.0,
        });
        let at = |v: f64| marks.iter().find(|m| m.value == v).map(|m| m.step_size);
        assert_eq!(at(3.0), Some(3.0));
        assert_eq!(at(6.0), Some(6.0));
        assert_eq!(at(12.0), Some(12.0));
        assert_eq!(at(24.0), Some(12.0));
        assert_eq!(at(1.0), None);
    }
}
