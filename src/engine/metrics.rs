//! The 20 per-policy counts of SPEC section 5.

use serde::Serialize;

/// Declares the metrics once: the struct, its names in SPEC order, and access by name.
macro_rules! metrics {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// Per policy, summed over users (`max_session_ms` and
        /// `peak_live_sessions` are maxima).
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
        pub struct Metrics {
            $($(#[$doc])* pub $name: u64,)*
        }

        impl Metrics {
            /// Every metric name, in the SPEC's order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The metrics as (name, value) pairs, in the SPEC's order.
            pub fn pairs(&self) -> [(&'static str, u64); Metrics::NAMES.len()] {
                [$((stringify!($name), self.$name)),*]
            }

            pub fn get(&self, name: &str) -> Option<u64> {
                match name {
                    $(stringify!($name) => Some(self.$name),)*
                    _ => None,
                }
            }

            /// Adds every field of `other`, maxima included (see [`Metrics::absorb`]).
            fn add_fields(&mut self, other: &Metrics) {
                $(self.$name += other.$name;)*
            }
        }
    };
}

metrics! {
    /// Explicit logins (the user typed a password).
    logins,
    /// Users who met a session that ended under them (expiry or redirect).
    logouts,
    /// Logouts whose session ended less than `away_after` after the user's last present event.
    logouts_while_present,
    /// Logins restored silently from a remember-me cookie.
    silent_relogins,
    warnings_shown,
    warnings_heeded,
    warnings_missed,
    keepalive_pings,
    extend_pings,
    submits,
    saved_submits,
    lost_submits,
    csrf_failures,
    drafts_restored,
    /// Unsaved edits torn down by the session, not by the user.
    lost_inputs,
    /// For each loss, last edit minus first edit (nights and breaks included).
    lost_edit_ms,
    /// For each loss, the typing time: the gaps between its edits, each
    /// counted up to `away_after` (longer pauses are not typing).
    lost_typing_ms,
    /// Time sessions were alive while their user was away.
    unattended_ms,
    max_session_ms,
    peak_live_sessions,
}

/// A metric as people read it: its name, and in one line what it counts.
/// The one home of these words: the window, `lapse run --format table` and
/// the report all take them from here (the JSON and CSV keep the keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricText {
    pub label: &'static str,
    pub explains: &'static str,
}

impl Metrics {
    /// The human name and explanation of the metric `name` (a key of
    /// [`Metrics::NAMES`]); `None` for any other name.
    pub fn text(name: &str) -> Option<MetricText> {
        let (label, explains) = match name {
            "logins" => ("Logins", "times someone typed their password"),
            "logouts" => (
                "Logouts",
                "sessions that ended under their user (expiry or the page's redirect)",
            ),
            "logouts_while_present" => (
                "Logouts while present",
                "logouts that hit someone still at work (active less than away_after before)",
            ),
            "silent_relogins" => (
                "Silent re-logins",
                "expired sessions renewed by a remember-me cookie, no password asked",
            ),
            "warnings_shown" => (
                "Warnings shown",
                "\"you will be logged out\" warnings shown",
            ),
            "warnings_heeded" => (
                "Warnings heeded",
                "warnings the user answered (a key, a click) before the deadline",
            ),
            "warnings_missed" => (
                "Warnings missed",
                "warnings nobody answered before the deadline",
            ),
            "keepalive_pings" => (
                "Keepalive pings",
                "background requests that kept a present user's session alive",
            ),
            "extend_pings" => (
                "Extensions",
                "answers to a warning that extended the session (\"Stay signed in\")",
            ),
            "submits" => ("Submits", "forms sent"),
            "saved_submits" => ("Saved submits", "forms the server accepted"),
            "lost_submits" => (
                "Lost submits",
                "forms that bounced to the login page or failed their CSRF check",
            ),
            "csrf_failures" => (
                "CSRF failures",
                "submits refused because the form's CSRF token had expired",
            ),
            "drafts_restored" => (
                "Drafts restored",
                "unsaved forms given back after signing in again (preserve_drafts)",
            ),
            "lost_inputs" => (
                "Lost edits",
                "unsaved edits thrown away by the session, not by the user",
            ),
            "lost_edit_ms" => (
                "Lost work, time span",
                "per loss, first to last lost edit, nights and breaks included",
            ),
            "lost_typing_ms" => (
                "Lost typing time",
                "per loss, the time spent typing what was lost (pauses up to away_after)",
            ),
            "unattended_ms" => (
                "Unattended exposure",
                "time sessions stayed alive while their user was away (all users, summed)",
            ),
            "max_session_ms" => ("Longest session", "the longest any one session lasted"),
            "peak_live_sessions" => ("Peak live sessions", "most sessions alive at one moment"),
            _ => return None,
        };
        Some(MetricText { label, explains })
    }
}

impl MetricText {
    /// The name inside a sentence: "1,020 fewer logouts while present",
    /// "40 fewer lost edits"; an acronym keeps its capitals ("CSRF failures").
    pub fn in_sentence(&self) -> String {
        let mut chars = self.label.chars();
        match (chars.next(), chars.next()) {
            (Some(first), Some(second)) if !second.is_uppercase() => first
                .to_lowercase()
                .chain(self.label[first.len_utf8()..].chars())
                .collect(),
            _ => self.label.to_string(),
        }
    }
}

/// A sum over all users and the whole horizon, as an average per user per
/// day (24 hours of the horizon): `unattended_ms` read as "how long each
/// person's session stays open unattended, each day". `None` when there are
/// no users or no horizon; rounded to the nearest millisecond.
pub fn per_user_per_day(total_ms: u64, users: usize, horizon_ms: u64) -> Option<u64> {
    const DAY_MS: u128 = 86_400_000;
    if users == 0 || horizon_ms == 0 {
        return None;
    }
    // total / users / (horizon / day) = total * day / (users * horizon), in
    // integers (u128: no overflow for any u64 total), rounded half up.
    let den = users as u128 * horizon_ms as u128;
    let value = (total_ms as u128 * DAY_MS + den / 2) / den;
    Some(u64::try_from(value).unwrap_or(u64::MAX))
}

impl Metrics {
    /// Adds another group of users' counts; the two maxima stay maxima. (Peak
    /// live sessions of two groups is not their max either: the caller sets it
    /// from the merged sessions.)
    pub fn absorb(&mut self, other: &Metrics) {
        let peak = self.peak_live_sessions.max(other.peak_live_sessions);
        let longest = self.max_session_ms.max(other.max_session_ms);
        self.add_fields(other);
        self.peak_live_sessions = peak;
        self.max_session_ms = longest;
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn every_metric_has_a_human_name_and_one_line_that_explains_it() {
        let mut labels = std::collections::HashSet::new();
        for name in Metrics::NAMES {
            let text = Metrics::text(name).unwrap_or_else(|| panic!("{name} has no text"));
            assert!(labels.insert(text.label), "{name}: {} twice", text.label);
            assert!(!text.explains.is_empty() && !text.explains.contains('\n'));
        }
        assert_eq!(
            Metrics::text("logouts_while_present").map(|t| t.label),
            Some("Logouts while present")
        );
        let words = |name: &str| Metrics::text(name).map(|t| t.in_sentence());
        assert_eq!(words("lost_inputs").as_deref(), Some("lost edits"));
        assert_eq!(words("csrf_failures").as_deref(), Some("CSRF failures"));
        assert_eq!(Metrics::text("nothing"), None);
    }

    #[test]
    fn exposure_reads_per_user_per_day() {
        // 300 users, 5 days, 75 hours summed: 3 minutes each per day.
        assert_eq!(
            per_user_per_day(75 * 3_600_000, 300, 5 * 86_400_000),
            Some(180_000)
        );
        // Half a day's horizon: a day's rate is twice what was seen.
        assert_eq!(per_user_per_day(60_000, 1, 43_200_000), Some(120_000));
        assert_eq!(per_user_per_day(1, 0, 86_400_000), None);
        assert_eq!(per_user_per_day(1, 3, 0), None);
    }
}
