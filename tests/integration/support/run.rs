//! Running the `lapse` binary: the one place the tests start it.

use std::path::Path;
use std::process::{Command, ExitStatus, Output};

/// What one run of the binary did, its output as text.
pub struct Run {
    pub status: ExitStatus,
    /// The exit status; `None` when a signal ended the process.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `lapse args` in `dir` (without backtraces), its output as bytes.
pub fn output_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lapse"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the lapse binary runs")
}

/// Runs `lapse args` in the repository's root, its output as bytes.
pub fn output(args: &[&str]) -> Output {
    output_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs `lapse args` in `dir`, its output as text.
pub fn lapse_in(dir: &Path, args: &[&str]) -> Run {
    let out = output_in(dir, args);
    Run {
        status: out.status,
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `lapse args` in the repository's root, its output as text.
pub fn lapse(args: &[&str]) -> Run {
    lapse_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

pub fn stdout(run: &Run) -> String {
    run.stdout.clone()
}

pub fn stderr(run: &Run) -> String {
    run.stderr.clone()
}
