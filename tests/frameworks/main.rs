//! Parity with real web frameworks (SPEC section 7): the same traces replayed
//! through real Flask, Django and Express applications, each driven as a
//! browser under a controlled clock, and through the engine must give the
//! same counts, user by user, for every policy the framework can express,
//! configured by hand and by what `lapse export` writes. docs/framework-parity.md
//! says what each side is and what the comparison showed.
//!
//! The three run in parallel (one test thread each, and each driver spreads
//! its replays over the cores), so the binary's wall time is about the
//! longest of the three, not their sum.

mod common;
mod django;
mod express;
mod flask;

/// Starts the three frameworks' replays at once, each on a thread of its own,
/// whichever test asks first (see `common::shared_batch`).
fn start_all_replays() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let builds: [fn(); 3] = [
            || {
                let _ = std::panic::catch_unwind(flask::batch);
            },
            || {
                let _ = std::panic::catch_unwind(django::batch);
            },
            || {
                let _ = std::panic::catch_unwind(express::batch);
            },
        ];
        for build in builds {
            std::thread::spawn(build);
        }
    });
}
