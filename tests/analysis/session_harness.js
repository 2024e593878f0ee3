// Runs lapse-session.js (as `lapse export` writes it) in fake browser tabs with a
// fake clock, and checks what it does. Usage: node session_harness.js SCENARIO SCRIPT.JS
// Exits non-zero (with the failed assertion) when the script misbehaves.
"use strict";
const assert = require("assert");
const fs = require("fs");
const vm = require("vm");

const [scenario, scriptPath] = process.argv.slice(2);
const source = fs.readFileSync(scriptPath, "utf8");
const MIN = 60000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0); // a Monday, 09:00

/** Everything the tabs of one browser share: clock, storage, channels, network. */
function browser(respond) {
  const world = { now: T0, tabs: [], requests: [], channels: [] };
  world.respond = respond || (() => ({ status: 204 }));
  const data = new Map();
  world.storage = {
    get length() { return data.size; },
    key(i) { return Array.from(data.keys())[i] || null; },
    getItem(k) { return data.has(k) ? data.get(k) : null; },
    removeItem(k) { data.delete(k); },
    setItem(k, v) {
      data.set(k, String(v));
      // Browsers tell the other tabs, not the writer.
      for (const tab of world.tabs) {
        if (tab.writing) continue;
        tab.fire("storage", { key: k, newValue: String(v) });
      }
    },
  };
  return world;
}

function openTab(world, name, metas) {
  const listeners = {};
  const tab = { name, assigned: [], interval: null, writing: false, elements: [] };
  tab.fire = (type, event) => (listeners[type] || []).forEach((fn) => fn(event || { type }));
  const element = (tag) => {
    const el = {
      tag, attrs: {}, children: [], hidden: false, textContent: "", listeners: {},
      setAttribute(k, v) { this.attrs[k] = String(v); },
      getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
      appendChild(c) { this.children.push(c); },
      addEventListener(t, fn) { (this.listeners[t] = this.listeners[t] || []).push(fn); },
    };
    tab.elements.push(el);
    return el;
  };
  const document = {
    readyState: "complete",
    body: element("body"),
    createElement: element,
    addEventListener() {},
    querySelector(sel) {
      const m = /meta\[name="([^"]+)"\]/.exec(sel);
      if (m && metas && m[1] in metas) return { getAttribute: () => metas[m[1]] };
      return null;
    },
    querySelectorAll() { return []; },
  };
  class Channel {
    constructor(n) { this.n = n; this.onmessage = null; world.channels.push(this); this.tab = tab; }
    postMessage(data) {
      for (const c of world.channels) {
        if (c !== this && c.n === this.n && c.onmessage) c.onmessage({ data });
      }
    }
  }
  const storage = {
    get length() { return world.storage.length; },
    key: (i) => world.storage.key(i),
    getItem: (k) => world.storage.getItem(k),
    removeItem: (k) => world.storage.removeItem(k),
    setItem(k, v) { tab.writing = true; try { world.storage.setItem(k, v); } finally { tab.writing = false; } },
  };
  const window = {
    document,
    location: { href: "https://app.example/orders/new", assign(u) { tab.assigned.push(u); } },
    localStorage: storage,
    BroadcastChannel: Channel,
    fetch(url, init) {
      const method = (init && init.method) || "GET";
      world.requests.push({ tab: name, url, method, at: world.now - T0 });
      const r = world.respond(url, method) || { status: 204 };
      const headers = r.headers || {};
      return Promise.resolve({
        ok: r.status >= 200 && r.status < 300, status: r.status, redirected: false, url: "",
        headers: { get: (h) => (h in headers ? headers[h] : null) },
      });
    },
    addEventListener(type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
    setInterval(fn) { tab.interval = fn; },
  };
  class FakeDate extends Date {
    constructor(...a) { if (a.length === 0) super(world.now); else super(...a); }
    static now() { return world.now; }
  }
  const context = vm.createContext({ window, Date: FakeDate, URL, Promise, console });
  vm.runInContext(source, context, { filename: scriptPath });
  tab.api = window.lapseSession;
  tab.window = window;
  tab.panelText = () => {
    const box = tab.elements.find((e) => e.attrs.role === "region");
    if (!box || box.hidden) return null;
    return box.children[0].textContent;
  };
  world.tabs.push(tab);
  return tab;
}

/** Lets pending promise callbacks (ping responses) run. */
const settle = () => new Promise((r) => setImmediate(r));

/** Moves the clock to `at` (ms after T0), ticking every second like setInterval. */
async function runTo(world, at) {
  while (world.now < T0 + at) {
    world.now = Math.min(world.now + 1000, T0 + at);
    for (const tab of world.tabs) tab.interval && tab.interval();
    await settle();
  }
}

/** Moves the clock without ticks: a laptop asleep. */
function sleepTo(world, at) {
  world.now = T0 + at;
}

async function userActs(world, tab, type) {
  tab.fire(type || "keydown");
  await settle();
}

