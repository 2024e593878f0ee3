use std::process::Command;

use lapse::analysis::export::{Target, export, flask_settings};
use lapse::model::Dur;

use crate::support::analysis::scenario;
use crate::support::{lapse, policy, stderr, stdout};

const SEED: &str = r#"Policy(name: "seed", idle_timeout: "30m", csrf: Csrf(time_limit: "1h"),
    remember_me: "365d", warning: Warning(lead: "5m", resets_on: Requests, on_response: Extend))"#;

/// Session cookie refreshed only on change, ending with the browser, with an
/// absolute timeout, a CSRF limit and remember-me: much that targets lack.
const OFFICE: &str = r#"Policy(name: "office", idle_timeout: "30m", refresh: OnModify, browser_session: true,
    absolute_timeout: "8h", csrf: Csrf(time_limit: "1h"), remember_me: "14d")"#;

#[test]
fn flask_settings_of_the_seed_policy_in_full() {
    let expected = r#"# Flask settings for policy "seed" (lapse export --target flask).
from datetime import timedelta

PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)  # idle_timeout 30m
SESSION_REFRESH_EACH_REQUEST = True  # refresh: EachRequest
WTF_CSRF_TIME_LIMIT = 3600  # csrf.time_limit 1h, in seconds
REMEMBER_COOKIE_DURATION = timedelta(days=365)  # remember_me 365d
REMEMBER_COOKIE_REFRESH_EACH_REQUEST = False  # remember-me counts from the password login

# At login, and when Flask-Login restores a user from the remember cookie
# (e.g. in a before_request hook), so both kinds of session follow the same rules:
#     session.permanent = True  # browser_session: false

# The client script pings two endpoints; add them (a ping never logs anyone in):
#     @app.post("/session/keepalive")
#     def session_keepalive():
#         if "_user_id" not in session:
#             return "", 401
#         return "", 204  # refreshes the session when SESSION_REFRESH_EACH_REQUEST = True
#     @app.post("/session/extend")
#     def session_extend():
#         if "_user_id" not in session:
#             return "", 401
#         session.modified = True  # "Stay signed in" is a change: it refreshes under any setting
#         return "", 204
"#;
    assert_eq!(export(&policy(SEED), Target::Flask).server, expected);
}

