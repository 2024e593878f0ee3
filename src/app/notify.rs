//! Short messages in the window's corner: saves, exports, failures.

use egui::{Align2, RichText};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

#[derive(Clone, Debug)]
struct Toast {
    level: Level,
    text: String,
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
        self.push(Level::Info, text.into());
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.push(Level::Error, text.into());
    }

    fn push(&mut self, level: Level, text: String) {
        self.items.retain(|t| t.text != text);
        self.items.push(Toast {
            level,
            text,
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
