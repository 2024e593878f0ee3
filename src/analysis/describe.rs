//! Policies in words: a name that says what a policy does ("14-minute idle,
//! keepalive 1m, extend warning 2m ahead, drafts kept"), and the structural
//! choices `recommend` compares, each named for a person.

use crate::model::{ClientClock, Dur, OnExpiry, OnResponse, Policy, Refresh, ResetsOn};

/// A name that describes the policy, its parts in the order a reader asks
/// about them: how long, what keeps it alive, what warns, what is kept.
pub fn describe(p: &Policy) -> String {
    let mut parts = vec![match p.idle_timeout {
        Some(i) => format!("{} idle", length(i)),
        None => "no idle limit".into(),
    }];
    if let Some(a) = p.absolute_timeout {
        parts.push(format!("{} cap", length(a)));
    }
    if let Some(r) = p.remember_me {
        parts.push(format!("remember me {r}"));
    }
    match p.refresh {
        Refresh::EachRequest => {}
        Refresh::OnModify => parts.push("refreshed on changes".into()),
        Refresh::HalfWindow => parts.push("half-window refresh".into()),
        Refresh::Never => parts.push("never refreshed".into()),
    }
    if p.browser_session {
        parts.push("ends with the browser".into());
    }
    if let Some(k) = p.keepalive {
        parts.push(format!("keepalive {}", k.interval));
    }
    if let Some(w) = p.warning {
        let kind = match w.on_response {
            OnResponse::Extend => "extend warning",
            OnResponse::Dismiss => "alert",
        };
        let timed = match w.resets_on {
            ResetsOn::Requests => "",
            ResetsOn::RequestsAndActivity => " (timed from keys)",
        };
        parts.push(format!("{kind} {} ahead{timed}", w.lead));
    }
    if p.on_expiry == OnExpiry::Redirect {
        parts.push("redirect at expiry".into());
    }
    if p.preserve_drafts {
        parts.push("drafts kept".into());
    }
    if p.has_client_timer() && p.client_clock == ClientClock::Wall {
        parts.push("wall-clock timer".into());
    }
    if p.tab_sync && (p.has_client_timer() || p.keepalive.is_some()) {
        parts.push("tabs synced".into());
    }
    parts.join(", ")
}

/// `14-minute`, `1-hour`, `90-second`, else the compact form (`1h30m`).
fn length(d: Dur) -> String {
    let ms = d.0;
    let unit = |n: u64, word: &str| format!("{n}-{word}");
    if ms.is_multiple_of(3_600_000) && ms < 86_400_000 {
        unit(ms / 3_600_000, "hour")
    } else if ms.is_multiple_of(60_000) && ms < 3_600_000 {
        unit(ms / 60_000, "minute")
    } else if ms.is_multiple_of(1_000) && ms < 60_000 {
        unit(ms / 1_000, "second")
    } else {
        d.to_string()
    }
}

/// One structural choice of a policy, as `recommend` varies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Choice {
    Keepalive,
    WarningKind,
    WarningTimer,
    Drafts,
    Expiry,
    ClientClock,
    TabSync,
}

impl Choice {
    pub const ALL: [Choice; 7] = [
        Choice::Keepalive,
        Choice::WarningKind,
        Choice::WarningTimer,
        Choice::Drafts,
        Choice::Expiry,
        Choice::ClientClock,
        Choice::TabSync,
    ];

    /// The choice's value in a policy, comparable between policies.
    pub fn value(self, p: &Policy) -> String {
        match self {
            Choice::Keepalive => format!("{:?}", p.keepalive.map(|k| k.interval)),
            Choice::WarningKind => format!("{:?}", p.warning.map(|w| w.on_response)),
            Choice::WarningTimer => format!("{:?}", p.warning.map(|w| w.resets_on)),
            Choice::Drafts => p.preserve_drafts.to_string(),
            Choice::Expiry => format!("{:?}", p.on_expiry),
            Choice::ClientClock => format!("{:?}", p.client_clock),
            Choice::TabSync => p.tab_sync.to_string(),
        }
    }

