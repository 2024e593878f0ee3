// One user's browser: a context (their cookie jar and localStorage) with tabs
// on the app, Playwright's fake clock, and the page-visible record of what
// lapse-session.js did. Time is paused; the driver moves it: `runFor` runs the
// pages' timers, a sleep is a wall-clock jump (`setSystemTime`) with no timers run
// (the pages' monotonic clocks stand still, as on a suspended laptop).
"use strict";

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0); // a Monday, 08:00 UTC

// Runs in every page before its scripts: stamps fetches with the page's clock
// (the app's server has no clock of its own) and reports what the page shows.
const INSTRUMENT = `(() => {
  const realFetch = window.fetch;
  window.fetch = function (input, init) {
    init = Object.assign({}, init || {});
    const headers = new Headers(init.headers || {});
    headers.set("x-lapse-test-now", String(Date.now()));
    init.headers = headers;
    return realFetch.call(window, input, init);
  };
  const record = (r) => { try { window.__lapseRecord(r); } catch (e) {} };
  window.addEventListener("lapse-session", (e) => {
    const box = document.querySelector("[role=region][aria-label=Session]");
    const button = box && box.querySelector("button");
    record(Object.assign({}, e.detail, {
      panel: box && !box.hidden ? box.getAttribute("data-state") : null,
      button: button && !button.hidden ? button.textContent : null,
    }));
  });
  // Unsaved text when the page goes, reported by the tab's next page (a binding
  // call from a page that is going away is lost). The driver marks the pages it
  // leaves itself (a view); the others were torn down by the session.
  window.addEventListener("pagehide", () => {
    const work = document.getElementById("work");
    const edits = work ? work.value.length : 0;
    const byUser = sessionStorage.getItem("lapse-test-user-leaving") === "1";
    sessionStorage.removeItem("lapse-test-user-leaving");
    if (edits > 0) sessionStorage.setItem("lapse-test-left", JSON.stringify({ edits, byUser, at: Date.now() }));
  });
  document.addEventListener("DOMContentLoaded", () => {
    const left = sessionStorage.getItem("lapse-test-left");
    if (!left) return;
    sessionStorage.removeItem("lapse-test-left");
    record(Object.assign({ type: "pagehide" }, JSON.parse(left)));
  });
})();`;

const sleepReal = (ms) => new Promise((r) => setTimeout(r, ms));

class BrowserUser {
  /** `options.instrument`: extra init script (e.g. to take storage away). */
  static async open(browser, app, options) {
    const u = new BrowserUser();
    u.app = app;
    u.now = 0; // ms since T0, the wall clock of every page
    u.tabs = new Map(); // tab number -> { page }
    u.records = [];
    u.console = [];
    u.errors = [];
    u.inflight = 0;
    u.lostInputs = 0;
    u.context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await u.context.clock.install({ time: T0 });
    await u.context.clock.pauseAt(T0);
    await u.context.exposeBinding("__lapseRecord", (source, rec) => u.record(source.page, rec));
    if (options && options.instrument) await u.context.addInitScript(options.instrument);
    await u.context.addInitScript(INSTRUMENT);
    u.flying = new Set();
    u.context.on("request", (r) => { u.flying.add(r); u.inflight = u.flying.size; });
    const done = (r) => { u.flying.delete(r); u.inflight = u.flying.size; };
    u.context.on("requestfinished", done);
    u.context.on("requestfailed", done);
    return u;
  }

  tabOf(page) {
    for (const [n, tab] of this.tabs) if (tab.page === page) return n;
    return -1;
  }

  record(page, rec) {
    const tab = this.tabOf(page);
    rec.tab = tab;
    rec.t = typeof rec.at === "number" ? rec.at - T0 : this.now;
    this.records.push(rec);
    // Edits the user did not discard themselves (a view or close) were lost.
    if (rec.type === "pagehide" && !rec.byUser) this.lostInputs += rec.edits;
  }

  async close() {
    await this.context.close();
  }

  // ----- time ---------------------------------------------------------------------------

  /** Runs every page's timers up to `t` (ms since T0), stopping at each instant a
   * page acts on its own so that what one tab does reaches the others in order. */
  async advanceTo(t) {
    let stuck = 0;
    for (;;) {
      const due = await this.nextDue();
      if (due === null || due > t) break;
      if (due <= this.now) {
        stuck += 1;
        if (stuck > 5) throw new Error("a page keeps saying it is due at " + due + " (now " + this.now + ")");
      } else {
        stuck = 0;
      }
      await this.step(Math.max(due, this.now));
    }
    if (t > this.now) await this.step(t);
  }

  async step(t) {
    await this.context.clock.runFor(t - this.now);
    this.now = t;
    this.app.now = t;
    await this.settle();
  }

  /** A laptop asleep from now to `t`: the wall clock jumps, no timer runs. */
  async sleepTo(t) {
    this.now = t;
    this.app.now = t;
    await this.context.clock.setSystemTime(T0 + t);
  }

  /** The earliest instant (ms since T0) at which an open page acts by itself. */
  async nextDue() {
    let due = null;
    for (const tab of this.tabs.values()) {
      const d = await this.evaluate(tab.page, () => (window.lapseSession && window.lapseSession.nextDue ? window.lapseSession.nextDue() : null));
      if (typeof d === "number" && (due === null || d - T0 < due)) due = d - T0;
    }
    return due;
  }

