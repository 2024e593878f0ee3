//! The reference engine (see reference_engine.rs): one user's replay
//! against one policy, SPEC section 3, rule by rule, written for clarity.
//!
//! The user's trace events drive the loop. Between two of them the page's own
//! timed happenings (a warning shown or missed, the client redirect, a
//! keepalive tick) are processed in time order, and at one instant in the
//! SPEC's order: missed, redirect, shown, keepalive, then the user's event.
//! The server session's expiry is passive: it is noticed ("settled") at the
//! first instant at or after its deadline, and dated at the deadline.

use lapse::engine::{EndReason, Metrics, Outcome, SimConfig, Sink};
use lapse::model::{Event, EventKind, OnExpiry, OnResponse, Policy, Refresh, ResetsOn};

/// A policy flattened for the hot loop. Zero durations (refused by validation)
/// switch their feature off rather than divide by zero.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    idle: Option<u64>,
    absolute: Option<u64>,
    refresh: Refresh,
    browser_session: bool,
    remember: Option<u64>,
    csrf: bool,
    csrf_limit: Option<u64>,
    /// Warning lead, when a warning is configured (and the client timer runs).
    lead: Option<u64>,
    resets_on_activity: bool,
    extend: bool,
    keepalive: Option<u64>,
    redirect: bool,
    preserve_drafts: bool,
    away: u64,
    horizon: u64,
}

impl Params {
    pub fn new(policy: &Policy, cfg: &SimConfig) -> Params {
        let positive = |d: Option<lapse::model::Dur>| d.map(|d| d.0).filter(|&ms| ms > 0);
        let idle = positive(policy.idle_timeout);
        // The client timer counts from the idle timeout; without one it cannot run.
        let warning = policy
            .warning
            .filter(|w| idle.is_some_and(|i| w.lead.0 > 0 && w.lead.0 < i));
        Params {
            idle,
            absolute: positive(policy.absolute_timeout),
            refresh: policy.refresh,
            browser_session: policy.browser_session,
            remember: positive(policy.remember_me),
            csrf: policy.csrf.is_some(),
            csrf_limit: policy.csrf.and_then(|c| positive(c.time_limit)),
            lead: warning.map(|w| w.lead.0),
            resets_on_activity: warning
                .is_some_and(|w| w.resets_on == ResetsOn::RequestsAndActivity),
            extend: warning.is_some_and(|w| w.on_response == OnResponse::Extend),
            keepalive: policy.keepalive.map(|k| k.interval.0).filter(|&ms| ms > 0),
            redirect: policy.on_expiry == OnExpiry::Redirect && idle.is_some(),
            preserve_drafts: policy.preserve_drafts,
            away: cfg.away_after,
            horizon: cfg.horizon,
        }
    }

    fn has_timer(&self) -> bool {
        self.lead.is_some() || self.redirect
    }
}

/// Kinds of server request, for the refresh rule and the no-session rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Req {
    View,
    Request,
    Submit,
    Keepalive,
    Extend,
}

/// How a server request met the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    /// A live session (possibly refreshed).
    Live,
    /// No live session; remember-me restored one silently.
    Silent,
    /// No live session; the user had to log in again (a bounce for anything but a view).
    Login,
    /// A ping that found no live session: nothing happened.
    Dead,
}

#[derive(Clone, Copy, Debug)]
struct Session {
    identity: u32,
    login_at: u64,
    refreshed_at: u64,
    csrf_written: bool,
}

/// How the previous session ended, kept until the next login decides on a logout.
#[derive(Clone, Copy, Debug)]
struct Ended {
    at: u64,
    /// The user's last present event before `at`.
    last_present: Option<u64>,
    /// An expiry not yet met by the user (nor forgiven by a browser close).
    logout_pending: bool,
}

