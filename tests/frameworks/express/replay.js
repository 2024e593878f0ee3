// Replays Lapse traces against the real Express app (app.js), acting as the browser.
//
// Usage: node replay.js BATCH.json
//
// BATCH.json: {"traces": [{"name": N, "path": CSV}, ...],
//              "policies": [{"name": N, "settings": {see app.js},
//                            "traces": [N, ...] (optional: only these)}, ...],
//              "away_after_ms": MS}
//
// Prints JSON: {"results": [{"policy": N, "trace": N, "users": {USER: COUNTS}}, ...],
// "requests": HTTP requests made, "csrf_messages": {message: count}}, where
// COUNTS holds the SPEC section 5 counts a browser can observe.
//
// The browser is the one of ../browser.py (read its module comment for how
// each count is observed), written again in JavaScript: one cookie jar per
// user, per tab an open page with its CSRF token and unsaved edits; sleep and
// wake send nothing; closing the last open tab quits the browser, which
// forgets every cookie without an expiry. The jar follows Max-Age and Expires
// as a browser does: express-session writes only Expires, rounded down to the
// second.
//
// Only `Date` is faked (Date.now() and `new Date()` give the trace's instant;
// trace time 0 is EPOCH below), so Node's HTTP stack and timers still run:
// each replay is a real server on 127.0.0.1 answering real requests. The
// replays are shared among worker processes (one per core); each worker
// replays its share one after another, each in a fresh app and MemoryStore,
// all users of a trace interleaved in time order.

"use strict";

const fs = require("fs");
const http = require("http");
const os = require("os");
const { fork } = require("child_process");

const EPOCH = Date.UTC(2026, 0, 5); // a Monday, midnight UTC
const SESSION_COOKIE = "connect.sid";
const TOKEN = /name="_csrf" value="([^"]+)"/;
const COUNTS = [
  "logins",
  "logouts",
  "silent_relogins",
  "submits",
  "saved_submits",
  "lost_submits",
  "csrf_failures",
  "lost_inputs",
  "lost_edit_ms",
  "lost_typing_ms",
];

// ----- the clock --------------------------------------------------------------

const RealDate = Date;
let nowMs = EPOCH;
class FakeDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(nowMs);
    else super(...args);
  }
  static now() {
    return nowMs;
  }
}
globalThis.Date = FakeDate;

/// Date.now() and `new Date()` must both give the faked instant.
function checkClock() {
  const probe = EPOCH + 3 * 86400000 + 1250;
  nowMs = probe;
  const seen = { "Date.now()": Date.now(), "new Date()": new Date().valueOf() };
  for (const [clock, value] of Object.entries(seen)) {
    if (value !== probe) {
      throw new Error(`the faked clock does not reach ${clock}: ${value} != ${probe}`);
    }
  }
  nowMs = EPOCH;
}

// ----- HTTP -------------------------------------------------------------------

function send(port, agent, method, urlPath, form, headers) {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : null;
    const h = { ...headers };
    if (body !== null) {
      h["content-type"] = "application/x-www-form-urlencoded";
      h["content-length"] = Buffer.byteLength(body);
    }
    const req = http.request(
      { host: "127.0.0.1", port, method, path: urlPath, headers: h, agent },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const isJson = (res.headers["content-type"] || "").startsWith("application/json");
          resolve({
            status: res.statusCode,
            location: res.headers.location || "",
            text,
            setCookies: res.headers["set-cookie"] || [],
            json: isJson ? JSON.parse(text) : {},
          });
        });
      },
    );
    req.on("error", reject);
    if (body !== null) req.write(body);
    req.end();
  });
}

class Bounced extends Error {}

// ----- the browser (as ../browser.py) -------------------------------------------

class Browser {
  constructor(user, site, stats, awayAfterMs) {
    this.user = user;
    this.site = site;
    this.stats = stats;
    this.awayAfterMs = awayAfterMs;
    this.cookies = new Map(); // name -> {value, expires: ms or null}
    this.pages = new Map(); // tab -> {token, edits: [ms]}
    this.hadSession = false;
    this.closedSince = false;
    this.counts = Object.fromEntries(COUNTS.map((c) => [c, 0]));
  }

