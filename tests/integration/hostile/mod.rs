//! Hostile and absurd input, one file per class: each
//! gets one clear message with its exact text and exit status 2 — never a
//! panic, a hang, an allocation storm or a half-written file.

mod deep_nesting;
mod directories;
mod empty_files;
mod huge_file;
mod huge_line;
mod huge_population;
mod long_horizon;
mod non_utf8;
mod overflowing_durations;
mod self_reference;
mod tiny_intervals;
mod zero_and_negative;