/// Unsaved edits on a page (or in a preserved draft).
#[derive(Clone, Copy, Debug, Default)]
struct Edits {
    count: u32,
    first: u64,
    last: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Warn {
    /// No warning configured.
    Off,
    /// This cycle's warning is still to come.
    Pending,
    Shown,
    /// Answered (heeded) or missed: nothing more this cycle.
    Done,
}

#[derive(Clone, Copy, Debug)]
struct Page {
    view_at: u64,
    /// The session identity the page's CSRF token was issued under.
    identity: u32,
    edits: Edits,
    /// Start of the client timer's current cycle.
    last_reset: u64,
    warn: Warn,
    /// The next keepalive tick that will ping (the user was present since the last).
    keepalive_due: Option<u64>,
}

/// One user's state under one policy.
pub struct UserSim<'a, S: Sink> {
    p: &'a Params,
    pub metrics: Metrics,
    sink: &'a mut S,
    session: Option<Session>,
    ended: Option<Ended>,
    next_identity: u32,
    /// The last explicit login, while its remember-me cookie stands.
    remembered_login: Option<u64>,
    last_present: Option<u64>,
    page: Option<Page>,
    /// Edits the session tore down under `preserve_drafts`, waiting for the next page.
    draft: Option<Edits>,
}

/// Replays one user's events and returns their metrics. The sink sees every
/// outcome, dated (session ends are reported when noticed, dated when they happened).
pub fn simulate_user<S: Sink>(params: &Params, events: &[Event], sink: &mut S) -> Metrics {
    let mut sim = UserSim {
        p: params,
        metrics: Metrics::default(),
        sink,
        session: None,
        ended: None,
        next_identity: 0,
        remembered_login: None,
        last_present: None,
        page: None,
        draft: None,
    };
    for e in events {
        let t = e.time();
        if t >= params.horizon {
            break;
        }
        sim.user_event(t, e.kind());
    }
    sim.finish();
    sim.metrics
}

