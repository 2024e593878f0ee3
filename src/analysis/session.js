
  // ----- How it works ---------------------------------------------------------------
  // This script implements two settings of Lapse's SPEC whatever the policy says:
  // client_clock: Wall and tab_sync: true (`lapse check` warns about a policy
  // that asks for anything else).
  // - The timer follows the server: `deadline` is when the server session ends if
  //   nothing refreshes it. It moves only on responses that refreshed the session
  //   (by CONFIG.refresh, or the server's `X-Session-Refreshed: 1|0` header, or a
  //   `<meta name="session-refreshed" content="1|0">` on the page), never on mouse
  //   moves unless the policy says resets_on: RequestsAndActivity.
  // - Tabs share one session (localStorage, announced on a BroadcastChannel and
  //   by storage events): the deadline, the one warning of each cycle, its answer,
  //   the sign-out, and when the user was last present in any tab.
  // - Wall clock: the deadline is compared with Date.now() when it comes due and
  //   once a second, so a laptop waking from sleep, or a throttled background
  //   tab, sees the session as it really is, never a stale countdown.
  // - Keepalive: every open tab ticks every keepaliveMs of its own running time
  //   (performance.now(), which stands still while the device sleeps) and pings
  //   when the user was present in any tab since the previous tick.
  // - The warning stays on screen until the deadline, a click, or a refresh of
  //   the session. The user's first action in any tab answers it (and with
  //   extendOnAnswer pings at once); the panel then says so and keeps its button
  //   where it was, so a pointer on its way to "Stay signed in" never makes the
  //   click land on the page behind.
  // - Include it only on pages served to a signed-in user. Other clients (XHR,
  //   htmx) call lapseSession.serverResponded(sentAtMs, response) after a response.
  // - Every change is also announced as a `lapse-session` DOM event on window
  //   (detail.type: warning, answered, missed, ended, redirect, keepalive, extend),
  //   for an app's own analytics.

  const KEY = "lapse-session:";
  const SAFE_METHODS = ["GET", "HEAD", "OPTIONS"];
  const PRESENCE_EVENTS = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "scroll", "input"];
  const HEARTBEAT_MS = 1000; // how soon a wall-clock jump (sleep) is noticed
  const SHARED = ["deadline", "ended", "warned", "answered", "presence"];
  const doc = global.document || null;
  const loc = global.location || null;
  const now = function () { return Date.now(); };
  const perf = global.performance && typeof global.performance.now === "function" ? global.performance : null;
  const mono = function () { return perf ? perf.now() : Date.now(); };
  const store = openStorage();
  const channel = openChannel();
  const rawFetch = typeof global.fetch === "function" ? global.fetch.bind(global) : null;

  const TAB_ID = String(Math.random()).slice(2) + "-" + now();
  const pageOpenedAt = now();
  const pageOpenedMono = mono();
  // The session as this tab knows it; every tab converges on the latest values.
  const shared = { deadline: 0, ended: 0, warned: 0, answered: 0, presence: 0 };
  let ended = false;       // expired, signed out, or a ping found no session
  let shownFor = 0;        // the deadline whose warning this tab shows
  let pending = 0;         // requests of ours still in flight
  let ticksDone = 0;       // keepalive ticks handled (tick k at pageOpenedMono + k * keepaliveMs)
  let checkTimer = null;
  let checkDueMono = 0;
  let keepaliveDueMono = 0;
  let leaving = false;     // signing out: this page is going to the login page
  let ui = null;

  // ----- shared state -----------------------------------------------------------------

  function openStorage() {
    try {
      const s = global.localStorage;
      s.setItem(KEY + "probe", "1");
      s.removeItem(KEY + "probe");
      return s;
    } catch (e) {
      return null; // storage off (a private window, a blocked origin)
    }
  }

  function openChannel() {
    try {
      return typeof global.BroadcastChannel === "function" ? new global.BroadcastChannel("lapse-session") : null;
    } catch (e) {
      return null;
    }
  }

  function readNumber(name) {
    const v = store ? Number(store.getItem(KEY + name)) : 0;
    return Number.isFinite(v) ? v : 0;
  }

  /** Takes a value from another tab (or storage); every shared value only grows. */
  function learn(name, value) {
    const v = Number(value);
    if (!(v > shared[name])) return false;
    shared[name] = v;
    if (name === "deadline") newCycle();
    // An end before this page loaded is history: the page was served to a signed-in user.
    if (name === "ended" && !ended && v > lastRefresh() && v > pageOpenedAt) sessionEnded(v, false);
    if (name === "answered" && v === shownFor && ui && ui.box.getAttribute("data-state") === "warning") hidePanel();
    return true;
  }

  /** Records a value here and tells the other tabs. */
  function share(name, value) {
    if (!learn(name, value)) return;
    if (store) {
      try {
        store.setItem(KEY + name, String(shared[name]));
      } catch (e) {
        // full or blocked: the other tabs still hear the BroadcastChannel
      }
    }
    // Presence changes with every key and mouse move: storage events carry it
    // (and each tab reads storage before it acts); the channel only without storage.
    if (channel && !(name === "presence" && store)) channel.postMessage({ name: name, value: shared[name] });
  }

  /** Catches up with other tabs (messages can be missed while asleep). */
  function sync() {
    SHARED.forEach(function (name) { learn(name, readNumber(name)); });
  }

  function announce(type, extra) {
    if (typeof global.dispatchEvent !== "function" || typeof global.CustomEvent !== "function") return;
    const detail = { type: type, deadline: shared.deadline, at: now() };
    if (extra) Object.keys(extra).forEach(function (k) { detail[k] = extra[k]; });
    global.dispatchEvent(new global.CustomEvent("lapse-session", { detail: detail }));
  }

  /** When the session was last refreshed, as far as this tab knows. */
  function lastRefresh() {
    return CONFIG.idleMs === null ? pageOpenedAt : shared.deadline - CONFIG.idleMs;
  }

  /** The server refreshed the session at `at` (seen here): a new cycle, for every tab. */
  function refreshed(at) {
    if (CONFIG.idleMs !== null) share("deadline", at + CONFIG.idleMs);
  }

  /** A later deadline: signed in (again, perhaps in another tab), a new cycle. */
  function newCycle() {
    ended = false;
    if (ui && ui.box.getAttribute("data-state") === "answered") {
      showAnswered(); // keeps the confirmation, with the new time
    } else {
      hidePanel(); // a refresh ends the cycle the warning was about
    }
    schedule();
  }

  /** The session is over; `at` is when. Tabs refreshed after `at` are not affected. */
  function sessionEnded(at, tellOthers) {
    if (ended) return;
    ended = true;
    if (tellOthers) share("ended", at);
    announce("ended");
    if (CONFIG.redirectOnExpiry) {
      redirect();
    } else {
      showEnded();
    }
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

  /** A POST that outlives the page (keepalive), so a ping sent as the user leaves still arrives. */
  function post(url) {
    if (!rawFetch) return Promise.resolve(null);
    const headers = {};
    const token = metaContent("csrf-token");
    if (token) headers[CONFIG.csrfHeader] = token;
    pending += 1;
    return rawFetch(url, { method: "POST", credentials: "same-origin", cache: "no-store", keepalive: true, headers: headers })
      .catch(function () { return null; }) // offline: the timer runs on
      .then(function (r) {
        pending -= 1;
        return r;
      });
  }

  /** A keepalive or extend ping. A ping never signs anyone in: 401 means the session is gone. */
  function ping(url, modifies) {
    const sentAt = now();
    announce(modifies ? "extend" : "keepalive");
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

  /** The next wall-clock instant at which the warning or the deadline is due. */
  function wallDue() {
    if (ended || CONFIG.idleMs === null || !(shared.deadline > 0)) return Infinity;
    const d = shared.deadline;
    const warnAt = CONFIG.warningLeadMs === null ? Infinity : d - CONFIG.warningLeadMs;
    return shownFor !== d && shared.warned !== d && shared.answered !== d ? Math.min(warnAt, d) : d;
  }

  /** One timer: exactly at the next due instant, and at least once a second, because
   * timers stand still while the device sleeps and the wall clock does not. */
  function schedule() {
    if (checkTimer !== null) global.clearTimeout(checkTimer);
    const delay = Math.max(0, Math.min(HEARTBEAT_MS, wallDue() - now()));
    checkDueMono = mono() + delay;
    checkTimer = global.setTimeout(function () {
      checkTimer = null;
      check();
      schedule();
    }, delay);
  }

  /** What is due by the wall clock, in the SPEC's order: a warning missed, the
   * redirect, a new warning. After a sleep past the deadline no warning flashes. */
  function check() {
    sync();
    if (ended || CONFIG.idleMs === null || !(shared.deadline > 0)) return;
    const t = now();
    const d = shared.deadline;
    if (t >= d) {
      if (shownFor === d && shared.answered !== d) announce("missed");
      sessionEnded(d, true);
      return;
    }
    if (CONFIG.warningLeadMs !== null && t >= d - CONFIG.warningLeadMs && shownFor !== d && shared.answered !== d) {
      shownFor = d;
      share("warned", d);
      showWarning();
      announce("warning");
    }
    if (ui && !ui.box.hidden && ui.box.getAttribute("data-state") === "warning") renderWarning(t);
  }

  function scheduleKeepalive() {
    if (CONFIG.keepaliveMs === null) return;
    keepaliveDueMono = pageOpenedMono + (ticksDone + 1) * CONFIG.keepaliveMs;
    global.setTimeout(keepaliveTick, Math.max(0, keepaliveDueMono - mono()));
  }

  /** Tick k of this tab: pings if the user was present in any tab in [tick - interval, tick).
   * Its interval counts running time only: after a sleep of d the next tick comes d later. */
  function keepaliveTick() {
    check(); // the SPEC's order: a missed warning, the redirect and a new warning come first
    const k = Math.floor((mono() - pageOpenedMono) / CONFIG.keepaliveMs);
    if (k > ticksDone && !leaving) {
      ticksDone = k;
      const tickAt = now() - (mono() - (pageOpenedMono + k * CONFIG.keepaliveMs));
      if (shared.presence >= tickAt - CONFIG.keepaliveMs && shared.presence < tickAt) {
        ping(CONFIG.keepaliveUrl, false);
      }
    }
    scheduleKeepalive();
  }

  /** The user did something in this tab. */
  function present() {
    check(); // catch up first: after a sleep, an action must not answer a warning already gone
    const t = now();
    share("presence", t);
    if (warningUnanswered()) answer();
    if (CONFIG.resetsOnActivity && !ended) refreshed(t); // the client-only reset the policy asks for (see CONFIG)
  }

  function warningUnanswered() {
    const d = shared.deadline;
    return !ended && shared.warned === d && shared.answered !== d && now() < d;
  }

  /** The user's first action while the warning shows, in any tab, answers it. */
  function answer() {
    share("answered", shared.deadline);
    announce("answered");
    showAnswered();
    if (CONFIG.extendOnAnswer) ping(CONFIG.extendUrl, true);
  }

  function redirect() {
    if (leaving) return;
    leaving = true;
    saveAllDrafts();
    hidePanel();
    announce("redirect");
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
    box.setAttribute("data-lapse-session", "");
    // A fixed width, anchored bottom-right, and a button of fixed width at the
    // bottom: when the answer changes the message, the button stays under the pointer.
    box.setAttribute("style", "position:fixed;right:1em;bottom:1em;z-index:2147483647;box-sizing:border-box;width:24em;max-width:calc(100vw - 2em);padding:1em;background:#fff;color:#111;border:2px solid #111;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.3)");
    const text = doc.createElement("p");
    text.setAttribute("role", "alert"); // read out once when it changes, not every second
    const countdown = doc.createElement("p");
    countdown.setAttribute("aria-hidden", "true");
    const button = doc.createElement("button");
    button.setAttribute("type", "button");
    button.setAttribute("style", "min-width:10em");
    const link = doc.createElement("a");
    link.setAttribute("target", "_blank");
    link.setAttribute("rel", "noopener");
    box.appendChild(text);
    box.appendChild(countdown);
    box.appendChild(button);
    box.appendChild(link);
    button.addEventListener("click", function () {
      if (warningUnanswered()) answer(); // a keyboard user's Enter on the focused button
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

  function showPanel(state, message, buttonText) {
    const p = panel();
    if (!p) return;
    p.box.setAttribute("data-state", state);
    p.box.setAttribute("data-deadline", String(shared.deadline));
    p.text.textContent = message;
    p.countdown.textContent = "";
    p.button.textContent = buttonText || "";
    p.button.hidden = !buttonText;
    p.link.hidden = true;
    p.box.hidden = false;
  }

  function showWarning() {
    showPanel("warning", CONFIG.extendOnAnswer
      ? "You will be signed out at " + clock(shared.deadline) + " because of inactivity. Any activity on this page keeps you signed in."
      : "Your session ends at " + clock(shared.deadline) + " unless this page contacts the server.",
    CONFIG.extendOnAnswer ? "Stay signed in" : "OK");
  }

  /** The warning was answered: the panel stays, its button in place, until clicked. */
  function showAnswered() {
    showPanel("answered", CONFIG.extendOnAnswer
      ? "You are still signed in (until " + clock(shared.deadline) + " without activity)."
      : "Noted. Your session still ends at " + clock(shared.deadline) + " unless this page contacts the server.",
    "OK");
  }

  function renderWarning(t) {
    const p = panel();
    if (!p) return;
    const s = Math.max(0, Math.ceil((shared.deadline - t) / 1000));
    p.countdown.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0") + " left";
  }

  function showEnded() {
    showPanel("ended", "Your session has ended." + (CONFIG.preserveDrafts
      ? " What you typed is kept and comes back after you sign in."
      : " Sign in again in a new tab to keep what you typed on this page, then continue here."), "");
    const p = panel();
    if (!p) return;
    p.link.textContent = "Sign in again";
    p.link.setAttribute("href", CONFIG.loginUrl);
    p.link.hidden = false;
  }

  function hidePanel() {
    if (ui) {
      ui.box.hidden = true;
      ui.box.setAttribute("data-state", "hidden");
    }
  }

  /** A confirmation goes when the user gets back to work elsewhere on the page. */
  function dismissAnswered(e) {
    if (!ui || ui.box.getAttribute("data-state") !== "answered") return;
    if (e && e.target && typeof ui.box.contains === "function" && ui.box.contains(e.target)) return;
    hidePanel();
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

  function sayHowTabsShare() {
    if (typeof console === "undefined" || typeof console.warn !== "function") return;
    if (!store && !channel) {
      console.warn("lapse-session.js: this browser lets tabs share neither localStorage nor a BroadcastChannel, so tabs are not kept in sync: this tab's session timer runs on its own.");
    } else if (!store) {
      console.warn("lapse-session.js: localStorage is off: tabs share the session over a BroadcastChannel only, and a tab opened later learns the deadline at the next refresh.");
    }
  }

  /** The ids of this user's open tabs (each adds itself at load and goes at pagehide). */
  function openTabs() {
    try {
      const ids = JSON.parse((store && store.getItem(KEY + "tabs")) || "[]");
      return Array.isArray(ids) ? ids.filter(function (id) { return id !== TAB_ID; }) : [];
    } catch (e) {
      return [];
    }
  }

  function register(open) {
    if (!store) return;
    const ids = openTabs();
    if (open) ids.push(TAB_ID);
    try {
      store.setItem(KEY + "tabs", JSON.stringify(ids));
    } catch (e) {
      // blocked: a later tab may take a warning shown here for still showing
    }
  }

  /** Whether an earlier page of this tab ran the script (the user navigated on in
   * the tab rather than opening it anew); sessionStorage lives as long as the tab. */
  function sameTabBefore() {
    try {
      const before = global.sessionStorage.getItem(KEY + "tab") !== null;
      global.sessionStorage.setItem(KEY + "tab", "1");
      return before;
    } catch (e) {
      return false;
    }
  }

  function start() {
    sayHowTabsShare();
    sync();
    // The page load is the user's action: it answers a warning shown in this tab's
    // previous page or another open tab (before the load's own refresh, as the
    // SPEC orders it). With no tab open the warning ended when the last one closed.
    const othersOpen = openTabs().length > 0 || sameTabBefore();
    register(true);
    global.addEventListener("pagehide", function () { register(false); });
    share("presence", pageOpenedAt);
    if (othersOpen && warningUnanswered()) answer();
    if (CONFIG.idleMs !== null) {
      const said = metaContent("session-refreshed");
      // This page was served to a signed-in user: a known deadline in the past
      // means a new session began (a sign-in) just before it.
      if (said === "1" || shared.deadline <= pageOpenedAt || (said === null && refreshesOn(pageOpenedAt, false))) {
        refreshed(pageOpenedAt);
      }
    }
    ["keydown", "pointerdown"].forEach(function (name) {
      global.addEventListener(name, dismissAnswered, { capture: true, passive: true });
    });
    PRESENCE_EVENTS.forEach(function (name) {
      global.addEventListener(name, present, { capture: true, passive: true });
    });
    ["focus", "pageshow", "online"].forEach(function (name) { global.addEventListener(name, check); });
    if (doc) doc.addEventListener("visibilitychange", check);
    global.addEventListener("storage", function (e) {
      if (e.key && e.key.indexOf(KEY) === 0 && SHARED.indexOf(e.key.slice(KEY.length)) >= 0) {
        learn(e.key.slice(KEY.length), e.newValue);
      }
    });
    if (channel) channel.onmessage = function (e) {
      if (e.data && SHARED.indexOf(e.data.name) >= 0) learn(e.data.name, e.data.value);
    };
    if (CONFIG.preserveDrafts) startDrafts();
    check();
    schedule();
    scheduleKeepalive();
  }

  /** The next instant (wall clock) at which this tab acts on its own, or null. */
  function nextDue() {
    const t = now();
    const m = mono();
    let due = Infinity;
    const w = wallDue();
    // Overdue after a sleep: it happens at the next check.
    if (w < Infinity) due = w > t ? w : t + Math.max(0, checkDueMono - m);
    if (CONFIG.keepaliveMs !== null && !leaving) due = Math.min(due, t + Math.max(0, keepaliveDueMono - m));
    return due === Infinity ? null : due;
  }

  global.lapseSession = {
    config: CONFIG,
    deadline: function () { return shared.deadline; },
    ended: function () { return ended; },
    warningShown: function () { return !!ui && !ui.box.hidden && ui.box.getAttribute("data-state") === "warning"; },
    state: function () {
      return {
        deadline: shared.deadline, ended: shared.ended, warned: shared.warned, answered: shared.answered,
        presence: shared.presence, pending: pending, leaving: leaving,
        overdue: wallDue() <= now(), // after a sleep, until the next check
      };
    },
    nextDue: nextDue,
    serverResponded: function (sentAt, response, modifies) { serverResponded(sentAt, response, modifies); },
    tick: check,
    draftSaved: draftSaved,
    clearDrafts: clearDrafts,
  };

  if (doc && doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(typeof window !== "undefined" ? window : globalThis);
