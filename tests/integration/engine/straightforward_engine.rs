//! The reference engine (see reference_engine.rs): one user's replay
//! against one policy, SPEC revision 2, rule by rule, written for clarity.
//!
//! The user's trace events drive the loop. Between two of them the pages' own
//! timed happenings (a warning shown or missed, the client redirect, a
//! keepalive tick) are processed in time order, and at one instant in the
//! SPEC's order: missed, redirect, shown, keepalive (each step over the tabs in
//! ascending number), then the user's event. The server session's expiry is
//! passive: it is noticed ("settled") at the first instant at or after its
//! deadline, and dated at the deadline.
//!
//! While the device sleeps no page happening is processed; at the wake the
//! keepalive ticks move later by the sleep's length, and the client timers
//! either move too (`Monotonic`) or catch up at the wake (`Wall`).
//!
//! Readings the SPEC left open are the ones in docs/semantics.md.

use std::collections::BTreeMap;

use lapse::engine::{EndReason, Metrics, Outcome, SimConfig, Sink};
use lapse::model::{
    ClientClock, Event, EventKind, OnExpiry, OnResponse, Policy, Refresh, ResetsOn,
};

/// A policy flattened for the loop. Zero durations (refused by validation)
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
    /// `client_clock: Wall`: timers catch up at a wake instead of pausing.
    wall_clock: bool,
    tab_sync: bool,
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
            wall_clock: policy.client_clock == ClientClock::Wall,
            tab_sync: policy.tab_sync,
            away: cfg.away_after,
            horizon: cfg.horizon,
        }
    }

    /// The client timer's idle window, when a page runs the timer at all
    /// (a warning or a redirect is configured).
    fn timer_idle(&self) -> Option<u64> {
        self.idle.filter(|_| self.lead.is_some() || self.redirect)
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
    /// An expiry not yet counted as a logout (nor forgiven by a browser close).
    logout_pending: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Warn {
    /// No warning configured.
    Off,
    /// This cycle's warning is still to come.
    Pending,
    Shown,
    /// Answered (heeded), missed or skipped: nothing more this cycle.
    Done,
}

/// A client timer's current cycle.
#[derive(Clone, Copy, Debug)]
struct Timer {
    /// `last_reset`: the cycle's start.
    cycle_start: u64,
    idle: u64,
    lead: Option<u64>,
    warn: Warn,
}

impl Timer {
    fn client_deadline(&self) -> u64 {
        self.cycle_start + self.idle
    }

    fn warning_at(&self) -> Option<u64> {
        self.lead.map(|lead| self.client_deadline() - lead)
    }

    /// The next instant this timer does something, if any.
    fn next_due(&self, redirect: bool) -> Option<u64> {
        match self.warn {
            Warn::Pending => self.warning_at(),
            Warn::Shown => Some(self.client_deadline()),
            Warn::Off | Warn::Done => redirect.then(|| self.client_deadline()),
        }
    }
}

/// Which timer serves a tab: its page's own, or (`tab_sync`) the user's shared one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TimerId {
    Shared,
    Tab(u8),
}

#[derive(Clone, Debug)]
struct Page {
    view_at: u64,
    /// The session identity the page's CSRF token was issued under.
    identity: u32,
    /// Times of the page's unsaved edits, in order.
    edits: Vec<u64>,
    /// The page's own client timer (never used under `tab_sync`).
    timer: Option<Timer>,
    /// The page's next keepalive tick (it pings only if the user was present).
    next_tick: Option<u64>,
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
    /// The user's last present event, in any tab.
    last_present: Option<u64>,
    /// Per tab, the user's last present event in it.
    tab_present: BTreeMap<u8, u64>,
    /// The open pages, by tab.
    pages: BTreeMap<u8, Page>,
    /// Per tab, edits the session tore down under `preserve_drafts`, waiting
    /// for the next page in that tab.
    drafts: BTreeMap<u8, Vec<u64>>,
    /// The one client timer of `tab_sync`, while any tab is open.
    shared: Option<Timer>,
    /// The instant the device went to sleep, while it sleeps.
    asleep: Option<u64>,
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
        tab_present: BTreeMap::new(),
        pages: BTreeMap::new(),
        drafts: BTreeMap::new(),
        shared: None,
        asleep: None,
    };
    for e in events {
        let t = e.time();
        if t >= params.horizon {
            break;
        }
        sim.user_event(t, e.kind(), e.tab());
    }
    sim.finish();
    sim.metrics
}

