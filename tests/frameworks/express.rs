//! Parity with real Express (SPEC section 7, "Django and Express"): the same
//! traces replayed through a real Express 5 + express-session 1.19 + csrf-sync
//! application (tests/frameworks/express/app.js: MemoryStore, `resave: false`,
//! `saveUninitialized: false`, a login that regenerates the session; driven by
//! tests/frameworks/express/replay.js as a browser with a faked `Date`) and
//! through the engine must give the same counts, for every Express-mappable
//! policy, configured as listed and by what `lapse export --target express`
//! writes.
//!
//! The test installs the packages once (`target/tmp/express-env`, `npm ci`
//! from the committed package-lock.json; again when package.json or the lock
//! changes). It is never skipped: without Node.js and npm it fails, saying
//! what to install.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use lapse::analysis::export::{Target, export};
use lapse::model::{Csrf, Dur, EventKind, Policy, Refresh};
use serde_json::{Value, json};

use crate::common::{
    Batch, Case, HandEvents, LIFETIME_S, SECOND, SHORT_LIFETIME_S, counts, file_name,
    framework_dir, hand_trace, is_multi_tab, is_seeded, node_env, replay, seeded_traces,
    shared_batch, tmp_dir,
};

#[derive(Clone, Copy, Debug)]
struct ExpressConfig {
    /// cookie.maxAge in seconds; None: a browser-session cookie.
    max_age_s: Option<u64>,
    rolling: bool,
    /// csrf-sync's synchronizer token.
    csrf: bool,
    /// Control: a CSRF error goes to Express's own handler (a bare 403 that
    /// writes nothing) instead of the app's, which flashes.
    bare_csrf_403: bool,
    /// Configured by the options `lapse export --target express` wrote.
    exported: bool,
}

impl ExpressConfig {
    fn name(&self) -> String {
        let cookie = self
            .max_age_s
            .map_or("no maxAge".to_string(), |s| format!("maxAge {s}s"));
        format!(
            "express {cookie} rolling={}, {}{}{}",
            self.rolling,
            if self.csrf { "csrf-sync" } else { "no csrf" },
            if self.bare_csrf_403 {
                ", bare CSRF 403"
            } else {
                ""
            },
            if self.exported {
                ", as lapse export writes it"
            } else {
                ""
            }
        )
    }

    /// SPEC section 7, row by row.
    fn lapse_policy(&self) -> Policy {
        let mut p = Policy::named(self.name());
        match self.max_age_s {
            Some(s) => {
                p.idle_timeout = Some(Dur::secs(s));
                p.refresh = if self.rolling {
                    Refresh::EachRequest
                } else {
                    Refresh::OnModify
                };
            }
            None => {
                // The MemoryStore keeps the entry: no idle expiry.
                p.idle_timeout = None;
                p.browser_session = true;
            }
        }
        p.csrf = self.csrf.then_some(Csrf { time_limit: None });
        p
    }

    fn settings(&self) -> Value {
        if self.exported {
            return self.exported_settings();
        }
        json!({
            "maxAge": self.max_age_s.map(|s| s * SECOND),
            "rolling": self.rolling,
            "csrf": self.csrf,
            "csrf_error_flash": !self.bare_csrf_403,
        })
    }

    /// The app configured by what `lapse export --target express` wrote for
    /// the mapped policy: app.js runs the exported text, whose
    /// `app.use(session({...}))` hands it the options it uses. csrf-sync is
    /// on when the export says to use it (its comment; the policy's `csrf`).
    fn exported_settings(&self) -> Value {
        let policy = self.lapse_policy();
        let text = export(&policy, Target::Express).server;
        assert!(
            !text.contains("NOT EXPRESSIBLE"),
            "{}: a mappable policy exports exactly:\n{text}",
            self.name()
        );
        assert_eq!(text.contains("csrf-sync"), policy.csrf.is_some(), "{text}");
        let file = tmp_dir("express-parity").join(format!("export-{}.js", file_name(&self.name())));
        std::fs::write(&file, text).expect("write the export");
        json!({"exported_config": file, "csrf": policy.csrf.is_some()})
    }

