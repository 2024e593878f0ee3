
  // ----- How it works ---------------------------------------------------------------
  // - The timer follows the server: `deadline` is when the server session ends if
  //   nothing refreshes it. It moves only on responses that refreshed the session
  //   (by CONFIG.refresh, or the server's `X-Session-Refreshed: 1|0` header, or a
  //   `<meta name="session-refreshed" content="1|0">` on the page), never on mouse
  //   moves unless the policy says resets_on: RequestsAndActivity.
  // - Tabs share one deadline (localStorage + BroadcastChannel): a refresh or a
  //   sign-out in one tab is seen by all.
  // - Every check compares Date.now() with the deadline, once a second and when
  //   the page becomes visible again: a laptop waking from sleep, or a throttled
  //   background tab, sees the session as it really is, never a stale countdown.
  // - Include it only on pages served to a signed-in user. Other clients (XHR,
  //   htmx) call lapseSession.serverResponded(sentAtMs, response) after a response.

  const KEY = "lapse-session:";
  const SAFE_METHODS = ["GET", "HEAD", "OPTIONS"];
  const PRESENCE_EVENTS = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "scroll", "input"];
  const TICK_MS = 1000;
  const doc = global.document || null;
  const loc = global.location || null;
  const now = function () { return Date.now(); };
  const store = openStorage();
  const channel = typeof global.BroadcastChannel === "function" ? new global.BroadcastChannel("lapse-session") : null;
  const rawFetch = typeof global.fetch === "function" ? global.fetch.bind(global) : null;

  const pageOpenedAt = now();
  let deadline = 0;        // wall-clock ms at which the server session ends (as far as we know)
  let ended = false;       // expired, signed out, or a ping found no session
  let warnedFor = 0;       // the deadline whose warning was shown: one warning per cycle
  let warningOpen = false;
  let lastPresence = pageOpenedAt;
  let ticksDone = 0;       // keepalive ticks handled (tick k is at pageOpenedAt + k * keepaliveMs)
  let ui = null;

  // ----- shared state -----------------------------------------------------------------

  function openStorage() {
    try {
      const s = global.localStorage;
      s.setItem(KEY + "probe", "1");
      s.removeItem(KEY + "probe");
      return s;
    } catch (e) {
      return null; // storage off: this tab runs on its own
    }
  }

  function readNumber(name) {
    const v = store ? Number(store.getItem(KEY + name)) : 0;
    return Number.isFinite(v) ? v : 0;
  }

  function write(name, value) {
    if (!store) return;
    try {
      store.setItem(KEY + name, String(value));
    } catch (e) {
      // full or blocked: other tabs still hear the BroadcastChannel
    }
  }

  function tell(message) {
    if (channel) channel.postMessage(message);
  }

  /** When the session was last refreshed, as far as this tab knows. */
  function lastRefresh() {
    return CONFIG.idleMs === null ? pageOpenedAt : deadline - CONFIG.idleMs;
  }

  /** The server refreshed the session at `at` (seen here): a new cycle, for every tab. */
  function refreshed(at) {
    if (CONFIG.idleMs === null) return;
    const d = at + CONFIG.idleMs;
    if (!adopt(d)) return;
    write("deadline", d);
    tell({ type: "deadline", deadline: d });
  }

  /** Takes a later deadline (from this tab or another); true when it moved. */
  function adopt(d) {
    if (!(d > deadline)) return false;
    deadline = d;
    ended = false; // if it had ended: signed in again (perhaps in another tab)
    warningOpen = false; // a refresh ends the cycle the warning was about
    hidePanel();
    return true;
  }

  /** The session is over; `at` is when. Tabs refreshed after `at` are not affected. */
  function sessionEnded(at, share) {
    if (ended) return;
    ended = true;
    if (share) {
      write("ended", at);
      tell({ type: "ended", at: at });
    }
    if (CONFIG.redirectOnExpiry) {
      redirect();
    } else {
      showEnded();
    }
  }

  /** Catches up with other tabs (storage events can be missed while asleep). */
  function sync() {
    adopt(readNumber("deadline"));
    const e = readNumber("ended");
    if (!ended && e > lastRefresh()) sessionEnded(e, false);
  }

  function onShared(message) {
    if (!message) return;
    if (message.type === "deadline") adopt(Number(message.deadline));
    if (message.type === "ended" && Number(message.at) > lastRefresh()) sessionEnded(Number(message.at), false);
  }

  // ----- the server ---------------------------------------------------------------------

  /** Whether the server refreshed the session for a request sent at `t`. */
  function refreshesOn(t, modifies) {
    switch (CONFIG.refresh) {
      case "EachRequest":
        return true;
      case "HalfWindow":
        return 2 * (t - lastRefresh()) > CONFIG.idleMs;
      case "OnModify":
        return modifies;
      default:
        return false; // Never: the session lasts from its login
    }
  }

  /** A response from our server to a request sent at `sentAt`. */
  function serverResponded(sentAt, response, modifies) {
    const headers = response && response.headers;
    const said = headers && typeof headers.get === "function" ? headers.get("X-Session-Refreshed") : null;
    if (said === "1" || (said === null && refreshesOn(sentAt, !!modifies))) refreshed(sentAt);
  }

  function metaContent(name) {
    if (!doc || typeof doc.querySelector !== "function") return null;
    const el = doc.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : null;
  }

  function post(url) {
    if (!rawFetch) return Promise.resolve(null);
    const headers = {};
    const token = metaContent("csrf-token");
    if (token) headers[CONFIG.csrfHeader] = token;
    return rawFetch(url, { method: "POST", credentials: "same-origin", cache: "no-store", headers: headers })
      .catch(function () { return null; }); // offline: the timer runs on
  }

  /** A keepalive or extend ping. A ping never signs anyone in: 401 means the session is gone. */
  function ping(url, modifies) {
    const sentAt = now();
    return post(url).then(function (r) {
      if (!r) return;
      if (r.ok) serverResponded(sentAt, r, modifies);
      else if (r.status === 401) sessionEnded(now(), true);
    });
  }

  function sameOrigin(url) {
    if (!loc) return true;
    try {
      return new URL(url, loc.href).origin === new URL(loc.href).origin;
    } catch (e) {
      return false;
    }
  }

  /** A request the server bounced to the login page refreshed nothing. */
  function bouncedToLogin(response) {
    if (!response.redirected || !response.url || !loc) return false;
    try {
      return new URL(response.url, loc.href).pathname === new URL(CONFIG.loginUrl, loc.href).pathname;
    } catch (e) {
      return false;
    }
  }

  if (rawFetch) {
    global.fetch = function (input, init) {
      const sentAt = now();
      const url = typeof input === "string" ? input : (input && input.url) || String(input);
      const method = String((init && init.method) || (input && input.method) || "GET").toUpperCase();
      return rawFetch(input, init).then(function (response) {
        if (response && response.ok && sameOrigin(url) && !bouncedToLogin(response)) {
          serverResponded(sentAt, response, SAFE_METHODS.indexOf(method) < 0);
        }
        return response;
      });
    };
  }

  // ----- the clock ----------------------------------------------------------------------

  function tick() {
    sync();
    if (ended || CONFIG.idleMs === null) {
      keepalive(now());
      return;
    }
    const t = now();
    if (t >= deadline) {
      // Also after a sleep that outlasted the session: no warning for a session already gone.
      sessionEnded(deadline, true);
      return;
    }
    if (CONFIG.warningLeadMs !== null && t >= deadline - CONFIG.warningLeadMs && warnedFor !== deadline) {
      warnedFor = deadline;
      showWarning();
    }
    keepalive(t);
    if (warningOpen) renderWarning(t);
  }

  /** Pings at the latest tick due if the user was present in the interval before it.
   * Ticks missed while asleep are not made up for: the user was not there. */
  function keepalive(t) {
    if (CONFIG.keepaliveMs === null || ended) return;
    const k = Math.floor((t - pageOpenedAt) / CONFIG.keepaliveMs);
    if (k <= ticksDone) return;
    ticksDone = k;
    const tickAt = pageOpenedAt + k * CONFIG.keepaliveMs;
    if (lastPresence >= tickAt - CONFIG.keepaliveMs && lastPresence < tickAt) {
      ping(CONFIG.keepaliveUrl, false);
    }
  }

  function present() {
    const t = now();
    const quiet = t - lastPresence < 250;
    lastPresence = t;
    if (warningOpen) {
      answer();
    } else if (CONFIG.resetsOnActivity && !ended && !quiet) {
      refreshed(t); // the client-only reset the policy asks for (see CONFIG)
    }
  }

  /** The user's first action while the warning shows answers it. */
  function answer() {
    warningOpen = false;
    hidePanel();
    if (CONFIG.extendOnAnswer) ping(CONFIG.extendUrl, true);
  }

  function redirect() {
    saveAllDrafts();
    hidePanel();
    post(CONFIG.logoutUrl).then(function () {
      if (loc) loc.assign(CONFIG.loginUrl);
    });
  }

  // ----- what the user sees ---------------------------------------------------------

  function panel() {
    if (ui) return ui;
    if (!doc || !doc.body) return null;
    const box = doc.createElement("div");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Session");
    box.setAttribute("style", "position:fixed;right:1em;bottom:1em;z-index:2147483647;max-width:26em;padding:1em;background:#fff;color:#111;border:2px solid #111;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.3)");
    const text = doc.createElement("p");
    text.setAttribute("role", "alert"); // read out once when it changes, not every second
    const countdown = doc.createElement("p");
    countdown.setAttribute("aria-hidden", "true");
    const button = doc.createElement("button");
    button.setAttribute("type", "button");
    const link = doc.createElement("a");
    link.setAttribute("target", "_blank");
    link.setAttribute("rel", "noopener");
    box.appendChild(text);
    box.appendChild(countdown);
    box.appendChild(button);
    box.appendChild(link);
    button.addEventListener("click", function () {
      if (warningOpen) answer();
      hidePanel();
    });
    box.hidden = true;
    doc.body.appendChild(box);
    ui = { box: box, text: text, countdown: countdown, button: button, link: link };
    return ui;
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function showWarning() {
    warningOpen = true;
    const p = panel();
    if (!p) return;
    p.text.textContent = CONFIG.extendOnAnswer
      ? "You will be signed out at " + clock(deadline) + " because of inactivity."
      : "Your session ends at " + clock(deadline) + " unless this page contacts the server.";
    p.button.textContent = CONFIG.extendOnAnswer ? "Stay signed in" : "OK";
    p.button.hidden = false;
    p.link.hidden = true;
    p.box.hidden = false;
  }

  function renderWarning(t) {
    const p = panel();
    if (!p) return;
    const s = Math.max(0, Math.ceil((deadline - t) / 1000));
    p.countdown.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0") + " left";
  }

  function showEnded() {
    warningOpen = false;
    const p = panel();
    if (!p) return;
    p.text.textContent = "Your session has ended." + (CONFIG.preserveDrafts
      ? " What you typed is kept and comes back after you sign in."
      : " Sign in again in a new tab to keep what you typed on this page, then continue here.");
    p.countdown.textContent = "";
    p.button.hidden = true;
    p.link.textContent = "Sign in again";
    p.link.setAttribute("href", CONFIG.loginUrl);
    p.link.hidden = false;
    p.box.hidden = false;
  }

  function hidePanel() {
    if (ui) ui.box.hidden = true;
  }

  // ----- drafts (preserve_drafts) ---------------------------------------------------
  // Forms marked data-lapse-draft keep their fields in localStorage while typed in
  // and get them back on the next page load of the same path, for the same user
  // (<meta name="lapse-user" content="...">). A page confirming a save says
  // <meta name="lapse-draft-saved" content="FORM-ID">, or the app calls
  // lapseSession.draftSaved(form); an explicit sign-out calls lapseSession.clearDrafts().

  const SKIPPED_TYPES = ["password", "hidden", "file", "submit", "button", "reset", "image"];

  function draftForms() {
    if (!doc || typeof doc.querySelectorAll !== "function") return [];
    return Array.prototype.slice.call(doc.querySelectorAll("form[data-lapse-draft]"));
  }

  function formId(form) {
    return typeof form === "string" ? form : form.id || form.getAttribute("name") || "form";
  }

  function draftKey(form) {
    const path = loc ? loc.pathname : "";
    return "draft:" + (metaContent("lapse-user") || "") + ":" + path + ":" + formId(form);
  }

  function draftFields(form) {
    return Array.prototype.filter.call(form.elements || [], function (el) {
      return el.name && SKIPPED_TYPES.indexOf(el.type) < 0;
    });
  }

  function saveDraft(form) {
    const fields = draftFields(form).map(function (el) {
      const checkable = el.type === "checkbox" || el.type === "radio";
      return [el.name, checkable ? !!el.checked : el.value];
    });
    write(draftKey(form), JSON.stringify(fields));
  }

  function saveAllDrafts() {
    if (CONFIG.preserveDrafts) draftForms().forEach(saveDraft);
  }

  function restoreDraft(form) {
    let fields = null;
    try {
      fields = JSON.parse(store ? store.getItem(KEY + draftKey(form)) : "null");
    } catch (e) {
      fields = null;
    }
    if (!Array.isArray(fields)) return;
    draftFields(form).forEach(function (el, i) {
      const saved = fields[i];
      if (!saved || saved[0] !== el.name) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = !!saved[1];
      else if (el.value === (el.defaultValue || "")) el.value = saved[1];
    });
  }

  function draftSaved(form) {
    if (store) store.removeItem(KEY + draftKey(form));
  }

  function clearDrafts() {
    if (!store) return;
    const doomed = [];
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i);
      if (k && k.indexOf(KEY + "draft:") === 0) doomed.push(k);
    }
    doomed.forEach(function (k) { store.removeItem(k); });
  }

  function startDrafts() {
    const saved = metaContent("lapse-draft-saved");
    if (saved) draftSaved(saved);
    draftForms().forEach(function (form) {
      restoreDraft(form);
      form.addEventListener("input", function () { saveDraft(form); });
      form.addEventListener("change", function () { saveDraft(form); });
      form.addEventListener("submit", function () { saveDraft(form); }); // kept until the save is confirmed
    });
  }

  // ----- start ------------------------------------------------------------------------

  function start() {
    if (CONFIG.idleMs !== null) {
      adopt(readNumber("deadline"));
      const said = metaContent("session-refreshed");
      // This page was served to a signed-in user: a known deadline in the past
      // means a new session began (a sign-in) just before it.
      if (said === "1" || deadline <= pageOpenedAt || (said === null && refreshesOn(pageOpenedAt, false))) {
        refreshed(pageOpenedAt);
      }
    }
    PRESENCE_EVENTS.forEach(function (name) {
      global.addEventListener(name, present, { capture: true, passive: true });
    });
    ["focus", "pageshow", "online"].forEach(function (name) { global.addEventListener(name, tick); });
    if (doc) doc.addEventListener("visibilitychange", tick);
    global.addEventListener("storage", function (e) {
      if (e.key === KEY + "deadline") onShared({ type: "deadline", deadline: e.newValue });
      if (e.key === KEY + "ended") onShared({ type: "ended", at: e.newValue });
    });
    if (channel) channel.onmessage = function (e) { onShared(e.data); };
    if (CONFIG.preserveDrafts) startDrafts();
    global.setInterval(tick, TICK_MS);
    tick();
  }

  global.lapseSession = {
    config: CONFIG,
    deadline: function () { return deadline; },
    ended: function () { return ended; },
    warningShown: function () { return warningOpen; },
    serverResponded: function (sentAt, response, modifies) { serverResponded(sentAt, response, modifies); },
    tick: tick,
    draftSaved: draftSaved,
    clearDrafts: clearDrafts,
  };

  if (doc && doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(typeof window !== "undefined" ? window : globalThis);
