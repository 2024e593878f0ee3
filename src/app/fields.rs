//! Editing widgets shared by the panels: durations typed as text and checked
//! in place, optional settings, sliders. Every input is named for screen
//! readers (and the test harness) by the label beside it.

use std::collections::HashMap;

use egui::{Response, RichText, Ui};

use crate::model::Dur;

/// What the user typed into a duration field, kept while it does not parse
/// so it is never silently replaced by the last valid value.
#[derive(Clone, Debug)]
struct DurText {
    text: String,
    /// The model value the text was last in step with.
    synced: Dur,
}

/// The text of every duration field, by field key (`policies[0].idle_timeout`).
/// Cleared when the document changes under the fields (open, undo, reorder).
#[derive(Default)]
pub struct FieldTexts {
    durations: HashMap<String, DurText>,
    strings: HashMap<String, String>,
    invalid: usize,
}

impl FieldTexts {
    pub fn clear(&mut self) {
        self.durations.clear();
        self.strings.clear();
    }

    /// Call before the editors run; [`FieldTexts::invalid`] then counts the
    /// fields whose text does not parse this frame.
    pub fn begin_frame(&mut self) {
        self.invalid = 0;
    }

    pub fn invalid(&self) -> usize {
        self.invalid
    }
}

/// Where a field stands: problems found by the scenario's rules for it.
pub type Problems<'a> = &'a HashMap<String, Vec<String>>;

/// A labelled grid row: the label (with the tooltip) in the first column.
pub fn row_label(ui: &mut Ui, text: &str, help: &str) -> Response {
    ui.label(text).on_hover_text(help)
}

/// A row label indented under the setting it belongs to.
pub fn sub_label(ui: &mut Ui, text: &str, help: &str) -> Response {
    ui.horizontal(|ui| {
        ui.add_space(INDENT);
        row_label(ui, text, help)
    })
    .inner
}

const INDENT: f32 = 16.0;

/// A duration typed as text (`30m`, `1h30m`), parsed on every change. A text
/// that does not parse is kept and shown in red with the reason; the value
/// stays at the last valid one. Returns whether the value changed.
pub fn duration_text(
    ui: &mut Ui,
    texts: &mut FieldTexts,
    key: &str,
    label: &Response,
    help: &str,
    value: &mut Dur,
    problems: Problems<'_>,
) -> bool {
    let entry = texts
        .durations
        .entry(key.to_string())
        .or_insert_with(|| DurText {
            text: value.to_string(),
            synced: *value,
        });
    // The value moved under the field (a slider, undo): show the new one.
    if entry.synced != *value {
        *entry = DurText {
            text: value.to_string(),
            synced: *value,
        };
    }
    let bad = entry.text.parse::<Dur>().is_err();
    let mut edit = egui::TextEdit::singleline(&mut entry.text)
        .desired_width(90.0)
        .hint_text("e.g. 30m");
    if bad {
        edit = edit.text_color(ui.visuals().error_fg_color);
    }
    let response = ui.add(edit).labelled_by(label.id).on_hover_text(help);
    let mut changed = false;
    match entry.text.parse::<Dur>() {
        Ok(new) => {
            if response.changed() && new != *value {
                *value = new;
                entry.synced = new;
                changed = true;
            }
        }
        // The reason, in place; the value stays at the last valid one.
        Err(e) => {
            texts.invalid += 1;
            problem_label(ui, &format!("{e}; still using {value}"));
        }
    }
    // …and for values the scenario's rules refuse.
    show_problems(ui, problems, key);
    changed
}

/// A plain text field (names), kept in the model as typed.
pub fn name_text(
    ui: &mut Ui,
    label: &Response,
    help: &str,
    value: &mut String,
    key: &str,
    problems: Problems<'_>,
) -> bool {
    let response = ui
        .add(egui::TextEdit::singleline(value).desired_width(f32::INFINITY))
        .labelled_by(label.id)
        .on_hover_text(help);
    show_problems(ui, problems, key);
    response.changed()
}

/// A path typed as text, committed when the field loses focus or on Enter
/// (so a half-typed path does not reload anything). Returns the new text.
pub fn path_text(
    ui: &mut Ui,
    texts: &mut FieldTexts,
    key: &str,
    label: &Response,
    help: &str,
    current: &str,
) -> Option<String> {
    let text = texts
        .strings
        .entry(key.to_string())
        .or_insert_with(|| current.to_string());
    let response = ui
        .add(egui::TextEdit::singleline(text).desired_width(f32::INFINITY))
        .labelled_by(label.id)
        .on_hover_text(help);
    if !response.has_focus() && !response.lost_focus() && text != current {
        // Changed elsewhere (undo, a drop): follow the model.
        *text = current.to_string();
    }
    (response.lost_focus() && text != current).then(|| text.clone())
}

