//! Reports a team can send: what a scenario's policies do, in one file.
//!
//! [`document`] gathers the content (the answer, the verdicts, the settings,
//! the population in words) and writes it; [`html`] and [`markdown`] lay it
//! out; [`plots`] draws the charts as SVG.

pub mod document;
pub mod html;
pub mod markdown;
pub mod plots;
