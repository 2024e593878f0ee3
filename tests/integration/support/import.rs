//! Helpers for the import tests: finding fixtures and the shared log.

use std::path::{Path, PathBuf};

/// A fixture under tests/fixtures/import/, as a path string.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    assert!(path.is_file(), "missing fixture {}", path.display());
    path.to_string_lossy().into_owned()
}

/// The shared real log (never copied into the repository). It lies in the
/// project's `shared/data/` folder beside the checkout.
pub fn shared_log() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        manifest.join("../shared/data/apache_combined_2015.log"),
        manifest.join("../../shared/data/apache_combined_2015.log"),
        PathBuf::from("/work/shared/data/apache_combined_2015.log"),
    ];
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "the shared log apache_combined_2015.log is missing: looked for {}. \
                 It is the project's shared/data/apache_combined_2015.log (10 000 lines, \
                 sha256 f15c31e9...); put the shared folder beside the checkout.",
                candidates
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

/// A scenario file next to `trace.csv` in `dir`, with one policy.
pub fn scenario_with_trace(dir: &Path, trace_name: &str, horizon: &str, policy: &str) -> PathBuf {
    let path = dir.join("scenario.ron");
    let text = format!(
        "Scenario(\n    name: \"imported\",\n    horizon: \"{horizon}\",\n    population: Trace(path: \"{trace_name}\"),\n    policies: [{policy}],\n)\n"
    );
    std::fs::write(&path, text).expect("write scenario");
    path
}

/// One metric of one policy from `lapse run --format json`.
pub fn metric(json: &serde_json::Value, policy: usize, name: &str) -> u64 {
    json["policies"][policy]["metrics"][name]
        .as_u64()
        .unwrap_or_else(|| panic!("no metric {name} in {json}"))
}
