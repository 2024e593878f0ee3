//! Compliance checks: each policy against the session rules of PCI DSS, NIST
//! SP 800-63B rev 4, the OWASP session cheat sheet, WCAG 2.2 and HIPAA.
//!
//! Every check reads the policy alone (no trace): what the server enforces,
//! whatever the users do. Only server-side limits count for the security
//! rules: the client redirect runs only while a page is open (a closed laptop
//! never redirects), so it is not counted; a keepalive is, for the one
//! interval it can add after the user's last action (pings need a present
//! user, so it cannot keep an unattended session alive beyond that).
//! docs/analysis.md gives the reading of each rule.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::model::{ClientClock, Dur, OnExpiry, OnResponse, Policy, Refresh, ResetsOn};

/// A rule set Lapse checks policies against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Standard {
    PciDss,
    NistAal2,
    NistAal3,
    OwaspHigh,
    OwaspLow,
    Wcag221,
    Wcag225,
    Wcag226,
    Hipaa,
}

/// The duration limits of a standard that bounds session lifetimes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest inactivity before a password is needed again.
    pub idle: Dur,
    /// Longest time between password logins, however active the user.
    pub overall: Option<Dur>,
}

impl Standard {
    pub const ALL: [Standard; 9] = [
        Standard::PciDss,
        Standard::NistAal2,
        Standard::NistAal3,
        Standard::OwaspHigh,
        Standard::OwaspLow,
        Standard::Wcag221,
        Standard::Wcag225,
        Standard::Wcag226,
        Standard::Hipaa,
    ];

    /// The name on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Standard::PciDss => "pci-dss",
            Standard::NistAal2 => "nist-aal2",
            Standard::NistAal3 => "nist-aal3",
            Standard::OwaspHigh => "owasp-high",
            Standard::OwaspLow => "owasp-low",
            Standard::Wcag221 => "wcag-2.2.1",
            Standard::Wcag225 => "wcag-2.2.5",
            Standard::Wcag226 => "wcag-2.2.6",
            Standard::Hipaa => "hipaa",
        }
    }

    /// The rule's full name, for reports and badges.
    pub fn title(self) -> &'static str {
        match self {
            Standard::PciDss => "PCI DSS 4.0 req. 8.2.8 (re-authenticate after 15 min idle)",
            Standard::NistAal2 => "NIST SP 800-63B rev 4 AAL2 (overall <= 24 h, idle <= 1 h)",
            Standard::NistAal3 => "NIST SP 800-63B rev 4 AAL3 (overall <= 12 h, idle <= 15 min)",
            Standard::OwaspHigh => {
                "OWASP session cheat sheet, high-value (idle 2-5 min, absolute 4-8 h)"
            }
            Standard::OwaspLow => {
                "OWASP session cheat sheet, low-risk (idle 15-30 min, absolute 4-8 h)"
            }
            Standard::Wcag221 => "WCAG 2.2 SC 2.2.1 Timing Adjustable (A)",
            Standard::Wcag225 => "WCAG 2.2 SC 2.2.5 Re-authenticating (AAA)",
            Standard::Wcag226 => "WCAG 2.2 SC 2.2.6 Timeouts (AAA)",
            Standard::Hipaa => "HIPAA 164.312(a)(2)(iii) automatic logoff",
        }
    }

    /// The limits of a standard that bounds durations (what `recommend` can
    /// search for); `None` for the accessibility and HIPAA rules.
    pub fn limits(self) -> Option<Limits> {
        let limits = |idle, overall| Some(Limits { idle, overall });
        match self {
            Standard::PciDss => limits(Dur::mins(15), None),
            Standard::NistAal2 => limits(Dur::hours(1), Some(Dur::hours(24))),
            Standard::NistAal3 => limits(Dur::mins(15), Some(Dur::hours(12))),
            Standard::OwaspHigh => limits(Dur::mins(5), Some(Dur::hours(8))),
            Standard::OwaspLow => limits(Dur::mins(30), Some(Dur::hours(8))),
            _ => None,
        }
    }

    /// The low end of the cheat sheet's ranges (below it is stricter than
    /// needed, not a failure).
    fn range_floor(self) -> Option<(Dur, Dur)> {
        match self {
            Standard::OwaspHigh => Some((Dur::mins(2), Dur::hours(4))),
            Standard::OwaspLow => Some((Dur::mins(15), Dur::hours(4))),
            _ => None,
        }
    }
}

