//! One user's replay with several tabs and device sleep: SPEC revision 2.
//!
//! The server side (session, logins, logouts, presence) is the one-tab
//! engine's own ([`UserSim`], whose page stays closed here); this file adds
//! what belongs to tabs: a page per tab (edits, CSRF token, draft, keepalive
//! ticks), client timers (one per open tab, or one shared by all tabs with
//! `tab_sync`), and sleep, which pauses every page script.
//!
//! The loop is the one-tab engine's: between two trace events the pages'
//! timed happenings are processed in time order, and at one instant in the
//! SPEC's order (missed, redirect, shown, keepalive tick, then the user's
//! event), tabs ascending within each step. Users with one tab and no sleep
//! never come here (see [`super::user::simulate_user`]); the reference-engine
//! test replays them here too, to hold the two engines to the same results.

use crate::model::{Event, EventKind, Refresh};

use super::metrics::Metrics;
use super::outcome::{Outcome, Sink};
use super::user::{Edits, INPUT, NEVER, Params, Reach, Req, UserSim, Warn};

/// A client timer: its cycle's start and the cycle's warning, and its next
/// happening kept with them (it is read at every event, the others change
/// far less often: worked out at each read it cost about 9 % of the tab
/// engine's instructions). Changed only through its methods, which keep
/// `next` in step; debug builds check it at every read.
#[derive(Clone, Copy, Debug)]
struct Timer {
    last_reset: u64,
    warn: Warn,
    next: u64,
}

impl Timer {
    /// A new cycle starting at `t`.
    fn fresh(t: u64, p: &Params) -> Timer {
        Timer {
            last_reset: t,
            warn: p.fresh_warn,
            // `happening` of a fresh cycle.
            next: t.saturating_add(p.cycle_offset),
        }
    }

    fn set_warn(&mut self, warn: Warn, p: &Params) {
        self.warn = warn;
        self.next = self.happening(p);
    }

    /// The cycle moved `d` later (a monotonic clock after a sleep).
    fn shift(&mut self, d: u64, p: &Params) {
        self.last_reset += d;
        self.next = self.happening(p);
    }

    /// Its next happening: the warning, the missed warning or the redirect.
    #[inline(always)]
    fn next(&self, p: &Params) -> u64 {
        debug_assert_eq!(self.next, self.happening(p));
        self.next
    }

    fn deadline(&self, p: &Params) -> u64 {
        self.last_reset.saturating_add(p.idle)
    }

    fn warning_at(&self, p: &Params) -> u64 {
        self.deadline(p) - p.lead
    }

    /// [`Timer::next`] worked out.
    ///
    /// Selected rather than matched: the warning's state comes in no
    /// predictable order, and as a `match` (a jump table) this mispredicted
    /// about one call in eight.
    fn happening(&self, p: &Params) -> u64 {
        use std::hint::select_unpredictable as pick;
        let deadline = self.deadline(p);
        let pending = self.warn == Warn::Pending;
        let due = pending || self.warn == Warn::Shown;
        let warning = deadline - pick(pending, p.lead, 0);
        let next = pick(due, warning, NEVER);
        next.min(pick(p.redirect, deadline, NEVER))
    }
}

/// An open page in one tab.
#[derive(Clone, Copy, Debug)]
struct Page {
    view_at: u64,
    /// The session identity its CSRF token was issued under.
    identity: u32,
    edits: Edits,
    /// Its own client timer (unused with `tab_sync`).
    timer: Timer,
    /// Keepalive ticks fall at `tick_base + k * interval` (the view, moved
    /// later by every sleep since).
    tick_base: u64,
    /// The next tick that may ping (`NEVER`: none until the user is present again).
    ping_due: u64,
    /// The user's last present event in this tab.
    last_present: u64,
}

#[derive(Clone, Copy, Debug, Default)]
struct Tab {
    page: Option<Page>,
    /// Edits torn down under `preserve_drafts`, waiting for this tab's next page.
    draft: Option<Edits>,
}

/// Every tab a trace can name (0–255), in a fixed-size table: a tab index
/// is masked into range, which costs one instruction where a `Vec`'s bounds
/// check cost a compare and a branch at every access (about 8 % of the
/// tab engine's instructions). Loops look at the first `len` tabs, those the
/// user's events name. The table (35 KB) is kept for the thread's next user
/// and only those tabs cleared: built afresh for each user it cost 4 % of
/// the instructions in copying alone.
struct TabTable {
    tabs: Box<[Tab; 256]>,
    len: usize,
}

thread_local! {
    static SPARE_TABLE: std::cell::Cell<Option<Box<[Tab; 256]>>> =
        const { std::cell::Cell::new(None) };
}

impl TabTable {
    fn new(len: usize) -> Self {
        let mut tabs = SPARE_TABLE
            .take()
            .unwrap_or_else(|| Box::new([Tab::default(); 256]));
        tabs[..len].fill(Tab::default());
        TabTable { tabs, len }
    }

