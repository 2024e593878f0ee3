//! Any bytes as an access log (see `lapse::fuzz_entry::access_log`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lapse::fuzz_entry::access_log(data));