/// A logarithmic slider over a duration, snapped to round values.
pub fn duration_slider(
    ui: &mut Ui,
    label: &Response,
    value: &mut Dur,
    range: std::ops::RangeInclusive<Dur>,
) -> bool {
    let (lo, hi) = (range.start().0 as f64, range.end().0 as f64);
    let mut ms = (value.0 as f64).clamp(lo, hi);
    let response = ui
        .add(
            egui::Slider::new(&mut ms, lo..=hi)
                .logarithmic(true)
                .show_value(false),
        )
        .labelled_by(label.id)
        .on_hover_text(super::help::SLIDER);
    if response.changed() {
        let snapped = snap(ms);
        if snapped != *value {
            *value = snapped;
            return true;
        }
    }
    false
}

/// Round a dragged duration to what a person would type.
pub fn snap(ms: f64) -> Dur {
    const S: f64 = 1_000.0;
    const M: f64 = 60.0 * S;
    const H: f64 = 60.0 * M;
    let step = if ms < 2.0 * M {
        5.0 * S
    } else if ms < 20.0 * M {
        30.0 * S
    } else if ms < 2.0 * H {
        M
    } else if ms < 24.0 * H {
        15.0 * M
    } else {
        H
    };
    Dur(((ms / step).round() * step).max(step) as u64)
}

/// A checkbox that switches an optional setting on (with `default`) or off.
pub fn optional<T: Clone>(
    ui: &mut Ui,
    text: &str,
    help: &str,
    value: &mut Option<T>,
    default: T,
) -> (bool, Response) {
    optional_indented(ui, false, text, help, value, default)
}

/// [`optional`], indented under the setting it belongs to when `indent`.
pub fn optional_indented<T: Clone>(
    ui: &mut Ui,
    indent: bool,
    text: &str,
    help: &str,
    value: &mut Option<T>,
    default: T,
) -> (bool, Response) {
    let mut on = value.is_some();
    let response = ui
        .horizontal(|ui| {
            if indent {
                ui.add_space(INDENT);
            }
            ui.checkbox(&mut on, text).on_hover_text(help)
        })
        .inner;
    let changed = response.changed();
    if changed {
        *value = on.then_some(default);
    }
    (changed, response)
}

/// A drop-down over an enum's values, named by the row's label.
pub fn choice<T: Copy + PartialEq>(
    ui: &mut Ui,
    id: &str,
    label: &Response,
    help: &str,
    value: &mut T,
    options: &[(T, &str, &str)],
) -> bool {
    let current = options
        .iter()
        .find(|(v, _, _)| v == value)
        .map_or("", |(_, name, _)| name);
    let mut changed = false;
    egui::ComboBox::from_id_salt(id)
        .selected_text(current)
        .width(150.0)
        .show_ui(ui, |ui| {
            for (option, name, tip) in options {
                if ui
                    .selectable_value(value, *option, *name)
                    .on_hover_text(*tip)
                    .changed()
                {
                    changed = true;
                }
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(help);
    changed
}

/// Problems the scenario's rules found in the field `key`.
pub fn show_problems(ui: &mut Ui, problems: Problems<'_>, key: &str) {
    if let Some(list) = problems.get(key) {
        for message in list {
            problem_label(ui, message);
        }
    }
}

pub fn problem_label(ui: &mut Ui, message: &str) {
    ui.add(
        egui::Label::new(
            RichText::new(message)
                .small()
                .color(ui.visuals().error_fg_color),
        )
        .wrap(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliders_land_on_round_values() {
        assert_eq!(snap(61_234.0), Dur::secs(60));
        assert_eq!(snap(14.0 * 60_000.0 + 20_000.0), Dur(870_000));
        assert_eq!(snap(37.4 * 60_000.0), Dur::mins(37));
        assert_eq!(snap(5.1 * 3_600_000.0), Dur::hours(5));
        assert_eq!(snap(30.2 * 3_600_000.0), Dur::hours(30));
        assert_eq!(snap(10.0), Dur::secs(5), "never zero");
    }
}
