//! One user's replay against one policy: SPEC section 3, rule by rule.
//!
//! The user's trace events drive the loop. Between two of them the page's own
//! timed happenings (a warning shown or missed, the client redirect, a
//! keepalive tick) are processed in time order, and at one instant in the
//! SPEC's order: missed, redirect, shown, keepalive, then the user's event.
//! The server session's expiry is passive: it is noticed ("settled") at the
//! first instant at or after its deadline, and dated at the deadline.
//!
//! This is the hot loop of every run, so the state is flat: absent times are
//! `NEVER` rather than `None`, and the next page happening and the session's
//! deadline are kept up to date. Most events (views, requests, key presses and
//! mouse moves on an open page of a live session, nothing due) take a
//! branch-free path, `UserSim::quiet_run`; the rest, and any event that
//! meets something due, take the general one, `UserSim::user_event`.
//!
//! This engine replays a user with one tab (tab 0) whose device never sleeps:
//! every revision-1 trace, and most generated users. Anyone else takes
//! `super::tabs` (SPEC revision 2), which reuses this file's server side
//! (`UserSim` with its page left closed).

use crate::model::{
    ClientClock, Event, EventKind, OnExpiry, OnResponse, Policy, Refresh, ResetsOn,
};

use super::metrics::Metrics;
use super::outcome::{EndReason, Outcome, Sink};

/// The scenario-wide settings the engine needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SimConfig {
    /// Events at or after it are dropped; live sessions end there.
    pub horizon: u64,
    pub away_after: u64,
    pub bucket: u64,
}

/// No time: a deadline that never comes, a limit that is not set.
pub(super) const NEVER: u64 = u64::MAX;

/// Event kinds as packed in a trace, for the branch-free quiet path.
const VIEW: u8 = EventKind::View as u8;
const REQUEST: u8 = EventKind::Request as u8;
pub(super) const INPUT: u8 = EventKind::Input as u8;
/// [`UserSim::quiet_run`]'s stand-in for `NEVER` in sums: past any real time
/// (event times are below 2^61, durations at most 2^60 ms), and far enough from
/// `u64::MAX` that adding an event time to it cannot overflow.
const FAR_OFF: u64 = 1 << 62;

/// The kinds [`UserSim::quiet_run`] takes: all but submits and closes.
const QUIET_KINDS: u8 = 1 << VIEW | 1 << REQUEST | 1 << INPUT | 1 << EventKind::Activity as u8;

/// A policy flattened for the hot loop: every absent duration is `NEVER`.
/// Zero durations (refused by validation) switch their feature off rather
/// than divide by zero.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    pub(super) idle: u64,
    pub(super) absolute: u64,
    pub(super) refresh: Refresh,
    pub(super) browser_session: bool,
    pub(super) remember: u64,
    pub(super) csrf: bool,
    pub(super) csrf_limit: u64,
    /// Warning lead; `NEVER` without a warning.
    pub(super) lead: u64,
    /// The open page runs a client timer (a warning or a redirect).
    pub(super) timer: bool,
    pub(super) resets_on_activity: bool,
    pub(super) extend: bool,
    pub(super) keepalive: u64,
    pub(super) redirect: bool,
    pub(super) preserve_drafts: bool,
    pub(super) away: u64,
    pub(super) horizon: u64,
    /// A view or request refreshes the session once this long has passed
    /// since the last refresh (`0`: always, `NEVER`: not at all).
    pub(super) refresh_gap: u64,
    /// From a new timer cycle's start to its first happening: the warning,
    /// else the redirect (`NEVER`: none).
    pub(super) cycle_offset: u64,
    /// The warning state a new timer cycle starts in.
    pub(super) fresh_warn: Warn,
    /// Bit `kind` set: that kind of event on a quiet page starts a new timer
    /// cycle (a view always opens a page; see [`UserSim::quiet_run`]).
    pub(super) cycle_kinds: u8,
    /// `client_clock: Wall`: at wake, what came due while asleep happens at once.
    pub(super) wall_clock: bool,
    pub(super) tab_sync: bool,
}