    fn case(&self, traces: Vec<String>, control: bool) -> Case {
        Case {
            name: self.name(),
            policy: self.lapse_policy(),
            settings: self.settings(),
            traces,
            control,
        }
    }
}

fn config(max_age_s: Option<u64>, rolling: bool, csrf: bool) -> ExpressConfig {
    ExpressConfig {
        max_age_s,
        rolling,
        csrf,
        bare_csrf_403: false,
        exported: false,
    }
}

/// The Express-mappable policies: cookie.maxAge with rolling on and off, and
/// no maxAge (a browser session), each with csrf-sync and without; a
/// 10-minute cookie. Then each again, configured by `lapse export --target
/// express`.
fn configs() -> Vec<ExpressConfig> {
    let l = Some(LIFETIME_S);
    let mut out = vec![
        config(l, true, true),
        config(l, false, true),
        config(l, true, false),
        config(l, false, false),
        config(None, false, true),
        config(None, false, false),
        config(Some(SHORT_LIFETIME_S), true, true),
    ];
    let exported: Vec<ExpressConfig> = out
        .iter()
        .map(|c| ExpressConfig {
            exported: true,
            ..*c
        })
        .collect();
    out.extend(exported);
    out
}

/// Control: Express's bare 403 writes nothing, so under OnModify a refused
/// submit does not refresh the session (no cookie is sent again), while the
/// engine (like the app's flashing handler) does. A token fails on a live
/// session only when another tab logged in again: multi-tab traces only.
fn controls() -> Vec<ExpressConfig> {
    vec![ExpressConfig {
        bare_csrf_403: true,
        ..config(Some(LIFETIME_S), false, true)
    }]
}

const SUBSECOND: &str = "subsecond";

/// One hand-made user: name, events, Express's counts, the engine's.
type SubsecondUser = (&'static str, HandEvents, Vec<u64>, Vec<u64>);

/// The known difference (SPEC section 7): express-session sends only
/// `Expires`, rounded down to the second, so its cookie can die up to 999 ms
/// before the session would. maxAge 1801 s, rolling. Worked by hand:
/// - "fraction": refreshed at 0.75 s, the cookie says 1801 s (not 1801.75 s):
///   a request at 1801.25 s finds no cookie (a login and a logout) while the
///   contract's session lives until 1801.75 s (one login);
/// - "whole": refreshed at 0 s, the cookie and the session end together at
///   1801 s: a request 1 ms before finds both (one login each side).
fn subsecond_users() -> Vec<SubsecondUser> {
    use EventKind::{Request, View};
    let l = LIFETIME_S * SECOND;
    let kept = || counts(&[("logins", 1)]);
    vec![
        (
            "fraction",
            vec![(750, View), (250 + l, Request)],
            counts(&[("logins", 2), ("logouts", 1)]),
            kept(),
        ),
        ("whole", vec![(0, View), (l - 1, Request)], kept(), kept()),
    ]
}

pub fn batch() -> &'static Batch {
    static BATCH: OnceLock<Result<Batch, String>> = OnceLock::new();
    shared_batch(&BATCH, build_batch)
}

