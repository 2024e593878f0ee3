//! Export: a policy as the settings of a web framework, plus a client script
//! for its warning, keepalive and redirect.
//!
//! Each target's settings follow SPEC section 7's mapping in reverse (and the
//! research notes for the other frameworks). Whatever a target cannot express
//! is written into the output as a comment, never dropped: each such line
//! starts with `NOT EXPRESSIBLE` so it can be found.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::compliance::{SCRIPT_SETTINGS, script_differences};
use crate::model::{Dur, OnExpiry, OnResponse, Policy, Refresh, ResetsOn};

/// A framework `lapse export` writes settings for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Flask,
    Django,
    Express,
    Spring,
    AspNet,
}

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Flask,
        Target::Django,
        Target::Express,
        Target::Spring,
        Target::AspNet,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Target::Flask => "flask",
            Target::Django => "django",
            Target::Express => "express",
            Target::Spring => "spring",
            Target::AspNet => "aspnet",
        }
    }

    /// The line-comment marker of the settings' language.
    fn comment(self) -> &'static str {
        match self {
            Target::Flask | Target::Django | Target::Spring => "#",
            Target::Express | Target::AspNet => "//",
        }
    }

    /// The header the framework reads a CSRF token from (for the pings).
    fn csrf_header(self) -> &'static str {
        match self {
            Target::Flask | Target::Django => "X-CSRFToken",
            // csrf-sync's default header.
            Target::Express => "x-csrf-token",
            Target::Spring => "X-CSRF-TOKEN",
            Target::AspNet => "RequestVerificationToken",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Target::ALL
            .into_iter()
            .find(|t| t.id() == wanted)
            .ok_or_else(|| {
                format!(
                    "unknown target {s:?}: expected one of flask, django, express, spring, aspnet"
                )
            })
    }
}

/// What `lapse export` prints: the server settings and the client script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub target: Target,
    /// In the target's own language (Python, JavaScript, properties, C#).
    pub server: String,
    /// Plain JavaScript for the pages (see [`client_script`]).
    pub client: String,
}

impl Export {
    /// Both parts, the script after the settings, each under a heading comment.
    pub fn to_text(&self) -> String {
        format!(
            "{}\n// ----- lapse-session.js: include it on every page served to a signed-in user -----\n{}",
            self.server, self.client
        )
    }
}

/// The policy's settings for `target` and its client script.
pub fn export(policy: &Policy, target: Target) -> Export {
    let server = match target {
        Target::Flask => flask_text(policy),
        Target::Django => django_text(policy),
        Target::Express => express_text(policy),
        Target::Spring => spring_text(policy),
        Target::AspNet => aspnet_text(policy),
    };
    Export {
        target,
        server,
        client: client_script(policy, &Endpoints::for_target(target)),
    }
}

// ----- Flask ---------------------------------------------------------------------------

/// Flask's settings for a policy, as data (the Flask parity tests load them
/// into a real app). Durations are [`Dur`]s; Flask wants `timedelta`s for
/// lifetimes and whole seconds for `WTF_CSRF_TIME_LIMIT`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FlaskSettings {
    /// `PERMANENT_SESSION_LIFETIME`; `None` when the policy has no idle
    /// timeout (Flask cannot switch it off: leave Flask's default).
    pub permanent_session_lifetime: Option<Dur>,
    /// `session.permanent`, set at login and when the remember cookie
    /// restores a user (or `SESSION_PERMANENT` with Flask-Session).
    pub session_permanent: bool,
    pub session_refresh_each_request: bool,
    /// The policy needs Flask-Session (a server-side store): a browser
    /// session refreshed on every request.
    pub needs_flask_session: bool,
    /// `WTF_CSRF_TIME_LIMIT`: `None` when the policy has no CSRF check,
    /// `Some(None)` for no time limit.
    pub wtf_csrf_time_limit: Option<Option<Dur>>,
    /// `REMEMBER_COOKIE_DURATION`; `None`: remember-me is off.
    pub remember_cookie_duration: Option<Dur>,
    /// Sessions also end this long after login (enforced by app code).
    pub absolute_timeout: Option<Dur>,
    /// What Flask cannot express exactly, one sentence each.
    pub not_expressible: Vec<String>,
}

