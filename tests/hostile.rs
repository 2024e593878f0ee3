//! Hostile and absurd input, one file per class (tests/hostile/*.rs): each
//! gets one clear message with its exact text and exit status 2 — never a
//! panic, a hang, an allocation storm or a half-written file.

#[path = "hostile/support.rs"]
mod support;

#[path = "hostile/deep_nesting.rs"]
mod deep_nesting;
#[path = "hostile/directories.rs"]
mod directories;
#[path = "hostile/empty_files.rs"]
mod empty_files;
#[path = "hostile/huge_file.rs"]
mod huge_file;
#[path = "hostile/huge_line.rs"]
mod huge_line;
#[path = "hostile/huge_population.rs"]
mod huge_population;
#[path = "hostile/long_horizon.rs"]
mod long_horizon;
#[path = "hostile/non_utf8.rs"]
mod non_utf8;
#[path = "hostile/overflowing_durations.rs"]
mod overflowing_durations;
#[path = "hostile/self_reference.rs"]
mod self_reference;
#[path = "hostile/tiny_intervals.rs"]
mod tiny_intervals;
#[path = "hostile/zero_and_negative.rs"]
mod zero_and_negative;
