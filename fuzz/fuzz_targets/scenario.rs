//! Any text as a scenario file (see `lapse::fuzz_entry::scenario`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lapse::fuzz_entry::scenario(data));