/// Reverses SPEC section 7: the Flask settings that behave as the policy.
pub fn flask_settings(policy: &Policy) -> FlaskSettings {
    let mut not_expressible = Vec::new();
    let mut absolute_timeout = policy.absolute_timeout;
    // The refresh rule Flask can give: EachRequest or OnModify.
    let refresh_each_request = match policy.refresh {
        Refresh::EachRequest => true,
        Refresh::OnModify => false,
        Refresh::HalfWindow => {
            not_expressible.push("refresh: HalfWindow (refresh only past half the window): Flask refreshes on every request or only on a change; SESSION_REFRESH_EACH_REQUEST = True is the closest, and lets a session live up to half a window longer".into());
            true
        }
        Refresh::Never => {
            not_expressible.push("refresh: Never: Flask refreshes a session whenever it changes; the sessions are refreshed only on a change here, and the app code below ends them idle_timeout after login".into());
            if let Some(i) = policy.idle_timeout {
                absolute_timeout = Some(absolute_timeout.map_or(i, |a| a.min(i)));
            }
            false
        }
    };
    if policy.idle_timeout.is_none() {
        not_expressible.push("idle_timeout: None: Flask always expires sessions after PERMANENT_SESSION_LIFETIME (default 31 days); set it longer than any session you expect".into());
    }
    // Plain Flask cookies: a non-permanent session is re-sent only when it
    // changes, so "browser session, refreshed on every request" needs Flask-Session.
    let needs_flask_session = policy.browser_session && refresh_each_request;
    FlaskSettings {
        permanent_session_lifetime: policy.idle_timeout,
        session_permanent: !policy.browser_session,
        session_refresh_each_request: refresh_each_request,
        needs_flask_session,
        wtf_csrf_time_limit: policy.csrf.map(|c| c.time_limit),
        remember_cookie_duration: policy.remember_me,
        absolute_timeout,
        not_expressible,
    }
}

fn flask_text(policy: &Policy) -> String {
    let s = flask_settings(policy);
    let mut out = Lines::new(Target::Flask);
    out.line(&format!(
        "# Flask settings for policy {:?} (lapse export --target flask).",
        policy.name
    ));
    out.line("from datetime import timedelta");
    out.blank();
    for note in &s.not_expressible {
        out.not_expressible(note);
    }
    if let Some(l) = s.permanent_session_lifetime {
        out.line(&format!(
            "PERMANENT_SESSION_LIFETIME = {}  # idle_timeout {l}",
            py_timedelta(l)
        ));
    }
    out.line(&format!(
        "SESSION_REFRESH_EACH_REQUEST = {}  # refresh: {}",
        py_bool(s.session_refresh_each_request),
        policy.refresh.name()
    ));
    if s.needs_flask_session {
        out.line("# A browser session refreshed on every request needs Flask-Session (server-side sessions):");
        out.line("SESSION_TYPE = \"cachelib\"  # or \"redis\"; any Flask-Session store");
        out.line("SESSION_PERMANENT = False  # browser_session: true");
    }
    match s.wtf_csrf_time_limit {
        None => out.line("# csrf: None: the policy models no CSRF check (keep Flask-WTF's on if you use it)"),
        Some(None) => out.line("WTF_CSRF_TIME_LIMIT = None  # csrf.time_limit: None (the token lives as long as the session)"),
        Some(Some(t)) => out.line(&format!(
            "WTF_CSRF_TIME_LIMIT = {}  # csrf.time_limit {t}, in seconds{}",
            whole_seconds(t),
            rounding_note(t)
        )),
    }
    match s.remember_cookie_duration {
        Some(d) => {
            out.line(&format!(
                "REMEMBER_COOKIE_DURATION = {}  # remember_me {d}",
                py_timedelta(d)
            ));
            out.line("REMEMBER_COOKIE_REFRESH_EACH_REQUEST = False  # remember-me counts from the password login");
        }
        None => out.line("# remember_me: None: call login_user(user, remember=False)"),
    }
    out.blank();
    if !s.needs_flask_session {
        out.line(&format!(
            "# At login, and when Flask-Login restores a user from the remember cookie\n# (e.g. in a before_request hook), so both kinds of session follow the same rules:\n#     session.permanent = {}  # browser_session: {}",
            py_bool(s.session_permanent),
            policy.browser_session
        ));
    }
    if let Some(a) = s.absolute_timeout {
        out.blank();
        out.not_expressible(&format!(
            "absolute timeout {a}: Flask has no setting for it; end sessions in app code:"
        ));
        out.line(&format!(
            "#     @app.before_request\n#     def absolute_timeout():\n#         started = session.get(\"_login_at\")  # set session[\"_login_at\"] = time.time() at login\n#         if started is not None and time.time() - started >= {}:\n#             session.clear()",
            seconds_literal(a)
        ));
    }
    if pings(policy) {
        out.blank();
        out.line(
            "# The client script pings two endpoints; add them (a ping never logs anyone in):",
        );
        out.line("#     @app.post(\"/session/keepalive\")\n#     def session_keepalive():\n#         if \"_user_id\" not in session:\n#             return \"\", 401\n#         return \"\", 204  # refreshes the session when SESSION_REFRESH_EACH_REQUEST = True");
        out.line("#     @app.post(\"/session/extend\")\n#     def session_extend():\n#         if \"_user_id\" not in session:\n#             return \"\", 401\n#         session.modified = True  # \"Stay signed in\" is a change: it refreshes under any setting\n#         return \"\", 204");
    }
    if !s.session_refresh_each_request {
        out.blank();
        out.line("# So the client timer follows the server, tell it when a request refreshed the session:\n#     @app.after_request\n#     def session_refreshed(response):\n#         if \"_user_id\" in session:\n#             refreshed = app.session_interface.should_set_cookie(app, session)\n#             response.headers[\"X-Session-Refreshed\"] = \"1\" if refreshed else \"0\"\n#         return response");
    }
    out.finish()
}