impl Params {
    pub fn new(policy: &Policy, cfg: &SimConfig) -> Params {
        let off_if_zero = |d: Option<crate::model::Dur>| match d {
            Some(d) if d.0 > 0 => d.0,
            _ => NEVER,
        };
        let idle = off_if_zero(policy.idle_timeout);
        // The client timer counts from the idle timeout; without one it cannot run.
        let warning = policy
            .warning
            .filter(|w| idle != NEVER && w.lead.0 > 0 && w.lead.0 < idle);
        let redirect = policy.on_expiry == OnExpiry::Redirect && idle != NEVER;
        let lead = warning.map_or(NEVER, |w| w.lead.0);
        let timer = warning.is_some() || redirect;
        let resets_on_activity =
            warning.is_some_and(|w| w.resets_on == ResetsOn::RequestsAndActivity);
        let kind_bit = |k: EventKind| 1u8 << k as u8;
        let mut cycle_kinds = kind_bit(EventKind::View);
        if timer {
            cycle_kinds |= kind_bit(EventKind::Request);
        }
        if resets_on_activity {
            cycle_kinds |= kind_bit(EventKind::Input) | kind_bit(EventKind::Activity);
        }
        Params {
            idle,
            absolute: off_if_zero(policy.absolute_timeout),
            refresh: policy.refresh,
            browser_session: policy.browser_session,
            remember: off_if_zero(policy.remember_me),
            csrf: policy.csrf.is_some(),
            csrf_limit: off_if_zero(policy.csrf.and_then(|c| c.time_limit)),
            lead,
            timer,
            resets_on_activity,
            extend: warning.is_some_and(|w| w.on_response == OnResponse::Extend),
            keepalive: off_if_zero(policy.keepalive.map(|k| k.interval)),
            redirect,
            preserve_drafts: policy.preserve_drafts,
            // Capped so that `t + away` cannot overflow (event times are below
            // 2^61); any longer away time means the same: never away.
            away: cfg.away_after.min(1 << 62),
            horizon: cfg.horizon,
            refresh_gap: match policy.refresh {
                Refresh::EachRequest => 0,
                // `2 * elapsed > idle` for whole milliseconds (`NEVER / 2 + 1` is never reached).
                Refresh::HalfWindow => idle / 2 + 1,
                Refresh::OnModify | Refresh::Never => NEVER,
            },
            cycle_offset: match (lead, redirect) {
                (NEVER, false) => NEVER,
                (NEVER, true) => idle,
                (lead, _) => idle - lead,
            },
            fresh_warn: if lead == NEVER {
                Warn::Off
            } else {
                Warn::Pending
            },
            cycle_kinds,
            wall_clock: policy.client_clock == ClientClock::Wall,
            tab_sync: policy.tab_sync,
        }
    }
}

/// Kinds of server request, for the refresh rule and the no-session rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Req {
    View,
    Request,
    Submit,
    Keepalive,
    Extend,
}

/// How a server request met the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reach {
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
pub(super) struct Session {
    pub(super) identity: u32,
    pub(super) login_at: u64,
    pub(super) refreshed_at: u64,
    pub(super) csrf_written: bool,
}

/// How the previous session ended, kept until the next login decides on a logout.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ended {
    pub(super) at: u64,
    /// The user's last present event before `at` (`NEVER`: none).
    pub(super) last_present: u64,
    /// An expiry not yet met by the user (nor forgiven by a browser close).
    pub(super) logout_pending: bool,
}

/// Unsaved edits on a page (or in a preserved draft).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Edits {
    pub(super) count: u32,
    pub(super) first: u64,
    pub(super) last: u64,
    /// The typing time: each gap between two edits, up to `away_after`.
    pub(super) typing: u64,
}

/// The open page's unsaved edits in this engine. Their typing time is not
/// kept up to date, which would cost every key press on the quiet path: it
/// is worked out from the inputs themselves when the edits are torn down
/// (see [`UserSim::with_typing`]), which is rare.
#[derive(Clone, Copy, Debug, Default)]
struct PageEdits {
    count: u32,
    first: u64,
    last: u64,
    /// The restored draft the page began with (count 0: none).
    draft: Edits,
}

