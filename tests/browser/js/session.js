// lapse-session.js in Chromium: replays traces (counts per user, for main.rs to
// compare with the engine) and runs hand-worked cases with their own assertions.
"use strict";
const assert = require("assert");
const { launch } = require("./chromium.js");
const { startApp } = require("./app.js");
const { BrowserUser, T0 } = require("./browser_user.js");

const MIN = 60000;

/** Job: { kind: "replay", script, idleMs, refresh, horizonMs, users: [{ name, events: [[t, kind, tab]] }] }
 * or { kind: "cases", cases: [{ name, script, idleMs, refresh }] } (results: name -> null or the error). */
async function run(job) {
  const browser = await launch();
  try {
    const version = browser.version();
    if (job.kind === "replay") {
      const app = await startApp(job.script, T0);
      try {
        const users = [];
        for (const user of job.users) users.push(await replayUser(browser, app, job, user));
        return { chromium: version, users };
      } finally {
        await app.close();
      }
    }
    const results = {};
    for (const c of job.cases) results[c.name] = await runCase(browser, c);
    return { chromium: version, results };
  } finally {
    await browser.close();
  }
}

async function runCase(browser, job) {
  const c = CASES[job.name];
  if (!c) return "unknown case " + job.name;
  const app = await startApp(job.script, T0);
  app.reset(job.idleMs, job.refresh);
  const u = await BrowserUser.open(browser, app, { instrument: c.instrument });
  try {
    await c.run(u, app);
    assert.deepStrictEqual(u.faults(), [], "page faults");
    return null;
  } catch (e) {
    return (e && e.stack) || String(e);
  } finally {
    await u.close();
    await app.close();
  }
}

/** One user's trace, event by event; counts after each event whose successor comes later. */
async function replayUser(browser, app, job, user) {
  app.reset(job.idleMs, job.refresh);
  const u = await BrowserUser.open(browser, app);
  const snapshots = [];
  let asleep = false;
  try {
    for (let i = 0; i < user.events.length; i++) {
      const [t, kind, tab] = user.events[i];
      if (kind === "wake") {
        asleep = false;
        await u.sleepTo(t);
      } else {
        if (asleep) throw new Error(user.name + ": event " + i + " while asleep");
        await u.advanceTo(t);
        if (kind === "sleep") asleep = true;
        else await u.act(tab, kind, i);
      }
      const next = user.events[i + 1];
      // Not right after a wake: the pages notice the jump at their next check (<= 1 s).
      if (kind !== "wake" && (!next || next[0] > t)) snapshots.push([i, u.counts()]);
    }
    if (!asleep) await u.advanceTo(job.horizonMs - 1);
    const log = process.env.LAPSE_BROWSER_LOG
      ? app.requests.map((r) => [r.t, r.method + " " + r.path]).concat(u.records.map((r) => [r.t, "tab " + r.tab + " " + r.type + (r.edits ? " " + r.edits : "")])).sort((a, b) => a[0] - b[0])
      : undefined;
    return { name: user.name, counts: u.counts(), snapshots, faults: u.faults(), log };
  } finally {
    await u.close();
  }
}

// ----- hand-worked cases -------------------------------------------------------------------

const at = (app, path) => app.requests.filter((r) => r.path === path).map((r) => r.t).sort((a, b) => a - b);
// The panel by its role and name; its state by what it says.
const panelState = (page) => page.evaluate(() => {
  const box = document.querySelector("[role=region][aria-label=Session]");
  if (!box || box.hidden) return null;
  const text = box.textContent;
  if (/session has ended/.test(text)) return "ended";
  if (/still signed in|Noted/.test(text)) return "answered";
  return "warning";
});

