//! Generated populations.

/// Distributions, working days, breaks, reproducibility and validation, through the library.
mod library;

/// `lapse generate` and the round trip through the CSV it writes.
mod cli;
