//! The views of the results, one folder each: its data in `mod.rs` (plain
//! Rust, prepared off the UI thread, built without the `gui` feature so the
//! benchmarks and tests need no window), its drawing in `plot.rs` (egui).
//! Adding a view touches one folder, the results panel's tab list and
//! [`prepare`] if the worker prepares its data.

pub mod format;
pub mod gaps;
pub mod metrics;
pub mod over_time;
#[cfg(feature = "gui")]
pub mod plot_kit;
pub mod prepare;
pub mod sweep;
pub mod timeline;
pub mod totals;
pub mod tradeoff;

pub use prepare::{People, PlotData, gap_histogram, plot_data};

/// Milliseconds in an hour: the plots measure time in hours.
pub const HOUR_MS: f64 = 3_600_000.0;

/// A point in plot coordinates, x to the right and y up.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Xy {
    pub x: f64,
    pub y: f64,
}
