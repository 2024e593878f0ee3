// The web app that lapse-session.js is pasted into, on 127.0.0.1: one page with
// a button that calls an API, a form saved with fetch, and the script. Its
// session follows the SPEC's server rules (section 3, "Server session") the way
// Flask does with a permanent session: an idle timeout, refreshed on every
// request (EachRequest) or only on a change (OnModify). A page load without a
// live session stands for the user signing in at once, as the SPEC's explicit
// login does. Time is the page's fake clock (each fetch says it in a header)
// or, for navigations, the driver's.
"use strict";
const http = require("http");
const fs = require("fs");

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="csrf-token" content="token-1">
<title>Orders</title>
<style>body{margin:0;font:16px sans-serif} #api{position:absolute;left:20px;top:20px}
#form{position:absolute;left:20px;top:80px} #work{width:300px;height:80px}</style></head>
<body>
<button id="api" type="button">Refresh list</button>
<form id="form"><textarea id="work" name="work"></textarea><br><button id="save">Save</button></form>
<script>
  // The app's own code: an API call and a form saved without a page load. A 401
  // means the session is gone: the page reloads (the user signs in again).
  var work = document.getElementById("work");
  document.getElementById("api").addEventListener("click", function () {
    fetch("/api/work", { method: "POST" }).then(function (r) {
      return r.text().then(function () { if (r.status === 401) location.reload(); });
    });
  });
  document.getElementById("form").addEventListener("submit", function (e) {
    e.preventDefault();
    fetch("/api/save", { method: "POST", body: work.value }).then(function (r) {
      return r.text().then(function () { if (r.status === 401) location.reload(); else work.value = ""; });
    });
  });
</script>
<script src="/lapse-session.js"></script>
</body></html>`;

const LOGIN = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><p>You are signed out. <a href="/app">Sign in</a></p></body></html>`;

/** One user's server session, by the SPEC's rules. */
class Sessions {
  constructor(idleMs, refresh) {
    this.idleMs = idleMs;
    this.refresh = refresh;
    this.session = null; // { refreshedAt }
    this.endUncounted = false; // the last session expired and no logout counted it yet
    this.counts = {
      logins: 0, logouts: 0, keepalive_pings: 0, extend_pings: 0,
      submits: 0, saved_submits: 0, lost_submits: 0,
    };
  }

  live(t) {
    return this.session !== null && (this.idleMs === null || t < this.session.refreshedAt + this.idleMs);
  }

  /** Expires the session if its deadline is at or before `t`. */
  settle(t) {
    if (this.session !== null && !this.live(t)) {
      this.session = null;
      this.endUncounted = true;
    }
  }

  touch(t, modifies) {
    if (this.refresh === "EachRequest" || (this.refresh === "OnModify" && modifies)) {
      this.session.refreshedAt = t;
    }
  }

  login(t) {
    this.counts.logins += 1;
    if (this.endUncounted) this.counts.logouts += 1;
    this.endUncounted = false;
    this.session = { refreshedAt: t };
  }

  /** A page load: signs the user in when there is no live session. */
  view(t) {
    this.settle(t);
    if (this.session === null) this.login(t);
    else this.touch(t, false);
  }

  /** A ping, an API call or a save; false: no live session (401). */
  call(t, modifies) {
    this.settle(t);
    if (this.session === null) return false;
    this.touch(t, modifies);
    return true;
  }

  /** The client's sign-out: ends the session, one logout per session end. */
  logout(t) {
    this.settle(t);
    if (this.session !== null || this.endUncounted) this.counts.logouts += 1;
    this.session = null;
    this.endUncounted = false;
  }
}

/** Starts the app; the driver keeps `app.now` (ms since T0) for navigations. */
function startApp(scriptPath, T0) {
  const app = { sessions: new Sessions(null, "EachRequest"), requests: [], now: 0 };
  const script = fs.readFileSync(scriptPath);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const said = Number(req.headers["x-lapse-test-now"]);
      const t = Number.isFinite(said) && said > 0 ? said - T0 : app.now;
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url.split("?")[0];
      app.requests.push({ method: req.method, path, t });
      const s = app.sessions;
      // ?said=1|0: the app's after_request hook says whether it refreshed the session.
      const said2 = /[?&]said=([01])/.exec(req.url);
      const send = (status, type, text) => {
        const headers = { "content-type": type, "cache-control": "no-store" };
        if (said2) headers["x-session-refreshed"] = said2[1];
        res.writeHead(status, headers);
        res.end(text || "");
      };
      const key = req.method + " " + path;
      switch (key) {
        case "GET /app":
          s.view(t);
          return send(200, "text/html; charset=utf-8", PAGE);
        case "GET /lapse-session.js":
          return send(200, "text/javascript", script);
        case "GET /login":
          return send(200, "text/html; charset=utf-8", LOGIN);
        case "POST /session/keepalive":
          s.counts.keepalive_pings += 1;
          return send(s.call(t, false) ? 204 : 401, "text/plain");
        case "POST /session/extend":
          s.counts.extend_pings += 1;
          return send(s.call(t, true) ? 204 : 401, "text/plain");
        case "POST /logout":
          s.logout(t);
          return send(204, "text/plain");
        case "GET /api/items":
          return send(s.call(t, false) ? 200 : 401, "application/json", "[]");
        case "POST /api/work":
          return send(s.call(t, false) ? 200 : 401, "application/json", "{}");
        case "POST /api/save": {
          s.counts.submits += 1;
          const ok = s.call(t, true);
          if (ok) s.counts.saved_submits += 1;
          else s.counts.lost_submits += 1;
          return send(ok ? 200 : 401, "application/json", JSON.stringify({ saved: body.length }));
        }
        default:
          return send(404, "text/plain", "not found");
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      app.url = "http://127.0.0.1:" + server.address().port;
      app.close = () => new Promise((r) => { server.close(r); server.closeAllConnections(); });
      app.reset = (idleMs, refresh) => {
        app.sessions = new Sessions(idleMs, refresh);
        app.requests = [];
      };
      resolve(app);
    });
  });
}

module.exports = { startApp, Sessions };
