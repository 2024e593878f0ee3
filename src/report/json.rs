//! JSON for programs: pretty-printed, one trailing newline.

use serde::Serialize;

use crate::engine::ScenarioRun;

/// Any serialisable value as pretty JSON text ending in a newline.
pub fn json_text<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// The SPEC's JSON: `{"scenario", "users", "policies": [{"name", "metrics"}]}`.
pub fn run_json(result: &ScenarioRun) -> Result<String, serde_json::Error> {
    json_text(result)
}