impl<S: Sink> UserSim<'_, S> {
    // ----- time -------------------------------------------------------------

    /// Processes every page happening at or before `limit` (none while the
    /// device sleeps), then the session expiry.
    fn advance_to(&mut self, limit: u64) {
        while let Some(m) = self.next_happening().filter(|&m| m <= limit) {
            self.happenings_at(m);
        }
        self.settle(limit);
    }

    /// The earliest warning, deadline or keepalive tick an open page has coming.
    fn next_happening(&self) -> Option<u64> {
        if self.asleep.is_some() {
            return None; // no page script runs
        }
        let timers = self
            .timer_ids()
            .into_iter()
            .filter_map(|id| self.timer(id))
            .filter_map(|timer| timer.next_due(self.p.redirect));
        let ticks = self.pages.values().filter_map(|page| page.next_tick);
        timers.chain(ticks).min()
    }

    /// Everything the pages do at instant `m`, in the SPEC's order. Whatever
    /// came due at or before `m` happens now: in the normal run that is only
    /// what is due at `m`; after a `Wall` clock's sleep it is the catch-up.
    fn happenings_at(&mut self, m: u64) {
        self.settle(m);
        // 1. A shown warning reaching its deadline unanswered is missed.
        for id in self.timer_ids() {
            if self
                .timer(id)
                .is_some_and(|t| t.warn == Warn::Shown && t.client_deadline() <= m)
            {
                self.metrics.warnings_missed += 1;
                self.sink.note(m, Outcome::WarningMissed);
                self.set_warn(id, Warn::Done);
            }
        }
        // 2. The client redirect.
        if self.p.redirect {
            for id in self.timer_ids() {
                // An earlier redirect of this instant may have closed the page.
                if self.timer(id).is_some_and(|t| t.client_deadline() <= m) {
                    self.redirect(m, id);
                }
            }
        }
        // 3. A new warning is shown (skipped when its deadline has passed too).
        for id in self.timer_ids() {
            let Some(timer) = self.timer(id) else {
                continue;
            };
            if timer.warn != Warn::Pending || timer.warning_at().is_none_or(|w| w > m) {
                continue;
            }
            if timer.client_deadline() > m {
                self.metrics.warnings_shown += 1;
                self.sink.note(m, Outcome::WarningShown);
                self.set_warn(id, Warn::Shown);
            } else {
                self.set_warn(id, Warn::Done);
            }
        }
        // 4. The keepalive ticks.
        let tabs: Vec<u8> = self.pages.keys().copied().collect();
        for tab in tabs {
            if self
                .pages
                .get(&tab)
                .and_then(|page| page.next_tick)
                .is_some_and(|tick| tick <= m)
            {
                self.keepalive_tick(m, tab);
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

    fn user_event(&mut self, t: u64, kind: EventKind, tab: u8) {
        self.advance_to(t);
        match kind {
            EventKind::Close => self.close(t, tab),
            EventKind::Sleep => self.asleep = Some(t),
            EventKind::Wake => self.wake(t),
            EventKind::View
            | EventKind::Request
            | EventKind::Submit
            | EventKind::Input
            | EventKind::Activity => self.present_event(t, kind, tab),
        }
    }

    /// An event of the user at the keyboard, acting on its tab's page.
    fn present_event(&mut self, t: u64, kind: EventKind, tab: u8) {
        self.note_presence(t, tab);
        self.answer_warning(t, tab);
        if kind != EventKind::View && !self.pages.contains_key(&tab) {
            self.view(t, tab); // the implicit view that opens a page
        }
        match kind {
            EventKind::View => self.view(t, tab),
            EventKind::Request => self.request(t, tab),
            EventKind::Submit => self.submit(t, tab),
            EventKind::Input => {
                if let Some(page) = self.pages.get_mut(&tab) {
                    page.edits.push(t);
                }
                self.client_activity(t, tab);
            }
            EventKind::Activity => self.client_activity(t, tab),
            EventKind::Close | EventKind::Sleep | EventKind::Wake => {}
        }
    }

    /// Adds the away time since the previous present event to `unattended_ms`.
    fn note_presence(&mut self, t: u64, tab: u8) {
        if let (Some(s), Some(q)) = (self.session, self.last_present) {
            let away_from = (q + self.p.away).max(s.login_at);
            self.metrics.unattended_ms += t.saturating_sub(away_from);
        }
        self.last_present = Some(t);
        self.tab_present.insert(tab, t);
    }

    /// The first present event while a warning is shown answers it: in the
    /// warning's own tab, or in any tab under `tab_sync`.
    fn answer_warning(&mut self, t: u64, tab: u8) {
        let id = self.timer_of(tab);
        if self.timer(id).is_none_or(|timer| timer.warn != Warn::Shown) {
            return;
        }
        self.metrics.warnings_heeded += 1;
        self.sink.note(t, Outcome::WarningHeeded);
        self.set_warn(id, Warn::Done);
        if self.p.extend {
            self.metrics.extend_pings += 1;
            self.sink.note(t, Outcome::ExtendPing);
            if self.server(t, Req::Extend) == Reach::Live {
                self.reset_timer(t, tab);
            }
        }
    }

    /// A page load: the request, then the tab's old page goes and a new one opens.
    fn view(&mut self, t: u64, tab: u8) {
        self.server(t, Req::View);
        self.close_page(t, tab);
        self.open_page(t, tab);
    }

    fn request(&mut self, t: u64, tab: u8) {
        match self.server(t, Req::Request) {
            Reach::Live | Reach::Silent => self.reset_timer(t, tab),
            Reach::Login => {
                // Bounced to the login page: the page reloads and its edits are gone.
                self.tear_down_edits(t, tab);
                self.view(t, tab);
            }
            Reach::Dead => {}
        }
    }

    fn submit(&mut self, t: u64, tab: u8) {
        self.metrics.submits += 1;
        match self.server(t, Req::Submit) {
            Reach::Live | Reach::Silent => {
                self.reset_timer(t, tab);
                if self.csrf_token_valid(t, tab) {
                    self.save(t, tab);
                } else {
                    self.metrics.csrf_failures += 1;
                    self.sink.note(t, Outcome::CsrfFailure);
                    self.fail_submit(t, tab);
                }
            }
            Reach::Login => self.fail_submit(t, tab),
            Reach::Dead => {}
        }
    }

    /// A submit the server refused: the page reloads; the work is lost, or with
    /// `preserve_drafts` restored into the new page and submitted again at once.
    fn fail_submit(&mut self, t: u64, tab: u8) {
        self.tear_down_edits(t, tab);
        self.view(t, tab);
        if self.p.preserve_drafts {
            if self.server(t, Req::Submit) == Reach::Live {
                self.reset_timer(t, tab);
            }
            self.save(t, tab);
        } else {
            self.metrics.lost_submits += 1;
            self.sink.note(t, Outcome::SubmitLost);
        }
    }

    fn save(&mut self, t: u64, tab: u8) {
        self.metrics.saved_submits += 1;
        self.sink.note(t, Outcome::SubmitSaved);
        if let Some(page) = self.pages.get_mut(&tab) {
            page.edits.clear();
        }
    }

    /// Issued at this page's view, under the same session identity, and young enough.
    fn csrf_token_valid(&self, t: u64, tab: u8) -> bool {
        if !self.p.csrf {
            return true;
        }
        let (Some(page), Some(session)) = (self.pages.get(&tab), self.session) else {
            return false;
        };
        page.identity == session.identity
            && self
                .p
                .csrf_limit
                .is_none_or(|limit| t - page.view_at < limit)
    }

    /// Input and activity restart the client timer only under `RequestsAndActivity`.
    fn client_activity(&mut self, t: u64, tab: u8) {
        if self.p.resets_on_activity {
            self.reset_timer(t, tab);
        }
    }

    /// The user closes a tab's page. Closing the last one quits the browser:
    /// the shared timer stops, and a browser session ends (or, already ended,
    /// its expiry is no longer a surprise).
    fn close(&mut self, t: u64, tab: u8) {
        if !self.pages.contains_key(&tab) {
            return; // closing a closed page does nothing
        }
        self.close_page(t, tab);
        if !self.pages.is_empty() {
            return;
        }
        self.stop_shared_timer(t);
        if self.p.browser_session {
            if self.session.is_some() {
                self.end_session(t, EndReason::Closed);
            } else if let Some(ended) = self.ended.as_mut() {
                // The user closed the browser: the next login is expected, not a logout.
                ended.logout_pending = false;
            }
        }
    }

    /// The device resumes after sleeping since `s`: ticks move later by the
    /// sleep; the timers move too (`Monotonic`) or catch up now (`Wall`).
    fn wake(&mut self, w: u64) {
        let Some(s) = self.asleep.take() else {
            return; // a wake while awake is refused when the trace loads
        };
        let slept = w - s;
        for page in self.pages.values_mut() {
            if let Some(tick) = page.next_tick.as_mut() {
                *tick += slept;
            }
        }
        if self.p.wall_clock {
            self.happenings_at(w);
        } else {
            for id in self.timer_ids() {
                if let Some(timer) = self.timer_mut(id) {
                    timer.cycle_start += slept;
                }
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

    // ----- pages ---------------------------------------------------------------

    /// Opens a page in `tab` whose view just reached a live session.
    fn open_page(&mut self, t: u64, tab: u8) {
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
        let edits = match self.drafts.remove(&tab) {
            Some(draft) => {
                self.metrics.drafts_restored += 1;
                self.sink.note(t, Outcome::DraftRestored);
                draft
            }
            None => Vec::new(),
        };
        let own_timer = if self.p.tab_sync {
            // A view in any tab starts a new cycle of the shared timer.
            self.start_shared_cycle(t);
            None
        } else {
            self.new_timer(t)
        };
        self.pages.insert(
            tab,
            Page {
                view_at: t,
                identity,
                edits,
                timer: own_timer,
                next_tick: self.p.keepalive.map(|interval| t + interval),
            },
        );
    }

    /// The tab's page goes away; its edits are discarded (the caller counts
    /// any loss). The shared timer runs on: see `close` and `redirect`.
    fn close_page(&mut self, t: u64, tab: u8) {
        if let Some(page) = self.pages.remove(&tab)
            && page.timer.is_some_and(|timer| timer.warn == Warn::Shown)
        {
            self.sink.note(t, Outcome::WarningCleared);
        }
    }

    /// The session, not the user, tears the tab's edits down: lost, or kept
    /// as the tab's draft.
    fn tear_down_edits(&mut self, t: u64, tab: u8) {
        let Some(page) = self.pages.get_mut(&tab) else {
            return;
        };
        let edits = std::mem::take(&mut page.edits);
        let (Some(&first), Some(&last)) = (edits.first(), edits.last()) else {
            return; // nothing unsaved
        };
        if self.p.preserve_drafts {
            self.drafts.insert(tab, edits);
            return;
        }
        let inputs = edits.len() as u32;
        let edit_ms = last - first;
        let typing_ms: u64 = edits
            .windows(2)
            .map(|pair| (pair[1] - pair[0]).min(self.p.away))
            .sum();
        self.metrics.lost_inputs += u64::from(inputs);
        self.metrics.lost_edit_ms += edit_ms;
        self.metrics.lost_typing_ms += typing_ms;
        self.sink.note(
            t,
            Outcome::LostEdits {
                inputs,
                edit_ms,
                typing_ms,
            },
        );
    }

    /// A client deadline was reached with `on_expiry: Redirect`: the page logs
    /// the user out and closes (under `tab_sync`, every open page does).
    fn redirect(&mut self, m: u64, id: TimerId) {
        self.sink.note(m, Outcome::Redirect);
        if self.session.is_some() {
            let q = self.last_present;
            self.end_session(m, EndReason::Redirect);
            self.count_logout(m, m, q);
        } else if let Some(ended) = self.ended.filter(|e| e.logout_pending) {
            // The session had expired and nobody had met it yet.
            self.count_logout(m, ended.at, ended.last_present);
        }
        if let Some(ended) = self.ended.as_mut() {
            ended.logout_pending = false; // each session's end is counted once
        }
        self.remembered_login = None;
        let tabs: Vec<u8> = match id {
            TimerId::Tab(tab) => vec![tab],
            TimerId::Shared => self.pages.keys().copied().collect(),
        };
        for tab in tabs {
            self.tear_down_edits(m, tab);
            self.close_page(m, tab);
        }
        if self.pages.is_empty() {
            self.stop_shared_timer(m);
        }
    }

    /// A tick of the tab's keepalive: it pings when the user was present in
    /// the interval before it (in that tab; in any tab under `tab_sync`).
    fn keepalive_tick(&mut self, m: u64, tab: u8) {
        let Some(interval) = self.p.keepalive else {
            return;
        };
        if let Some(page) = self.pages.get_mut(&tab) {
            page.next_tick = Some(m + interval);
        }
        let present = if self.p.tab_sync {
            self.last_present
        } else {
            self.tab_present.get(&tab).copied()
        };
        // The window [m - interval, m).
        if !present.is_some_and(|q| q < m && m - q <= interval) {
            return;
        }
        self.metrics.keepalive_pings += 1;
        self.sink.note(m, Outcome::KeepalivePing);
        if self.server(m, Req::Keepalive) == Reach::Live {
            self.reset_timer(m, tab);
        }
    }

    // ----- client timers -------------------------------------------------------

    /// A fresh cycle starting at `t`, when pages run a timer at all.
    fn new_timer(&self, t: u64) -> Option<Timer> {
        self.p.timer_idle().map(|idle| Timer {
            cycle_start: t,
            idle,
            lead: self.p.lead,
            warn: if self.p.lead.is_some() {
                Warn::Pending
            } else {
                Warn::Off
            },
        })
    }

    fn timer_of(&self, tab: u8) -> TimerId {
        if self.p.tab_sync {
            TimerId::Shared
        } else {
            TimerId::Tab(tab)
        }
    }

    /// The running timers in the SPEC's order (tabs ascending; the shared
    /// timer is the only one under `tab_sync`).
    fn timer_ids(&self) -> Vec<TimerId> {
        if self.p.tab_sync {
            return self.shared.iter().map(|_| TimerId::Shared).collect();
        }
        self.pages
            .iter()
            .filter(|(_, page)| page.timer.is_some())
            .map(|(&tab, _)| TimerId::Tab(tab))
            .collect()
    }

    fn timer(&self, id: TimerId) -> Option<Timer> {
        match id {
            TimerId::Shared => self.shared,
            TimerId::Tab(tab) => self.pages.get(&tab).and_then(|page| page.timer),
        }
    }

    fn timer_mut(&mut self, id: TimerId) -> Option<&mut Timer> {
        match id {
            TimerId::Shared => self.shared.as_mut(),
            TimerId::Tab(tab) => self
                .pages
                .get_mut(&tab)
                .and_then(|page| page.timer.as_mut()),
        }
    }

    fn set_warn(&mut self, id: TimerId, warn: Warn) {
        if let Some(timer) = self.timer_mut(id) {
            timer.warn = warn;
        }
    }

    /// A request of the tab's page reached a live session: a new cycle of the
    /// timer that serves the tab. A warning on show is ended by it.
    fn reset_timer(&mut self, t: u64, tab: u8) {
        let id = self.timer_of(tab);
        let Some(old) = self.timer(id) else {
            return;
        };
        if old.warn == Warn::Shown {
            self.sink.note(t, Outcome::WarningCleared);
        }
        let fresh = self.new_timer(t);
        if let (Some(timer), Some(fresh)) = (self.timer_mut(id), fresh) {
            *timer = fresh;
        }
    }

    /// `tab_sync`: a view in any tab starts a new cycle (or starts the timer).
    fn start_shared_cycle(&mut self, t: u64) {
        if self.shared.is_some_and(|timer| timer.warn == Warn::Shown) {
            self.sink.note(t, Outcome::WarningCleared);
        }
        self.shared = self.new_timer(t);
    }

    /// `tab_sync`: the last tab closed; a shown warning ends, counted in neither.
    fn stop_shared_timer(&mut self, t: u64) {
        if let Some(timer) = self.shared.take()
            && timer.warn == Warn::Shown
        {
            self.sink.note(t, Outcome::WarningCleared);
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
