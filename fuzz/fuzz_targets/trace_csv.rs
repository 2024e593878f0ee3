//! Any bytes as a trace CSV (see `lapse::fuzz_entry::trace_csv`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lapse::fuzz_entry::trace_csv(data));