impl PageEdits {
    fn from_draft(draft: Edits) -> PageEdits {
        PageEdits {
            count: draft.count,
            first: draft.first,
            last: draft.last,
            draft,
        }
    }
}

impl Edits {
    /// One more edit at `t` (edits come in time order).
    #[inline]
    pub(super) fn add(&mut self, t: u64, away: u64) {
        if self.count == 0 {
            self.first = t;
        } else {
            self.typing += (t - self.last).min(away);
        }
        self.count += 1;
        self.last = t;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Warn {
    /// No warning configured, or no page.
    Off,
    /// This cycle's warning is still to come.
    Pending,
    Shown,
    /// Answered (heeded) or missed: nothing more this cycle.
    Done,
}

/// The open page. Its fields mean nothing while `open` is false.
#[derive(Clone, Copy, Debug)]
struct Page {
    open: bool,
    view_at: u64,
    /// The session identity the page's CSRF token was issued under.
    identity: u32,
    edits: PageEdits,
    /// Start of the client timer's current cycle.
    last_reset: u64,
    warn: Warn,
    /// The next keepalive tick that will ping (the user was present since the last).
    keepalive_due: u64,
}

const CLOSED: Page = Page {
    open: false,
    view_at: 0,
    identity: 0,
    edits: PageEdits {
        count: 0,
        first: 0,
        last: 0,
        draft: Edits {
            count: 0,
            first: 0,
            last: 0,
            typing: 0,
        },
    },
    last_reset: 0,
    warn: Warn::Off,
    keepalive_due: NEVER,
};

/// One user's state under one policy.
pub struct UserSim<'a, S: Sink> {
    pub(super) p: &'a Params,
    pub metrics: Metrics,
    pub(super) sink: &'a mut S,
    pub(super) session: Option<Session>,
    /// The live session's deadline (`NEVER` without a session or a limit),
    /// kept in step with `session`.
    pub(super) deadline: u64,
    pub(super) ended: Option<Ended>,
    next_identity: u32,
    /// The last explicit login, while its remember-me cookie stands (`NEVER`: none).
    pub(super) remembered_login: u64,
    /// The user's last present event (`NEVER`: none yet).
    pub(super) last_present: u64,
    page: Page,
    /// The open page's next happening (`NEVER` for none), kept in step with `page`.
    next_at: u64,
    /// Edits the session tore down under `preserve_drafts`, waiting for the next page.
    draft: Option<Edits>,
    /// [`UserSim::is_quiet`], kept up to date after each event of the general path.
    quiet: bool,
    /// The user's events (one-tab engine), and the index of the next one to
    /// come: the inputs before it are where lost edits' typing is read from.
    events: &'a [Event],
    pos: usize,
}

/// Replays one user's events and returns their metrics. The sink sees every
/// outcome, dated (session ends are reported when noticed, dated when they happened).
pub fn simulate_user<S: Sink>(params: &Params, events: &[Event], sink: &mut S) -> Metrics {
    simulate_user_as(params, events, Event::any_need_tabs(events), sink)
}

/// [`simulate_user`] when the caller knows whether the user has tabs or sleeps
/// ([`crate::model::Trace::user_needs_tabs`]). Tabs and sleep take the general
/// engine; one tab without sleep (most users, and every revision-1 trace) the
/// fast one. On one tab both give the same results, so `needs_tabs` may be
/// true for a user whose tabs and sleeps all lie past the horizon.
pub fn simulate_user_as<S: Sink>(
    params: &Params,
    events: &[Event],
    needs_tabs: bool,
    sink: &mut S,
) -> Metrics {
    // Events at or after the horizon are dropped.
    let events = &events[..events.partition_point(|e| e.time() < params.horizon)];
    if needs_tabs {
        return super::tabs::simulate_tabs(params, events, sink);
    }
    simulate_one_tab(params, events, sink)
}

/// [`simulate_user`] for a user with one tab (tab 0) whose device never sleeps.
pub fn simulate_one_tab<S: Sink>(params: &Params, events: &[Event], sink: &mut S) -> Metrics {
    let mut sim = UserSim::new(params, sink);
    sim.events = events;
    let mut rest = events;
    loop {
        rest = &rest[sim.quiet_run(rest)..];
        sim.pos = events.len() - rest.len();
        let Some((e, later)) = rest.split_first() else {
            break;
        };
        let t = e.time();
        if sim.next_at <= t || sim.deadline <= t {
            // Something falls due first (most often a keepalive tick): what
            // `user_event` does before the event itself. Nothing is due at `t`
            // afterwards, so if the user is still quiet the quiet path takes it.
            sim.advance_to(t);
            if QUIET_KINDS >> e.kind_code() & 1 != 0 && sim.is_quiet_page() {
                // `user_event` schedules the tick after a ping once the event
                // is done; the same tick, scheduled before it, comes out the
                // same (a view replaces it either way), and keeps the quiet
                // path free of it.
                if sim.page.keepalive_due == NEVER && sim.p.keepalive != NEVER {
                    sim.schedule_keepalive(t);
                }
                sim.quiet = true;
                continue;
            }
        }
        sim.user_event(t, e.kind());
        sim.quiet = sim.is_quiet();
        rest = later;
    }
    sim.finish();
    sim.metrics
}

impl<'a, S: Sink> UserSim<'a, S> {
    /// A user who has done nothing yet.
    pub(super) fn new(p: &'a Params, sink: &'a mut S) -> Self {
        UserSim {
            p,
            metrics: Metrics::default(),
            sink,
            session: None,
            deadline: NEVER,
            ended: None,
            next_identity: 0,
            remembered_login: NEVER,
            last_present: NEVER,
            page: CLOSED,
            next_at: NEVER,
            draft: None,
            quiet: false,
            events: &[],
            pos: 0,
        }
    }

