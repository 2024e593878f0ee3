//! Session-lifetime and warning policies (SPEC section 3).

use serde::{Deserialize, Serialize};

use super::duration::Dur;
use super::locate::{FieldPath, Seg};

/// When the server moves a live session's idle deadline forward.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Refresh {
    /// Every server request (Flask's SESSION_REFRESH_EACH_REQUEST = True).
    #[default]
    EachRequest,
    /// Only requests that modify the session: submits, extend pings, the CSRF write
    /// (Flask with SESSION_REFRESH_EACH_REQUEST = False, Django's default).
    OnModify,
    /// A request more than half the idle window after the last refresh (ASP.NET Core).
    HalfWindow,
    /// Nothing: the session lasts from its login.
    Never,
}

impl Refresh {
    pub const ALL: [Refresh; 4] = [
        Refresh::EachRequest,
        Refresh::OnModify,
        Refresh::HalfWindow,
        Refresh::Never,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Refresh::EachRequest => "EachRequest",
            Refresh::OnModify => "OnModify",
            Refresh::HalfWindow => "HalfWindow",
            Refresh::Never => "Never",
        }
    }
}

/// What the open page does when its client timer runs out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OnExpiry {
    /// Nothing: the expiry is found at the user's next request.
    #[default]
    Lazy,
    /// The page logs the user out and closes.
    Redirect,
}

/// Which events restart the client timer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResetsOn {
    /// Only this page's requests that reach a live session.
    #[default]
    Requests,
    /// Those, and also every `input` and `activity` (the classic idle-timer alert).
    RequestsAndActivity,
}

/// What answering the warning does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OnResponse {
    /// "Stay signed in": an extend ping reaches the server.
    #[default]
    Extend,
    /// A plain alert: nothing reaches the server.
    Dismiss,
}

/// How the page's client timer sees the device sleeping (SPEC section 3, "Sleep").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClientClock {
    /// A `setTimeout` timer: it pauses with the device, so after a sleep its
    /// warning and deadline come that much later (the seed article's alert).
    #[default]
    Monotonic,
    /// The timer compares the wall clock with its deadline: at wake, what came
    /// due while asleep happens at once (react-idle-timer 5, ng-idle, Lapse's
    /// exported script).
    Wall,
}

impl ClientClock {
    pub const ALL: [ClientClock; 2] = [ClientClock::Monotonic, ClientClock::Wall];
    pub fn name(self) -> &'static str {
        match self {
            ClientClock::Monotonic => "Monotonic",
            ClientClock::Wall => "Wall",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    /// Shown this long before the client deadline.
    #[serde(default = "default_lead")]
    pub lead: Dur,
    #[serde(default)]
    pub resets_on: ResetsOn,
    #[serde(default)]
    pub on_response: OnResponse,
}

fn default_lead() -> Dur {
    Dur::mins(5)
}

impl Default for Warning {
    fn default() -> Self {
        Warning {
            lead: default_lead(),
            resets_on: ResetsOn::Requests,
            on_response: OnResponse::Extend,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keepalive {
    #[serde(default = "default_interval")]
    pub interval: Dur,
}

fn default_interval() -> Dur {
    Dur::mins(5)
}

impl Default for Keepalive {
    fn default() -> Self {
        Keepalive {
            interval: default_interval(),
        }
    }
}

/// Flask-WTF style CSRF protection. `time_limit` defaults to Flask-WTF's 1 hour
/// (WTF_CSRF_TIME_LIMIT = 3600); `None` checks the session identity only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Csrf {
    #[serde(default = "default_csrf_limit")]
    pub time_limit: Option<Dur>,
}

fn default_csrf_limit() -> Option<Dur> {
    Some(Dur::hours(1))
}

impl Default for Csrf {
    fn default() -> Self {
        Csrf {
            time_limit: default_csrf_limit(),
        }
    }
}

/// One way of running sessions, to compare against others.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub name: String,
    /// `None`: no idle expiry.
    #[serde(default = "default_idle")]
    pub idle_timeout: Option<Dur>,
    /// From login, regardless of activity.
    #[serde(default)]
    pub absolute_timeout: Option<Dur>,
    #[serde(default)]
    pub refresh: Refresh,
    /// The session also ends when the browser closes.
    #[serde(default)]
    pub browser_session: bool,
    /// Silent re-login while less than this has passed since the last explicit login.
    #[serde(default)]
    pub remember_me: Option<Dur>,
    #[serde(default)]
    pub csrf: Option<Csrf>,
    #[serde(default)]
    pub warning: Option<Warning>,
    #[serde(default)]
    pub keepalive: Option<Keepalive>,
    #[serde(default)]
    pub on_expiry: OnExpiry,
    /// Unsaved work survives re-authentication.
    #[serde(default)]
    pub preserve_drafts: bool,
    /// How the client timer sees device sleep.
    #[serde(default)]
    pub client_clock: ClientClock,
    /// One client timer for all the user's tabs (shared through browser storage).
    #[serde(default)]
    pub tab_sync: bool,
}

fn default_idle() -> Option<Dur> {
    Some(Dur::mins(30))
}

impl Default for Policy {
    fn default() -> Self {
        Policy::named("policy")
    }
}

impl Policy {
    /// A policy with every field at its SPEC default.
    pub fn named(name: impl Into<String>) -> Self {
        Policy {
            name: name.into(),
            idle_timeout: default_idle(),
            absolute_timeout: None,
            refresh: Refresh::EachRequest,
            browser_session: false,
            remember_me: None,
            csrf: None,
            warning: None,
            keepalive: None,
            on_expiry: OnExpiry::Lazy,
            preserve_drafts: false,
            client_clock: ClientClock::Monotonic,
            tab_sync: false,
        }
    }

