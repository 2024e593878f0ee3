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
