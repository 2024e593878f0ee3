//! Under the selected policy's name: one badge per standard (the verdicts of
//! `lapse check`, from `analysis::compliance::check_all`), and the buttons
//! that copy its settings for a web framework (`lapse export`).

use std::sync::Arc;

use egui::{Color32, RichText, Ui};

use crate::analysis::compliance::{Standard, Verdict, check_all};
use crate::analysis::export::Target;
use crate::app::command::Command;
use crate::model::Policy;

/// A standard's name on its badge.
pub fn short_name(standard: Standard) -> &'static str {
    match standard {
        Standard::PciDss => "PCI DSS",
        Standard::NistAal2 => "NIST AAL2",
        Standard::NistAal3 => "NIST AAL3",
        Standard::OwaspHigh => "OWASP high",
        Standard::OwaspLow => "OWASP low",
        Standard::Wcag221 => "WCAG 2.2.1",
        Standard::Wcag225 => "WCAG 2.2.5",
        Standard::Wcag226 => "WCAG 2.2.6",
        Standard::Hipaa => "HIPAA",
    }
}

/// The badge's text: the outcome is in words, not only in colour.
pub fn badge_text(v: &Verdict) -> String {
    format!(
        "{}: {}",
        short_name(v.standard),
        if v.pass { "pass" } else { "fail" }
    )
}

const PASS: Color32 = Color32::from_rgb(0x2e, 0x7d, 0x32);
const FAIL: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);

/// The verdicts for `policy`, computed again only when the policy changed
/// (kept in egui's memory, per policy slot).
fn verdicts(ui: &Ui, index: usize, policy: &Policy) -> Arc<Vec<Verdict>> {
    let id = egui::Id::unique(("lapse-compliance", index));
    type Cached = Arc<(Policy, Arc<Vec<Verdict>>)>;
    if let Some(cached) = ui.data(|d| d.get_temp::<Cached>(id))
        && cached.0 == *policy
    {
        return Arc::clone(&cached.1);
    }
    let fresh = Arc::new(check_all(policy));
    let entry: Cached = Arc::new((policy.clone(), Arc::clone(&fresh)));
    ui.data_mut(|d| d.insert_temp(id, entry));
    fresh
}

pub fn ui(ui: &mut Ui, index: usize, policy: &Policy, commands: &mut Vec<Command>) {
    let verdicts = verdicts(ui, index, policy);
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing = egui::vec2(4.0, 4.0);
        for v in verdicts.iter() {
            badge(ui, v);
        }
    });
    ui.horizontal(|ui| {
        let flask = Command::CopySettings {
            policy: index,
            target: Target::Flask,
        };
        if ui
            .button(flask.label())
            .on_hover_text(flask.tooltip())
            .clicked()
        {
            commands.push(flask);
        }
        ui.menu_button("Export settings", |ui| export_menu(ui, index, commands))
            .response
            .on_hover_text("Copy this policy's settings for another framework");
    });
}

/// A small coloured tag with the outcome in words; the reason on hover.
/// Drawn by hand so that it never wraps inside (a row of them wraps between
/// badges) and reads as one label to screen readers.
fn badge(ui: &mut Ui, v: &Verdict) {
    let text = badge_text(v);
    let galley = egui::WidgetText::from(RichText::new(&text).small()).into_galley(
        ui,
        Some(egui::TextWrapMode::Extend),
        f32::INFINITY,
        egui::TextStyle::Small,
    );
    let padding = egui::vec2(5.0, 1.0);
    let (rect, response) =
        ui.allocate_exact_size(galley.size() + 2.0 * padding, egui::Sense::hover());
    let fill = if v.pass { PASS } else { FAIL };
    ui.painter().rect_filled(rect, 4.0, fill);
    ui.painter()
        .galley(rect.min + padding, galley, Color32::WHITE);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
    response.on_hover_text(format!("{}\n{}", v.standard.title(), v.reason));
}

/// One entry per framework, each copying its settings to the clipboard.
pub fn export_menu(ui: &mut Ui, index: usize, commands: &mut Vec<Command>) {
    for target in Target::ALL {
        let command = Command::CopySettings {
            policy: index,
            target,
        };
        if crate::app::command::menu_button(ui, &command, true) {
            commands.push(command);
            ui.close();
        }
    }
}