impl fmt::Display for Standard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Standard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Standard::ALL
            .into_iter()
            .find(|st| st.id() == wanted)
            .ok_or_else(|| {
                let ids: Vec<&str> = Standard::ALL.iter().map(|st| st.id()).collect();
                format!("unknown standard {s:?}: expected one of {}", ids.join(", "))
            })
    }
}

impl Serialize for Standard {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// One policy against one standard: pass or fail, and why, with the numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub standard: Standard,
    pub pass: bool,
    pub reason: String,
}

/// The longest a session can last in some respect, and how that follows
/// from the policy. `limit: None` is unbounded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    pub limit: Option<Dur>,
    pub why: String,
}

/// What the policy's client timer does to real users that no standard names:
/// each a sentence for `lapse check` to print beside the verdicts.
pub fn client_warnings(policy: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    if policy.on_expiry == OnExpiry::Redirect && !policy.tab_sync {
        out.push(
            "on_expiry: Redirect without tab_sync: each tab runs its own timer, so a tab left alone logs the user out while they work in another (SPEC example D); share the deadline between tabs (tab_sync: true), as the exported lapse-session.js does".into(),
        );
    }
    out
}

/// Every standard, in [`Standard::ALL`] order.
pub fn check_all(policy: &Policy) -> Vec<Verdict> {
    Standard::ALL
        .into_iter()
        .map(|st| check(policy, st))
        .collect()
}

/// The policy against one standard.
pub fn check(policy: &Policy, standard: Standard) -> Verdict {
    let (pass, reason) = match standard {
        Standard::PciDss | Standard::NistAal2 | Standard::NistAal3 => {
            limits_verdict(policy, standard)
        }
        Standard::OwaspHigh | Standard::OwaspLow => owasp(policy, standard),
        Standard::Wcag221 => timing_adjustable(policy),
        Standard::Wcag225 => reauthenticating(policy),
        Standard::Wcag226 => timeouts(policy),
        Standard::Hipaa => automatic_logoff(policy),
    };
    Verdict {
        standard,
        pass,
        reason,
    }
}

// ----- the exported client script ------------------------------------------------

/// The SPEC settings `lapse export`'s client script (lapse-session.js)
/// implements whatever the policy says: it reads the wall clock and shares one
/// timer, one warning and the user's presence between tabs.
pub const SCRIPT_SETTINGS: &str = "client_clock: Wall, tab_sync: true";

/// Where the exported client script does something else than `lapse run`
/// simulates for this policy (empty: the script is the policy). Only policies
/// whose pages run a timer or a keepalive are concerned.
pub fn script_differences(policy: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    if !policy.has_client_timer() && policy.keepalive.is_none() {
        return out;
    }
    if policy.has_client_timer() && policy.client_clock != ClientClock::Wall {
        out.push(format!(
            "client_clock: {}: the script compares the wall clock with its deadline (Wall), so after a sleep it does at once what came due",
            policy.client_clock.name()
        ));
    }
    if !policy.tab_sync {
        out.push("tab_sync: false: the script shares one timer, one warning and the user's presence between tabs (tab_sync: true)".into());
    }
    if policy.has_client_timer() && policy.refresh != Refresh::EachRequest {
        out.push(format!(
            "refresh: {}: the script moves its deadline only when the server refreshed the session, while the SPEC's client timer restarts at every request that reaches a live session",
            policy.refresh.name()
        ));
    }
    out
}

// ----- what the server enforces ------------------------------------------------

