//! Any bytes as an access log (format detected, gzip or not): the import must
//! never panic, whatever the lines hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lapse::import::{ImportOptions, Importer};

fuzz_target!(|data: &[u8]| {
    let Ok(mut importer) = Importer::new(ImportOptions::default()) else {
        return;
    };
    if importer.read(data, std::path::Path::new("fuzz.log")).is_ok() {
        let _ = importer.finish();
    }
});