// ----- Django --------------------------------------------------------------------------

fn django_text(policy: &Policy) -> String {
    let mut out = Lines::new(Target::Django);
    out.line(&format!(
        "# Django settings.py for policy {:?} (lapse export --target django).",
        policy.name
    ));
    out.blank();
    match policy.idle_timeout {
        Some(i) => out.line(&format!(
            "SESSION_COOKIE_AGE = {}  # idle_timeout {i}, in seconds{}",
            whole_seconds(i),
            rounding_note(i)
        )),
        None => out.not_expressible("idle_timeout: None: Django always expires sessions after SESSION_COOKIE_AGE (default 2 weeks); set it longer than any session you expect"),
    }
    let save_every = match policy.refresh {
        Refresh::EachRequest => true,
        Refresh::OnModify => false,
        Refresh::HalfWindow => {
            out.not_expressible("refresh: HalfWindow: Django saves every request or only changes; True is the closest (sessions can live up to half a window longer)");
            true
        }
        Refresh::Never => {
            out.not_expressible("refresh: Never: Django refreshes a session whenever it changes; False is the closest, and sessions that change live longer");
            false
        }
    };
    out.line(&format!(
        "SESSION_SAVE_EVERY_REQUEST = {}  # refresh: {}",
        py_bool(save_every),
        policy.refresh.name()
    ));
    out.line(&format!(
        "SESSION_EXPIRE_AT_BROWSER_CLOSE = {}  # browser_session: {}",
        py_bool(policy.browser_session),
        policy.browser_session
    ));
    common_limits(&mut out, policy, "Django", "a middleware");
    match policy.csrf.map(|c| c.time_limit) {
        None => out.line("# csrf: None: the policy models no CSRF check. Django's CsrfViewMiddleware (on by default,\n# keep it) behaves as csrf: Some(Csrf(time_limit: None)): simulate that to see what it does"),
        Some(limit) => {
            out.line("CSRF_USE_SESSIONS = True  # csrf: the token belongs to the session, as in the policy");
            if let Some(t) = limit {
                out.not_expressible(&format!(
                    "csrf.time_limit {t}: Django's CSRF tokens have no time limit"
                ));
            }
        }
    }
    if let Some(r) = policy.remember_me {
        out.not_expressible(&format!(
            "remember_me {r}: Django has no silent re-login cookie; a long SESSION_COOKIE_AGE for users who ticked \"remember me\" (request.session.set_expiry) is the usual stand-in"
        ));
    }
    ping_note(&mut out, policy);
    out.finish()
}

// ----- Express -------------------------------------------------------------------------