fn build_batch() -> Batch {
    let mut traces = seeded_traces();
    let seeded: Vec<String> = traces
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| is_seeded(n))
        .collect();
    let multi_tab: Vec<String> = seeded.iter().filter(|n| is_multi_tab(n)).cloned().collect();
    let mut cases: Vec<Case> = configs()
        .iter()
        .map(|c| c.case(seeded.clone(), false))
        .collect();
    if !multi_tab.is_empty() {
        cases.extend(controls().iter().map(|c| c.case(multi_tab.clone(), true)));
    }
    let users: Vec<(&str, Vec<(u64, EventKind)>)> = subsecond_users()
        .into_iter()
        .map(|(u, e, _, _)| (u, e))
        .collect();
    traces.push((SUBSECOND.to_string(), hand_trace(&users)));
    let mut subsecond = config(Some(LIFETIME_S), true, false).case(vec![SUBSECOND.into()], true);
    subsecond.name = format!("{} [{SUBSECOND}]", subsecond.name);
    cases.push(subsecond);

    let dir = framework_dir("express");
    let modules: PathBuf = node_env("express", &dir);
    let mut driver = Command::new("node");
    driver
        .arg("replay.js")
        .current_dir(&dir)
        .env("NODE_PATH", modules);
    // The files stay for a look after a failure: `cd tests/frameworks/express &&
    // NODE_PATH=../../../target/tmp/express-env/node_modules node replay.js ../../../target/tmp/express-parity/batch.json`.
    replay(driver, &tmp_dir("express-parity"), traces, cases)
}

#[test]
fn engine_matches_real_express_on_every_mappable_policy() {
    let batch = batch();
    let tallies = batch.check_parity("Express", &batch.without_remember_me());
    for c in &configs() {
        let t = &tallies[&c.name()];
        let name = c.name();
        for n in ["logins", "saved_submits"] {
            assert!(t.total(n) > 0, "{name}: no {n}");
        }
        // A browser session without an idle timeout ends only with the
        // browser: nothing expires, nothing is lost.
        let expires = c.max_age_s.is_some();
        for n in ["logouts", "lost_submits", "lost_inputs"] {
            assert_eq!(t.total(n) > 0, expires, "{name}: {n}");
        }
    }
}

/// The control that must differ: express-session's cookie dies at its
/// `Expires`, rounded down to the second (numbers in `subsecond_users`).
#[test]
fn express_cookie_dies_up_to_a_second_before_the_session() {
    let want = subsecond_users();
    let replays = batch().hand_replays(SUBSECOND);
    assert_eq!(replays.len(), want.len());
    let mut differ = 0;
    for (case, user, express, engine) in replays {
        let (_, _, want_express, want_engine) = want
            .iter()
            .find(|(u, ..)| *u == user)
            .expect("a known user");
        assert_eq!(&express, want_express, "Express, {user} ({case})");
        assert_eq!(&engine, want_engine, "engine, {user} ({case})");
        differ += usize::from(express != engine);
    }
    assert_eq!(differ, 1, "the sub-second control must differ");
}

/// SPEC section 7's Express table, as a predicate: cookie.maxAge with rolling
/// on or off (an idle timeout, EachRequest or OnModify, no browser session),
/// or no maxAge (a browser session without an idle timeout, whatever the
/// refresh: there is no deadline to move), with csrf-sync or no CSRF.
/// Everything else is not expressible: remember-me, an absolute timeout,
/// HalfWindow and Never with an idle timeout, a CSRF time limit, a browser
/// session with an idle timeout, neither.
fn express_mappable(p: &Policy) -> bool {
    let session = match (p.idle_timeout, p.browser_session) {
        (Some(_), false) => matches!(p.refresh, Refresh::EachRequest | Refresh::OnModify),
        (None, true) => true,
        _ => false,
    };
    session
        && p.remember_me.is_none()
        && p.absolute_timeout.is_none()
        && p.csrf.is_none_or(|c| c.time_limit.is_none())
}

#[test]
fn express_export_marks_exactly_what_the_spec_calls_not_expressible() {
    let mut checked = 0;
    for p in crate::common::policy_grid() {
        let text = export(&p, Target::Express).server;
        let marked = text.contains("NOT EXPRESSIBLE");
        assert_eq!(
            marked,
            !express_mappable(&p),
            "{p:?}: the SPEC says {}, the export says:\n{text}",
            if express_mappable(&p) {
                "mappable"
            } else {
                "not expressible"
            }
        );
        checked += 1;
    }
    assert!(checked > 100, "only {checked} policies");
    for c in configs().iter().chain(&controls()) {
        assert!(express_mappable(&c.lapse_policy()), "{}", c.name());
    }
}
