//! A file path typed in the window, when no native file dialog could open.

use std::path::PathBuf;

use egui::Id;

use crate::app::file_dialogs::{Purpose, typed_path};

pub struct PathPrompt {
    pub purpose: Purpose,
    pub text: String,
    /// The suggestion the field started with (its folder resolves what is typed).
    prefill: PathBuf,
    /// The field got the keyboard focus once.
    focused: bool,
}

/// What the user answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptAnswer {
    /// Use this file.
    Path(PathBuf),
    Cancel,
}

impl PathPrompt {
    pub fn new(purpose: Purpose, suggestion: String) -> PathPrompt {
        PathPrompt {
            purpose,
            prefill: PathBuf::from(&suggestion),
            text: suggestion,
            focused: false,
        }
    }

    /// Draws the prompt; `Some` once answered (an empty path is a cancel).
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<PromptAnswer> {
        let mut ok = None;
        let modal = egui::Modal::new(Id::unique("path-prompt")).show(ctx, |ui| {
            ui.set_min_width(460.0);
            ui.heading(self.purpose.title());
            ui.label("No file dialog is available on this desktop; type the file's path.");
            ui.horizontal(|ui| {
                let label = ui.label("File");
                let response = ui
                    .add(egui::TextEdit::singleline(&mut self.text).desired_width(380.0))
                    .labelled_by(label.id);
                if !std::mem::replace(&mut self.focused, true) {
                    response.request_focus();
                }
                if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    ok = Some(true);
                }
            });
            ui.horizontal(|ui| {
                if ui.button("OK").clicked() {
                    ok = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    ok = Some(false);
                }
            });
        });
        if modal.should_close() && ok.is_none() {
            ok = Some(false);
        }
        let text = self.text.trim();
        ok.map(|ok| {
            if ok && !text.is_empty() {
                PromptAnswer::Path(typed_path(text, &self.prefill))
            } else {
                PromptAnswer::Cancel
            }
        })
    }
}