    // ----- time -------------------------------------------------------------

    /// Processes every page happening at or before `limit`, then the session expiry.
    fn advance_to(&mut self, limit: u64) {
        while self.next_at <= limit {
            self.happenings_at(self.next_at);
        }
        self.settle(limit);
    }

    /// Recomputes `next_at` after the page changed: the earliest warning,
    /// client deadline or keepalive tick it has coming.
    fn update_next(&mut self) {
        let page = &self.page;
        let mut next = page.keepalive_due;
        if page.open && self.p.timer {
            let deadline = page.last_reset + self.p.idle;
            match page.warn {
                Warn::Pending => next = next.min(deadline - self.p.lead),
                Warn::Shown => next = next.min(deadline),
                _ => {}
            }
            if self.p.redirect {
                next = next.min(deadline);
            }
        }
        self.next_at = next;
    }

    /// Everything the page does at instant `m`, in the SPEC's order.
    fn happenings_at(&mut self, m: u64) {
        self.settle(m);
        let page = self.page;
        let client_deadline = page.last_reset.saturating_add(self.p.idle);
        // 1. A shown warning reaching its deadline unanswered is missed.
        if page.warn == Warn::Shown && client_deadline == m {
            self.metrics.warnings_missed += 1;
            self.sink.note(m, Outcome::WarningMissed);
            self.set_warn(Warn::Done);
        }
        // 2. The client redirect.
        if self.p.redirect && client_deadline == m {
            self.redirect(m);
            return;
        }
        // 3. A new warning is shown.
        if page.warn == Warn::Pending && client_deadline - self.p.lead == m {
            self.metrics.warnings_shown += 1;
            self.sink.note(m, Outcome::WarningShown);
            self.set_warn(Warn::Shown);
        }
        // 4. The keepalive tick (it was scheduled only if the user was present).
        if page.keepalive_due == m {
            self.page.keepalive_due = NEVER;
            self.update_next();
            self.metrics.keepalive_pings += 1;
            self.sink.note(m, Outcome::KeepalivePing);
            if self.server(m, Req::Keepalive) == Reach::Live {
                self.reset_timer(m);
            }
        }
    }

