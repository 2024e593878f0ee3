//! Parity with real Django (SPEC section 7, "Django and Express"): the same
//! traces replayed through a real Django 6.1 application
//! (tests/frameworks/django/app.py: database sessions on SQLite,
//! `contrib.auth` login, the CSRF middleware enforced; driven by
//! tests/frameworks/django/replay.py as a browser under a frozen clock) and
//! through the engine must give the same counts, for every Django-mappable
//! policy, configured as listed and by what `lapse export --target django`
//! writes.
//!
//! The test builds its own virtualenv (`target/tmp/django-venv`, rebuilt when
//! tests/frameworks/django/requirements.txt changes) with a Python of at least
//! 3.12 (Django 6's floor). It is never skipped: without one it fails, saying
//! what to install.

use std::process::Command;
use std::sync::OnceLock;

use lapse::analysis::export::{Target, export};
use lapse::model::{Csrf, Dur, EventKind, Policy, Refresh};
use serde_json::{Value, json};

use crate::common::{
    Batch, Case, HandEvents, LIFETIME_S, SECOND, SHORT_LIFETIME_S, counts, file_name,
    framework_dir, hand_trace, is_multi_tab, is_seeded, python_env, replay, seeded_traces,
    shared_batch, tmp_dir,
};

#[derive(Clone, Copy, Debug, PartialEq)]
enum CsrfSetting {
    /// No CsrfViewMiddleware.
    Off,
    /// CsrfViewMiddleware, its secret in the csrftoken cookie (Django's default).
    Cookie,
    /// CsrfViewMiddleware with CSRF_USE_SESSIONS = True.
    Session,
}

#[derive(Clone, Copy, Debug)]
struct DjangoConfig {
    save_every_request: bool,
    expire_at_browser_close: bool,
    /// SESSION_COOKIE_AGE in seconds.
    age_s: u64,
    csrf: CsrfSetting,
    /// Control: Django's bare 403 CSRF page, which writes nothing.
    bare_csrf_403: bool,
    /// Configured by the module `lapse export --target django` wrote.
    exported: bool,
}

