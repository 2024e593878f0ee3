//! What the last access-log import found, shown until the user closes it.

use std::path::PathBuf;

use egui::{Id, RichText};

use crate::app::command::Command;

pub struct ImportSummary {
    pub log: PathBuf,
    pub summary: String,
    /// The trace has modelled activity already.
    pub filled: bool,
}

/// What the user did with the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SummaryAnswer {
    Close,
    /// Import again with modelled typing and reading.
    FillActivity,
}

impl ImportSummary {
    /// Draws the summary; `Some(Close)` once the user closed it.
    pub fn ui(&self, ctx: &egui::Context) -> Option<SummaryAnswer> {
        let mut open = true;
        let mut close = false;
        let mut answer = None;
        egui::Window::new(format!(
            "Imported {}",
            self.log
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ))
        .id(Id::unique("import-summary"))
        .open(&mut open)
        .default_width(560.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    ui.add(egui::Label::new(RichText::new(&self.summary).monospace()).wrap());
                });
            ui.horizontal(|ui| {
                if !self.filled {
                    let fill = Command::FillImport(self.log.clone());
                    if ui
                        .button(fill.label())
                        .on_hover_text(fill.tooltip())
                        .clicked()
                    {
                        answer = Some(SummaryAnswer::FillActivity);
                    }
                }
                close = ui.button("Close").clicked();
            });
        });
        answer.or((!open || close).then_some(SummaryAnswer::Close))
    }
}