    /// Ends the session at its deadline if that is at or before `t`.
    #[inline]
    pub(super) fn settle(&mut self, t: u64) {
        if self.deadline <= t {
            self.end_session(self.deadline, EndReason::Expired);
        }
    }

    /// The earlier of the idle and absolute deadlines; `NEVER` for none.
    fn deadline_of(&self, s: &Session) -> u64 {
        let idle = s.refreshed_at.saturating_add(self.p.idle);
        let absolute = s.login_at.saturating_add(self.p.absolute);
        idle.min(absolute)
    }

    /// Moves the live session's idle deadline forward to count from `t`.
    pub(super) fn refresh_session(&mut self, t: u64) {
        if let Some(session) = self.session.as_mut() {
            session.refreshed_at = t;
            let s = *session;
            self.deadline = self.deadline_of(&s);
        }
    }

    // ----- the user's events -------------------------------------------------

    /// The state in which a view, request, key press or mouse move triggers
    /// nothing but its own bookkeeping, until the page or the session has
    /// something due: a quiet page (see [`UserSim::is_quiet_page`]) with its
    /// next keepalive tick scheduled. [`UserSim::quiet_run`] takes such events.
    fn is_quiet(&self) -> bool {
        self.is_quiet_page() && (self.page.keepalive_due != NEVER || self.p.keepalive == NEVER)
    }

    /// A live session and an open page, no warning shown, no draft waiting
    /// (true whenever a page is open), the session's CSRF secret written.
    fn is_quiet_page(&self) -> bool {
        self.session.is_some_and(|s| s.csrf_written || !self.p.csrf)
            && self.page.open
            && self.page.warn != Warn::Shown
            && self.draft.is_none()
    }

    /// Replays the leading run of `events` that find the user quiet (see
    /// [`UserSim::is_quiet`]) with nothing due, and returns how many it took.
    ///
    /// This is [`UserSim::user_event`] for a view, request, key press or mouse
    /// move in that state, without a branch on the event's kind: kinds come in
    /// no predictable order, so branching on them costs about one mispredicted
    /// branch per event, more than all of this arithmetic. The loop keeps only
    /// what decides the next event (the session's deadline, the page's next
    /// happening) in registers and selects each; the page's other fields follow
    /// from the run's last view, cycle and inputs, found afterwards by
    /// [`UserSim::settle_quiet_page`]. The reference-engine test holds this and
    /// the general path to the same results.
    fn quiet_run(&mut self, events: &[Event]) -> usize {
        use std::hint::select_unpredictable as pick;
        let p = self.p;
        let (Some(session), true) = (self.session, self.quiet) else {
            return 0;
        };
        let absolute_deadline = session.login_at.saturating_add(p.absolute);
        // note_presence: away time counts from here. In the run every event is
        // present and after the login, so from each the next counts from `t + away`.
        let mut away_from = self
            .last_present
            .saturating_add(p.away)
            .max(session.login_at);
        let mut unattended = self.metrics.unattended_ms;
        let mut refreshed_at = session.refreshed_at;
        let (mut deadline, mut next_at) = (self.deadline, self.next_at);
        let mut keepalive_due = self.page.keepalive_due;
        // Times here are at most FAR_OFF + 2^61: `t + far` never overflows,
        // and any sum at or past FAR_OFF is a time that never comes.
        let (idle, keepalive) = (p.idle.min(FAR_OFF), p.keepalive.min(FAR_OFF));
        let cycle_offset = p.cycle_offset.min(FAR_OFF);
        let mut taken = events.len();
        for (i, e) in events.iter().enumerate() {
            let (t, kind) = (e.time(), e.kind_code());
            if t >= next_at || t >= deadline || QUIET_KINDS >> kind & 1 == 0 {
                taken = i;
                break;
            }
            // note_presence
            unattended += t.saturating_sub(away_from);
            away_from = t + p.away;
            // server: the refresh rule for a view or request
            let refresh = (kind <= REQUEST) & (t - refreshed_at >= p.refresh_gap);
            refreshed_at = pick(refresh, t, refreshed_at);
            let refreshed_deadline = (t + idle).min(absolute_deadline);
            deadline = pick(refresh, refreshed_deadline, deadline);
            // open_page: a view restarts the keepalive clock
            keepalive_due = pick(kind == VIEW, t + keepalive, keepalive_due);
            // open_page or reset_timer: a new timer cycle (update_next)
            let cycle_next = keepalive_due.min(t + cycle_offset);
            next_at = pick(p.cycle_kinds >> kind & 1 != 0, cycle_next, next_at);
        }
        let Some(last) = taken.checked_sub(1).map(|i| events[i]) else {
            return 0;
        };
        self.settle_quiet_page(&events[..taken], session.identity);
        let never_if_far = |time: u64| if time >= FAR_OFF { NEVER } else { time };
        self.page.keepalive_due = never_if_far(keepalive_due);
        if let Some(s) = self.session.as_mut() {
            s.refreshed_at = refreshed_at;
        }
        self.deadline = never_if_far(deadline);
        self.next_at = never_if_far(next_at);
        self.last_present = last.time();
        self.metrics.unattended_ms = unattended;
        taken
    }

