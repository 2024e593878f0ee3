// A small real Express 5 application whose session behaviour Lapse claims to model.
//
// express-session on its MemoryStore (resave: false, saveUninitialized: false),
// a login that regenerates the session, a synchronizer CSRF token kept in the
// session (csrf-sync), and the routes of the Flask app: /login, /page (renders
// the form's CSRF token and shows a flashed message), /api, /submit (the
// handler writes the session).
//
// Configured from a JSON object (SPEC section 7 maps each to a Lapse policy):
// - maxAge: cookie.maxAge in ms, or null (a browser-session cookie);
//   rolling: bool.
// - csrf: bool, whether csrf-sync's protection is on.
// - exported_config: optional path of the file `lapse export --target express`
//   wrote for a policy. The file is run as an app's setup code runs it: its
//   `app.use(session({...}))` hands this app the session options it uses (the
//   values above are then ignored), its SESSION_SECRET read from the
//   environment.
// - csrf_error_flash (default true): the CSRF error handler flashes its
//   message into the session (a write), as the Flask app does. Off, the error
//   goes to Express's own handler: a bare 403 that writes nothing (a control).
//
// The form is posted by the page's script (fetch) with the token in the
// x-csrf-token header (csrf-sync's default), as Lapse models it: a saved
// submit answers JSON and the page stays, with its token; a refused one
// answers 403 and the script reloads the page.

"use strict";

const fs = require("fs");
const express = require("express");
const session = require("express-session");
const { csrfSync } = require("csrf-sync");

const PASSWORD = "correct horse";
const SECRET = "lapse parity secret";

/// The session options: from the exported file, or as listed.
function sessionOptions(config) {
  if (!config.exported_config) {
    const options = {
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      rolling: config.rolling,
      cookie: {},
    };
    if (config.maxAge !== null) {
      options.cookie.maxAge = config.maxAge;
    }
    return options;
  }
  const text = fs.readFileSync(config.exported_config, "utf8");
  const captured = [];
  const setup = { use: () => {} };
  const capture = (options) => {
    captured.push(options);
    return () => {};
  };
  // The exported text is code for the app's setup: `app` and `session` are
  // the app's, `process.env.SESSION_SECRET` its secret.
  new Function("app", "session", "process", text)(setup, capture, {
    env: { SESSION_SECRET: SECRET },
  });
  if (captured.length !== 1) {
    throw new Error(`${config.exported_config}: expected one session({...}), found ${captured.length}`);
  }
  return captured[0];
}

function escape(s) {
  return String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function createApp(config) {
  const app = express();
  const options = sessionOptions(config);
  options.store = new session.MemoryStore();
  app.use(session(options));
  app.use(express.urlencoded({ extended: false }));
  const { csrfSynchronisedProtection } = csrfSync();
  if (config.csrf) {
    app.use(csrfSynchronisedProtection);
  }

  const csrfField = (req) =>
    config.csrf ? `<input type="hidden" name="_csrf" value="${req.csrfToken()}">` : "";
  // Shown on every page, as most apps do; reading it removes it (a write).
  const flashes = (req) => {
    const message = req.session.flash;
    if (message === undefined) return "";
    delete req.session.flash;
    return `<p>${escape(message)}</p>`;
  };
  const requireLogin = (req, res, next) =>
    req.session.user ? next() : res.redirect("/login");

  app.get("/login", (req, res) => {
    res.send(`${flashes(req)}<form method=post>${csrfField(req)}<input name="username"><input name="password" type="password"></form>`);
  });
  app.post("/login", (req, res, next) => {
    if (req.body.password !== PASSWORD) {
      res.status(401).send("wrong password");
      return;
    }
    const user = req.body.username;
    // A new session identity at login (session fixation): the old CSRF token goes with it.
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.user = user;
      res.redirect("/page");
    });
  });
  app.get("/page", requireLogin, (req, res) => {
    res.send(`${flashes(req)}<form method=post action=/submit>${csrfField(req)}</form>`);
  });
  app.get("/api", requireLogin, (req, res) => res.json({ ok: true }));
  app.post("/submit", requireLogin, (req, res) => {
    // Saving the form records something in the session: a modification.
    req.session.saved = (req.session.saved || 0) + 1;
    res.json({ saved: req.session.saved });
  });
  app.use((err, req, res, next) => {
    if (err.code !== "EBADCSRFTOKEN" || config.csrf_error_flash === false) {
      next(err);
      return;
    }
    // Shown on the page the script reloads; the flash writes the session.
    req.session.flash = `The form expired: ${err.message}`;
    res.status(403).json({ csrf_error: err.message });
  });
  return app;
}

module.exports = { createApp, PASSWORD };
