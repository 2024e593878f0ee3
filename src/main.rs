//! The `lapse` binary: everything lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must not greet the user with a backtrace: one line, exit status 1.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("internal error (a bug in Lapse, please report it): {info}");
    }));
    match std::panic::catch_unwind(|| lapse::cli::main_with_args(std::env::args_os())) {
        Ok(code) => code,
        Err(_) => ExitCode::from(1),
    }
}