    /// The page after a quiet run: the last view (if any) opened it, the last
    /// event that started a timer cycle set its warning and reset time, and
    /// the inputs since the view (or since the run began) add to its edits.
    /// Walks back from the end to the run's last view: a few events.
    fn settle_quiet_page(&mut self, run: &[Event], identity: u32) {
        use std::hint::select_unpredictable as pick;
        let p = self.p;
        let page = &mut self.page;
        let mut last_cycle = NEVER;
        let mut last_view = None;
        let (mut inputs, mut first_input, mut last_input) = (0u32, 0u64, 0u64);
        for e in run.iter().rev() {
            let (t, kind) = (e.time(), e.kind_code());
            let cycles = p.cycle_kinds >> kind & 1 != 0;
            last_cycle = pick(cycles & (last_cycle == NEVER), t, last_cycle);
            if kind == VIEW {
                last_view = Some(t);
                break;
            }
            let is_input = kind == INPUT;
            last_input = pick(is_input & (inputs == 0), t, last_input);
            first_input = pick(is_input, t, first_input);
            inputs += u32::from(is_input);
        }
        if last_cycle != NEVER {
            page.last_reset = last_cycle;
            page.warn = p.fresh_warn;
        }
        if let Some(t) = last_view {
            page.view_at = t;
            page.identity = identity;
            page.edits = PageEdits::default();
        }
        if inputs > 0 {
            let edits = &mut page.edits;
            if edits.count == 0 {
                edits.first = first_input;
            }
            edits.count += inputs;
            edits.last = last_input;
        }
    }

    #[inline]
    fn user_event(&mut self, t: u64, kind: EventKind) {
        if self.next_at <= t || self.deadline <= t {
            self.advance_to(t);
        }
        if kind == EventKind::Close {
            self.close(t);
            return;
        }
        self.note_presence(t);
        if self.page.warn == Warn::Shown {
            self.answer_warning(t);
        }
        if kind != EventKind::View && !self.page.open {
            self.view(t); // the implicit view that opens a page
        }
        match kind {
            EventKind::View => self.view(t),
            EventKind::Request => self.request(t),
            EventKind::Submit => self.submit(t),
            EventKind::Input => {
                let e = &mut self.page.edits;
                if e.count == 0 {
                    e.first = t;
                }
                e.count += 1;
                e.last = t;
                self.client_activity(t);
            }
            EventKind::Activity => self.client_activity(t),
            // Closes are handled above; sleep and wake never reach this
            // engine (see `simulate_user`).
            EventKind::Close | EventKind::Sleep | EventKind::Wake => {}
        }
        if self.page.keepalive_due == NEVER && self.p.keepalive != NEVER {
            self.schedule_keepalive(t);
        }
    }