fn express_text(policy: &Policy) -> String {
    let mut out = Lines::new(Target::Express);
    out.line(&format!(
        "// express-session options for policy {:?} (lapse export --target express).",
        policy.name
    ));
    // SPEC section 7: with no idle timeout (a browser session, no cookie
    // maxAge) there is no deadline for a refresh to move, so the refresh rule
    // changes nothing.
    let rolling = match policy.refresh {
        Refresh::EachRequest => true,
        Refresh::OnModify => false,
        Refresh::HalfWindow => {
            out.not_expressible("refresh: HalfWindow: express-session refreshes on every response (rolling) or only on a change; rolling: true is the closest");
            true
        }
        Refresh::Never if policy.idle_timeout.is_none() => false,
        Refresh::Never => {
            out.not_expressible("refresh: Never: express-session re-sends the cookie whenever the session changes; rolling: false is the closest");
            false
        }
    };
    match (policy.browser_session, policy.idle_timeout) {
        // A cookie without maxAge: the MemoryStore keeps the entry, the session ends with the browser.
        (true, None) | (false, Some(_)) => {}
        (true, Some(_)) => out.not_expressible("browser_session: true: a cookie without maxAge ends with the browser, but then nothing expires idle sessions on the server (no idle_timeout): give your store a ttl of idle_timeout and let it touch sessions"),
        (false, None) => out.not_expressible("idle_timeout: None: without maxAge the cookie is a browser-session cookie; the store's ttl still applies"),
    }
    out.line("app.use(session({");
    out.line("  secret: process.env.SESSION_SECRET,");
    out.line("  resave: false,");
    out.line("  saveUninitialized: false,");
    out.line(&format!(
        "  rolling: {rolling}, // refresh: {}",
        policy.refresh.name()
    ));
    match (policy.idle_timeout, policy.browser_session) {
        (Some(i), false) => out.line(&format!(
            "  cookie: {{ maxAge: {} }}, // idle_timeout {i}, in ms",
            i.0
        )),
        _ => out.line("  cookie: {}, // a browser-session cookie"),
    }
    out.line("}));");
    common_limits(&mut out, policy, "express-session", "a middleware");
    match policy.csrf.map(|c| c.time_limit) {
        None => out.line("// csrf: None: the policy models no CSRF check"),
        Some(None) => out.line("// csrf: a synchronizer token kept in the session (csrf-sync), so a login's new session invalidates older pages:\n//     const { csrfSynchronisedProtection } = require(\"csrf-sync\").csrfSync();\n//     app.use(csrfSynchronisedProtection);"),
        Some(Some(t)) => out.not_expressible(&format!(
            "csrf (time_limit {t}): Express has no built-in CSRF protection, and a synchronizer token kept in the session (csrf-sync) has no time limit; check its age yourself"
        )),
    }
    if let Some(r) = policy.remember_me {
        out.not_expressible(&format!(
            "remember_me {r}: express-session has no silent re-login; a remember-me strategy (e.g. passport-remember-me) with a {r} token does it"
        ));
    }
    ping_note(&mut out, policy);
    out.finish()
}

// ----- Spring --------------------------------------------------------------------------

fn spring_text(policy: &Policy) -> String {
    let mut out = Lines::new(Target::Spring);
    out.line(&format!(
        "# Spring Boot application.properties for policy {:?} (lapse export --target spring).",
        policy.name
    ));
    match policy.idle_timeout {
        Some(i) => {
            out.line(&format!(
                "server.servlet.session.timeout={}\n# idle_timeout {i} (with Spring Session: spring.session.timeout={})",
                spring_duration(i),
                spring_duration(i)
            ));
            if !i.0.is_multiple_of(60_000) {
                out.not_expressible(&format!(
                    "idle_timeout {i}: Tomcat counts the servlet session timeout in whole minutes (at least 1)"
                ));
            }
        }
        None => out.not_expressible("idle_timeout: None: a servlet session always has a timeout; set it longer than any session you expect"),
    }
    match policy.refresh {
        Refresh::EachRequest => {
            out.line("# refresh: EachRequest: every request refreshes a servlet session")
        }
        other => out.not_expressible(&format!(
            "refresh: {}: every request refreshes a servlet session (as refresh: EachRequest)",
            other.name()
        )),
    }
    if !policy.browser_session {
        out.not_expressible("browser_session: false: the session cookie ends with the browser; a cookie max-age would not be refreshed by requests, so the session cannot outlive the browser with a sliding timeout");
    }
    common_limits(&mut out, policy, "Spring", "a filter");
    match policy.csrf.map(|c| c.time_limit) {
        None => {
            out.line("# csrf: None: the policy models no CSRF check (keep Spring Security's on)")
        }
        Some(limit) => {
            out.line("# csrf: Spring Security's default HttpSessionCsrfTokenRepository keeps the token in the session, as in the policy");
            if let Some(t) = limit {
                out.not_expressible(&format!(
                    "csrf.time_limit {t}: Spring's CSRF tokens have no time limit"
                ));
            }
        }
    }
    if let Some(r) = policy.remember_me {
        out.line(&format!(
            "# remember_me {r}: no property; in your SecurityFilterChain:\n#     http.rememberMe(r -> r.tokenValiditySeconds({}));",
            whole_seconds(r)
        ));
    }
    ping_note(&mut out, policy);
    out.finish()
}