const CASES = {
  // idle 30m, warning 5m ahead, Extend, Lazy: the warning is on time to the
  // millisecond, a mouse user reaches "Stay signed in" and clicks it.
  async extend_by_mouse_click(u, app) {
    await u.view(0);
    const page = u.tabs.get(0).page;
    page.on("dialog", () => {});
    await page.evaluate(() => {
      window.__clicks = [];
      document.addEventListener("click", (e) => {
        const panel = e.target.closest("[role=region][aria-label=Session]");
        window.__clicks.push(panel ? "panel " + e.target.tagName.toLowerCase() : e.target.id || e.target.tagName);
      }, true);
    });
    await u.advanceTo(25 * MIN - 1);
    assert.strictEqual(await panelState(page), null, "no warning 1 ms before 25m");
    await u.advanceTo(25 * MIN);
    assert.strictEqual(await panelState(page), "warning", "the warning shows at 25m exactly");
    const button = page.locator("[role=region][aria-label=Session] button");
    assert.strictEqual(await button.textContent(), "Stay signed in");
    await u.advanceTo(26 * MIN);
    // A pointer path from the middle of the page (outside the panel) to the button,
    // aiming at the end of its label, where a shorter button would not reach.
    const box = await button.boundingBox();
    await page.mouse.move(200, 300);
    await page.mouse.move(box.x + box.width * 0.85, box.y + box.height / 2, { steps: 12 });
    await u.settle();
    assert.deepStrictEqual(at(app, "/session/extend"), [26 * MIN], "the first movement answered: one extend ping at 26m");
    assert.strictEqual(await panelState(page), "answered", "the panel stays, its button under the pointer");
    await page.mouse.down();
    await page.mouse.up();
    await u.settle();
    assert.deepStrictEqual(await page.evaluate(() => window.__clicks), ["panel button"], "the click landed on the panel's button");
    assert.strictEqual(await panelState(page), null, "the click closed the panel");
    assert.deepStrictEqual(at(app, "/session/extend"), [26 * MIN], "no second ping");
    assert.strictEqual(await page.evaluate(() => window.lapseSession.deadline()), T0 + 56 * MIN);
    await u.advanceTo(51 * MIN - 1);
    assert.strictEqual(await panelState(page), null);
    await u.advanceTo(51 * MIN);
    assert.strictEqual(await panelState(page), "warning", "the next cycle's warning at 51m");
    await u.advanceTo(56 * MIN);
    assert.strictEqual(await panelState(page), "ended", "missed: the session ended at 56m");
    assert.deepStrictEqual(u.counts().warnings_missed, 1);
  },

  // Keyboard only: Tab to the button and Enter answers and closes.
  async extend_by_keyboard(u, app) {
    await u.view(0);
    const page = u.tabs.get(0).page;
    await u.advanceTo(25 * MIN);
    await page.locator("[role=region][aria-label=Session] button").focus();
    await page.keyboard.press("Enter");
    await u.settle();
    assert.deepStrictEqual(at(app, "/session/extend"), [25 * MIN], "Enter on the button answered");
    assert.strictEqual(await panelState(page), null, "and closed the panel");
  },

  // Two tabs share one deadline and one warning; an answer in B pings once, from B.
  async tabs_share_one_deadline(u, app) {
    await u.view(0);
    await u.advanceTo(10 * MIN);
    await u.view(1);
    const [a, b] = [u.tabs.get(0).page, u.tabs.get(1).page];
    const deadline = (p) => p.evaluate(() => window.lapseSession.deadline());
    assert.strictEqual(await deadline(a), T0 + 40 * MIN, "A heard B's page load");
    await u.advanceTo(25 * MIN);
    assert.strictEqual(await panelState(a), null, "A does not warn at its own 25m");
    await u.advanceTo(35 * MIN);
    assert.strictEqual(await panelState(a), "warning");
    assert.strictEqual(await panelState(b), "warning");
    await b.mouse.move(100, 400);
    await u.settle();
    assert.deepStrictEqual(app.requests.filter((r) => r.path === "/session/extend").length, 1, "one extend ping");
    assert.strictEqual(await deadline(b), T0 + 65 * MIN, "B's extension");
    assert.strictEqual(await deadline(a), T0 + 65 * MIN, "A adopted B's extension");
    assert.strictEqual(await panelState(a), null, "A's warning was about the old deadline");
    assert.strictEqual(u.counts().warnings_shown, 1, "one warning per cycle");
    await u.advanceTo(60 * MIN);
    assert.strictEqual(await panelState(a), "warning", "and A warns of the new one");
  },

  // Keepalive 5m, two tabs, the user types only in A: B pings for itself too
  // (SPEC 3, Keepalive: with tab_sync, presence in any tab counts).
  async presence_is_shared(u, app) {
    await u.view(0);
    await u.advanceTo(6 * MIN);
    await u.view(1);
    await u.advanceTo(12 * MIN);
    await u.act(0, "input", 0);
    await u.advanceTo(22 * MIN);
    // A ticks at 5, 10, 15, 20; B at 11, 16, 21. Present: A's view at 0, B's view
    // at 6, A's input at 12. A pings at 10 for B's view, B at 16 for A's input.
    assert.deepStrictEqual(at(app, "/session/keepalive"), [5, 10, 11, 15, 16].map((m) => m * MIN));
  },

  // Redirect, keepalive 5m: a laptop asleep from 10m to 3h wakes after its session
  // ended: no warning flashes, it signs out at once, and no keepalive is sent.
  async wakes_past_the_deadline(u, app) {
    await u.view(0);
    await u.advanceTo(1 * MIN);
    await u.act(0, "input", 0);
    await u.advanceTo(10 * MIN);
    assert.deepStrictEqual(at(app, "/session/keepalive"), [5 * MIN], "the tick at 5m pings; none at 10m");
    await u.sleepTo(180 * MIN);
    await u.advanceTo(180 * MIN + 1000);
    const logout = at(app, "/logout");
    assert.strictEqual(logout.length, 1, "signed out on waking");
    assert.ok(logout[0] >= 180 * MIN && logout[0] <= 180 * MIN + 1000, "within the second after waking: " + logout[0]);
    assert.strictEqual(new URL(u.tabs.get(0).page.url()).pathname, "/login");
    assert.strictEqual(u.records.filter((r) => r.type === "warning").length, 0, "no warning for a session already gone");
    assert.deepStrictEqual(at(app, "/session/keepalive"), [5 * MIN]);
  },

  // Extend 5m before 30m: the lid closes at 1m and opens at 27m, after the warning's
  // time and before the deadline: the warning shows on waking and is missed at 30m.
  async wakes_between_warning_and_deadline(u, app) {
    await u.view(0);
    const page = u.tabs.get(0).page;
    await u.advanceTo(1 * MIN);
    await u.sleepTo(27 * MIN);
    assert.strictEqual(await panelState(page), null, "nothing runs before the page's next check");
    await u.advanceTo(27 * MIN + 1000);
    const shown = u.records.filter((r) => r.type === "warning").map((r) => r.t);
    assert.strictEqual(shown.length, 1, "one warning");
    assert.ok(shown[0] >= 27 * MIN && shown[0] <= 27 * MIN + 1000, "within the second after waking: " + shown[0]);
    await u.advanceTo(30 * MIN - 1);
    assert.strictEqual(await panelState(page), "warning");
    await u.advanceTo(30 * MIN);
    assert.strictEqual(await panelState(page), "ended", "missed at the deadline");
    assert.deepStrictEqual([u.counts().warnings_shown, u.counts().warnings_missed], [1, 1]);
  },

  // The last tab closes while the warning shows: the warning ends with it, and the
  // next page load (another tab) starts a new cycle without answering it.
  async closing_the_last_tab_ends_the_warning(u, app) {
    await u.view(0);
    await u.advanceTo(25 * MIN);
    assert.strictEqual(await panelState(u.tabs.get(0).page), "warning");
    await u.advanceTo(26 * MIN);
    await u.close(0);
    await u.advanceTo(27 * MIN);
    await u.view(1);
    assert.deepStrictEqual(at(app, "/session/extend"), [], "no answer: the warning ended with its tab");
    assert.strictEqual(await u.tabs.get(1).page.evaluate(() => window.lapseSession.deadline()), T0 + 57 * MIN);
    assert.deepStrictEqual([u.counts().warnings_shown, u.counts().warnings_heeded], [1, 0]);
  },

  // No localStorage and no BroadcastChannel (a private window, an old browser):
  // the tab says so in the console and its own timer still works.
  async without_storage_or_channel(u, app) {
    await u.view(0);
    const page = u.tabs.get(0).page;
    assert.ok(u.console.some((m) => m.type === "warning" && /tabs are not kept in sync/.test(m.text)), JSON.stringify(u.console));
    await u.advanceTo(25 * MIN - 1);
    assert.strictEqual(await panelState(page), null);
    await u.advanceTo(25 * MIN);
    assert.strictEqual(await panelState(page), "warning");
    await u.advanceTo(30 * MIN);
    assert.deepStrictEqual(at(app, "/logout"), [30 * MIN], "the redirect at the deadline");
    assert.strictEqual(new URL(page.url()).pathname, "/login");
  },

  // The classic alert (RequestsAndActivity, Dismiss): activity restarts the timer,
  // and the answer reaches nobody.
  async classic_alert(u, app) {
    await u.view(0);
    const page = u.tabs.get(0).page;
    await u.advanceTo(20 * MIN);
    await u.act(0, "input", 0);
    assert.strictEqual(await page.evaluate(() => window.lapseSession.deadline()), T0 + 50 * MIN, "activity restarts this policy's timer");
    await u.advanceTo(45 * MIN);
    assert.strictEqual(await panelState(page), "warning");
    await page.keyboard.press("Shift");
    await u.settle();
    assert.strictEqual(app.requests.filter((r) => r.path.startsWith("/session/")).length, 0, "a Dismiss answer sends nothing");
  },

  // OnModify: plain GETs do not refresh; POSTs and the server's header do.
  async follows_on_modify_refreshes(u) {
    await u.view(0);
    const page = u.tabs.get(0).page;
    const deadline = () => page.evaluate(() => window.lapseSession.deadline());
    const call = async (minute, url, method) => {
      await u.advanceTo(minute * MIN);
      await page.evaluate(([url, method]) => fetch(url, { method }).then((r) => r.text()), [url, method]);
      await u.settle();
    };
    assert.strictEqual(await deadline(), T0 + 30 * MIN, "no known deadline: the sign-in just happened");
    await call(5, "/api/items", "GET");
    assert.strictEqual(await deadline(), T0 + 30 * MIN, "a GET changes nothing under OnModify");
    await call(6, "/api/work", "POST");
    assert.strictEqual(await deadline(), T0 + 36 * MIN, "a POST modifies");
    await call(7, "/api/items?said=1", "GET");
    assert.strictEqual(await deadline(), T0 + 37 * MIN, "the server said it refreshed");
    await call(8, "/api/work?said=0", "POST");
    assert.strictEqual(await deadline(), T0 + 37 * MIN, "the server said it did not");
  },
};

// Take storage and BroadcastChannel away before the page's scripts run.
CASES.without_storage_or_channel.instrument = `(() => {
  delete window.BroadcastChannel;
  Object.defineProperty(window, "localStorage", { get() { throw new DOMException("denied", "SecurityError"); } });
})();`;

for (const name of Object.keys(CASES)) {
  const fn = CASES[name];
  CASES[name] = { run: fn, instrument: fn.instrument };
}

module.exports = { run };