    /// Adds the away time since the previous present event to `unattended_ms`.
    #[inline]
    pub(super) fn note_presence(&mut self, t: u64) {
        if let Some(s) = self.session {
            let away_from = self
                .last_present
                .saturating_add(self.p.away)
                .max(s.login_at);
            self.metrics.unattended_ms += t.saturating_sub(away_from);
        }
        self.last_present = t;
    }

    /// The first present event while a warning is shown answers it.
    fn answer_warning(&mut self, t: u64) {
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
        // The old page goes (its edits discarded) as the new one replaces it.
        if self.page.open && self.page.warn == Warn::Shown {
            self.sink.note(t, Outcome::WarningCleared);
        }
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
        self.page.edits = PageEdits::default();
    }

    /// Issued at this page's view, under the same session identity, and young enough.
    fn csrf_token_valid(&self, t: u64) -> bool {
        if !self.p.csrf {
            return true;
        }
        let Some(session) = self.session else {
            return false;
        };
        self.page.open
            && self.page.identity == session.identity
            && t - self.page.view_at < self.p.csrf_limit
    }

    /// Input and activity restart the client timer only under `RequestsAndActivity`.
    #[inline]
    fn client_activity(&mut self, t: u64) {
        if self.p.resets_on_activity {
            self.reset_timer(t);
        }
    }

