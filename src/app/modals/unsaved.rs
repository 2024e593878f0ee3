//! "Save your changes?": asked before a command that would lose unsaved edits.

use egui::Id;

use crate::app::command::Command;

/// A command held back until the user says what to do with their edits.
pub struct UnsavedChanges {
    pub command: Command,
}

/// What the user answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveAnswer {
    /// Save first, then carry on with the command.
    Save,
    /// Carry on without saving.
    Discard,
    /// Do neither: stay with the edits.
    Cancel,
}

impl UnsavedChanges {
    /// Draws the question about the document `title`; `Some` once answered.
    pub fn ui(&self, ctx: &egui::Context, title: &str) -> Option<SaveAnswer> {
        let action = if self.command == Command::Quit {
            "quitting"
        } else if self.command == Command::New {
            "starting a new scenario"
        } else {
            "opening another scenario"
        };
        let mut answer = None;
        let modal = egui::Modal::new(Id::unique("unsaved-changes")).show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.heading("Save your changes?");
            ui.label(format!(
                "“{title}” has changes that are not saved. Save them before {action}?"
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    answer = Some(SaveAnswer::Save);
                }
                if ui
                    .button("Don't save")
                    .on_hover_text("Lose the changes")
                    .clicked()
                {
                    answer = Some(SaveAnswer::Discard);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(SaveAnswer::Cancel);
                }
            });
        });
        if modal.should_close() && answer.is_none() {
            answer = Some(SaveAnswer::Cancel);
        }
        answer
    }
}