impl DjangoConfig {
    fn name(&self) -> String {
        let csrf = match self.csrf {
            CsrfSetting::Off => "no csrf",
            CsrfSetting::Cookie => "csrf cookie",
            CsrfSetting::Session => "csrf in session",
        };
        format!(
            "django save_every_request={} expire_at_browser_close={} age {}s, {csrf}{}{}",
            self.save_every_request,
            self.expire_at_browser_close,
            self.age_s,
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
        p.idle_timeout = Some(Dur::secs(self.age_s));
        p.refresh = if self.save_every_request {
            Refresh::EachRequest
        } else {
            Refresh::OnModify
        };
        p.browser_session = self.expire_at_browser_close;
        p.csrf = match self.csrf {
            CsrfSetting::Off => None,
            _ => Some(Csrf { time_limit: None }),
        };
        p
    }

    fn settings(&self) -> Value {
        if self.exported {
            return self.exported_settings();
        }
        json!({
            "SESSION_COOKIE_AGE": self.age_s,
            "SESSION_SAVE_EVERY_REQUEST": self.save_every_request,
            "SESSION_EXPIRE_AT_BROWSER_CLOSE": self.expire_at_browser_close,
            "CSRF_USE_SESSIONS": self.csrf == CsrfSetting::Session,
            "csrf": self.csrf != CsrfSetting::Off,
            "csrf_failure_flash": !self.bare_csrf_403,
        })
    }

    /// The app configured by the settings module `lapse export --target
    /// django` wrote for the mapped policy, loaded over Django's defaults: a
    /// setting it failed to write would leave a default and the counts would
    /// differ. Whether CsrfViewMiddleware is in MIDDLEWARE (Django's default
    /// list has it) follows the policy's `csrf`, as the export's comment says.
    fn exported_settings(&self) -> Value {
        let policy = self.lapse_policy();
        let text = export(&policy, Target::Django).server;
        assert!(
            !text.contains("NOT EXPRESSIBLE"),
            "{}: a mappable policy exports exactly:\n{text}",
            self.name()
        );
        let file = tmp_dir("django-parity").join(format!("export-{}.py", file_name(&self.name())));
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

fn config(
    save_every_request: bool,
    expire_at_browser_close: bool,
    csrf: CsrfSetting,
) -> DjangoConfig {
    DjangoConfig {
        save_every_request,
        expire_at_browser_close,
        age_s: LIFETIME_S,
        csrf,
        bare_csrf_403: false,
        exported: false,
    }
}

/// The Django-mappable policies: SESSION_SAVE_EVERY_REQUEST on and off,
/// SESSION_EXPIRE_AT_BROWSER_CLOSE on and off, with the CSRF middleware
/// (secret in its cookie, Django's default), and some without it or with the
/// secret in the session; a 10-minute session. Then every distinct policy
/// again, configured by `lapse export --target django` (which writes
/// CSRF_USE_SESSIONS = True).
fn configs() -> Vec<DjangoConfig> {
    use CsrfSetting::*;
    let mut out = vec![
        config(false, false, Cookie), // Django's defaults
        config(true, false, Cookie),
        config(false, true, Cookie),
        config(true, true, Cookie),
        config(false, false, Off),
        config(true, true, Off),
        config(false, true, Session),
        DjangoConfig {
            age_s: SHORT_LIFETIME_S,
            ..config(true, false, Cookie)
        },
    ];
    let mut exported: Vec<DjangoConfig> = Vec::new();
    for c in &out {
        let e = DjangoConfig {
            exported: true,
            csrf: if c.csrf == Off { Off } else { Session },
            ..*c
        };
        if !exported.iter().any(|x| x.name() == e.name()) {
            exported.push(e);
        }
    }
    out.extend(exported);
    out
}

/// Control: Django's bare 403 CSRF page writes nothing, so under OnModify a
/// refused submit does not refresh the session, while the engine (like the
/// app's flashing failure view) does. A token fails on a live session only
/// when another tab logged in again (no remember-me in Django): this control
/// needs multi-tab traces.
fn controls() -> Vec<DjangoConfig> {
    vec![DjangoConfig {
        bare_csrf_403: true,
        ..config(false, false, CsrfSetting::Cookie)
    }]
}

/// Django expires a session at its deadline, to the millisecond, as the SPEC
/// does (the row's expire_date is compared with the clock; the cookie's
/// Max-Age is whole seconds of an age in whole seconds). A session refreshed
/// at 0.75 s with SESSION_COOKIE_AGE 1801 s: a request 1 ms before
/// 1801.75 s finds it, one at 1801.75 s does not. Worked by hand.
fn boundary_users() -> Vec<(&'static str, HandEvents, Vec<u64>)> {
    use EventKind::{Request, View};
    let deadline = 750 + LIFETIME_S * SECOND;
    vec![
        (
            "before",
            vec![(750, View), (deadline - 1, Request)],
            counts(&[("logins", 1)]),
        ),
        (
            "at",
            vec![(750, View), (deadline, Request)],
            counts(&[("logins", 2), ("logouts", 1)]),
        ),
    ]
}

const BOUNDARY: &str = "boundary";

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
    let users: Vec<(&str, Vec<(u64, EventKind)>)> = boundary_users()
        .into_iter()
        .map(|(u, e, _)| (u, e))
        .collect();
    traces.push((BOUNDARY.to_string(), hand_trace(&users)));
    let mut boundary = config(true, false, CsrfSetting::Off).case(vec![BOUNDARY.into()], false);
    boundary.name = format!("{} [{BOUNDARY}]", boundary.name);
    cases.push(boundary);

    let dir = framework_dir("django");
    let python = python_env("django", &dir.join("requirements.txt"), (3, 12));
    let mut driver = Command::new(python);
    driver.arg("replay.py").current_dir(&dir);
    // The files stay for a look after a failure: `cd tests/frameworks/django &&
    // ../../../target/tmp/django-venv/bin/python replay.py ../../../target/tmp/django-parity/batch.json`.
    replay(driver, &tmp_dir("django-parity"), traces, cases)
}

#[test]
fn engine_matches_real_django_on_every_mappable_policy() {
    let batch = batch();
    let tallies = batch.check_parity("Django", &batch.without_remember_me());
    for c in &configs() {
        let t = &tallies[&c.name()];
        for n in [
            "logins",
            "logouts",
            "lost_submits",
            "lost_inputs",
            "saved_submits",
        ] {
            assert!(t.total(n) > 0, "{}: no {n}", c.name());
        }
    }
}

#[test]
fn django_expires_a_session_at_its_deadline_as_the_spec_does() {
    let want = boundary_users();
    let replays = batch().hand_replays(BOUNDARY);
    assert_eq!(replays.len(), want.len());
    for (case, user, django, engine) in replays {
        let (_, _, expected) = want
            .iter()
            .find(|(u, ..)| *u == user)
            .expect("a known user");
        assert_eq!(&django, expected, "Django, {user} ({case})");
        assert_eq!(&engine, expected, "engine, {user} ({case})");
    }
}

/// SPEC section 7's Django table, as a predicate: a policy is mappable when
/// every field is one of its rows (an idle timeout as SESSION_COOKIE_AGE,
/// EachRequest or OnModify, a browser session or not, CSRF off or without a
/// time limit). Everything else is what it calls not expressible:
/// remember-me, an absolute timeout, HalfWindow (and Never), a CSRF time
/// limit, no idle timeout.
fn django_mappable(p: &Policy) -> bool {
    p.idle_timeout.is_some()
        && matches!(p.refresh, Refresh::EachRequest | Refresh::OnModify)
        && p.remember_me.is_none()
        && p.absolute_timeout.is_none()
        && p.csrf.is_none_or(|c| c.time_limit.is_none())
}

#[test]
fn django_export_marks_exactly_what_the_spec_calls_not_expressible() {
    let mut checked = 0;
    for p in crate::common::policy_grid() {
        let text = export(&p, Target::Django).server;
        let marked = text.contains("NOT EXPRESSIBLE");
        assert_eq!(
            marked,
            !django_mappable(&p),
            "{p:?}: the SPEC says {}, the export says:\n{text}",
            if django_mappable(&p) {
                "mappable"
            } else {
                "not expressible"
            }
        );
        checked += 1;
    }
    assert!(checked > 100, "only {checked} policies");
    for c in configs().iter().chain(&controls()) {
        assert!(django_mappable(&c.lapse_policy()), "{}", c.name());
    }
}