    /// Whether `to` differs from `from` in this choice in a way that
    /// matters: a warning's timer only when both have a warning, the clock
    /// only where a client timer runs, tab sync only with a timer or pings.
    pub fn differs(self, from: &Policy, to: &Policy) -> bool {
        if self.value(from) == self.value(to) {
            return false;
        }
        match self {
            Choice::WarningTimer => from.warning.is_some() && to.warning.is_some(),
            Choice::ClientClock => from.has_client_timer() || to.has_client_timer(),
            Choice::TabSync => [from, to]
                .iter()
                .any(|p| p.has_client_timer() || p.keepalive.is_some()),
            _ => true,
        }
    }

    /// `to` with `from`'s value of this choice (a warning added back keeps
    /// `from`'s lead).
    pub fn revert(self, to: &Policy, from: &Policy) -> Policy {
        let mut p = to.clone();
        match self {
            Choice::Keepalive => p.keepalive = from.keepalive,
            Choice::WarningKind => match (from.warning, p.warning.as_mut()) {
                (Some(f), Some(w)) => w.on_response = f.on_response,
                (f, _) => p.warning = f,
            },
            Choice::WarningTimer => {
                if let (Some(f), Some(w)) = (from.warning, p.warning.as_mut()) {
                    w.resets_on = f.resets_on;
                }
            }
            Choice::Drafts => p.preserve_drafts = from.preserve_drafts,
            Choice::Expiry => p.on_expiry = from.on_expiry,
            Choice::ClientClock => p.client_clock = from.client_clock,
            Choice::TabSync => p.tab_sync = from.tab_sync,
        }
        p
    }

    /// What `p` does in this choice, in words.
    pub fn words(self, p: &Policy) -> String {
        match self {
            Choice::Keepalive => match p.keepalive {
                Some(k) => format!("keepalive pings every {} while the user is active", k.interval),
                None => "no keepalive pings".into(),
            },
            Choice::WarningKind => match p.warning.map(|w| w.on_response) {
                Some(OnResponse::Extend) => {
                    "a warning whose button extends the session (Extend)".into()
                }
                Some(OnResponse::Dismiss) => {
                    "a plain alert that extends nothing (Dismiss)".into()
                }
                None => "no warning".into(),
            },
            Choice::WarningTimer => match p.warning.map(|w| w.resets_on) {
                Some(ResetsOn::RequestsAndActivity) => {
                    "the warning timed from the last key press (resets_on: RequestsAndActivity)"
                        .into()
                }
                _ => "the warning timed from the last request, as the server counts (resets_on: Requests)"
                    .into(),
            },
            Choice::Drafts => match p.preserve_drafts {
                true => "unsaved work kept across a new login (preserve_drafts)".into(),
                false => "unsaved work lost at a new login".into(),
            },
            Choice::Expiry => match p.on_expiry {
                OnExpiry::Redirect => "the page logs the user out when its timer runs out (Redirect)".into(),
                OnExpiry::Lazy => "the expiry found at the next request (Lazy)".into(),
            },
            Choice::ClientClock => match p.client_clock {
                ClientClock::Wall => "a timer that catches up after sleep (client_clock: Wall)".into(),
                ClientClock::Monotonic => "a timer that pauses while the laptop sleeps (client_clock: Monotonic)".into(),
            },
            Choice::TabSync => match p.tab_sync {
                true => "one deadline shared by all tabs (tab_sync)".into(),
                false => "a timer per tab".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Keepalive, Warning};

    #[test]
    fn names_say_what_the_policy_does() {
        let mut p = Policy::named("x");
        p.idle_timeout = Some(Dur::mins(14));
        p.keepalive = Some(Keepalive {
            interval: Dur::mins(1),
        });
        p.warning = Some(Warning {
            lead: Dur::mins(2),
            resets_on: ResetsOn::Requests,
            on_response: OnResponse::Extend,
        });
        p.preserve_drafts = true;
        assert_eq!(
            describe(&p),
            "14-minute idle, keepalive 1m, extend warning 2m ahead, drafts kept"
        );
        p.idle_timeout = Some(Dur(90_000));
        p.keepalive = None;
        p.warning = Some(Warning {
            lead: Dur::secs(20),
            resets_on: ResetsOn::RequestsAndActivity,
            on_response: OnResponse::Dismiss,
        });
        p.preserve_drafts = false;
        assert_eq!(
            describe(&p),
            "1m30s idle, alert 20s ahead (timed from keys)"
        );
    }
}