#[test]
fn flask_settings_as_data_reverse_the_spec_mapping() {
    let s = flask_settings(&policy(SEED));
    assert_eq!(s.permanent_session_lifetime, Some(Dur::mins(30)));
    assert!(s.session_permanent && s.session_refresh_each_request && !s.needs_flask_session);
    assert_eq!(s.wtf_csrf_time_limit, Some(Some(Dur::hours(1))));
    assert_eq!(s.remember_cookie_duration, Some(Dur::days(365)));
    assert_eq!(s.absolute_timeout, None);
    assert!(s.not_expressible.is_empty());

    // session.permanent = False (the default): browser session, refreshed on change.
    let s = flask_settings(&policy(OFFICE));
    assert!(!s.session_permanent && !s.session_refresh_each_request && !s.needs_flask_session);
    assert_eq!(s.absolute_timeout, Some(Dur::hours(8)));

    // A browser session refreshed on every request: Flask-Session, SESSION_PERMANENT = False.
    let p = policy(r#"Policy(name: "fs", idle_timeout: "30m", browser_session: true)"#);
    let s = flask_settings(&p);
    assert!(s.needs_flask_session && !s.session_permanent && s.session_refresh_each_request);
    let text = export(&p, Target::Flask).server;
    assert!(
        text.contains("\nSESSION_PERMANENT = False  # browser_session: true\n"),
        "{text}"
    );
    assert!(!text.contains("session.permanent ="), "{text}");

    // No CSRF time limit, and no limit on what Flask cannot do.
    let p = policy(r#"Policy(name: "c", csrf: Csrf(time_limit: None))"#);
    assert_eq!(flask_settings(&p).wtf_csrf_time_limit, Some(None));
    assert!(
        export(&p, Target::Flask)
            .server
            .contains("\nWTF_CSRF_TIME_LIMIT = None  #")
    );

    let p = policy(r#"Policy(name: "h", idle_timeout: "20m", refresh: HalfWindow)"#);
    let s = flask_settings(&p);
    assert!(s.session_refresh_each_request);
    assert_eq!(s.not_expressible.len(), 1);
    let text = export(&p, Target::Flask).server;
    assert!(
        text.contains("# NOT EXPRESSIBLE in flask: refresh: HalfWindow"),
        "{text}"
    );

    // Never: refreshed only on change, and ended idle_timeout after login by app code.
    let p =
        policy(r#"Policy(name: "n", idle_timeout: "20m", refresh: Never, absolute_timeout: "1h")"#);
    let s = flask_settings(&p);
    assert_eq!(s.absolute_timeout, Some(Dur::mins(20)));
    assert!(!s.session_refresh_each_request);
    let text = export(&p, Target::Flask).server;
    assert!(text.contains("time.time() - started >= 1200:"), "{text}");
}

fn lines_of(target: Target, ron_text: &str) -> Vec<String> {
    export(&policy(ron_text), target)
        .server
        .lines()
        .map(str::to_string)
        .collect()
}

fn has(lines: &[String], wanted: &str) {
    assert!(
        lines.iter().any(|l| l == wanted),
        "missing line {wanted:?} in\n{}",
        lines.join("\n")
    );
}

fn has_prefix(lines: &[String], wanted: &str) {
    assert!(
        lines.iter().any(|l| l.starts_with(wanted)),
        "no line starting {wanted:?} in\n{}",
        lines.join("\n")
    );
}

#[test]
fn django_settings() {
    let l = lines_of(Target::Django, OFFICE);
    has(
        &l,
        "SESSION_COOKIE_AGE = 1800  # idle_timeout 30m, in seconds",
    );
    has(
        &l,
        "SESSION_SAVE_EVERY_REQUEST = False  # refresh: OnModify",
    );
    has(
        &l,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # browser_session: true",
    );
    has(
        &l,
        "CSRF_USE_SESSIONS = True  # csrf: the token belongs to the session, as in the policy",
    );
    has_prefix(
        &l,
        "# NOT EXPRESSIBLE in django: absolute timeout 8h: Django has no setting for it",
    );
    has(
        &l,
        "# NOT EXPRESSIBLE in django: csrf.time_limit 1h: Django's CSRF tokens have no time limit",
    );
    has_prefix(&l, "# NOT EXPRESSIBLE in django: remember_me 14d:");
    let l = lines_of(Target::Django, SEED);
    has(
        &l,
        "SESSION_SAVE_EVERY_REQUEST = True  # refresh: EachRequest",
    );
    has(
        &l,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE = False  # browser_session: false",
    );
}

#[test]
fn express_settings() {
    let l = lines_of(Target::Express, SEED);
    has(&l, "  rolling: true, // refresh: EachRequest");
    has(
        &l,
        "  cookie: { maxAge: 1800000 }, // idle_timeout 30m, in ms",
    );
    let l = lines_of(Target::Express, OFFICE);
    has(&l, "  rolling: false, // refresh: OnModify");
    has(&l, "  cookie: {}, // a browser-session cookie");
    has_prefix(&l, "// NOT EXPRESSIBLE in express: browser_session: true:");
    has_prefix(&l, "// NOT EXPRESSIBLE in express: absolute timeout 8h:");
    has_prefix(&l, "// NOT EXPRESSIBLE in express: csrf (time_limit 1h):");
    has_prefix(&l, "// NOT EXPRESSIBLE in express: remember_me 14d:");
}

#[test]
fn spring_settings() {
    let l = lines_of(Target::Spring, OFFICE);
    has(&l, "server.servlet.session.timeout=30m");
    has_prefix(&l, "# NOT EXPRESSIBLE in spring: refresh: OnModify:");
    has_prefix(
        &l,
        "# NOT EXPRESSIBLE in spring: absolute timeout 8h: Spring has no setting for it",
    );
    has(
        &l,
        "# NOT EXPRESSIBLE in spring: csrf.time_limit 1h: Spring's CSRF tokens have no time limit",
    );
    has(
        &l,
        "#     http.rememberMe(r -> r.tokenValiditySeconds(1209600));",
    );
    let l = lines_of(Target::Spring, r#"Policy(name: "s", idle_timeout: "90s")"#);
    has(&l, "server.servlet.session.timeout=90s");
    has_prefix(
        &l,
        "# NOT EXPRESSIBLE in spring: idle_timeout 1m30s: Tomcat counts",
    );
    has_prefix(&l, "# NOT EXPRESSIBLE in spring: browser_session: false:");
}

#[test]
fn aspnet_settings() {
    let l = lines_of(
        Target::AspNet,
        r#"Policy(name: "a", idle_timeout: "20m", refresh: HalfWindow)"#,
    );
    has(
        &l,
        "        options.ExpireTimeSpan = TimeSpan.FromMinutes(20); // idle_timeout 20m",
    );
    has(
        &l,
        "        options.SlidingExpiration = true; // refresh: HalfWindow",
    );
    has(
        &l,
        "// browser_session: false: sign in with new AuthenticationProperties { IsPersistent = true }",
    );
    assert!(!l.iter().any(|x| x.contains("NOT EXPRESSIBLE")), "{l:?}");
    let l = lines_of(
        Target::AspNet,
        r#"Policy(name: "a", idle_timeout: "8h", refresh: Never)"#,
    );
    has(
        &l,
        "        options.SlidingExpiration = false; // refresh: Never",
    );
    let l = lines_of(Target::AspNet, OFFICE);
    has_prefix(&l, "// NOT EXPRESSIBLE in aspnet: refresh: OnModify:");
    has(
        &l,
        "// browser_session: true: sign in with new AuthenticationProperties { IsPersistent = false }",
    );
    has_prefix(&l, "// NOT EXPRESSIBLE in aspnet: absolute timeout 8h:");
}

#[test]
fn no_target_drops_an_absolute_timeout_silently() {
    for target in Target::ALL {
        let text = export(&policy(OFFICE), target).server;
        assert!(
            text.lines()
                .any(|l| l.contains("NOT EXPRESSIBLE") && l.contains("absolute timeout 8h")),
            "{target}:\n{text}"
        );
    }
}

/// Node, or a clear failure: these tests must not pass without running the script.
fn node() -> Command {
    let ok = Command::new("node").arg("--version").output();
    assert!(
        ok.is_ok_and(|o| o.status.success()),
        "these tests run the exported JavaScript with Node.js (20 or later), which is not installed or not on PATH"
    );
    Command::new("node")
}

#[test]
fn every_client_script_parses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policies = [
        SEED,
        OFFICE,
        r#"Policy(name: "k \"quoted\"", idle_timeout: "30m", keepalive: Keepalive(interval: "5m"), on_expiry: Redirect, preserve_drafts: true)"#,
        r#"Policy(name: "none", idle_timeout: None)"#,
    ];
    for (i, p) in policies.iter().enumerate() {
        for target in Target::ALL {
            let path = dir.path().join(format!("s{i}-{target}.js"));
            std::fs::write(&path, export(&policy(p), target).client).expect("write");
            let out = node()
                .arg("--check")
                .arg(&path)
                .output()
                .expect("node runs");
            assert!(
                out.status.success(),
                "{target} {p}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

// The script's behaviour (warning, extend ping, tabs, sleep, the classic alert,
// OnModify) is tested in Chromium: tests/browser/session.rs.

#[test]
fn export_command_prints_settings_and_script() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.ron");
    std::fs::write(&path, scenario(vec![policy(SEED), policy(OFFICE)]).to_ron()).expect("write");
    let p = path.to_str().expect("utf-8");
    let out = lapse(&["export", p, "--policy", "seed", "--target", "flask"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("# Flask settings for policy \"seed\""));
    assert!(text.contains("\n// ----- lapse-session.js"));
    assert!(text.contains("    warningLeadMs: 300000, // warning.lead 5m\n"));

    let js = dir.path().join("session.js");
    let out = lapse(&[
        "export",
        p,
        "--policy",
        "office",
        "--target",
        "django",
        "--only",
        "client",
        "--out",
        js.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let script = std::fs::read_to_string(&js).expect("written");
    assert!(script.starts_with("// lapse-session.js for policy \"office\""));
    assert!(script.contains("csrfHeader: \"X-CSRFToken\""));

    let out = lapse(&["export", p, "--policy", "seed", "--target", "rails"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown target \"rails\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_client_script_says_which_spec_settings_it_implements() {
    let text = export(&policy(SEED), Target::Flask).client;
    assert!(
        text.contains("\n// It implements the SPEC settings client_clock: Wall, tab_sync: true, whatever the policy says.\n"),
        "{text}"
    );
    assert!(
        text.contains("\n// NOTE: this policy differs: tab_sync: false: "),
        "{text}"
    );
    let same = r#"Policy(name: "s", idle_timeout: "30m", client_clock: Wall, tab_sync: true,
        warning: Warning(lead: "5m", resets_on: Requests, on_response: Extend))"#;
    let text = export(&policy(same), Target::Flask).client;
    assert!(!text.contains("NOTE: this policy differs"), "{text}");
    let on_modify = r#"Policy(name: "m", idle_timeout: "30m", refresh: OnModify, on_expiry: Redirect,
        client_clock: Wall, tab_sync: true)"#;
    let text = export(&policy(on_modify), Target::Flask).client;
    assert!(
        text.contains("\n// NOTE: this policy differs: refresh: OnModify: "),
        "{text}"
    );
}