  async http(method, urlPath, form, headers) {
    const now = Date.now();
    // A browser never sends a cookie whose expiry has passed (RFC 6265).
    for (const [k, c] of this.cookies) {
      if (c.expires !== null && c.expires <= now) this.cookies.delete(k);
    }
    const h = { ...headers };
    const jar = [...this.cookies].map(([k, c]) => `${k}=${c.value}`).join("; ");
    if (jar) h.cookie = jar;
    const response = await this.site.send(method, urlPath, form, h);
    this.stats.requests += 1;
    for (const line of response.setCookies) this.storeCookie(line, now);
    if ([301, 302, 303].includes(response.status) && response.location.includes("/login")) {
      throw new Bounced();
    }
    return response;
  }

  /// RFC 6265: Max-Age wins over Expires; an expiry not after now deletes.
  storeCookie(line, now) {
    const [pair, ...attrs] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let expires = null;
    let maxAge = null;
    for (const attr of attrs) {
      const i = attr.indexOf("=");
      const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
      const arg = i < 0 ? "" : attr.slice(i + 1).trim();
      if (key === "expires") expires = RealDate.parse(arg);
      else if (key === "max-age") maxAge = parseInt(arg, 10);
    }
    if (maxAge !== null) expires = now + maxAge * 1000;
    if (expires !== null && expires <= now) this.cookies.delete(name);
    else this.cookies.set(name, { value, expires });
  }

  sessionBegan() {
    this.hadSession = true;
    this.closedSince = false;
  }

  /// Bounced to the login page: the user types their password (see browser.py).
  async explicitLogin() {
    this.counts.logins += 1;
    if (this.hadSession && !this.closedSince) this.counts.logouts += 1;
    const page = await this.http("GET", "/login");
    const form = { username: this.user, password: "correct horse" };
    const token = this.site.token(page.text);
    const headers = token ? { "x-csrf-token": token } : {};
    const response = await this.http("POST", "/login", form, headers);
    if (response.status !== 302) {
      throw new Error(`login of ${this.user} refused: ${response.status} ${response.text}`);
    }
    this.sessionBegan();
  }

  async loadPage(tab) {
    let response;
    try {
      response = await this.http("GET", "/page");
    } catch (e) {
      if (!(e instanceof Bounced)) throw e;
      await this.explicitLogin();
      response = await this.http("GET", "/page");
    }
    this.openPage(tab, response);
  }

  openPage(tab, response) {
    if (response.status !== 200) throw new Error(`page: ${response.status}`);
    this.pages.set(tab, { token: this.site.token(response.text), edits: [] });
  }

  loseEdits(tab) {
    const page = this.pages.get(tab);
    if (!page || page.edits.length === 0) return;
    const e = page.edits;
    this.counts.lost_inputs += e.length;
    this.counts.lost_edit_ms += e[e.length - 1] - e[0];
    for (let i = 1; i < e.length; i++) {
      this.counts.lost_typing_ms += Math.min(e[i] - e[i - 1], this.awayAfterMs);
    }
    page.edits = [];
  }

  async bouncedReload(tab) {
    this.loseEdits(tab);
    await this.explicitLogin();
    await this.loadPage(tab);
  }

  async event(t, kind, tab) {
    if (kind === "sleep" || kind === "wake") return;
    if (kind === "close") {
      this.close(tab);
      return;
    }
    if (kind === "view" || !this.pages.has(tab)) await this.loadPage(tab);
    if (kind === "request") await this.request(tab);
    else if (kind === "submit") await this.submit(tab);
    else if (kind === "input") this.pages.get(tab).edits.push(t);
  }

  async request(tab) {
    try {
      await this.http("GET", "/api");
    } catch (e) {
      if (!(e instanceof Bounced)) throw e;
      await this.bouncedReload(tab);
    }
  }

  /// As Browser.submit in browser.py.
  async submit(tab) {
    this.counts.submits += 1;
    const token = this.pages.get(tab).token;
    const headers = token ? { "x-csrf-token": token } : {};
    let response;
    try {
      response = await this.http("POST", "/submit", { note: "unsaved work" }, headers);
    } catch (e) {
      if (!(e instanceof Bounced)) throw e;
      this.lostSubmit(tab);
      await this.bouncedReload(tab);
      return;
    }
    if (response.status === 200) {
      if (!(response.json.saved >= 1)) throw new Error("a saved submit without its count");
      this.counts.saved_submits += 1;
      this.pages.get(tab).edits = [];
      return;
    }
    if (response.status !== 403) throw new Error(`submit: ${response.status} ${response.text}`);
    const message = response.json.csrf_error || "403, no message";
    this.lostSubmit(tab);
    let reloaded;
    try {
      reloaded = await this.http("GET", "/page");
    } catch (e) {
      if (!(e instanceof Bounced)) throw e;
      await this.explicitLogin();
      await this.loadPage(tab);
      return;
    }
    this.counts.csrf_failures += 1;
    this.stats.csrf_messages[message] = (this.stats.csrf_messages[message] || 0) + 1;
    this.openPage(tab, reloaded);
  }