// ----- ASP.NET Core --------------------------------------------------------------------

fn aspnet_text(policy: &Policy) -> String {
    let mut out = Lines::new(Target::AspNet);
    out.line(&format!(
        "// ASP.NET Core cookie authentication for policy {:?} (lapse export --target aspnet).",
        policy.name
    ));
    let sliding = match policy.refresh {
        Refresh::HalfWindow => true,
        Refresh::Never => false,
        Refresh::EachRequest => {
            out.not_expressible("refresh: EachRequest: cookie authentication renews only past half the window; SlidingExpiration = true is the closest (sessions can end up to half a window sooner)");
            true
        }
        Refresh::OnModify => {
            out.not_expressible("refresh: OnModify: cookie authentication renews by time, not on a change; SlidingExpiration = true is the closest");
            true
        }
    };
    out.line(
        "builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)",
    );
    out.line("    .AddCookie(options =>");
    out.line("    {");
    match policy.idle_timeout {
        Some(i) => out.line(&format!(
            "        options.ExpireTimeSpan = {}; // idle_timeout {i}",
            cs_timespan(i)
        )),
        None => out.not_expressible("idle_timeout: None: cookie authentication always has an ExpireTimeSpan (default 14 days); set it longer than any session you expect"),
    }
    out.line(&format!(
        "        options.SlidingExpiration = {sliding}; // refresh: {}",
        policy.refresh.name()
    ));
    out.line("    });");
    out.line(&format!(
        "// browser_session: {}: sign in with new AuthenticationProperties {{ IsPersistent = {} }}",
        policy.browser_session, !policy.browser_session
    ));
    common_limits(
        &mut out,
        policy,
        "ASP.NET Core",
        "an OnValidatePrincipal event",
    );
    match policy.csrf.map(|c| c.time_limit) {
        None => out.line("// csrf: None: the policy models no CSRF check (keep antiforgery on)"),
        Some(limit) => {
            out.not_expressible("csrf: antiforgery tokens are bound to the user, not to the session: a new session after re-login keeps old forms' tokens valid");
            if let Some(t) = limit {
                out.not_expressible(&format!(
                    "csrf.time_limit {t}: antiforgery tokens have no time limit"
                ));
            }
        }
    }
    if let Some(r) = policy.remember_me {
        out.not_expressible(&format!(
            "remember_me {r}: cookie authentication has no separate silent re-login; a persistent cookie (IsPersistent = true) that lasts ExpireTimeSpan is the usual stand-in"
        ));
    }
    ping_note(&mut out, policy);
    out.finish()
}

/// The absolute timeout, which none of the non-Flask targets has a setting for.
fn common_limits(out: &mut Lines, policy: &Policy, framework: &str, hook: &str) {
    let absolute = match (policy.refresh, policy.idle_timeout) {
        (Refresh::Never, Some(i)) => Some(policy.absolute_timeout.map_or(i, |a| a.min(i))),
        _ => policy.absolute_timeout,
    };
    if let Some(a) = absolute {
        out.not_expressible(&format!(
            "absolute timeout {a}: {framework} has no setting for it; record the login time in the session and end sessions older than {a} in {hook}"
        ));
    }
}

/// Whether the client script sends pings: keepalives, or a warning that extends.
fn pings(policy: &Policy) -> bool {
    policy.keepalive.is_some()
        || policy
            .warning
            .is_some_and(|w| w.on_response == OnResponse::Extend)
}

/// The endpoints the client script pings.
fn ping_note(out: &mut Lines, policy: &Policy) {
    if !pings(policy) {
        return;
    }
    let c = out.target.comment();
    out.line(&format!(
        "{c} The client script POSTs to /session/keepalive and /session/extend: answer 204 when the\n{c} user is signed in (keepalive: touch the session; extend: change it), 401 otherwise,\n{c} and never sign anyone in there (no remember-me restore on a ping)."
    ));
    if policy.refresh != Refresh::EachRequest {
        out.line(&format!(
            "{c} So the client timer follows the server, send `X-Session-Refreshed: 1` (or 0) on responses."
        ));
    }
}