impl<S: Sink> UserSim<'_, S> {
    // ----- time -------------------------------------------------------------

    /// Processes every page happening at or before `limit`, then the session expiry.
    fn advance_to(&mut self, limit: u64) {
        while let Some(m) = self.next_happening().filter(|&m| m <= limit) {
            self.happenings_at(m);
        }
        self.settle(limit);
    }

    /// The earliest warning, deadline or keepalive tick the open page has coming.
    fn next_happening(&self) -> Option<u64> {
        let page = self.page.as_ref()?;
        let mut next = page.keepalive_due.unwrap_or(u64::MAX);
        if let Some(idle) = self.p.idle.filter(|_| self.p.has_timer()) {
            let deadline = page.last_reset + idle;
            match (page.warn, self.p.lead) {
                (Warn::Pending, Some(lead)) => next = next.min(deadline - lead),
                (Warn::Shown, _) => next = next.min(deadline),
                _ => {}
            }
            if self.p.redirect {
                next = next.min(deadline);
            }
        }
        (next != u64::MAX).then_some(next)
    }

    /// Everything the page does at instant `m`, in the SPEC's order.
    fn happenings_at(&mut self, m: u64) {
        self.settle(m);
        let Some(page) = self.page else { return };
        let client_deadline = self.p.idle.map(|i| page.last_reset + i);
        // 1. A shown warning reaching its deadline unanswered is missed.
        if page.warn == Warn::Shown && client_deadline == Some(m) {
            self.metrics.warnings_missed += 1;
            self.sink.note(m, Outcome::WarningMissed);
            self.set_warn(Warn::Done);
        }
        // 2. The client redirect.
        if self.p.redirect && client_deadline == Some(m) {
            self.redirect(m);
            return;
        }
        // 3. A new warning is shown.
        if let (Warn::Pending, Some(lead), Some(deadline)) =
            (page.warn, self.p.lead, client_deadline)
            && deadline - lead == m
        {
            self.metrics.warnings_shown += 1;
            self.sink.note(m, Outcome::WarningShown);
            self.set_warn(Warn::Shown);
        }
        // 4. The keepalive tick (it was scheduled only if the user was present).
        if page.keepalive_due == Some(m) {
            if let Some(page) = self.page.as_mut() {
                page.keepalive_due = None;
            }
            self.metrics.keepalive_pings += 1;
            self.sink.note(m, Outcome::KeepalivePing);
            if self.server(m, Req::Keepalive) == Reach::Live {
                self.reset_timer(m);
            }
        }
    }

    /// Ends the session at its deadline if that is at or before `t`.
    fn settle(&mut self, t: u64) {
        if let Some(deadline) = self.session.map(|s| self.deadline(&s))
            && deadline <= t
        {
            self.end_session(deadline, EndReason::Expired);
        }
    }

    /// The earlier of the idle and absolute deadlines; `u64::MAX` for none.
    fn deadline(&self, s: &Session) -> u64 {
        let idle = self.p.idle.map_or(u64::MAX, |i| s.refreshed_at + i);
        let absolute = self.p.absolute.map_or(u64::MAX, |a| s.login_at + a);
        idle.min(absolute)
    }

    // ----- the user's events -------------------------------------------------

    fn user_event(&mut self, t: u64, kind: EventKind) {
        self.advance_to(t);
        if kind == EventKind::Close {
            self.close(t);
            return;
        }
        self.note_presence(t);
        self.answer_warning(t);
        if kind != EventKind::View && self.page.is_none() {
            self.view(t); // the implicit view that opens a page
        }
        match kind {
            EventKind::View => self.view(t),
            EventKind::Request => self.request(t),
            EventKind::Submit => self.submit(t),
            EventKind::Input => {
                if let Some(page) = self.page.as_mut() {
                    let e = &mut page.edits;
                    if e.count == 0 {
                        e.first = t;
                    }
                    e.count += 1;
                    e.last = t;
                }
                self.client_activity(t);
            }
            EventKind::Activity => self.client_activity(t),
            EventKind::Close => {}
        }
        self.schedule_keepalive(t);
    }

    /// Adds the away time since the previous present event to `unattended_ms`.
    fn note_presence(&mut self, t: u64) {
        if let (Some(s), Some(q)) = (self.session, self.last_present) {
            let away_from = (q + self.p.away).max(s.login_at);
            self.metrics.unattended_ms += t.saturating_sub(away_from);
        }
        self.last_present = Some(t);
    }

    /// The first present event while a warning is shown answers it.
    fn answer_warning(&mut self, t: u64) {
        if self.page.is_none_or(|p| p.warn != Warn::Shown) {
            return;
        }
        self.metrics.warnings_heeded += 1;
        self.sink.note(t, Outcome::WarningHeeded);
        self.set_warn(Warn::Done);
        if self.p.extend {
            self.metrics.extend_pings += 1;
            self.sink.note(t, Outcome::ExtendPing);
            if self.server(t, Req::Extend) == Reach::Live {
                self.reset_timer(t);
            }
        }
    }

    /// A page load: the request, then the old page goes and a new one opens.
    fn view(&mut self, t: u64) {
        self.server(t, Req::View);
        self.close_page(t);
        self.open_page(t);
    }

    fn request(&mut self, t: u64) {
        match self.server(t, Req::Request) {
            Reach::Live | Reach::Silent => self.reset_timer(t),
            Reach::Login => {
                // Bounced to the login page: the page reloads and its edits are gone.
                self.tear_down_edits(t);
                self.view(t);
            }
            Reach::Dead => {}
        }
    }

    fn submit(&mut self, t: u64) {
        self.metrics.submits += 1;
        match self.server(t, Req::Submit) {
            Reach::Live | Reach::Silent => {
                self.reset_timer(t);
                if self.csrf_token_valid(t) {
                    self.save(t);
                } else {
                    self.metrics.csrf_failures += 1;
                    self.sink.note(t, Outcome::CsrfFailure);
                    self.fail_submit(t);
                }
            }
            Reach::Login => self.fail_submit(t),
            Reach::Dead => {}
        }
    }

    /// A submit the server refused: the page reloads; the work is lost, or with
    /// `preserve_drafts` restored into the new page and submitted again at once.
    fn fail_submit(&mut self, t: u64) {
        self.tear_down_edits(t);
        self.view(t);
        if self.p.preserve_drafts {
            if self.server(t, Req::Submit) == Reach::Live {
                self.reset_timer(t);
            }
            self.save(t);
        } else {
            self.metrics.lost_submits += 1;
            self.sink.note(t, Outcome::SubmitLost);
        }
    }

    fn save(&mut self, t: u64) {
        self.metrics.saved_submits += 1;
        self.sink.note(t, Outcome::SubmitSaved);
        if let Some(page) = self.page.as_mut() {
            page.edits = Edits::default();
        }
    }

    /// Issued at this page's view, under the same session identity, and young enough.
    fn csrf_token_valid(&self, t: u64) -> bool {
        if !self.p.csrf {
            return true;
        }
        let (Some(page), Some(session)) = (self.page, self.session) else {
            return false;
        };
        page.identity == session.identity
            && self
                .p
                .csrf_limit
                .is_none_or(|limit| t - page.view_at < limit)
    }

    /// Input and activity restart the client timer only under `RequestsAndActivity`.
    fn client_activity(&mut self, t: u64) {
        if self.p.resets_on_activity {
            self.reset_timer(t);
        }
    }

    fn close(&mut self, t: u64) {
        if self.page.is_none() {
            return; // closing a closed page does nothing
        }
        self.close_page(t);
        if self.p.browser_session {
            if self.session.is_some() {
                self.end_session(t, EndReason::Closed);
            } else if let Some(ended) = self.ended.as_mut() {
                // The user closed the browser: the next login is expected, not a logout.
                ended.logout_pending = false;
            }
        }
    }

    // ----- the server ----------------------------------------------------------

    /// A request reaching the server at `t` (the session is already settled at `t`).
    fn server(&mut self, t: u64, req: Req) -> Reach {
        if let Some(session) = self.session.as_mut() {
            let refresh = match self.p.refresh {
                Refresh::EachRequest => true,
                Refresh::OnModify => matches!(req, Req::Submit | Req::Extend),
                Refresh::HalfWindow => self
                    .p
                    .idle
                    .is_some_and(|idle| 2 * (t - session.refreshed_at) > idle),
                Refresh::Never => false,
            };
            if refresh {
                session.refreshed_at = t;
            }
            return Reach::Live;
        }
        if matches!(req, Req::Keepalive | Req::Extend) {
            return Reach::Dead;
        }
        let remembered = match (self.p.remember, self.remembered_login) {
            (Some(duration), Some(login)) => t - login < duration,
            _ => false,
        };
        if remembered {
            self.metrics.silent_relogins += 1;
            self.sink.note(t, Outcome::SilentRelogin);
            self.ended = None; // the user never saw the expiry
            self.start_session(t);
            return Reach::Silent;
        }
        self.metrics.logins += 1;
        self.sink.note(t, Outcome::Login);
        if let Some(ended) = self.ended.take().filter(|e| e.logout_pending) {
            self.count_logout(t, ended.at, ended.last_present);
        }
        self.start_session(t);
        self.remembered_login = Some(t);
        Reach::Login
    }

    fn start_session(&mut self, t: u64) {
        self.session = Some(Session {
            identity: self.next_identity,
            login_at: t,
            refreshed_at: t,
            csrf_written: false,
        });
        self.next_identity += 1;
    }

    fn end_session(&mut self, at: u64, reason: EndReason) {
        let Some(s) = self.session.take() else { return };
        if let Some(q) = self.last_present {
            let away_from = (q + self.p.away).max(s.login_at);
            self.metrics.unattended_ms += at.saturating_sub(away_from);
        }
        self.metrics.max_session_ms = self.metrics.max_session_ms.max(at - s.login_at);
        self.sink.note(
            at,
            Outcome::SessionEnd {
                started: s.login_at,
                reason,
            },
        );
        self.ended = Some(Ended {
            at,
            last_present: self.last_present,
            logout_pending: reason == EndReason::Expired,
        });
    }

    /// A logout the user meets at `met`, for a session that ended at `end`.
    fn count_logout(&mut self, met: u64, end: u64, last_present: Option<u64>) {
        let while_present = last_present.is_some_and(|q| end.saturating_sub(q) < self.p.away);
        self.metrics.logouts += 1;
        if while_present {
            self.metrics.logouts_while_present += 1;
        }
        self.sink.note(
            met,
            Outcome::Logout {
                session_end: end,
                while_present,
            },
        );
    }

    // ----- the page ------------------------------------------------------------

    /// Opens a page whose view just reached a live session.
    fn open_page(&mut self, t: u64) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if self.p.csrf && !session.csrf_written {
            // Writing the CSRF secret is a modification of the session.
            session.csrf_written = true;
            if self.p.refresh == Refresh::OnModify {
                session.refreshed_at = t;
            }
        }
        let identity = session.identity;
        let edits = match self.draft.take() {
            Some(draft) => {
                self.metrics.drafts_restored += 1;
                self.sink.note(t, Outcome::DraftRestored);
                draft
            }
            None => Edits::default(),
        };
        self.page = Some(Page {
            view_at: t,
            identity,
            edits,
            last_reset: t,
            warn: if self.p.lead.is_some() {
                Warn::Pending
            } else {
                Warn::Off
            },
            keepalive_due: self.p.keepalive.map(|k| t + k),
        });
    }

    /// The page goes away; its edits are discarded (the caller counts any loss).
    fn close_page(&mut self, t: u64) {
        if let Some(page) = self.page.take()
            && page.warn == Warn::Shown
        {
            self.sink.note(t, Outcome::WarningCleared);
        }
    }

    /// The session, not the user, tears the page's edits down.
    fn tear_down_edits(&mut self, t: u64) {
        let Some(page) = self.page.as_mut() else {
            return;
        };
        let edits = std::mem::take(&mut page.edits);
        if edits.count == 0 {
            return;
        }
        if self.p.preserve_drafts {
            self.draft = Some(edits);
        } else {
            let span = edits.last - edits.first;
            self.metrics.lost_inputs += u64::from(edits.count);
            self.metrics.lost_edit_ms += span;
            self.sink.note(
                t,
                Outcome::LostEdits {
                    inputs: edits.count,
                    edit_ms: span,
                },
            );
        }
    }

    /// The client deadline was reached with `on_expiry: Redirect`.
    fn redirect(&mut self, m: u64) {
        self.sink.note(m, Outcome::Redirect);
        let (end, last_present) = if self.session.is_some() {
            let q = self.last_present;
            self.end_session(m, EndReason::Redirect);
            (m, q)
        } else {
            self.ended
                .map_or((m, self.last_present), |e| (e.at, e.last_present))
        };
        if let Some(ended) = self.ended.as_mut() {
            ended.logout_pending = false; // counted here, not at the next login
        }
        self.count_logout(m, end, last_present);
        self.remembered_login = None;
        self.tear_down_edits(m);
        self.close_page(m);
    }

    /// A request of this page reached a live session: a new timer cycle.
    fn reset_timer(&mut self, t: u64) {
        if !self.p.has_timer() {
            return;
        }
        let Some(page) = self.page.as_mut() else {
            return;
        };
        if page.warn == Warn::Shown {
            self.sink.note(t, Outcome::WarningCleared);
        }
        page.last_reset = t;
        page.warn = if self.p.lead.is_some() {
            Warn::Pending
        } else {
            Warn::Off
        };
    }

    fn set_warn(&mut self, warn: Warn) {
        if let Some(page) = self.page.as_mut() {
            page.warn = warn;
        }
    }

    /// After a present event, the first tick after it will ping.
    fn schedule_keepalive(&mut self, t: u64) {
        let Some(interval) = self.p.keepalive else {
            return;
        };
        if let Some(page) = self.page.as_mut()
            && page.keepalive_due.is_none()
        {
            let ticks_passed = (t - page.view_at) / interval;
            page.keepalive_due = Some(page.view_at + (ticks_passed + 1) * interval);
        }
    }

    /// The horizon: page happenings before it, then whatever session is left ends.
    fn finish(&mut self) {
        let horizon = self.p.horizon;
        if horizon == 0 {
            return;
        }
        self.advance_to(horizon - 1);
        if let Some(s) = self.session {
            let deadline = self.deadline(&s);
            if deadline <= horizon {
                self.end_session(deadline, EndReason::Expired);
            } else {
                self.end_session(horizon, EndReason::Horizon);
            }
        }
    }
}