  async evaluate(page, fn, arg) {
    try {
      return await page.evaluate(fn, arg);
    } catch (e) {
      return undefined; // navigating: the caller settles again
    }
  }

  /** Waits until no request is in flight, every page has loaded, and the tabs agree
   * on the shared session (or stopped changing: a script that does not share). */
  async settle() {
    let last = "";
    let same = 0;
    let changedAt = Date.now();
    for (let i = 0; i < 5000; i++) {
      const states = [];
      let ready = this.inflight === 0;
      for (const tab of this.tabs.values()) {
        const s = await this.evaluate(tab.page, () => ({
          ready: document.readyState === "complete",
          path: location.pathname,
          session: window.lapseSession && window.lapseSession.state ? window.lapseSession.state() : null,
        }));
        if (!s || !s.ready || (s.session && s.session.pending > 0)) ready = false;
        // A page signing out has asked for the login page, but until that
        // navigation commits the old page still reads as loaded and idle: the
        // next event would land on a page about to go (seen on loaded machines).
        if (s && s.session && s.session.leaving) ready = false;
        if (s && s.session && !s.session.leaving) {
          const v = s.session;
          states.push([v.deadline, v.ended, v.warned, v.answered, v.presence].join(","));
        }
      }
      const key = states.join("|");
      const agree = states.every((s) => s === states[0]);
      same = ready && key === last ? same + 1 : 0;
      if (key !== last) changedAt = Date.now();
      last = key;
      if (agree && same >= 1) return;
      // Half a second of real time without a change: slow IPC on a busy machine is not a fault.
      if (same >= 6 && Date.now() - changedAt >= 500) {
        // Stable but not shared: a script that does not keep its tabs in sync.
        this.errors.push("at " + this.now + " the tabs disagree on the session: " + key);
        return;
      }
      await sleepReal(i < 5 ? 1 : 3);
    }
    throw new Error("the pages never settled at " + this.now + ": " + [...this.flying].map((r) => r.method() + " " + r.url()).join(", ") + " in flight, tabs: " + last);
  }

  // ----- the user's events ------------------------------------------------------------

  async page(tab) {
    let t = this.tabs.get(tab);
    if (!t) {
      const page = await this.context.newPage();
      page.on("console", (m) => this.console.push({ tab, type: m.type(), text: m.text() }));
      page.on("pageerror", (e) => this.errors.push("tab " + tab + ": " + e.message));
      t = { page };
      this.tabs.set(tab, t);
    }
    return t;
  }

  /** After a wake, a page notices the jump at its next check (within a second) or
   * at the user's first action. The SPEC does what came due at the wake itself,
   * before a user event at that instant: so before an event, a page that has not
   * noticed yet gets a pointer move (the screen waking) and catches up first. */
  async catchUp() {
    let moved = false;
    for (const tab of this.tabs.values()) {
      const overdue = await this.evaluate(tab.page, () => !!(window.lapseSession && window.lapseSession.state && window.lapseSession.state().overdue));
      if (!overdue) continue;
      this.nudges = (this.nudges || 0) + 1;
      await tab.page.mouse.move(600 + (this.nudges % 2) * 31, 400);
      moved = true;
    }
    if (moved) await this.settle();
  }

  async view(tab) {
    const t = await this.page(tab);
    await this.evaluate(t.page, () => sessionStorage.setItem("lapse-test-user-leaving", "1"));
    this.app.now = this.now;
    await t.page.goto(this.app.url + "/app");
    await this.settle();
  }

  /** The tab's app page, opened first (an implicit view) if the tab has none. */
  async openPage(tab) {
    const t = this.tabs.get(tab);
    if (!t || new URL(t.page.url()).pathname !== "/app") await this.view(tab);
    return this.tabs.get(tab).page;
  }

  async close(tab) {
    const t = this.tabs.get(tab);
    if (!t) return;
    await t.page.close({ runBeforeUnload: false });
    this.tabs.delete(tab);
    await this.settle();
  }

  async act(tab, kind, i) {
    await this.catchUp();
    if (kind === "view") return this.view(tab);
    if (kind === "close") return this.close(tab);
    const page = await this.openPage(tab);
    this.app.now = this.now;
    if (kind === "request") await page.click("#api");
    else if (kind === "submit") await page.click("#save");
    else if (kind === "input") await page.press("#work", "x");
    else if (kind === "activity") await page.mouse.move(400 + (i % 2) * 37, 300 + (i % 3) * 23);
    else throw new Error("unknown event kind " + kind);
    await this.settle();
  }

  // ----- what the page showed ---------------------------------------------------------

  /** Counts per user; warnings are one per cycle (deadline) whatever the tabs. */
  counts() {
    const cycles = (type) => new Set(this.records.filter((r) => r.type === type).map((r) => r.deadline)).size;
    const c = Object.assign({}, this.app.sessions.counts);
    c.warnings_shown = cycles("warning");
    c.warnings_heeded = cycles("answered");
    c.warnings_missed = cycles("missed");
    c.lost_inputs = this.lostInputs;
    return c;
  }

  /** Page-visible faults: a warning announced with no panel on screen, page errors. */
  faults() {
    const f = this.errors.slice();
    for (const r of this.records) {
      if (r.type === "warning" && r.panel !== "warning") f.push("tab " + r.tab + " at " + r.t + ": warning announced but the panel shows " + r.panel);
    }
    return f;
  }
}

module.exports = { BrowserUser, T0 };