    fn close(&mut self, t: u64) {
        if !self.page.open {
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
    #[inline(always)]
    pub(super) fn server(&mut self, t: u64, req: Req) -> Reach {
        if let Some(session) = self.session.as_mut() {
            let modifies = matches!(req, Req::Submit | Req::Extend);
            let gap = if modifies && self.p.refresh == Refresh::OnModify {
                0
            } else {
                self.p.refresh_gap
            };
            if t - session.refreshed_at >= gap {
                session.refreshed_at = t;
                self.deadline = t
                    .saturating_add(self.p.idle)
                    .min(session.login_at.saturating_add(self.p.absolute));
            }
            return Reach::Live;
        }
        self.server_without_session(t, req)
    }

    /// A request that found no live session: a ping changes nothing; anything
    /// else logs in, silently with remember-me or explicitly.
    #[inline(never)]
    fn server_without_session(&mut self, t: u64, req: Req) -> Reach {
        if matches!(req, Req::Keepalive | Req::Extend) {
            return Reach::Dead;
        }
        let remembered = self.p.remember != NEVER
            && self.remembered_login != NEVER
            && t - self.remembered_login < self.p.remember;
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
        self.remembered_login = t;
        Reach::Login
    }

    fn start_session(&mut self, t: u64) {
        let session = Session {
            identity: self.next_identity,
            login_at: t,
            refreshed_at: t,
            csrf_written: false,
        };
        self.deadline = self.deadline_of(&session);
        self.session = Some(session);
        self.next_identity += 1;
    }

    pub(super) fn end_session(&mut self, at: u64, reason: EndReason) {
        let Some(s) = self.session.take() else { return };
        self.deadline = NEVER;
        let away_from = self
            .last_present
            .saturating_add(self.p.away)
            .max(s.login_at);
        self.metrics.unattended_ms += at.saturating_sub(away_from);
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
    pub(super) fn count_logout(&mut self, met: u64, end: u64, last_present: u64) {
        let while_present = last_present != NEVER && end.saturating_sub(last_present) < self.p.away;
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
            self.close_page(t);
            return;
        };
        let identity = session.identity;
        // Writing the CSRF secret is a modification of the session.
        let writes_csrf = self.p.csrf && !session.csrf_written;
        session.csrf_written |= writes_csrf;
        if writes_csrf && self.p.refresh == Refresh::OnModify {
            self.refresh_session(t);
        }
        let edits = match self.draft.take() {
            Some(draft) => {
                self.metrics.drafts_restored += 1;
                self.sink.note(t, Outcome::DraftRestored);
                PageEdits::from_draft(draft)
            }
            None => PageEdits::default(),
        };
        self.page = Page {
            open: true,
            view_at: t,
            identity,
            edits,
            last_reset: t,
            warn: if self.p.lead != NEVER {
                Warn::Pending
            } else {
                Warn::Off
            },
            keepalive_due: t.saturating_add(self.p.keepalive),
        };
        self.update_next();
    }

    /// The page goes away; its edits are discarded (the caller counts any loss).
    fn close_page(&mut self, t: u64) {
        if self.page.open && self.page.warn == Warn::Shown {
            self.sink.note(t, Outcome::WarningCleared);
        }
        self.page = CLOSED;
        self.next_at = NEVER;
    }

    /// The session, not the user, tears the page's edits down.
    fn tear_down_edits(&mut self, t: u64) {
        let edits = std::mem::take(&mut self.page.edits);
        if edits.count == 0 {
            return;
        }
        let edits = self.with_typing(edits);
        if self.p.preserve_drafts {
            self.draft = Some(edits);
        } else {
            self.lose(t, edits);
        }
    }

    /// The page's edits with their typing time: the draft's, then the gaps
    /// between the inputs typed on this page, which are the last inputs
    /// before `pos` (every input since the page's view or last save is one of
    /// its edits), each gap up to `away_after`.
    fn with_typing(&self, edits: PageEdits) -> Edits {
        let mut typing = edits.draft.typing;
        let mut new = edits.count - edits.draft.count;
        let mut later: Option<u64> = None;
        for e in self.events[..self.pos].iter().rev() {
            if new == 0 {
                break;
            }
            if e.kind() != EventKind::Input {
                continue;
            }
            let t = e.time();
            if let Some(next) = later {
                typing += (next - t).min(self.p.away);
            }
            later = Some(t);
            new -= 1;
        }
        if let (Some(first_new), true) = (later, edits.draft.count > 0) {
            typing += (first_new - edits.draft.last).min(self.p.away);
        }
        Edits {
            count: edits.count,
            first: edits.first,
            last: edits.last,
            typing,
        }
    }

    /// Counts edits the session tore down as lost.
    pub(super) fn lose(&mut self, t: u64, edits: Edits) {
        let span = edits.last - edits.first;
        self.metrics.lost_inputs += u64::from(edits.count);
        self.metrics.lost_edit_ms += span;
        self.metrics.lost_typing_ms += edits.typing;
        self.sink.note(
            t,
            Outcome::LostEdits {
                inputs: edits.count,
                edit_ms: span,
                typing_ms: edits.typing,
            },
        );
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
        self.remembered_login = NEVER;
        self.tear_down_edits(m);
        self.close_page(m);
    }

    /// A request of this page reached a live session: a new timer cycle.
    fn reset_timer(&mut self, t: u64) {
        if !self.p.timer || !self.page.open {
            return;
        }
        if self.page.warn == Warn::Shown {
            self.sink.note(t, Outcome::WarningCleared);
        }
        self.page.last_reset = t;
        if self.p.lead != NEVER {
            self.page.warn = Warn::Pending;
        }
        self.update_next();
    }

    fn set_warn(&mut self, warn: Warn) {
        if self.page.open {
            self.page.warn = warn;
        }
        self.update_next();
    }

    /// After a present event, the first tick after it will ping.
    fn schedule_keepalive(&mut self, t: u64) {
        if !self.page.open {
            return;
        }
        let interval = self.p.keepalive;
        let ticks_passed = (t - self.page.view_at) / interval;
        let due = self.page.view_at + (ticks_passed + 1) * interval;
        self.page.keepalive_due = due;
        self.next_at = self.next_at.min(due);
    }

    /// The horizon: page happenings before it, then whatever session is left ends.
    fn finish(&mut self) {
        let horizon = self.p.horizon;
        if horizon == 0 {
            return;
        }
        self.pos = self.events.len();
        self.advance_to(horizon - 1);
        self.finish_session();
    }

    /// At the horizon: the session still alive ends (at its deadline, if that
    /// is the horizon itself).
    pub(super) fn finish_session(&mut self) {
        let horizon = self.p.horizon;
        if self.session.is_some() {
            let deadline = self.deadline;
            if deadline <= horizon {
                self.end_session(deadline, EndReason::Expired);
            } else {
                self.end_session(horizon, EndReason::Horizon);
            }
        }
    }
}