/// How long an idle user's session can live on the server: the idle timeout
/// (plus one keepalive interval when pings refresh it) or the absolute
/// timeout, whichever is shorter; ignoring remember-me.
fn session_idle(policy: &Policy) -> Option<(Dur, String)> {
    let idle = policy.idle_timeout.map(|i| match policy.keepalive {
        Some(k) if matches!(policy.refresh, Refresh::EachRequest | Refresh::HalfWindow) => (
            Dur(i.0 + k.interval.0),
            format!(
                "idle_timeout {i} + keepalive.interval {}, as a ping can refresh the session one interval after the user's last action",
                k.interval
            ),
        ),
        _ => (i, format!("idle_timeout {i}")),
    });
    let absolute = policy
        .absolute_timeout
        .map(|a| (a, format!("absolute_timeout {a}")));
    shorter(idle, absolute)
}

/// How long a session can live from its login however active the user is:
/// the absolute timeout, or an idle timeout that is never refreshed.
fn session_overall(policy: &Policy) -> Option<(Dur, String)> {
    let unrefreshed = policy
        .idle_timeout
        .filter(|_| policy.refresh == Refresh::Never)
        .map(|i| {
            (
                i,
                format!("idle_timeout {i} counted from login (refresh: Never)"),
            )
        });
    let absolute = policy
        .absolute_timeout
        .map(|a| (a, format!("absolute_timeout {a}")));
    shorter(unrefreshed, absolute)
}

fn shorter(a: Option<(Dur, String)>, b: Option<(Dur, String)>) -> Option<(Dur, String)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The longest inactivity after which the user's next request still needs
/// no password. Remember-me restores an expired session silently until it
/// runs out (counted from the last password login), so with it the bound is
/// the longer of the session's and remember-me's.
pub fn idle_bound(policy: &Policy) -> Bound {
    match session_idle(policy) {
        None => Bound {
            limit: None,
            why: "no idle_timeout or absolute_timeout: an idle session never ends".into(),
        },
        Some((b, why)) => match policy.remember_me {
            Some(r) if r > b => Bound {
                limit: Some(r),
                why: format!(
                    "{why}, but remember_me {r} silently restores an expired session until {r} after the password login"
                ),
            },
            _ => Bound {
                limit: Some(b),
                why,
            },
        },
    }
}

/// The longest time from a password login to the next one, however active
/// the user is. A silent re-login just before remember-me runs out starts a
/// session that can last its own full length, so remember-me adds to it.
pub fn overall_bound(policy: &Policy) -> Bound {
    match session_overall(policy) {
        None => Bound {
            limit: None,
            why: "no absolute_timeout: a session that keeps being used never ends".into(),
        },
        Some((b, why)) => match policy.remember_me {
            Some(r) => Bound {
                limit: Some(Dur(b.0 + r.0)),
                why: format!(
                    "{why} + remember_me {r}: a silent re-login just before remember-me runs out starts a new session"
                ),
            },
            None => Bound {
                limit: Some(b),
                why,
            },
        },
    }
}

/// `Ok` when the bound is within `limit`; the text says so with the numbers.
fn within(bound: &Bound, limit: Dur, what: &str) -> Result<String, String> {
    match bound.limit {
        Some(b) if b <= limit => Ok(format!("{what} {b} <= {limit} ({})", bound.why)),
        Some(b) => Err(format!("{what} {b} > {limit} ({})", bound.why)),
        None => Err(format!(
            "no {what} ({}); at most {limit} allowed",
            bound.why
        )),
    }
}

// ----- the security rules --------------------------------------------------------

/// PCI DSS 8.2.8 and NIST AAL2/AAL3: the idle (and overall) bounds within
/// the standard's limits.
fn limits_verdict(policy: &Policy, standard: Standard) -> (bool, String) {
    let Some(limits) = standard.limits() else {
        return (false, "not a duration rule".into());
    };
    let mut parts = vec![within(&idle_bound(policy), limits.idle, "idle limit")];
    if let Some(overall) = limits.overall {
        parts.push(within(&overall_bound(policy), overall, "overall limit"));
    }
    verdict_of(parts)
}

