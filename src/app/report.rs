//! File → Export report…: `lapse report` on what the window shows.

use std::path::Path;

use crate::model::Diagnostic;
use crate::report::document::{ReportFormat, ReportInput, write_report};

use super::document::Document;
use super::worker::Results;

/// Writes the report of the window's results. The scenario is the one those
/// results were simulated from: the edited one, unsaved edits included, once
/// the simulation has caught up; while the edits break a rule, the last
/// valid one, and the report says so at the top.
pub fn export_report(
    results: &Results,
    doc: &Document,
    selected: usize,
    path: &Path,
) -> Result<(), Diagnostic> {
    let current = results.scenario == doc.scenario;
    let mut problems = Vec::new();
    if !current {
        let breaks = doc.problems();
        if breaks.is_empty() {
            problems.push(
                "The latest edits were still being simulated: this report shows the scenario as it was just before them.".to_string(),
            );
        } else {
            let list: Vec<String> = breaks.into_iter().map(|(_, message)| message).collect();
            problems.push(format!(
                "The scenario being edited breaks {} (so it cannot be simulated): {}. This report shows the last valid version of it.",
                if list.len() == 1 { "a rule" } else { "rules" },
                list.join("; ")
            ));
        }
    }
    // Saved and unchanged: the file itself, comments and all; otherwise the
    // scenario as Save would write it.
    let on_disk = doc
        .path
        .as_deref()
        .filter(|_| current && !doc.is_dirty())
        .and_then(|p| std::fs::read_to_string(p).ok());
    let source = on_disk.unwrap_or_else(|| results.scenario.to_ron());
    let input = ReportInput {
        scenario: &results.scenario,
        source: &source,
        file_name: doc
            .path
            .as_deref()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned()),
        trace: &results.trace,
        trace_file: None,
        run: &results.run,
        selected: (selected < results.run.policies.len()).then_some(selected),
        problems,
        replicated: None,
    };
    write_report(&input, ReportFormat::for_path(path), path).map(|_| ())
}
