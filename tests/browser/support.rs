//! Runs `node tests/browser/driver.js MODULE JOB.json` and reads its JSON answer.
//! A missing Node, playwright-core or chromium fails the test with the command
//! that installs it: these tests never pass without a real browser.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;

pub fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// The browser the driver launches (`LAPSE_CHROMIUM` overrides it, as in js/chromium.js).
fn chromium() -> PathBuf {
    std::env::var_os("LAPSE_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn check_tools() {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "the browser tests need Node.js 20 or later: install it with `apt-get install -y nodejs npm`"
    );
    assert!(
        browser_dir()
            .join("node_modules/playwright-core/package.json")
            .exists(),
        "the browser tests need playwright-core: run `npm ci --prefix tests/browser`"
    );
    assert!(
        chromium().exists(),
        "the browser tests need Chromium at {}: install it with `apt-get update && apt-get install -y chromium`",
        chromium().display()
    );
}

/// One Chromium at a time: the replays run the pages' timers in steps and
/// wait for the pages to settle in real time, and two browsers replaying at
/// once on this 2-core machine made that wait miss a login page's load now
/// and then (seen once in three CI runs with two browsers at once).
static ONE_BROWSER: Mutex<()> = Mutex::new(());

/// Runs one job of a driver module; `Err` carries the driver's error output.
pub fn try_drive(module: &str, job: &Value) -> Result<Value, String> {
    check_tools();
    // A test that failed while holding the turn leaves nothing to repair.
    let _turn = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    let job_path = dir.path().join("job.json");
    std::fs::write(&job_path, job.to_string()).expect("write job");
    let out = Command::new("node")
        .arg(browser_dir().join("driver.js"))
        .arg(module)
        .arg(&job_path)
        .output()
        .expect("node runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "the driver's answer is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// As [`try_drive`], failing the test on a driver error.
pub fn drive(module: &str, job: &Value) -> Value {
    try_drive(module, job).unwrap_or_else(|e| panic!("browser driver {module}: {e}"))
}

/// A file in a temporary directory that lives as long as the returned guard.
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write temp file");
    (dir, path)
}