// ----- the client script ---------------------------------------------------------------

/// Where the client script sends its pings and users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    pub keepalive: String,
    pub extend: String,
    pub logout: String,
    pub login: String,
    pub csrf_header: String,
}

impl Endpoints {
    pub fn for_target(target: Target) -> Endpoints {
        Endpoints {
            keepalive: "/session/keepalive".into(),
            extend: "/session/extend".into(),
            logout: "/logout".into(),
            login: "/login".into(),
            csrf_header: target.csrf_header().into(),
        }
    }
}

/// The body of the client script; [`client_script`] puts the policy in front.
const SESSION_JS: &str = include_str!("session.js");

/// A plain-JavaScript inactivity warning, keepalive and redirect for the
/// policy: its timer follows the server's refreshes, tabs share it, and it
/// reads the wall clock so a laptop waking from sleep sees the truth.
pub fn client_script(policy: &Policy, endpoints: &Endpoints) -> String {
    let ms = |d: Option<Dur>| d.map_or("null".to_string(), |d| d.0.to_string());
    let warning = policy.warning;
    let mut config = String::new();
    config.push_str(&format!(
        "// lapse-session.js for policy {} (generated by `lapse export`).\n",
        js_string(&policy.name)
    ));
    config.push_str(&format!(
        "// It implements the SPEC settings {SCRIPT_SETTINGS}, whatever the policy says.\n"
    ));
    for d in script_differences(policy) {
        config.push_str(&format!("// NOTE: this policy differs: {d}.\n"));
    }
    config.push_str("(function (global) {\n  \"use strict\";\n  const CONFIG = {\n");
    let fields: Vec<(&str, String, String)> = vec![
        ("policy", js_string(&policy.name), String::new()),
        (
            "idleMs",
            ms(policy.idle_timeout),
            format!("idle_timeout {}", opt(policy.idle_timeout)),
        ),
        (
            "refresh",
            js_string(policy.refresh.name()),
            "when the server refreshes the session".into(),
        ),
        (
            "warningLeadMs",
            ms(warning.map(|w| w.lead)),
            match warning {
                Some(w) => format!("warning.lead {}", w.lead),
                None => "no warning".into(),
            },
        ),
        (
            "extendOnAnswer",
            warning
                .is_some_and(|w| w.on_response == OnResponse::Extend)
                .to_string(),
            match warning.map(|w| w.on_response) {
                Some(OnResponse::Dismiss) => {
                    "on_response: Dismiss (a plain notice: answering does not reach the server)"
                        .into()
                }
                Some(OnResponse::Extend) => "on_response: Extend (\"Stay signed in\" pings)".into(),
                None => String::new(),
            },
        ),
        (
            "resetsOnActivity",
            warning
                .is_some_and(|w| w.resets_on == ResetsOn::RequestsAndActivity)
                .to_string(),
            if warning.is_some_and(|w| w.resets_on == ResetsOn::RequestsAndActivity) {
                "resets_on: RequestsAndActivity: keys and mouse restart the timer but never reach the server, so the session can end before the warning (SPEC example B)".into()
            } else {
                "resets_on: Requests".into()
            },
        ),
        (
            "keepaliveMs",
            ms(policy.keepalive.map(|k| k.interval)),
            match policy.keepalive {
                Some(k) => format!(
                    "keepalive.interval {} (pings only if the user was present since the last tick)",
                    k.interval
                ),
                None => "no keepalive".into(),
            },
        ),
        (
            "redirectOnExpiry",
            (policy.on_expiry == OnExpiry::Redirect).to_string(),
            format!("on_expiry: {:?}", policy.on_expiry),
        ),
        (
            "preserveDrafts",
            policy.preserve_drafts.to_string(),
            "forms marked data-lapse-draft keep their text across a sign-in".into(),
        ),
        (
            "keepaliveUrl",
            js_string(&endpoints.keepalive),
            String::new(),
        ),
        ("extendUrl", js_string(&endpoints.extend), String::new()),
        ("logoutUrl", js_string(&endpoints.logout), String::new()),
        ("loginUrl", js_string(&endpoints.login), String::new()),
        (
            "csrfHeader",
            js_string(&endpoints.csrf_header),
            String::new(),
        ),
    ];
    for (name, value, comment) in fields {
        if comment.is_empty() {
            config.push_str(&format!("    {name}: {value},\n"));
        } else {
            config.push_str(&format!("    {name}: {value}, // {comment}\n"));
        }
    }
    config.push_str("  };\n");
    if let Some(a) = policy.absolute_timeout {
        config.push_str(&format!(
            "  // NOT EXPRESSIBLE: absolute_timeout {a}: the page does not know when the user signed in, so it does not warn of it.\n"
        ));
    }
    if policy.idle_timeout.is_none() {
        config.push_str("  // No idle_timeout: there is no idle deadline to warn of; the script only keeps alive.\n");
    }
    config.push_str(SESSION_JS);
    config
}