const scenarios = {
  // idle 30m, Extend warning 5m ahead, Requests, EachRequest.
  async extend() {
    const world = browser();
    const a = openTab(world, "A");
    assert.strictEqual(a.api.deadline(), T0 + 30 * MIN, "the page load refreshed the session");
    await runTo(world, 25 * MIN - 1000);
    assert.strictEqual(a.api.warningShown(), false, "no warning before 25m");
    await runTo(world, 25 * MIN);
    assert.strictEqual(a.api.warningShown(), true, "the warning shows 5m before the deadline");
    assert.match(a.panelText(), /signed out at/);
    await runTo(world, 26 * MIN);
    await userActs(world, a, "keydown");
    assert.deepStrictEqual(world.requests.map((r) => [r.url, r.method, r.at]), [["/session/extend", "POST", 26 * MIN]]);
    assert.strictEqual(a.api.deadline(), T0 + 56 * MIN, "the extend ping refreshed the session at 26m");
    assert.strictEqual(a.api.warningShown(), false);
    await runTo(world, 51 * MIN - 1000);
    assert.strictEqual(a.api.warningShown(), false);
    await runTo(world, 51 * MIN);
    assert.strictEqual(a.api.warningShown(), true, "the next cycle's warning");
    await runTo(world, 56 * MIN);
    assert.strictEqual(a.api.ended(), true, "missed: the session ends at 56m");
    assert.match(a.panelText(), /session has ended/);
    assert.strictEqual(world.requests.length, 1);
  },

  // Two tabs share one deadline: a page load in B moves A's warning.
  async tabs() {
    const world = browser();
    const a = openTab(world, "A");
    await runTo(world, 10 * MIN);
    const b = openTab(world, "B");
    assert.strictEqual(b.api.deadline(), T0 + 40 * MIN);
    assert.strictEqual(a.api.deadline(), T0 + 40 * MIN, "A heard B's refresh");
    await runTo(world, 25 * MIN);
    assert.strictEqual(a.api.warningShown(), false, "A does not warn at its own 25m");
    await runTo(world, 35 * MIN);
    assert.strictEqual(a.api.warningShown(), true);
    assert.strictEqual(b.api.warningShown(), true);
    await userActs(world, b, "pointerdown");
    assert.strictEqual(world.requests.length, 1, "one extend ping, from B");
    assert.strictEqual(a.api.deadline(), T0 + 65 * MIN, "A adopted B's extension");
    assert.strictEqual(b.api.deadline(), T0 + 65 * MIN);
    assert.strictEqual(a.api.warningShown(), false, "A's warning was about the old deadline");
    await runTo(world, 60 * MIN - 1000);
    assert.strictEqual(a.api.warningShown(), false);
    await runTo(world, 60 * MIN);
    assert.strictEqual(a.api.warningShown(), true, "and A warns of the new one");
  },

  // idle 30m, Redirect, keepalive 5m: a sleeping laptop wakes after the session ended.
  async sleep() {
    const world = browser();
    const a = openTab(world, "A");
    await runTo(world, 1 * MIN);
    await userActs(world, a, "keydown");
    await runTo(world, 5 * MIN);
    assert.deepStrictEqual(world.requests.map((r) => [r.url, r.at]), [["/session/keepalive", 5 * MIN]],
      "the tick at 5m pings: the user was present at 1m");
    assert.strictEqual(a.api.deadline(), T0 + 35 * MIN);
    await runTo(world, 10 * MIN);
    assert.strictEqual(world.requests.length, 1, "no ping at 10m: nobody was there in [5m, 10m)");
    sleepTo(world, 3 * 60 * MIN); // the lid closes at 10m and opens at 3h
    a.fire("focus");
    await settle();
    await settle();
    assert.strictEqual(a.api.warningShown(), false, "no warning for a session already gone");
    assert.strictEqual(a.api.ended(), true);
    assert.deepStrictEqual(world.requests.map((r) => [r.url, r.at]),
      [["/session/keepalive", 5 * MIN], ["/logout", 180 * MIN]], "no ping after waking; the redirect signs out");
    assert.deepStrictEqual(a.assigned, ["/login"]);
  },

  // The classic alert: resets on activity, a Dismiss answer reaches nobody.
  async alert() {
    const world = browser();
    const a = openTab(world, "A");
    await runTo(world, 20 * MIN);
    await userActs(world, a, "input");
    assert.strictEqual(a.api.deadline(), T0 + 50 * MIN, "activity restarts this policy's timer");
    await runTo(world, 45 * MIN);
    assert.strictEqual(a.api.warningShown(), true);
    assert.match(a.panelText(), /unless this page contacts the server/);
    await userActs(world, a, "keydown");
    assert.strictEqual(a.api.warningShown(), false);
    assert.strictEqual(world.requests.length, 0, "a Dismiss answer sends nothing");
  },

  // OnModify: plain GETs do not refresh; POSTs and the server's header do.
  async onmodify() {
    let header = null;
    const world = browser((url, method) => ({ status: 200, headers: header ? { "X-Session-Refreshed": header } : {} }));
    const a = openTab(world, "A");
    assert.strictEqual(a.api.deadline(), T0 + 30 * MIN, "no known deadline: the sign-in just happened");
    await runTo(world, 5 * MIN);
    await a.window.fetch("/api/items", { method: "GET" });
    await settle();
    assert.strictEqual(a.api.deadline(), T0 + 30 * MIN, "a GET changes nothing under OnModify");
    await runTo(world, 6 * MIN);
    await a.window.fetch("/api/items", { method: "POST" });
    await settle();
    assert.strictEqual(a.api.deadline(), T0 + 36 * MIN, "a POST modifies");
    await runTo(world, 7 * MIN);
    header = "1";
    await a.window.fetch("/api/items");
    await settle();
    assert.strictEqual(a.api.deadline(), T0 + 37 * MIN, "the server said it refreshed");
    await runTo(world, 8 * MIN);
    header = "0";
    await a.window.fetch("/api/items", { method: "POST" });
    await settle();
    assert.strictEqual(a.api.deadline(), T0 + 37 * MIN, "the server said it did not");
    // A cross-origin response says nothing about our session.
    header = null;
    await a.window.fetch("https://cdn.example/x.json", { method: "POST" });
    await settle();
    assert.strictEqual(a.api.deadline(), T0 + 37 * MIN);
  },
};

(async () => {
  const run = scenarios[scenario];
  if (!run) throw new Error("unknown scenario " + scenario);
  await run();
  console.log("ok " + scenario);
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