fn verdict_of(parts: Vec<Result<String, String>>) -> (bool, String) {
    let fails: Vec<String> = parts.iter().filter_map(|p| p.clone().err()).collect();
    if fails.is_empty() {
        let oks: Vec<String> = parts.into_iter().filter_map(Result::ok).collect();
        (true, oks.join("; "))
    } else {
        (false, fails.join("; "))
    }
}

/// The cheat sheet's ranges: the upper ends are limits; below the lower end
/// passes (stricter than needed) with a note.
fn owasp(policy: &Policy, standard: Standard) -> (bool, String) {
    let (Some(limits), Some((idle_floor, overall_floor))) =
        (standard.limits(), standard.range_floor())
    else {
        return (false, "not an OWASP range".into());
    };
    let idle = idle_bound(policy);
    let overall = overall_bound(policy);
    let overall_limit = limits.overall.unwrap_or(Dur::hours(8));
    let (pass, mut reason) = verdict_of(vec![
        within(&idle, limits.idle, "idle limit"),
        within(&overall, overall_limit, "absolute limit"),
    ]);
    if pass {
        for (bound, floor, what, top) in [
            (&idle, idle_floor, "idle", limits.idle),
            (&overall, overall_floor, "absolute", overall_limit),
        ] {
            if let Some(b) = bound.limit.filter(|&b| b < floor) {
                reason.push_str(&format!(
                    "; note: {what} {b} is below the usual {floor}-{top} range (stricter than needed)"
                ));
            }
        }
    }
    (pass, reason)
}

/// HIPAA: some server-side logoff, by an idle or an absolute timeout.
fn automatic_logoff(policy: &Policy) -> (bool, String) {
    let remember = policy
        .remember_me
        .map(|r| format!("; note: remember_me {r} signs the user back in without a password"))
        .unwrap_or_default();
    match (policy.idle_timeout, session_idle(policy)) {
        (Some(_), Some((b, why))) => (
            true,
            format!("automatic logoff after at most {b} of inactivity ({why}){remember}"),
        ),
        (None, Some((a, _))) => (
            true,
            format!(
                "the session ends {a} after login (absolute_timeout), however active or idle; no idle_timeout logs off sooner after inactivity{remember}"
            ),
        ),
        (_, None) => (
            false,
            "no idle_timeout or absolute_timeout: sessions are never logged off automatically"
                .into(),
        ),
    }
}

// ----- the accessibility rules -----------------------------------------------------

/// WCAG's exception: a limit over 20 hours needs no warning.
const TWENTY_HOURS: Dur = Dur::hours(20);
/// SC 2.2.1: at least 20 seconds to answer the warning.
const ANSWER_TIME: Dur = Dur::secs(20);

/// Whether the client warning always comes before the server's idle expiry.
/// The client timer restarts on every request of the page (and on activity
/// under `RequestsAndActivity`); it is right about the server only when the
/// server refreshes on exactly those requests: `EachRequest`, `Requests`.
fn warning_in_step(policy: &Policy) -> Result<(), String> {
    let Some(w) = policy.warning else {
        return Err("no warning".into());
    };
    if w.resets_on == ResetsOn::RequestsAndActivity {
        return Err("the warning's timer restarts on keys and mouse moves, which never reach the server (resets_on: RequestsAndActivity), so the session can end before the warning shows".into());
    }
    let server = match policy.refresh {
        Refresh::EachRequest => return Ok(()),
        Refresh::OnModify => "only when a request changes the session (refresh: OnModify)",
        Refresh::HalfWindow => "only past half its window (refresh: HalfWindow)",
        Refresh::Never => "never (refresh: Never)",
    };
    Err(format!(
        "the warning's timer restarts on every request but the server refreshes the session {server}, so the session can end before the warning shows"
    ))
}