  lostSubmit(tab) {
    this.counts.lost_submits += 1;
    this.loseEdits(tab);
  }

  close(tab) {
    if (!this.pages.has(tab)) return;
    this.pages.delete(tab);
    if (this.pages.size > 0) return;
    let dropped = false;
    for (const [k, c] of this.cookies) {
      if (c.expires === null) {
        this.cookies.delete(k);
        if (k === SESSION_COOKIE) dropped = true;
      }
    }
    if (dropped) this.closedSince = true;
  }
}

// ----- replays ------------------------------------------------------------------

function readTrace(file) {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const header = lines[0].trim();
  if (header !== "user,time_ms,kind" && header !== "user,time_ms,kind,tab") {
    throw new Error(`${file}: header ${header}`);
  }
  const events = [];
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const [user, t, kind, tab] = line.trim().split(",");
    events.push({ t: Number(t), user, kind, tab: tab === undefined ? 0 : Number(tab) });
  }
  // Stable: equal instants keep file order.
  return events.map((e, i) => [e, i]).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]).map((p) => p[0]);
}

async function replay(settings, events, awayAfterMs) {
  const { createApp } = require("./app");
  const app = createApp(settings);
  app.set("env", "test"); // Express's error handler would log every bare 403
  const server = http.createServer(app);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const port = server.address().port;
  const site = {
    send: (method, urlPath, form, headers) => send(port, agent, method, urlPath, form, headers),
    token: (text) => {
      const m = TOKEN.exec(text);
      return m ? m[1] : null;
    },
  };
  const stats = { requests: 0, csrf_messages: {} };
  const browsers = new Map();
  try {
    for (const { t, user, kind, tab } of events) {
      nowMs = EPOCH + t;
      let browser = browsers.get(user);
      if (!browser) {
        browser = new Browser(user, site, stats, awayAfterMs);
        browsers.set(user, browser);
      }
      await browser.event(t, kind, tab);
    }
  } finally {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  const users = Object.fromEntries([...browsers].map(([u, b]) => [u, b.counts]));
  return { users, stats };
}

function jobsOf(batch) {
  const jobs = [];
  batch.policies.forEach((policy, p) => {
    batch.traces.forEach((trace, t) => {
      if (!policy.traces || policy.traces.includes(trace.name)) jobs.push([p, t]);
    });
  });
  return jobs;
}

/// A worker: replays its share of the jobs, prints their results.
async function worker(batchFile, share) {
  checkClock();
  const batch = JSON.parse(fs.readFileSync(batchFile, "utf8"));
  const traces = new Map();
  const done = [];
  for (const [p, t] of share) {
    const policy = batch.policies[p];
    const trace = batch.traces[t];
    if (!traces.has(t)) traces.set(t, readTrace(trace.path));
    const { users, stats } = await replay(policy.settings, traces.get(t), batch.away_after_ms);
    done.push({ result: { policy: policy.name, trace: trace.name, users }, stats });
  }
  process.send(done);
}

async function main(batchFile) {
  const batch = JSON.parse(fs.readFileSync(batchFile, "utf8"));
  const jobs = jobsOf(batch);
  const workers = Math.min(os.availableParallelism ? os.availableParallelism() : os.cpus().length, 4);
  const shares = Array.from({ length: workers }, () => []);
  jobs.forEach((job, i) => shares[i % workers].push(job));
  const outputs = await Promise.all(
    shares.map(
      (share) =>
        new Promise((resolve, reject) => {
          const child = fork(__filename, ["--worker", batchFile, JSON.stringify(share)]);
          let got = null;
          child.on("message", (m) => (got = m));
          child.on("exit", (code) =>
            code === 0 && got ? resolve(got) : reject(new Error(`worker exited with ${code}`)),
          );
        }),
    ),
  );
  const total = { requests: 0, csrf_messages: {} };
  const results = [];
  for (const { result, stats } of outputs.flat()) {
    results.push(result);
    total.requests += stats.requests;
    for (const [m, n] of Object.entries(stats.csrf_messages)) {
      total.csrf_messages[m] = (total.csrf_messages[m] || 0) + n;
    }
  }
  process.stdout.write(JSON.stringify({ results, ...total }, null, 1) + "\n");
}

if (process.argv[2] === "--worker") {
  worker(process.argv[3], JSON.parse(process.argv[4])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main(process.argv[2]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

