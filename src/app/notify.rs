//! Short messages in the window's corner: saves, exports, failures.

use egui::{Align2, RichText};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// A file action whose failure is reported until the same action succeeds:
/// "Could not save" goes away once a save worked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Open,
    Save,
    Import,
    Export,
}

#[derive(Clone, Debug)]
struct Toast {
    level: Level,
    text: String,
    action: Option<Action>,
    /// When it was shown (egui time, seconds); `None` until first drawn.
    shown_at: Option<f64>,
}

/// Information fades after a few seconds; errors stay until dismissed.
#[derive(Default)]
pub struct Toasts {
    items: Vec<Toast>,
}

const INFO_SECONDS: f64 = 4.0;

impl Toasts {
    pub fn info(&mut self, text: impl Into<String>) {
        self.push(Level::Info, text.into(), None);
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.push(Level::Error, text.into(), None);
    }

    /// `action` failed: the message stays until dismissed or until the
    /// same action succeeds ([`Toasts::succeeded`]).
    pub fn failed(&mut self, action: Action, text: impl Into<String>) {
        self.push(Level::Error, text.into(), Some(action));
    }

    /// `action` worked: its earlier failures are no longer true, so their
    /// messages go, and this one is shown as information.
    pub fn succeeded(&mut self, action: Action, text: impl Into<String>) {
        self.items
            .retain(|t| !(t.level == Level::Error && t.action == Some(action)));
        self.push(Level::Info, text.into(), Some(action));
    }

    fn push(&mut self, level: Level, text: String, action: Option<Action>) {
        self.items.retain(|t| t.text != text);
        self.items.push(Toast {
            level,
            text,
            action,
            shown_at: None,
        });
        // Keep the corner readable.
        if self.items.len() > 5 {
            self.items.remove(0);
        }
    }

    /// The messages shown now, oldest first.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|t| t.text.as_str())
    }

    pub fn ui(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        self.items.retain(|t| {
            t.level == Level::Error || t.shown_at.is_none_or(|at| now - at < INFO_SECONDS)
        });
        if self.items.is_empty() {
            return;
        }
        let mut dismissed = None;
        egui::Area::new(egui::Id::unique("lapse-toasts"))
            .anchor(Align2::RIGHT_BOTTOM, [-12.0, -36.0])
            .order(egui::Order::Foreground)
            .interactable(true)
            .show(ctx, |ui| {
                ui.set_max_width(460.0);
                for (i, toast) in self.items.iter_mut().enumerate() {
                    let at = *toast.shown_at.get_or_insert(now);
                    let stroke = match toast.level {
                        Level::Info => ui.visuals().widgets.noninteractive.bg_stroke,
                        Level::Error => egui::Stroke::new(1.5, ui.visuals().error_fg_color),
                    };
                    egui::Frame::popup(ui.style())
                        .stroke(stroke)
                        .show(ui, |ui| {
                            ui.horizontal(|ui| {
                                let mut text = RichText::new(&toast.text);
                                if toast.level == Level::Error {
                                    text = text.color(ui.visuals().error_fg_color);
                                }
                                ui.add(egui::Label::new(text).wrap());
                                if ui
                                    .small_button("×")
                                    .on_hover_text("Dismiss this message")
                                    .clicked()
                                {
                                    dismissed = Some(i);
                                }
                            });
                        });
                    if toast.level == Level::Info {
                        let left = INFO_SECONDS - (now - at);
                        ctx.request_repaint_after_secs(left.max(0.05) as f32);
                    }
                }
            });
        if let Some(i) = dismissed {
            self.items.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_goes_once_the_same_action_succeeds() {
        let mut toasts = Toasts::default();
        toasts.failed(Action::Save, "Could not save: permission denied");
        toasts.failed(Action::Export, "Could not export the plots: disk full");
        toasts.error("A file dialog is already open.");
        toasts.succeeded(Action::Save, "Saved /tmp/a.ron");
        assert_eq!(
            toasts.texts().collect::<Vec<_>>(),
            [
                "Could not export the plots: disk full",
                "A file dialog is already open.",
                "Saved /tmp/a.ron"
            ]
        );
        // Another action's success leaves the export's failure.
        toasts.succeeded(Action::Open, "Opened /tmp/b.ron");
        assert!(toasts.texts().any(|t| t.starts_with("Could not export")));
        toasts.succeeded(Action::Export, "Exported the plots to /tmp/p.png");
        assert!(!toasts.texts().any(|t| t.starts_with("Could not")));
    }
}
