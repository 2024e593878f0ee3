//! `lapse import`.

/// Hand-made logs (tests/fixtures/import/): each format, malformed lines, gzip, the flags.
mod fixtures;

/// The shared real log, counted by a second reading of the rules.
mod real_log;

/// `--fill-activity` on a tiny log, by hand.
mod fill;