fn opt(d: Option<Dur>) -> String {
    d.map_or("None".to_string(), |d| d.to_string())
}

/// A JavaScript string literal (JSON's escaping is valid JavaScript).
fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

// ----- formatting helpers ------------------------------------------------------------

/// Collects output lines; `not_expressible` writes a marked comment.
struct Lines {
    target: Target,
    text: String,
}

impl Lines {
    fn new(target: Target) -> Lines {
        Lines {
            target,
            text: String::new(),
        }
    }
    fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }
    fn blank(&mut self) {
        self.text.push('\n');
    }
    fn not_expressible(&mut self, s: &str) {
        let c = self.target.comment();
        self.line(&format!("{c} NOT EXPRESSIBLE in {}: {s}", self.target));
    }
    fn finish(self) -> String {
        self.text
    }
}

/// The largest unit that divides `d` exactly: (count, index into UNITS).
const UNITS: [(u64, [&str; 4]); 5] = [
    // (ms, [python timedelta, C# TimeSpan, Spring suffix, name])
    (86_400_000, ["days", "FromDays", "d", "day"]),
    (3_600_000, ["hours", "FromHours", "h", "hour"]),
    (60_000, ["minutes", "FromMinutes", "m", "minute"]),
    (1_000, ["seconds", "FromSeconds", "s", "second"]),
    (1, ["milliseconds", "FromMilliseconds", "ms", "millisecond"]),
];

fn exact_unit(d: Dur) -> (u64, [&'static str; 4]) {
    for (size, names) in UNITS {
        if d.0.is_multiple_of(size) && d.0 > 0 {
            return (d.0 / size, names);
        }
    }
    (0, UNITS[4].1)
}

/// `timedelta(minutes=30)`.
pub fn py_timedelta(d: Dur) -> String {
    let (n, names) = exact_unit(d);
    format!("timedelta({}={n})", names[0])
}

/// `TimeSpan.FromMinutes(30)`.
fn cs_timespan(d: Dur) -> String {
    let (n, names) = exact_unit(d);
    format!("TimeSpan.{}({n})", names[1])
}

/// Spring Boot's simple duration format: `30m`, `8h`, `500ms`.
fn spring_duration(d: Dur) -> String {
    let (n, names) = exact_unit(d);
    format!("{n}{}", names[2])
}

/// Whole seconds, rounded down but at least 1 (frameworks count in seconds).
fn whole_seconds(d: Dur) -> u64 {
    (d.0 / 1000).max(1)
}

fn rounding_note(d: Dur) -> &'static str {
    if d.0.is_multiple_of(1000) {
        ""
    } else {
        " (rounded to whole seconds)"
    }
}

/// Seconds as a Python number: `28800` or `1.5`.
fn seconds_literal(d: Dur) -> String {
    if d.0.is_multiple_of(1000) {
        (d.0 / 1000).to_string()
    } else {
        format!("{}", d.0 as f64 / 1000.0)
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_largest_exact_unit() {
        assert_eq!(py_timedelta(Dur::mins(30)), "timedelta(minutes=30)");
        assert_eq!(py_timedelta(Dur::mins(90)), "timedelta(minutes=90)");
        assert_eq!(py_timedelta(Dur::days(365)), "timedelta(days=365)");
        assert_eq!(py_timedelta(Dur(1500)), "timedelta(milliseconds=1500)");
        assert_eq!(cs_timespan(Dur::hours(8)), "TimeSpan.FromHours(8)");
        assert_eq!(spring_duration(Dur::secs(90)), "90s");
        assert_eq!(whole_seconds(Dur(1500)), 1);
        assert_eq!(seconds_literal(Dur(1500)), "1.5");
    }
}