    /// Whether the open page runs a client timer (a warning or a redirect).
    pub fn has_client_timer(&self) -> bool {
        self.warning.is_some() || self.on_expiry == OnExpiry::Redirect
    }

    /// Every rule the SPEC puts on a policy's fields, with the field each breaks.
    pub fn problems(&self) -> Vec<(FieldPath, String)> {
        let mut out = Vec::new();
        let mut push = |path: &[Seg], msg: String| out.push((path.to_vec(), msg));
        if self.name.trim().is_empty() {
            push(&[Seg::Field("name")], "a policy needs a name".into());
        }
        let positive = [
            ("idle_timeout", self.idle_timeout),
            ("absolute_timeout", self.absolute_timeout),
            ("remember_me", self.remember_me),
        ];
        for (field, value) in positive {
            if value == Some(Dur(0)) {
                push(
                    &[Seg::Field(field)],
                    format!("{field} must be longer than 0 (use None for no limit)"),
                );
            }
        }
        if let Some(Csrf {
            time_limit: Some(Dur(0)),
        }) = self.csrf
        {
            push(
                &[Seg::Field("csrf"), Seg::Field("time_limit")],
                "csrf.time_limit must be longer than 0 (use None for no limit)".into(),
            );
        }
        if let Some(k) = self.keepalive
            && k.interval == Dur(0)
        {
            push(
                &[Seg::Field("keepalive"), Seg::Field("interval")],
                "keepalive.interval must be longer than 0".into(),
            );
        }
        let needs_idle =
            "needs an idle_timeout (the client timer and the half-window both count from it)";
        if self.idle_timeout.is_none() {
            if self.refresh == Refresh::HalfWindow {
                push(
                    &[Seg::Field("refresh")],
                    format!("refresh: HalfWindow {needs_idle}"),
                );
            }
            if self.warning.is_some() {
                push(&[Seg::Field("warning")], format!("a warning {needs_idle}"));
            }
            if self.on_expiry == OnExpiry::Redirect {
                push(
                    &[Seg::Field("on_expiry")],
                    format!("on_expiry: Redirect {needs_idle}"),
                );
            }
        }
        if let Some(w) = self.warning {
            let lead_path = [Seg::Field("warning"), Seg::Field("lead")];
            if w.lead == Dur(0) {
                push(&lead_path, "warning.lead must be longer than 0".into());
            }
            if let Some(idle) = self.idle_timeout
                && w.lead >= idle
            {
                push(
                    &lead_path,
                    format!(
                        "warning.lead ({}) must be less than idle_timeout ({idle})",
                        w.lead
                    ),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_spec() {
        let p: Policy = ron::from_str(r#"Policy(name: "x")"#).expect("parses");
        assert_eq!(p, Policy::named("x"));
        assert_eq!(p.idle_timeout, Some(Dur::mins(30)));
        assert!(p.problems().is_empty());
    }

    #[test]
    fn flags_each_invalid_combination() {
        let mut p = Policy::named("x");
        p.idle_timeout = None;
        p.refresh = Refresh::HalfWindow;
        p.warning = Some(Warning::default());
        p.on_expiry = OnExpiry::Redirect;
        let fields: Vec<_> = p.problems().into_iter().map(|(path, _)| path).collect();
        assert_eq!(
            fields,
            [
                vec![Seg::Field("refresh")],
                vec![Seg::Field("warning")],
                vec![Seg::Field("on_expiry")]
            ]
        );

        let mut p = Policy::named("x");
        p.warning = Some(Warning {
            lead: Dur::mins(30),
            ..Warning::default()
        });
        let problems = p.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].1,
            "warning.lead (30m) must be less than idle_timeout (30m)"
        );
    }
}
