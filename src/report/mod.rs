//! Output in the library: results turned into text (a table for people, CSV
//! and JSON for programs). The command line, the GUI's exports and the
//! analysis commands all format through here, so a metric reads the same
//! wherever it is shown.
//!
//! And reports a team can send (`lapse report`, File → Export report):
//! [`document`] gathers the content (the answer, the verdicts, the settings,
//! the population in words) and writes it; [`html`] and [`markdown`] lay it
//! out; [`plots`] draws the charts as SVG.

pub mod csv;
pub mod document;
pub mod html;
pub mod json;
pub mod markdown;
pub mod plots;
pub mod recommend;
pub mod replicates;
pub mod table;

use serde::Serialize;

use crate::model::Scenario;

/// Whether a metric counts milliseconds (`lost_edit_ms`) rather than things:
/// such values are also shown as a readable duration.
pub fn is_duration(metric: &str) -> bool {
    metric.ends_with("_ms")
}

/// A value as RON, every field written out with its struct name and four
/// spaces of indent: the form scenario files are written in.
pub fn ron_text<T: Serialize>(value: &T) -> String {
    let config = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .indentor("    ".to_string());
    // Serialising plain data with string keys cannot fail.
    ron::ser::to_string_pretty(value, config).unwrap_or_else(|e| format!("// {e}"))
}

impl Scenario {
    /// The scenario as RON, every field written out.
    pub fn to_ron(&self) -> String {
        ron_text(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dur, Policy};

    #[test]
    fn durations_are_the_metrics_in_milliseconds() {
        assert!(is_duration("lost_edit_ms"));
        assert!(is_duration("max_session_ms"));
        assert!(!is_duration("logins"));
        assert!(!is_duration("lost_submits"));
    }

    #[test]
    fn policies_print_as_loadable_ron() {
        let mut p = Policy::named("x (pci-dss)");
        p.absolute_timeout = Some(Dur::hours(8));
        let text = ron_text(&p);
        assert!(
            text.starts_with("Policy(\n    name: \"x (pci-dss)\","),
            "{text}"
        );
        let back: Policy = crate::model::scenario::ron_options()
            .from_str(&text)
            .expect("loads");
        assert_eq!(back, p);
    }
}