/// SC 2.2.1: every time limit under 20 h can be extended after a warning
/// with at least 20 s to act by a simple action.
fn timing_adjustable(policy: &Policy) -> (bool, String) {
    let mut parts: Vec<Result<String, String>> = Vec::new();
    if let Some(i) = policy.idle_timeout {
        parts.push(if i >= TWENTY_HOURS {
            Ok(format!(
                "idle_timeout {i} is over 20h (the 20-hour exception)"
            ))
        } else {
            idle_extendable(policy, i)
        });
    }
    if let Some(a) = policy.absolute_timeout.filter(|&a| a < TWENTY_HOURS) {
        parts.push(Err(format!(
            "absolute_timeout {a} cannot be extended (allowed only over 20h, or where the limit is essential)"
        )));
    }
    if let Some(t) = policy.csrf.and_then(|c| c.time_limit) {
        if t >= TWENTY_HOURS {
            parts.push(Ok(format!("csrf.time_limit {t} is over 20h")));
        } else if policy.preserve_drafts {
            parts.push(Ok(format!(
                "a form older than csrf.time_limit {t} is resubmitted with its draft (preserve_drafts)"
            )));
        } else {
            parts.push(Err(format!(
                "csrf.time_limit {t} fails a form opened {t} earlier, without warning or a way to extend it"
            )));
        }
    }
    if parts.is_empty() {
        return (true, "no time limit".into());
    }
    verdict_of(parts)
}

fn idle_extendable(policy: &Policy, idle: Dur) -> Result<String, String> {
    let Some(w) = policy.warning else {
        return Err(format!(
            "idle_timeout {idle} ends the session without a warning"
        ));
    };
    if w.on_response == OnResponse::Dismiss {
        return Err(format!(
            "the warning before idle_timeout {idle} is a plain alert (on_response: Dismiss): answering it does not extend the session"
        ));
    }
    if w.lead < ANSWER_TIME {
        return Err(format!(
            "warning.lead {} leaves less than {ANSWER_TIME} to answer",
            w.lead
        ));
    }
    warning_in_step(policy)?;
    Ok(format!(
        "an Extend warning {} (>= {ANSWER_TIME}) before idle_timeout {idle} lets the user extend it",
        w.lead
    ))
}

/// SC 2.2.5: after an expiry the user signs in again and goes on without
/// losing data: preserved drafts, or sessions that never expire.
fn reauthenticating(policy: &Policy) -> (bool, String) {
    if policy.preserve_drafts {
        return (
            true,
            "preserve_drafts: work typed before an expiry comes back after signing in again".into(),
        );
    }
    let limits = [
        policy.idle_timeout.map(|i| format!("idle_timeout {i}")),
        policy
            .absolute_timeout
            .map(|a| format!("absolute_timeout {a}")),
    ];
    let limits: Vec<String> = limits.into_iter().flatten().collect();
    if limits.is_empty() {
        return (true, "sessions never expire".into());
    }
    (
        false,
        format!(
            "preserve_drafts is off: unsaved work is lost when the session ends ({}) and the user signs in again",
            limits.join(", ")
        ),
    )
}

/// SC 2.2.6: users are warned of an inactivity limit that loses data, unless
/// the data is kept for more than 20 hours.
fn timeouts(policy: &Policy) -> (bool, String) {
    if policy.preserve_drafts {
        return (
            true,
            "preserve_drafts: unsaved work is kept in the browser until the next page, however long (over 20h)".into(),
        );
    }
    let Some(idle) = policy.idle_timeout.filter(|&i| i < TWENTY_HOURS) else {
        return (true, "no inactivity limit under 20h".into());
    };
    match (policy.warning, warning_in_step(policy)) {
        (None, _) => (
            false,
            format!("idle_timeout {idle} loses unsaved work without a warning"),
        ),
        (Some(w), Ok(())) => (
            true,
            format!(
                "users are warned {} before idle_timeout {idle} ends the session",
                w.lead
            ),
        ),
        (Some(_), Err(why)) => (
            false,
            format!("the warning before idle_timeout {idle} can come too late: {why}"),
        ),
    }
}