    /// Keeps the table for the thread's next user.
    fn recycle(self) {
        SPARE_TABLE.set(Some(self.tabs));
    }

    fn len(&self) -> usize {
        self.len
    }

    fn iter(&self) -> std::slice::Iter<'_, Tab> {
        self.tabs[..self.len].iter()
    }

    fn iter_mut(&mut self) -> std::slice::IterMut<'_, Tab> {
        self.tabs[..self.len].iter_mut()
    }
}

impl std::ops::Index<usize> for TabTable {
    type Output = Tab;

    /// Tabs are below 256 (a trace's tab is a byte): the mask changes nothing.
    #[inline(always)]
    fn index(&self, tab: usize) -> &Tab {
        &self.tabs[tab & 0xff]
    }
}

impl std::ops::IndexMut<usize> for TabTable {
    #[inline(always)]
    fn index_mut(&mut self, tab: usize) -> &mut Tab {
        &mut self.tabs[tab & 0xff]
    }
}

/// The kinds [`TabSim::quiet_typing`] takes: key presses and mouse moves.
const TYPING_KINDS: u8 = 1 << EventKind::Input as u8 | 1 << EventKind::Activity as u8;

/// The fewest events [`TabSim::quiet_typing`] takes on.
const MIN_QUIET_RUN: usize = 2;

/// `SYNC` is the policy's `tab_sync`, `TICKS` whether it has keepalive
/// ticks: constants of each replay, so that the events' paths do not test
/// them again and again (see [`simulate_tabs`]).
struct TabSim<'a, S: Sink, const SYNC: bool, const TICKS: bool> {
    core: UserSim<'a, S>,
    p: &'a Params,
    tabs: TabTable,
    /// How many tabs have a page open.
    open_pages: usize,
    /// The shared client timer (`tab_sync`), while any tab is open.
    shared: Option<Timer>,
    /// When the device went to sleep, while it sleeps.
    asleep_since: Option<u64>,
    /// The earliest page happening (`NEVER`: none), kept in step.
    next_at: u64,
    /// Some open page may have no keepalive tick scheduled (a tick just
    /// passed without a ping): the next present event schedules them.
    pings_unscheduled: bool,
}

/// Replays one user's events (already cut at the horizon) with tabs and sleep.
pub fn simulate_tabs<S: Sink>(params: &Params, events: &[Event], sink: &mut S) -> Metrics {
    match (params.tab_sync, params.keepalive != NEVER) {
        (false, false) => replay::<S, false, false>(params, events, sink),
        (false, true) => replay::<S, false, true>(params, events, sink),
        (true, false) => replay::<S, true, false>(params, events, sink),
        (true, true) => replay::<S, true, true>(params, events, sink),
    }
}

/// [`simulate_tabs`] for a policy whose `tab_sync` is `SYNC` and that has
/// keepalive ticks if `TICKS`.
fn replay<S: Sink, const SYNC: bool, const TICKS: bool>(
    params: &Params,
    events: &[Event],
    sink: &mut S,
) -> Metrics {
    // A fold over bytes that the compiler vectorises: this pass over every
    // event cost 7.5 instructions an event as a `max` of `usize`s.
    let last_tab = events.iter().fold(0u8, |last, e| last.max(e.tab()));
    let mut sim = TabSim::<S, SYNC, TICKS> {
        core: UserSim::new(params, sink),
        p: params,
        tabs: TabTable::new(usize::from(last_tab) + 1),
        open_pages: 0,
        shared: None,
        asleep_since: None,
        next_at: NEVER,
        pings_unscheduled: false,
    };
    let mut next = 0;
    while let Some(e) = events.get(next) {
        next += 1;
        next += sim.event(e.time(), e.kind(), usize::from(e.tab()), &events[next..]);
    }
    sim.finish();
    let TabSim { core, tabs, .. } = sim;
    tabs.recycle();
    core.metrics
}

