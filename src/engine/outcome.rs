//! What happened to a user, dated: the raw material of time series and timelines.

use serde::Serialize;

/// Why a session stopped being alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum EndReason {
    /// Its idle or absolute deadline passed.
    Expired,
    /// The browser closed under `browser_session`.
    Closed,
    /// The page's client timer logged the user out.
    Redirect,
    /// Still alive when the simulation stopped.
    Horizon,
}

impl EndReason {
    pub fn label(self) -> &'static str {
        match self {
            EndReason::Expired => "expired",
            EndReason::Closed => "browser closed",
            EndReason::Redirect => "client redirect",
            EndReason::Horizon => "horizon",
        }
    }
}

/// One dated happening in a user's replay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// An explicit login; a session starts.
    Login,
    /// Remember-me restored a session without a password; a session starts.
    SilentRelogin,
    /// Dated at the end; `started` is its login.
    SessionEnd {
        started: u64,
        reason: EndReason,
    },
    /// Dated when the user met it; `session_end` is when the session ended.
    Logout {
        session_end: u64,
        while_present: bool,
    },
    WarningShown,
    WarningHeeded,
    WarningMissed,
    /// A shown warning ended by a server response or the page closing.
    WarningCleared,
    KeepalivePing,
    ExtendPing,
    SubmitSaved,
    SubmitLost,
    CsrfFailure,
    LostEdits {
        inputs: u32,
        edit_ms: u64,
        typing_ms: u64,
    },
    DraftRestored,
    Redirect,
}

impl Outcome {
    pub fn label(&self) -> String {
        match self {
            Outcome::Login => "login".into(),
            Outcome::SilentRelogin => "silent re-login (remember me)".into(),
            Outcome::SessionEnd { reason, .. } => format!("session ends: {}", reason.label()),
            Outcome::Logout { while_present, .. } => {
                if *while_present {
                    "logout (while present)".into()
                } else {
                    "logout".into()
                }
            }
            Outcome::WarningShown => "warning shown".into(),
            Outcome::WarningHeeded => "warning heeded".into(),
            Outcome::WarningMissed => "warning missed".into(),
            Outcome::WarningCleared => "warning cleared".into(),
            Outcome::KeepalivePing => "keepalive ping".into(),
            Outcome::ExtendPing => "extend ping".into(),
            Outcome::SubmitSaved => "submit saved".into(),
            Outcome::SubmitLost => "submit lost".into(),
            Outcome::CsrfFailure => "CSRF failure".into(),
            Outcome::LostEdits { inputs, .. } => format!("{inputs} edits lost"),
            Outcome::DraftRestored => "draft restored".into(),
            Outcome::Redirect => "client redirect".into(),
        }
    }
}

/// Receives a replay's outcomes. The unit sink ignores them (totals only).
pub trait Sink {
    fn note(&mut self, t: u64, outcome: Outcome);

    /// The tab engine names the tab the outcomes it notes next belong to.
    /// Only a user's detailed replay ([`super::detail`]) listens: for the
    /// totals and series this is a no-op the compiler removes.
    #[inline(always)]
    fn in_tab(&mut self, _tab: usize) {}

    /// A page opened (`open`) or went away in `tab` at `t` (tab engine only).
    #[inline(always)]
    fn page(&mut self, _t: u64, _tab: usize, _open: bool) {}
}

impl Sink for () {
    #[inline(always)]
    fn note(&mut self, _: u64, _: Outcome) {}
}

/// Keeps every outcome: one user's timeline.
impl Sink for Vec<(u64, Outcome)> {
    fn note(&mut self, t: u64, outcome: Outcome) {
        self.push((t, outcome));
    }
}
