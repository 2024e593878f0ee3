use lapse::analysis::compliance::{Standard, check, idle_bound, overall_bound};
use lapse::model::Dur;

use crate::support::analysis::scenario;
use crate::support::{lapse, policy, stderr, stdout};

/// (pass, reason) of the policy written in RON against the standard.
fn verdict(standard: &str, ron_text: &str) -> (bool, String) {
    let st: Standard = standard.parse().expect("a standard");
    let v = check(&policy(ron_text), st);
    assert_eq!(v.standard, st);
    (v.pass, v.reason)
}

fn passes(standard: &str, ron_text: &str) -> String {
    let (pass, reason) = verdict(standard, ron_text);
    assert!(pass, "{standard} should pass {ron_text}: {reason}");
    reason
}

fn fails(standard: &str, ron_text: &str) -> String {
    let (pass, reason) = verdict(standard, ron_text);
    assert!(!pass, "{standard} should fail {ron_text}: {reason}");
    reason
}

#[test]
fn pci_dss_8_2_8_re_authentication_after_15_minutes_idle() {
    assert_eq!(
        passes("pci-dss", r#"Policy(name: "p", idle_timeout: "15m")"#),
        "idle limit 15m <= 15m (idle_timeout 15m)"
    );
    assert_eq!(
        fails("pci-dss", r#"Policy(name: "p", idle_timeout: "30m")"#),
        "idle limit 30m > 15m (idle_timeout 30m)"
    );
    // A keepalive ping up to one interval after the last action refreshes the session.
    let r = fails(
        "pci-dss",
        r#"Policy(name: "p", idle_timeout: "10m", keepalive: Keepalive(interval: "10m"))"#,
    );
    assert!(
        r.starts_with("idle limit 20m > 15m (idle_timeout 10m + keepalive.interval 10m"),
        "{r}"
    );
    // ...unless pings do not refresh it (OnModify).
    passes(
        "pci-dss",
        r#"Policy(name: "p", idle_timeout: "10m", refresh: OnModify, keepalive: Keepalive(interval: "10m"))"#,
    );
    // Remember-me restores an expired session without a password.
    let r = fails(
        "pci-dss",
        r#"Policy(name: "p", idle_timeout: "15m", remember_me: "30d")"#,
    );
    assert!(
        r.starts_with(
            "idle limit 30d > 15m (idle_timeout 15m, but remember_me 30d silently restores"
        ),
        "{r}"
    );
    // A remember-me shorter than the idle timeout never restores an idle-expired session.
    passes(
        "pci-dss",
        r#"Policy(name: "p", idle_timeout: "15m", remember_me: "10m")"#,
    );
    // An absolute timeout is a bound on idleness too.
    passes(
        "pci-dss",
        r#"Policy(name: "p", idle_timeout: None, absolute_timeout: "10m")"#,
    );
    let r = fails("pci-dss", r#"Policy(name: "p", idle_timeout: None)"#);
    assert!(
        r.starts_with("no idle limit (no idle_timeout or absolute_timeout"),
        "{r}"
    );
}

#[test]
fn the_client_redirect_is_not_a_server_side_limit() {
    // The redirect fires at the same client deadline as the idle timeout; it
    // changes nothing in the bound, and without a page open it never fires.
    let p = policy(r#"Policy(name: "p", idle_timeout: "20m", on_expiry: Redirect)"#);
    assert_eq!(idle_bound(&p).limit, Some(Dur::mins(20)));
    assert!(!check(&p, Standard::PciDss).pass);
}

#[test]
fn nist_aal2_overall_24h_and_idle_1h() {
    assert_eq!(
        passes(
            "nist-aal2",
            r#"Policy(name: "p", idle_timeout: "1h", absolute_timeout: "24h")"#
        ),
        "idle limit 1h <= 1h (idle_timeout 1h); overall limit 1d <= 1d (absolute_timeout 1d)"
    );
    let r = fails("nist-aal2", r#"Policy(name: "p", idle_timeout: "1h")"#);
    assert_eq!(
        r,
        "no overall limit (no absolute_timeout: a session that keeps being used never ends); at most 1d allowed"
    );
    fails(
        "nist-aal2",
        r#"Policy(name: "p", idle_timeout: "61m", absolute_timeout: "8h")"#,
    );
    // An idle timeout never refreshed is counted from login: an overall limit.
    passes(
        "nist-aal2",
        r#"Policy(name: "p", idle_timeout: "30m", refresh: Never)"#,
    );
    // Remember-me adds to the overall time without a password.
    let p = policy(
        r#"Policy(name: "p", idle_timeout: "30m", absolute_timeout: "12h", remember_me: "30d")"#,
    );
    assert_eq!(
        overall_bound(&p).limit,
        Some(Dur(Dur::hours(12).0 + Dur::days(30).0))
    );
    let r = fails(
        "nist-aal2",
        r#"Policy(name: "p", idle_timeout: "30m", absolute_timeout: "12h", remember_me: "30d")"#,
    );
    assert!(
        r.contains("idle limit 30d > 1h") && r.contains("overall limit 30d12h > 1d"),
        "{r}"
    );
}

#[test]
fn nist_aal3_overall_12h_and_idle_15m() {
    passes(
        "nist-aal3",
        r#"Policy(name: "p", idle_timeout: "15m", absolute_timeout: "12h")"#,
    );
    let r = fails(
        "nist-aal3",
        r#"Policy(name: "p", idle_timeout: "15m", absolute_timeout: "12h", remember_me: "1h")"#,
    );
    assert!(
        r.contains("idle limit 1h > 15m") && r.contains("overall limit 13h > 12h"),
        "{r}"
    );
    fails(
        "nist-aal3",
        r#"Policy(name: "p", idle_timeout: "15m", absolute_timeout: "13h")"#,
    );
}

#[test]
fn owasp_ranges() {
    passes(
        "owasp-high",
        r#"Policy(name: "p", idle_timeout: "5m", absolute_timeout: "8h")"#,
    );
    let r = fails(
        "owasp-high",
        r#"Policy(name: "p", idle_timeout: "10m", absolute_timeout: "8h")"#,
    );
    assert_eq!(r, "idle limit 10m > 5m (idle_timeout 10m)");
    // Below the range is stricter than needed: a pass, with a note.
    let r = passes(
        "owasp-high",
        r#"Policy(name: "p", idle_timeout: "1m", absolute_timeout: "8h")"#,
    );
    assert!(
        r.ends_with("note: idle 1m is below the usual 2m-5m range (stricter than needed)"),
        "{r}"
    );
    passes(
        "owasp-low",
        r#"Policy(name: "p", idle_timeout: "30m", absolute_timeout: "4h")"#,
    );
    let r = fails("owasp-low", r#"Policy(name: "p", idle_timeout: "30m")"#);
    assert!(r.starts_with("no absolute limit"), "{r}");
    fails(
        "owasp-low",
        r#"Policy(name: "p", idle_timeout: "30m", absolute_timeout: "9h")"#,
    );
}

const EXTEND: &str = r#"warning: Warning(lead: "1m", resets_on: Requests, on_response: Extend)"#;

#[test]
fn wcag_2_2_1_an_extend_warning_with_20_seconds_to_answer() {
    let ok = format!(r#"Policy(name: "p", idle_timeout: "30m", {EXTEND})"#);
    assert_eq!(
        passes("wcag-2.2.1", &ok),
        "an Extend warning 1m (>= 20s) before idle_timeout 30m lets the user extend it"
    );
    assert_eq!(
        fails("wcag-2.2.1", r#"Policy(name: "p", idle_timeout: "30m")"#),
        "idle_timeout 30m ends the session without a warning"
    );
    let dismiss = r#"Policy(name: "p", idle_timeout: "30m", warning: Warning(lead: "1m", on_response: Dismiss))"#;
    assert!(fails("wcag-2.2.1", dismiss).contains("plain alert (on_response: Dismiss)"));
    let short = r#"Policy(name: "p", idle_timeout: "30m", warning: Warning(lead: "19s"))"#;
    assert_eq!(
        fails("wcag-2.2.1", short),
        "warning.lead 19s leaves less than 20s to answer"
    );
    passes(
        "wcag-2.2.1",
        r#"Policy(name: "p", idle_timeout: "30m", warning: Warning(lead: "20s"))"#,
    );
    // A warning whose timer is out of step with the server can come too late.
    let activity = r#"Policy(name: "p", idle_timeout: "30m", warning: Warning(lead: "1m", resets_on: RequestsAndActivity))"#;
    assert!(fails("wcag-2.2.1", activity).contains("resets_on: RequestsAndActivity"));
    let on_modify =
        format!(r#"Policy(name: "p", idle_timeout: "30m", refresh: OnModify, {EXTEND})"#);
    assert!(fails("wcag-2.2.1", &on_modify).contains("refresh: OnModify"));
    // Limits nobody can extend.
    let absolute =
        format!(r#"Policy(name: "p", idle_timeout: "30m", absolute_timeout: "8h", {EXTEND})"#);
    assert!(fails("wcag-2.2.1", &absolute).contains("absolute_timeout 8h cannot be extended"));
    passes(
        "wcag-2.2.1",
        &format!(r#"Policy(name: "p", idle_timeout: "30m", absolute_timeout: "20h", {EXTEND})"#),
    );
    let csrf = format!(
        r#"Policy(name: "p", idle_timeout: "30m", csrf: Csrf(time_limit: "1h"), {EXTEND})"#
    );
    assert!(fails("wcag-2.2.1", &csrf).contains("csrf.time_limit 1h fails a form"));
    passes(
        "wcag-2.2.1",
        &format!(
            r#"Policy(name: "p", idle_timeout: "30m", csrf: Csrf(time_limit: "1h"), preserve_drafts: true, {EXTEND})"#
        ),
    );
    // The 20-hour exception, and no limit at all.
    passes("wcag-2.2.1", r#"Policy(name: "p", idle_timeout: "20h")"#);
    assert_eq!(
        passes("wcag-2.2.1", r#"Policy(name: "p", idle_timeout: None)"#),
        "no time limit"
    );
}

#[test]
fn wcag_2_2_5_re_authenticating_without_losing_data() {
    passes("wcag-2.2.5", r#"Policy(name: "p", preserve_drafts: true)"#);
    assert_eq!(
        fails(
            "wcag-2.2.5",
            r#"Policy(name: "p", idle_timeout: "30m", absolute_timeout: "8h")"#
        ),
        "preserve_drafts is off: unsaved work is lost when the session ends (idle_timeout 30m, absolute_timeout 8h) and the user signs in again"
    );
    passes("wcag-2.2.5", r#"Policy(name: "p", idle_timeout: None)"#);
}

#[test]
fn wcag_2_2_6_warned_of_inactivity_that_loses_data() {
    passes(
        "wcag-2.2.6",
        r#"Policy(name: "p", idle_timeout: "30m", preserve_drafts: true)"#,
    );
    // A plain alert warns; it need not extend anything.
    let alert = r#"Policy(name: "p", idle_timeout: "30m", warning: Warning(lead: "2m", on_response: Dismiss))"#;
    assert_eq!(
        passes("wcag-2.2.6", alert),
        "users are warned 2m before idle_timeout 30m ends the session"
    );
    assert_eq!(
        fails("wcag-2.2.6", r#"Policy(name: "p", idle_timeout: "30m")"#),
        "idle_timeout 30m loses unsaved work without a warning"
    );
    let late = r#"Policy(name: "p", idle_timeout: "30m", warning: Warning(lead: "2m", resets_on: RequestsAndActivity, on_response: Dismiss))"#;
    assert!(
        fails("wcag-2.2.6", late)
            .starts_with("the warning before idle_timeout 30m can come too late")
    );
    passes("wcag-2.2.6", r#"Policy(name: "p", idle_timeout: "1d")"#);
}

#[test]
fn hipaa_automatic_logoff() {
    assert_eq!(
        passes("hipaa", r#"Policy(name: "p", idle_timeout: "30m")"#),
        "automatic logoff after at most 30m of inactivity (idle_timeout 30m)"
    );
    let r = passes(
        "hipaa",
        r#"Policy(name: "p", idle_timeout: None, absolute_timeout: "8h")"#,
    );
    assert!(r.starts_with("the session ends 8h after login"), "{r}");
    let r = passes(
        "hipaa",
        r#"Policy(name: "p", idle_timeout: "15m", remember_me: "30d")"#,
    );
    assert!(
        r.ends_with("note: remember_me 30d signs the user back in without a password"),
        "{r}"
    );
    assert_eq!(
        fails("hipaa", r#"Policy(name: "p", idle_timeout: None)"#),
        "no idle_timeout or absolute_timeout: sessions are never logged off automatically"
    );
}

#[test]
fn check_prints_every_verdict_and_exits_0_unless_a_must_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let strict = policy(
        r#"Policy(name: "strict", idle_timeout: "15m", absolute_timeout: "12h", preserve_drafts: true,
           warning: Warning(lead: "1m"))"#,
    );
    let loose = policy(r#"Policy(name: "loose", idle_timeout: "2h")"#);
    // `check` reads only the policies: the trace file need not exist.
    let path = dir.path().join("s.ron");
    std::fs::write(&path, scenario(vec![strict, loose]).to_ron()).expect("write");
    let p = path.to_str().expect("utf-8");

    let out = lapse(&["check", p]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "policy \"strict\"\n  pass  pci-dss     idle limit 15m <= 15m (idle_timeout 15m)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "policy \"loose\"\n  FAIL  pci-dss     idle limit 2h > 15m (idle_timeout 2h)\n"
        ),
        "{text}"
    );
    assert_eq!(
        text.matches("  pass  ").count() + text.matches("  FAIL  ").count(),
        18
    );

    let out = lapse(&["check", p, "--must", "pci-dss", "--must", "hipaa"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stderr(&out), "policy \"loose\" fails pci-dss\n");
    let out = lapse(&[
        "check",
        p,
        "--policy",
        "strict",
        "--must",
        "pci-dss",
        "--must",
        "nist-aal3",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("loose"));

    let out = lapse(&["check", p, "--format", "json", "--policy", "loose"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["policies"][0]["verdicts"][0]["standard"], "pci-dss");
    assert_eq!(json["policies"][0]["verdicts"][0]["pass"], false);
    assert_eq!(json["policies"][0]["verdicts"][8]["standard"], "hipaa");

    let out = lapse(&["check", p, "--must", "iso-27001"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown standard \"iso-27001\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_notes_where_the_exported_script_differs_from_the_policy() {
    use lapse::analysis::compliance::script_differences;
    // No client timer, no keepalive: the script has nothing to do that differs.
    assert!(
        script_differences(&policy(
            r#"Policy(name: "a", idle_timeout: "30m", refresh: OnModify)"#
        ))
        .is_empty()
    );
    // What the script implements: no difference.
    let same = r#"Policy(name: "s", idle_timeout: "30m", on_expiry: Redirect, keepalive: Keepalive(interval: "5m"),
        client_clock: Wall, tab_sync: true)"#;
    assert!(script_differences(&policy(same)).is_empty());
    // The defaults (Monotonic, no tab_sync) and OnModify: three differences, in that order.
    let d = script_differences(&policy(
        r#"Policy(name: "b", idle_timeout: "30m", refresh: OnModify, on_expiry: Redirect)"#,
    ));
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(d[0].starts_with("client_clock: Monotonic: "), "{d:?}");
    assert!(d[1].starts_with("tab_sync: false: "), "{d:?}");
    assert!(d[2].starts_with("refresh: OnModify: "), "{d:?}");
    // A keepalive alone: presence is per tab without tab_sync; the clock does not matter.
    let d = script_differences(&policy(
        r#"Policy(name: "k", idle_timeout: "30m", keepalive: Keepalive(interval: "5m"))"#,
    ));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].starts_with("tab_sync: false: "), "{d:?}");

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.ron");
    let p = policy(
        r#"Policy(name: "m", idle_timeout: "30m", refresh: OnModify, on_expiry: Redirect, client_clock: Wall, tab_sync: true)"#,
    );
    std::fs::write(&path, scenario(vec![p]).to_ron()).expect("write");
    let out = lapse(&["check", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("  warning: the exported lapse-session.js implements client_clock: Wall, tab_sync: true, not this policy: refresh: OnModify: "),
        "{}",
        stdout(&out)
    );
    let out = lapse(&["check", path.to_str().expect("utf-8"), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(
        json["policies"][0]["script_differs"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

/// `--must` takes exactly the standards its help lists, spelled as listed;
/// anything else is refused before any file is read, naming the valid ones.
#[test]
fn must_takes_exactly_the_listed_standards() {
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/pci-dss-15min.ron");
    let all = "pci-dss, nist-aal2, nist-aal3, owasp-high, owasp-low, wcag-2.2.1, wcag-2.2.5, wcag-2.2.6, hipaa";
    let help = stdout(&lapse(&["check", "--help"]));
    assert!(
        help.contains(&all.replace(", hipaa", " or hipaa")),
        "{help}"
    );
    for bad in ["PCI-DSS", " pci-dss", "pci", "iso-27001"] {
        let out = lapse(&["check", scenario, "--must", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("unknown standard {bad:?}: expected one of {all}")),
            "{bad}: {err}"
        );
    }
    let out = lapse(&["check", scenario, "--must", "wcag-2.2.1"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));

    // recommend aims only at the standards that bound durations.
    let bounding = "pci-dss, nist-aal2, nist-aal3, owasp-high or owasp-low";
    let help = stdout(&lapse(&["recommend", "--help"]));
    assert!(help.contains(bounding), "{help}");
    for bad in ["hipaa", "wcag-2.2.1", "Pci-Dss"] {
        let out = lapse(&["recommend", scenario, "--must", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "recommend takes a standard that bounds durations: {bounding}"
            )),
            "{bad}: {err}"
        );
    }
}