impl<S: Sink, const SYNC: bool, const TICKS: bool> TabSim<'_, S, SYNC, TICKS> {
    // ----- time -------------------------------------------------------------

    /// Processes every page happening at or before `limit`, then the session
    /// expiry. While the device sleeps no page script runs.
    ///
    /// Inlined into each event: most events find nothing due, and as a call
    /// (with the happenings' loop inside) this cost 16 instructions an event
    /// in saving and restoring registers alone.
    #[inline(always)]
    fn advance_to(&mut self, limit: u64) {
        if self.next_at <= limit && self.asleep_since.is_none() {
            self.happenings_until(limit);
        }
        self.core.settle(limit);
    }

    /// [`TabSim::advance_to`]'s loop, out of line.
    #[inline(never)]
    fn happenings_until(&mut self, limit: u64) {
        while self.next_at <= limit {
            self.happenings_at(self.next_at);
        }
    }

    /// The earliest warning, client deadline or keepalive tick still to come.
    fn update_next(&mut self) {
        self.next_at = self.earliest();
    }

    /// What [`TabSim::update_next`] sets `next_at` to.
    fn earliest(&self) -> u64 {
        let p = self.p;
        let mut next = self.shared.map_or(NEVER, |t| t.next(p));
        // Every tab the user's events name, an absent page giving `NEVER`:
        // selects rather than a branch on each tab's page, which pages
        // opening and closing made hard to predict.
        for tab in self.tabs.iter() {
            let (ping, timer) = tab.page.as_ref().map_or((NEVER, NEVER), |page| {
                let timer = if p.timer && !SYNC {
                    page.timer.next(p)
                } else {
                    NEVER
                };
                (page.ping_due, timer)
            });
            next = next.min(ping).min(timer);
        }
        next
    }

    /// [`TabSim::earliest`] without the timer that governs `tab` (its own,
    /// or the shared one): what a run of events in `tab` cannot move.
    fn earliest_but_timer(&self, tab: usize) -> u64 {
        let p = self.p;
        let mut next = NEVER;
        for (i, other) in self.tabs.iter().enumerate() {
            if let Some(page) = &other.page {
                next = next.min(page.ping_due);
                if p.timer && !SYNC && i != tab {
                    next = next.min(page.timer.next(p));
                }
            }
        }
        next
    }

    /// The timer that governs `tab`: its own, or the shared one.
    fn timer_mut(&mut self, tab: usize) -> Option<&mut Timer> {
        if !self.p.timer {
            None
        } else if SYNC {
            self.shared.as_mut()
        } else {
            self.tabs[tab].page.as_mut().map(|page| &mut page.timer)
        }
    }

    /// Calls `step` with each timer as (tab, timer), tabs ascending: the
    /// shared one counts as the lowest open tab's. Each call sees the timers
    /// as the calls before it left them.
    fn each_timer(&mut self, m: u64, step: impl Fn(&mut Self, u64, usize, Timer)) {
        if !self.p.timer {
            return;
        }
        if SYNC {
            if let (Some(timer), Some(lowest)) = (self.shared, self.lowest_open()) {
                self.core.sink.in_tab(lowest);
                step(self, m, lowest, timer);
            }
            return;
        }
        for tab in 0..self.tabs.len() {
            if let Some(page) = self.tabs[tab].page {
                self.core.sink.in_tab(tab);
                step(self, m, tab, page.timer);
            }
        }
    }

    fn lowest_open(&self) -> Option<usize> {
        self.tabs.iter().position(|t| t.page.is_some())
    }

    fn any_open(&self) -> bool {
        self.open_pages > 0
    }

    /// Everything the pages do at instant `m`, in the SPEC's order.
    fn happenings_at(&mut self, m: u64) {
        self.core.settle(m);
        let p = self.p;
        // 1. A shown warning reaching its deadline unanswered is missed.
        self.each_timer(m, |sim, m, tab, timer| {
            if timer.warn == Warn::Shown && timer.deadline(p) == m {
                sim.miss(m, tab);
            }
        });
        // 2. The client redirect.
        if p.redirect {
            self.each_timer(m, |sim, m, tab, timer| {
                if timer.deadline(p) == m {
                    sim.redirect(m, tab);
                }
            });
        }
        // 3. A new warning is shown.
        self.each_timer(m, |sim, m, tab, timer| {
            if timer.warn == Warn::Pending && timer.warning_at(p) == m {
                sim.show(m, tab);
            }
        });
        // 4. The keepalive ticks.
        for tab in 0..self.tabs.len() {
            if self.tabs[tab].page.is_some_and(|page| page.ping_due == m) {
                self.core.sink.in_tab(tab);
                self.tick(m, tab);
            }
        }
        self.update_next();
    }

    fn miss(&mut self, m: u64, tab: usize) {
        self.core.metrics.warnings_missed += 1;
        self.core.sink.note(m, Outcome::WarningMissed);
        self.set_warn(tab, Warn::Done);
    }

    fn show(&mut self, m: u64, tab: usize) {
        self.core.metrics.warnings_shown += 1;
        self.core.sink.note(m, Outcome::WarningShown);
        self.set_warn(tab, Warn::Shown);
    }

    fn set_warn(&mut self, tab: usize, warn: Warn) {
        let p = self.p;
        if let Some(timer) = self.timer_mut(tab) {
            timer.set_warn(warn, p);
        }
    }

    /// A keepalive tick of `tab`'s page: a ping if the user was present in
    /// the interval before it (in this tab, or with `tab_sync` in any).
    fn tick(&mut self, m: u64, tab: usize) {
        let p = self.p;
        let Some(page) = self.tabs[tab].page.as_mut() else {
            return;
        };
        page.ping_due = NEVER;
        self.pings_unscheduled = true;
        let present = if SYNC {
            self.core.last_present
        } else {
            page.last_present
        };
        // Only after a sleep can the last presence lie before the window.
        if present == NEVER || present < m.saturating_sub(p.keepalive) {
            return;
        }
        self.core.metrics.keepalive_pings += 1;
        self.core.sink.note(m, Outcome::KeepalivePing);
        if self.core.server(m, Req::Keepalive) == Reach::Live {
            self.reset_timer(m, tab);
        }
    }

    /// The first tick after a present event at `t` will ping (if the user is
    /// still in its window then).
    fn schedule_ping(&mut self, t: u64, tab: usize) {
        let interval = self.p.keepalive;
        if interval == NEVER {
            return;
        }
        if let Some(page) = self.tabs[tab].page.as_mut()
            && page.ping_due == NEVER
        {
            let ticks_passed = (t - page.tick_base) / interval;
            page.ping_due = page.tick_base + (ticks_passed + 1) * interval;
            self.next_at = self.next_at.min(page.ping_due);
        }
    }

    // ----- the user's events -------------------------------------------------

    /// Replays the event at `t`; returns how many of the `later` events it
    /// took with it (see [`TabSim::quiet_typing`]).
    fn event(&mut self, t: u64, kind: EventKind, tab: usize, later: &[Event]) -> usize {
        self.advance_to(t);
        self.core.sink.in_tab(tab);
        match kind {
            // One arm for each kind, so that each inlined copy knows its kind
            // (one `if` fewer, mispredicted on one key press or mouse move in 15).
            EventKind::Input if self.quiet_for(tab) => {
                self.quiet_event(t, EventKind::Input, tab);
                // The quiet paths keep `next_at` in step without `update_next`.
                debug_assert_eq!(self.next_at, self.earliest());
                return self.quiet_typing(later, tab);
            }
            EventKind::Activity if self.quiet_for(tab) => {
                self.quiet_event(t, EventKind::Activity, tab);
                debug_assert_eq!(self.next_at, self.earliest());
                return self.quiet_typing(later, tab);
            }
            EventKind::Request if self.core.session.is_some() && self.quiet_for(tab) => {
                self.quiet_request(t, tab);
                debug_assert_eq!(self.next_at, self.earliest());
                return 0;
            }
            EventKind::View if self.quiet_view_for(tab) => {
                self.quiet_view(t, tab);
                debug_assert_eq!(self.next_at, self.earliest());
                return 0;
            }
            _ => {}
        }
        match kind {
            EventKind::Sleep => self.asleep_since = Some(t),
            EventKind::Wake => self.wake(t),
            EventKind::Close => self.close(t, tab),
            _ => self.present_event(t, kind, tab),
        }
        self.update_next();
        0
    }

    /// Whether a key press or mouse move in `tab` does nothing but its own
    /// bookkeeping (and, under `RequestsAndActivity`, a new timer cycle): its
    /// page is open and no warning is shown on its timer. (The device is
    /// awake: nothing but a wake comes while it sleeps.) Most events are such.
    #[inline(always)]
    fn quiet_for(&self, tab: usize) -> bool {
        let Some(page) = &self.tabs[tab].page else {
            return false;
        };
        let shown = match (self.p.timer, SYNC) {
            (false, _) => false,
            (true, true) => self.shared.is_some_and(|t| t.warn == Warn::Shown),
            (true, false) => page.timer.warn == Warn::Shown,
        };
        !shown
    }

    /// Whether a view in `tab` only replaces a quiet page (see
    /// [`TabSim::quiet_for`]) with a fresh one: the session is live (the view
    /// refreshes it and nothing else), its CSRF secret needs no writing, no
    /// draft waits, and (with `tab_sync` and ticks) every page has its tick.
    #[inline(always)]
    fn quiet_view_for(&self, tab: usize) -> bool {
        let session_ready = self
            .core
            .session
            .is_some_and(|s| s.csrf_written || !self.p.csrf);
        let ticks_ready = !(TICKS && SYNC && self.pings_unscheduled);
        session_ready && ticks_ready && self.tabs[tab].draft.is_none() && self.quiet_for(tab)
    }

    /// [`TabSim::present_event`] for a view found quiet by
    /// [`TabSim::quiet_view_for`]: `view`'s close and open of the page in one
    /// step, keeping `next_at` in step as [`TabSim::restart_timer`] does.
    /// Views are about one event in six, and through `view` and
    /// `update_next` each cost about two and a half key presses.
    fn quiet_view(&mut self, t: u64, tab: usize) {
        let p = self.p;
        self.core.note_presence(t);
        self.core.server(t, Req::View);
        let Some(identity) = self.core.session.map(|s| s.identity) else {
            return;
        };
        let Some(page) = self.tabs[tab].page.as_mut() else {
            return;
        };
        // The old page's happenings (with `tab_sync`, the shared timer's).
        // Without a client timer a timer's next happening is `NEVER`.
        let old_timer_next = if SYNC {
            self.shared.map_or(NEVER, |timer| timer.next(p))
        } else {
            page.timer.next(p)
        };
        let old_next = page.ping_due.min(old_timer_next);
        let fresh = Timer::fresh(t, p);
        let ping_due = t.saturating_add(p.keepalive);
        *page = Page {
            view_at: t,
            identity,
            edits: Edits::default(),
            timer: fresh,
            tick_base: t,
            ping_due,
            last_present: t,
        };
        self.core.sink.page(t, tab, false);
        self.core.sink.page(t, tab, true);
        if p.timer && SYNC {
            self.shared = Some(fresh);
        }
        let new_next = fresh.next(p).min(ping_due);
        if old_next > self.next_at {
            self.next_at = self.next_at.min(new_next);
        } else if self.open_pages == 1 {
            self.next_at = new_next;
        } else {
            self.update_next();
        }
    }

    /// [`TabSim::present_event`] for a quiet key press or mouse move. The
    /// page happenings it can move are a keepalive tick, which
    /// `schedule_ping` folds into `next_at`, and under `RequestsAndActivity`
    /// its timer's, which `restart_timer` keeps in step: `update_next` is
    /// not needed.
    #[inline(always)]
    fn quiet_event(&mut self, t: u64, kind: EventKind, tab: usize) {
        self.core.note_presence(t);
        let away = self.p.away;
        if let Some(page) = self.tabs[tab].page.as_mut() {
            if kind == EventKind::Input {
                page.edits.add(t, away);
            }
            page.last_present = t;
        }
        if self.p.resets_on_activity {
            self.restart_timer(t, tab);
        }
        self.schedule_pings(t, tab);
    }

    /// After a quiet key press or mouse move in `tab`: the key presses and
    /// mouse moves that follow it there, up to the first that meets
    /// something due, replayed in one loop; returns how many it took.
    ///
    /// Typing and pointing come in long runs in one tab (about 15 events a
    /// run in a generated office week). In such a run nothing reaches the
    /// server, so the session's deadline stands; only this tab's timer moves
    /// (under `RequestsAndActivity`, to each event), so nothing comes due
    /// while every event is before the earliest other happening and the
    /// session's deadline and, if the timer restarts, within a cycle of the
    /// event before it. The loop keeps presence, unattended time and the
    /// page's edits in registers (as [`TabSim::quiet_event`] would, event by
    /// event) and writes them back once. Runs shorter than
    /// [`MIN_QUIET_RUN`] are left to the event-by-event path. The reference-
    /// engine tests hold both paths to the same results.
    #[inline(always)]
    fn quiet_typing(&mut self, later: &[Event], tab: usize) -> usize {
        let tab_bits = (tab as u64) << 3;
        let typing_here = |e: &Event| {
            let kind = e.tab_and_kind().wrapping_sub(tab_bits);
            u64::from(TYPING_KINDS) >> kind.min(63) & 1 != 0
        };
        match later.get(..MIN_QUIET_RUN) {
            Some(first) if first.iter().all(typing_here) && self.core.session.is_some() => {
                self.quiet_typing_run(later, tab)
            }
            _ => 0,
        }
    }

    /// [`TabSim::quiet_typing`]'s loop, out of line.
    #[inline(never)]
    fn quiet_typing_run(&mut self, later: &[Event], tab: usize) -> usize {
        use std::hint::select_unpredictable as pick;
        let p = self.p;
        let Some(page) = self.tabs[tab].page else {
            return 0;
        };
        let restarts = p.resets_on_activity;
        // The earliest happening the run cannot move, and the gap between
        // two events that would let this tab's timer come due.
        let (limit, cycle) = if restarts {
            let timer = if SYNC { self.shared } else { Some(page.timer) };
            let timer_next = timer.map_or(NEVER, |timer| timer.next(self.p));
            let others = if self.next_at < timer_next {
                self.next_at
            } else {
                self.earliest_but_timer(tab)
            };
            (others, p.cycle_offset)
        } else {
            (self.next_at, NEVER)
        };
        let limit = limit.min(self.core.deadline);
        let away = p.away;
        let mut previous = self.core.last_present;
        let mut unattended = self.core.metrics.unattended_ms;
        let edits = page.edits;
        // `t - last_input` saturates to 0 for the page's first edit.
        let mut last_input = if edits.count > 0 { edits.last } else { NEVER };
        let (mut typing, mut count) = (edits.typing, edits.count);
        let tab_bits = (tab as u64) << 3;
        let mut taken = later.len();
        for (i, e) in later.iter().enumerate() {
            let t = e.time();
            let kind = e.tab_and_kind().wrapping_sub(tab_bits);
            let typing_kind = u64::from(TYPING_KINDS) >> kind.min(63) & 1 != 0;
            if !typing_kind || t >= limit || t - previous >= cycle {
                taken = i;
                break;
            }
            // note_presence: the previous event was present, after the login.
            unattended += (t - previous).saturating_sub(away);
            previous = t;
            // Edits::add
            let input = kind == u64::from(INPUT);
            typing += pick(input, t.saturating_sub(last_input).min(away), 0);
            last_input = pick(input, t, last_input);
            count += u32::from(input);
        }
        if taken == 0 {
            return 0;
        }
        self.core.last_present = previous;
        self.core.metrics.unattended_ms = unattended;
        if let Some(page) = self.tabs[tab].page.as_mut() {
            if edits.count == 0 && count > 0 {
                let first = later.iter().find(|e| e.kind() == EventKind::Input);
                page.edits.first = first.map_or(page.edits.first, |e| e.time());
            }
            page.edits.count = count;
            page.edits.typing = typing;
            page.edits.last = if count > 0 { last_input } else { edits.last };
            page.last_present = previous;
        }
        if restarts {
            self.restart_timer(previous, tab);
        }
        taken
    }

    /// [`TabSim::present_event`] for a request of a quiet page (see
    /// [`TabSim::quiet_for`]) to a live session: it refreshes the session and
    /// starts a new timer cycle, and nothing else.
    #[inline(always)]
    fn quiet_request(&mut self, t: u64, tab: usize) {
        self.core.note_presence(t);
        self.core.server(t, Req::Request);
        self.restart_timer(t, tab);
        if let Some(page) = self.tabs[tab].page.as_mut() {
            page.last_present = t;
        }
        self.schedule_pings(t, tab);
    }

    /// [`TabSim::reset_timer`] for a timer with no warning shown, keeping
    /// `next_at` in step. The old cycle's happening was not before `next_at`;
    /// if it came later, something else is the earliest and stays so unless
    /// the new cycle's comes sooner. When it was the earliest and `tab`'s is
    /// the only open page, the earliest is the new cycle's or the page's
    /// keepalive tick (with `tab_sync` too: the shared timer is the one
    /// restarted). Only otherwise must every page be looked at again.
    #[inline(always)]
    fn restart_timer(&mut self, t: u64, tab: usize) {
        let p = self.p;
        let next_at = self.next_at;
        let Some(timer) = self.timer_mut(tab) else {
            return;
        };
        let old_next = timer.next(p);
        *timer = Timer::fresh(t, p);
        let new_next = timer.next;
        if old_next > next_at {
            self.next_at = next_at.min(new_next);
        } else if let (1, Some(page)) = (self.open_pages, &self.tabs[tab].page) {
            self.next_at = new_next.min(page.ping_due);
        } else {
            self.update_next();
        }
    }

    /// After a present event in `tab`: the first tick after it will ping, in
    /// that tab, or with `tab_sync` in every open tab. Inlined (most present
    /// events find every tick scheduled), with the loop out of line.
    #[inline(always)]
    fn schedule_pings(&mut self, t: u64, tab: usize) {
        if !TICKS {
            return;
        }
        if SYNC {
            // Afterwards every open page has its tick (a page opens with one),
            // so most present events skip the loop.
            if std::mem::take(&mut self.pings_unscheduled) {
                self.schedule_every_ping(t);
            }
        } else {
            self.schedule_ping(t, tab);
        }
    }

    #[inline(never)]
    fn schedule_every_ping(&mut self, t: u64) {
        for tab in 0..self.tabs.len() {
            self.schedule_ping(t, tab);
        }
    }

    fn present_event(&mut self, t: u64, kind: EventKind, tab: usize) {
        self.core.note_presence(t);
        if self
            .timer_mut(tab)
            .is_some_and(|timer| timer.warn == Warn::Shown)
        {
            self.answer_warning(t, tab);
        }
        if kind != EventKind::View && self.tabs[tab].page.is_none() {
            self.view(t, tab); // the implicit view that opens a page
        }
        match kind {
            EventKind::View => self.view(t, tab),
            EventKind::Request => self.request(t, tab),
            EventKind::Submit => self.submit(t, tab),
            EventKind::Input => {
                if let Some(page) = self.tabs[tab].page.as_mut() {
                    page.edits.add(t, self.p.away);
                }
                self.client_activity(t, tab);
            }
            EventKind::Activity => self.client_activity(t, tab),
            EventKind::Close | EventKind::Sleep | EventKind::Wake => {}
        }
        if let Some(page) = self.tabs[tab].page.as_mut() {
            page.last_present = t;
        }
        self.schedule_pings(t, tab);
    }

    /// The first present event while a warning is shown answers it.
    fn answer_warning(&mut self, t: u64, tab: usize) {
        self.core.metrics.warnings_heeded += 1;
        self.core.sink.note(t, Outcome::WarningHeeded);
        self.set_warn(tab, Warn::Done);
        if self.p.extend {
            self.core.metrics.extend_pings += 1;
            self.core.sink.note(t, Outcome::ExtendPing);
            if self.core.server(t, Req::Extend) == Reach::Live {
                self.reset_timer(t, tab);
            }
        }
    }

    /// A page load in `tab`: the request, then its old page goes and a new one opens.
    fn view(&mut self, t: u64, tab: usize) {
        self.core.server(t, Req::View);
        self.close_page(t, tab);
        self.open_page(t, tab);
    }

    fn request(&mut self, t: u64, tab: usize) {
        match self.core.server(t, Req::Request) {
            Reach::Live | Reach::Silent => self.reset_timer(t, tab),
            Reach::Login => {
                // Bounced to the login page: the page reloads and its edits are gone.
                self.tear_down_edits(t, tab);
                self.view(t, tab);
            }
            Reach::Dead => {}
        }
    }

    fn submit(&mut self, t: u64, tab: usize) {
        self.core.metrics.submits += 1;
        match self.core.server(t, Req::Submit) {
            Reach::Live | Reach::Silent => {
                self.reset_timer(t, tab);
                if self.csrf_token_valid(t, tab) {
                    self.save(t, tab);
                } else {
                    self.core.metrics.csrf_failures += 1;
                    self.core.sink.note(t, Outcome::CsrfFailure);
                    self.fail_submit(t, tab);
                }
            }
            Reach::Login => self.fail_submit(t, tab),
            Reach::Dead => {}
        }
    }

    /// A submit the server refused: the page reloads; the work is lost, or with
    /// `preserve_drafts` restored into the new page and submitted again at once.
    fn fail_submit(&mut self, t: u64, tab: usize) {
        self.tear_down_edits(t, tab);
        self.view(t, tab);
        if self.p.preserve_drafts {
            if self.core.server(t, Req::Submit) == Reach::Live {
                self.reset_timer(t, tab);
            }
            self.save(t, tab);
        } else {
            self.core.metrics.lost_submits += 1;
            self.core.sink.note(t, Outcome::SubmitLost);
        }
    }

    fn save(&mut self, t: u64, tab: usize) {
        self.core.metrics.saved_submits += 1;
        self.core.sink.note(t, Outcome::SubmitSaved);
        if let Some(page) = self.tabs[tab].page.as_mut() {
            page.edits = Edits::default();
        }
    }

    /// Issued at this page's view, under the same session identity, and young enough.
    fn csrf_token_valid(&self, t: u64, tab: usize) -> bool {
        if !self.p.csrf {
            return true;
        }
        let (Some(page), Some(session)) = (self.tabs[tab].page, self.core.session) else {
            return false;
        };
        page.identity == session.identity && t - page.view_at < self.p.csrf_limit
    }

    /// Input and activity restart the client timer only under `RequestsAndActivity`.
    fn client_activity(&mut self, t: u64, tab: usize) {
        if self.p.resets_on_activity {
            self.reset_timer(t, tab);
        }
    }

    /// The tab closes; with `browser_session`, the browser quits with its last tab.
    fn close(&mut self, t: u64, tab: usize) {
        if self.tabs[tab].page.is_none() {
            return; // closing a closed page does nothing
        }
        self.close_page(t, tab);
        if self.p.browser_session && !self.any_open() {
            if self.core.session.is_some() {
                self.core.end_session(t, super::EndReason::Closed);
            } else if let Some(ended) = self.core.ended.as_mut() {
                // The user closed the browser: the next login is expected, not a logout.
                ended.logout_pending = false;
            }
        }
    }

    /// The device resumes after sleeping since `s`: interval timers resume
    /// where they paused; a `Monotonic` client timer does too, a `Wall` one
    /// catches up at once with what came due while asleep.
    fn wake(&mut self, w: u64) {
        let Some(s) = self.asleep_since.take() else {
            return;
        };
        let d = w - s;
        let monotonic = !self.p.wall_clock;
        for page in self.tabs.iter_mut().filter_map(|t| t.page.as_mut()) {
            page.tick_base += d;
            if page.ping_due != NEVER {
                page.ping_due += d;
            }
            if monotonic {
                page.timer.shift(d, self.p);
            }
        }
        if let Some(shared) = self.shared.as_mut().filter(|_| monotonic) {
            shared.shift(d, self.p);
        }
        if !monotonic {
            self.catch_up(w);
        }
    }

    /// `Wall` at wake `w`, in the equal-instant order: shown warnings whose
    /// deadline passed are missed, deadlines that passed redirect, warnings
    /// whose time passed are shown if their deadline is still ahead and
    /// skipped if not.
    fn catch_up(&mut self, w: u64) {
        let p = self.p;
        self.core.settle(w);
        self.each_timer(w, |sim, w, tab, timer| {
            if timer.warn == Warn::Shown && timer.deadline(p) <= w {
                sim.miss(w, tab);
            }
        });
        if p.redirect {
            self.each_timer(w, |sim, w, tab, timer| {
                if timer.deadline(p) <= w {
                    sim.redirect(w, tab);
                }
            });
        }
        self.each_timer(w, |sim, w, tab, timer| {
            if timer.warn == Warn::Pending && timer.warning_at(p) <= w {
                if timer.deadline(p) > w {
                    sim.show(w, tab);
                } else {
                    sim.set_warn(tab, Warn::Done);
                }
            }
        });
    }

    // ----- the page ------------------------------------------------------------

    /// Opens a page in `tab` whose view just reached a live session.
    fn open_page(&mut self, t: u64, tab: usize) {
        let p = self.p;
        let Some(session) = self.core.session.as_mut() else {
            return;
        };
        let identity = session.identity;
        // Writing the CSRF secret is a modification of the session.
        let writes_csrf = p.csrf && !session.csrf_written;
        session.csrf_written |= writes_csrf;
        if writes_csrf && p.refresh == Refresh::OnModify {
            self.core.refresh_session(t);
        }
        let edits = match self.tabs[tab].draft.take() {
            Some(draft) => {
                self.core.metrics.drafts_restored += 1;
                self.core.sink.note(t, Outcome::DraftRestored);
                draft
            }
            None => Edits::default(),
        };
        let fresh = Timer::fresh(t, p);
        self.core.sink.page(t, tab, true);
        if self.tabs[tab].page.is_none() {
            self.open_pages += 1;
        }
        self.tabs[tab].page = Some(Page {
            view_at: t,
            identity,
            edits,
            timer: fresh,
            tick_base: t,
            ping_due: t.saturating_add(p.keepalive),
            last_present: t,
        });
        if p.timer && SYNC {
            // A view in any tab starts a new cycle of the shared timer.
            self.clear_shown(t, self.shared);
            self.shared = Some(fresh);
        }
    }

    /// The page in `tab` goes away; its edits are discarded (the caller counts
    /// any loss). With `tab_sync` the shared timer stops with the last page.
    fn close_page(&mut self, t: u64, tab: usize) {
        let Some(page) = self.tabs[tab].page.take() else {
            return;
        };
        self.open_pages -= 1;
        self.core.sink.page(t, tab, false);
        if self.p.timer && !SYNC {
            self.clear_shown(t, Some(page.timer));
        }
        if !self.any_open() {
            let shared = self.shared.take();
            self.clear_shown(t, shared);
        }
    }

    /// A shown warning that ends without an answer or a miss.
    fn clear_shown(&mut self, t: u64, timer: Option<Timer>) {
        if timer.is_some_and(|timer| timer.warn == Warn::Shown) {
            self.core.sink.note(t, Outcome::WarningCleared);
        }
    }

    /// The session, not the user, tears the page's edits down.
    fn tear_down_edits(&mut self, t: u64, tab: usize) {
        let Some(page) = self.tabs[tab].page.as_mut() else {
            return;
        };
        let edits = std::mem::take(&mut page.edits);
        if edits.count == 0 {
            return;
        }
        if self.p.preserve_drafts {
            self.tabs[tab].draft = Some(edits);
        } else {
            self.core.lose(t, edits);
        }
    }

    /// A client deadline was reached with `on_expiry: Redirect`: the user is
    /// logged out, and the page closes (with `tab_sync`, every open page).
    fn redirect(&mut self, m: u64, tab: usize) {
        if self.tabs[tab].page.is_none() {
            return; // closed by an earlier redirect at this instant
        }
        self.core.sink.note(m, Outcome::Redirect);
        let core = &mut self.core;
        if core.session.is_some() {
            let last_present = core.last_present;
            core.end_session(m, super::EndReason::Redirect);
            core.count_logout(m, m, last_present);
        } else if let Some(ended) = core.ended.filter(|e| e.logout_pending) {
            core.count_logout(m, ended.at, ended.last_present);
        }
        if let Some(ended) = core.ended.as_mut() {
            ended.logout_pending = false; // each session's end is counted once
        }
        core.remembered_login = NEVER;
        if SYNC {
            for open in 0..self.tabs.len() {
                self.core.sink.in_tab(open);
                self.tear_down_edits(m, open);
                self.close_page(m, open);
            }
        } else {
            self.tear_down_edits(m, tab);
            self.close_page(m, tab);
        }
    }

    /// A request of `tab`'s page reached a live session (or, under
    /// `RequestsAndActivity`, the user typed or moved): a new timer cycle.
    fn reset_timer(&mut self, t: u64, tab: usize) {
        let p = self.p;
        let Some(timer) = self.timer_mut(tab) else {
            return;
        };
        let old = *timer;
        *timer = Timer::fresh(t, p);
        self.clear_shown(t, Some(old));
    }

    /// The horizon: page happenings before it, then whatever session is left ends.
    fn finish(&mut self) {
        let horizon = self.p.horizon;
        if horizon == 0 {
            return;
        }
        self.advance_to(horizon - 1);
        self.core.finish_session();
    }
}
