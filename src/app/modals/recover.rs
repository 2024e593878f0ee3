//! "Restore unsaved edits?": offered when a crashed window left some behind.

use egui::{Id, RichText};

use crate::app::recovery::Orphan;

/// What the user answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoverAnswer {
    /// Open the edits, unsaved, in place of the current scenario.
    Restore,
    /// Delete the recovered edits.
    Discard,
}

/// The question about one crashed window's edits.
pub struct RecoverEdits<'a> {
    pub orphan: &'a Orphan,
}

impl RecoverEdits<'_> {
    /// Draws the question; `Some` once answered.
    pub fn ui(&self, ctx: &egui::Context) -> Option<RecoverAnswer> {
        let snapshot = &self.orphan.snapshot;
        let mut answer = None;
        egui::Modal::new(Id::unique("recover-edits")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("Restore unsaved edits?");
            ui.label(format!(
                "Lapse did not close cleanly. Edits to “{}” made {} were never saved.",
                snapshot.title(),
                snapshot.age(std::time::SystemTime::now())
            ));
            if let Some(path) = &snapshot.path {
                ui.label(RichText::new(path.display().to_string()).weak());
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui
                    .button("Restore")
                    .on_hover_text("Open the edits, unsaved, in place of this scenario")
                    .clicked()
                {
                    answer = Some(RecoverAnswer::Restore);
                }
                if ui
                    .button("Discard")
                    .on_hover_text("Delete the recovered edits")
                    .clicked()
                {
                    answer = Some(RecoverAnswer::Discard);
                }
            });
        });
        answer
    }
}
